"""The compiled schema check must agree with jsonschema on every value (it only
decides whether jsonschema needs to run; a disagreement would hide a problem).

The quick run (issue 12) sweeps the top-level fields and the contacts' fields; the jobs'
and tasks' fields are `slow`."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipstui.core import storage
from ipstui.core.fastschema import Unsupported, compile_schema
from ipstui.core.resources import CASELOAD_SCHEMA, PARTICIPANT_SCHEMA, SAMPLE_DIR
from ipstui.core.validate import _validator, to_json

SAMPLES = sorted((SAMPLE_DIR / "participants").glob("*.toml"))
FAST = compile_schema(json.loads(PARTICIPANT_SCHEMA.read_text()))
SLOW = _validator(PARTICIPANT_SCHEMA)


def _data(path: Path) -> dict:
    return storage.read_file(path)[0]


def test_sample_files_agree_and_are_valid() -> None:
    for path in SAMPLES:
        inst = to_json(_data(path))
        assert FAST(inst) is True and FAST(_data(path)) is True and SLOW.is_valid(inst), path


def test_caseload_schema_compiles_and_agrees() -> None:
    fast = compile_schema(json.loads(CASELOAD_SCHEMA.read_text()))
    inst = to_json(storage.read_file(SAMPLE_DIR / "caseload.toml")[0])
    assert fast(inst) and _validator(CASELOAD_SCHEMA).is_valid(inst)
    bad = dict(inst, due_soon_days="3")
    assert not fast(bad) and not _validator(CASELOAD_SCHEMA).is_valid(bad)


@pytest.mark.parametrize(
    "schema, value, ok",
    [
        ({"not": {"type": "string", "pattern": "[\\u0000-\\u001F]"}}, "plain", True),
        ({"not": {"type": "string", "pattern": "[\\u0000-\\u001F]"}}, "esc\x1b", False),
        ({"not": {"type": "string", "pattern": "[\\u0000-\\u001F]"}}, 3, True),
        ({"not": {"type": "integer"}}, 3, False),
        ({"maximum": 168}, 168.0, True),
        ({"maximum": 168}, 168.5, False),
        ({"maximum": 168}, float("inf"), False),
    ],
)
def test_not_and_maximum_agree_with_jsonschema(schema: dict, value: object, ok: bool) -> None:
    from jsonschema import Draft202012Validator

    assert compile_schema(schema)(value) is ok
    assert Draft202012Validator(schema).is_valid(value) is ok


def test_unknown_keyword_refuses_to_compile() -> None:
    try:
        compile_schema({"type": "object", "unevaluatedProperties": False})
    except Unsupported:
        return
    raise AssertionError("an unknown keyword must not be ignored")


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        [
            "",
            "x",
            "anna",
            "P-0001",
            "job_search",
            "closed",
            "phone",
            "yes",
            "maybe",
            "x_y",
            "2026-11-20",
            "2026-02-30",
            "2026-11-20T10:00:00",
            "../x",
            "Anna",
            "N\x1b]0;x\x07",
            "two\nlines",
            "tab\there",
            "del\x7f",
            "c1\x9b",
            "bidi\u202e",
            "9999-12-31",
            "1899-12-31",
            "2199-12-31",
        ]
    ),
    st.floats(0, 200),
    st.dates(date(1890, 1, 1), date(2210, 1, 1)),
    st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["on", "kind", "x_a", "due", "what", "zz"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    [
        "id",
        "name",
        "phase",
        "phase_since",
        "specialist",
        "disclosure",
        "goals",
        "notes",
        "referred_on",
        "refered_on",
        "x_team",
        "suspension",
        "closure",
        "conflicts",
        "contacts",
        "jobs",
        "tasks",
        "schema",
    ]
)


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, prefix + (i,))
    return out


MUTATIONS = {
    "sample": st.sampled_from(SAMPLES),
    "edits": st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(["set", "delete", "add"]), KEYS, VALUES),
        min_size=1,
        max_size=3,
    ),
}
"""A sample participant and one to three random edits of it (`_mutated_participant_agrees`)."""
SEARCH = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(SEARCH, max_examples=100)
@given(**MUTATIONS)
def test_mutated_participants_agree(sample: Path, edits: list) -> None:
    _mutated_participant_agrees(sample, edits)


@pytest.mark.slow  # the same search, four times as long (.ci/run: -m slow)
@settings(SEARCH, max_examples=400)
@given(**MUTATIONS)
def test_mutated_participants_agree_long(sample: Path, edits: list) -> None:
    _mutated_participant_agrees(sample, edits)


def _mutated_participant_agrees(sample: Path, edits: list) -> None:
    """`sample` after `edits` is judged alike by the compiled and the library validator."""
    data = copy.deepcopy(_data(sample))
    for pick, op, key, value in edits:
        if op == "top":  # a top-level field, where most rules live
            data[key] = value
            continue
        if op == "entry":  # a field of a contact, job or task
            lists = [
                x
                for k in ("contacts", "jobs", "tasks")
                for x in data.get(k) or ()
                if isinstance(x, dict)
            ]
            if lists:
                entry = lists[pick % len(lists)]
                field = sorted(entry)[pick % len(entry)] if entry and pick % 3 else key
                entry[field] = value
            continue
        paths = [p for p in _paths(data) if p]
        target = paths[pick % len(paths)] if paths else ()
        parent = data
        for step in target[:-1]:
            parent = parent[step]
        last = target[-1] if target else key
        if op == "delete" and isinstance(parent, dict) and last in parent:
            del parent[last]
        elif op == "add" and isinstance(parent, dict):
            parent[key] = value
        elif isinstance(parent, dict | list):
            parent[last] = value
    inst = to_json(data)
    # The TOML data as parsed (dates as dates) is judged as its JSON form is.
    assert FAST(data) == FAST(inst) == SLOW.is_valid(inst)


GRID_VALUES = [
    None,
    True,
    0,
    -1,
    2.5,
    "",
    "x",
    "maybe",
    "dance",
    "2026-11-20",
    "2026-02-30",
    "2026-11-20T10:00:00",
    "../x",
    "ANNA",
    date(2026, 11, 20),
    datetime(2026, 11, 20, 10, 0),
    datetime(2026, 11, 20, 10, 0, tzinfo=timezone(timedelta(hours=1))),
    time(10, 30),
    [date(2026, 11, 20)],
    [],
    ["a"],
    [1],
    {},
    {"x_a": 1},
    {"zz": 1},
]


@pytest.mark.parametrize(
    "part",
    [
        # The quick run (issue 12): the top-level fields and one list's entries (the path
        # into a list entry); the other two lists' entries are `slow`.
        "top",
        "contacts",
        pytest.param("jobs", marks=pytest.mark.slow),
        pytest.param("tasks", marks=pytest.mark.slow),
    ],
)
def test_every_field_with_every_kind_of_value_agrees(part: str) -> None:
    """A deterministic grid: each top-level and entry field set to each kind of value
    (`part`: the top-level fields, or the entries of one list)."""
    schema = json.loads(PARTICIPANT_SCHEMA.read_text())
    base = _data(SAMPLE_DIR / "participants" / "P-0020.toml")
    checked = 0
    if part == "top":
        for key in list(schema["properties"]) + ["refered_on", "x_team"]:
            for value in GRID_VALUES:
                data = copy.deepcopy(base)
                data[key] = value
                inst = to_json(data)
                assert FAST(data) == FAST(inst) == SLOW.is_valid(inst), (key, value)
                checked += 1
        assert checked > 500
        return
    lst = part
    samples = [_data(p) for p in SAMPLES]
    entries = [e for d in samples for e in (d.get(lst) or [])][:1]
    for field in {k for d in samples for e in (d.get(lst) or []) for k in e} | {"zz", "x_a"}:
        for value in GRID_VALUES:
            data = copy.deepcopy(base)
            entry = dict(entries[0])
            entry[field] = value
            data[lst] = [entry]
            inst = to_json(data)
            assert FAST(data) == FAST(inst) == SLOW.is_valid(inst), (lst, field, value)
            checked += 1
    assert checked > 50
