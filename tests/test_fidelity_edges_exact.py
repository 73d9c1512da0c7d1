"""A share's band edges are shown exactly (0.6425 is `64.25%`, not `64.2%` by rounding
half to even), and its value beside them never contradicts them: a value shown
`64.2%` that misses `>= 64.2%` was the fault (s8fixB review, item 5)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ipstui.core import fidelity
from ipstui.core.i18n import set_language

F = Fraction
EDGES = (F("0.85"), F("0.6425"), F("0.5"), F("0.0333"))

SHOWN_EDGES = [
    ("en", ">= 85% / >= 64.25% / >= 50% / >= 3.33%"),
    ("da", ">= 85\u00a0% / >= 64,25\u00a0% / >= 50\u00a0% / >= 3,33\u00a0%"),
    ("it", ">= 85% / >= 64,25% / >= 50% / >= 3,33%"),
    ("sv", ">= 85\u00a0% / >= 64,25\u00a0% / >= 50\u00a0% / >= 3,33\u00a0%"),
]


@pytest.mark.parametrize(("lang", "shown"), SHOWN_EDGES)
def test_a_share_edge_is_shown_exactly(lang: str, shown: str) -> None:
    set_language(lang)
    assert fidelity.band_text("V8", EDGES) == shown


VALUES = [
    # (value, score against EDGES, shown in English)
    ("0.6425", 4, "64.25%"),  # one decimal, half to even, would be 64.2%: below its edge
    ("0.6424", 3, "64.2%"),  # below the edge and shown below it
    ("0.64249", 3, "64.2%"),
    ("0.84999", 4, "84.999%"),  # one decimal would be 85.0%: over an edge it misses
    ("0.85", 5, "85.0%"),
    ("0.0333", 2, "3.33%"),  # one decimal would be 3.3%: under an edge it meets
    ("0.03329", 1, "3.3%"),
    ("0.4167", 2, "41.7%"),  # nowhere near an edge: one decimal, as always
    ("0.8499999999", 4, "84.999999%"),  # past six decimals: rounded towards failing
]


@pytest.mark.parametrize(("value", "score", "shown"), VALUES)
def test_a_share_never_contradicts_its_band(value: str, score: int, shown: str) -> None:
    set_language("en")
    exact = F(value)
    assert fidelity.score("V8", exact, EDGES) == score
    item = fidelity.Item("V8", exact, score, 10, {})
    text = fidelity.fmt_value(item, EDGES)
    assert text == shown
    number = F(Decimal(text.removesuffix("%"))) / 100
    assert fidelity.score("V8", number, EDGES) == score
