"""A list that draws only its visible rows: for agendas that may hold thousands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ipstui.core.termsafe import escape

Row = list[tuple[str, str]]
"""A row: (text, component class or '') pieces."""


class LineList(ScrollView, can_focus=True):
    """Rows of styled text with a cursor; `enter` posts Chosen(index)."""

    COMPONENT_CLASSES = {"line--cursor", "line--overdue", "line--soon", "line--muted", "line--bold"}
    DEFAULT_CSS = """
    LineList { height: 1fr; background: $surface; }
    LineList > .line--cursor { background: $accent 35%; }
    LineList:focus > .line--cursor { background: $accent 60%; }
    LineList > .line--overdue { color: $text-error; text-style: bold; }
    LineList > .line--soon { color: $text-warning; text-style: bold; }
    LineList > .line--muted { color: $text-muted; }
    LineList > .line--bold { text-style: bold; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="list_up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="list_down"),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("home", "cursor(-1000000000)", "Top", show=False),
        Binding("end", "cursor(1000000000)", "Bottom", show=False),
        Binding("enter", "choose", "Open", show=True),
    ]

    class Chosen(Message):
        """The user pressed enter on a row."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, render_row: Callable[[Any], Row], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[Any] = ()
        self.cursor = 0
        self._render_row = render_row

    def set_items(self, items: Sequence[Any]) -> None:
        self.items = items
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        self.virtual_size = Size(self.size.width, len(items))
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if not self.items:
            return
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        self.refresh()

    def action_choose(self) -> None:
        if self.items:
            self.post_message(self.Chosen(self.cursor))

    def render_line(self, y: int) -> Strip:
        _, sy = self.scroll_offset
        i = y + sy
        width = self.scrollable_content_region.width
        base = self.rich_style
        if i >= len(self.items):
            return Strip.blank(width, base)
        cur = self.get_component_rich_style("line--cursor") if i == self.cursor else Style()
        segs = []
        for text, cls in self._render_row(self.items[i]):
            style = base + (self.get_component_rich_style(cls) if cls else Style()) + cur
            segs.append(Segment(escape(text), style))  # stored text: never raw controls
        strip = Strip(segs).crop(0, width)
        return strip.extend_cell_length(width, base + cur)
