"""The editing commands end to end (SPEC §5, §7): one commit per command containing one
file, the message convention, no free text in git, and every refusal leaving the
caseload exactly as it was. Plus `log`, `due`, `demo` and how the caseload is found."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import CASELOAD_TOML, commit_count, git

from ipstui import cli
from ipstui.core import edits, storage
from ipstui.core.caseload import StaleEdit, UncommittedFile, load
from ipstui.core.demo import make_demo, shift
from ipstui.core.resources import SAMPLE_DIR

PROJECT_DIR = Path(__file__).resolve().parents[1]
"""The source checkout these tests run in."""

TODAY = "2026-11-16"
NAME = 'Zelda "Secretname" Quux'
NOTE = "contact-note-secret: met at the cafe"
NOTES = "notes-secret: prefers mornings"
RULE_KEYS = {"participant", "specialist", "rule", "due", "state"}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`ipstui ARGS -C root --today TODAY` in this process; argparse exits become codes."""

    def _run(*args: str, root: Path | None = None, today: str | None = TODAY) -> Result:
        argv = [*args]
        if root is not None:
            argv += ["-C", str(root)]
        if today is not None:
            argv += ["--today", today]
        capsys.readouterr()
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


def run_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "ipstui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or PROJECT_DIR,
        timeout=60,
    )


def head_files(root: Path) -> list[str]:
    return git(root, "show", "--name-only", "--format=", "HEAD").split()


def head_message(root: Path) -> str:
    return git(root, "log", "-1", "--format=%B")


def head_subject(root: Path) -> str:
    return git(root, "log", "-1", "--format=%s").strip()


def trailer(root: Path, key: str) -> str:
    return git(root, "log", "-1", f"--format=%(trailers:key={key},valueonly)").strip()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (outside .git), to prove nothing changed."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def status(root: Path) -> str:
    return git(root, "status", "--porcelain", "--untracked-files=all")


def assert_one_commit(root: Path, before: int, pid: str) -> str:
    """Exactly one new commit, holding only the participant's file; returns its message."""
    assert commit_count(root) == before + 1
    assert head_files(root) == [f"participants/{pid}.toml"]
    assert status(root) == ""
    msg = head_message(root)
    subject = msg.splitlines()[0]
    assert subject.startswith(f"{pid}: ") and len(subject) <= 72
    assert trailer(root, "Participant") == pid
    assert trailer(root, "Changed")
    assert git(root, "log", "-1", "--format=%an <%ae>").strip() == "Anna Bianchi <anna@example.org>"
    for secret in (NAME, "Secretname", NOTE, NOTES, "contact-note-secret", "notes-secret"):
        assert secret not in msg
    return msg


_TEMPLATES: dict[str, Path] = {}


def _new(run: Run, root: Path, name: str, spec: str, referred: str, *extra: str) -> None:
    res = run(
        "new",
        "--name",
        name,
        "--specialist",
        spec,
        "--referral-source",
        "CSM",
        "--referred-on",
        referred,
        *extra,
        root=root,
        today=referred,
    )
    assert res.code == 0, res.err


def _from_template(key: str, build: Callable[[Path], None], tmp_path: Path) -> Path:
    """Build a caseload once per session, then give each test its own copy (fast setup).

    The caseload is the one of conftest's `caseload_dir` (anna and mette, max 2)."""
    if key not in _TEMPLATES:
        from ipstui.core.init import init_caseload

        template = tmp_path.parent / f"template-{key}"
        root = init_caseload(template, name="Test team", specialists=["anna=A", "mette=M"])
        (root / "caseload.toml").write_text(CASELOAD_TOML)
        git(root, "commit", "-qam", "test settings")
        build(root)
        _TEMPLATES[key] = root
    target = tmp_path / "cl"
    shutil.copytree(_TEMPLATES[key], target, symlinks=True)
    return target


@pytest.fixture
def one(run: Run, tmp_path: Path) -> Path:
    """The test caseload with P-0001 (intake since 2026-11-01) committed."""
    return _from_template("one", lambda root: _new(run, root, NAME, "anna", "2026-11-01"), tmp_path)


# ---------------------------------------------------------------------------- init


def test_init_creates_a_committed_caseload(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "team"
    res = run("init", str(target), "--name", "Team X", "--specialist", "anna=Anna Bianchi")
    assert res.code == 0, res.err
    assert commit_count(target) == 1 and status(target) == ""
    assert sorted(head_files(target)) == [
        ".gitattributes",
        "caseload.toml",
        "participants/.gitkeep",
    ]
    assert (target / ".gitattributes").read_text() == (
        "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"
    )
    assert git(target, "config", "--get", "merge.ipstui.driver").strip()
    settings = storage.read_file(target / "caseload.toml")[0]
    assert settings["name"] == "Team X" and "anna" in settings["team"]
    assert run("validate", root=target).code == 0
    # A second init refuses and changes nothing.
    before = snapshot(target)
    again = run("init", str(target))
    assert again.code != 0 and len(again.err_lines) == 1
    assert snapshot(target) == before and commit_count(target) == 1


def test_init_default_specialist_is_the_git_user(tmp_path: Path, run: Run) -> None:
    res = run("init", str(tmp_path / "t"))
    assert res.code == 0, res.err
    team = storage.read_file(tmp_path / "t" / "caseload.toml")[0]["team"]
    assert team == {"anna": {"name": "Anna Bianchi", "email": "anna@example.org"}}


# ----------------------------------------------------------------------------- new


def test_new_makes_one_commit_and_prints_the_id(caseload_dir: Path, run: Run) -> None:
    before = commit_count(caseload_dir)
    res = run(
        "new",
        "--name",
        NAME,
        "--specialist",
        "mette",
        "--referral-source",
        "CSM",
        root=caseload_dir,
    )
    assert res.code == 0, res.err
    assert res.out.strip() == "P-0001"
    msg = assert_one_commit(caseload_dir, before, "P-0001")
    assert msg.splitlines()[0] == "P-0001: new participant"
    assert "phase: (none) -> intake" in msg
    assert trailer(caseload_dir, "Changed") == "new"
    data = storage.read_file(caseload_dir / "participants" / "P-0001.toml")[0]
    assert data["name"] == NAME and data["phase"] == "intake"
    assert data["phase_since"] == data["referred_on"] == date(2026, 11, 16)
    # Next free id; an explicit id is used as given.
    again = run(
        "new", "--name", "B", "--specialist", "anna", "--referral-source", "Self", root=caseload_dir
    )
    assert again.out.strip() == "P-0002"
    third = run(
        "new",
        "--name",
        "C",
        "--specialist",
        "anna",
        "--referral-source",
        "Self",
        "--id",
        "bo-7",
        root=caseload_dir,
    )
    assert third.out.strip() == "bo-7"
    assert_one_commit(caseload_dir, before + 2, "bo-7")


# ---------------------------------------------------------------------------- move


def test_move_subject_body_trailers(one: Path, run: Run) -> None:
    before = commit_count(one)
    res = run("move", "P-0001", "engagement", root=one)
    assert res.code == 0, res.err
    msg = assert_one_commit(one, before, "P-0001")
    lines = msg.splitlines()
    assert lines[0] == "P-0001: phase intake -> engagement"
    assert "phase: intake -> engagement" in lines
    assert "phase_since: 2026-11-01 -> 2026-11-16" in lines
    assert trailer(one, "Changed") == "phase, phase_since"
    assert re.search(r"\n\nParticipant: P-0001\nChanged: phase, phase_since\n*$", msg)


def test_move_to_closed_with_reason(one: Path, run: Run) -> None:
    before = commit_count(one)
    res = run("move", "P-0001", "closed", "--reason", "moved", root=one)
    assert res.code == 0, res.err
    msg = assert_one_commit(one, before, "P-0001")
    assert msg.splitlines()[0] == "P-0001: phase intake -> closed (moved)"
    data = storage.read_file(one / "participants" / "P-0001.toml")[0]
    assert data["closure"] == {"on": date(2026, 11, 16), "reason": "moved"}
    # Reopening drops the closure.
    assert run("move", "P-0001", "job_search", root=one).code == 0
    assert "closure" not in storage.read_file(one / "participants" / "P-0001.toml")[0]
    assert head_subject(one) == "P-0001: phase closed -> job_search"


# ------------------------------------------------------------------------- contact


def test_contact_appends_and_commits(one: Path, run: Run) -> None:
    path = one / "participants" / "P-0001.toml"
    before = commit_count(one)
    res = run("contact", "P-0001", "--kind", "phone", "--note", NOTE, "--by", "mette", root=one)
    assert res.code == 0, res.err
    msg = assert_one_commit(one, before, "P-0001")
    assert msg.startswith("P-0001: add contact (phone)")
    assert "contacts[0]: added (phone, 2026-11-16)" in msg
    assert "first_contact_on: (none) -> 2026-11-16" in msg  # the milestone it completes
    text1 = path.read_text()
    assert NOTE in text1
    # A second contact: exactly the SPEC example, and lines only added at the end.
    res = run("contact", "P-0001", "--kind", "meeting", "--on", "2026-11-17", root=one,
              today="2026-11-17")  # a contact is logged once it happened (edits.not_after_today)
    assert res.code == 0, res.err
    msg = assert_one_commit(one, before + 1, "P-0001")
    assert msg.splitlines()[0] == "P-0001: add contact (meeting)"
    assert trailer(one, "Changed") == "contacts"
    text2 = path.read_text()
    assert text2.startswith(text1)
    assert text2[len(text1) :] == '\n[[contacts]]\non = 2026-11-17\nkind = "meeting"\n'


def test_contact_employer_and_benefits_fill_milestones(one: Path, run: Run) -> None:
    assert run("set", "P-0001", "enrolled_on=2026-11-05", root=one).code == 0
    assert run("contact", "P-0001", "--kind", "employer", "--on", "2026-11-10", root=one).code == 0
    assert "first_employer_contact_on: (none) -> 2026-11-10" in head_message(one)
    assert run("contact", "P-0001", "--kind", "benefits", "--on", "2026-11-12", root=one).code == 0
    data = storage.read_file(one / "participants" / "P-0001.toml")[0]
    assert data["first_employer_contact_on"] == date(2026, 11, 10)
    assert data["benefits_counseling_on"] == date(2026, 11, 12)


# ----------------------------------------------------------------------------- set


def test_set_typed_fields_one_commit(one: Path, run: Run) -> None:
    before = commit_count(one)
    res = run(
        "set", "P-0001", "enrolled_on=2026-11-10", "disclosure=yes", "goals=cook, driver", root=one
    )
    assert res.code == 0, res.err
    msg = assert_one_commit(one, before, "P-0001")
    assert "enrolled_on: (none) -> 2026-11-10" in msg
    assert "disclosure: changed" in msg and "yes" not in msg  # SPEC §5: value never shown
    assert "goals" in trailer(one, "Changed")
    text = (one / "participants" / "P-0001.toml").read_text()
    assert "enrolled_on = 2026-11-10\n" in text  # a TOML date, not a string
    assert 'goals = ["cook", "driver"]\n' in text


def test_set_one_safe_field_subject(one: Path, run: Run) -> None:
    assert run("set", "P-0001", "support_mode=direct", root=one).code == 0
    assert head_subject(one) == "P-0001: support_mode (none) -> direct"
    assert run("set", "P-0001", "support_mode=behind_the_scenes", root=one).code == 0
    assert head_subject(one) == "P-0001: support_mode direct -> behind_the_scenes"
    assert "support_mode: direct -> behind_the_scenes" in head_message(one)
    # disclosure is named, never its value (SPEC §5)
    assert run("set", "P-0001", "disclosure=undecided", root=one).code == 0
    assert head_subject(one) == "P-0001: set disclosure"
    assert "disclosure: changed" in head_message(one)
    assert "undecided" not in head_message(one)


def test_set_free_text_never_in_git(one: Path, run: Run) -> None:
    before = commit_count(one)
    assert run("set", "P-0001", f"notes={NOTES}", root=one).code == 0
    assert_one_commit(one, before, "P-0001")
    assert run("set", "P-0001", "name=Other Secretname", root=one).code == 0
    msg = assert_one_commit(one, before + 1, "P-0001")
    assert "Other" not in msg
    assert "name" in trailer(one, "Changed")
    assert NOTES in (one / "participants" / "P-0001.toml").read_text()


def test_long_subject_is_cut_to_72(one: Path, run: Run) -> None:
    res = run(
        "set",
        "P-0001",
        "enrolled_on=2026-11-10",
        "first_contact_on=2026-11-02",
        "first_employer_contact_on=2026-11-11",
        "benefits_counseling_on=2026-11-12",
        "career_profile_updated_on=2026-11-13",
        "disclosure=yes",
        "support_mode=direct",
        root=one,
    )
    assert res.code == 0, res.err
    subject = head_subject(one)
    assert subject.startswith("P-0001: ") and len(subject) <= 72


def test_no_free_text_in_any_commit_message(one: Path, run: Run) -> None:
    for args in (
        ("contact", "P-0001", "--kind", "phone", "--note", NOTE),
        ("set", "P-0001", f"notes={NOTES}"),
        ("move", "P-0001", "engagement"),
        ("contact", "P-0001", "--kind", "family", "--note", NOTE + " again", "--on", "2026-11-15"),
        ("set", "P-0001", f"name={NAME} Junior", "strengths=secret-strength"),
    ):
        assert run(*args, root=one).code == 0
    log = git(one, "log", "--format=%B")
    for secret in (
        NAME,
        "Secretname",
        NOTE,
        "contact-note-secret",
        NOTES,
        "notes-secret",
        "secret-strength",
    ):
        assert secret not in log


# ------------------------------------------------------------------ subprocess edit


def test_edit_through_a_real_subprocess(one: Path) -> None:
    before = commit_count(one)
    proc = run_subprocess("-C", str(one), "move", "P-0001", "plan", "--today", TODAY)
    assert proc.returncode == 0, proc.stderr
    assert "P-0001: phase intake -> plan" in proc.stdout
    msg = assert_one_commit(one, before, "P-0001")
    assert msg.splitlines()[0] == "P-0001: phase intake -> plan"
    bad = run_subprocess("-C", str(one), "move", "P-0001", "closed", "--today", TODAY)
    assert bad.returncode != 0
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert commit_count(one) == before + 1


# ------------------------------------------------------------------- bad input

BAD_INPUTS: list[tuple[str, tuple[str, ...], str]] = [
    ("unknown id", ("move", "P-0099", "plan"), "no participant"),
    ("unknown id contact", ("contact", "P-0099", "--kind", "phone"), "no participant"),
    ("bad date set", ("set", "P-0001", "enrolled_on=2026-02-30"), "not a date"),
    ("bad date format set", ("set", "P-0001", "enrolled_on=10/11/2026"), "not a date"),
    ("bad date contact", ("contact", "P-0001", "--kind", "phone", "--on", "2026-13-01"), "date"),
    (
        "bad date new",
        (
            "new",
            "--name",
            "X",
            "--specialist",
            "anna",
            "--referral-source",
            "CSM",
            "--referred-on",
            "yesterday",
        ),
        "date",
    ),
    ("unknown phase", ("move", "P-0001", "waiting"), "unknown phase"),
    ("same phase", ("move", "P-0001", "intake"), "already"),
    ("hostile id move", ("move", "../x", "plan"), "not a valid participant id"),
    ("hostile id set", ("set", "../../caseload", "name=x"), "not a valid participant id"),
    (
        "hostile id log-like",
        ("contact", "/etc/passwd", "--kind", "phone"),
        "not a valid participant id",
    ),
    (
        "hostile id new",
        ("new", "--name", "X", "--specialist", "anna", "--referral-source", "CSM", "--id", "../x"),
        "not a valid participant id",
    ),
    ("closed without reason", ("move", "P-0001", "closed"), "reason"),
    ("closed bad reason", ("move", "P-0001", "closed", "--reason", "bored"), "closure reason"),
    ("reason without closed", ("move", "P-0001", "plan", "--reason", "moved"), "reason"),
    (
        "unknown specialist new",
        ("new", "--name", "X", "--specialist", "zed", "--referral-source", "CSM"),
        "unknown specialist",
    ),
    (
        "unknown specialist by",
        ("contact", "P-0001", "--kind", "phone", "--by", "zed"),
        "unknown specialist",
    ),
    ("unknown specialist set", ("set", "P-0001", "specialist=zed"), "unknown specialist"),
    ("unknown field set", ("set", "P-0001", "bogus=1"), "cannot set 'bogus'"),
    ("typo field set", ("set", "P-0001", "refered_on=2026-11-02"), "cannot set 'refered_on'"),
    ("id field set", ("set", "P-0001", "id=P-0002"), "cannot set 'id'"),
    ("phase via set", ("set", "P-0001", "phase=plan"), "move"),
    ("required removed", ("set", "P-0001", "name="), "required"),
    ("not an assignment", ("set", "P-0001", "notes"), "FIELD=VALUE"),
    ("enum value set", ("set", "P-0001", "disclosure=maybe"), "disclosure"),
    ("unknown kind", ("contact", "P-0001", "--kind", "email"), "contact kind"),
    (
        "empty name",
        ("new", "--name", "  ", "--specialist", "anna", "--referral-source", "CSM"),
        "name",
    ),
    (
        "existing id",
        (
            "new",
            "--name",
            "X",
            "--specialist",
            "anna",
            "--referral-source",
            "CSM",
            "--id",
            "P-0001",
        ),
        "exists",
    ),
]


@pytest.mark.parametrize(("case", "args", "words"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_refused_cleanly(
    one: Path, run: Run, case: str, args: tuple[str, ...], words: str
) -> None:
    before, files = commit_count(one), snapshot(one)
    res = run(*args, root=one)
    assert res.code != 0
    assert len(res.err_lines) == 1, res.err
    assert res.err.startswith("ipstui: ")
    assert words.lower() in res.err.lower()
    assert "Traceback" not in res.err
    assert res.out == ""
    assert commit_count(one) == before
    assert status(one) == ""
    assert snapshot(one) == files


# -------------------------------------------------------------- no identity


@pytest.fixture
def no_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
    ):
        monkeypatch.delenv(var, raising=False)


EDITS: list[tuple[str, ...]] = [
    ("new", "--name", "X", "--specialist", "anna", "--referral-source", "CSM"),
    ("move", "P-0001", "plan"),
    ("contact", "P-0001", "--kind", "phone"),
    ("set", "P-0001", "disclosure=yes"),
]


@pytest.mark.parametrize("args", EDITS, ids=[a[0] for a in EDITS])
def test_no_identity_refuses_and_writes_nothing(
    one: Path, run: Run, no_identity: None, args: tuple[str, ...]
) -> None:
    assert "user.name" not in (Path(os.environ["GIT_CONFIG_GLOBAL"]).read_text())
    before, files = commit_count(one), snapshot(one)
    res = run(*args, root=one)
    assert res.code != 0
    assert len(res.err_lines) == 1
    assert "no git identity" in res.err and "git config" in res.err and "user.name" in res.err
    assert commit_count(one) == before and status(one) == "" and snapshot(one) == files


def test_identity_from_repository_config(one: Path, run: Run, no_identity: None) -> None:
    git(one, "config", "user.name", "Mette Hansen")
    git(one, "config", "user.email", "mette@example.org")
    assert run("move", "P-0001", "plan", root=one).code == 0
    assert git(one, "log", "-1", "--format=%an <%ae>").strip() == "Mette Hansen <mette@example.org>"


def test_init_without_identity_writes_nothing(tmp_path: Path, run: Run, no_identity: None) -> None:
    target = tmp_path / "new-team"
    res = run("init", str(target), "--specialist", "anna=Anna Bianchi")
    assert res.code != 0
    assert len(res.err_lines) == 1 and "no git identity" in res.err
    assert not target.exists()


# ------------------------------------------------------------ stale and dirty


def test_stale_edit_refused_after_committed_change(one: Path, run: Run) -> None:
    cl = load(one)
    assert "P-0001" in cl.participants
    # Another terminal edits and commits meanwhile.
    assert run("set", "P-0001", "disclosure=no", root=one).code == 0
    path = one / "participants" / "P-0001.toml"
    on_disk, before = path.read_bytes(), commit_count(one)
    with pytest.raises(StaleEdit) as info:
        edits.move(cl, "P-0001", "plan", today=date(2026, 11, 16))
    assert path.read_bytes() == on_disk
    assert commit_count(one) == before and status(one) == ""
    fresh = info.value.fresh
    assert fresh is not None and fresh.data["disclosure"] == "no"
    assert "changed on disk" in str(info.value)


def test_stale_edit_refused_after_hand_edit(one: Path) -> None:
    cl = load(one)
    p = cl.get("P-0001")
    path = one / "participants" / "P-0001.toml"
    hand = path.read_bytes().replace(b'referral_source = "CSM"', b'referral_source = "Self"')
    path.write_bytes(hand)
    before = commit_count(one)
    data = dict(p.data, disclosure="yes")
    with pytest.raises(StaleEdit):
        edits.set_data(cl, p, data)
    assert path.read_bytes() == hand and commit_count(one) == before


def test_stale_edit_when_file_deleted(one: Path) -> None:
    cl = load(one)
    path = one / "participants" / "P-0001.toml"
    path.unlink()
    with pytest.raises(StaleEdit) as info:
        edits.add_contact(cl, "P-0001", kind="phone", on=date(2026, 11, 16))
    assert info.value.fresh is None
    assert not path.exists()


def test_uncommitted_hand_edit_is_refused(one: Path, run: Run) -> None:
    path = one / "participants" / "P-0001.toml"
    hand = path.read_bytes().replace(b'referral_source = "CSM"', b'referral_source = "Self"')
    path.write_bytes(hand)
    cl = load(one)
    assert "participants/P-0001.toml" in cl.dirty
    with pytest.raises(UncommittedFile):
        edits.move(cl, "P-0001", "plan", today=date(2026, 11, 16))
    before = commit_count(one)
    res = run("contact", "P-0001", "--kind", "phone", root=one)
    assert res.code != 0 and len(res.err_lines) == 1 and "not committed" in res.err
    assert path.read_bytes() == hand and commit_count(one) == before


@pytest.mark.parametrize(
    "garbage",
    [
        b'schema = 1\nid = "P-0001"\nname = = "x"\n',
        b"",
        b'schema = 1\nid = "P-0001"\nname = "\xff"\n',
    ],
    ids=["syntax", "empty", "utf8"],
)
@pytest.mark.parametrize("committed", [True, False], ids=["committed", "uncommitted"])
def test_unparseable_file_is_never_rewritten(
    one: Path, run: Run, garbage: bytes, committed: bool
) -> None:
    path = one / "participants" / "P-0001.toml"
    path.write_bytes(garbage)
    if committed:
        git(one, "commit", "-qam", "break it")
    before = commit_count(one)
    for args in (
        ("move", "P-0001", "plan"),
        ("contact", "P-0001", "--kind", "phone"),
        ("set", "P-0001", "disclosure=yes"),
        (
            "new",
            "--name",
            "X",
            "--specialist",
            "anna",
            "--referral-source",
            "CSM",
            "--id",
            "P-0001",
        ),
    ):
        res = run(*args, root=one)
        assert res.code != 0 and len(res.err_lines) == 1, res.err
        assert path.read_bytes() == garbage
    assert commit_count(one) == before
    # The next free id skips the broken file.
    res = run("new", "--name", "Y", "--specialist", "anna", "--referral-source", "CSM", root=one)
    assert res.out.strip() == "P-0002"


def test_invalid_file_is_never_rewritten(one: Path, run: Run) -> None:
    path = one / "participants" / "P-0001.toml"
    broken = path.read_bytes().replace(b'phase = "intake"', b'phase = "waiting"')
    path.write_bytes(broken)
    git(one, "commit", "-qam", "hand edit")
    res = run("move", "P-0001", "plan", root=one)
    assert res.code != 0 and len(res.err_lines) == 1
    assert "P-0001.toml:5:1" in res.err
    assert path.read_bytes() == broken


# ----------------------------------------------------------- git itself commits


def _hook(root: Path, name: str, body: str) -> None:
    hook = root / ".git" / "hooks" / name
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def test_commit_msg_hook_runs(one: Path, run: Run) -> None:
    _hook(one, "commit-msg", 'printf "\\nHooked-By: commit-msg\\n" >> "$1"\n')
    assert run("move", "P-0001", "plan", root=one).code == 0
    assert "Hooked-By: commit-msg" in head_message(one)
    assert run("contact", "P-0001", "--kind", "phone", root=one).code == 0
    assert "Hooked-By: commit-msg" in head_message(one)


@pytest.mark.parametrize(
    "args",
    [
        ("move", "P-0001", "plan"),
        ("new", "--name", "X", "--specialist", "anna", "--referral-source", "CSM"),
    ],
    ids=["move", "new"],
)
def test_failing_pre_commit_hook_restores_everything(
    one: Path, run: Run, args: tuple[str, ...]
) -> None:
    _hook(one, "pre-commit", "echo 'blocked by policy' >&2\nexit 1\n")
    before, files = commit_count(one), snapshot(one)
    res = run(*args, root=one)
    assert res.code != 0 and len(res.err_lines) == 1
    assert "git refused the commit" in res.err and "blocked by policy" in res.err
    assert commit_count(one) == before and status(one) == "" and snapshot(one) == files


FAKE_GPG = """#!/bin/sh
cat >/dev/null
echo "[GNUPG:] SIG_CREATED D 1 8 00 1700000000 ABCDEF" >&2
printf -- "-----BEGIN PGP SIGNATURE-----\\n\\nZmFrZQ==\\n-----END PGP SIGNATURE-----\\n"
"""


def test_commit_gpgsign_applies(one: Path, run: Run, tmp_path: Path) -> None:
    gpg = tmp_path / "fake-gpg"
    gpg.write_text(FAKE_GPG)
    gpg.chmod(0o755)
    git(one, "config", "commit.gpgsign", "true")
    git(one, "config", "gpg.program", str(gpg))
    assert run("move", "P-0001", "plan", root=one).code == 0
    assert "gpgsig -----BEGIN PGP SIGNATURE-----" in git(one, "cat-file", "-p", "HEAD")
    # A signer that fails means no commit and no change.
    gpg.write_text("#!/bin/sh\nexit 1\n")
    before, files = commit_count(one), snapshot(one)
    res = run("move", "P-0001", "job_search", root=one)
    assert res.code != 0 and len(res.err_lines) == 1
    assert commit_count(one) == before and status(one) == "" and snapshot(one) == files


def test_other_staged_changes_stay_out_of_the_commit(one: Path, run: Run) -> None:
    (one / "README.txt").write_text("team notes\n")
    git(one, "add", "README.txt")
    assert run("move", "P-0001", "plan", root=one).code == 0
    assert head_files(one) == ["participants/P-0001.toml"]
    assert status(one) == "A  README.txt\n"


# ----------------------------------------------------------------------------- log


def test_log_newest_first_field_level(one: Path, run: Run) -> None:
    assert run("move", "P-0001", "engagement", root=one, today="2026-11-10").code == 0
    assert run("contact", "P-0001", "--kind", "phone", root=one, today="2026-11-12").code == 0
    assert run("set", "P-0001", "disclosure=yes", root=one).code == 0
    res = run("log", "P-0001", root=one)
    assert res.code == 0, res.err
    lines = res.out.splitlines()

    def at(text: str) -> int:
        hits = [i for i, ln in enumerate(lines) if text in ln]
        assert hits, (text, lines)
        return hits[0]

    assert at("disclosure: — -> yes") < at("first_contact_on: — -> 2026-11-12")
    assert at("first_contact_on") < at("phase: intake -> engagement")
    assert at("phase_since: 2026-11-01 -> 2026-11-10") < at("phase: — -> intake")
    assert all("Anna Bianchi" in ln for ln in lines)
    shas = [ln.split()[0] for ln in lines]
    log = git(one, "log", "--format=%h", "--", "participants/P-0001.toml").split()
    assert list(dict.fromkeys(shas)) == [s[:7] for s in log]


@pytest.mark.parametrize(
    ("pid", "words"), [("P-0099", "no participant"), ("../x", "not a valid participant id")]
)
def test_log_bad_id(one: Path, run: Run, pid: str, words: str) -> None:
    res = run("log", pid, root=one)
    assert res.code != 0 and len(res.err_lines) == 1 and words in res.err


# ----------------------------------------------------------------------------- due


@pytest.fixture
def team(run: Run, tmp_path: Path) -> Path:
    """P-0001 anna referred 11-01, P-0002 mette referred 11-14, P-0003 anna 11-12."""

    def build(root: Path) -> None:
        _new(run, root, "A", "anna", "2026-11-01")
        _new(run, root, "B", "mette", "2026-11-14")
        _new(run, root, "C", "anna", "2026-11-12")

    return _from_template("team", build, tmp_path)


def test_due_json(team: Path, run: Run) -> None:
    res = run("due", "--json", root=team)
    assert res.code == 0, res.err
    items = json.loads(res.out)
    assert all(set(i) == RULE_KEYS for i in items)
    assert [(i["participant"], i["rule"], i["due"], i["state"]) for i in items] == [
        ("P-0001", "first_contact", "2026-11-08", "overdue"),
        ("P-0003", "first_contact", "2026-11-19", "due_soon"),
        ("P-0002", "first_contact", "2026-11-21", "upcoming"),
    ]
    assert [i["specialist"] for i in items] == ["anna", "anna", "mette"]


def test_due_overdue_first_then_by_date(team: Path, run: Run) -> None:
    run(
        "contact", "P-0003", "--kind", "phone", "--on", "2026-11-12", root=team
    )  # stay_in_touch 11-26
    items = json.loads(run("due", "--json", root=team, today="2026-11-22").out)
    states = [i["state"] for i in items]
    assert states == sorted(states, key=["overdue", "due_soon", "upcoming"].index)
    dues = [i["due"] for i in items]
    assert dues == sorted(dues)
    assert items[0]["state"] == "overdue"


def test_due_specialist_filter_and_today(team: Path, run: Run) -> None:
    res = run("due", "--json", "--specialist", "mette", root=team)
    assert [i["participant"] for i in json.loads(res.out)] == ["P-0002"]
    earlier = json.loads(run("due", "--json", root=team, today="2026-11-01").out)
    assert [i["state"] for i in earlier] == ["upcoming", "upcoming", "upcoming"]
    later = json.loads(run("due", "--json", root=team, today="2026-12-31").out)
    assert {i["state"] for i in later} == {"overdue"}
    bad = run("due", "--specialist", "zed", root=team)
    assert bad.code != 0 and len(bad.err_lines) == 1 and "unknown specialist" in bad.err


def test_due_text(team: Path, run: Run) -> None:
    res = run("due", root=team)
    assert res.code == 0
    head, *lines = res.out.splitlines()
    assert head.split() == ["Due", "Participant", "Specialist", "Deadline", "When"]
    assert lines[0].startswith("✖ 2026-11-08  P-0001") and "8d overdue" in lines[0]
    assert lines[1].startswith("▲ 2026-11-19  P-0003")


def test_due_and_validate_work_in_a_plain_folder(team: Path, run: Run, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(team, plain, ignore=shutil.ignore_patterns(".git"))
    assert run("validate", root=plain).code == 0
    res = run("due", "--json", root=plain)
    assert res.code == 0 and len(json.loads(res.out)) == 3
    proc = run_subprocess("-C", str(plain), "due", "--json", "--today", TODAY)
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 3
    # log and the edits need git and say so.
    for args in (("log", "P-0001"), ("move", "P-0001", "plan")):
        res = run(*args, root=plain)
        assert res.code != 0 and len(res.err_lines) == 1 and "git" in res.err
    assert not (plain / ".git").exists()


def test_commands_outside_a_caseload(tmp_path: Path, run: Run) -> None:
    for args in (("due",), ("validate",), ("log", "P-0001"), ("move", "P-0001", "plan")):
        res = run(*args, root=tmp_path)
        assert res.code != 0 and len(res.err_lines) == 1 and "not a caseload" in res.err


def _sample_ready() -> bool:
    return (SAMPLE_DIR / "caseload.toml").is_file() and any(
        (SAMPLE_DIR / "participants").glob("*.toml")
    )


needs_sample = pytest.mark.skipif(not _sample_ready(), reason="sample_caseload/ not generated yet")


@needs_sample
def test_due_and_validate_on_sample_copy_without_git(tmp_path: Path, run: Run) -> None:
    plain = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, plain, ignore=shutil.ignore_patterns(".git"))
    as_of = storage.read_file(plain / "caseload.toml")[0]["as_of"]
    assert run("validate", root=plain).code == 0
    res = run("due", "--json", root=plain, today=as_of.isoformat())
    assert res.code == 0
    items = json.loads(res.out)
    assert items and all(set(i) == RULE_KEYS for i in items)


# ---------------------------------------------------------------------------- demo


def _fake_sample(base: Path) -> Path:
    sample = base / "fake-sample"
    (sample / "participants").mkdir(parents=True)
    (sample / "caseload.toml").write_text(
        'schema = 1\nname = "Sample"\nas_of = 2026-11-16\n\n[team.anna]\nname = "Anna"\n'
    )
    text = (
        'schema = 1\nid = "S-1"\nname = "Sam"\nspecialist = "anna"\nphase = "intake"\n'
        'phase_since = 2026-11-01\nreferred_on = 2026-10-30\nnotes = ""\n\n'
        '[[contacts]]\non = 2026-11-02\nkind = "phone"\n\n'
        '[[tasks]]\ndue = 2026-11-20\nwhat = "call on 2026-11-20"\n'
    )
    (sample / "participants" / "S-1.toml").write_text(text)
    return sample


def test_make_demo_shifts_every_date(tmp_path: Path) -> None:
    sample = _fake_sample(tmp_path)
    root = make_demo(tmp_path / "demo", today=date(2026, 12, 1), sample=sample)
    # The team settings, then the referral, the contact and the task (the demo's past).
    assert commit_count(root) == 4 and status(root) == ""
    data = storage.read_file(root / "participants" / "S-1.toml")[0]
    assert data["phase_since"] == date(2026, 11, 16)
    assert data["referred_on"] == date(2026, 11, 14)
    assert data["contacts"][0]["on"] == date(2026, 11, 17)
    assert data["tasks"][0] == {"due": date(2026, 12, 5), "what": "call on 2026-11-20"}
    assert storage.read_file(root / "caseload.toml")[0]["as_of"] == date(2026, 12, 1)
    assert git(root, "config", "--get", "merge.ipstui.driver").strip()
    # An identity was configured (the env), so no local demo identity was set.
    local = subprocess.run(
        ["git", "-C", str(root), "config", "--local", "--get", "user.name"],
        capture_output=True,
        text=True,
    )
    assert local.returncode != 0


def test_make_demo_sets_a_local_identity_only_when_none(tmp_path: Path, no_identity: None) -> None:
    root = make_demo(tmp_path / "demo", today=date(2026, 11, 16), sample=_fake_sample(tmp_path))
    assert git(root, "config", "--local", "--get", "user.name").strip() == "IPS Demo"
    assert commit_count(root) == 4 and status(root) == ""


def test_demo_refuses_a_non_empty_folder(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    res = run("demo", str(target), "--no-open")
    assert res.code != 0 and len(res.err_lines) == 1
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]


@needs_sample
def test_demo_command_shifts_the_sample(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "demo"
    res = run("demo", str(target), "--no-open", today="2026-12-01")
    assert res.code == 0, res.err
    assert res.out.strip() == str(target.resolve())
    assert commit_count(target) > 100 and status(target) == ""
    as_of = storage.read_file(SAMPLE_DIR / "caseload.toml")[0]["as_of"]
    delta = date(2026, 12, 1) - as_of
    assert storage.read_file(target / "caseload.toml")[0]["as_of"] == date(2026, 12, 1)
    sample_files = sorted((SAMPLE_DIR / "participants").glob("*.toml"))
    demo_files = sorted((target / "participants").glob("*.toml"))
    assert [p.name for p in demo_files] == [p.name for p in sample_files]
    for src in sample_files:
        original = storage.read_file(src)[0]
        shifted = storage.read_file(target / "participants" / src.name)[0]
        assert shifted == shift(original, delta)
    assert run("validate", root=target, today=None).code == 0


# ---------------------------------------------------------- finding the caseload


def test_caseload_precedence_flag_env_cwd(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstui.core.init import init_caseload

    roots = {}
    for key in ("cwd", "env", "flag"):
        root = init_caseload(tmp_path / key, specialists=["anna=Anna"])
        res = run(
            "new",
            "--name",
            key,
            "--specialist",
            "anna",
            "--referral-source",
            "CSM",
            "--id",
            f"{key}-1",
            root=root,
        )
        assert res.code == 0, res.err
        roots[key] = root

    def who(*args: str) -> str:
        res = run("due", "--json", *args)
        assert res.code == 0, res.err
        return json.loads(res.out)[0]["participant"]

    monkeypatch.chdir(roots["cwd"])
    assert who() == "cwd-1"
    monkeypatch.setenv("IPSTUI_CASELOAD", str(roots["env"]))
    assert who() == "env-1"
    assert who("-C", str(roots["flag"])) == "flag-1"
    monkeypatch.delenv("IPSTUI_CASELOAD")
    assert who("-C", str(roots["flag"])) == "flag-1"
    assert who() == "cwd-1"
    # The subprocess follows the same order.
    monkeypatch.setenv("IPSTUI_CASELOAD", str(roots["env"]))
    proc = run_subprocess("due", "--json", "--today", TODAY, cwd=roots["cwd"])
    assert json.loads(proc.stdout)[0]["participant"] == "env-1"


@pytest.mark.parametrize(
    "argv",
    [
        [b"set", b"P-0003", b"name=A\xff\xfeB"],
        [b"new", b"--name", b"Caf\xe9", b"--specialist", b"anna"],
        [b"contact", b"P-0003", b"--kind", b"phone", b"--note", b"\xc3("],
        [b"due", b"--json", b"-C", b"/tmp/\xff"],
    ],
    ids=["set", "new-latin1", "contact-note", "path"],
)
def test_an_argument_that_is_not_utf8_is_one_line_and_writes_nothing(
    sample_caseload: Path, argv: list[bytes]
) -> None:
    before = git(sample_caseload, "rev-parse", "HEAD")
    run = subprocess.run(
        [sys.executable, "-m", "ipstui", *argv, b"-C", str(sample_caseload).encode(),
         b"--today", b"2026-11-30"],
        capture_output=True, env={**os.environ, "LC_ALL": "C.UTF-8"}, timeout=60,
    )  # fmt: skip
    err = run.stderr.decode()
    assert run.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "is not UTF-8 text" in err, err
    assert "\\x" in err and "Traceback" not in err
    assert git(sample_caseload, "rev-parse", "HEAD") == before
    assert git(sample_caseload, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("self", "Self"), ("SELF", "Self"), ("csm", "CSM"), ("social  services", "Social services"),
     (" SerDP ", "SerDP")],
)  # fmt: skip
def test_a_listed_referral_source_is_stored_as_the_team_spells_it(
    sample_caseload: Path, typed: str, stored: str
) -> None:
    """`new`, `set` and `import` share one rule (edits.listed_source)."""
    from ipstui import cli
    from ipstui.core.caseload import load

    root = ["-C", str(sample_caseload), "--today", "2026-11-30"]
    assert cli.main(["new", "--name", "Z. Q.", "--specialist", "anna",
                     "--referral-source", typed, *root]) == 0  # fmt: skip
    made = max(load(sample_caseload).participants)
    assert load(sample_caseload).participants[made].data["referral_source"] == stored
    other, spelled = ("csm", "CSM") if stored != "CSM" else ("self", "Self")
    assert cli.main(["set", made, "referral_source=" + other, *root]) == 0
    assert load(sample_caseload).participants[made].data["referral_source"] == spelled


def test_an_unlisted_referral_source_is_still_refused(sample_caseload: Path) -> None:
    from ipstui import cli

    root = ["-C", str(sample_caseload), "--today", "2026-11-30"]
    assert cli.main(["new", "--name", "Z. Q.", "--specialist", "anna",
                     "--referral-source", "GP", *root]) == 1  # fmt: skip


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["contact", "P-0003", "--kind", "phone", "--on", "2026-12-01"], True),
        (["contact", "P-0003", "--kind", "phone", "--on", "2027-11-30"], True),
        (["contact", "P-0003", "--kind", "phone", "--on", "2026-11-30"], False),
        (["set", "P-0003", "referred_on=2027-05-01"], True),
        (["set", "P-0003", "first_contact_on=2026-12-01"], True),
        (["set", "P-0003", "benefits_counseling_on=2026-12-24"], True),
        (["set", "P-0003", "career_profile_updated_on=2026-11-30"], False),
        (["new", "--name", "Z. Q.", "--specialist", "anna", "--referral-source", "CSM",
          "--referred-on", "2026-12-02"], True),
        (["new", "--name", "Z. Q.", "--specialist", "anna", "--referral-source", "CSM",
          "--referred-on", "2026-11-29"], False),
    ],
)  # fmt: skip
def test_an_event_dated_after_today_is_refused_and_nothing_written(
    sample_caseload: Path, args: list[str], refused: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped year would move deadlines out of sight (a contact dated next year
    hides "stay in touch" for a year); planned dates may lie ahead."""
    from ipstui import cli

    before = git(sample_caseload, "rev-parse", "HEAD")
    code = cli.main([*args, "-C", str(sample_caseload), "--today", "2026-11-30"])
    err = capsys.readouterr().err
    if refused:
        assert code == 1 and "is after today (2026-11-30)" in err, err
        assert git(sample_caseload, "rev-parse", "HEAD") == before
        assert git(sample_caseload, "status", "--porcelain") == ""
    else:
        assert code == 0, err
