"""The app's side of SPEC §13: text from the files is shown escaped, and nothing
unsafe reaches the terminal even where a screen forgot to escape.

Two layers:

- `shown` and `plain` (and the app's `notify`, `title` and `sub_title`, see
  `ipstui.ui.app.IpsApp`) make stored text visible: `ESC ] 0 ; …` is drawn as
  `\\x1b]0;…`, so a person sees what the file holds. Screens build their lines from file
  values with these.
- `DropUnsafe`, a Textual line filter the app installs, is the last choke point: every
  line of every widget (screens, dialogs, toasts, tooltips, the palette) passes it on the
  way to the terminal, and it removes any control character, DEL, C1 control or
  bidirectional override still in the text. They are all zero cells wide, so removing
  them keeps every line's width. A test switches it off (`enabled = False`) to find the
  screens that forgot `shown`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter

from ipstui.core.termsafe import UNSAFE, escape


def shown(value: object) -> str:
    """`value` (any object, as `str()` shows it) ready to be put in a markup string:
    unsafe characters made visible (`termsafe.escape`) and every `[` escaped, so
    `[team."[b]x"]` is shown as written, not bold, and `\\x1b[31m` does not open a tag.

    Textual's own `markup.escape` leaves `[31m` alone (not a tag to it), yet Textual 8's
    parser then fails on the line's next `[/]`. A backslash just before a tag cannot be
    written in its markup, so a value ending in one gets a zero-width space after it."""
    text = escape(value).replace("[", "\\[")
    return text + "\u200b" if text.endswith("\\") else text


def plain(value: object, style: str = "") -> Text:
    """A Rich `Text` of `value` with unsafe characters made visible (no markup read)."""
    return Text(escape(value), style=style)


def visible_segments(segments: Iterable[Segment]) -> list[Segment]:
    """`segments` (Rich's rendering of, say, a crash report printed after the app
    closes) with unsafe characters in their text made visible (`termsafe.escape`, new
    lines kept); control segments pass unchanged."""
    return [
        s if s.control else Segment(escape(s.text, keep="\n"), s.style) for s in segments
    ]


class DropUnsafe(LineFilter):
    """Removes control characters, DEL, C1 controls and bidirectional overrides
    (`termsafe.UNSAFE`) from the text of every segment of a rendered line; control
    segments (cursor moves Textual itself makes) pass unchanged."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """The segments with unsafe characters removed (each is zero cells wide)."""
        if not any(UNSAFE.search(s.text) for s in segments if not s.control):
            return segments
        out = []
        for s in segments:
            if not s.control:
                s = Segment(UNSAFE.sub("", s.text), s.style)
                if not s.text:
                    continue
            out.append(s)
        return out
