"""One notion of "the same TOML value", shared by the merge driver (`core/merge.py`: did
a side change a field?) and the line patcher (`core/textpatch.py`: does this line need
rewriting, and did the patched text come out right?).

Two parsed values are the same when they would be written the same way in TOML: equal
values of equal types all the way down. So `1`, `1.0` and `true` differ, a date is not a
datetime, tables compare regardless of key order (any Mapping), arrays element by element
(a list or a tuple), and `nan` is the same as `nan` (TOML writes both as `nan`; Python's
`nan != nan` would make a file that holds one look changed on every merge).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

SCALARS = frozenset({str, int, float, bool, date, datetime, time})
"""Types of TOML scalar values (compared by type and value)."""

_NAN = ("nan",)


def same(a: Any, b: Any) -> bool:
    """True when `a` and `b` are the same TOML value (module docstring)."""
    t = type(a)
    if t in SCALARS:
        if t is not type(b):
            return False
        if t is float and a != a:
            return b != b
        return bool(a == b)
    if t is dict or isinstance(a, Mapping):
        return isinstance(b, Mapping) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return isinstance(b, list | tuple) and len(a) == len(b) and all(map(same, a, b))
    return type(b) is t and bool(a == b)


def freeze(v: Any) -> Any:
    """A hashable stand-in for a parsed TOML value such that `freeze(a) == freeze(b)`
    exactly when `same(a, b)`: types are part of it, tables compare regardless of key
    order, and every `nan` freezes alike."""
    t = type(v)
    if t in SCALARS:
        if t is float and math.isnan(v):
            return (float, _NAN)
        return (t, v)
    if t is dict or isinstance(v, Mapping):
        # Scalars inline (a merge freezes every entry of lists of thousands).
        return frozenset(
            [
                (k, type(x), x) if type(x) in SCALARS and x == x else (k, None, freeze(x))
                for k, x in v.items()
            ]
        )
    if t is list or isinstance(v, tuple):
        return tuple(map(freeze, v))
    return (t, v)
