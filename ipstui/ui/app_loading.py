"""`LoadsCaseload`, a part of `IpsApp` (ui/app.py): the caseload read into the app.

It owns the load worker (posts `LoadProgressed`, then `CaseloadLoaded` or `LoadFailed`),
what settles after a load (the merge driver, the sync status, the disk fingerprint, the
screens' modules warmed), the problem list read for each snapshot (`ProblemsRead`), and
the day change (every card recomputed after midnight, `_start_day_check`). The snapshot,
its cards and `caseload_replaced` are the app's (`IpsApp.__init__`); the problem list,
the register read with it, the load's error and the day seen are this part's.

A part (`parts.AppPart` says what that means for its handlers and state);
`watch_caseload` is the reactive's watcher, found by name."""

from __future__ import annotations

import importlib
import time
from datetime import date
from typing import TYPE_CHECKING

from textual import work
from textual.signal import Signal

from ipstui.core.board import Card, make_cards
from ipstui.core.i18n import N_, _
from ipstui.core.model import Problem
from ipstui.core.service import Caseload, CaseloadError, GitError, Register
from ipstui.ui.messages import (
    CaseloadLoaded,
    DiskChanged,
    LoadFailed,
    LoadProgressed,
    ProblemsRead,
    SyncStatusRead,
)
from ipstui.ui.parts import AppPart

if TYPE_CHECKING:
    from ipstui.ui.screens.board import BoardScreen

SCREEN_MODULES = ("participant", "reports", "agenda", "problems", "employers", "fidelity", "help")
"""The screens' modules (under ipstui.ui.screens) that are imported on their first open."""
DATE_CHECK = 30.0
"""Seconds between two looks at the clock for a new day (`LoadsCaseload.check_date`)."""


def warm_screen_modules() -> None:
    """Import every screen's module (SCREEN_MODULES), in the load worker once the board
    is up: the first open of a screen then only builds it. Measured on the demo at
    120×40: the participant screen's import was 27 ms of the first Enter, Reports' 15 ms
    of the first `r` (bench/RESULTS.md round 7: ~12 ms of a 50 ms frame budget).
    Start-up is unchanged: the app imports none of them before the board shows."""
    for name in SCREEN_MODULES:
        importlib.import_module(f"ipstui.ui.screens.{name}")


class LoadsCaseload(AppPart):
    """Part of `IpsApp`: load, settle, findings, the day."""

    findings: ProblemsRead | None
    """The one problem list (`ipstui validate`'s) of the latest snapshot read, as of
    its day: the header counts it and the Problems screen lists it."""
    findings_read: Signal[ProblemsRead]
    """Published with each new `findings`."""
    employer_register: Register | None
    """The employer register as last read off the UI thread (for each snapshot by
    `read_findings`, and by the Employers screen): the contact and job dialogs
    offer its employers without reading employers/ on the UI thread."""
    load_error: str | None
    """Why the caseload could not be loaded (None when it was)."""
    _seen_today: date
    """The day the cards were last computed for (`check_date`)."""

    def _setup_loading(self) -> None:
        """Nothing read yet (called from `IpsApp.__init__`, `parts.set_up_parts`, once
        the app's date is set)."""
        self.findings = None
        self.findings_read = Signal(self, "findings_read")
        self.employer_register = None
        self.load_error = None
        self._seen_today = self.today

    def _start_day_check(self) -> None:
        """Look at the clock every DATE_CHECK seconds for a new day (`check_date`);
        from the app's mount."""
        self.set_interval(DATE_CHECK, self.check_date)

    def watch_caseload(self, caseload: Caseload | None) -> None:
        """A new snapshot: published to the screens, and its problem list read."""
        self.caseload_replaced.publish(caseload)
        if caseload is not None:
            self.read_findings(caseload, self.today)

    @work(
        thread=True,
        exclusive=True,
        group="findings",
        exit_on_error=False,
        description=N_("reading problems"),
    )
    def read_findings(self, cl: Caseload, today: date) -> None:
        """The one problem list of `ipstui validate` for the snapshot as of `today` (the
        service reads the employer register) and which of its uncommitted files are gone
        from disk, off the UI thread; posts ProblemsRead."""
        register: Register | None = None
        try:
            register = self.service.employers(cl)
        except OSError as exc:
            # employers/ cannot be read: said once in the list, not as an error toast after
            # every save (this runs for every snapshot).
            reason = _("the employer register could not be read: {error}").format(error=exc)
            problems = [*cl.problems, Problem("employers", 0, 0, reason)]
        else:
            problems = self.service.problems(cl, register, today=today)
        gone = frozenset(rel for rel in cl.dirty if not self.service.exists(rel))
        self.post_message(ProblemsRead(cl, problems, today, gone, register))

    def _on_problems_read(self, message: ProblemsRead) -> None:
        """The problem list was read (`ProblemsRead`): kept and published when it is of
        the snapshot shown and today's."""
        if message.snapshot is self.caseload and message.today == self.today:
            self.findings = message  # else a newer read is on its way
            if message.register is not None:
                self.employer_register = message.register
            self.findings_read.publish(message)

    @work(
        thread=True,
        exclusive=True,
        group="load",
        exit_on_error=False,
        description=N_("loading caseload"),
    )
    def load_caseload(self, first: bool = False) -> None:
        """Read the caseload in a worker; posts CaseloadLoaded (or LoadFailed), then settles the sync status and the disk fingerprint."""

        def progress(done: int, total: int) -> None:
            self.post_message(LoadProgressed(done, total))

        started = time.time_ns()
        try:
            cl = self.service.load(progress=progress)
            cards = make_cards(cl.participants, cl.settings, self.today)
        except (CaseloadError, GitError, OSError) as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        # Anything else ends the worker in error: `_worker_failed` says so on the board.
        with self._lock:
            self._latest = cl
            self._forget_fingerprint()  # noted by _settle, once the board is up
        self.post_message(CaseloadLoaded(cl, cards))
        self._settle(cl, started, first)

    def _settle(self, cl: Caseload, started: int, first: bool) -> None:
        """After a load is on screen (runs in a thread): merge driver, sync status, and the
        disk fingerprint the watcher compares against."""
        if first:
            self._ensure_driver()
            warm_screen_modules()
        self.post_message(SyncStatusRead(self._sync_words(cl)))
        fp = self._fingerprint_now()
        self._note_fingerprint(cl, fp, unless_noted=True)
        if fp[-1][1] >= started:
            # A file changed while we were loading: load again so it is not missed.
            self.post_message(DiskChanged())

    def _ensure_driver(self) -> None:
        """A plain clone lacks the merge driver config; add it (SPEC §6)."""
        try:
            self.service.ensure_merge_driver()
        except Exception:  # noqa: BLE001 — never block opening the caseload on this
            pass

    def _on_caseload_loaded(self, message: CaseloadLoaded) -> None:
        """A load (or the day's new cards) finished: the snapshot and cards replaced."""
        self._loaded(message.caseload, message.cards)

    def _on_load_progressed(self, message: LoadProgressed) -> None:
        """How far the load is, on the board."""
        screen = self._board_screen()
        if screen is not None:
            screen.show_progress(message.done, message.total)

    def _on_load_failed(self, message: LoadFailed) -> None:
        """The load failed with an error it expects: said on the board."""
        self._load_failed(message.reason)

    def _load_failed(self, message: str) -> None:
        """Say why the caseload could not be loaded (a toast, and on the board)."""
        self.load_error = message
        self.notify(message, title=_("Could not load the caseload"), severity="error", timeout=15)
        screen = self._board_screen()
        if screen is not None:
            screen.show_error(message)

    def _loaded(self, cl: Caseload, cards: dict[str, Card]) -> None:
        """Take a loaded snapshot and its cards (`caseload`'s watcher publishes it)."""
        self.cards = cards
        self.cards_delta = None
        self.caseload = cl

    def _board_screen(self) -> BoardScreen | None:
        """The board, when it is on the screen stack."""
        from ipstui.ui.screens.board import BoardScreen

        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                return screen
        return None

    def check_date(self) -> None:
        """After midnight, the day change: every card recomputed for the new date
        (`refresh_cards`), then the snapshot published again with them, which is the one
        event everything dated follows (the board, the status line, the agenda, an open
        participant, Problems' future-date warnings through `read_findings`, Fidelity,
        Reports). Runs every DATE_CHECK seconds; a no-op on the same day."""
        if self.today != self._seen_today and self.caseload is not None:
            self._seen_today = self.today
            self.refresh_cards()

    @work(thread=True, exclusive=True, group="cards", exit_on_error=False)
    def refresh_cards(self) -> None:
        """Recompute every card for today's date (after midnight) in a worker; posts CaseloadLoaded."""
        cl = self._latest
        if cl is None:
            return
        cards = make_cards(cl.participants, cl.settings, self.today)
        self.post_message(CaseloadLoaded(cl, cards))
