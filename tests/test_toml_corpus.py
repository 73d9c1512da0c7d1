"""TOML 1.0 exactly (SPEC §2): on every file of the official conformance corpus,
toml-test's `tests/files-toml-1.0.0` list (kept in tests/data/toml-test with its
licence), ipstui's reader gives tomllib's verdict and tomllib's values, types included,
and both agree with the corpus: valid files parse to the values of their .json, invalid
files are refused. A UTF-8 byte order mark is the one deliberate difference from
tomllib (SPEC §2 accepts it, as the corpus does)."""

from __future__ import annotations

import json
import math
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from ipstui.core import storage, toml10

CORPUS = Path(__file__).parent / "data" / "toml-test"
LISTED = [
    line for line in (CORPUS / "files-toml-1.0.0").read_text().split("\n") if line.endswith(".toml")
]
VALID = [f for f in LISTED if f.startswith("valid/")]
INVALID = [f for f in LISTED if f.startswith("invalid/")]


def test_the_corpus_is_complete() -> None:
    assert len(VALID) == 210 and len(INVALID) == 499
    missing = [f for f in LISTED if not (CORPUS / f).is_file()]
    assert missing == []
    assert (CORPUS / "LICENSE").read_text().startswith("The MIT License")


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types (1 != 1.0 != True), nan equal to nan, same tzinfo."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b) and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, datetime | time):
        return a == b and a.utcoffset() == b.utcoffset() if a.tzinfo else a == b and not b.tzinfo
    return a == b


def _tagged(v: Any) -> Any:
    """A parsed value in toml-test's JSON encoding ({"type": ..., "value": ...})."""
    if isinstance(v, dict):
        return {k: _tagged(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_tagged(x) for x in v]
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("integer", v)
    if isinstance(v, float):
        return ("float", "nan" if math.isnan(v) else v)
    if isinstance(v, str):
        return ("string", v)
    if isinstance(v, datetime):
        return ("datetime" if v.tzinfo else "datetime-local", v)
    if isinstance(v, date):
        return ("date-local", v)
    if isinstance(v, time):
        return ("time-local", v)
    raise TypeError(type(v))


def _expected(v: Any) -> Any:
    """The corpus's JSON decoded into the same shape as `_tagged`."""
    if isinstance(v, list):
        return [_expected(x) for x in v]
    if isinstance(v, dict) and set(v) == {"type", "value"} and isinstance(v["value"], str):
        t, s = v["type"], v["value"]
        if t == "bool":
            return (t, s == "true")
        if t == "integer":
            return (t, int(s))
        if t == "float":
            f = float(s.replace("_", ""))
            return (t, "nan" if math.isnan(f) else f)
        if t == "string":
            return (t, s)
        s = s.replace(" ", "T").replace("t", "T").replace("z", "Z").replace("Z", "+00:00")
        if t in ("datetime", "datetime-local"):
            return (t, datetime.fromisoformat(s))
        if t == "date-local":
            return (t, date.fromisoformat(s))
        return (t, time.fromisoformat(s))
    return {k: _expected(x) for k, x in v.items()}


def _tomllib(raw: bytes) -> dict[str, Any] | None:
    """tomllib's verdict: the values, or None when it refuses the bytes."""
    try:
        return tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


@pytest.mark.parametrize("rel", VALID)
def test_valid_file_reads_as_tomllib_and_the_corpus_say(rel: str) -> None:
    raw = (CORPUS / rel).read_bytes()
    want = _tomllib(raw)
    assert want is not None, "tomllib refuses a valid file"
    got = storage.loads_bytes(raw, rel) if want else toml10.loads(raw.decode())
    assert _same(got, want)
    expected = json.loads((CORPUS / rel).with_suffix(".json").read_text(encoding="utf-8"))
    assert _tagged(got) == _expected(expected)


@pytest.mark.parametrize("rel", INVALID)
def test_invalid_file_is_refused_with_a_place(rel: str) -> None:
    raw = (CORPUS / rel).read_bytes()
    assert _tomllib(raw) is None, "tomllib accepts an invalid file"
    with pytest.raises(storage.ParseError) as exc:
        storage.loads_bytes(raw, rel)
    err = exc.value
    lines = raw.split(b"\n")
    assert 1 <= err.line <= len(lines)
    assert 1 <= err.col <= len(lines[err.line - 1].decode("utf-8", "replace")) + 1


def test_the_parser_in_use_is_toml_1_0() -> None:
    """The fast parser is a TOML 1.0 release of tomli (2.4 and later read TOML 1.1)."""
    assert toml10.PARSER == "tomllib" or toml10.PARSER.startswith("tomli 2.")
    if toml10.PARSER != "tomllib":
        major, minor = (int(x) for x in toml10.PARSER.split()[1].split(".")[:2])
        assert (major, minor) < (2, 4)
