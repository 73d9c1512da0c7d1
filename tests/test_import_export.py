"""`ipstui import`, `export` and `report --format xlsx` on real caseloads and real files
(SPEC §7, §12): headers in four languages, every date form, every problem at its
FILE:row:column before anything is written, one commit per participant."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import commit_count, git
from openpyxl import Workbook, load_workbook

from ipstui import cli
from ipstui.core import export, importer, storage
from ipstui.core.caseload import load, load_for_edit

TODAY = "2026-11-30"


def _cli(*args: str, root: Path) -> int:
    return cli.main([*args, "-C", str(root), "--today", TODAY])


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("cell", "want"),
    [
        ("2026-11-30", date(2026, 11, 30)),
        ("30/11/2026", date(2026, 11, 30)),
        ("30.11.2026", date(2026, 11, 30)),
        ("30-11-2026", date(2026, 11, 30)),
        ("1/2/2026", date(2026, 2, 1)),  # day first: 1 February
        (" 05.03.2026 ", date(2026, 3, 5)),
        (date(2026, 11, 30), date(2026, 11, 30)),
        (datetime(2026, 11, 30), date(2026, 11, 30)),  # a workbook date cell
    ],
)
def test_dates_accepted(cell: object, want: date) -> None:
    assert importer.parse_date(cell) == want


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("31/02/2026", "day 31, month 2"),
        ("11/30/2026", "month 30"),  # month first is not a day-first date
        ("2026-13-01", "not a date"),
        ("30/11/26", "not a date"),  # two-digit year: which century?
        ("30/11-2026", "not a date"),  # mixed separators
        ("next week", "not a date"),
        (46000, "is a number"),  # a serial the workbook did not format as a date
        (datetime(2026, 11, 30, 14, 5), "time of day"),
    ],
)
def test_dates_refused(cell: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        importer.parse_date(cell)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Name", "name"), ("Nome", "name"), ("Navn", "name"), ("Namn", "name"),
        ("NOMINATIVO:", "name"), ("Deltagare", "name"),
        ("Referral date", "referred_on"), ("Data invio", "referred_on"),
        ("Henvist", "referred_on"), ("Remiss", "referred_on"), ("referred_on", "referred_on"),
        ("Operatore", "specialist"), ("Konsulent", "specialist"), ("Handledare", "specialist"),
        ("Inviante", "referral_source"), ("Henviser", "referral_source"),
        ("Remittent", "referral_source"), ("Referral_Source *", "referral_source"),
        ("Fase", "phase"), ("Fas", "phase"), ("Inskriven", "enrolled_on"),
        ("Data inserimento", "enrolled_on"), ("Indskrevet", "enrolled_on"),
        ("Obiettivi", "goals"), ("Styrkor", "strengths"), ("Bemærkninger", "notes"),
    ],
)  # fmt: skip
def test_headers_in_four_languages(header: str, field: str) -> None:
    cols, problems = importer.map_columns(
        "f.csv", ["Name", "Specialist", "Referral source", header]
    )
    assert cols[3] == field or (field in ("name", "specialist", "referral_source") and problems)


# --------------------------------------------------------------------------- files


def _csv(path: Path, rows: list[list[str]], sep: str = ";") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    return path


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


ITALIAN = ["Codice", "Nome", "Operatore", "Inviante", "Data invio", "Fase", "Obiettivi"]


def test_csv_with_problems_names_each_cell_and_writes_nothing(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _csv(
        tmp_path / "elenco.csv",
        [
            ITALIAN,
            ["", "Giulia R.", "anna", "CSM", "30/11/2026", "intake", "magazzino; giardinaggio"],
            ["", "Marco B.", "anna", "CSM", "31/11/2026", "", ""],  # row 3: no 31 November
            ["", "Luca M.", "zoe", "CSM", "01.10.2026", "", ""],  # row 4: unknown specialist
            ["", "", "mette", "Self", "2026-10-01", "", ""],  # row 5: no name
            ["P-9", "Sara L.", "mette", "Hospital", "2026-10-01", "", ""],  # row 6: source
            ["P-9", "Elena V.", "mette", "Self", "2026-10-01", "fine", ""],  # row 7: dup, phase
            ["", "Paola T.", "Mette Hansen", "self", "1-9-2026", "Job search", ""],
        ],
    )
    before = commit_count(caseload_dir)
    assert _cli("import", str(f), root=caseload_dir) == 1
    err = capsys.readouterr().err
    located = {ln.split(": ", 1)[0] for ln in err.splitlines() if ln.startswith("elenco.csv:")}
    assert located == {
        "elenco.csv:3:5", "elenco.csv:4:3", "elenco.csv:5:2", "elenco.csv:6:4",
        "elenco.csv:7:1", "elenco.csv:7:6",
    }  # fmt: skip
    assert "is not a date (day 31, month 11)" in err and "unknown specialist 'zoe'" in err
    assert commit_count(caseload_dir) == before
    assert not list((caseload_dir / "participants").glob("*.toml"))


def test_clean_csv_makes_one_commit_per_participant(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _csv(
        tmp_path / "liste.csv",
        [
            ["Navn", "Medarbejder", "Henviser", "Henvist", "Fase", "Mål", "Noter"],
            ["Mads K.", "Anna Bianchi", "csm", "2.9.2026", "Engagement", "lager, have", "ok"],
            ["Freja L.", "mette", "Self", "2026-10-15", "", "", ""],
        ],
        sep=",",
    )
    before = commit_count(caseload_dir)
    assert _cli("import", str(f), "--dry-run", root=caseload_dir) == 0
    assert "would create P-0001  Mads K." in capsys.readouterr().out
    assert commit_count(caseload_dir) == before
    assert _cli("import", str(f), root=caseload_dir) == 0
    assert commit_count(caseload_dir) == before + 2
    for n in (1, 2):
        files = git(caseload_dir, "show", "--name-only", "--format=", f"HEAD~{2 - n}").split()
        assert files == [f"participants/P-000{n}.toml"]
    assert "Mads K." not in git(caseload_dir, "log", "--format=%B")
    p1 = storage.read_file(caseload_dir / "participants" / "P-0001.toml")[0]
    assert p1["specialist"] == "anna" and p1["referral_source"] == "CSM"
    assert p1["referred_on"] == date(2026, 9, 2) and p1["phase"] == "engagement"
    assert p1["phase_since"] == date(2026, 11, 30) and p1["goals"] == ["lager", "have"]
    p2 = storage.read_file(caseload_dir / "participants" / "P-0002.toml")[0]
    assert p2["phase"] == "intake" and p2["phase_since"] == date(2026, 10, 15)
    assert p2["notes"] == ""


def test_xlsx_with_problems_and_a_clean_one(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["Namn", "Handledare", "Remittent", "Remiss", "Inskriven", "Telefon"]
    bad = _xlsx(
        tmp_path / "lista.xlsx",
        [
            header,
            ["Elin S.", "anna", "CSM", datetime(2026, 9, 1), datetime(2026, 9, 15), "123"],
            ["Oskar L.", "anna", "CSM", 46000, None, None],  # row 3: a serial number
            [None, None, None, None, None, None],  # an empty row is skipped
            ["Maja E.", "anna", "CSM", datetime(2026, 9, 1, 8, 30), "40/9/2026", None],
        ],
    )
    before = commit_count(caseload_dir)
    assert _cli("import", str(bad), root=caseload_dir) == 1
    err = capsys.readouterr().err
    located = {ln.split(": ", 1)[0] for ln in err.splitlines() if ln.startswith("lista.xlsx:")}
    assert located == {"lista.xlsx:1:6", "lista.xlsx:3:4", "lista.xlsx:5:4", "lista.xlsx:5:5"}
    assert commit_count(caseload_dir) == before
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\n"Telefon" = "-"\n\n[values.specialist]\n"A.B." = "anna"\n')
    good = _xlsx(
        tmp_path / "ok.xlsx",
        [header, ["Elin S.", "A.B.", "CSM", datetime(2026, 9, 1), "15/09/2026", "123"]],
    )
    assert _cli("import", str(good), "--map", str(mapping), root=caseload_dir) == 0
    p = storage.read_file(caseload_dir / "participants" / "P-0001.toml")[0]
    assert p["enrolled_on"] == date(2026, 9, 15) and p["specialist"] == "anna"
    assert "123" not in (caseload_dir / "participants" / "P-0001.toml").read_text()


# Where the table is in a team's workbook: a title and blank rows above the header,
# several sheets, `--sheet`. Each case: the sheets (title -> rows, in order), the
# `--sheet` given, then the sheet and header row read and the cells with a problem.
HEAD = ["Nome", "Operatore", "Inviante", "Data invio"]
GOOD = ["Giulia R.", "anna", "CSM", "30/11/2026"]
BAD_DATE = ["Marco B.", "anna", "CSM", "31/11/2026"]  # no 31 November: column 4
NOTES = [["Istruzioni"], ["Compilare un rigo per partecipante."], ["Nome", "e", "cognome"]]
WHERE_CASES = [
    ("header on row 1", {"Foglio1": [HEAD, GOOD, BAD_DATE]}, None, "Foglio1", 1, {(3, 4)}),
    (
        "title, date and blank rows above",
        {"Foglio1": [["Elenco partecipanti IPS"], ["aggiornato al", "30/11/2026"], [], HEAD,
                     GOOD, [], BAD_DATE]},
        None, "Foglio1", 4, {(7, 4)},
    ),
    (
        "instructions sheet first",
        {"Istruzioni": NOTES, "Partecipanti": [["Partecipanti"], HEAD, BAD_DATE, GOOD]},
        None, "Partecipanti", 2, {(3, 4)},
    ),
    (
        "--sheet picks a later sheet",
        {"2025": [HEAD, GOOD], "2026": [[], [], HEAD, GOOD, BAD_DATE]},
        "2026", "2026", 3, {(5, 4)},
    ),
    (
        "--sheet, case aside",
        {"2025": [HEAD, GOOD], "Anno 2026": [HEAD, BAD_DATE]},
        "anno 2026", "Anno 2026", 1, {(2, 4)},
    ),
    (
        "no header recognised: the first row, its unknown columns reported there",
        {"Foglio1": [[], ["Chi", "Con chi", "Da dove"], ["Giulia R.", "anna", "CSM"]]},
        None, "Foglio1", 2, {(2, 0), (2, 1), (2, 2), (2, 3)},
    ),
    (
        "one known header is not enough: a title row naming a field",
        {"Foglio1": [["Nome"], HEAD, GOOD]},
        None, "Foglio1", 2, set(),
    ),
    (
        "a header below the first ten rows is not looked for",
        {"Foglio1": [[f"riga {i}"] for i in range(1, 11)] + [HEAD, GOOD]},
        None, "Foglio1", 1, {(1, 0), (1, 1)},
    ),
]  # fmt: skip


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("sheets", "sheet", "want_sheet", "want_row", "want_cells"),
    [c[1:] for c in WHERE_CASES],
    ids=[c[0] for c in WHERE_CASES],
)
def test_the_table_is_found_below_titles_and_on_its_sheet(
    caseload_dir: Path,
    tmp_path: Path,
    sheets: dict[str, list[list[object]]],
    sheet: str | None,
    want_sheet: str,
    want_row: int,
    want_cells: set[tuple[int, int]],
) -> None:
    f = _workbook(tmp_path / "squadra.xlsx", sheets)
    p = importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30), sheet=sheet)
    assert (p.sheet, p.header_row, p.sheets) == (want_sheet, want_row, tuple(sheets))
    assert {(x.row, x.column) for x in p.problems} == want_cells
    if not want_cells:
        assert [data["name"] for _, data in p.records] == ["Giulia R."]


@pytest.mark.parametrize(
    ("rows", "want_row", "want_cells"),
    [
        ([["Elenco IPS"], [], HEAD, GOOD, BAD_DATE], 3, {"elenco.csv:5:4"}),
        ([["", ""], HEAD, BAD_DATE, [], GOOD], 2, {"elenco.csv:3:4"}),
        ([HEAD, GOOD, BAD_DATE], 1, {"elenco.csv:3:4"}),
    ],
)
def test_a_csv_header_below_a_title_and_its_rows_numbered_as_in_the_file(
    caseload_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[list[str]],
    want_row: int,
    want_cells: set[str],
) -> None:
    f = _csv(tmp_path / "elenco.csv", rows)
    assert _cli("import", str(f), root=caseload_dir) == 1
    err = capsys.readouterr().err
    located = set(re.findall(r"(?m)^(elenco\.csv:\d+:\d+): ", err))
    assert located == want_cells
    said = f"elenco.csv: header on row {want_row}"
    assert (said in err) == (want_row != 1)


def test_the_sheet_read_is_said_and_a_wrong_sheet_name_lists_the_sheets(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _workbook(
        tmp_path / "squadra.xlsx",
        {"Istruzioni": NOTES, "Partecipanti": [["Partecipanti IPS"], HEAD, GOOD]},
    )
    before = commit_count(caseload_dir)
    assert _cli("import", str(f), "--dry-run", root=caseload_dir) == 0
    out = capsys.readouterr()
    assert "squadra.xlsx: read sheet 'Partecipanti', header on row 2" in out.err
    assert "row 3: would create P-0001  Giulia R." in out.out
    assert _cli("import", str(f), "--sheet", "Foglio9", root=caseload_dir) == 1
    err = capsys.readouterr().err
    assert "no sheet named 'Foglio9'; its sheets: 'Istruzioni', 'Partecipanti'" in err
    csv_file = _csv(tmp_path / "elenco.csv", [HEAD, GOOD])
    assert _cli("import", str(csv_file), "--sheet", "Foglio1", root=caseload_dir) == 1
    assert "--sheet is for .xlsx workbooks" in capsys.readouterr().err
    assert _cli("import", str(f), "--sheet", "Partecipanti", root=caseload_dir) == 0
    assert commit_count(caseload_dir) == before + 1
    assert storage.read_file(caseload_dir / "participants" / "P-0001.toml")[0]["referred_on"] == (
        date(2026, 11, 30)
    )


def test_ids_from_the_file_and_next_free_ones(caseload_dir: Path, tmp_path: Path) -> None:
    f = _csv(
        tmp_path / "ids.csv",
        [
            ["ID", "Name", "Specialist", "Referral source", "Referred on"],
            ["", "A.", "anna", "CSM", "2026-11-02"],
            ["P-0007", "B.", "anna", "CSM", "2026-11-02"],
            ["p-0007", "C.", "anna", "CSM", "2026-11-02"],  # the same id ignoring case
        ],
    )
    p = importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30))
    assert [str(x) for x in p.problems] == ["ids.csv:4:1: id p-0007 is also on row 3"]
    f.write_text(f.read_text().replace("p-0007", ""))
    p = importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30))
    assert [d["id"] for _, d in p.records] == ["P-0008", "P-0007", "P-0009"]


def test_missing_required_column_and_unknown_map_field(caseload_dir: Path, tmp_path: Path) -> None:
    f = _csv(tmp_path / "x.csv", [["Name", "Specialist"], ["A.", "anna"]])
    p = importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30))
    assert [str(x) for x in p.problems] == [
        "x.csv:1:0: no column for Referred by (a header such as 'referral source' or "
        "'referral_source')",
        "x.csv:1:0: no column for Referred on (a header such as 'referred on' or 'referred_on')",
    ]
    m = tmp_path / "m.toml"
    m.write_text('[columns]\n"Telefono" = "phone"\n')
    with pytest.raises(importer.ImportFileError, match="unknown field 'phone'"):
        importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30), map_path=m)


def test_the_shipped_template_imports_into_the_demo(sample_caseload: Path, tmp_path: Path) -> None:
    """Into the demo as `make_demo` builds it (the session's copy of the sample, not a
    new build: issue 12)."""
    root = sample_caseload
    before = commit_count(root)
    assert importer.TEMPLATE.is_file()
    assert _cli("import", str(importer.TEMPLATE), root=root) == 0
    assert commit_count(root) == before + 3
    copy = tmp_path / "mine.xlsx"
    assert _cli("import", "--template", str(copy), root=root) == 0
    assert load_workbook(copy).sheetnames == ["participants", "help"]


# --------------------------------------------------------------------------- export


@pytest.fixture
def demo(sample_caseload: Path) -> Path:
    return sample_caseload


def test_export_formats_agree(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli("export", root=demo) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert _cli("export", "--format", "json", root=demo) == 0
    objs = json.loads(capsys.readouterr().out)
    out = tmp_path / "cl.xlsx"
    assert _cli("export", "--format", "xlsx", "--output", str(out), root=demo) == 0
    ws = load_workbook(out)["participants"]
    sheet = list(ws.iter_rows(values_only=True))
    n = len(load(demo).participants)
    assert len(rows) == len(objs) == len(sheet) - 1 == n
    assert tuple(sheet[0]) == export.COLUMNS == tuple(rows[0])
    first = objs[0]
    assert rows[0]["id"] == first["id"] == sheet[1][0]
    assert rows[0]["referred_on"] == first["referred_on"] == sheet[1][6].date().isoformat()
    assert int(rows[0]["contacts"]) == first["contacts"] == sheet[1][21]


def test_export_refuses_the_caseload_folder_and_xlsx_to_stdout(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli("export", "--output", str(demo / "export.csv"), root=demo) == 1
    assert "inside the caseload" in capsys.readouterr().err
    assert not (demo / "export.csv").exists()
    assert _cli("export", "--output", str(demo / "participants" / "x.csv"), root=demo) == 1
    assert _cli("export", "--format", "xlsx", root=demo) == 2  # wrong usage (SPEC §7)
    assert "needs --output" in capsys.readouterr().err


def test_export_of_a_caseload_with_a_broken_file_exits_3(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo / "participants" / "P-0002.toml").write_text("id = [\n")
    assert _cli("export", root=demo) == 3
    out, err = capsys.readouterr()
    assert "participants/P-0002.toml:" in err and "P-0002" not in out


def test_export_imports_back(demo: Path, caseload_dir: Path, tmp_path: Path) -> None:
    """An export of the open participants imports into another caseload unchanged."""
    (caseload_dir / "caseload.toml").write_text(
        (demo / "caseload.toml").read_text().replace("as_of", "# as_of")
    )
    git(caseload_dir, "commit", "-qam", "the demo team")
    table = [r for r in export.rows(p.data for p in load(demo).participants.values())
             if r["phase"] != "closed"]  # fmt: skip
    out = tmp_path / "open.csv"
    out.write_text(export.to_csv(table))
    assert _cli("import", str(out), root=caseload_dir) == 0
    mine = {p.id: p.data for p in load(caseload_dir).participants.values()}
    assert set(mine) == {r["id"] for r in table}
    for r in table:
        for k in export.SCALARS:
            if r[k] not in (None, []):
                assert mine[r["id"]][k] == r[k], (r["id"], k)


def test_report_xlsx_has_one_sheet_per_table(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    assert (
        _cli("report", "--quarter", "2026Q3", "--format", "xlsx", "--output", str(out), root=demo)
        == 0
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["Employment", "Referrals", "Rapid search", "Caseload"]
    from ipstui.core import report as rep

    cl = load(demo)
    want = rep.compute([p.data for p in cl.participants.values()], cl.settings,
                       rep.parse_quarter("2026Q3"), date(2026, 11, 30)).to_json()  # fmt: skip
    emp = list(wb["Employment"].iter_rows(values_only=True))
    team = next(r for r in emp if r and r[0] == "team")
    assert (team[2], team[3], team[4]) == (
        want["team"]["active"],
        want["team"]["employed"],
        want["team"]["rate"],
    )
    refs = list(wb["Referrals"].iter_rows(min_row=6, values_only=True))
    assert list(wb["Referrals"].iter_rows(min_row=5, max_row=5, values_only=True))[0][0] == "year"
    assert sum(r[2] for r in refs) == sum(r["referred"] for r in want["referrals"])
    assert _cli("report", "--format", "xlsx", root=demo) == 2  # wrong usage (SPEC §7)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (["A.", "anna", "CSM", ""], "x.csv:2:4: Referred on is empty"),
        (["A.", "anna", "", "2026-11-02"], "x.csv:2:3: Referred by is empty"),
        (["", "anna", "CSM", "2026-11-02"], "x.csv:2:1: Name is empty"),
        (["A.", "", "CSM", "2026-11-02"], "x.csv:2:2: Employment specialist is empty"),
    ],
)
def test_every_required_cell_is_named_when_empty(
    caseload_dir: Path, tmp_path: Path, row: list[str], problem: str
) -> None:
    """A participant without a referral date would never get a first-contact deadline and
    would be missing from the referral counts and fidelity S1, so the row is refused."""
    f = _csv(tmp_path / "x.csv", [["Name", "Specialist", "Referral source", "Referred on"], row])
    p = importer.plan(f, load_for_edit(caseload_dir, None), today=date(2026, 11, 30))
    assert [str(x) for x in p.problems] == [problem]
    assert p.records == []


def test_the_same_sheet_imported_twice_makes_nobody_twice(
    caseload_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["Name", "Specialist", "Referral source", "Referred on"]
    rows = [
        ["Giulia R.", "anna", "CSM", "2026-11-02"],
        ["Marco T.", "anna", "CSM", "2026-11-03"],
    ]
    f = _csv(tmp_path / "x.csv", [header, *rows])
    assert _cli("import", str(f), root=caseload_dir) == 0
    before = commit_count(caseload_dir)
    cases = [
        # (rows of the second file, problems expected); rows equal to a participant are
        # left out as imported before (tests/test_import_resume.py)
        (rows, []),
        ([["  giulia  r. ", "anna", "CSM", "02/11/2026"]], ["x.csv:2:1: P-0001 has the same name"]),
        ([["Giulia R.", "anna", "Self", "2026-11-02"]], ["x.csv:2:1: P-0001 has the same name"]),
        ([["Giulia R.", "anna", "CSM", "2026-11-09"]], []),  # another referral date
        ([["Ada B.", "anna", "CSM", "2026-11-02"], ["ada b.", "anna", "CSM", "2026-11-02"]],
         ["x.csv:3:1: row 2 has the same name"]),
    ]  # fmt: skip
    for second, want in cases:
        f = _csv(tmp_path / "x.csv", [header, *second])
        p = importer.plan(f, load(caseload_dir), today=date(2026, 11, 30))
        got = [str(x) for x in p.problems]
        assert len(got) == len(want) and all(g.startswith(w) for g, w in zip(got, want, strict=True)), got
        assert all("--allow-same" in g for g in got)
    f = _csv(tmp_path / "x.csv", [header, *rows])
    assert _cli("import", str(f), root=caseload_dir) == 0
    assert commit_count(caseload_dir) == before
    assert _cli("import", str(f), "--allow-same", root=caseload_dir) == 0
    assert commit_count(caseload_dir) == before + 2
