"""The screens' modules are imported in the load worker once the board is up, so the
first open of a screen only builds it (issue 13: Reports' first open had to pay its
import inside the frame that shows it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import ipstui.ui.screens
from ipstui.ui.app_loading import SCREEN_MODULES

# Run in a fresh interpreter: in the test process, other tests have imported them.
PROBE = """
import asyncio, sys
from datetime import date
from pathlib import Path
from ipstui.ui.app import IpsApp

async def main():
    app = IpsApp(Path(sys.argv[1]), today=date(2026, 11, 16), watch_disk=False)
    # Before the app runs: once it does, the load (and the warm-up after it) may be done
    # before the first look.
    before = sorted(m for m in sys.modules if m.startswith("ipstui.ui.screens."))
    async with app.run_test() as pilot:
        while app.caseload is None or any(w.is_running for w in app.workers):
            await pilot.pause(0.01)
        after = sorted(m for m in sys.modules if m.startswith("ipstui.ui.screens."))
        print(" ".join(before))
        print(" ".join(after))

asyncio.run(main())
"""


def test_every_lazily_opened_screen_is_listed() -> None:
    here = {m.name for m in pkgutil.iter_modules(ipstui.ui.screens.__path__)}
    # The board is the first screen (imported at start); forms are the screens' dialogs.
    assert set(SCREEN_MODULES) == here - {"board", "forms"}


def test_the_screens_are_imported_after_the_board_not_before(caseload_dir: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(caseload_dir)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    before, after = (set(line.split()) for line in out[-2:])
    wanted = {f"ipstui.ui.screens.{name}" for name in SCREEN_MODULES}
    assert not wanted & before, "imported at start-up"
    assert wanted <= after
