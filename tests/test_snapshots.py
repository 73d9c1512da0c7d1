"""Snapshot tests (pytest-textual-snapshot) of the main screens (board, participant,
agenda, reports, employers, fidelity) on the sample caseload at a fixed date, at 80×24
and 120×40. The cursor does not blink and every
worker has finished before the picture is taken, so a snapshot changes only when what
the user sees changes. Update them with `pytest tests/test_snapshots.py --snapshot-update`
after checking the new pictures (the report in snapshot_report.html)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pilot_wait import settle
from textual.widgets import Input

from ipstui.ui.app import IpsApp

TODAY = date(2026, 11, 16)
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def _settled(*keys: str, open_pid: str | None = None):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if open_pid:
            pilot.app.open_participant(open_pid)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, 1)
        await settle(pilot, 2)

    return run_before


def _app(root: Path) -> IpsApp:
    return IpsApp(root, today=TODAY, watch_disk=False)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_board(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_caseload), terminal_size=size, run_before=_settled())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_participant(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(
        _app(sample_caseload), terminal_size=size, run_before=_settled(open_pid="P-0030")
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agenda(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_caseload), terminal_size=size, run_before=_settled("a"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reports(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_caseload), terminal_size=size, run_before=_settled("r"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_employers(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_caseload), terminal_size=size, run_before=_settled("e"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_fidelity(snap_compare, sample_caseload: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_caseload), terminal_size=size, run_before=_settled("F"))
