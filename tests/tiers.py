"""The quick run and the slow run of one parametrised table (issue 12).

The README's test command runs the quick run (`-m 'not slow'`, pyproject.toml); .ci/run
runs it and then `pytest -m slow`. A sweep over languages, terminal sizes or screens that
keeps cases in the quick run keeps those most likely to break (the smallest terminal, the
language with the longest words, English) and runs the rest under `-m slow` (a sweep of
whole-app walks may run wholly slow: its test says so): every case keeps its id, so `-k`
and `-m slow` still name each one, and nothing leaves CI."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from _pytest.mark import ParameterSet


def slow_except(cases: Iterable[Any], keep: Callable[..., bool]) -> list[ParameterSet]:
    """`cases` as `pytest.param`s, each one `keep` refuses marked `slow`.

    A case is a tuple of argument values (or a single value, or a `pytest.param` whose
    marks and id are kept); `keep` is called with the case's values spread out, as the
    test receives them: `keep(lang, size, where)` for a case `(lang, size, where)`."""
    out = []
    for case in cases:
        if isinstance(case, ParameterSet):
            values, marks, ident = case.values, tuple(case.marks), case.id
        else:
            values = case if isinstance(case, tuple) else (case,)
            marks, ident = (), None
        if not keep(*values):
            marks = (*marks, pytest.mark.slow)
        out.append(pytest.param(*values, marks=marks, id=ident))
    return out
