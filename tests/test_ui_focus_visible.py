"""Focus is visible without colour on every focusable widget of every screen (SPEC §9;
issue 13, item 2), and keys keep working while a closed choice list has focus.

Each screen is walked with `tab` at 80×24; at each stop the focused widget's cells are
compared, with every colour dropped (text, bold, reverse, underline, italic only), with
focus on it and with focus nowhere: they must differ.

One journey on one app (`pilot_wait.step`; an app start costs more CPU than a walk): each
screen is a named step that opens it from the board and goes back to the board."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import back_to, run_steps, settle
from textual.widget import Widget
from textual.widgets import Input, Select
from textual.widgets._select import SelectOverlay

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import AgendaScreen
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.forms import ContactForm
from ipstui.ui.screens.help import HelpScreen
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)
PID = "P-0005"
MAX_STOPS = 30


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def mono(app: IpsApp, widget: Widget) -> list[tuple]:
    """The widget's cells on screen without colour: (text, bold, reverse, underline,
    italic) per segment, line by line."""
    # Apply the :focus rules now (Textual applies them at its next style pass, which a
    # frame taken under load can precede), then draw.
    app.stylesheet.update_nodes(widget.walk_children(with_self=True), animate=False)
    strips = app.screen._compositor.render_strips()
    r = widget.region.intersection(app.screen.region)
    out = []
    for y in range(r.y, r.bottom):
        line = strips[y].crop(r.x, r.right)
        out.append(
            tuple(
                (s.text, *(bool(s.style and getattr(s.style, a)) for a in STYLE_BITS)) for s in line
            )
        )
    return out


STYLE_BITS = ("bold", "reverse", "underline", "italic")


async def handled(pilot, cond: Callable[[], bool], what: str) -> None:
    """Pause until `cond()` holds. A focus change is two steps in Textual: the screen's
    `focused` moves at once, but the widget is restyled (`:focus`) only when it handles
    its own Focus or Blur event, in its own message queue; `pilot.pause()` can return
    before that under load (its idle test compares CPU and wall time), and a frame taken
    then shows the widget as it was (the cause of a walk failing 1 run in 3)."""
    for _ in range(200):
        if cond():
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


def open_with(call: Callable[[IpsApp], object]) -> Callable[[IpsApp], Awaitable[None]]:
    async def opener(app: IpsApp) -> None:
        result = call(app)
        if inspect.isawaitable(result):
            await result

    return opener


SCREENS = {
    "board": open_with(lambda app: None),
    "participant": open_with(lambda app: app.open_participant(PID)),
    "agenda": open_with(lambda app: app.action_agenda()),
    "problems": open_with(lambda app: app.action_problems()),
    "employers": open_with(lambda app: app.action_employers()),
    "fidelity": open_with(lambda app: app.action_fidelity()),
    "reports": open_with(lambda app: app.action_reports()),
    "help": open_with(lambda app: app.action_help()),
    "contact form": open_with(lambda app: app.add_contact_for(PID)),
    "new participant form": open_with(lambda app: app.new_participant()),
    "quit question": open_with(lambda app: app.action_quit()),
}


async def _to_board(app: IpsApp, pilot) -> None:
    """Every screen above the board dismissed (between the steps of the journey)."""
    await back_to(pilot, next(s for s in app.screen_stack if isinstance(s, BoardScreen)))


def every_focus_stop_is_visible_without_colour(name: str):
    async def walk(app: IpsApp, pilot) -> None:
        if name == "quit question":
            app.unsaved_edits = lambda: ["P-0005 Paola T.: notes"]  # type: ignore[method-assign]
        await SCREENS[name](app)
        await settle(pilot)
        if name == "quit question":
            del app.unsaved_edits  # the class's own again, for the steps after this one
        screen = app.screen
        seen: list[Widget] = []
        invisible: list[str] = []
        for _ in range(MAX_STOPS):
            widget = app.focused
            assert widget is not None, f"{name}: nothing has focus"
            if widget in seen:
                break
            seen.append(widget)
            await handled(pilot, lambda w=widget: w.has_focus, "the widget restyled as focused")
            focused = mono(app, widget)
            app.set_focus(None)
            await handled(pilot, lambda w=widget: not w.has_focus, "the widget restyled as blurred")
            if mono(app, widget) == focused:
                invisible.append(f"{type(widget).__name__}#{widget.id}")
            app.set_focus(widget)  # at once, not queued: `tab` moves on from it
            assert app.focused is widget
            await pilot.press("tab")
            await pilot.pause()
            assert app.screen is screen
        assert not invisible, f"{name}: focus not visible on {invisible}"
        assert seen
        await _to_board(app, pilot)

    return walk


async def an_open_choice_list_shows_its_highlight(app: IpsApp, pilot) -> None:
    app.add_contact_for(PID)
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ContactForm)
    select = form.field("kind").control
    assert isinstance(select, Select) and select.has_focus
    await pilot.press("enter")
    await pilot.pause()
    overlay = select.query_one(SelectOverlay)
    assert overlay.has_focus
    await pilot.press("down")
    await pilot.pause()
    lines = mono(app, overlay)

    def stands_out(line: tuple) -> bool:
        return any(
            (bold or rev) for text, bold, rev, _u, _i in line if any(c.isalnum() for c in text)
        )

    marked = [i for i, line in enumerate(lines) if stands_out(line)]
    assert len(marked) == 1, marked  # one row, the highlighted one, stands out
    await _to_board(app, pilot)


async def keys_work_while_a_closed_choice_has_focus(app: IpsApp, pilot) -> None:
    app.open_participant(PID)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen)
    select = screen.query_one("#field-phase Select", Select)
    select.focus()
    await pilot.pause()
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is screen
    select.focus()
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, ContactForm)
    # In a dialog, a focused choice still keeps the app's letters from opening screens.
    assert isinstance(app.focused, Select)
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, ContactForm)
    assert not any(isinstance(s, AgendaScreen) for s in app.screen_stack)
    await _to_board(app, pilot)


STEPS = [
    *[(f"every focus stop is visible without colour: {name}",
       every_focus_stop_is_visible_without_colour(name)) for name in SCREENS],
    ("an open choice list shows its highlight", an_open_choice_list_shows_its_highlight),
    ("keys work while a closed choice has focus", keys_work_while_a_closed_choice_has_focus),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_focus_is_visible_and_keys_work_on_every_screen(sample_caseload: Path) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_steps(STEPS, app, pilot)
