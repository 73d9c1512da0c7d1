"""`ipstui resolve ID FIELD (--ours | --theirs | --value V)` and `ipstui set` of a
conflicted field (SPEC §6, §7): an ordinary edit, one commit, the record gone."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_count, git

from ipstui.cli import main
from ipstui.core import storage

D = date
CONFLICTS = {
    "disclosure": {"ours": "no", "theirs": "yes", "base": "undecided", "theirs_commit": "abc1234"},
    "enrolled_on": {"ours": D(2026, 9, 10), "theirs": D(2026, 9, 12), "theirs_commit": "abc1234"},
}


def record(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "id": "P-0001",
        "name": "Giulia R.",
        "specialist": "anna",
        "phase": "job_search",
        "phase_since": D(2026, 10, 2),
        "referral_source": "CSM",
        "referred_on": D(2026, 9, 1),
        "enrolled_on": D(2026, 9, 10),
        "disclosure": "no",
        "notes": "",
        "conflicts": {k: dict(v) for k, v in CONFLICTS.items()},
    }
    data.update(fields)
    return data


@pytest.fixture
def cl(caseload_dir: Path) -> Path:
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(record()))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    return caseload_dir


def ipstui(root: Path, *args: str) -> int:
    return main(["-C", str(root), "--today", "2026-11-16", *args])


def current(root: Path) -> dict[str, Any]:
    return storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())


def last_message(root: Path) -> str:
    return git(root, "log", "-1", "--format=%B")


@pytest.mark.parametrize(
    ("args", "field", "want"),
    [
        (["--ours"], "disclosure", "no"),
        (["--theirs"], "disclosure", "yes"),
        (["--value", "undecided"], "disclosure", "undecided"),
        (["--ours"], "enrolled_on", D(2026, 9, 10)),
        (["--theirs"], "enrolled_on", D(2026, 9, 12)),
        (["--value", "2026-09-11"], "enrolled_on", D(2026, 9, 11)),  # typed: a date
    ],
)
def test_resolve_settles_one_field_in_one_commit(
    cl: Path, args: list[str], field: str, want: Any
) -> None:
    before = commit_count(cl)
    assert ipstui(cl, "resolve", "P-0001", field, *args) == 0
    assert commit_count(cl) == before + 1
    data = current(cl)
    assert data[field] == want and type(data[field]) is type(want)
    other = next(f for f in CONFLICTS if f != field)
    assert list(data["conflicts"]) == [other]  # the other decision is still open
    msg = last_message(cl)
    assert msg.startswith(f"P-0001: resolve {field}")
    assert "Participant: P-0001" in msg and "conflicts" in msg
    assert git(cl, "status", "--porcelain") == ""


def test_resolving_the_last_record_removes_the_table_and_the_warning(
    cl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ipstui(cl, "resolve", "P-0001", "disclosure", "--theirs") == 0
    assert ipstui(cl, "validate") == 0
    assert "needs a decision: Enrolled on (enrolled_on)" in capsys.readouterr().out
    assert ipstui(cl, "resolve", "P-0001", "enrolled_on", "--ours") == 0
    assert "conflicts" not in current(cl)
    assert "[conflicts" not in (cl / "participants" / "P-0001.toml").read_text()
    assert ipstui(cl, "validate") == 0
    assert "needs a decision" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("assignments", "left"),
    [
        (["disclosure=yes"], ["enrolled_on"]),  # setting a conflicted field decides it
        (["enrolled_on=2026-09-15", "disclosure=no"], []),
        (["notes=called twice"], ["disclosure", "enrolled_on"]),  # another field: no decision
    ],
)
def test_set_of_a_conflicted_field_settles_its_record(
    cl: Path, assignments: list[str], left: list[str]
) -> None:
    assert ipstui(cl, "set", "P-0001", *assignments) == 0
    assert list(current(cl).get("conflicts", {})) == left


def test_phase_closure_group_is_settled_together(caseload_dir: Path) -> None:
    closure = {"on": D(2026, 11, 1), "reason": "moved"}
    data = record(
        conflicts={
            "phase": {"ours": "job_search", "theirs": "closed"},
            "phase_since": {"ours": D(2026, 10, 2), "theirs": D(2026, 11, 1)},
            "closure": {"ours": {}, "theirs": closure},
        }
    )
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(data))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    assert ipstui(caseload_dir, "resolve", "P-0001", "phase", "--theirs") == 0
    out = current(caseload_dir)
    assert (out["phase"], out["phase_since"], out["closure"]) == ("closed", D(2026, 11, 1), closure)
    assert "conflicts" not in out


def test_table_settled_as_no_table(caseload_dir: Path) -> None:
    susp = {"since": D(2026, 11, 1), "reason": "request"}
    data = record(suspension=susp, conflicts={"suspension": {"ours": susp, "theirs": {}}})
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(data))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    assert ipstui(caseload_dir, "resolve", "P-0001", "suspension", "--value", "x") == 1
    assert ipstui(caseload_dir, "resolve", "P-0001", "suspension", "--theirs") == 0
    out = current(caseload_dir)
    assert "suspension" not in out and "conflicts" not in out


@pytest.mark.parametrize(
    ("args", "code", "err"),
    [
        (
            ["P-0001", "notes", "--ours"],
            1,
            "P-0001 has no conflict on 'notes' to settle; fields "
            "that need a decision: disclosure, enrolled_on",
        ),
        (["P-0009", "disclosure", "--ours"], 1, "no participant with id 'P-0009'"),
        (["P-0001", "enrolled_on", "--value", "2026-13-01"], 1, "is not a date"),
        (["P-0001", "disclosure", "--value", "maybe"], 1, "nothing was written"),
        (["P-0001", "disclosure"], 2, "one of the arguments --ours --theirs --value is required"),
        (["P-0001", "disclosure", "--ours", "--theirs"], 2, "not allowed with argument"),
    ],
)
def test_refusals_write_nothing(
    cl: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, err: str
) -> None:
    before = commit_count(cl)
    raw = (cl / "participants" / "P-0001.toml").read_bytes()
    with pytest.raises(SystemExit) if code == 2 else _nothing() as exc:
        got = ipstui(cl, "resolve", *args)
    if code == 2:
        got = exc.value.code
    assert got == code
    assert err in capsys.readouterr().err
    assert commit_count(cl) == before
    assert (cl / "participants" / "P-0001.toml").read_bytes() == raw


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_resolve_runs_headless(cl: Path) -> None:
    import sys

    code = (
        "import sys; from ipstui.cli import main; "
        f"r = main(['-C', {str(cl)!r}, 'resolve', 'P-0001', 'disclosure', '--ours']); "
        "sys.exit(r if 'textual' not in sys.modules else 99)"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_move_decides_the_phase_group(caseload_dir: Path) -> None:
    data = record(
        conflicts={
            "phase": {"ours": "job_search", "theirs": "plan"},
            "phase_since": {"ours": D(2026, 10, 2), "theirs": D(2026, 10, 5)},
            "disclosure": {"ours": "no", "theirs": "yes"},
        }
    )
    storage.atomic_write(caseload_dir / "participants" / "P-0001.toml", storage.dumps(data))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001: after a sync")
    assert ipstui(caseload_dir, "move", "P-0001", "follow_up") == 0
    out = current(caseload_dir)
    assert (out["phase"], out["phase_since"]) == ("follow_up", D(2026, 11, 16))
    assert list(out["conflicts"]) == ["disclosure"]
