"""Reports is one screen per app, shown again on every open (issue 13): what a new screen
showed is what a reopened one shows (the current quarter, the latest snapshot), it is
computed again only when something changed, and no closed screen is left alive.

The three checks share one app session on the sample as named steps
(`pilot_wait.run_steps`), in this order (the first counts every report computed since
the app started): an app start on the sample costs more CPU than a check."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle
from textual.widgets import Static

import ipstui.ui.screens.reports as reports
from ipstui.core.report import Quarter, compute, prepare_loaded, quarter_of
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.reports import ReportsScreen

TODAY = date(2026, 11, 16)  # the sample's as-of date


def expected(app: IpsApp, quarter):
    cl = app.caseload
    assert cl is not None
    return compute(prepare_loaded(cl.participants), cl.settings, quarter, TODAY)


def text_of(screen: ReportsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _board(app: IpsApp, pilot) -> None:
    """Every screen above the board closed (between the steps)."""
    while len(app.screen_stack) > 1:
        await pilot.press("escape")
        await settle(pilot)


def an_active_participant(app: IpsApp) -> tuple[str, str]:
    cl = app.caseload
    assert cl is not None
    for pid, p in cl.participants.items():
        if p.phase != "closed":
            return pid, p.rel_path
    raise AssertionError("the sample has no open participant")


async def reopen_shows_the_same_screen_on_the_current_quarter(
    app: IpsApp, pilot, computed: list[Quarter]
) -> None:
    """(The first step: `computed` holds every quarter computed since the app started.)"""
    await pilot.press("r")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    current = quarter_of(TODAY)
    assert screen.quarter == current
    assert screen.report == expected(app, current)

    # Another quarter, then closed: the next open is on the current quarter again,
    # as a new screen would be, and on the same screen; its figures, drawn before
    # from this same snapshot, are drawn again, not computed again.
    await pilot.press("left_square_bracket")
    await settle(pilot)
    assert screen.report == expected(app, current.previous())
    assert computed == [current, current.previous()]
    await pilot.press("escape")
    await settle(pilot)
    assert not isinstance(app.screen, ReportsScreen)
    await pilot.press("r")
    await settle(pilot)
    assert app.screen is screen
    assert screen.quarter == current
    assert screen.report == expected(app, current)
    assert screen.query_one("#report-content").visible
    assert f"Outcome report {current}" in text_of(screen, "#report-title")
    assert computed == [current, current.previous()]

    # Nothing changed since: the figures on screen are kept, not computed again.
    drawn = screen.report
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert screen.report is drawn


async def a_snapshot_replaced_while_hidden_or_shown_is_what_reports_show(
    app: IpsApp, pilot, computed: list[Quarter]
) -> None:
    current = quarter_of(TODAY)
    await _board(app, pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ReportsScreen)
    before = screen.report
    await pilot.press("escape")
    await settle(pilot)

    # A save on the board replaces the snapshot while Reports is hidden.
    cl = app.caseload
    assert cl is not None
    pid, rel = an_active_participant(app)
    app.caseload = cl.without(pid, rel)
    await settle(pilot)
    assert screen.report is before  # hidden: nothing computed for it yet
    await pilot.press("r")
    await settle(pilot)
    assert app.screen is screen
    assert screen.report == expected(app, current)
    assert screen.report != before

    # Another snapshot, then another quarter: back on the current one, it is computed
    # from the new snapshot (the figures drawn from the old one are not reused).
    await pilot.press("left_square_bracket")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    newer = app.caseload
    assert newer is not None
    pid, rel = an_active_participant(app)
    app.caseload = newer.without(pid, rel)
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert screen.quarter == current
    assert screen.report == expected(app, current)

    # And while it is shown, at once.
    shown = app.caseload
    assert shown is not None
    pid, rel = an_active_participant(app)
    app.caseload = shown.without(pid, rel)
    await settle(pilot)
    assert screen.report == expected(app, current)


async def no_closed_reports_screen_stays_alive(
    app: IpsApp, pilot, computed: list[Quarter]
) -> None:
    """A closed screen used to stay alive, held by its watcher of the app's snapshot, until
    the next save: every open left a whole widget tree for the garbage collector."""
    await _board(app, pilot)
    for _ in range(3):
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("escape")
        await settle(pilot)
    gc.collect()
    assert sum(isinstance(o, ReportsScreen) for o in gc.get_objects()) == 1


STEPS = [
    ("reopen shows the same screen on the current quarter",
     reopen_shows_the_same_screen_on_the_current_quarter),
    ("a snapshot replaced while hidden or shown is what Reports show",
     a_snapshot_replaced_while_hidden_or_shown_is_what_reports_show),
    ("no closed Reports screen stays alive", no_closed_reports_screen_stays_alive),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_reports_is_one_screen_shown_again(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step of STEPS in order, in one app at 120×40; every report computed is
    counted from the app's start."""
    computed: list[Quarter] = []
    real = reports.compute

    def counted(prepared, settings, quarter, today):
        computed.append(quarter)
        return real(prepared, settings, quarter, today)

    monkeypatch.setattr(reports, "compute", counted)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_steps(STEPS, app, pilot, computed)
