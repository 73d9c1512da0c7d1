"""Find the line and column of a key path in TOML text, for `path:line:col` messages.

A small scanner of TOML 1.0's structure (headers, dotted keys, quoted keys with their
escapes, strings, arrays and inline tables) records where every key path is first
written: each part of a dotted key or a dotted header at its own column, so a key that
only appears inside `many.dots.x = 1` or `[conflict.disclosure]` has a place of its own.
It runs on text the parser has already accepted, and never raises: a place it cannot
find falls back to the nearest enclosing key that it did find.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

_WS = " \t"
# Scanning a long file character by character in Python is slow (a 5,000-contact file
# is a merge driver's input): runs of characters are taken by regular expressions.
_NEWLINE = re.compile("\n")
_WS_RUN = re.compile(r"[ \t]*")
_BLANKS = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_RUN = re.compile(r"[A-Za-z0-9_-]*")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_PLAIN_RUN = re.compile(r"[^,\]}#\r\n \t]*")
_MAX_DEPTH = 64


class _Stop(Exception):
    """The text ended or broke where the scanner did not expect it."""


class Locator:
    """Maps key paths such as ('contacts', 2, 'on') to (line, column), both 1-based.

    Array elements are located too: ('goals', 1) is the place of the second goal.
    `find` falls back to the longest located prefix of a path, then to 1:1."""

    def __init__(self, text: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.places: dict[tuple, tuple[int, int]] = {}
        self._starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        self._aot: dict[tuple, int] = {}
        self._i = 0
        try:
            self._document()
        except (_Stop, IndexError, ValueError, RecursionError):
            pass  # keep what was found; find() falls back for the rest

    # ------------------------------------------------------------ places

    def _place(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def _mark(self, path: tuple, offset: int) -> None:
        if path not in self.places:
            self.places[path] = self._place(offset)

    def find(self, path: Sequence) -> tuple[int, int]:
        """Place of `path`, or of its longest located prefix, or 1:1."""
        p = tuple(path)
        while p:
            if p in self.places:
                return self.places[p]
            p = p[:-1]
        return (1, 1)

    # ------------------------------------------------------------ scanning

    def _peek(self, k: int = 0) -> str:
        j = self._i + k
        return self.text[j] if j < len(self.text) else ""

    def _skip_ws(self) -> None:
        m = _WS_RUN.match(self.text, self._i)
        assert m is not None
        self._i = m.end()

    def _skip_blank(self) -> None:
        """Whitespace, new lines and comments."""
        m = _BLANKS.match(self.text, self._i)
        assert m is not None
        self._i = m.end()

    def _document(self) -> None:
        table: tuple = ()
        n = len(self.text)
        while True:
            self._skip_blank()
            if self._i >= n:
                return
            if self._peek() == "[":
                table = self._header()
            else:
                self._keyval(table, 0)

    def _header(self) -> tuple:
        start = self._i
        aot = self._peek(1) == "["
        self._i += 2 if aot else 1
        self._skip_ws()
        names = self._key()
        self._skip_ws()
        self._i += 2 if aot else 1
        out: tuple = ()
        for k, (name, off) in enumerate(names):
            last = k == len(names) - 1
            out = out + (name,)
            self._mark(out, off)
            if aot and last:
                idx = self._aot.get(out, 0)
                self._aot[out] = idx + 1
                out = out + (idx,)
                self._mark(out, start)
            elif out in self._aot:
                out = out + (self._aot[out] - 1,)
        return out

    def _key(self) -> list[tuple[str, int]]:
        """A dotted key: [(part, offset of the part)]."""
        parts: list[tuple[str, int]] = []
        while True:
            self._skip_ws()
            start = self._i
            c = self._peek()
            if c == '"' or c == "'":
                raw = self._string()
                if c == "'":
                    name = raw[1:-1]
                elif "\\" in raw:
                    import tomllib  # only for a key with escapes in it

                    name = tomllib.loads(f"k = {raw}")["k"]
                else:
                    name = raw[1:-1]
            else:
                t = self.text
                m = _BARE_RUN.match(t, self._i)
                assert m is not None
                j = m.end()
                if j == self._i:
                    raise _Stop
                name = t[self._i : j]
                self._i = j
            parts.append((name, start))
            self._skip_ws()
            if self._peek() != ".":
                return parts
            self._i += 1

    def _keyval(self, table: tuple, depth: int) -> None:
        names = self._key()
        path = table
        for name, off in names:
            path = path + (name,)
            self._mark(path, off)
        self._skip_ws()
        if self._peek() != "=":
            raise _Stop
        self._i += 1
        self._skip_ws()
        self._value(path, depth + 1)

    def _string(self) -> str:
        """Consume a string of any of the four kinds; return its source text."""
        t, n, start = self.text, len(self.text), self._i
        q = t[start]
        if t.startswith(q * 3, start):
            j = start + 3
            while True:
                j = t.find(q * 3, j)
                if j < 0:
                    raise _Stop
                if q == '"' and _escaped(t, j):
                    j += 1
                    continue
                break
            j += 3
            extra = 0
            while j < n and t[j] == q and extra < 2:
                j += 1
                extra += 1
            self._i = j
            return t[start:j]
        m = (_BASIC if q == '"' else _LITERAL).match(t, start)
        if m is not None:
            self._i = m.end()
            return m.group()
        j = start + 1
        while j < n and t[j] != q:
            if t[j] == "\n":
                raise _Stop
            j += 2 if (q == '"' and t[j] == "\\") else 1
        self._i = j + 1
        return t[start : j + 1]

    def _value(self, path: tuple, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise _Stop
        c = self._peek()
        if c == '"' or c == "'":
            self._string()
        elif c == "[":
            self._i += 1
            idx = 0
            while True:
                self._skip_blank()
                if self._peek() == "]":
                    self._i += 1
                    return
                if self._peek() == "":
                    raise _Stop
                self._mark(path + (idx,), self._i)
                self._value(path + (idx,), depth + 1)
                idx += 1
                self._skip_blank()
                if self._peek() == ",":
                    self._i += 1
        elif c == "{":
            self._i += 1
            while True:
                self._skip_ws()
                if self._peek() == "}":
                    self._i += 1
                    return
                if self._peek() == "":
                    raise _Stop
                self._keyval(path, depth)
                self._skip_ws()
                if self._peek() == ",":
                    self._i += 1
        else:
            t, n, j = self.text, len(self.text), self._i
            m = _PLAIN_RUN.match(t, j)
            assert m is not None
            j = m.end()
            while j < n and t[j] not in ",]}#\r\n":
                # Dates and times may hold one space ("1979-05-27 07:32:00"): keep going
                # while what follows is still part of the same value.
                if t[j] in _WS and not (j + 1 < n and t[j + 1].isdigit() and t[j - 1].isdigit()):
                    break
                j += 1
            if j == self._i:
                raise _Stop
            self._i = j


def _escaped(text: str, j: int) -> bool:
    """True when the character at `j` follows an odd number of backslashes."""
    k = j - 1
    while k >= 0 and text[k] == "\\":
        k -= 1
    return (j - 1 - k) % 2 == 1
