"""A job at a new employer (the job form's "add it to the register") reads the employer
register once: under the save lock, where the name is looked up and the employer added,
not once before the lock to look and once more inside it to check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, commit_count, git

from ipstui.core import employers
from ipstui.core.service import CaseloadService

PID = "P-0001"


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    (caseload_dir / "participants" / f"{PID}.toml").write_text(VALID_PARTICIPANT.format(pid=PID))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", f"{PID}: new participant")
    return caseload_dir


# (the register before, the employer typed in the job form, commits made, register after)
CASES = [
    ([], "Bar Roma", 2, ["Bar Roma"]),  # added, then the job
    (["Bar Roma"], " bar ROMA ", 1, ["Bar Roma"]),  # already there: the job only
    (["Coop"], "Bar Roma", 2, ["Bar Roma", "Coop"]),
]


@pytest.mark.parametrize(("before", "typed", "commits", "after"), CASES)
def test_a_job_at_a_new_employer_reads_the_register_once(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    before: list[str],
    typed: str,
    commits: int,
    after: list[str],
) -> None:
    svc = CaseloadService(root)
    for name in before:
        svc.new_employer(name=name)
    start = commit_count(root)
    reads: list[Path] = []
    real = employers.load

    def load(root: Path, *args, **kwargs):  # the real register, each read counted
        reads.append(root)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(employers, "load", load)

    svc.add_job_at_new_employer(None, PID, employer=typed, start=date(2026, 11, 10))

    assert len(reads) == 1
    monkeypatch.undo()
    register = svc.employers(svc.load())
    assert sorted(e.name for e in register.employers.values()) == after
    job = svc.load().participants[PID].data["jobs"][0]
    assert register.employers[job["employer_id"]].name == "Bar Roma"
    assert commit_count(root) == start + commits
