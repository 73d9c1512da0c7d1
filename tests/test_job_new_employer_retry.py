"""The job form's "add it to the register": a job refused after its employer was added
can be saved again without a second employer (or a refusal as a duplicate).

`add_job_at_new_employer` makes two commits; the register's stays when the job is
refused (here: the participant's file has an uncommitted hand edit)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui.core.folder import CaseloadError
from ipstui.core.service import CaseloadService

PID = "P-0001"
REL = f"participants/{PID}.toml"
PERSON = """\
schema = 1
id = "P-0001"
name = "Valid Person"
specialist = "anna"
phase = "job_search"
phase_since = 2026-11-01
referral_source = "CSM"
referred_on = 2026-10-01
notes = ""
"""


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    (caseload_dir / REL).write_text(PERSON)
    git(caseload_dir, "add", REL)
    git(caseload_dir, "commit", "-qm", f"{PID}: new participant")
    return caseload_dir


@pytest.mark.parametrize(
    "retyped", ["Bar Roma", "  bar roma ", "BAR ROMA"], ids=["same", "spaces", "case"]
)
def test_a_retry_uses_the_employer_the_refused_save_added(root: Path, retyped: str) -> None:
    svc = CaseloadService(root)
    (root / REL).write_text(PERSON + "# a hand edit, not committed\n")
    with pytest.raises(CaseloadError):
        svc.add_job_at_new_employer(
            None, PID, employer="Bar Roma", start=date(2026, 11, 10), title="Waiter"
        )
    register = svc.employers(svc.load())
    assert [e.name for e in register.employers.values()] == ["Bar Roma"]
    git(root, "checkout", "--", REL)
    before = commit_count(root)

    svc.add_job_at_new_employer(
        None, PID, employer=retyped, start=date(2026, 11, 10), title="Waiter"
    )

    register = svc.employers(svc.load())
    assert [e.name for e in register.employers.values()] == ["Bar Roma"]
    (eid,) = register.employers
    job = svc.load().participants[PID].data["jobs"][0]
    assert job["employer_id"] == eid
    assert commit_count(root) == before + 1  # the job only: no second register commit
