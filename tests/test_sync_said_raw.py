"""The sync state the board's header left out or cut is kept in the messages (`m`) as
it was said, and only then (review of s8fixA).

The kind of fault: the text was put in the log Textual-markup-escaped (`m` read
`sync: ! \\[rejected] …`), and the check "is it whole in the header" compared that
escaped text with the header's plain text, so any text with a `[` or a control
character was logged even when the header showed it whole. Now the log gets the text
itself (its reading view makes control characters visible) and the check compares what
the header was given. Table-driven over texts with `[`, a control character and a long
outcome, at a size where the header shows them whole or cuts them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pilot_wait import settle, wait_for

from ipstui.core.i18n import _, set_language
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen

TODAY = date(2026, 11, 16)
REJECTED = "! [rejected] main -> main (fetch first)"
LONG = REJECTED + "; the remote has commits this clone has not: pull, then push again " * 2

# (name, sync text, kept whole in the header (steady=None) or sized for the short words)
CASES = [
    ("a bracket, whole in the header", REJECTED, True, False),
    ("a control character, whole in the header", "failed: \x1b[31mred", True, False),
    ("a bracket, cut to fit", LONG, False, True),
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(("text", "whole", "logged"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_sync_text_in_the_messages_as_said(
    sample_caseload: Path, text: str, whole: bool, logged: bool
) -> None:
    set_language("en")
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await wait_for(pilot, lambda: bool(screen._sync), "the sync state")
        steady = screen._sync
        screen.set_sync_status(text, steady=None if whole else steady)
        await settle(pilot)
        said = _("sync: {status}").format(status=text)
        kept = [m for t, m in app.messages if t == _("Sync")]
        assert kept == ([said] if logged else []), kept
