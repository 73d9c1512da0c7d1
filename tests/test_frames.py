"""tests/frames.py: frames drawn at checkpoints only, and pinned to the Textual it mirrors."""

from __future__ import annotations

import contextvars
import hashlib
import inspect

import frames
import pytest
import textual
from frames import _collect_changes, frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle, wait_for
from textual._compositor import Compositor
from textual._context import visible_screen_stack
from textual.app import App, ComposeResult
from textual.css.stylesheet import Stylesheet
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

PINNED: dict[str, tuple[object, str]] = {
    "Screen._compositor_refresh": (frames._textual_frame, "7a40efe563816a06"),
    "Screen._on_timer_update": (Screen._on_timer_update, "421401660de142c5"),
    "Compositor.render_update": (Compositor.render_update, "772c6b21953aff0e"),
    # What ReportsScreen.on_screen_resume's restyle skip relies on (s8reports, s8mend2):
    # our handler runs before Screen's (the MRO walked subclass first), Screen's honours
    # `refresh_styles`, pushing a screen looks at no `_css_update_count`, popping one
    # resumes the screen under it without a restyle, a parse or reparse puts a new
    # `rules` list in place, and the app-level pseudo-classes are the ones its key
    # covers (`ReportsScreen._styles_from`). tests/test_ui_parts_dispatch.py relies on
    # the MRO walk too.
    "MessagePump._get_dispatch_methods": (
        MessagePump._get_dispatch_methods, "42cf0aeddecf314f"
    ),
    "Screen._on_screen_resume": (Screen._on_screen_resume, "f39caa8ec4424d3c"),
    "App.push_screen": (App.push_screen, "d14a25c7a650f288"),
    "App.pop_screen": (App.pop_screen, "1cdc82f7eb09b01f"),
    "Stylesheet.parse": (Stylesheet.parse, "21678f7a02b1178c"),
    "Stylesheet.reparse": (Stylesheet.reparse, "dd193eb05f8baeb5"),
    "Stylesheet.rules": (Stylesheet.rules.fget, "aa8da2bbca91a1bd"),
    "App._PSEUDO_CLASSES": (App._PSEUDO_CLASSES, "f53f676ba68b5871"),
    "Widget._PSEUDO_CLASSES": (Widget._PSEUDO_CLASSES, "9a969335cb1afe7d"),
}
"""Textual's code that tests/frames.py replaces or calls, and that the Reports page's
restyle skip relies on, as it stands in Textual 8.2.8 (pyproject bounds Textual to 8.2.x):
name → (function, or a dict of pseudo-class name → function; first 16 hex digits of the
SHA-256 of its source)."""


def _source(pinned: object) -> str:
    """The source of a pinned function, or of each entry of a pinned dict of them."""
    if isinstance(pinned, dict):
        return "".join(f"{key}: {inspect.getsource(fn)}" for key, fn in pinned.items())
    return inspect.getsource(pinned)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", PINNED)
def test_textual_code_is_the_one_ipstui_mirrors_or_relies_on(name: str) -> None:
    """Textual changed: re-read `name` and what relies on it (tests/frames.py: what a
    frame does, where the changed regions wait, the context variable put back; the
    comment above the Reports entries) before updating the pin."""
    pinned, digest = PINNED[name]
    assert hashlib.sha256(_source(pinned).encode()).hexdigest()[:16] == digest, (
        f"Textual {textual.__version__} changed {name}: ipstui relies on 8.2.8's"
    )


class Shown(Static):
    """A Static that counts the lines it was asked to draw, and fails on "boom"."""

    drawn = 0

    def render_line(self, y: int):  # noqa: ANN201 - a Strip
        Shown.drawn += 1
        if "boom" in str(self.render()):
            raise RuntimeError("cannot draw boom")
        return super().render_line(y)


class One(App):
    def compose(self) -> ComposeResult:
        yield Shown("hello", id="shown")


async def test_changes_wait_for_a_checkpoint_and_are_drawn_there() -> None:
    assert Screen._compositor_refresh is _collect_changes
    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)
        Shown.drawn = 0
        app.query_one(Shown).update("changed")
        await settle(pilot)
        assert Shown.drawn == 0, "a frame was drawn between checkpoints"
        assert app.screen._compositor._dirty_regions

        async def nothing() -> None:
            pass

        await run_steps([("a step", nothing)])
        assert Shown.drawn > 0, "the step's end drew nothing"
        assert not app.screen._compositor._dirty_regions
        assert visible_screen_stack.get(None) in (None, []), "the drawn stack stayed"


async def test_a_widget_that_cannot_draw_fails_at_the_step_it_broke() -> None:
    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)

        async def break_it() -> None:
            app.query_one(Shown).update("boom")
            await settle(pilot)

        with pytest.raises(RuntimeError, match="cannot draw boom") as raised:
            await run_steps([("break it", break_it)])
        assert "in step: break it" in raised.value.__notes__
        app.query_one(Shown).update("fine")


async def test_the_last_state_is_drawn_when_the_session_ends() -> None:
    app = One()
    with pytest.raises(RuntimeError, match="cannot draw boom"):
        async with app.run_test(size=(40, 5)) as pilot:
            await settle(pilot)
            app.query_one(Shown).update("boom")
            await settle(pilot)


class Broken(Screen):
    """A screen whose one widget cannot draw itself (a bad placeholder in a catalog
    string, say)."""

    def compose(self) -> ComposeResult:
        yield Shown("boom")


async def test_a_screen_opened_and_closed_between_checkpoints_is_drawn() -> None:
    """Its last frame is drawn when another screen is on top: its error fails the step."""
    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)

        async def open_and_close() -> None:
            # A screen is drawn only if it had a refresh while on top (as in a terminal):
            # wait for that refresh, then for the one of the screen under it, which draws
            # the outgoing screen (waiting on frames' own record, not on time).
            broken = Broken()
            await app.push_screen(broken)
            await wait_for(pilot, lambda: getattr(app, frames._TOP, None) is broken, "a frame")
            app.pop_screen()
            await wait_for(
                pilot, lambda: getattr(app, frames._TOP, None) is app.screen, "the frame under"
            )

        with pytest.raises(RuntimeError, match="cannot draw boom") as raised:
            await run_steps([("a dialog opened and closed", open_and_close)])
        assert "in step: a dialog opened and closed" in raised.value.__notes__
        assert visible_screen_stack.get(None) in (None, []), "the drawn stack stayed"


async def test_a_failed_draw_leaves_the_context_as_it_was() -> None:
    """`draw` from the test's task leaves Textual's drawn-stack variable as it found it
    (unset here), also when the drawing fails."""
    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        await settle(pilot)

        def failed_draw() -> object:
            unset = object()
            assert visible_screen_stack.get(unset) is unset
            with pytest.raises(RuntimeError, match="cannot draw boom"):
                frames.draw(app)
            return visible_screen_stack.get(unset) is unset

        app.query_one(Shown).update("boom")
        await settle(pilot)
        fresh = contextvars.Context()
        for var in contextvars.copy_context():
            if var is not visible_screen_stack:
                fresh.run(var.set, var.get())
        assert fresh.run(failed_draw) is True
        app.query_one(Shown).update("fine")
