"""The Reports tables in the language shown (SPEC §9): a table's row is never wrapped onto
a second line. Wide (tables beside the charts) or stacked is decided from the widths the
translated tables and charts take, not the terminal's width alone; a cell that does not
fit even stacked is cut with "…". At 120×40 in Italian the specialists' "2 oltre il max"
and every hire rate wrapped onto lines of their own.

Every language runs under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes); the tests of the fitting rules below stay in it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle
from rich.cells import cell_len
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from ipstui.core.i18n import set_language
from ipstui.core.model import Settings
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.reports import ReportsScreen, fit, table_width, text_table

TODAY = date(2026, 11, 16)  # the sample's as_of: a specialist over the maximum
LANGS = ["en", "it", "da", "sv"]
SIZES = [(120, 40), (80, 24)]
TABLES = ["#report-specialists", "#report-referrals"]
FIGURE = {  # a figure every data line holds whole, per table: the rate
    "#report-specialists": re.compile(r"\d+[.,]\d\u00a0?%"),
    "#report-referrals": re.compile(r"\d+[.,]\d\u00a0?%$"),
}


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    set_language("en")


def shown_lines(table: Static) -> list[str]:
    """The table's lines as the widget draws them (its region, not its content)."""
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def check_tables(screen: ReportsScreen, size: tuple[int, int], lang: str) -> None:
    for selector in TABLES:
        table = screen.query_one(selector, Static)
        headers, rows, right = screen._tables[selector]
        lines = shown_lines(table)
        where = f"{selector} in {lang} at {size[0]}×{size[1]}"
        # One drawn line per row: nothing continued on the next line.
        assert len(lines) == 1 + len(rows), f"{where}: {lines}"
        assert table.region.right <= size[0], where
        for line, row in zip(lines[1:], rows, strict=True):
            assert cell_len(line) <= table.content_size.width, where
            assert line.startswith(row[0].plain[:3]), f"{where}: {line!r}"  # year or name
            assert FIGURE[selector].search(line), f"{where}: {line!r}"
            for i, cell in enumerate(row):
                # Every cell whole, or the line says it was cut; figures never cut.
                if i in right:
                    assert cell.plain in line, f"{where}: {line!r}"
                else:
                    assert cell.plain in line or "…" in line, f"{where}: {line!r}"
    chart = screen.query_one("#report-rate-chart")
    specialists = screen.query_one("#report-specialists")
    if screen.has_class("-narrow"):
        assert chart.region.y > specialists.region.y
    else:
        assert chart.region.x >= specialists.region.right  # beside, not over it


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("lang", LANGS)
async def test_reports_tables_keep_one_line_per_row(
    sample_caseload: Path, english_after: None, lang: str
) -> None:
    set_language(lang)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)

    async def open_reports(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)

    def at(size: tuple[int, int]):
        async def run(pilot: Pilot) -> None:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            check_tables(app.screen, size, lang)  # type: ignore[arg-type]
            if lang == "en" and size == (120, 40):
                assert not app.screen.has_class("-narrow")  # English stays side by side

        return run

    steps = [("open Reports at 120×40", open_reports)]
    steps += [(f"{w}×{h}", at((w, h))) for w, h in [*SIZES, SIZES[0]]]
    async with app.run_test(size=SIZES[0]) as pilot:
        await run_steps(steps, pilot)


# (case, column widths, right-aligned columns, limit, widths wanted)
FITS = [
    ("fits: unchanged", [4, 10, 5], {2}, 30, [4, 10, 5]),
    ("no limit: unchanged", [4, 10, 5], {2}, None, [4, 10, 5]),
    ("the widest text column loses cells", [4, 10, 5], {2}, 19, [4, 6, 5]),
    ("two text columns, widest first", [8, 9, 5], {2}, 20, [5, 6, 5]),
    ("never below 4 cells nor a figure", [4, 10, 5], {2}, 5, [4, 4, 5]),
]


@pytest.mark.parametrize(
    ("case", "widths", "right", "limit", "wanted"), FITS, ids=[f[0] for f in FITS]
)
def test_fit_cuts_text_columns_only(
    case: str, widths: list[int], right: set[int], limit: int | None, wanted: list[int]
) -> None:
    assert fit(widths, right, limit) == wanted
    if limit is not None and table_width(wanted) > limit:
        assert all(w == 4 for i, w in enumerate(wanted) if i not in right)


def test_a_cut_cell_ends_in_an_ellipsis_in_cells_not_characters() -> None:
    rows = [[Text("Kjærgaard 健康"), Text("12,5%")]]
    out = text_table(["Nome", "Tasso"], rows, right={1}, limit=12)
    lines = out.plain.splitlines()
    assert all(cell_len(line) <= 12 for line in lines)
    assert lines[1].endswith("12,5%") and "…" in lines[1]


class LongNames(App[None]):
    """The Reports screen alone, for a team whose specialist's name is longer than the
    page at 80 cells is wide."""

    CSS_PATH = IpsApp.CSS_PATH  # the one stylesheet

    NAME = "Anna Maria Bianchi-Kjærgaard Lindqvist della Valle Santangelo"

    def on_mount(self) -> None:
        settings = Settings.from_dict({"name": "T", "team": {"anna": {"name": self.NAME}}})
        people = [
            {
                "schema": 1,
                "id": "A1",
                "name": "A1",
                "specialist": "anna",
                "phase": "job_search",
                "phase_since": date(2026, 1, 1),
                "enrolled_on": date(2026, 2, 1),
                "referred_on": date(2026, 1, 20),
                "referral_source": "A source named at length by the team, longer than a line",
            }
        ]
        self.push_screen(ReportsScreen(people, settings, TODAY, export_dir=Path.cwd()))


async def test_a_cell_too_wide_even_stacked_is_cut_with_an_ellipsis() -> None:
    app = LongNames()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.has_class("-narrow")
        check_tables(screen, (80, 24), "en")
        for selector in TABLES:
            line = shown_lines(screen.query_one(selector, Static))[1]
            assert "…" in line and cell_len(line) <= 80
        await pilot.resize_terminal(200, 40)  # room again: the whole cells come back
        await settle(pilot)
        assert not screen.has_class("-narrow")
        check_tables(screen, (200, 40), "en")
        assert LongNames.NAME in shown_lines(screen.query_one("#report-specialists", Static))[1]
