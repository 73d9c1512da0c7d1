"""Typed letters never run the participant screen's commands from inside the Details
form (trial 5 item 7; issue 13 item 7).

The regression: the form's scroll area was a focus stop of its own (its mark: the Name
label reversed), between the tab bar and the first field. Shift+Tab from Name, or Tab
from the tab bar, landed there, and letters typed next ran commands: "APPEDIT2" opened
the Contacts tab. Every Tab or Shift+Tab from a field now lands on a field (text goes
into it) or on the tab bar (the screen's keys, shown focused).

Every check runs on one participant screen of one app session, as named steps
(`pilot_wait.step`): an app start on the sample costs more CPU than the checks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, step
from textual.widgets import Input, Select, Tabs, TextArea

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)
PID = "P-0005"

# (from: a field name or "tabs", the keys pressed, where focus must be: a field name or
# "tabs")
MOVES = [
    ("tabs", ("tab",), "name"),
    ("name", ("shift+tab",), "tabs"),
    ("name", ("tab",), "specialist"),
    ("specialist", ("shift+tab",), "name"),
    ("specialist", ("shift+tab", "shift+tab"), "tabs"),
    ("tabs", ("shift+tab",), "notes"),
    ("notes", ("tab",), "tabs"),
]


def _where(screen: ParticipantScreen) -> str:
    focused = screen.focused
    assert focused is not None
    if isinstance(focused, Tabs):
        return "tabs"
    for f in screen.details.fields():
        if focused is f.control or focused in f.control.walk_children():
            assert isinstance(focused, Input | Select | TextArea)
            return f.field_name
    raise AssertionError(f"focus on {type(focused).__name__}#{focused.id}, not a field")


async def tab_lands_on_a_field_or_the_tab_bar(
    pilot, screen: ParticipantScreen, start: str, keys: tuple[str, ...], end: str
) -> None:
    if start == "tabs":
        screen.query_one(Tabs).focus()
    else:
        screen.details.field(start).control.focus()
    await pilot.pause()
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
    assert _where(screen) == end


async def a_name_typed_after_tab_into_name_is_text(
    app: IpsApp, pilot, screen: ParticipantScreen
) -> None:
    """On the screen as it opened (focus on the tab bar)."""
    await pilot.press("tab")  # from the tab bar: the first field
    await pilot.pause()
    name = screen.details.field("name").control
    assert screen.focused is name
    assert isinstance(name, Input)
    name.value = ""
    await pilot.press(*"APPEDIT2cstD")
    await settle(pilot)
    assert app.screen is screen
    assert screen.query_one("#p-tabs").active == "tab-details"
    assert name.value == "APPEDIT2cstD"


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_tab_lands_on_a_field_or_the_tab_bar(sample_caseload: Path) -> None:
    """Letters typed after Tab into Name, on the screen as it opened; then each move of
    MOVES."""
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_participant(PID)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        with step("a name typed after tab into name is text"):
            await a_name_typed_after_tab_into_name_is_text(app, pilot, screen)
        for start, keys, end in MOVES:
            with step(f"{start} {'+'.join(keys)}"):
                await tab_lands_on_a_field_or_the_tab_bar(pilot, screen, start, keys, end)
