"""One percent format per language, and a two-cell gap after the agenda's state words.

Before, the Swedish Reports screen mixed `31 %` (the benchmarks line, typed into the
catalog) and `41,7%` (every rate, formatted with a pattern that forced `%` right after
the number). Now `i18n.percent` uses the language's own CLDR pattern (Babel's:
`41.7%` in English and Italian, `41,7 %` with a no-break space in Danish and Swedish),
and the benchmarks line is built from it, so every percentage the Reports and fidelity
screens show has one format.

The agenda's state column ended in one cell, which read as one more word where the
words hold spaces (`✖ 40 d sen P-0047`): it now ends in `STATE_GAP` (two) cells, in
every language, at 80×24 and 120×40."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.numbers import format_percent
from pilot_wait import settle, wait_for
from rich.cells import cell_len
from textual.screen import Screen
from textual.widgets import DataTable, Static
from tiers import slow_except

from ipstui.core.i18n import percent, set_language
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import STATE_GAP, AgendaScreen
from ipstui.ui.screens.reports import ReportsScreen

TODAY = date(2026, 11, 16)
NBSP = "\u00a0"

# (language, 0.417 with one decimal, 0.31 as a band edge, 0.625 as a band edge,
#  a percentage as the screens write it)
FORMATS = [
    ("en", "41.7%", "31%", "62.5%", r"\d+(?:\.\d)?%"),
    ("it", "41,7%", "31%", "62,5%", r"\d+(?:,\d)?%"),
    ("da", f"41,7{NBSP}%", f"31{NBSP}%", f"62,5{NBSP}%", rf"\d+(?:,\d)?{NBSP}%"),
    ("sv", f"41,7{NBSP}%", f"31{NBSP}%", f"62,5{NBSP}%", rf"\d+(?:,\d)?{NBSP}%"),
]  # fmt: skip
LANGS = [f[0] for f in FORMATS]
ANY_PERCENT = re.compile(r"\d+(?:[.,]\d+)?[ \u00a0]?%")


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    set_language("en")


@pytest.mark.parametrize(("lang", "rate", "edge", "half", "_shape"), FORMATS, ids=LANGS)
def test_percent_is_the_languages_own_pattern(
    english_after: None, lang: str, rate: str, edge: str, half: str, _shape: str
) -> None:
    set_language(lang)
    assert percent(0.417) == rate
    assert percent(0.31, least=0) == edge == format_percent(0.31, locale=lang)  # CLDR's
    assert percent(0.625, least=0) == half


def screen_text(screen: Screen) -> str:
    """The text of every Static and every DataTable cell of `screen`."""
    texts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        texts += [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]
    return "\n".join(texts)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    ("lang", "shape"), [(f[0], f[4]) for f in FORMATS], ids=LANGS
)
async def test_every_percentage_on_reports_and_fidelity_has_one_format(
    sample_caseload: Path, english_after: None, lang: str, shape: str
) -> None:
    set_language(lang)
    one = re.compile(shape)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name, action, kind in (
            ("Reports", app.action_reports, ReportsScreen),
            ("fidelity", app.action_fidelity, None),
        ):
            action()
            await wait_for(pilot, lambda k=kind: k is None or isinstance(app.screen, k), name)
            await wait_for(
                pilot, lambda: len(ANY_PERCENT.findall(screen_text(app.screen))) > 3, name
            )
            shown = ANY_PERCENT.findall(screen_text(app.screen))
            odd = [p for p in shown if not one.fullmatch(p)]
            assert not odd, (name, lang, odd, shown[:8])
            if name == "Reports":  # the benchmarks line too
                assert percent(0.31, least=0) + " " in screen_text(app.screen)
            await pilot.press("escape")
            await settle(pilot)


@pytest.mark.parametrize(
    ("size", "lang"),
    # Swedish at 80×24 in the quick run; every language at both sizes in .ci/run (-m slow)
    slow_except(
        [pytest.param(size, lang, id=f"{ident}-{lang}")
         for size, ident in (((80, 24), "80x24"), ((120, 40), "120x40")) for lang in LANGS],
        keep=lambda size, lang: (size, lang) == ((80, 24), "sv"),
    ),
)  # fmt: skip
async def test_the_agenda_state_column_ends_in_two_cells_in_every_language(
    sample_caseload: Path, english_after: None, lang: str, size: tuple[int, int]
) -> None:
    set_language(lang)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.action_agenda()
        await wait_for(pilot, lambda: isinstance(app.screen, AgendaScreen), "the agenda")
        screen = app.screen
        assert isinstance(screen, AgendaScreen)
        await wait_for(pilot, lambda: bool(screen.items), "the deadlines")
        width = size[0] - 2
        widths = set()
        for d in screen.items:
            first = screen._row(d, width)[0][0]
            widths.add(cell_len(first))
            assert first.endswith(" " * STATE_GAP), (lang, first)
            assert first.rstrip().endswith(d.words(TODAY).split()[-1][-1]) or "…" not in first
        assert len(widths) == 1  # one column: padded by cells, the same for every row
