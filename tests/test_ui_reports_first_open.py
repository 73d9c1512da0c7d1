"""The Reports screen's first open (issue 13): the page is laid out and drawn before the
report worker starts, so the frame that builds the page never shares the interpreter
lock with the worker's computing; many `_show` calls between two frames start one
worker on what is shown then; narrow or wide is decided before the first layout and
still follows the terminal. Behaviour only: nothing here is timed."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pilot_wait import settle
from textual.app import App
from textual.geometry import Size

from ipstui.core.model import Settings
from ipstui.core.report import Quarter, compute, prepare_loaded
from ipstui.ui.app import IpsApp
from ipstui.ui.screens import reports
from ipstui.ui.screens.reports import ReportsScreen

TODAY = date(2026, 10, 10)  # in 2026Q4
SETTINGS = Settings.from_dict({"name": "Test team", "team": {"anna": {"name": "Anna Bianchi"}}})
PEOPLE = [
    {
        "schema": 1,
        "id": f"A{i}",
        "name": f"A{i}",
        "specialist": "anna",
        "phase": "job_search",
        "phase_since": date(2026, 1, 1),
        "enrolled_on": date(2026, 2, 1),
        "referred_on": date(2026, 1, 20),
        "referral_source": "CSM",
        "jobs": [{"employer": "Coop", "start": date(2026, 6, 1), "competitive": True}]
        if i % 2
        else [],
    }
    for i in range(6)
]


class Host(App[None]):
    CSS_PATH = IpsApp.CSS_PATH  # the one stylesheet

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(PEOPLE, SETTINGS, TODAY, export_dir=Path.cwd()))


class Recorder:
    """`reports.compute` as the worker calls it, noting per call the quarter and the size
    the page (`#report-body`) had been laid out at when the worker began computing."""

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.calls: list[tuple[Quarter, Size]] = []
        self.threads: list[str] = []

    def __call__(self, prepared: Any, settings: Settings, quarter: Quarter, today: date) -> Any:
        body = self.app.screen.query_one("#report-body")
        self.calls.append((quarter, body.size))
        self.threads.append(threading.current_thread().name)
        return compute(prepared, settings, quarter, today)


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_worker_starts_after_the_page_is_laid_out(monkeypatch) -> None:
    app = Host()
    recorder = Recorder(app)
    monkeypatch.setattr(reports, "compute", recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert [q for q, _size in recorder.calls] == [Quarter(2026, 4)]
        (_quarter, size) = recorder.calls[0]
        # The page had its size (it was laid out) before the worker computed anything.
        assert size.width > 0 and size.height > 0
        assert threading.main_thread().name not in recorder.threads
        assert screen.report == compute(PEOPLE, SETTINGS, Quarter(2026, 4), TODAY)
        assert screen.query_one("#report-content").visible


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_quarter_keys_pressed_together_draw_the_last_quarter(monkeypatch) -> None:
    app = Host()
    recorder = Recorder(app)
    monkeypatch.setattr(reports, "compute", recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        recorder.calls.clear()
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")
        await settle(pilot)
        last = Quarter(2026, 1)
        assert screen.quarter == last
        assert screen.report == compute(PEOPLE, SETTINGS, last, TODAY)
        assert recorder.calls[-1][0] == last
        # One worker per `_show` at most, never one for a quarter twice in a row.
        quarters = [q for q, _size in recorder.calls]
        assert len(quarters) <= 3
        assert all(a != b for a, b in zip(quarters, quarters[1:], strict=False))
        assert "2026Q1" in str(screen.query_one("#report-title").render())


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_figures_of_a_replaced_caseload_are_not_drawn(monkeypatch) -> None:
    """A worker still computing the old caseload when a new one arrives: its figures are
    never drawn, whichever worker finishes first (here the old one, released first)."""
    app = Host()
    release = threading.Event()
    seen: list[int] = []

    def slow(prepared: Any, settings: Settings, quarter: Quarter, today: date) -> Any:
        seen.append(len(prepared.facts))
        if len(seen) == 1:
            release.wait(10)
        return compute(prepared, settings, quarter, today)

    monkeypatch.setattr(reports, "compute", slow)
    async with app.run_test(size=(120, 40)) as pilot:
        while not seen:
            await pilot.pause(0.01)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        fewer = PEOPLE[:2]
        drawn: list[Any] = []
        real_draw = screen._draw
        monkeypatch.setattr(screen, "_draw", lambda m: (drawn.append(m.report), real_draw(m)))
        screen.set_caseload(fewer, SETTINGS, TODAY)
        release.set()
        await settle(pilot)
        assert [r.team.active for r in drawn] == [2]  # the old caseload's 6 never drawn
        assert screen.report == compute(fewer, SETTINGS, Quarter(2026, 4), TODAY)
        assert screen.report.team.active == 2


async def test_narrow_from_the_first_frame_and_after_a_resize() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.has_class("-narrow")
        chart = screen.query_one("#report-rate-chart")
        table = screen.query_one("#report-specialists")
        assert chart.region.y > table.region.y  # the chart under the table
        await pilot.resize_terminal(130, 40)
        await settle(pilot)
        assert not screen.has_class("-narrow")
        assert chart.region.x > table.region.x  # beside it
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.has_class("-narrow")
        assert chart.region.y > table.region.y


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_closed_before_the_figures_came_then_reopened(
    sample_caseload: Path, monkeypatch
) -> None:
    """`r` then `escape` at once (the worker not yet started, or still computing), then
    `r` again: the current quarter's figures of the caseload are drawn, once."""
    today = date(2026, 11, 16)  # the sample's as-of date
    app = IpsApp(sample_caseload, today=today, watch_disk=False)
    recorder = Recorder(app)
    monkeypatch.setattr(reports, "compute", recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", "escape")
        assert not isinstance(app.screen, ReportsScreen)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        cl = app.caseload
        assert cl is not None
        current = Quarter(2026, 4)
        assert screen.report == compute(
            prepare_loaded(cl.participants), cl.settings, current, today
        )
        assert screen.query_one("#report-content").visible
        assert [q for q, _size in recorder.calls] == [current]
