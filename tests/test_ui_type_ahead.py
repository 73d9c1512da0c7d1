"""Keys typed faster than the app draws go where the user meant them (issue 13 item 7).

A terminal delivers "/Marco" in one read: every key is queued before the app handles the
`/`. The field a key opens must take the keys queued after it, not the board's bindings
(before: typing a name after `/` opened the agenda, then reports). Pilot's `press` waits
for the app between keys, so the keys are posted here as the driver posts them: all at
once, then the app catches up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, step, wait_for
from textual import events

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.widgets.board import Board
from ipstui.ui.widgets.inputs import OneLineInput

TODAY = date(2026, 11, 30)


def _type_ahead(app: IpsApp, keys: str) -> None:
    """Queue `keys` as one terminal read does: no wait between them."""
    names = {"/": "slash", "\r": "enter", " ": "space"}
    for ch in keys:
        app.post_message(events.Key(names.get(ch, ch), None if ch == "\r" else ch))


CASES = [
    # (keys queued at once, the board's text filter after them, the field's text, focus)
    # The filter takes every letter queued after `/`, and none opens a screen.
    ("/Marco", "Marco", "Marco", OneLineInput),
    ("/are", "are", "are", OneLineInput),
    # `g` then digits: the id field takes them.
    ("g6", "", "6", OneLineInput),
    # In the field, `/` and `g` are typed, not run.
    ("/a/g", "a/g", "a/g", OneLineInput),
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_keys_typed_ahead_of_the_app_reach_the_field_the_key_opened(
    sample_caseload: Path,
) -> None:
    """One app session; each case starts from the plain board (`esc`)."""
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))
        board_screen = app.screen
        assert isinstance(board_screen, BoardScreen)
        for keys, filter_text, field_value, focused in CASES:
            with step(repr(keys)):
                await pilot.press("escape")  # the plain board, as a person gets back to it
                await settle(pilot)
                _type_ahead(app, keys)
                await settle(pilot)
                assert app.screen is board_screen, f"opened {type(app.screen).__name__}"
                assert board_screen.text == filter_text
                assert board_screen.query_one("#filter-input", OneLineInput).value == field_value
                assert isinstance(app.focused, focused), type(app.focused).__name__
