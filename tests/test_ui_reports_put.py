"""`reports.put`: a Static's text replaced without a layout pass only when the new text
takes the same room (issue 13); whenever it takes other room, the widget is laid out
again to fit it. Checked on the size the widget ends up with, in a real app."""

from __future__ import annotations

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from ipstui.ui.screens.reports import put


class Host(App[None]):
    CSS = """
    #wide { width: 40; height: auto; }
    #auto { width: auto; height: auto; }
    Horizontal { height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal():
                yield Static(id="wide")
                yield Static(id="auto")


WORDS = "word " * 12  # 60 cells: wraps in a 40-cell column

CASES = [
    # (widget, first text, second text, expected (width, height) after the second)
    ("#wide", "one line", "two\nlines", (None, 2)),
    ("#wide", "a\nb\nc", "x\ny\nz", (None, 3)),  # same room: no layout, same height
    ("#wide", "short", WORDS.strip(), (None, 2)),  # now wraps: taller
    ("#wide", WORDS.strip(), "short", (None, 1)),
    ("#auto", "abc", "abcdefgh", (8, 1)),  # wider text: the widget widens
    ("#auto", "abcdefgh", "abc", (3, 1)),
    ("#auto", "abc\ndef", "xyz\nuvw", (3, 2)),  # same room
]


@pytest.mark.parametrize(("selector", "first", "second", "expected"), CASES)
async def test_put_lays_out_again_only_when_the_room_changes(
    selector: str, first: str, second: str, expected: tuple[int | None, int]
) -> None:
    app = Host()
    async with app.run_test(size=(80, 10)) as pilot:
        widget = app.query_one(selector, Static)
        put(widget, Text(first))
        await pilot.pause()
        await pilot.pause()
        put(widget, Text(second))
        await pilot.pause()
        await pilot.pause()
        width, height = expected
        assert widget.size.height == height
        if width is not None:
            assert widget.size.width == width
        assert str(widget.render()) == second
