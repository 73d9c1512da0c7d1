"""Every problem at the key's own line and column (SPEC §2), whatever way the key is
written: dotted keys, dotted headers, quoted keys with escapes, inline tables, arrays,
entries of arrays of tables, multi-line strings that look like structure."""

from __future__ import annotations

import tomllib

import pytest

from ipstui.core.locate import Locator

TEXT = '''\
schema = 1
"na\\u006De2" = "x"
'quoted.dot' = 2
many.dots.x = 1
  closure . "on" = 2026-01-01
x = { a.b = 1, c = [1, [2, 3]] }
d = 1979-05-27 07:32:00Z
notes = """a "" \\""" [
b = 1
[fake]"""""
lit = \'\'\'[x]\'\'\' # [comment]
[[jobs]]
employer = "a"

[[jobs]]
end = 2026-01-01
[jobs.sub]
q = 1
[conflict."disclo\\u0073ure"]
ours = 'x'
[[jobs.sub2]]
z = 1
'''

PLACES = [
    (("schema",), (1, 1)),
    (("name2",), (2, 1)),
    (("quoted.dot",), (3, 1)),
    (("many",), (4, 1)),
    (("many", "dots"), (4, 6)),
    (("many", "dots", "x"), (4, 11)),
    (("closure",), (5, 3)),
    (("closure", "on"), (5, 13)),
    (("x", "a"), (6, 7)),
    (("x", "a", "b"), (6, 9)),
    (("x", "c", 1, 1), (6, 28)),
    (("d",), (7, 1)),
    (("notes",), (8, 1)),
    (("lit",), (11, 1)),
    (("jobs",), (12, 3)),
    (("jobs", 0), (12, 1)),
    (("jobs", 0, "employer"), (13, 1)),
    (("jobs", 1), (15, 1)),
    (("jobs", 1, "end"), (16, 1)),
    (("jobs", 1, "sub"), (17, 7)),
    (("jobs", 1, "sub", "q"), (18, 1)),
    (("conflict",), (19, 2)),
    (("conflict", "disclosure"), (19, 11)),
    (("conflict", "disclosure", "ours"), (20, 1)),
    (("jobs", 1, "sub2", 0, "z"), (22, 1)),
    # Not written anywhere: the nearest enclosing key that is.
    (("jobs", 1, "sub", "missing"), (17, 7)),
    (("nowhere",), (1, 1)),
]


def test_the_text_is_valid_toml() -> None:
    data = tomllib.loads(TEXT)
    assert data["name2"] == "x" and data["conflict"]["disclosure"]["ours"] == "x"
    assert data["notes"] == 'a "" """ [\nb = 1\n[fake]""' and "b" not in data and "fake" not in data


@pytest.mark.parametrize("path, place", PLACES, ids=[".".join(map(str, p)) for p, _ in PLACES])
def test_every_key_has_its_own_place(path: tuple, place: tuple[int, int]) -> None:
    assert Locator(TEXT).find(path) == place


def test_a_byte_order_mark_does_not_shift_columns() -> None:
    assert Locator("\ufeffa.b = 1\n").find(("a", "b")) == (1, 3)


def test_crlf_lines() -> None:
    loc = Locator("a = 1\r\n[t]\r\n  b.c = 2\r\n")
    assert loc.find(("t", "b", "c")) == (3, 5)


@pytest.mark.parametrize("text", ["a = ", "[t", 'a = "x', "a = [1,", "= 1", "[[", "a.\n"])
def test_broken_text_never_raises(text: str) -> None:
    assert Locator(text).find(("a", "b")) in ((1, 1),)
