"""Widths from the words of the language shown, not the English ones (trial 7, item 12):
the Agenda's state column keeps a gap before the date in every language ("scade tra
11g2026-12-12" in Italian), and a text of a few lines says when it is cut (`Clamped`:
an employer's jobs line in Swedish was cut mid-word with no "…")."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle
from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from ipstui.core.i18n import set_language
from ipstui.core.rules import DUE_SOON, OVERDUE, UPCOMING, Deadline
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import (
    STATE_GAP,
    AgendaScreen,
    agenda_columns,
    column,
    state_cells,
)
from ipstui.ui.widgets.clamped import Clamped

TODAY = date(2026, 11, 30)
LANGS = ["en", "it", "da", "sv"]


@pytest.fixture
def english_after() -> object:
    yield
    set_language("en")


def deadlines(days: list[int]) -> list[Deadline]:
    out = []
    for n in days:
        state = OVERDUE if n < 0 else DUE_SOON if n < 7 else UPCOMING
        out.append(Deadline("P-0001", "anna", "stay_in_touch", TODAY + timedelta(n), state))
    return out


# (case, the days from today of the deadlines listed)
DAYS = [
    ("one digit", [-3, 0, 2]),
    ("two digits (the trial: due in 11 days)", [-40, 11, 12]),
    ("three digits", [-120, 354]),
    ("mixed", [-400, -1, 0, 1, 9, 10, 99, 100, 365]),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", [78, 118], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("case", "days"), DAYS, ids=[d[0] for d in DAYS])
def test_the_state_column_ends_in_a_gap_in_every_language(
    english_after: object, lang: str, width: int, case: str, days: list[int]
) -> None:
    set_language(lang)
    items = deadlines(days)
    full, short = state_cells(items, TODAY)
    cols = agenda_columns(width, 6, full, short)
    assert sum(cols.values()) == width and cols["what"] >= 24
    for d in items:
        words = d.words(TODAY) if cols["when"] > full else None
        text = f"✖ {words}" if words else "✖ x"
        cell = column(text, cols["when"])
        assert cell_len(cell) == cols["when"] and cell.endswith(" ")
        if words:
            assert cell.rstrip() == text  # whole, never cut, at the widths the rows need
    if width == 118:
        assert cols["when"] == full + STATE_GAP and cols["due"] == 11  # the due date stays


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_agenda_rows_in_italian_at_both_sizes(
    sample_caseload: Path, english_after: object
) -> None:
    """The rows as the screen builds them: the state words whole and a gap before the
    next column, at 120×40 and at 80×24."""
    set_language("it")
    app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        assert any("tra" in d.words(app.today) for d in screen.items)

        def check(width: int) -> None:
            for d in screen.items:
                first = screen._row(d, width)[0][0]
                assert first.endswith(" "), first
                if width >= 110:
                    assert d.words(app.today) in first

        async def wide() -> None:
            check(118)

        async def narrow() -> None:
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            check(78)

        await run_steps([("120×40", wide), ("80×24", narrow)])


class OneClamped(App):
    CSS = "Clamped { width: 22; height: auto; max-height: 3; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield Clamped("")


LONG = "Jobb där: P-0014 Housekeeping från 2025-09-15 till 2026-10-23; P-0015 Receptionist"
# (case, text, lines shown, the last shown line ends in …)
CLAMPS = [
    ("fits on one line", "Jobb där: inga", 1, False),
    ("fits on three lines exactly", "Jobb där: P-0014 från 2025-09-15 (pågående)", 3, False),
    ("needs more lines", LONG, 3, True),
    ("one very long word", "x" * 100, 3, True),
    ("wide characters", "職場 " * 30, 3, True),
]


@pytest.mark.parametrize(("case", "text", "lines", "cut"), CLAMPS, ids=[c[0] for c in CLAMPS])
async def test_a_clamped_text_ends_in_an_ellipsis_when_cut(
    case: str, text: str, lines: int, cut: bool
) -> None:
    app = OneClamped()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(Clamped)
        widget.update(Text(text))
        await pilot.pause()
        shown = [
            "".join(seg.text for seg in widget.render_line(y)).strip()
            for y in range(widget.size.height)
        ]
        shown = [line for line in shown if line]
        assert len(shown) == lines, shown
        assert shown[-1].endswith("…") == cut, shown
        assert all(cell_len(line) <= 20 for line in shown)
