"""Snapshot tests (pytest-textual-snapshot) of the main screens (board, participant,
agenda, reports, employers, fidelity) on the sample caseload at a fixed date, at 80×24
and 120×40. The cursor does not blink and every worker has finished before the picture
is taken, so a snapshot changes only when what the user sees changes.

One app session per size visits every screen from the board and back (starting the app
on the sample costs more CPU than a picture): each picture is the one a fresh start that
went straight to that screen takes, and is stored as `test_screens[SIZE][SCREEN].svg`.
Update them with `pytest tests/test_snapshots.py --snapshot-update` after checking the new
pictures (a mismatch is drawn side by side in snapshot_report.html, as `snap_compare`'s)."""

from __future__ import annotations

import inspect
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import back_to, settle, step, wait_for
from pytest_textual_snapshot import (
    PseudoApp,
    PseudoConsole,
    SVGImageExtension,
    node_to_report_path,
)
from rich.console import Console
from syrupy import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import Input
from tiers import slow_except

from ipstui.ui.app import IpsApp
from ipstui.ui.widgets.footer import KeysFooter

TODAY = date(2026, 11, 16)
SIZES = [(80, 24), (120, 40)]

SCREENS: list[tuple[str, Callable[[Pilot], object]]] = [
    ("board", lambda pilot: None),
    ("agenda", lambda pilot: pilot.press("a")),
    ("reports", lambda pilot: pilot.press("r")),
    ("employers", lambda pilot: pilot.press("e")),
    ("fidelity", lambda pilot: pilot.press("F")),
    ("participant", lambda pilot: pilot.app.open_participant("P-0030")),
]
"""Each screen pictured, and how the board gets there (a key, or opening P-0030)."""


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


async def _picture(pilot: Pilot, title: str) -> str:
    """The screen as an SVG, taken as pytest-textual-snapshot's `take_svg_screenshot`
    takes it once its `run_before` is done (animations finished, then two pauses), and
    once the key bar shows the screen's keys cut to its width (`KeysFooter.settled`: the
    cut waits for a refresh after a rebuild, and a loaded machine took the picture in
    between, the keys uncut, about one run in four at load 9)."""
    await wait_for(
        pilot,
        lambda: all(footer.settled for footer in pilot.app.screen.query(KeysFooter)),
        "the key bar cut to its width",
    )
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    return pilot.app.export_screenshot(title=title, simplify=True)


def _compare(snapshot: SnapshotAssertion, request: pytest.FixtureRequest, name: str, svg: str):
    """`svg` equals the stored picture `name` of this test; what `snap_compare` records
    for its HTML report is recorded too, one entry per picture."""
    stored = snapshot.use_extension(SVGImageExtension)(name=name)
    result = stored == svg
    node = request.node
    full_path, line_number, test_name = node.reportinfo()
    console = Console(legacy_windows=False, force_terminal=True)
    data = (
        result,
        str(stored),
        svg,
        PseudoApp(PseudoConsole(console.legacy_windows, console.size)),
        full_path,
        line_number,
        f"{test_name}[{name}]",
        inspect.getdoc(node.function) or "",
        "",
        stored.executions.get(stored.num_executions - 1) is not None,
    )
    report = node_to_report_path(node)
    report.with_name(f"{report.name}_{name}").write_bytes(pickle.dumps(data))
    return result


@pytest.mark.parametrize(
    # 80×24 in the quick run, both sizes in .ci/run (pytest -m slow)
    "size",
    slow_except([pytest.param(s, id=f"{s[0]}x{s[1]}") for s in SIZES], keep=lambda s: s == (80, 24)),
)
async def test_screens(
    snapshot: SnapshotAssertion,
    request: pytest.FixtureRequest,
    sample_caseload: Path,
    size: tuple[int, int],
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    title = app.title
    mismatched = []
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        board = app.screen
        for name, go in SCREENS:
            with step(name):
                await back_to(pilot, board)
                shown = go(pilot)
                if inspect.isawaitable(shown):
                    await shown
                await settle(pilot, 1)
                await settle(pilot, 2)
                if not _compare(snapshot, request, name, await _picture(pilot, title)):
                    mismatched.append(name)
    assert not mismatched, f"pictures that differ from the stored ones: {mismatched}"
