"""A clear is a change (SPEC §6): a field removed on one side and changed on the other is
a disagreement, kept as ours in the file with theirs under `[conflicts]` (`{}` for the
side that has no value), then settled with `ipstui resolve` (trial 7, item 4)."""

from __future__ import annotations

import copy
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import participant

from ipstui.cli import main
from ipstui.core import storage
from ipstui.core.merge import merge_texts
from ipstui.core.validate import errors_only, participant_content_problems

D = date
GONE = object()
"""The field removed (cleared) on that side."""

BASE = participant()
# One field of each kind, with its base value and a different value a side sets.
FIELDS = {
    "date": ("enrolled_on", D(2026, 9, 10), D(2026, 9, 15)),
    "string": ("referral_source", "CSM", "Self"),
    "enum": ("disclosure", "undecided", "yes"),
}


def side(field: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    if value is GONE:
        del out[field]
    else:
        out[field] = value
    return out


def merged(ours: dict, theirs: dict) -> dict:
    raw = merge_texts(
        storage.dumps(BASE).encode(), storage.dumps(ours).encode(), storage.dumps(theirs).encode(),
        "abc1234",
    )  # fmt: skip
    return storage.loads_bytes(raw)


def valid(data: dict) -> bool:
    problems = participant_content_problems(data, "participants/P-0001.toml", storage.dumps(data))
    return not errors_only(problems)


# (case, ours, theirs, the field after the merge, the record or None); "base"/"new"
# stand for the field's base value and the other value.
CASES = [
    (
        "cleared here, changed there",
        GONE,
        "new",
        GONE,
        {"ours": {}, "theirs": "new", "base": "base"},
    ),
    (
        "changed here, cleared there",
        "new",
        GONE,
        "new",
        {"ours": "new", "theirs": {}, "base": "base"},
    ),
    ("cleared on both sides", GONE, GONE, GONE, None),
    ("cleared here, unchanged there", GONE, "base", GONE, None),
    ("unchanged here, cleared there", "base", GONE, GONE, None),
    ("changed here, unchanged there", "new", "base", "new", None),
]


def _value(token: Any, base: Any, new: Any) -> Any:
    return {"base": base, "new": new}.get(token, token) if isinstance(token, str) else token


@pytest.mark.parametrize("kind", list(FIELDS))
@pytest.mark.parametrize(
    ("case", "ours", "theirs", "want", "record"), CASES, ids=[c[0] for c in CASES]
)
def test_a_clear_meeting_a_change_is_recorded(
    kind: str, case: str, ours: Any, theirs: Any, want: Any, record: dict | None
) -> None:
    field, base, new = FIELDS[kind]
    out = merged(side(field, _value(ours, base, new)), side(field, _value(theirs, base, new)))
    want = _value(want, base, new)
    if want is GONE:
        assert field not in out
    else:
        assert out[field] == want
    got = out.get("conflicts", {}).get(field)
    if record is None:
        assert got is None
    else:
        assert got == {k: _value(v, base, new) for k, v in record.items()} | {
            "theirs_commit": "abc1234"
        }
    assert valid(out)


# ------------------------------------------------------------ through git and resolve


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def cli(root: Path, *args: str) -> int:
    return main(["-C", str(root), "--today", "2026-11-30", *args])


def enrolled(root: Path) -> tuple[str | None, dict]:
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    value = data.get("enrolled_on")
    return (None if value is None else str(value)), data


@pytest.mark.parametrize(
    ("merged_in", "field_after", "theirs"),
    [("the cleared branch", "2026-11-05", None), ("the changed branch", None, "2026-11-05")],
)
def test_git_merge_of_a_clear_needs_a_decision(
    caseload_dir: Path,
    capsys: pytest.CaptureFixture[str],
    merged_in: str,
    field_after: str | None,
    theirs: str | None,
) -> None:
    """The trial's steps: enrolled_on set, cleared on one branch, changed on the other;
    either merge direction keeps ours, records theirs, warns, and `--theirs` takes it."""
    root = caseload_dir
    storage.atomic_write(root / "participants" / "P-0001.toml", storage.dumps(BASE))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "P-0001: new participant")
    assert cli(root, "set", "P-0001", "enrolled_on=2026-11-01") == 0
    first = git(root, "branch", "--show-current").strip()
    git(root, "checkout", "-q", "-b", "o2")
    assert cli(root, "set", "P-0001", "enrolled_on=") == 0
    git(root, "checkout", "-q", first)
    assert cli(root, "set", "P-0001", "enrolled_on=2026-11-05") == 0
    if merged_in == "the changed branch":
        git(root, "checkout", "-q", "o2")
        git(root, "merge", "-q", "--no-edit", first)
    else:
        git(root, "merge", "-q", "--no-edit", "o2")
    value, data = enrolled(root)
    assert value == field_after
    rec = data["conflicts"]["enrolled_on"]
    assert (None if rec["theirs"] == {} else str(rec["theirs"])) == theirs
    assert str(rec["base"]) == "2026-11-01"
    capsys.readouterr()
    cli(root, "validate")
    assert "needs a decision" in "".join(capsys.readouterr())
    assert cli(root, "resolve", "P-0001", "enrolled_on", "--theirs") == 0
    value, data = enrolled(root)
    assert value == theirs and "conflicts" not in data
