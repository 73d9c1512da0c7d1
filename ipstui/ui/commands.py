"""Command palette providers: every action, every participant by id or name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    """The app's actions, including the ones without a key."""

    def _commands(self) -> list[tuple[str, str, object]]:
        from ipstui.ui.screens.board import BoardScreen

        app = self.app
        board = app._board_screen()
        cmds: list[tuple[str, str, object]] = [
            ("Agenda", "every open deadline, overdue first (a)", app.action_agenda),
            ("Reports", "outcome figures by quarter (r)", app.action_reports),
            ("Problems", "invalid files and uncommitted hand edits (p)", app.action_problems),
            ("Employers", "the register and job-development log (e)", app.action_employers),
            ("Fidelity", "IPS-25 self-review of the records (F)", app.action_fidelity),
            ("Sync", "fetch, merge and push with the team's remote (s)", app.action_sync),
            ("New participant", "add someone in intake (n)", app.new_participant),
            ("Help", "keys on this screen (?)", app.action_help),
            ("Reload caseload", "read every file again", app.load_caseload),
        ]
        if isinstance(board, BoardScreen):
            label = "Hide closed participants" if board.show_closed else "Show closed participants"
            cmds.append((label, "toggle the Closed column on the board", board.toggle_closed))
            cmds.append(("Clear filters", "show every participant", board.action_clear_filters))
            cmds.append(("Filter by text", "id, name or specialist (/)", board.action_filter))
            cl = app.caseload
            if cl is not None:
                for key, spec in cl.settings.team.items():
                    cmds.append(
                        (
                            f"Filter: specialist {key}",
                            f"only {spec.name}'s caseload",
                            partial(board.set_specialist, key),
                        )
                    )
        return cmds

    async def discover(self) -> Hits:
        for name, help_text, cb in self._commands():
            yield DiscoveryHit(name, cb, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, cb in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), cb, help=help_text)


class ParticipantsProvider(Provider):
    """Open any participant by typing part of the id or name."""

    async def search(self, query: str) -> Hits:
        cl = self.app.caseload
        if cl is None or not query.strip():
            return
        matcher = self.matcher(query)
        q = query.strip().lower()
        shown = 0
        for pid, p in cl.participants.items():
            text = f"{pid} {p.name}"
            if q not in text.lower() and shown > 50:
                continue
            score = matcher.match(text)
            if score > 0:
                shown += 1
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._open, pid),
                    help=f"@{p.specialist} · {p.phase}",
                )
            if shown >= 200:
                return

    def _open(self, pid: str) -> None:
        board = self.app._board_screen()
        if board is not None:
            board.goto(pid)
        self.app.open_participant(pid)
