"""`RunsEdits`, a part of `IpsApp` (ui/app.py): the edit pipeline.

Every edit a screen or dialog asks for (`run_edit`, or `refuse_edit` before it starts)
runs in a worker, one at a time under the app's edit lock, on the latest snapshot; the
worker posts `EditSaved` or `EditRefused` with the request's number. The app takes the
new snapshot, then hands the message on to every screen on the stack (`_tell_screens`),
where the one that asked recognises its number. Quitting with unsaved edits asks first
(`action_quit`, SPEC §9).

A part (`parts.AppPart` says what that means for its handlers and state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from ipstui.core.board import make_card
from ipstui.core.i18n import _
from ipstui.core.model import changed_ids
from ipstui.core.service import CaseloadError, GitError, SaveResult, StaleEdit
from ipstui.ui.messages import EditRefused, EditSaved
from ipstui.ui.parts import AppPart

EDIT_WORKER = "edit:"
"""Name prefix of an edit's worker; the request number follows."""


class RunsEdits(AppPart):
    """Part of `IpsApp`: edits in a worker, their outcome."""

    _requests: int
    """The number of the latest edit request (`run_edit`)."""
    last_save: SaveResult | None
    """The latest edit this app saved, taken before its snapshot is published: a
    screen that sees its record's version come back as that save's knows the commit
    holding it without asking git (`ParticipantScreen._own_save`)."""
    _follow_on_save: dict[int, str]
    """Edit request → the participant the board's cursor follows once it is saved
    ("": the one the edit made): `follow_on_save`."""

    def _setup_edits(self) -> None:
        """The pipeline's state (called from `IpsApp.__init__`, `parts.set_up_parts`)."""
        self._requests = 0
        self.last_save = None
        self._follow_on_save = {}

    def reserve_request(self) -> int:
        """A request number for an edit that starts later (after a question): give it
        to `run_edit` or `refuse_edit` as `request`, so a dialog waiting for it learns
        the outcome."""
        self._requests += 1
        return self._requests

    def run_edit(
        self,
        label: str,
        func: Callable[..., SaveResult],
        *args: Any,
        request: int | None = None,
        **kwargs: Any,
    ) -> int:
        """Run `func(latest_snapshot, *args, **kwargs)` off the UI thread, one edit at a
        time; returns the request's number (`request` when reserved). The worker posts
        EditSaved or EditRefused with that number: the app takes the new snapshot, then
        hands the message on to every screen (`_tell_screens`), where the one that asked
        recognises its number."""
        if request is None:
            request = self.reserve_request()
        self.run_worker(
            partial(self._edit_worker, request, label, func, args, kwargs),
            name=f"{EDIT_WORKER}{request}",
            group="edit",
            description=f"saving: {label}",
            exit_on_error=False,
            thread=True,
        )
        return request

    def follow_on_save(self, request: int, pid: str) -> None:
        """Once edit `request` is saved, put the board's cursor on `pid` ("": on the
        participant the edit made); nothing when it is refused."""
        self._follow_on_save[request] = pid

    def refuse_edit(self, label: str, error: Exception, *, request: int | None = None) -> int:
        """An edit refused before it starts, like one the worker refuses: returns its
        request number (`request` when reserved) and posts EditRefused with it (handled
        after the caller returns, so a dialog waiting for the number stays open with
        what was typed)."""
        if request is None:
            request = self.reserve_request()
        self.post_message(EditRefused(request, label, error))
        return request

    def _edit_worker(
        self,
        request: int,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        """One edit on the latest snapshot, under the app's edit lock (runs in a thread;
        an error it does not expect ends the worker, see `_worker_failed`)."""
        with self._lock:
            cl = self._latest
            if cl is None:
                exc = CaseloadError(_("the caseload is still loading; try again in a moment"))
                self.post_message(EditRefused(request, label, exc))
                return
            try:
                result = func(cl, *args, **kwargs)
            except StaleEdit as exc:
                fresh = None
                if exc.fresh is not None:
                    fresh = self._latest = cl.with_participant(exc.fresh, exc.problems)
                # Deleted or now invalid (no fresh version): load again, Problems says why.
                self.post_message(
                    EditRefused(request, label, exc, fresh=fresh, reload=exc.fresh is None)
                )
                return
            except (CaseloadError, GitError, OSError, ValueError) as exc:
                self.post_message(EditRefused(request, label, exc))
                return
            p = result.participant
            new = cl if p is None else cl.with_participant(p, result.problems)
            self._latest = new
        self.post_message(EditSaved(request, label, result, new))
        # Our own commit changed the disk: note it so the watcher does not reload for it.
        # Taken after the message is posted, as it reads every file's stat (~40 ms at 20,000).
        self._note_fingerprint(new, self._fingerprint_now())

    def _on_edit_saved(self, message: EditSaved) -> None:
        """An edit was committed: take its snapshot (and the saved card), say so, move the
        board's cursor when the request asked, and tell every screen."""
        result, cl = message.result, message.caseload
        p = result.participant
        if p is not None:
            prev = self.cards
            self.cards = dict(prev)
            self.cards[p.id] = make_card(p, cl.settings, self.today)
            self.cards_delta = (prev, p.id)
        self.last_save = result
        self.caseload = cl
        self.notify(
            _("Saved {commit}: {subject}").format(commit=result.commit[:7], subject=result.subject),
            title=_("Committed"),
            timeout=4,
        )
        for line in result.warnings:
            self.notify(line, title=_("Committed, but"), severity="warning", timeout=10)
        follow = self._follow_on_save.pop(message.request, None)
        if follow is not None and (follow or p is not None):
            self._point_board_at(follow or p.id)  # "": the participant the edit made
        self._tell_screens(message)

    def _on_edit_refused(self, message: EditRefused) -> None:
        """An edit was refused: take the fresh snapshot it found (a stale edit's), say why,
        load again when the record is gone, and tell every screen."""
        fresh = message.fresh
        if fresh is not None:
            self.cards = dict(self.cards)
            self.cards_delta = None
            held = self.caseload.participants if self.caseload else {}
            for pid in changed_ids(held, fresh.participants):
                self.cards[pid] = make_card(fresh.participants[pid], fresh.settings, self.today)
            self.caseload = fresh
        self._follow_on_save.pop(message.request, None)
        self.notify(
            str(message.error),
            title=_("{action}: not saved").format(action=message.label),
            severity="error",
            timeout=12,
        )
        if message.reload:
            self.load_caseload()
        self._tell_screens(message)

    def _tell_screens(self, message: EditSaved | EditRefused) -> None:
        """Hand each screen on the stack its own copy of an edit's outcome (they do not
        bubble back here); a screen that made the request recognises its number."""
        for screen in self.screen_stack:
            screen.post_message(replace(message))

    def _point_board_at(self, pid: str) -> None:
        """Put the board's cursor on `pid` (after a save that moved or made them)."""
        screen = self._board_screen()
        if screen is not None:
            screen.follow(pid)

    def unsaved_edits(self) -> list[str]:
        """What would be lost by quitting: one line per screen with unsaved edits."""
        out = []
        for screen in self.screen_stack:
            describe = getattr(screen, "unsaved_edits", None)
            if describe is not None and (text := describe()):
                out.append(text)
        return out

    async def action_quit(self) -> None:
        """Quit; with unsaved edits on any screen, ask first (SPEC §9)."""
        lost = self.unsaved_edits()
        if not lost:
            self.exit()
            return
        from ipstui.ui.screens.forms import ConfirmScreen

        if getattr(self.screen, "asks_quit", False):
            return  # ctrl+q again on the question itself: it is already asked

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        question = ConfirmScreen(
            _("Quit and lose your unsaved edits?") + "\n" + "\n".join(lost),
            yes=_("Quit, discard"),
            no=_("Stay"),
            title=_("Unsaved edits"),
        )
        question.asks_quit = True  # type: ignore[attr-defined]
        self.push_screen(question, answer)
