"""TOML 1.0, exactly as Python's `tomllib` reads it (SPEC §2), as fast as it can be had.

The parser is `tomli` below 2.4 when it is installed: the project that `tomllib` was
taken from, TOML 1.0 only before 2.4 (2.4 reads TOML 1.1), shipped as mypyc-compiled
wheels that parse a participant file about 3.5 times faster than the pure-Python
`tomllib`. It gives `tomllib`'s verdict and values on every file of the official
TOML 1.0 conformance corpus (tests/data/toml-test, checked by tests/test_toml_corpus.py).
Where it is missing, too new, or stops at its own nesting limit of 400 levels, `tomllib`
itself answers. rtoml was dropped: it reads TOML 1.1 (trailing commas and new lines in
inline tables, times without seconds, `\\xHH` escapes) and changes some datetime values.

Documents nested deeper than MAX_DEPTH levels are refused here, with the place where
the depth is crossed: they are valid TOML, but no caseload file is deeper than four
levels, and the rest of the program (validation, copies, the merge driver) must never
meet a value deep enough to exhaust Python's stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 32
"""Deepest nesting of tables and arrays ipstui reads (a participant file needs 4)."""
TOO_DEEP = f"values nested more than {MAX_DEPTH} levels deep; ipstui does not read such a file"


def _fast_parser() -> Callable[[str], dict[str, Any]] | None:
    try:
        import tomli
    except ImportError:
        return None
    version = tuple(int(x) for x in re.findall(r"\d+", getattr(tomli, "__version__", "0"))[:2])
    if version >= (2, 4) or version < (2, 0):
        return None  # 2.4 reads TOML 1.1; before 2.0 the API differed
    return tomli.loads


_FAST = _fast_parser()
_DECODE_ERRORS: tuple[type[Exception], ...] = ()
"""tomli's errors; tomllib (imported only when it has to answer: issue 17, start-up) is
caught in `_tomllib_loads`."""
if _FAST is not None:
    import tomli

    _DECODE_ERRORS += (tomli.TOMLDecodeError,)

PARSER = f"tomli {tomli.__version__}" if _FAST is not None else "tomllib"
"""Which parser answers (shown by the benchmark and the corpus test)."""


class TomlError(ValueError):
    """Text that is not TOML 1.0 (or nested too deeply): a message and a 1-based place."""

    def __init__(self, message: str, line: int, col: int, *, syntax: bool = True) -> None:
        super().__init__(f"{message} (at line {line}, column {col})")
        self.message, self.line, self.col = message, line, col
        self.syntax = syntax
        """False for a document that is valid TOML but nested too deeply to be read."""


_LOC = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_EOD = re.compile(r"\s*\(at end of document\)\s*$")


def place(text: str, pos: int) -> tuple[int, int]:
    """(line, column) of character offset `pos`, 1-based; lines end at "\\n" only."""
    pos = max(0, min(pos, len(text)))
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _error(exc: Exception, text: str) -> TomlError:
    msg = str(getattr(exc, "msg", "") or exc)
    pos = getattr(exc, "pos", None)
    m = _LOC.search(msg)
    msg = _EOD.sub("", _LOC.sub("", msg))
    if isinstance(pos, int):
        line, col = place(text, pos)
    elif m:
        line, col = int(m.group(1)), int(m.group(2))
    else:  # tomllib of Python 3.11 says only "at end of document"
        line, col = place(text, len(text))
    return TomlError(msg, line, col)


def loads(text: str) -> dict[str, Any]:
    """Parse TOML 1.0 text; raise TomlError with a place on any failure."""
    try:
        if _FAST is not None:
            try:
                data = _FAST(text)
            except RecursionError:
                data = _tomllib_loads(text)  # tomli's limit is 400 levels; tomllib's verdict
        else:
            data = _tomllib_loads(text)
    except _DECODE_ERRORS as exc:
        raise _error(exc, text) from None
    except RecursionError:
        line, col = deep_place(text)
        raise TomlError(TOO_DEEP, line, col, syntax=False) from None
    depth = depth_of(data)
    if depth > MAX_DEPTH:
        line, col = deep_place(text)
        raise TomlError(TOO_DEEP, line, col, syntax=False)
    return data


def _tomllib_loads(text: str) -> dict[str, Any]:
    """`tomllib.loads`, its decode errors as TomlError (RecursionError passes)."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _error(exc, text) from None


def depth_of(value: Any) -> int:
    """Nesting depth of tables and arrays (a scalar is 0, {"a": 1} is 1), without recursion.

    Only containers are stacked (scalars are skipped by a type test), so a typical
    participant file costs a few dozen steps; the walk stops once MAX_DEPTH is passed."""
    if type(value) is not dict and type(value) is not list:
        return 0
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > deepest:
            deepest = d
            if deepest > MAX_DEPTH:
                break
        for x in v.values() if type(v) is dict else v:
            t = type(x)
            if t is dict or t is list:
                stack.append((x, d + 1))
    return deepest


def deep_place(text: str, limit: int = MAX_DEPTH) -> tuple[int, int]:
    """Where brackets and braces of values (or dots of a key) first nest deeper than `limit`.

    Strings and comments are skipped; a header's own brackets count like a value's. The
    result is 1:1 when no such place is found (a caller always has a place to show)."""
    i, n, depth = 0, len(text), 0
    line_dots = 0
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            q3 = c * 3
            if text.startswith(q3, i):
                j = i + 3
                while True:
                    j = text.find(q3, j)
                    if j < 0:
                        return place(text, n)
                    if c == '"' and _escaped(text, j):
                        j += 1
                        continue
                    break
                i = j + 3
                while i < n and text[i] == c:
                    i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if c == '"' and text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "[{":
            depth += 1
            if depth > limit:
                return place(text, i)
        elif c in "]}":
            depth -= 1
        elif c == "\n":
            line_dots = 0
        elif c == ".":
            line_dots += 1
            if line_dots >= limit:
                return place(text, i)
        i += 1
    return (1, 1)


def _escaped(text: str, j: int) -> bool:
    """True when the quote at `j` is escaped by an odd number of backslashes."""
    k = j - 1
    while k >= 0 and text[k] == "\\":
        k -= 1
    return (j - 1 - k) % 2 == 1
