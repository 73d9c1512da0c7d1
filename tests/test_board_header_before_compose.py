"""A sync state that reaches the board before it is composed is kept, not a crash.

The app reads the sync state in a worker; on a loaded machine its answer arrived before
the board screen had composed its header, and `_update_header` raised `NoMatches` for
`#title` (a clean-clone CI run, test_column_titles_short). The state is kept and drawn
when the board mounts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pilot_wait import settle

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen


async def test_a_sync_state_before_compose_is_drawn_at_mount(sample_caseload: Path) -> None:
    app = IpsApp(sample_caseload, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        early = BoardScreen()
        early.set_sync_status("sync: 3 ahead, 0 behind")  # before compose: no error
        await app.push_screen(early)
        await settle(pilot)
        title = str(early.query_one("#title").render())
        assert "3 ahead, 0 behind" in title
