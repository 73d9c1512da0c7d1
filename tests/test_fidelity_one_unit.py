"""Trial 8, item 12: the Fidelity review showed a share as a percentage ("80.0%") next
to its bands as fractions (">= 0.85"). One unit for both, in every language: a share's
band edges are percentages too, the other items' edges keep their own unit (per FTE,
days, per week). The CLI table and the Fidelity screen both show `band_text`."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from pilot_wait import wait_for
from textual.widgets import DataTable

from ipstui import cli
from ipstui.core import fidelity
from ipstui.core.i18n import set_language
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.fidelity import FidelityScreen

F = Fraction
DEFAULT = {k: tuple(F(str(x)) for x in v) for k, v in fidelity.DEFAULT_BANDS.items()}

BANDS = [
    # (language, item, edges, shown)
    ("en", "V8", DEFAULT["V8"], ">= 85% / >= 70% / >= 60% / >= 50%"),
    ("it", "V9", DEFAULT["V9"], ">= 85% / >= 70% / >= 60% / >= 50%"),
    ("da", "V10", DEFAULT["V10"], ">= 95\u00a0% / >= 85\u00a0% / >= 75\u00a0% / >= 64\u00a0%"),
    ("sv", "V10", (F(625, 1000), F(6, 10), F(1, 2), F(1, 4)), ">= 62,5\u00a0% / >= 60\u00a0% / >= 50\u00a0% / >= 25\u00a0%"),
    ("en", "V8", (F(875, 1000), F(2, 3), F(1, 2), F(0)), ">= 87.5% / >= 66.6667% / >= 50% / >= 0%"),
    # not shares: their own unit, unchanged
    ("it", "S1", DEFAULT["S1"], "<= 20 / <= 25 / <= 30 / <= 40"),
    ("da", "V4", DEFAULT["V4"], "<= 30 / <= 60 / <= 150 / <= 270"),
    ("sv", "V6", (F(6), F(45, 10), F(4), F(2)), ">= 6 / >= 4,5 / >= 4 / >= 2"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "item", "edges", "shown"), BANDS)
def test_band_edges_are_in_the_values_unit(
    lang: str, item: str, edges: tuple[Fraction, ...], shown: str
) -> None:
    set_language(lang)
    assert fidelity.band_text(item, edges) == shown


@pytest.mark.parametrize("lang", ["en", "it", "da", "sv"])
def test_the_cli_review_shows_shares_and_their_bands_in_percent(
    lang: str, sample_caseload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert cli.main(["fidelity", "-C", str(sample_caseload), "--today", "2026-11-16",
                     "--lang", lang]) == 0  # fmt: skip
    rows = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("  V")}
    for item in ("V8", "V9", "V10"):
        assert rows[item].count("%") == 5, rows[item]  # the value and four edges
        assert "0.85" not in rows[item] and "0,85" not in rows[item]
    assert "%" not in rows["V4"] and "%" not in rows["V6"]


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_the_fidelity_screen_shows_shares_and_their_bands_in_percent(
    sample_caseload: Path,
) -> None:
    set_language("it")
    app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("F")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, FidelityScreen)
            and app.screen.query(DataTable)
            and app.screen.query(DataTable).first().row_count,
            "the fidelity table",
        )
        table = app.screen.query(DataTable).first()
        cells = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)]
            for i in range(table.row_count)
        }
    v10 = cells["V10"]
    assert v10[-1] == ">= 95% / >= 85% / >= 75% / >= 64%"
    assert v10[2].endswith("%")
