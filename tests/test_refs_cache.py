"""The employer register's job lists from what the load cache keeps, not the files.

The fault: opening Employers at 20,000 participants read and parsed every participant
file (`service.employer_jobs` walked `p.data`), ~9 s in its worker. The loader now keeps
each record's references with its summary (`refs.refs_row`: the jobs' employers, the
employer ids named, the latest event date), and the job lists are made from them.

Each case: participant files with odd jobs; the job lists from the cache must equal the
ones made from the records (`employers.jobs_by_employer`, the rule as it was), and be
made with the participant files gone (so none was read)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui.core.employers import JobAt, jobs_by_employer
from ipstui.core.refs import refs_row
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)

EMPLOYERS = {
    "E-0001": "Coop Adriatica",
    "E-0002": "Verde Vivo",
}

JOBS: dict[str, tuple[str, list[tuple[str, str, int, date, date | None]]]] = {
    "by id": (
        'employer = "Somewhere"\nemployer_id = "E-0002"\ntitle = "Gardener"\nstart = 2026-03-01\n',
        [("E-0002", "Gardener", 0, date(2026, 3, 1), None)],
    ),
    "by name, case and spaces": (
        'employer = "  coop ADRIATICA "\ntitle = "Stocker"\nstart = 2026-01-05\nend = 2026-02-01\n',
        [("E-0001", "Stocker", 0, date(2026, 1, 5), date(2026, 2, 1))],
    ),
    "unknown name": ('employer = "Nowhere"\ntitle = "X"\nstart = 2026-04-01\n', []),
    "no title": (
        'employer = "Verde Vivo"\nstart = 2026-05-01\n',
        [("E-0002", "", 0, date(2026, 5, 1), None)],
    ),
    "id not in the register": (
        'employer = "Verde Vivo"\nemployer_id = "E-0099"\ntitle = "Y"\nstart = 2026-05-02\n',
        [("E-0099", "Y", 0, date(2026, 5, 2), None)],
    ),
}
"""Case -> (one [[jobs]] entry's keys, the (employer, title, index, start, end) expected)."""


def _file(pid: str, job: str) -> str:
    return VALID_PARTICIPANT.format(pid=pid) + "\n[[jobs]]\ncompetitive = true\n" + job


@pytest.fixture
def caseload(caseload_dir: Path) -> Path:
    (caseload_dir / "employers").mkdir()
    for eid, name in EMPLOYERS.items():
        (caseload_dir / "employers" / f"{eid}.toml").write_text(
            f'schema = 1\nid = "{eid}"\nname = "{name}"\nnotes = ""\n'
        )
    for i, (job, _want) in enumerate(JOBS.values(), start=1):
        (caseload_dir / "participants" / f"P-{i:04d}.toml").write_text(_file(f"P-{i:04d}", job))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "odd jobs")
    return caseload_dir


def _flat(jobs: dict[str, list[JobAt]]) -> set[tuple]:
    return {(eid, j.participant, j.title, j.index, j.start, j.end) for eid, held in jobs.items() for j in held}


def test_job_lists_from_the_cache_equal_the_records(caseload: Path) -> None:
    svc = CaseloadService(caseload)
    svc.load()  # makes the cache
    cl = svc.load()
    reg = svc.employers(cl)
    from_records = jobs_by_employer(reg, [p.data for p in svc.load().participants.values()])
    want = {
        (eid, f"P-{i:04d}", title, index, start, end)
        for i, (_job, rows) in enumerate(JOBS.values(), start=1)
        for eid, title, index, start, end in rows
    }
    assert _flat(from_records) == want
    shutil.move(caseload / "participants", caseload.parent / "gone")  # no file to read
    assert _flat(svc.employer_jobs(reg, cl)) == want


def test_an_edited_participant_counts_with_its_new_jobs(caseload: Path) -> None:
    """A participant held in full after a save is read from its record, not the cache."""
    svc = CaseloadService(caseload)
    cl = svc.load()
    reg = svc.employers(cl)
    res = svc.add_job(
        cl, "P-0004", employer="Coop Adriatica", start=date(2026, 6, 1), competitive=True,
        title="Cashier",
    )
    cl = cl.with_participant(res.participant, res.problems)
    jobs = svc.employer_jobs(reg, cl)
    assert ("E-0001", "P-0004", "Cashier", 1, date(2026, 6, 1), None) in _flat(jobs)


REFS = {
    "nothing": ("", ((), (), date(2026, 11, 1).toordinal())),
    "contact names an employer": (
        '\n[[contacts]]\non = 2026-11-03\nkind = "employer"\nby = "anna"\nnote = ""\n'
        'employer_id = "E-0007"\n',
        ((), (("contacts", 0, "E-0007"),), date(2026, 11, 3).toordinal()),
    ),
    "future task done date is the latest event": (
        '\n[[tasks]]\ndue = 2026-11-20\nwhat = "call"\ndone_on = 2027-01-02\n',
        ((), (), date(2027, 1, 2).toordinal()),
    ),
    "a job's dates are no event": (
        '\n[[jobs]]\nemployer = "A"\ntitle = "B"\nstart = 2027-02-01\ncompetitive = true\n',
        (((0, None, "A", "B", date(2027, 2, 1).toordinal(), None),), (), date(2026, 11, 1).toordinal()),
    ),
}


@pytest.mark.parametrize("case", REFS)
def test_refs_row(case: str) -> None:
    import tomllib

    extra, want = REFS[case]
    assert refs_row(tomllib.loads(VALID_PARTICIPANT.format(pid="P-0001") + extra)) == want
