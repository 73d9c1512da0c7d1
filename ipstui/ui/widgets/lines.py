"""A list that draws only its visible rows: for agendas that may hold thousands.

Rows are built for the width they are drawn at (`render_row(item, width)`), so a
screen can give its last column whatever is left and cut it with `…` in cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ipstui.core.i18n import N_
from ipstui.core.termsafe import escape
from ipstui.ui.keys import TranslatedBindings

Row = list[tuple[str, str]]
"""A row: (text, component class or '') pieces."""


class LineList(TranslatedBindings, ScrollView, can_focus=True):
    """Rows of styled text with a cursor; moving posts Highlighted, `enter` Chosen."""

    COMPONENT_CLASSES = {"line--cursor", "line--overdue", "line--soon", "line--muted", "line--bold"}
    BINDINGS = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False, id="list_up"),
        Binding("down,j", "cursor(1)", N_("Down"), show=False, id="list_down"),
        Binding("pageup", "cursor(-10)", N_("Page up"), show=False, id="list_page_up"),
        Binding("pagedown", "cursor(10)", N_("Page down"), show=False, id="list_page_down"),
        Binding("home", "cursor(-1000000000)", N_("Top"), show=False, id="list_top"),
        Binding("end", "cursor(1000000000)", N_("Bottom"), show=False, id="list_bottom"),
        Binding(
            "enter", "choose", N_("Open"), show=True, id="list_open", tooltip=N_("Open this row")
        ),
    ]

    @dataclass
    class Chosen(Message):
        """The user pressed enter on a row."""

        index: int

    @dataclass
    class Highlighted(Message):
        """The cursor moved to row `index` (or the rows changed under it)."""

        index: int

        def can_replace(self, message: Message) -> bool:
            """Only the latest cursor position matters."""
            return isinstance(message, LineList.Highlighted)

    def __init__(self, render_row: Callable[[Any, int], Row], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[Any] = ()
        self.cursor = 0
        self._render_row = render_row

    def set_items(self, items: Sequence[Any]) -> None:
        """Show `items` (the cursor stays on the same row number, clamped)."""
        self.items = items
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        self.virtual_size = Size(self.size.width, len(items))
        self.refresh()
        self.post_message(self.Highlighted(self.cursor))

    def action_cursor(self, delta: int) -> None:
        """Move the cursor `delta` rows (clamped)."""
        if not self.items:
            return
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + delta))
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.cursor))

    def action_choose(self) -> None:
        """Post Chosen for the row under the cursor."""
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
        if i == self.cursor:
            # The cursor is marked by a bar as well as a colour (SPEC §9).
            segs.append(Segment("▌", base + cur))
        else:
            segs.append(Segment(" ", base))
        for text, cls in self._render_row(self.items[i], width - 1):
            style = base + (self.get_component_rich_style(cls) if cls else Style()) + cur
            segs.append(Segment(escape(text), style))  # stored text: never raw controls
        strip = Strip(segs).crop(0, width)
        return strip.extend_cell_length(width, base + cur)
