"""First dates are the earliest dated contact's, not the first logged (trial 7, item 5):
`core/milestones.py` on every path that writes the contact log (`ipstui contact`, the
app's contact form through the same service call, the merge driver), and in reports."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import participant

from ipstui.cli import main
from ipstui.core import milestones, storage
from ipstui.core.merge import merge_texts
from ipstui.core.validate import participant_content_problems

D = date
ENROLLED = D(2026, 10, 1)
REFERRED = D(2026, 9, 1)


def person(contacts: list[tuple[date, str]], **fields: Any) -> dict[str, Any]:
    data = participant(referred_on=REFERRED, enrolled_on=ENROLLED, contacts=[], **fields)
    for on, kind in contacts:
        data["contacts"].append({"on": on, "kind": kind, "by": "anna"})
    return data


def log(*contacts: tuple[date, str], **fields: Any) -> dict[str, Any]:
    """The file after logging `contacts` one by one, in the order given (what `ipstui
    contact` does: append, then `milestones.settle`)."""
    data = person([], **fields)
    for on, kind in contacts:
        data["contacts"].append({"on": on, "kind": kind, "by": "anna"})
        milestones.settle(data)
    return data


E, M, B = "employer", "meeting", "benefits"
# (case, contacts in the order logged, hand-set fields, first_contact_on,
#  first_employer_contact_on, benefits_counseling_on)
CASES = [
    ("in date order", [(D(2026, 10, 5), E), (D(2026, 11, 20), E)], {},
     D(2026, 10, 5), D(2026, 10, 5), None),
    ("back-dated employer contact", [(D(2026, 11, 20), E), (D(2026, 10, 5), E)], {},
     D(2026, 10, 5), D(2026, 10, 5), None),
    ("back-dated contact of another kind", [(D(2026, 11, 20), E), (D(2026, 9, 10), M)], {},
     D(2026, 9, 10), D(2026, 11, 20), None),
    ("same day", [(D(2026, 10, 5), M), (D(2026, 10, 5), E)], {},
     D(2026, 10, 5), D(2026, 10, 5), None),
    ("employer contact before enrolment does not count",
     [(D(2026, 9, 20), E), (D(2026, 10, 9), E)], {}, D(2026, 9, 20), D(2026, 10, 9), None),
    ("contact before referral does not count", [(D(2026, 8, 20), M), (D(2026, 9, 3), M)], {},
     D(2026, 9, 3), None, None),
    ("hand-set earlier than the log stands", [(D(2026, 10, 20), E)],
     {"first_contact_on": D(2026, 9, 2), "first_employer_contact_on": D(2026, 10, 2)},
     D(2026, 9, 2), D(2026, 10, 2), None),
    ("hand-set later than the log moves back", [(D(2026, 10, 20), E)],
     {"first_contact_on": D(2026, 11, 1), "first_employer_contact_on": D(2026, 11, 1)},
     D(2026, 10, 20), D(2026, 10, 20), None),
    ("benefits: the latest, whatever the order", [(D(2026, 11, 2), B), (D(2026, 10, 2), B)],
     {}, D(2026, 10, 2), None, D(2026, 11, 2)),
    ("benefits hand-set later stands", [(D(2026, 10, 2), B)],
     {"benefits_counseling_on": D(2026, 11, 9)}, D(2026, 10, 2), None, D(2026, 11, 9)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "contacts", "hand", "first", "first_employer", "benefits"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_logging_stores_the_earliest_dated_contact(
    case: str,
    contacts: list,
    hand: dict,
    first: date | None,
    first_employer: date | None,
    benefits: date | None,
) -> None:
    data = log(*contacts, **hand)
    assert data.get("first_contact_on") == first
    assert data.get("first_employer_contact_on") == first_employer
    assert data.get("benefits_counseling_on") == benefits
    # What reports count equals what is stored once the log has been written.
    assert milestones.first_on(data, "first_employer_contact_on") == first_employer


@pytest.mark.parametrize(
    ("case", "stored", "contacts", "counted", "warned"),
    [
        ("stored later than a logged contact (written before the fix, or by hand)",
         D(2026, 11, 20), [(D(2026, 11, 20), E), (D(2026, 10, 5), E)], D(2026, 10, 5), True),
        ("no field, a logged employer contact", None, [(D(2026, 10, 5), E)],
         D(2026, 10, 5), False),
        ("a contact removed by hand: the stored date stays", D(2026, 10, 5),
         [(D(2026, 11, 20), E)], D(2026, 10, 5), False),
        ("no contact, hand-set", D(2026, 10, 7), [], D(2026, 10, 7), False),
        ("neither", None, [], None, False),
    ],
)  # fmt: skip
def test_reports_count_the_earliest_and_validate_warns_when_the_file_disagrees(
    case: str, stored: date | None, contacts: list, counted: date | None, warned: bool
) -> None:
    data = person(contacts)
    if stored is not None:
        data["first_employer_contact_on"] = stored
    assert milestones.first_on(data, "first_employer_contact_on") == counted
    rel = "participants/P-0001.toml"
    problems = participant_content_problems(data, rel, storage.dumps(data))
    hits = [p for p in problems if "first_employer_contact_on" in p.message]
    assert [p.severity for p in hits] == (["warning"] if warned else [])
    if warned:
        assert "2026-10-05" in hits[0].message


def test_merge_of_two_logs_takes_the_earliest_dated_contact() -> None:
    """Each side logged an employer contact; theirs is back-dated before ours: the merged
    file names theirs, whichever side merges, and a side that wrote the field the old
    way (first logged) is corrected by the merged log."""
    base = log((D(2026, 9, 4), M))
    ours = copy.deepcopy(base)
    ours["contacts"].append({"on": D(2026, 11, 20), "kind": E, "by": "anna"})
    ours["first_employer_contact_on"] = D(2026, 11, 20)
    theirs = copy.deepcopy(base)
    theirs["contacts"].append({"on": D(2026, 10, 5), "kind": E, "by": "bo"})
    for a, b in ((ours, theirs), (theirs, ours)):
        raw = merge_texts(*(storage.dumps(x).encode() for x in (base, a, b)), "abc1234")
        out = storage.loads_bytes(raw)
        assert out["first_employer_contact_on"] == D(2026, 10, 5)
        assert out["first_contact_on"] == D(2026, 9, 4)
        assert "conflicts" not in out


def test_the_trials_steps_through_the_cli(
    caseload_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`set enrolled_on`, an employer contact on 11-20, then one back-dated to 10-05:
    the file says 10-05 and the rapid-search figure is 4 days, within 30."""
    root = caseload_dir
    storage.atomic_write(root / "participants" / "P-0001.toml", storage.dumps(person([])))
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "P-0001: new"], cwd=root, check=True)

    def cli(*args: str) -> int:
        return main(["-C", str(root), "--today", "2026-11-30", *args])

    assert cli("contact", "P-0001", "--kind", "employer", "--on", "2026-11-20") == 0
    assert cli("contact", "P-0001", "--kind", "employer", "--on", "2026-10-05") == 0
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    assert data["first_employer_contact_on"] == D(2026, 10, 5)
    assert data["first_contact_on"] == D(2026, 10, 5)
    capsys.readouterr()
    assert cli("report", "--format", "json") == 0
    rapid = json.loads(capsys.readouterr().out)["rapid_search"]
    assert rapid == {"participants": 1, "median_days": 4, "within_30": 1.0}
