"""A text of a few lines that says when it is cut.

A `Static` with `height: auto; max-height: N` wraps its text and shows the first N lines:
the rest is cut off with nothing to say so, mid-word ("…text her" in Swedish, whose
words are longer than the English the height was chosen for). `Clamped` wraps the text
at its own width and, when it needs more than its `max-height` lines, ends the last
line it shows with `…`: the detail lines under the lists, the screen titles."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.visual import VisualType
from textual.widgets import Static


class Clamped(Static):
    """A `Static` whose text, wrapped at the widget's width, is cut to the lines its
    CSS `max-height` allows (cells, the padding left out), the last one ending in `…`
    when anything was left out. Give it a rich `Text` or a plain or markup `str`."""

    def __init__(self, content: VisualType = "", **kwargs) -> None:
        super().__init__(content, **kwargs)
        self._full: Text | None = self._as_text(content)

    def _as_text(self, content: VisualType) -> Text | None:
        if isinstance(content, Text):
            return content
        if isinstance(content, str):
            return Text.from_markup(content) if self._render_markup else Text(content)
        return None  # another visual: shown as Static shows it

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show `content` (see the class)."""
        self._full = self._as_text(content)
        super().update(content, layout=layout)

    def render(self):  # noqa: ANN201 - a Static's visual
        """The text cut to the lines the widget may show (the last ending in `…`)."""
        full = self._full
        width = self.content_size.width
        most = self.styles.max_height
        if full is None or width <= 0 or most is None or not most.is_cells:
            return super().render()
        room = int(most.value) - self.styles.gutter.height
        lines = full.wrap(self.app.console, width)
        if room <= 0 or len(lines) <= room:
            return super().render()
        kept = list(lines[:room])
        last = kept[-1].copy()
        last.rstrip()
        if cell_len(last.plain) + 1 > width:
            last.truncate(width - 1)
            last.rstrip()
        last.append("…")
        kept[-1] = last
        return Text("\n").join(kept)
