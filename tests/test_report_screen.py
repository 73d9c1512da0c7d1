"""Pilot tests of the Reports screen: quarter keys, figures from compute(), CSV export."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from rich.cells import cell_len
from textual.app import App
from textual.widgets import Input, Static

from ipstui.core.model import Settings
from ipstui.core.report import Quarter, compute, to_csv
from ipstui.core.service import CaseloadService
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import ConfirmDialog
from ipstui.ui.screens.reports import (
    ExportCsvScreen,
    ReportsScreen,
    bar,
)

TODAY = date(2026, 10, 10)  # in 2026Q4, so the screen opens on 2026Q4
SIZE = (120, 40)
SETTINGS = Settings.from_dict(
    {
        "name": "Test team",
        "max_caseload": 3,
        "team": {
            "anna": {"name": "Anna Bianchi", "max_caseload": 1},
            "bruno": {"name": "Bruno Conti"},
        },
    }
)


def person(pid: str, specialist: str, **fields: Any) -> dict[str, Any]:
    data = {"schema": 1, "id": pid, "name": pid, "specialist": specialist, "phase": "job_search"}
    data["phase_since"] = date(2026, 1, 1)
    data.update(fields)
    return data


PEOPLE = [
    # Employed all of 2026Q3; referred 2026 by CSM and hired.
    person("A1", "anna", enrolled_on=date(2026, 2, 1), referred_on=date(2026, 1, 20),
           referral_source="CSM", first_employer_contact_on=date(2026, 2, 11),
           jobs=[{"employer": "Coop", "start": date(2026, 6, 1), "competitive": True}]),
    # Active in Q3, job ended the day before Q3 began.
    person("A2", "anna", enrolled_on=date(2026, 2, 1), referred_on=date(2026, 1, 25),
           referral_source="Self",
           jobs=[{"employer": "Bar", "start": date(2026, 3, 1), "end": date(2026, 6, 30),
                  "competitive": True}]),
    # Enrolled on the last day of Q3.
    person("B1", "bruno", enrolled_on=date(2026, 9, 30), referred_on=date(2025, 11, 3),
           referral_source="CSM"),
]  # fmt: skip
# By hand, 2026Q3: active A1 A2 B1 = 3, employed A1 = 1 (33.3%); anna 2/1, bruno 1/0.
# 2026Q4 (report date 2026-10-10): the same people, A2 no longer employed either.


class Host(App[None]):
    CSS_PATH = IpsApp.CSS_PATH  # the one stylesheet

    def __init__(self, export_dir: Path) -> None:
        super().__init__()
        self.export_dir = export_dir
        self.service = CaseloadService(export_dir / "caseload")  # the export writes through it

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(PEOPLE, SETTINGS, TODAY, export_dir=self.export_dir))


def text_of(screen: ReportsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rows_of(screen: ReportsScreen, selector: str) -> list[list[str]]:
    """The body rows of a text table, split at its column gaps (two spaces or more)."""
    lines = text_of(screen, selector).splitlines()
    return [re.split(r"\s{2,}", line.strip()) for line in lines[1:]]


async def test_quarter_keys_and_figures_match_compute(tmp_path: Path) -> None:
    app = Host(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.quarter == Quarter(2026, 4)
        assert screen.report == compute(PEOPLE, SETTINGS, Quarter(2026, 4), TODAY)

        await pilot.press("]")  # no later quarter than today's
        await settle(pilot)
        assert screen.quarter == Quarter(2026, 4)

        await pilot.press("[")
        await settle(pilot)
        q3 = Quarter(2026, 3)
        assert screen.quarter == q3
        report = compute(PEOPLE, SETTINGS, q3, TODAY)
        assert screen.report == report
        assert (report.team.active, report.team.employed) == (3, 1)  # by hand
        assert "2026Q3" in text_of(screen, "#report-title")
        assert "1 of 3 active" in text_of(screen, "#report-team")
        assert "33.3%" in text_of(screen, "#report-team")
        rows = rows_of(screen, "#report-specialists")
        assert [r[:4] for r in rows] == [
            ["Anna Bianchi", "2", "1", "50.0%"],
            ["Bruno Conti", "1", "0", "0.0%"],
        ]
        caseloads = [" ".join(r[4:]) for r in rows]
        assert "2 / 1" in caseloads[0] and "over max" in caseloads[0]  # anna holds 2, max 1
        assert "over max" not in caseloads[1]
        chart = text_of(screen, "#report-rate-chart").splitlines()
        assert len(chart) == 8
        assert chart[-1].startswith("▶ 2026Q3") and chart[-1].endswith("33.3%  (1/3)")
        assert chart[0].lstrip().startswith("2024Q4")
        referrals = text_of(screen, "#report-referrals-chart")
        assert "0/1 hired" in referrals and "2/2 hired" in referrals  # 2025, 2026
        assert rows_of(screen, "#report-referrals") == [
            ["2025", "CSM", "1", "0", "0.0%"],
            ["2026", "CSM", "1", "1", "100.0%"],
            ["2026", "Self", "1", "1", "100.0%"],
        ]
        assert "median 10 days" in text_of(screen, "#report-rapid")

        await pilot.press("left")
        await settle(pilot)
        assert screen.quarter == Quarter(2026, 2)
        await pilot.press("right")
        await settle(pilot)
        assert screen.quarter == q3

        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)


async def test_export_csv_writes_refuses_overwrite_and_reports_errors(tmp_path: Path) -> None:
    app = Host(tmp_path)
    target = tmp_path / "ipstui-report-2026Q3.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("[")
        await settle(pilot)
        expected = to_csv(compute(PEOPLE, SETTINGS, Quarter(2026, 3), TODAY))

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportCsvScreen)
        field = app.screen.query_one(Input)
        assert field.value == str(target)
        await pilot.press("left")  # moves the cursor in the field, not the quarter
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.quarter == Quarter(2026, 3)
        assert target.read_text(encoding="utf-8") == expected

        # Existing file: asked first; "n" keeps it as it is.
        target.write_text("keep me\n", encoding="utf-8")
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert target.read_text(encoding="utf-8") == "keep me\n"

        # ... and "y" overwrites it.
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == expected

        # A folder that does not exist: nothing written, refused in the dialog with the
        # path kept (issue 13); escape then asks before dropping it.
        missing = tmp_path / "no-such-folder" / "r.csv"
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(missing)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(Input).value == str(missing)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert not missing.exists()

        # Escape in the dialog cancels without writing.
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "cancelled.csv")
        await pilot.press("escape", "y")  # a typed path: asked first
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert not (tmp_path / "cancelled.csv").exists()


async def test_set_caseload_redraws_with_new_data(tmp_path: Path) -> None:
    app = Host(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.set_caseload(PEOPLE[:1], SETTINGS, TODAY)
        await settle(pilot)
        assert screen.report == compute(PEOPLE[:1], SETTINGS, Quarter(2026, 4), TODAY)
        assert "1 of 1 active" in text_of(screen, "#report-team")


async def test_figures_are_computed_off_the_ui_thread_with_a_loading_state(
    tmp_path: Path, monkeypatch
) -> None:
    """While the worker computes, the screen says so and shows no stale figures; the
    computation runs on another thread than the app's."""
    import threading

    import ipstui.ui.screens.reports as reports

    release = threading.Event()
    threads: list[str] = []
    real = reports.compute

    def slow(*args: Any, **kwargs: Any):
        threads.append(threading.current_thread().name)
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "compute", slow)
    app = Host(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        content = screen.query_one("#report-content")
        # No figures (no stale ones) while computing: hidden, then (after LOADING_AFTER,
        # which a busy machine may already have passed) covered by the loading indicator.
        assert not content.visible or content.loading
        assert screen.report is None
        for _ in range(100):  # a slow computation says so, after LOADING_AFTER
            if content.loading:
                break
            await pilot.pause(ReportsScreen.LOADING_AFTER / 10)
        assert content.visible and content.loading
        # The page has focus while computing, so typed keys (`q`, `?`) work; it was left
        # to auto-focus, which skipped the loading page: focus then hung on timing.
        assert app.focused is screen.query_one("#report-body")
        release.set()
        await settle(pilot)
        assert not screen.query_one("#report-content").loading
        assert app.focused is screen.query_one("#report-body")
        assert screen.report == real(PEOPLE, SETTINGS, Quarter(2026, 4), TODAY)
    assert threads and threading.main_thread().name not in threads


async def test_narrow_screen_keeps_every_table_column(tmp_path: Path) -> None:
    """At 80×24 the charts go under the tables: Employed/Rate and Referred/Hired stay."""
    app = Host(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow")
        for selector, wanted in (
            ("#report-specialists", ["Employed", "Rate"]),
            ("#report-referrals", ["Referred", "Hired"]),
        ):
            table = screen.query_one(selector, Static)
            lines = text_of(screen, selector).splitlines()
            for name in wanted:
                assert name in lines[0].split()
            # Every line ends inside the table's visible region (nothing cut off).
            assert max(cell_len(line) for line in lines) <= table.size.width
            assert table.region.right <= 80


def test_bar_shows_fraction_and_missing_values() -> None:
    assert bar(0.5, 10) == "█████░░░░░"
    assert bar(0.0, 4) == "░░░░"
    assert bar(1.0, 4) == "████"
    assert bar(None, 4) == "····"
