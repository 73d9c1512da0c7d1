"""Numbers a person reads are written in their language (SPEC §13; trial 5 item 7:
Danish showed `41.7%`): the decimal comma in da, it and sv, through Babel."""

from __future__ import annotations

import pytest

from ipstui.core import i18n
from ipstui.core.report import fmt_rate

CASES = [
    # (language, rate, fmt_rate, a figure with 2 decimals at most, i18n.decimal)
    ("en", 0.41666, "41.7%", 2.346, "2.35"),
    ("da", 0.41666, "41,7\u00a0%", 2.346, "2,35"),
    ("it", 0.41666, "41,7%", 2.346, "2,35"),
    ("sv", 0.41666, "41,7\u00a0%", 2.346, "2,35"),
    ("da", 1.0, "100,0\u00a0%", 2.0, "2"),
    ("sv", None, "—", 0.5, "0,5"),
]


@pytest.mark.parametrize(("lang", "rate", "shown", "figure", "figure_shown"), CASES)
def test_numbers_follow_the_language(
    lang: str, rate: float | None, shown: str, figure: float, figure_shown: str
) -> None:
    i18n.set_language(lang)
    try:
        assert fmt_rate(rate) == shown
        assert i18n.decimal(figure, 2) == figure_shown
    finally:
        i18n.set_language("en")


SHOWN = [
    # (language, value, width, shown): values in tables, banners and field notes
    ("en", 9.5, 60, "9.5"),
    ("da", 9.5, 60, "9,5"),
    ("it", 1.0, 60, "1,0"),
    ("sv", 20, 60, "20"),
    ("en", "陈大文" * 10, 11, "陈大文陈大…"),  # cells, not characters
    ("da", "Ø" * 20, 5, "ØØØØ…"),
    ("en", "👨‍👩‍👧‍👦" * 3, 5, "👨‍👩‍👧‍👦👨‍👩‍👧‍👦…"),  # a joined family is one grapheme, never split
]


@pytest.mark.parametrize(("lang", "value", "width", "shown"), SHOWN)
def test_show_value_in_language_and_cells(lang: str, value: object, width: int, shown: str) -> None:
    from rich.cells import cell_len

    from ipstui.core.history import show_value

    i18n.set_language(lang)
    try:
        out = show_value(value, width)
        assert out == shown
        assert cell_len(out) <= width
    finally:
        i18n.set_language("en")
