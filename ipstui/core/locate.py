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


class Locator:
    """Maps key paths such as ('contacts', 2, 'on') to (line, column), 1-based."""

    def __init__(self, text: str) -> None:
        self.places: dict[tuple, tuple[int, int]] = {}
        aot_count: dict[tuple, int] = {}
        table: tuple = ()
        in_ml: str | None = None
        depth = 0  # open brackets of a multi-line array value
        for lineno, line in enumerate(text.splitlines(), start=1):
            if in_ml:
                if line.count(in_ml) % 2 == 1:
                    in_ml = None
                continue
            if depth > 0:
                depth += line.count("[") - line.count("]")
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
                rest = line[km.end() :]
                for q in ('"""', "'''"):
                    if rest.count(q) % 2 == 1:
                        in_ml = q
                stripped = rest.split("#", 1)[0] if '"' not in rest else rest
                if stripped.strip().startswith("["):
                    depth = stripped.count("[") - stripped.count("]")

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
