"""Screens that follow the app's caseload snapshot (issue 13): once closed, no
subscription to the snapshot keeps them alive, and while open they still follow it.

They used to watch the app's `caseload` reactive; Textual keeps such a watcher, and the
closed screen with everything it holds, until the value next changes, so every open
without a save left a whole screen (at 20,000 participants an agenda was some 48,000
objects) for each full garbage collection to walk.

The module checks state (objects alive, what a screen was given), so frames are drawn
only at checkpoints (tests/frames.py): half its CPU was frames nobody looked at. Every
screen runs under `pytest -m slow` (.ci/run), outside the README's quick run (issue 12:
the quick run under 2 minutes): the agenda in one app with an open screen following a
new snapshot, and the participant screen, Problems, Employers and Fidelity an app each."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, step
from textual.screen import Screen

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import AgendaScreen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.fidelity import FidelityScreen
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.problems import ProblemsScreen

TODAY = date(2026, 11, 16)  # the sample's as-of date


# The same mechanism (onapp.FollowsCaseload) on every screen: one test checks one screen
# (the agenda) in one app, another the other four, an app each (both `pytest -m slow`).
QUICK = [("a", AgendaScreen)]
EVERY = [
    (None, ParticipantScreen),
    ("p", ProblemsScreen),
    ("e", EmployersScreen),
    ("F", FidelityScreen),
]


async def a_closed_screen_is_not_kept_alive(
    app: IpsApp, pilot, key: str | None, kind: type[Screen]
) -> None:
    alive: list[int] = []
    for _ in range(2):
        for _ in range(3):
            if key is None:
                app.open_participant("P-0030")
            else:
                await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, kind)
        gc.collect()
        alive.append(len([o for o in gc.get_objects() if isinstance(o, kind)]))
    # A few of the last ones may stay: a thread worker run while one was the active
    # screen leaves Textual's context variables (the active worker and message pump) in
    # the pool thread that ran it until that thread runs another job. None grows with the
    # opens: three more opens keep no more (before the fix, every closed screen stayed).
    assert alive[0] <= 2 and alive[1] <= alive[0], alive


async def an_open_screen_follows_a_replaced_snapshot(app: IpsApp, pilot) -> None:
    """(The last step: the app's snapshot is one without a participant.)"""
    await pilot.press("a")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AgendaScreen)
    drawn: list[object] = []
    real = screen.redraw

    def redraw() -> None:
        drawn.append(app.caseload)
        real()

    screen.redraw = redraw  # type: ignore[method-assign]
    cl = app.caseload
    assert cl is not None
    pid = next(iter(cl.participants))
    newer = cl.without(pid, cl.participants[pid].rel_path)
    app.caseload = newer
    await settle(pilot)
    assert drawn == [newer]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_closed_screens_go_and_an_open_one_follows(sample_caseload: Path) -> None:
    """The screens of QUICK in one app, then an open screen follows a new snapshot."""
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, kind in QUICK:
            with step(f"a closed {kind.__name__} is not kept alive"):
                await a_closed_screen_is_not_kept_alive(app, pilot, key, kind)
        with step("an open screen follows a replaced snapshot"):
            await an_open_screen_follows_a_replaced_snapshot(app, pilot)


@pytest.mark.slow
@pytest.mark.parametrize(("key", "kind"), EVERY, ids=lambda v: getattr(v, "__name__", str(v)))
async def test_a_closed_screen_is_not_kept_alive(
    sample_caseload: Path, key: str | None, kind: type[Screen]
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await a_closed_screen_is_not_kept_alive(app, pilot, key, kind)
