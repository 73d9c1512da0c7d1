"""The employment-rate chart of Reports (issue 13, round 9): each quarter's team figures
are computed once per caseload snapshot, not again for every chart that shows them, and
the chart drawn is the one `rate_series` gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from textual.widgets import Static

import ipstui.ui.screens.reports as reports
from ipstui.core.report import Quarter, prepare_loaded, quarter_of
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.reports import CHART_QUARTERS, ReportsScreen, chart_text

TODAY = date(2026, 11, 16)  # the sample's as-of date
CURRENT = quarter_of(TODAY)

# (key, the quarter shown after it, the quarters whose team figures it computes)
MOVES: list[tuple[str, Quarter, list[Quarter]]] = [
    ("r", CURRENT, [CURRENT.shift(-i) for i in range(CHART_QUARTERS - 1, 0, -1)]),
    ("left_square_bracket", CURRENT.shift(-1), [CURRENT.shift(-CHART_QUARTERS)]),
    ("left_square_bracket", CURRENT.shift(-2), [CURRENT.shift(-CHART_QUARTERS - 1)]),
    ("right_square_bracket", CURRENT.shift(-1), []),
    ("right_square_bracket", CURRENT, []),
    ("escape", CURRENT, []),
    ("r", CURRENT, []),
]


def expected_chart(app: IpsApp, quarter: Quarter) -> str:
    cl = app.caseload
    assert cl is not None
    prepared = prepare_loaded(cl.participants)
    real = reports.rate_series.__wrapped__  # type: ignore[attr-defined]
    return str(chart_text(real(prepared, cl.settings, quarter, CHART_QUARTERS), quarter))


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_each_quarter_is_computed_once_per_snapshot(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[Quarter] = []
    real = reports.rate_series

    def counted(participants, settings, end_quarter, n=CHART_QUARTERS):
        computed.extend(end_quarter.shift(-i) for i in range(n - 1, -1, -1))
        return real(participants, settings, end_quarter, n)

    counted.__wrapped__ = real  # type: ignore[attr-defined]
    monkeypatch.setattr(reports, "rate_series", counted)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, shown, new in MOVES:
            computed.clear()
            await pilot.press(key)
            await settle(pilot)
            screen = app.get_screen("reports")
            assert isinstance(screen, ReportsScreen)
            if app.screen is not screen:
                continue
            assert screen.quarter == shown, key
            assert computed == new, key
            chart = str(screen.query_one("#report-rate-chart", Static).render())
            assert chart == expected_chart(app, shown), key

        # A new snapshot (a save): every quarter of the chart computed from it again.
        cl = app.caseload
        assert cl is not None
        pid, p = next((k, v) for k, v in cl.participants.items() if v.phase != "closed")
        computed.clear()
        app.caseload = cl.without(pid, p.rel_path)
        await settle(pilot)
        assert computed == [CURRENT.shift(-i) for i in range(CHART_QUARTERS - 1, 0, -1)]
        chart = str(app.screen.query_one("#report-rate-chart", Static).render())
        assert chart == expected_chart(app, CURRENT)
