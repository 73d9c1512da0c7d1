"""`ipstui export` writes the milestone dates the reports count (issue 13 loose ends,
item 4; `core/milestones.py`): a first date the contact log contradicts is exported as
the earliest qualifying contact, as `report` and `fidelity` use it, not as the file last
stored it; and an export still imports value for value (docs/privacy.md "A whole export
imports"): into a new caseload, and back into the caseload it came from."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui import cli
from ipstui.core import export, milestones, storage
from ipstui.core.caseload import load

TODAY = "2026-11-30"
D = date


def person(**fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "schema": 1,
        "id": "P-0001",
        "name": "Giulia R.",
        "specialist": "anna",
        "phase": "job_search",
        "phase_since": D(2026, 10, 2),
        "referral_source": "CSM",
        "referred_on": D(2026, 9, 1),
        "enrolled_on": D(2026, 9, 10),
        "notes": "",
    }
    data.update(fields)
    return data


def contact(on: date, kind: str = "meeting") -> dict[str, object]:
    return {"on": on, "kind": kind, "by": "anna"}


@pytest.mark.parametrize(
    ("field", "stored", "contacts", "exported"),
    [
        # the log has an earlier first contact (typed in later, back-dated): it counts
        ("first_contact_on", D(2026, 9, 20), [contact(D(2026, 9, 4))], D(2026, 9, 4)),
        # no stored date: the log gives it
        ("first_contact_on", None, [contact(D(2026, 9, 4))], D(2026, 9, 4)),
        # a stored date earlier than the log (set by hand): it stands
        ("first_contact_on", D(2026, 9, 2), [contact(D(2026, 9, 4))], D(2026, 9, 2)),
        # a contact before the referral does not count
        ("first_contact_on", D(2026, 9, 20), [contact(D(2026, 8, 30))], D(2026, 9, 20)),
        # no log: the stored date
        ("first_contact_on", D(2026, 9, 20), [], D(2026, 9, 20)),
        ("first_contact_on", None, [], None),
        # employer contacts after enrolment only
        (
            "first_employer_contact_on",
            D(2026, 10, 1),
            [contact(D(2026, 9, 12), "employer"), contact(D(2026, 9, 11))],
            D(2026, 9, 12),
        ),
        (
            "first_employer_contact_on",
            D(2026, 10, 1),
            [contact(D(2026, 9, 5), "employer")],  # before enrolled_on
            D(2026, 10, 1),
        ),
        # the latest benefits session: a later logged one counts, an earlier one not
        (
            "benefits_counseling_on",
            D(2026, 9, 15),
            [contact(D(2026, 10, 3), "benefits")],
            D(2026, 10, 3),
        ),
        (
            "benefits_counseling_on",
            D(2026, 10, 15),
            [contact(D(2026, 10, 3), "benefits")],
            D(2026, 10, 15),
        ),
    ],
)
def test_export_writes_the_milestones_the_reports_count(
    field: str, stored: date | None, contacts: list, exported: date | None
) -> None:
    data = person(contacts=contacts, **({field: stored} if stored is not None else {}))
    before = storage.dumps(data)
    got = export.row(data)[field]
    assert got == exported
    if field in milestones.FIRSTS:
        assert got == milestones.first_on(data, field)  # what report and fidelity count
    assert storage.dumps(data) == before  # the record itself is not changed
    others = {k: v for k, v in export.row(data).items() if k != field}
    assert others == {k: v for k, v in export.row(person(contacts=contacts)).items() if k != field}


def _commit_stale_first_contact(root: Path) -> None:
    """P-0001 whose stored first contact (20 Sep) the log contradicts (4 Sep), committed
    as a hand edit would be."""
    data = person(
        first_contact_on=D(2026, 9, 20),
        contacts=[contact(D(2026, 9, 4))],
    )
    (root / "participants" / "P-0001.toml").write_text(storage.dumps(data))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "P-0001: hand edit")


def _export(root: Path, out: Path) -> list[dict[str, str]]:
    code = cli.main(["export", "-C", str(root), "--today", TODAY, "--output", str(out)])
    assert code == 0
    return list(csv.DictReader(io.StringIO(out.read_text())))


def test_an_export_imports_value_for_value_into_a_new_caseload_and_back(
    caseload_dir: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from conftest import empty_caseload, from_template

    source = caseload_dir
    _commit_stale_first_contact(source)
    out = tmp_path / "export.csv"
    (row,) = _export(source, out)
    assert row["first_contact_on"] == "2026-09-04"  # as the report counts it

    # Into a new caseload: the participant holds the exported dates, and the report
    # there counts what the report here counts.
    other = from_template("empty", empty_caseload, tmp_path / "other", tmp_path_factory)
    assert cli.main(["import", str(out), "-C", str(other), "--today", TODAY]) == 0
    mine = load(other).participants["P-0001"].data
    assert mine["first_contact_on"] == D(2026, 9, 4)
    assert milestones.first_on(mine, "first_contact_on") == milestones.first_on(
        load(source).participants["P-0001"].data, "first_contact_on"
    )
    # The same file again, into either caseload: already there, value for value.
    for root in (other, source):
        commits = commit_count(root)
        assert cli.main(["import", str(out), "-C", str(root), "--today", TODAY]) == 0
        assert commit_count(root) == commits, root
