"""The JSON Schemas in schema/ and the sample caseload they describe.

The schemas are checked the way users meet them: through the real
`check-jsonschema` CLI on TOML files (which turns TOML dates into ISO strings),
and through the jsonschema library with format checking on.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import check_jsonschema
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker

from ipstui.core import model
from ipstui.core.model import Settings
from ipstui.core.rules import deadlines

ROOT = Path(__file__).resolve().parents[1]
PARTICIPANT_SCHEMA = ROOT / "schema" / "participant.schema.json"
CASELOAD_SCHEMA = ROOT / "schema" / "caseload.schema.json"
SAMPLE = ROOT / "sample_caseload"
SAMPLE_FILES = sorted((SAMPLE / "participants").glob("*.toml"))
STATES = ("overdue", "due_soon", "upcoming")


def load_schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def as_json(v: Any) -> Any:
    """What a JSON Schema tool sees of parsed TOML: dates and times as ISO strings."""
    if isinstance(v, dict):
        return {k: as_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_json(x) for x in v]
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    return v


def lib_errors(schema_path: Path, text: str) -> list[str]:
    validator = Draft202012Validator(load_schema(schema_path), format_checker=FormatChecker())
    return [e.message for e in validator.iter_errors(as_json(tomllib.loads(text)))]


def run_cli(schema: Path, files: list[Path], tmp_path: Path) -> tuple[int, dict[str, Any]]:
    """Run the real check-jsonschema command (its click entry point, in this process: the
    same argument parsing, loading and report as `check-jsonschema` on a shell, without
    starting a Python for each call); returns (exit code, its JSON report)."""
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / ".cache")}
    args = ["-o", "json", "--schemafile", str(schema), *map(str, files)]
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(check_jsonschema.main, args, env=env)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"check-jsonschema printed no JSON: {result.output!r} {result.exception!r}")
    return result.exit_code, report


def failed_files(report: dict[str, Any]) -> set[str]:
    errors = report.get("errors", []) + report.get("parse_errors", [])
    return {Path(e["filename"]).name for e in errors}


# ---------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("path", [PARTICIPANT_SCHEMA, CASELOAD_SCHEMA], ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = load_schema(path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _all_properties(node: Any, defs: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    if isinstance(node, dict):
        if "$ref" in node:
            node = {**defs[node["$ref"].split("/")[-1]], **node}
        for k, sub in (node.get("properties") or {}).items():
            out.append((k, sub))
            out.extend(_all_properties(sub, defs))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                out.extend(_all_properties(node[key], defs))
    return out


@pytest.mark.parametrize("path", [PARTICIPANT_SCHEMA, CASELOAD_SCHEMA], ids=lambda p: p.name)
def test_every_property_has_a_description(path: Path) -> None:
    schema = load_schema(path)
    missing = [
        k for k, sub in _all_properties(schema, schema["$defs"]) if not sub.get("description")
    ]
    assert not missing


def test_participant_schema_matches_the_model() -> None:
    s = load_schema(PARTICIPANT_SCHEMA)
    props, defs = s["properties"], s["$defs"]
    assert set(props) == set(model.KNOWN_KEYS)
    assert tuple(props) == model.TOP_KEYS + model.TABLE_KEYS + model.LIST_KEYS
    assert s["required"] == list(model.REQUIRED_KEYS)
    assert props["id"]["pattern"] == model.ID_PATTERN
    assert props["phase"]["enum"] == list(model.PHASES)
    assert props["disclosure"]["enum"] == list(model.DISCLOSURE)
    assert props["support_mode"]["enum"] == list(model.SUPPORT_MODES)
    assert props["suspension"]["properties"]["reason"]["enum"] == list(model.SUSPENSION_REASONS)
    assert props["closure"]["properties"]["reason"]["enum"] == list(model.CLOSURE_REASONS)
    assert defs["contact"]["properties"]["kind"]["enum"] == list(model.CONTACT_KINDS)
    assert tuple(defs["conflict"]["properties"]) == model.CONFLICT_KEYS
    for key, sub in model.SUB_KEYS.items():
        node = props[key]
        if "items" in node:
            node = defs[node["items"]["$ref"].split("/")[-1]]
        assert tuple(node["properties"]) == sub, key
    for name in model.DATE_FIELDS:
        assert props[name]["$ref"] == "#/$defs/date", name
    assert defs["date"] == {**defs["date"], "type": "string", "format": "date"}


def test_caseload_schema_matches_the_rules() -> None:
    rules = load_schema(CASELOAD_SCHEMA)["properties"]["rules"]["properties"]
    expected = set(model.RULE_NAMES) | {f"{r}_days" for r in model.RULE_NAMES if r != "task"}
    assert set(rules) == expected
    assert all(rules[r]["type"] == "boolean" for r in model.RULE_NAMES)
    jss = rules["job_start_support_days"]
    assert (jss["type"], jss["minItems"], jss["maxItems"]) == ("array", 3, 3)


# ---------------------------------------------------------------- participant files

BASE_TOP: dict[str, str] = {
    "schema": "1",
    "id": '"P-0001"',
    "name": '"Giulia R."',
    "specialist": '"anna"',
    "phase": '"job_search"',
    "phase_since": "2026-10-02",
    "notes": '""',
}


def participant(top: dict[str, str | None] | None = None, tables: str = "") -> str:
    """A participant file: BASE_TOP with `top` applied (None deletes), then `tables`."""
    values: dict[str, str | None] = {**BASE_TOP, **(top or {})}
    lines = [f"{k} = {v}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n" + tables


JOB = '\n[[jobs]]\nemployer = "Forno Navile"\nstart = 2026-11-02\ncompetitive = true\n'
CONTACT = '\n[[contacts]]\non = 2026-09-04\nkind = "meeting"\n'

FULL = participant(
    {
        "referral_source": '"CSM"',
        "referred_on": "2026-09-01",
        "first_contact_on": "2026-09-04",
        "enrolled_on": "2026-09-10",
        "first_employer_contact_on": "2026-10-02",
        "benefits_counseling_on": "2026-09-25",
        "career_profile_updated_on": "2026-09-20",
        "disclosure": '"undecided"',
        "support_mode": '"direct"',
        "goals": '["warehouse work", "gardening"]',
        "strengths": '["punctual"]',
        "x_team_field": "[1, 2]",
    },
    """
[suspension]
since = 2026-11-01
reason = "relapse"

[conflicts.disclosure]
ours = "undecided"
theirs = "yes"
base = "no"
theirs_commit = "3f2c9a1"

[conflicts.referred_on]
ours = 2026-09-01
theirs = 2026-08-30

[[contacts]]
on = 2026-09-04
kind = "meeting"
by = "anna"
note = "First meeting at the library cafe."
x_place = "library"

[[jobs]]
employer = "Coop"
title = "Shelf stocker"
start = 2026-11-02
end = 2026-12-20
hours_per_week = 20
hourly_wage = 9.5
competitive = true
end_reason = "temporary contract ended"

[[tasks]]
due = 2026-11-30
what = "Call the employer about the new shift pattern"
done_on = 2026-11-28
""",
)

CLOSED = participant(
    {"phase": '"closed"'}, '\n[closure]\non = 2026-11-20\nreason = "job_no_further_support"\n'
)

GOOD_PARTICIPANTS: dict[str, str] = {
    "minimal": participant(),
    "full": FULL,
    "closed": CLOSED,
    "float_hours": participant(
        tables=JOB.replace("competitive", "hours_per_week = 17.5\nhourly_wage = 0\ncompetitive")
    ),
    "no_notes": participant({"notes": None}),
    "notes_with_new_lines_and_tabs": participant({"notes": '"line one\\n\\tline two"'}),
    "dates_at_the_ends_of_the_range": participant(
        {"referred_on": "1900-01-01", "phase_since": "2199-12-31"}
    ),
    "hours_0_and_168": participant(
        tables=JOB.replace("competitive", "hours_per_week = 168\ncompetitive")
        + JOB.replace("competitive", "hours_per_week = 0\ncompetitive")
    ),
}

# The cases the brief names first; each is also run through the CLI on its own.
REJECTED_FIRST: dict[str, str] = {
    "unknown_phase": participant({"phase": '"searching"'}),
    "hours_as_text": participant(
        tables=JOB.replace("competitive", 'hours_per_week = "20"\ncompetitive')
    ),
    "datetime_for_date": participant({"phase_since": "2026-10-02T10:00:00"}),
    "unknown_contact_kind": participant(tables=CONTACT.replace('"meeting"', '"visit"')),
    "unknown_top_key": participant({"refered_on": "2026-09-01"}),
}
REJECTED: dict[str, str] = {
    **REJECTED_FIRST,
    "offset_datetime_in_contact": participant(
        tables=CONTACT.replace("2026-09-04", "2026-09-04T10:00:00+02:00")
    ),
    "time_for_date": participant({"referred_on": "10:00:00"}),
    "number_for_date": participant({"enrolled_on": "20260910"}),
    "missing_name": participant({"name": None}),
    "missing_phase_since": participant({"phase_since": None}),
    "empty_name": participant({"name": '""'}),
    "empty_specialist": participant({"specialist": '""'}),
    "bad_id": participant({"id": '"../etc/passwd"'}),
    "schema_2": participant({"schema": "2"}),
    "unknown_disclosure": participant({"disclosure": '"maybe"'}),
    "unknown_support_mode": participant({"support_mode": '"indirect"'}),
    "goals_not_a_list": participant({"goals": '"gardening"'}),
    "notes_not_text": participant({"notes": "3"}),
    "unknown_closure_reason": participant(
        {"phase": '"closed"'}, '\n[closure]\non = 2026-11-20\nreason = "bored"\n'
    ),
    "suspension_without_reason": participant(tables="\n[suspension]\nsince = 2026-11-01\n"),
    "unknown_suspension_key": participant(
        tables='\n[suspension]\nsince = 2026-11-01\nreason = "other"\nuntil = 2026-12-01\n'
    ),
    "job_without_competitive": participant(tables=JOB.replace("competitive = true\n", "")),
    "job_competitive_as_text": participant(tables=JOB.replace("true", '"yes"')),
    "negative_wage": participant(
        tables=JOB.replace("competitive", "hourly_wage = -1\ncompetitive")
    ),
    "end_reason_without_end": participant(
        tables=JOB.replace("competitive", 'end_reason = "quit"\ncompetitive')
    ),
    "unknown_job_key": participant(tables=JOB.replace("competitive", "salary = 900\ncompetitive")),
    "contact_without_kind": participant(tables="\n[[contacts]]\non = 2026-09-04\n"),
    "unknown_contact_key": participant(tables=CONTACT + 'notes = "typo for note"\n'),
    "task_without_what": participant(tables="\n[[tasks]]\ndue = 2026-11-30\n"),
    "conflict_without_theirs": participant(tables='\n[conflicts.phase]\nours = "plan"\n'),
    "contacts_not_a_list": participant(tables='\n[contacts]\non = 2026-09-04\nkind = "phone"\n'),
    # SPEC §2 value rules that JSON Schema can say (nan needs ipstui validate).
    "date_after_2199": participant({"referred_on": "2200-01-01"}),
    "date_before_1900": participant(tables=CONTACT.replace("2026-09-04", "1899-12-31")),
    "hours_above_168": participant(
        tables=JOB.replace("competitive", "hours_per_week = 168.5\ncompetitive")
    ),
    "hours_inf": participant(
        tables=JOB.replace("competitive", "hours_per_week = inf\ncompetitive")
    ),
    "escape_in_name": participant({"name": '"N\\u001b]0;pwned\\u0007"'}),
    "new_line_in_name": participant({"name": '"two\\nlines"'}),
    "tab_in_task": participant(tables='\n[[tasks]]\ndue = 2026-11-30\nwhat = "a\\tb"\n'),
    "del_in_employer": participant(tables=JOB.replace('"Forno Navile"', '"Forno\\u007fNavile"')),
    "c1_in_goal": participant({"goals": '["ok", "csi\\u009b"]'}),
    "bidi_in_notes": participant({"notes": '"a\\u202eb"'}),
    "escape_in_contact_note": participant(tables=CONTACT + 'note = "x\\u001b[2J"\n'),
    "escape_in_conflict_value": participant(
        tables='\n[conflicts.name]\nours = "a"\ntheirs = "b\\u001b"\n'
    ),
}


def write_cases(tmp_path: Path, cases: dict[str, str]) -> list[Path]:
    files = []
    for name, text in cases.items():
        tomllib.loads(text)  # every case is valid TOML: only the schema may reject it
        f = tmp_path / f"{name}.toml"
        f.write_text(text, encoding="utf-8")
        files.append(f)
    return files


def test_sample_participants_pass_check_jsonschema(tmp_path: Path) -> None:
    assert len(SAMPLE_FILES) >= 50
    code, report = run_cli(PARTICIPANT_SCHEMA, SAMPLE_FILES, tmp_path)
    assert (code, report["status"], failed_files(report)) == (0, "ok", set())


def test_good_participants_pass_check_jsonschema(tmp_path: Path) -> None:
    code, report = run_cli(PARTICIPANT_SCHEMA, write_cases(tmp_path, GOOD_PARTICIPANTS), tmp_path)
    assert (code, failed_files(report)) == (0, set())


def test_every_bad_participant_is_rejected_by_check_jsonschema(tmp_path: Path) -> None:
    files = write_cases(tmp_path, REJECTED)
    code, report = run_cli(PARTICIPANT_SCHEMA, files, tmp_path)
    assert code == 1
    assert report.get("parse_errors", []) == []
    assert failed_files(report) == {f.name for f in files}


@pytest.mark.parametrize("name", list(REJECTED_FIRST))
def test_bad_participant_alone_is_rejected_by_check_jsonschema(tmp_path: Path, name: str) -> None:
    files = write_cases(tmp_path, {name: REJECTED_FIRST[name]})
    code, report = run_cli(PARTICIPANT_SCHEMA, files, tmp_path)
    assert code == 1
    assert failed_files(report) == {f"{name}.toml"}


@pytest.mark.parametrize("name", list(GOOD_PARTICIPANTS))
def test_good_participant_passes_jsonschema_library(name: str) -> None:
    assert lib_errors(PARTICIPANT_SCHEMA, GOOD_PARTICIPANTS[name]) == []


@pytest.mark.parametrize("name", list(REJECTED))
def test_bad_participant_fails_jsonschema_library(name: str) -> None:
    assert lib_errors(PARTICIPANT_SCHEMA, REJECTED[name])


def test_quoted_date_is_invisible_to_the_schema() -> None:
    # SPEC §2: JSON Schema tools see TOML dates as strings, so a date written as a
    # quoted string passes the schema; `ipstui validate` reports it instead.
    assert lib_errors(PARTICIPANT_SCHEMA, participant({"phase_since": '"2026-10-02"'})) == []


# ---------------------------------------------------------------- caseload.toml

CASELOAD_BASE = 'schema = 1\nname = "IPS team Bologna Nord"\n'
GOOD_CASELOADS: dict[str, str] = {
    "minimal": CASELOAD_BASE,
    "full": CASELOAD_BASE
    + """as_of = 2026-11-16
due_soon_days = 0
max_caseload = 1
referral_sources = ["CSM", "Self"]
x_region = "Nord"

[team.anna]
name = "Anna Bianchi"
email = "anna@example.org"
max_caseload = 12
x_phone = "051 000000"

[team.b-2_x]
name = "B"

[rules]
first_contact = false
first_contact_days = 0
first_employer_contact_days = 30
benefits_before_job_days = 90
job_start_support = true
job_start_support_days = [3, 7, 30]
stay_in_touch_days = 14
career_profile_after_job_days = 30
program_review = true
program_review_days = 365
task = false
x_note = "ours"

[privacy]
message_values = ["phase", "jobs.hours_per_week"]
""",
}
REJECTED_CASELOADS: dict[str, str] = {
    "missing_schema": 'name = "X"\n',
    "schema_2": 'schema = 2\nname = "X"\n',
    "empty_name": 'schema = 1\nname = ""\n',
    "unknown_key": CASELOAD_BASE + "due_soon = 3\n",
    "due_soon_days_text": CASELOAD_BASE + 'due_soon_days = "3"\n',
    "due_soon_days_negative": CASELOAD_BASE + "due_soon_days = -1\n",
    "max_caseload_zero": CASELOAD_BASE + "max_caseload = 0\n",
    "as_of_datetime": CASELOAD_BASE + "as_of = 2026-11-16T08:00:00\n",
    "sources_not_text": CASELOAD_BASE + "referral_sources = [1, 2]\n",
    "team_key_uppercase": CASELOAD_BASE + '\n[team.Anna]\nname = "Anna"\n',
    "member_without_name": CASELOAD_BASE + '\n[team.anna]\nemail = "a@example.org"\n',
    "member_unknown_key": CASELOAD_BASE + '\n[team.anna]\nname = "Anna"\nphone = "1"\n',
    "member_bad_email": CASELOAD_BASE + '\n[team.anna]\nname = "Anna"\nemail = "anna"\n',
    "unknown_rule": CASELOAD_BASE + "\n[rules]\nfirst_contact_dayz = 7\n",
    "rule_switch_not_bool": CASELOAD_BASE + '\n[rules]\nprogram_review = "yes"\n',
    "rule_days_negative": CASELOAD_BASE + "\n[rules]\nstay_in_touch_days = -2\n",
    "task_days": CASELOAD_BASE + "\n[rules]\ntask_days = 3\n",
    "job_start_support_two": CASELOAD_BASE + "\n[rules]\njob_start_support_days = [3, 7]\n",
    "job_start_support_int": CASELOAD_BASE + "\n[rules]\njob_start_support_days = 3\n",
    "rule_days_beyond_ten_years": CASELOAD_BASE + "\n[rules]\nstay_in_touch_days = 100000\n",
    "due_soon_days_huge": CASELOAD_BASE + "due_soon_days = 400\n",
    "as_of_year_9999": CASELOAD_BASE + "as_of = 9999-12-31\n",
    "escape_in_source": CASELOAD_BASE + 'referral_sources = ["CSM\\u001b[2J"]\n',
    "privacy_not_a_list": CASELOAD_BASE + '\n[privacy]\nmessage_values = "phase"\n',
    "privacy_unknown_key": CASELOAD_BASE + '\n[privacy]\nhide = ["phase"]\n',
}


def test_sample_caseload_passes_check_jsonschema(tmp_path: Path) -> None:
    code, report = run_cli(CASELOAD_SCHEMA, [SAMPLE / "caseload.toml"], tmp_path)
    assert (code, failed_files(report)) == (0, set())


def test_good_caseloads_pass_check_jsonschema(tmp_path: Path) -> None:
    code, report = run_cli(CASELOAD_SCHEMA, write_cases(tmp_path, GOOD_CASELOADS), tmp_path)
    assert (code, failed_files(report)) == (0, set())


def test_every_bad_caseload_is_rejected_by_check_jsonschema(tmp_path: Path) -> None:
    files = write_cases(tmp_path, REJECTED_CASELOADS)
    code, report = run_cli(CASELOAD_SCHEMA, files, tmp_path)
    assert code == 1
    assert failed_files(report) == {f.name for f in files}


@pytest.mark.parametrize("name", list(REJECTED_CASELOADS))
def test_bad_caseload_fails_jsonschema_library(name: str) -> None:
    assert lib_errors(CASELOAD_SCHEMA, REJECTED_CASELOADS[name])


# ---------------------------------------------------------------- the sample caseload


def sample() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    caseload = tomllib.loads((SAMPLE / "caseload.toml").read_text(encoding="utf-8"))
    people = {f.stem: tomllib.loads(f.read_text(encoding="utf-8")) for f in SAMPLE_FILES}
    return caseload, people


def test_sample_is_up_to_date_with_its_generator(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_sample.py"), "--check"],
        capture_output=True,
        text=True,
        env=dict(os.environ, HOME=str(tmp_path)),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    for out in (tmp_path / "a", tmp_path / "b"):
        subprocess.run(
            [sys.executable, str(ROOT / "tools" / "make_sample.py"), "--out", str(out)],
            check=True,
            capture_output=True,
            env=dict(os.environ, HOME=str(tmp_path)),
            timeout=120,
        )
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.toml")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.toml")}
    employers = len(list((SAMPLE / "employers").glob("*.toml")))
    assert a == b and len(a) == len(SAMPLE_FILES) + employers + 1


def test_sample_is_semantically_consistent() -> None:
    caseload, people = sample()
    as_of = caseload["as_of"]
    assert as_of == date(2026, 11, 16)
    for stem, p in people.items():
        assert p["id"] == stem and model.is_valid_id(stem)
        assert p["specialist"] in caseload["team"]
        assert p.get("referral_source") in caseload["referral_sources"]
        assert (p["phase"] == "closed") == ("closure" in p), stem
        assert p["referred_on"] <= p["phase_since"] <= as_of, stem
        contacts = p.get("contacts", [])
        dates = [c["on"] for c in contacts]
        assert dates == sorted(dates), stem
        assert all(p["referred_on"] <= x <= as_of for x in dates), stem
        assert all(c.get("by", p["specialist"]) in caseload["team"] for c in contacts)
        first = next((x for x in dates if x >= p["referred_on"]), None)
        assert p.get("first_contact_on") == first, stem
        if "enrolled_on" in p:
            emp = [c["on"] for c in contacts if c["kind"] == "employer"]
            first_emp = next((x for x in emp if x >= p["enrolled_on"]), None)
            assert p.get("first_employer_contact_on") == first_emp, stem
        else:
            assert "first_employer_contact_on" not in p
        for job in p.get("jobs", []):
            assert job.get("end", job["start"]) >= job["start"], stem
            assert ("end_reason" in job) == ("end" in job), stem
        for task in p.get("tasks", []):
            assert task.get("done_on", as_of) <= as_of
        for key in model.TOP_KEYS:
            if key != "notes":
                assert p.get(key) != "", (stem, key)


def test_sample_shows_a_varied_board() -> None:
    caseload, people = sample()
    phases = [p["phase"] for p in people.values()]
    assert set(phases) == set(model.PHASES)
    assert sum(p == "closed" for p in phases) >= 5
    assert sum("suspension" in p for p in people.values()) >= 3
    years = {p["referred_on"].year for p in people.values()}
    assert {2024, 2025, 2026} <= years
    jobs = [j for p in people.values() for j in p.get("jobs", [])]
    assert any("end" in j for j in jobs) and any("end" not in j for j in jobs)
    assert any(not j["competitive"] for j in jobs)
    settings = Settings.from_dict(caseload)
    load: dict[str, int] = {}
    for p in people.values():
        if p["phase"] != "closed":
            load[p["specialist"]] = load.get(p["specialist"], 0) + 1
    over = [k for k, n in load.items() if n > settings.max_for(k)]
    assert len(over) == 1, load


def test_sample_produces_every_rule_in_every_state() -> None:
    caseload, people = sample()
    settings = Settings.from_dict(caseload)
    today = caseload["as_of"]
    seen: set[tuple[str, str]] = set()
    urgent_per_person = []
    for p in people.values():
        ds = deadlines(p, settings, today)
        seen |= {(x.rule, x.state) for x in ds}
        urgent_per_person.append(sum(x.state != "upcoming" for x in ds))
    assert seen == {(r, s) for r in model.RULE_NAMES for s in STATES}
    # A realistic mix, not a wall of red: nobody has more than two urgent deadlines.
    assert max(urgent_per_person) <= 2
    assert sum(n > 0 for n in urgent_per_person) <= len(people) // 2


EMPLOYER_SCHEMA = ROOT / "schema" / "employer.schema.json"
EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Coop"\nnotes = "a\\nb"\n'


@pytest.mark.parametrize(
    "text, bad",
    [
        (EMPLOYER, False),
        (EMPLOYER.replace('"Coop"', '"Co\\u001b[2Jop"'), True),
        (EMPLOYER.replace('"a\\nb"', '"a\\u202eb"'), True),
        (EMPLOYER + '\n[[contacts]]\non = 9999-12-31\nby = "anna"\n', True),
    ],
)
def test_employer_files_follow_the_same_text_and_date_rules(text: str, bad: bool) -> None:
    """SPEC §11: employer files follow the participant files' value rules (SPEC §2)."""
    assert bool(lib_errors(EMPLOYER_SCHEMA, text)) is bad
