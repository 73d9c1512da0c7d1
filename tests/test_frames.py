"""tests/frames.py: frames drawn at checkpoints only, and pinned to the Textual it mirrors."""

from __future__ import annotations

import hashlib
import inspect

import frames
import pytest
import textual
from frames import _collect_changes, frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle
from textual._compositor import Compositor
from textual._context import visible_screen_stack
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

PINNED = {
    "Screen._compositor_refresh": (frames._textual_frame, "7a40efe563816a06"),
    "Screen._on_timer_update": (Screen._on_timer_update, "421401660de142c5"),
    "Compositor.render_update": (Compositor.render_update, "772c6b21953aff0e"),
}
"""Textual's code that tests/frames.py replaces or calls as it stands in Textual 8.2.8:
name → (function, first 16 hex digits of the SHA-256 of its source)."""


@pytest.mark.parametrize("name", PINNED)
def test_textual_frame_code_is_the_one_frames_mirrors(name: str) -> None:
    """Textual changed: re-read `name` and tests/frames.py (what a frame does, where the
    changed regions wait, the context variable put back) before updating the pin."""
    function, digest = PINNED[name]
    source = inspect.getsource(function)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, (
        f"Textual {textual.__version__} changed {name}: tests/frames.py mirrors 8.2.8's"
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
