"""Find the line and column of a key path in TOML text, for `path:line:col` messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEYLINE = re.compile(
    r"""^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _split_key(key: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _scan(rest: str) -> tuple[int, str | None]:
    """Net open brackets in `rest`, and the delimiter of a multi-line string it leaves
    open; brackets and quotes inside strings and comments do not count."""
    depth, i, n = 0, 0, len(rest)
    while i < n:
        c = rest[i]
        if c == "#":
            break
        if c in "\"'":
            q3 = c * 3
            if rest.startswith(q3, i):
                end = rest.find(q3, i + 3)
                if end < 0:
                    return depth, q3
                i = end + 3
                while i < n and rest[i] == c:  # a string may end with up to two quotes
                    i += 1
                continue
            j = i + 1
            while j < n and rest[j] != c:
                j += 2 if c == '"' and rest[j] == "\\" else 1
            i = j + 1
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        i += 1
    return depth, None


class Locator:
    """Maps key paths such as ('contacts', 2, 'on') to (line, column), 1-based."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.places: dict[tuple, tuple[int, int]] = {}
        aot_count: dict[tuple, int] = {}
        table: tuple = ()
        in_ml: str | None = None
        depth = 0  # open brackets of a multi-line array value
        # TOML lines end at "\n" only; str.splitlines() would also split at characters
        # such as U+2028 or U+0085 that a string value may hold unescaped.
        for lineno, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if in_ml:
                if line.count(in_ml) % 2 == 1:
                    in_ml = None
                continue
            if depth > 0:
                depth += _scan(line)[0]
                continue
            m = _HEADER.match(line)
            if m and not _KEYLINE.match(line):
                names = tuple(_split_key(m.group(2)))
                col = line.index("[") + 1
                if m.group(1) == "[[":
                    parent = self._resolve(names[:-1], aot_count)
                    base = parent + (names[-1],)
                    idx = aot_count.get(base, 0)
                    aot_count[base] = idx + 1
                    table = base + (idx,)
                    self.places.setdefault(base, (lineno, col))
                else:
                    table = self._resolve(names, aot_count)
                self.places.setdefault(table, (lineno, col))
                continue
            km = _KEYLINE.match(line)
            if km:
                keys = tuple(_split_key(km.group(2)))
                path = table + keys
                self.places.setdefault(path, (lineno, len(km.group(1)) + 1))
                depth, in_ml = _scan(line[km.end() :])

    def _resolve(self, names: Sequence[str], aot_count: dict[tuple, int]) -> tuple:
        """A dotted header inside an array of tables refers to its latest entry."""
        out: tuple = ()
        for n in names:
            out = out + (n,)
            if out in aot_count:
                out = out + (aot_count[out] - 1,)
        return out

    def find(self, path: Sequence) -> tuple[int, int]:
        """Place of `path`, or of its longest located prefix, or 1:1."""
        p = tuple(path)
        while p:
            if p in self.places:
                return self.places[p]
            p = p[:-1]
        return (1, 1)
