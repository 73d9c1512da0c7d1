"""The one escaping function for text bound for a terminal (SPEC §13).

Text from the files (names, notes, employers, file names, a teammate's commit arriving
by sync) must never reach a terminal as control sequences: `ESC ] 0 ; … BEL` retitles
the window, `ESC [ 2 J` clears the screen, a bidirectional override makes text read
differently from what it is. Every CLI line and every widget that shows stored text
passes it through `escape`, which shows such characters as visible escapes instead.
JSON output needs nothing more: the JSON encoder escapes control characters itself.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 controls (new line and tab included), DEL, C1 controls, bidirectional overrides."""

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(c: str) -> str:
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escape(text: object, *, keep: str = "") -> str:
    """`text` (any object, as `str()` shows it) with every unsafe character made visible.

    `\\x1b` for ESC, `\\x7f` for DEL, `\\x9b` for a C1 control, `\\u202e` for a
    bidirectional override, `\\n` `\\t` `\\r` for those. Characters listed in `keep`
    (e.g. "\\n" for a multi-line note, "\\n\\t" for a notes editor) pass unchanged.
    Everything else, including all other Unicode, is returned as it is."""
    s = text if isinstance(text, str) else str(text)
    if UNSAFE.search(s) is None:
        return s
    if keep:
        return UNSAFE.sub(lambda m: m.group() if m.group() in keep else _visible(m.group()), s)
    return UNSAFE.sub(lambda m: _visible(m.group()), s)


def escape_lines(text: str) -> str:
    """`escape` for multi-line output: new lines stay, everything else unsafe is shown."""
    return escape(text, keep="\n")


LINE_BREAK = re.compile("\r?\n")
"""A line break in stored text: LF, or CRLF (a note typed on Windows or pasted)."""


def shown_lines(text: object) -> list[str]:
    """`text`'s own lines (split at LF or CRLF), each `escape`d: for a widget that shows
    a multi-line note as lines and wraps them (the reading view, a banner, a toast).

    A line break that ends the text ends its last line (no empty line after it); any
    other control character, a lone CR or a tab included, stays visible as an escape
    (SPEC §13). `"a\\r\\nb\\x1b\\n"` gives `["a", "b\\\\x1b"]`; `""` gives `[""]`."""
    s = text if isinstance(text, str) else str(text)
    parts = LINE_BREAK.split(s)
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return [escape(part) for part in parts]


class SafeStream:
    """A text stream that writes everything through `escape` (new lines kept) to
    `stream`: the CLI's one choke point (SPEC §13). `ipstui.cli.main` puts one in front
    of `sys.stdout` and `sys.stderr`, so a line that quotes a file's text (a team name,
    a file name, an error message) cannot reach the terminal as a control sequence even
    where the code that prints it forgot to escape. JSON and CSV output hold no control
    characters (the encoders escape or quote them; CSV lines end in `\\n` here), so
    machine output passes unchanged. Everything else (`buffer`, `fileno`, `isatty`,
    `encoding`...) is the wrapped stream's."""

    def __init__(self, stream: object) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        """Write `text` escaped; returns `len(text)` as the caller wrote it."""
        self.stream.write(escape(text, keep="\n"))  # type: ignore[attr-defined]
        return len(text)

    def writelines(self, lines: object) -> None:
        """`write` for each of `lines`."""
        for line in lines:  # type: ignore[attr-defined]
            self.write(line)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)
