"""An import stopped half-way is finished by running it again (trial 7, item 14): rows a
participant already holds value for value are left out as imported before, not
refused; a row that matches a person but differs stays a problem."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count

from ipstui import cli
from ipstui.core import importer, storage
from ipstui.core.caseload import load

HEADER = ["Name", "Specialist", "Referral source", "Referred on", "Phase", "Notes"]
ROWS = [[f"Person {i}", "anna", "CSM", f"2026-11-{i:02d}", "intake", ""] for i in range(1, 7)]
TODAY = date(2026, 11, 30)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def run(root: Path, *args: str) -> int:
    return cli.main(["-C", str(root), "--today", TODAY.isoformat(), *args])


def test_a_stopped_import_is_finished_by_running_it_again(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first 3 rows were committed before the import was killed (simulated by
    importing them alone); the whole file again makes the other 3, and says which rows
    it left out; a third run makes nobody."""
    root = caseload_dir
    assert run(root, "import", str(write_csv(tmp_path / "half.csv", ROWS[:3]))) == 0
    before = commit_count(root)
    full = write_csv(tmp_path / "all.csv", ROWS)
    capsys.readouterr()
    assert run(root, "import", str(full)) == 0
    err = capsys.readouterr().err
    assert "3 rows are already in the caseload" in err and "P-0001, P-0002, P-0003" in err
    assert commit_count(root) == before + 3
    names = sorted(p.name for p in load(root).participants.values())
    assert names == [f"Person {i}" for i in range(1, 7)]
    assert run(root, "import", str(full)) == 0
    assert commit_count(root) == before + 3


# (case, the row as imported again, a problem expected (True) or left out (False))
CASES = [
    ("the same row", ["Person 1", "anna", "CSM", "2026-11-01", "intake", ""], False),
    ("the same row, the date spelled otherwise", ["Person 1", "anna", "CSM", "01/11/2026", "", ""],
     False),
    ("another referral source", ["Person 1", "anna", "Self", "2026-11-01", "intake", ""], True),
    ("another specialist", ["Person 1", "mette", "CSM", "2026-11-01", "intake", ""], True),
    ("another phase", ["Person 1", "anna", "CSM", "2026-11-01", "engagement", ""], True),
    ("notes added", ["Person 1", "anna", "CSM", "2026-11-01", "intake", "Met at the fair."], True),
    ("the name spelled otherwise", ["person 1", "anna", "CSM", "2026-11-01", "intake", ""], True),
    ("another referral date: another person", ["Person 1", "anna", "CSM", "2026-11-09", "", ""],
     None),
]  # fmt: skip


@pytest.mark.parametrize(("case", "row", "problem"), CASES, ids=[c[0] for c in CASES])
def test_only_an_equal_row_counts_as_imported_before(
    caseload_dir: Path, tmp_path: Path, case: str, row: list[str], problem: bool | None
) -> None:
    """`problem` None: neither left out nor a problem, the row makes a new participant."""
    root = caseload_dir
    assert run(root, "import", str(write_csv(tmp_path / "first.csv", ROWS[:1]))) == 0
    if case == "another phase":
        assert run(root, "move", "P-0001", "engagement") == 0
        row = ["Person 1", "anna", "CSM", "2026-11-01", "intake", ""]  # the file still says intake
    p = importer.plan(write_csv(tmp_path / "again.csv", [row]), load(root), today=TODAY)
    if problem:
        assert [x.row for x in p.problems] == [2] and p.already == [] and p.records == []
        assert "P-0001" in p.problems[0].message
    elif problem is None:
        assert p.problems == [] and p.already == [] and len(p.records) == 1
    else:
        assert p.problems == [] and p.already == [(2, "P-0001")] and p.records == []


def test_a_row_with_an_id_is_compared_with_that_participant(
    caseload_dir: Path, tmp_path: Path
) -> None:
    header = ["Id", *HEADER]
    rows = [["P-0100", *ROWS[0]], ["P-0101", *ROWS[1]]]
    root = caseload_dir
    assert run(root, "import", str(write_csv(tmp_path / "a.csv", rows[:1], header))) == 0
    p = importer.plan(write_csv(tmp_path / "b.csv", rows, header), load(root), today=TODAY)
    assert p.already == [(2, "P-0100")] and [r[1]["id"] for r in p.records] == ["P-0101"]
    changed = [["P-0100", "Person 1", "anna", "Self", "2026-11-01", "intake", ""]]
    p = importer.plan(write_csv(tmp_path / "c.csv", changed, header), load(root), today=TODAY)
    assert [x.message for x in p.problems] == ["participant P-0100 already exists"]
    data = storage.loads_bytes((root / "participants" / "P-0100.toml").read_bytes())
    assert data["referral_source"] == "CSM"
