"""The demo's past (SPEC §12): the sample replayed as one commit per step, on each step's
own date, by its specialist — and the commits are the ones `caseload.save` makes.

The check that every step is a valid record and both replays through the two paths
(one participant, and the three of `THREE`, 129 saves) run under `pytest -m slow`
(.ci/run), outside the README's quick run (issue 12: the quick run under 2 minutes)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import audit, caseload, demo_history, edits, storage
from ipstui.core.caseload import load_for_edit, validate_data
from ipstui.core.demo import make_demo
from ipstui.core.resources import SAMPLE_DIR

AS_OF_KEY = "as_of"


def _sample() -> tuple[list[dict], date, dict]:
    settings = storage.read_file(SAMPLE_DIR / "caseload.toml")[0]
    files = sorted((SAMPLE_DIR / "participants").glob("*.toml"))
    return [storage.read_file(f)[0] for f in files], settings[AS_OF_KEY], settings


def _employers() -> list[dict]:
    return [storage.read_file(f)[0] for f in sorted((SAMPLE_DIR / "employers").glob("*.toml"))]


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_every_step_is_a_valid_record_written_as_the_app_writes_it(
    sample_caseload: Path,
) -> None:
    from ipstui.core import employers

    people, as_of, settings = _sample()
    emps = _employers()
    cl = load_for_edit(sample_caseload, None)  # any caseload with the sample's team
    steps = demo_history.sample_steps(people, emps, as_of)
    texts, etexts = demo_history.TextCache(), demo_history.TextCache(employers.dumps)
    assert not [s for s in steps if s.rank == demo_history.R_FIXUP]  # the steps explain it all
    last: dict[str, dict] = {}
    for s in steps:
        text = demo_history.text_for(s, texts, etexts)
        if s.record.startswith("employers/"):
            assert text == employers.dumps(s.data)
            assert employers.check(s.data, s.record, text, settings["team"]) == [], s.record
        else:
            assert text == storage.dumps(s.data), s.record
            assert validate_data(cl, s.data) == [], (s.record, s.on)
        last[s.record] = s.data
    want = {f"participants/{p['id']}.toml": p for p in people}
    want.update({f"employers/{e['id']}.toml": e for e in emps})
    assert last == want
    # An employer exists before the first job or contact that names it.
    created = {s.record: s.on for s in steps if s.rank == demo_history.R_CREATE}
    for p in people:
        for j in p.get("jobs", []):
            if "employer_id" in j:
                assert created[f"employers/{j['employer_id']}.toml"] <= j["start"]


def test_steps_are_in_date_order_by_team_members_within_each_record() -> None:
    people, as_of, settings = _sample()
    steps = demo_history.sample_steps(people, [], as_of)
    assert [s.on for s in steps] == sorted(s.on for s in steps)
    assert {s.author for s in steps} <= set(settings["team"])
    assert len({s.author for s in steps}) == len(settings["team"])
    for p in people:
        mine = [s for s in steps if s.record == f"participants/{p['id']}.toml"]
        assert mine[0].rank == demo_history.R_CREATE and mine[0].on == p["referred_on"]
        assert mine[0].data["phase"] == "intake" and mine[0].data["notes"] == ""
        assert all(p["referred_on"] <= s.on <= as_of for s in mine)
        # A phase move is a step of its own on the date the file says the phase began.
        moves = [s for s in mine if s.rank == demo_history.R_MOVE]
        if p["phase"] != "intake":
            assert moves[-1].on == p["phase_since"] and moves[-1].data["phase"] == p["phase"]


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_demo_history_spans_months_and_passes_the_convention(sample_caseload: Path) -> None:
    """On the sample as `make_demo` builds it at its as-of date (conftest's template; the
    demo moved to a later day is tests/test_cli_edits.py's `demo` command test)."""
    people, as_of, settings = _sample()
    root = sample_caseload
    assert git(root, "status", "--porcelain") == ""
    dates = [datetime.fromisoformat(x).date() for x in git(root, "log", "--format=%aI").split()]
    assert max(dates) <= as_of and (max(dates) - min(dates)).days > 365
    authors = set(git(root, "log", "--format=%an").split("\n")) - {""}
    assert authors == {m["name"] for m in settings["team"].values()}
    # Every commit touches one record with the convention; the only breaches are
    # sensitive values the message builder still writes (SPEC §5, fixed in issue 10).
    res = audit.check(root)
    assert res.checked == len(dates) - 1
    assert {b.problem for b in res.breaches} <= {"the message holds the value of a sensitive field"}
    assert len(audit.audit(root, since=date(2026, 11, 1))) > 20


def _as(name: str, email: str, when: datetime) -> dict[str, str]:
    stamp = when.isoformat()
    return {
        "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
    }  # fmt: skip


THREE = ("P-0006", "P-0019", "P-0029")
"""A closed participant, one with jobs and tasks and a suspended one: the three with the
fewest steps (129) whose commits hold every kind of message the first closed, first with
jobs and tasks and first suspended did (181 steps, each a save), and notes edits."""


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    "ids",
    [
        pytest.param(("P-0019",), id="jobs-tasks-suspended"),
        pytest.param(THREE, id="three"),
    ],
)
def test_fast_import_makes_the_commits_caseload_save_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ids: tuple[str, ...]
) -> None:
    """Part of the sample replayed twice: through `edits`/`caseload.save` (one git commit
    per step, dates in the environment) and through the fast path; same log, same tree.

    The three of THREE (129 saves, interleaved by date), and the one with jobs, tasks and
    a suspension alone (the most kinds of step) as a shorter case."""
    people, as_of, settings = _sample()
    # None has an empty list (`jobs = []`): a new participant is written without one.
    chosen = [p for p in people if p["id"] in ids]
    if ids == THREE:
        assert [p["phase"] == "closed" for p in chosen] == [True, False, False]
    rich = next(p for p in chosen if p["id"] == "P-0019")
    assert rich.get("jobs") and rich.get("tasks") and "suspension" in rich
    assert not [k for p in chosen for k, v in p.items() if v == []]
    steps = demo_history.sample_steps(chosen, [], as_of)
    team = settings["team"]
    setup = {"caseload.toml": (SAMPLE_DIR / "caseload.toml").read_bytes()}

    def fresh(name: str) -> Path:
        root = tmp_path / name
        root.mkdir()
        git(root, "init", "-q")
        return root

    fast = fresh("fast")
    demo_history.write_history(fast, steps, team, setup, ("X", "x@example.org"))
    git(fast, "reset", "-q", "--hard")

    slow = fresh("slow")
    stamps = demo_history.stamps(steps)
    (slow / "caseload.toml").write_bytes(setup["caseload.toml"])
    lead = team[next(iter(team))]
    for k, v in _as(lead["name"], lead["email"], stamps[0] - timedelta(days=1)).items():
        monkeypatch.setenv(k, v)
    git(slow, "add", "caseload.toml")
    git(slow, "commit", "-qm", "caseload: team settings")
    for step, at in zip(steps, stamps, strict=True):
        member = team[step.author]
        for k, v in _as(member["name"], member["email"], at).items():
            monkeypatch.setenv(k, v)
        pid = step.record.split("/")[1][:-5]
        if step.rank == demo_history.R_CREATE:
            cl = load_for_edit(slow, None)
            d = step.data
            res = edits.new_participant(
                cl, name=d["name"], specialist=d["specialist"],
                referral_source=d["referral_source"], today=d["phase_since"],
                referred_on=d.get("referred_on"), pid=pid,
            )  # fmt: skip
            assert res.participant.data == d
        else:
            cl = load_for_edit(slow, pid)
            caseload.save(cl, caseload.read_participant(cl, pid), step.data)

    fmt = "--format=%an <%ae> %aI %cn <%ce> %cI%n%B"
    assert git(fast, "log", fmt, "--", "participants") == git(
        slow, "log", fmt, "--", "participants"
    )
    assert git(fast, "rev-parse", "HEAD^{tree}") == git(slow, "rev-parse", "HEAD^{tree}")


def test_employer_files_are_created_before_the_jobs_that_name_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, sample)
    for folder in ("participants", "employers"):
        shutil.rmtree(sample / folder, ignore_errors=True)
        (sample / folder).mkdir()
    (sample / "employers" / "E-0001.toml").write_text(
        'schema = 1\nid = "E-0001"\nname = "Forno Navile"\nnotes = ""\n\n'
        '[[contacts]]\non = 2026-10-20\nby = "mette"\nface_to_face = true\n'
        'purpose = "job_development"\nnote = "Asked about seasonal hiring."\n'
    )
    (sample / "participants" / "P-0001.toml").write_text(
        'schema = 1\nid = "P-0001"\nname = "Sam R."\nspecialist = "anna"\nphase = "follow_up"\n'
        'phase_since = 2026-10-05\nreferral_source = "CSM"\nreferred_on = 2026-09-01\n'
        'notes = ""\n\n[[jobs]]\nemployer = "Forno Navile"\nemployer_id = "E-0001"\n'
        "start = 2026-10-05\ncompetitive = true\n"
    )
    as_of = storage.read_file(sample / "caseload.toml")[0][AS_OF_KEY]
    root = make_demo(tmp_path / "demo", today=as_of, sample=sample)
    log = git(root, "log", "--reverse", "--format=%aI %an|%s|%(trailers:key=Employer,valueonly)")
    lines = [ln for ln in log.splitlines() if ln.strip()]
    created = next(i for i, ln in enumerate(lines) if "|E-0001: new employer|" in ln)
    job = next(i for i, ln in enumerate(lines) if "P-0001: add job" in ln)
    assert created < job
    assert "2026-10-05" in lines[created] and lines[created].endswith("|E-0001")
    assert any(ln.startswith("2026-10-20") and "Mette" in ln and "E-0001" in ln for ln in lines)
    assert git(root, "status", "--porcelain") == ""
    assert (
        subprocess.run(
            ["git", "-C", str(root), "cat-file", "-e", "HEAD:employers/E-0001.toml"], env=os.environ
        ).returncode
        == 0
    )


def test_stamps_stay_within_the_working_day_and_in_order() -> None:
    day = date(2026, 11, 3)
    steps = [demo_history.Step(day, 1, i, "participants/P-1.toml", "anna", {}) for i in range(500)]
    steps.append(demo_history.Step(date(2026, 11, 4), 1, 500, "participants/P-1.toml", "anna", {}))
    when = demo_history.stamps(steps)
    assert when == sorted(when) and len(set(when)) == len(when)
    assert all(w.date() == s.on and 9 <= w.hour < 18 for w, s in zip(when, steps, strict=True))
