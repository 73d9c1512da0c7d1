"""Command palette providers: every action, every participant by id or name.

The actions are read from the live bindings of the app and the board (each binding
with a tooltip is a command, its key shown as the user has it), plus the few actions
that have no key. There is no second, hand-kept list of actions to fall out of step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from rich.align import Align
from rich.text import Text
from textual.actions import parse
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.widgets.option_list import Option

from ipstui.core.i18n import _
from ipstui.core.model import PHASE_LABELS, summaries_of
from ipstui.core.termsafe import escape
from ipstui.core.vocab import team_label
from ipstui.ui.keys import live_bindings

Command = tuple[str, str, Callable[[], object]]
"""(name, help text, what it runs)."""


class Palette(CommandPalette):
    """Textual's command palette speaking the current language: its placeholder and its
    "No matches found" line (English literals in Textual, listed in
    `ipstui.ui.keys.TEXTUAL_WORDS` so the catalogs carry them)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(placeholder=_("Search for commands…"), **kwargs)  # type: ignore[arg-type]

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's (8.x), with the line translated: after a short wait, say that a
        search found nothing; an empty search (discovery) hides the list instead."""
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)


def binding_commands(node: DOMNode, skip: frozenset[str] | set[str] = frozenset()) -> list[Command]:
    """One command per binding of `node` that has a tooltip, except those whose action
    is in `skip`: named by its description, helped by its tooltip and its live key (the
    words already translated, see `ipstui.ui.keys.TranslatedBindings`); it runs the
    binding's action on `node`."""
    app = node.app
    out: list[Command] = []
    seen: set[str] = set()
    for key, bindings in live_bindings(node).key_to_bindings.items():
        for b in bindings:
            if not b.tooltip or b.action in seen or b.action in skip:
                continue
            seen.add(b.action)
            namespace, name, params = parse(b.action)
            target = app if namespace == "app" else node
            method = getattr(target, f"action_{name}", None)
            if method is None:
                continue
            shown = app.get_key_display(b.with_key(key))
            out.append((b.description or name, f"{b.tooltip} ({shown})", partial(method, *params)))
    return out


class ActionsProvider(Provider):
    """The app's actions: those of the app's and the board's bindings, and those
    without a key (reload, a filter per specialist, show or hide closed)."""

    def _commands(self) -> list[Command]:
        """Every command, its name and help escaped (SPEC §13): a specialist's key and
        name come from caseload.toml."""
        return [(escape(name), escape(help_text), cb) for name, help_text, cb in self._all()]

    def _all(self) -> list[Command]:
        app = self.app
        board = app._board_screen()
        cmds = binding_commands(app)
        cmds.append((_("Reload caseload"), _("read every file again"), app.load_caseload))
        if board is not None:
            # The board's own `C` command is replaced by the one that says which way it goes.
            cmds += [c for c in binding_commands(board, skip={"toggle_closed"})]
            label = (
                _("Hide closed participants")
                if board.show_closed
                else _("Show closed participants")
            )
            cmds.append((label, _("toggle the Closed column on the board"), board.toggle_closed))
            cl = app.caseload
            if cl is not None:
                for key, spec in cl.settings.team.items():
                    cmds.append(
                        (
                            _("Filter: specialist {key}").format(key=key),
                            _("only {name}'s caseload").format(name=spec.name),
                            partial(board.set_specialist, key),
                        )
                    )
        return cmds

    async def discover(self) -> Hits:
        """Every action, shown when the palette opens."""
        for name, help_text, cb in self._commands():
            yield DiscoveryHit(name, cb, help=help_text)

    async def search(self, query: str) -> Hits:
        """The actions whose name matches `query`."""
        matcher = self.matcher(query)
        for name, help_text, cb in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), cb, help=help_text)


def participant_help(phase: str, specialist: str, team: Mapping[str, Any]) -> str:
    """A participant hit's second line: the phase and the specialist as a person reads
    them (`Engagement · Anna Bianchi (anna)`), never the stored codes."""
    name = getattr(team.get(specialist), "name", None)
    return escape(f"{PHASE_LABELS.get(phase, phase)} · {team_label(specialist, name)}")


class ParticipantsProvider(Provider):
    """Open any participant by typing part of the id or name."""

    async def search(self, query: str) -> Hits:
        """Participants whose id or name matches `query` (at most 200)."""
        cl = self.app.caseload
        if cl is None or not query.strip():
            return
        matcher = self.matcher(query)
        team = cl.settings.team
        q = query.strip().lower()
        shown = 0
        for pid, (name, specialist, phase, *_flags) in summaries_of(cl.participants):
            text = escape(f"{pid} {name}")
            if q not in text.lower() and shown > 50:
                continue
            score = matcher.match(text)
            if score > 0:
                shown += 1
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._open, pid),
                    help=participant_help(phase, specialist, team),
                )
            if shown >= 200:
                return

    def _open(self, pid: str) -> None:
        board = self.app._board_screen()
        if board is not None:
            board.goto(pid)
        self.app.open_participant(pid)
