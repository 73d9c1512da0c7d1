"""Trial 8, item 7: ctrl+q did nothing while a form had unsaved text (a participant's
Details, the contact form): `q`, the other key of Quit, types a letter, so the app's
check blocked the Quit command, and with it ctrl+q. Now every quit path (ctrl+q, the
palette's Quit, `q` where it is a command) asks before losing unsaved edits, from every
screen and dialog, and quits at once when nothing would be lost. Real app, Pilot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import palette_offers, wait_for
from textual.widgets import Input, TextArea
from tiers import slow_except

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.forms import ConfirmDialog
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)


async def _board(app: IpsApp, pilot) -> None:
    await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen) and app.caseload is not None)


async def nothing(app: IpsApp, pilot) -> None:
    await _board(app, pilot)


async def agenda(app: IpsApp, pilot) -> None:
    await _board(app, pilot)
    await pilot.press("a")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "AgendaScreen")


async def details_name_typed(app: IpsApp, pilot) -> None:
    """A participant's Details tab, the name field focused with text typed in it."""
    await _board(app, pilot)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen))
    screen = app.screen
    screen.show_tab("details")
    await pilot.pause()
    field = screen.query_one("#field-name Input", Input)
    field.focus()
    await pilot.press("end", "x", "y")
    await wait_for(pilot, lambda: bool(app.unsaved_edits()))


async def contact_note_typed(app: IpsApp, pilot) -> None:
    """The contact form over the board, its note typed in and focused."""
    await _board(app, pilot)
    await pilot.press("c")
    await wait_for(pilot, lambda: bool(app.screen.query(TextArea)))
    app.screen.query_one(TextArea).focus()
    await pilot.press("t", "y", "p", "e", "d")
    await wait_for(pilot, lambda: bool(app.unsaved_edits()))


async def contact_note_then_palette(app: IpsApp, pilot) -> None:
    """The command palette open over the contact form that has unsaved text."""
    await contact_note_typed(app, pilot)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "Palette")


async def press_ctrl_q(app: IpsApp, pilot) -> None:
    await pilot.press("ctrl+q")


async def press_q(app: IpsApp, pilot) -> None:
    await pilot.press("q")


async def palette_quit(app: IpsApp, pilot) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*"Quit")
    await wait_for(pilot, lambda: palette_offers(app, "Quit"))
    await pilot.press("enter")


Step = Callable[[IpsApp, object], Awaitable[None]]

CASES: list[tuple[str, Step, Step, str]] = [
    # (case, where the user is, how they quit, what happens: "exits" | "asks" | "typed")
    ("board, ctrl+q", nothing, press_ctrl_q, "exits"),
    ("board, q", nothing, press_q, "exits"),
    ("board, palette", nothing, palette_quit, "exits"),
    ("agenda, ctrl+q", agenda, press_ctrl_q, "exits"),
    ("details with typed text, ctrl+q", details_name_typed, press_ctrl_q, "asks"),
    ("details with typed text, palette", details_name_typed, palette_quit, "asks"),
    ("details with typed text, q", details_name_typed, press_q, "typed"),  # q is text there
    ("contact form with a note, ctrl+q", contact_note_typed, press_ctrl_q, "asks"),
    ("contact form with a note, palette", contact_note_typed, palette_quit, "asks"),
    ("palette over the contact form, ctrl+q", contact_note_then_palette, press_ctrl_q, "asks"),
]


@pytest.mark.parametrize(
    ("case", "where", "how", "then"),
    # a quit that asks, over typed text, in the quick run; every path in .ci/run (-m slow)
    slow_except(
        [pytest.param(*c, id=c[0]) for c in CASES],
        keep=lambda case, *_: case == "details with typed text, ctrl+q",
    ),
)
async def test_every_quit_path_asks_before_losing_edits(
    case: str, where: Step, how: Step, then: str, sample_caseload: Path
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await where(app, pilot)
        lost = app.unsaved_edits()
        await how(app, pilot)
        if then == "exits":
            await wait_for(pilot, lambda: not app.is_running)
            return
        if then == "typed":
            await pilot.pause(0.1)
            assert app.is_running and not isinstance(app.screen, ConfirmDialog)
            assert app.focused is not None and "q" in str(getattr(app.focused, "value", ""))
            return
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.question == "Quit and lose your unsaved edits?\n" + "\n".join(lost)
        # ctrl+q again on the question asks nothing more; "Stay" keeps the edits.
        await pilot.press("ctrl+q")
        await pilot.pause(0.05)
        assert sum(isinstance(s, ConfirmDialog) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert app.is_running and app.unsaved_edits() == lost
        # Asked again, "Quit, discard" quits.
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running)
