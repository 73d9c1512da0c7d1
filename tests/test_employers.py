"""The employer register (SPEC §11) and `ipstui fidelity` / `ipstui employer` end to end,
in real git repositories: one commit per edit with the message convention, no free text
in git, validation with positions, canonical writing, refusals that change nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui import cli
from ipstui.core import employers, storage
from ipstui.core.resources import PROJECT_DIR
from ipstui.core.service import (
    CaseloadError,
    CaseloadService,
    StaleEdit,
    UncommittedFile,
    ValidationFailed,
)

TODAY = "2026-11-16"
SECRET_NAME = "Pasticceria Segreta di Via Libertà"
SECRET_NOTE = "note-secret: the owner's son is unwell"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    def _run(*args: str, root: Path, today: str = TODAY) -> Result:
        capsys.readouterr()
        try:
            code = cli.main([*args, "-C", str(root), "--today", today])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


def head_files(root: Path) -> list[str]:
    return git(root, "show", "--name-only", "--format=", "HEAD").split()


def message(root: Path) -> str:
    return git(root, "log", "-1", "--format=%B")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


# ---------------------------------------------------------------- CLI: employer


def test_employer_new_contact_list(caseload_dir: Path, run) -> None:
    root = caseload_dir
    before = commit_count(root)
    r = run(
        "employer",
        "new",
        "--name",
        SECRET_NAME,
        "--sector",
        "food",
        "--contact-person",
        "owner",
        root=root,
    )
    assert r.code == 0 and r.out.strip() == "E-0001"
    assert commit_count(root) == before + 1
    assert head_files(root) == ["employers/E-0001.toml"]
    msg = message(root)
    assert msg.splitlines()[0] == "E-0001: new employer"
    assert "Employer: E-0001" in msg and SECRET_NAME not in msg and "food" not in msg
    assert (root / "employers" / "E-0001.toml").read_text() == (
        f'schema = 1\nid = "E-0001"\nname = "{SECRET_NAME}"\nsector = "food"\n'
        'contact_person = "owner"\nnotes = ""\n'
    )

    r = run(
        "employer",
        "contact",
        "E-0001",
        "--by",
        "anna",
        "--on",
        "2026-11-03",
        "--note",
        SECRET_NOTE,
        root=root,
    )
    assert r.code == 0, r.err
    msg = message(root)
    assert msg.splitlines()[0] == "E-0001: add contact (job_development)"
    assert "contacts[0]: added (job_development, 2026-11-03)" in msg
    assert git(root, "log", "-1", "--format=%(trailers:key=Employer,valueonly)").strip() == "E-0001"
    assert (
        git(root, "log", "-1", "--format=%(trailers:key=Changed,valueonly)").strip() == "contacts"
    )
    assert SECRET_NOTE not in git(root, "log", "--format=%B")
    assert head_files(root) == ["employers/E-0001.toml"]
    assert git(root, "status", "--porcelain") == ""

    r = run(
        "employer",
        "contact",
        "E-0001",
        "--by",
        "mette",
        "--purpose",
        "follow_along",
        "--no-face-to-face",
        root=root,
    )
    assert r.code == 0 and message(root).startswith("E-0001: add contact (follow_along)")
    text = (root / "employers" / "E-0001.toml").read_text()
    # The second contact appended at the end, dated today, one field a line.
    assert text.endswith(
        '\n[[contacts]]\non = 2026-11-16\nby = "mette"\nface_to_face = false\n'
        'purpose = "follow_along"\n'
    )
    assert f'note = "{SECRET_NOTE}"' in text

    r = run("employer", "new", "--name", "Forno Navile", root=root)
    assert r.out.strip() == "E-0002"
    r = run("employer", "list", root=root)
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split()[:2] == ["id", "name"]
    assert lines[1].startswith("E-0001") and "2026-11-16 mette" in lines[1]
    assert lines[2].startswith("E-0002") and "—" in lines[2]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["employer", "new", "--name", "  "], "needs a name"),
        (["employer", "new", "--name", "COOP adriatica "], "already in the register as E-0001"),
        (["employer", "new", "--name", "X", "--id", "../evil"], "not a valid employer id"),
        (["employer", "new", "--name", "X", "--id", "e-0001"], "already exists"),
        (["employer", "contact", "E-0009", "--by", "anna"], "no employer with id"),
        (["employer", "contact", "E-0001", "--by", "zed"], "unknown specialist 'zed'"),
        (["employer", "contact", "E-0001", "--by", "anna", "--on", "2026-13-01"], "not a date"),
        (["employer", "contact", "E-0001", "--by", "anna", "--purpose", "lunch"], "invalid choice"),
    ],
)
def test_employer_refusals_change_nothing(caseload_dir: Path, run, args, needle) -> None:
    root = caseload_dir
    assert run("employer", "new", "--name", "Coop Adriatica", root=root).code == 0
    before, files = commit_count(root), snapshot(root)
    r = run(*args, root=root)
    assert r.code in (1, 2) and needle in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert commit_count(root) == before and snapshot(root) == files


def test_edit_of_a_changed_or_uncommitted_file_is_refused(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop", root=root)
    svc = CaseloadService(root)
    reg = svc.employers()
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text() + 'sector = "retail"\n')
    with pytest.raises(StaleEdit, match="changed on disk"):
        svc.add_employer_contact(reg, "E-0001", by="anna", on=date(2026, 11, 3))
    with pytest.raises(UncommittedFile, match="not committed"):
        svc.add_employer_contact(svc.employers(), "E-0001", by="anna", on=date(2026, 11, 3))
    with pytest.raises(UncommittedFile, match="not committed"):  # the CLI's way: no register
        svc.add_employer_contact(None, "E-0001", by="anna", on=date(2026, 11, 3))
    assert path.read_text().endswith('sector = "retail"\n')


def test_invalid_file_is_a_problem_with_position_and_never_rewritten(
    caseload_dir: Path, run
) -> None:
    root = caseload_dir
    (root / "employers").mkdir()
    bad = (
        'schema = 1\nid = "E-0001"\nname = "Coop"\n\n[[contacts]]\non = "2026-11-03"\n'
        'by = "zed"\npurpose = "lunch"\nfac_to_face = true\n'
    )
    (root / "employers" / "E-0001.toml").write_text(bad)
    (root / "employers" / "E-0002.toml").write_text('schema = 1\nid = "E-0003"\nname = "X"\n')
    (root / "employers" / "E-0004.toml").write_text("schema = = 1\n")
    reg = employers.load(root, ["anna", "mette"])
    assert reg.employers == {}
    got = sorted(str(p) for p in reg.problems)
    assert got == [
        "employers/E-0001.toml:6:1: contacts.0.on: date written as a quoted string; write it"
        " without quotes, like 2026-11-03",
        "employers/E-0001.toml:7:1: contacts[0]: unknown specialist 'zed' (team: anna, mette)",
        "employers/E-0001.toml:8:1: contacts.0.purpose: 'lunch' is not one of: job_development,"
        " placement, follow_along, other",
        "employers/E-0001.toml:9:1: warning: unknown key 'fac_to_face' in [contacts.0]: did"
        " you mean 'face_to_face'? It is kept as it is; the team's own keys start with x_",
        "employers/E-0002.toml:2:1: id 'E-0003' does not match the file name 'E-0002.toml'",
        "employers/E-0004.toml:1:10: TOML syntax error: Invalid value",
    ]
    svc = CaseloadService(root)
    with pytest.raises(CaseloadError, match="fix the file first"):
        svc.add_employer_contact(reg, "E-0001", by="anna", on=date(2026, 11, 3))
    with pytest.raises(CaseloadError, match="fix the file first"):
        svc.add_employer_contact(None, "E-0001", by="anna", on=date(2026, 11, 3))
    assert (root / "employers" / "E-0001.toml").read_text() == bad
    # `ipstui validate` lists them too; new ids avoid every file name.
    r = run("validate", root=root)
    assert r.code == 1 and "employers/E-0001.toml:7:1" in r.out
    assert reg.next_id() == "E-0005"


def test_new_file_without_identity_writes_nothing(caseload_dir: Path, monkeypatch, run) -> None:
    root = caseload_dir
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    before, files = commit_count(root), snapshot(root)
    r = run("employer", "new", "--name", "Coop", root=root)
    assert r.code == 1 and "no git identity" in r.err
    assert commit_count(root) == before and snapshot(root) == files


def test_failed_commit_puts_the_file_back(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop", root=root)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before, files = commit_count(root), snapshot(root)
    r = run("employer", "contact", "E-0001", "--by", "anna", root=root)
    assert r.code == 1 and "git refused the commit" in r.err
    assert commit_count(root) == before and snapshot(root) == files
    r = run("employer", "new", "--name", "Forno", root=root)
    assert r.code == 1 and not (root / "employers" / "E-0002.toml").exists()
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    "data",
    [
        {"schema": 1, "id": "E-1", "name": "A", "notes": ""},
        {
            "schema": 1,
            "id": "E-1",
            "name": "A",
            "x_rating": 4,
            "sector": "retail",
            "notes": "",
            "contacts": [
                {
                    "on": date(2026, 1, 2),
                    "by": "anna",
                    "x_mood": "ok",
                    "purpose": "other",
                    "face_to_face": True,
                }
            ],
        },
        {
            "id": "E-1",
            "notes": "two\nlines",
            "schema": 1,
            "name": "A",
            "conflicts": {"name": {"ours": "A", "theirs": "B", "theirs_commit": "abc1234"}},
        },
    ],
)
def test_dumps_is_canonical_and_round_trips(data) -> None:
    text = employers.dumps(data)
    assert storage.loads_bytes(text.encode()) == data
    assert employers.dumps(storage.loads_bytes(text.encode())) == text
    lines = text.splitlines()
    assert lines[0] == "schema = 1" and lines[1] == 'id = "E-1"'
    if "contacts" in data:
        i = lines.index("[[contacts]]")
        # Known keys in canonical order; x_mood keeps its place after the key it followed.
        assert lines[i + 1 : i + 6] == [
            "on = 2026-01-02",
            'by = "anna"',
            'x_mood = "ok"',
            "face_to_face = true",
            'purpose = "other"',
        ]
        assert lines.index("x_rating = 4") == lines.index('name = "A"') + 1


def test_jobs_held_there_by_id_and_by_name(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop Adriatica", root=root)
    reg = employers.load(root, ["anna"])
    ps = [
        {
            "id": "P-1",
            "jobs": [
                {
                    "employer": "Other name",
                    "employer_id": "E-0001",
                    "start": date(2026, 1, 5),
                    "competitive": True,
                }
            ],
        },
        {
            "id": "P-2",
            "jobs": [
                {
                    "employer": " coop ADRIATICA",
                    "start": date(2025, 3, 1),
                    "end": date(2025, 9, 1),
                    "competitive": True,
                },
                {"employer": "Forno", "start": date(2026, 2, 1), "competitive": True},
            ],
        },
    ]
    got = employers.jobs_by_employer(reg, ps)
    assert list(got) == ["E-0001"]
    assert [(j.participant, j.current) for j in got["E-0001"]] == [("P-2", False), ("P-1", True)]


# ---------------------------------------------------------------- CLI: fidelity


def test_fidelity_cli_formats_and_explain(sample_caseload: Path, run) -> None:
    r = run("fidelity", root=sample_caseload)
    assert r.code == 0, r.err
    for item in ("S1", "V4", "V6", "V8", "V9", "V10", "V1", "V3", "V12"):
        assert f"  {item} " in r.out
    assert "Partial sum:" in r.out
    data = json.loads(run("fidelity", "--format", "json", root=sample_caseload).out)
    assert data["report_date"] == TODAY and data["quarter"] == "2026Q4"
    csv_rows = run("fidelity", "--format", "csv", root=sample_caseload).out.splitlines()
    assert csv_rows[0] == "quarter,report_date,item,kind,value,score,n"
    assert len(csv_rows) == 1 + 6 + 3 + 1
    s1 = data["items"][0]
    explained = run("fidelity", "--explain", "s1", "--format", "json", root=sample_caseload)
    rows = json.loads(explained.out)["rows"]
    assert len(rows) == sum(v["participants"] for v in s1["detail"]["by_specialist"].values())
    r = run("fidelity", "--explain", "V99", root=sample_caseload)
    assert r.code == 2 and "invalid choice" in r.err
    r = run("fidelity", "--quarter", "2026Q2", "--format", "json", root=sample_caseload)
    assert json.loads(r.out)["report_date"] == "2026-06-30"


def test_fidelity_names_left_out_files_and_exits_3(sample_caseload: Path, run) -> None:
    (sample_caseload / "participants" / "P-0001.toml").write_text("id = = 1\n")
    (sample_caseload / "employers").mkdir(exist_ok=True)
    (sample_caseload / "employers" / "E-0999.toml").write_text('id = "E-0999"\n')
    r = run("fidelity", root=sample_caseload)
    assert r.code == 3
    assert "participants/P-0001.toml:1:" in r.err and "employers/E-0999.toml:1:1" in r.err


def test_fidelity_bad_bands_one_line(sample_caseload: Path, run) -> None:
    cfg = sample_caseload / "caseload.toml"
    cfg.write_text(cfg.read_text() + "\n[fidelity]\nS1 = [30, 20, 30, 40]\n")
    r = run("fidelity", root=sample_caseload)
    assert r.code == 1 and "must rise" in r.err and len(r.err.splitlines()) == 1


def test_fidelity_runs_headless(tmp_path: Path) -> None:
    src = tmp_path / "cl"
    shutil.copytree(PROJECT_DIR / "sample_caseload", src)
    code = (
        "import sys; from ipstui import cli; rc = cli.main(['fidelity', '-C', sys.argv[1], "
        "'--today', '2026-11-16']); import sys as s; "
        "assert 'textual' not in s.modules, 'textual imported'; raise SystemExit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(src)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "S1" in proc.stdout


def test_save_validates_before_writing(caseload_dir: Path, run) -> None:
    run("employer", "new", "--name", "Coop", root=caseload_dir)
    svc = CaseloadService(caseload_dir)
    e = svc.employers().get("E-0001")
    bad = {**e.data, "contacts": [{"on": date(2026, 1, 1), "by": "zed"}]}
    with pytest.raises(ValidationFailed):
        employers.save(svc.load_for_edit(), e, bad)
    assert git(caseload_dir, "status", "--porcelain") == ""


# ---------------------------------------------------------------- schemas and ISCO-08

SCHEMA_DIR = PROJECT_DIR / "schema"


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def test_employer_schema_is_valid_and_matches_the_module() -> None:
    from jsonschema import Draft202012Validator
    from test_schema import _all_properties

    s = _schema("employer.schema.json")
    Draft202012Validator.check_schema(s)
    assert tuple(s["properties"]) == employers.TOP_KEYS + employers.TABLE_KEYS + employers.LIST_KEYS
    assert tuple(s["$defs"]["contact"]["properties"]) == employers.CONTACT_KEYS
    assert s["$defs"]["contact"]["properties"]["purpose"]["enum"] == list(employers.PURPOSES)
    assert tuple(s["required"]) == employers.REQUIRED_KEYS
    assert tuple(s["$defs"]["conflict"]["properties"]) == employers.CONFLICT_KEYS
    assert not [k for k, sub in _all_properties(s, s["$defs"]) if not sub.get("description")]


def test_caseload_schema_has_fte_and_every_band() -> None:
    from ipstui.core.fidelity import DEFAULT_BANDS, SCORED

    s = _schema("caseload.schema.json")
    assert tuple(s["properties"]["fidelity"]["properties"]) == SCORED == tuple(DEFAULT_BANDS)
    fte = s["$defs"]["member"]["properties"]["fte"]
    assert (fte["type"], fte["minimum"], fte["maximum"]) == ("number", 0, 1)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("5", True),
        ("0", True),
        ("52", True),
        ("522", True),
        ("5223", True),
        ("96", True),
        ("01", True),
        ("03", True),
        ("04", False),
        ("10", False),
        ("19", False),
        ("15", False),
        ("27", False),
        ("36", False),
        ("45", False),
        ("55", False),
        ("64", False),
        ("76", False),
        ("84", False),
        ("97", False),
        ("00", False),
        ("52231", False),
        ("", False),
        ("5a", False),
        (" 52", False),
        ("٥٢", False),
    ],
)
def test_job_type_codes(code: str, ok: bool) -> None:
    from jsonschema import Draft202012Validator

    from ipstui.core import isco08

    job = _schema("participant.schema.json")["$defs"]["job"]["properties"]["job_type"]
    assert job["pattern"] == isco08.schema_pattern()
    assert Draft202012Validator(job).is_valid(code) is ok
    assert (isco08.check(code) is None) is ok


def test_isco08_lists() -> None:
    from ipstui.core import isco08

    assert len(isco08.MAJOR) == 10 and len(isco08.SUB_MAJOR) == 43
    assert all(code[0] in isco08.MAJOR for code in isco08.SUB_MAJOR)
    assert isco08.label("5223") == "Sales workers" and isco08.label("9") == "Elementary occupations"
    codes = [c for c, _ in isco08.choices()]
    assert len(codes) == 53 and codes[:2] == ["1", "11"] and codes[-1] == "03"


def test_participant_job_type_and_employer_fields_validate(caseload_dir: Path, run) -> None:
    from ipstui.core.validate import participant_content_problems

    base = {
        "schema": 1,
        "id": "P-1",
        "name": "A",
        "specialist": "anna",
        "phase": "intake",
        "phase_since": date(2026, 1, 1),
    }
    good = base | {
        "contacts": [
            {
                "on": date(2026, 1, 2),
                "kind": "employer",
                "by": "anna",
                "employer_id": "E-0003",
                "face_to_face": False,
            }
        ],
        "jobs": [
            {
                "employer": "Coop",
                "employer_id": "E-0003",
                "title": "Clerk",
                "job_type": "5223",
                "start": date(2026, 2, 1),
                "competitive": True,
            }
        ],
    }
    text = storage.dumps(good)
    assert participant_content_problems(good, "participants/P-1.toml", text) == []
    assert 'employer_id = "E-0003"\ntitle = "Clerk"\njob_type = "5223"' in text
    bad = good | {"jobs": [{**good["jobs"][0], "job_type": "19"}]}
    probs = participant_content_problems(bad, "participants/P-1.toml", storage.dumps(bad))
    assert len(probs) == 1 and "jobs.0.job_type" in probs[0].message


def test_sample_employers_pass_check_jsonschema(tmp_path: Path) -> None:
    from test_schema import failed_files, run_cli

    files = sorted((PROJECT_DIR / "sample_caseload" / "employers").glob("*.toml"))
    assert len(files) >= 15
    code, report = run_cli(SCHEMA_DIR / "employer.schema.json", files, tmp_path)
    assert (code, failed_files(report)) == (0, set())
    bad = tmp_path / "E-0001.toml"
    bad.write_text('schema = 1\nid = "E-0001"\nname = "X"\n\n[[contacts]]\non = 2026-01-01\n')
    code, report = run_cli(SCHEMA_DIR / "employer.schema.json", [bad], tmp_path)
    assert (code, failed_files(report)) == (1, {"E-0001.toml"})


def test_sample_fidelity_at_as_of(sample_caseload: Path, run) -> None:
    """Every item has a value at the sample's as_of, and the team is not perfect."""
    data = json.loads(run("fidelity", "--format", "json", root=sample_caseload).out)
    assert all(i["value"] is not None for i in data["items"] + data["evidence"])
    assert all(i["score"] is not None for i in data["items"])
    assert any(i["score"] < 5 for i in data["items"])
    v6 = data["items"][2]
    assert set(v6["detail"]["by_specialist"]) == {"anna", "mette", "lars", "sofia"}
    # Visits logged both in a participant's file and in the employer log count once.
    rows = json.loads(
        run("fidelity", "--explain", "V6", "--format", "json", root=sample_caseload).out
    )["rows"]
    assert any(r["also"] for r in rows)
    assert len(rows) == sum(s["contacts"] for s in v6["detail"]["by_specialist"].values())


def test_findings_cache_is_keyed_on_content_and_path(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop", root=root)
    team = ["anna", "mette"]
    first = employers.load(root, team)
    cache = root / ".git" / employers.CACHE_NAME
    assert cache.is_file() and first.problems == ()
    # The same bytes under another name are not served the first file's verdict.
    text = (root / "employers" / "E-0001.toml").read_text()
    (root / "employers" / "E-0002.toml").write_text(text)
    got = employers.load(root, team)
    assert [str(p) for p in got.problems] == [
        "employers/E-0002.toml:2:1: id 'E-0001' does not match the file name 'E-0002.toml'"
    ]
    # A hand edit changes the blob: its new finding shows at once.
    (root / "employers" / "E-0002.toml").unlink()
    path = root / "employers" / "E-0001.toml"
    path.write_text(text + 'sectr = "retail"\n')
    assert "unknown key 'sectr'" in str(employers.load(root, team).problems[0])
    # A broken cache is rebuilt, never fatal; without a cache the verdict is the same.
    cache.write_bytes(b"not marshal")
    assert (
        employers.load(root, team).problems == employers.load(root, team, use_cache=False).problems
    )


@pytest.mark.parametrize(
    ("args", "code", "lines"),
    [
        (["--kind", "employer", "--employer", "E-0001"], 0, ['employer_id = "E-0001"']),
        (["--kind", "employer", "--no-face-to-face"], 0, ["face_to_face = false"]),
        (["--kind", "employer"], 0, []),
        (["--kind", "phone", "--employer", "E-0001"], 1, None),
        (["--kind", "meeting", "--no-face-to-face"], 1, None),
        (["--kind", "employer", "--employer", "../x"], 1, None),
    ],
)
def test_participant_employer_contact(caseload_dir: Path, run, args, code, lines) -> None:
    root = caseload_dir
    assert (
        run(
            "new", "--name", "A", "--specialist", "anna", "--referral-source", "CSM", root=root
        ).code
        == 0
    )
    before = commit_count(root)
    r = run("contact", "P-0001", "--on", "2026-11-10", "--by", "anna", *args, root=root)
    assert r.code == code, r.err
    text = (root / "participants" / "P-0001.toml").read_text()
    if code:
        assert commit_count(root) == before and "[[contacts]]" not in text
        return
    block = text[text.index("[[contacts]]") :].splitlines()
    assert block == ["[[contacts]]", "on = 2026-11-10", 'kind = "employer"', 'by = "anna"', *lines]
    assert message(root).splitlines()[0] == "P-0001: add contact (employer)"


def test_validate_warns_about_employer_ids_not_in_the_register(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop", root=root)
    run("new", "--name", "A", "--specialist", "anna", "--referral-source", "CSM", root=root)
    run("contact", "P-0001", "--kind", "employer", "--employer", "e-0001", root=root)
    run("contact", "P-0001", "--kind", "employer", "--employer", "E-0042", root=root)
    r = run("validate", root=root)
    assert r.code == 0  # a warning: the file may come with the next sync
    assert r.out.splitlines() == [
        "participants/P-0001.toml:20:1: warning: contacts[1].employer_id: no employer 'E-0042'"
        " in employers/"
    ]


def test_two_branches_logging_contacts_merge_field_by_field(caseload_dir: Path, run) -> None:
    """init names employers/*.toml merge=ipstui: a real `git merge` of two logs keeps both
    contacts (a union by date) and both sides' field edits, and the file stays valid."""
    root = caseload_dir
    run("employer", "new", "--name", "Coop", "--sector", "retail", root=root)
    git(root, "checkout", "-qb", "other")
    run("employer", "contact", "E-0001", "--by", "mette", "--on", "2026-11-12", root=root)
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text().replace('sector = "retail"', 'sector = "groceries"'))
    git(root, "commit", "-qam", "E-0001: set sector")
    git(root, "checkout", "-q", "main")
    run("employer", "contact", "E-0001", "--by", "anna", "--on", "2026-11-10", root=root)
    git(root, "merge", "-q", "--no-edit", "other")
    assert git(root, "status", "--porcelain") == ""
    reg = employers.load(root, ["anna", "mette"])
    e = reg.get("E-0001")
    assert reg.problems == ()
    assert [(c["on"].isoformat(), c["by"]) for c in e.contacts] == [
        ("2026-11-10", "anna"),
        ("2026-11-12", "mette"),
    ]
    assert e.data["sector"] == "groceries"
    assert path.read_text() == employers.dumps(e.data)


def test_employer_set_fields_and_settle_a_conflict(caseload_dir: Path, run) -> None:
    root = caseload_dir
    run("employer", "new", "--name", "Coop", "--sector", "retail", root=root)
    run("employer", "new", "--name", "Forno", root=root)
    r = run(
        "employer",
        "set",
        "E-0001",
        "sector=",
        "contact_person=store manager",
        "notes=Likes early calls",
        root=root,
    )
    assert r.code == 0, r.err
    msg = message(root)
    assert msg.splitlines()[0] == "E-0001: set sector, contact_person, notes"
    assert "Likes early calls" not in msg and "store manager" not in msg
    text = (root / "employers" / "E-0001.toml").read_text()
    assert "sector" not in text and 'notes = "Likes early calls"' in text
    for args, needle, code in [
        (["name=forno "], "already in the register as E-0002", 1),
        (["name="], "needs a name", 1),
        (["id=E-9"], "cannot set 'id'", 1),
        (["sector"], "is not FIELD=VALUE", 2),  # wrong usage (SPEC §7)
    ]:
        r = run("employer", "set", "E-0001", *args, root=root)
        assert r.code == code and needle in r.err, (args, r.err)
    # A [conflicts] record a sync left is settled by setting the field.
    path = root / "employers" / "E-0001.toml"
    path.write_text(path.read_text() + '\n[conflicts.name]\nours = "Coop"\ntheirs = "Coop Ltd"\n')
    git(root, "commit", "-qam", "E-0001: merge")
    warnings = [p for p in employers.load(root, ["anna"]).problems if p.severity == "warning"]
    assert len(warnings) == 1 and "needs a decision: Name (name)" in warnings[0].message
    assert run("employer", "set", "E-0001", "name=Coop Ltd", root=root).code == 0
    assert message(root).splitlines()[0] == "E-0001: resolve conflicts; set name"
    assert "conflicts" not in path.read_text()
