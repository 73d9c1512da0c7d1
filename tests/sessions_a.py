"""One app session for the cases of a table: each case on a participant of its own.

An app start and a participant opened cost a second or two of CPU each; the checks of a
table-driven test mostly need only "a participant as it was made, shown with nothing
typed". A caseload of several such participants gives each case that state in one app
session: the case opens its own participant, does what it does to its file, and goes
back to the board; the next case's participant was never touched (the loads that the
earlier cases asked for read it again, unchanged). `pilot_wait.step` names the case a
failure happened in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import empty_caseload, git
from pilot_wait import back_to, settle

from ipstui.core import edits
from ipstui.core.caseload import load
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.participant import ParticipantScreen

PAOLAS = 12
"""Participants in `paolas`: P-0001 … P-0012 (as many as the longest table needs)."""


def pid_of(index: int) -> str:
    """The id of the `index`-th participant of `paolas` (0-based): P-0001 for 0."""
    return f"P-{index + 1:04d}"


def paolas(folder: Path) -> None:
    """Make in `folder` the caseload of `conftest.empty_caseload` with `PAOLAS`
    participants named "Paola B." (specialist anna, referred by CSM on 2026-11-01, one
    commit each), and room for them all in anna's caseload (a full caseload is not
    what these tests are about)."""
    empty_caseload(folder)
    settings = folder / "caseload.toml"
    settings.write_text(settings.read_text().replace("max_caseload = 2", "max_caseload = 30"))
    git(folder, "commit", "-qam", "room for the test's participants")
    for _ in range(PAOLAS):
        edits.new_participant(
            load(folder),
            name="Paola B.",
            specialist="anna",
            referral_source="CSM",
            today=date(2026, 11, 1),
            referred_on=date(2026, 11, 1),
        )


async def open_participant(app: IpsApp, pilot, pid: str) -> ParticipantScreen:
    """Settle, open `pid`'s screen and settle again; the screen (AssertionError if
    another is on top)."""
    await settle(pilot)
    app.open_participant(pid)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen), screen
    assert screen.pid == pid
    return screen


async def back_to_board(app: IpsApp, pilot) -> None:
    """Close every screen above the board (the app's first), unsaved edits or not."""
    await back_to(pilot, app.screen_stack[0])
