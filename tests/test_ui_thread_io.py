"""No git and no caseload file read on the UI thread (issue 13 loose ends, item 2; issue
13 "the UI talks to the service only, through workers"; STYLE "All I/O in workers").

A Pilot walk through every screen and every dialog a user opens, with two watches on
the thread Textual draws on (the main thread; workers run in their own threads):

- every `CaseloadService` method the app calls is wrapped, and a call made on the main
  thread is recorded with the UI function that made it;
- a `sys.audit` hook records every file opened under the caseload (its work tree and
  git directory), every directory listed there, and every process started (git).

The walk fails on anything recorded outside `ALLOWED`, a named list whose every entry
says why that call may stay on the UI thread. An audit hook cannot be removed, so one is
added per process and does nothing unless a walk is under way.

The module checks state (what was called on which thread), so frames are drawn only at
checkpoints (tests/frames.py): the end of each step of the walk, inside the watch, so a
widget that read a file while drawing would still be recorded."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_count, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle, wait_for
from textual.widgets import Input

from ipstui.core.service import CaseloadService
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import AgendaScreen
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.fidelity import FidelityScreen
from ipstui.ui.screens.forms import FormScreen
from ipstui.ui.screens.help import HelpScreen
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.problems import ProblemsScreen
from ipstui.ui.screens.reports import ReportsScreen
from ipstui.ui.widgets.board import Board

TODAY = date(2026, 11, 16)
PID = "P-0005"  # in the sample: a current job, not suspended, not closed
UI = os.sep + os.path.join("ipstui", "ui") + os.sep

ALLOWED: dict[str, str] = {
    "ipstui.ui.screens.participant.following.FollowsRecord._note_base": (
        "the participant screen's follow path: when the screen opens, `record_base` and "
        "`commit_holding` ask git which commit the shown version is followed from; "
        "owned by the follow work (core/follow.py, `where_now`), another change's"
    ),
    "ipstui.ui.screens.participant.details.DetailsPane.action_save": (
        "the participant screen's save path (another change's): `validate_data` checks "
        "the form before the save's worker starts, and reads erasures.toml for the "
        "erased-id rule"
    ),
}
"""UI functions that may touch the service, the caseload's files or git on the UI
thread, with the reason. Keyed by the innermost `ipstui.ui` function on the stack."""


@dataclass
class Watch:
    """What the walk saw on the main thread: (UI function, what) pairs."""

    root: Path | None = None
    git_dir: Path | None = None
    active: bool = False
    seen: list[tuple[str, str]] = field(default_factory=list)

    def record(self, what: str) -> None:
        self.seen.append((ui_caller(), what))

    def under_caseload(self, path: object) -> bool:
        if not isinstance(path, (str, bytes, os.PathLike)):
            return False  # a file descriptor
        text = os.fsdecode(os.fspath(path))
        bases = [p for p in (self.root, self.git_dir) if p is not None]
        return any(text == str(b) or text.startswith(str(b) + os.sep) for b in bases)


WATCH = Watch()
_HOOKED = False


def ui_caller() -> str:
    """The innermost function under `ipstui/ui` on the current stack, as module.qualname
    (Python 3.11 frames know their qualified names)."""
    frame = sys._getframe(1)
    while frame is not None:
        if UI in frame.f_code.co_filename:
            module = frame.f_globals.get("__name__", "?")
            return f"{module}.{frame.f_code.co_qualname}"
        frame = frame.f_back
    return "(not from ipstui.ui: " + traceback.format_stack(limit=6)[0].strip() + ")"


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not WATCH.active or threading.current_thread() is not threading.main_thread():
        return
    if event == "open" and WATCH.under_caseload(args[0]):
        WATCH.record(f"open {os.fsdecode(os.fspath(args[0]))}")
    elif event in ("os.listdir", "os.scandir") and WATCH.under_caseload(args[0]):
        WATCH.record(f"{event} {os.fsdecode(os.fspath(args[0]))}")
    elif event == "subprocess.Popen":
        WATCH.record(f"run {' '.join(map(str, args[1] or [args[0]]))[:80]}")


@contextmanager
def watching(app: IpsApp, root: Path) -> Iterator[Watch]:
    """Record main-thread service calls, caseload file reads and processes while inside."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    service = app.service
    for name in dir(CaseloadService):
        attr = getattr(CaseloadService, name)
        if name.startswith("_") or not callable(attr) or isinstance(attr, type):
            continue
        setattr(service, name, _watched(name, getattr(service, name)))
    WATCH.seen.clear()
    WATCH.root = root.resolve()
    WATCH.git_dir = Path(git(root, "rev-parse", "--absolute-git-dir").strip())
    WATCH.active = True
    try:
        yield WATCH
    finally:
        WATCH.active = False


def unwatched(func: Callable[..., Any], *args: Any) -> Any:
    """`func(*args)` with the watch off: the test's own look at git is not the app's."""
    was, WATCH.active = WATCH.active, False
    try:
        return func(*args)
    finally:
        WATCH.active = was


def _watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        if WATCH.active and threading.current_thread() is threading.main_thread():
            WATCH.record(f"service.{name}")
        return method(*args, **kwargs)

    return call


async def _open(pilot, key: str, kind: type, home: type | None = None) -> Any:
    """Press `key` and wait until a screen of `kind` is on top."""
    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, kind), kind.__name__)
    return app.screen


async def _dialog(pilot, key: str) -> None:
    """Press `key`, wait for a form, and close it untouched."""
    form = await _open(pilot, key, FormScreen)
    await pilot.press("escape")
    await wait_for(pilot, lambda: pilot.app.screen is not form, "the form to close")


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_no_git_or_file_read_on_the_ui_thread(sample_caseload: Path) -> None:
    root = sample_caseload
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        with watching(app, root) as watch:
            await settle(pilot)
            board = app.screen
            assert isinstance(board, BoardScreen)

            async def board_dialogs() -> None:
                board.follow(PID)
                await settle(pilot)
                await _dialog(pilot, "c")  # log a contact from the board
                await _dialog(pilot, "n")  # new participant

            async def participant_tabs_and_dialogs() -> None:
                screen = await _open(pilot, "enter", ParticipantScreen)
                await settle(pilot)
                for tab in ("details", "contacts", "jobs", "tasks", "deadlines", "history"):
                    screen.show_tab(tab)
                    await settle(pilot)
                for tab, key in (("contacts", "c"), ("jobs", "j"), ("tasks", "t"), ("tasks", "S")):
                    screen.show_tab(tab)
                    await settle(pilot)
                    await _dialog(pilot, key)
                screen.show_tab("details")
                await settle(pilot)

            async def save_then_move() -> None:
                screen = app.screen
                assert isinstance(screen, ParticipantScreen)
                commits = unwatched(commit_count, root)
                screen.details.field("name").control.value = "Renamed Person"
                await settle(pilot)
                assert screen.details.dirty()
                await pilot.press("ctrl+s")  # the details form saved: one commit, in a worker
                await wait_for(
                    pilot, lambda: unwatched(commit_count, root) == commits + 1, "the save"
                )
                await back_to(pilot, board)
                await pilot.press("]")  # a move: one commit, in a worker
                await settle(pilot)

            async def every_screen() -> None:
                for action, kind in (
                    (app.action_agenda, AgendaScreen),
                    (app.action_reports, ReportsScreen),
                    (app.action_problems, ProblemsScreen),
                    (app.action_fidelity, FidelityScreen),
                    (app.action_help, HelpScreen),
                    (app.action_employers, EmployersScreen),
                ):
                    action()
                    await wait_for(pilot, lambda k=kind: isinstance(app.screen, k), kind.__name__)
                    if kind is not EmployersScreen:
                        await back_to(pilot, board)

            async def employer_dialogs_and_sync() -> None:
                employers = app.screen
                assert isinstance(employers, EmployersScreen)
                await wait_for(pilot, lambda: employers.register is not None, "the register")
                for key in ("c", "n", "E"):
                    await _dialog(pilot, key)
                await back_to(pilot, board)
                app.action_sync()  # no remote: refused, in a worker
                await settle(pilot)
                await back_to(pilot, board)

            await run_steps(
                [
                    ("board dialogs", board_dialogs),
                    ("participant tabs and dialogs", participant_tabs_and_dialogs),
                    ("save, then a move", save_then_move),
                    ("every screen", every_screen),
                    ("employer dialogs, sync", employer_dialogs_and_sync),
                ]
            )
        seen = list(watch.seen)
    unexplained = sorted({(who, what) for who, what in seen if who not in ALLOWED})
    assert not unexplained, "\n".join(f"{who}: {what}" for who, what in unexplained)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_reads_of_a_participant_not_yet_read_run_in_workers(sample_caseload: Path) -> None:
    """On a caseload loaded from its summary cache (participants not read yet), one app:

    - opened from goto, the palette, the agenda or fidelity (or enter before the cursor's
      read finished): the file is read off the UI thread, the screen opens once, and a
      second request meanwhile does not open a second screen (review item 4);
    - a run of cursor moves (an arrow key held down) starts one read, of the card the
      cursor rests on, not one thread per card (review item 9)."""
    root = sample_caseload
    CaseloadService(root).load()  # the first load writes the summary cache
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        cold = [p for p in app.caseload.participants.values() if not p.loaded]
        assert len(cold) >= 4, "the second load reads summaries only"
        board = app.screen

        async def opened_twice_before_its_read() -> None:
            with watching(app, root) as watch:
                app.open_participant(cold[0].id)
                app.open_participant(cold[0].id)
                await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen), "screen")
                await settle(pilot)
                screens = [s for s in app.screen_stack if isinstance(s, ParticipantScreen)]
                assert len(screens) == 1 and screens[0].pid == cold[0].id
                await back_to(pilot, board)
                seen = list(watch.seen)
            unexplained = sorted({(who, what) for who, what in seen if who not in ALLOWED})
            assert not unexplained, "\n".join(f"{who}: {what}" for who, what in unexplained)

        async def the_cursor_read_waits_until_the_cursor_rests() -> None:
            rest = [p for p in cold[1:] if not p.loaded]
            assert len(rest) >= 3
            started: list[str] = []
            read = app._read_record
            app._read_record = lambda p: (started.append(p.id), read(p))[1]  # type: ignore[method-assign]
            for p in rest:
                app.on_board_selected(Board.Selected(p.id))
            assert started == []
            await wait_for(pilot, lambda: rest[-1].loaded, "the resting card's read")
            await settle(pilot)
            assert started == [rest[-1].id]
            assert not any(p.loaded for p in rest[:-1])

        await run_steps(
            [
                ("opened twice before its read", opened_twice_before_its_read),
                ("the cursor read waits until the cursor rests", the_cursor_read_waits_until_the_cursor_rests),
            ]
        )
