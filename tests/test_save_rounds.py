"""How many git processes a save and a sync start, and in how many rounds (issue 17:
"edits near git's floor"; issue 12: the git-heavy tests). A command-line edit asks
where the repository is and who the author and committer are before it takes the lock,
side by side and while it reads the settings; under the lock it asks only what the lock
protects (is HEAD on a branch, HEAD and the file's blob), then commits and verifies.
The app asks where the repository is when it loads, and the identity on its first save
and once more on its second (the first learns the repository's config files), kept while git's configuration and the identity variables stay as they were; a missing
identity is never kept: each save asks again and refuses with git's words."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui import cli
from ipstui.core import gitio
from ipstui.core.gitio import IdentityMissing
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)


class Recorder:
    """Every git process started, as (round, subcommand): a round is a run of processes
    started before any of them was waited for."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[tuple[int, str]] = []
        self.round = 0
        self._waited = True
        real_popen = subprocess.Popen
        recorder = self

        class Popen(real_popen):  # type: ignore[misc, valid-type]
            def __init__(self, args, *a, **kw):  # type: ignore[no-untyped-def]
                if args and args[0] == "git":
                    if recorder._waited:
                        recorder.round += 1
                        recorder._waited = False
                    recorder.started.append((recorder.round, args[3]))
                super().__init__(args, *a, **kw)

            def communicate(self, *a, **kw):  # type: ignore[no-untyped-def]
                recorder._waited = True
                return super().communicate(*a, **kw)

        monkeypatch.setattr(subprocess, "Popen", Popen)

    def rounds(self) -> list[list[str]]:
        out: list[list[str]] = []
        for r, cmd in self.started:
            while len(out) < r:
                out.append([])
            out[r - 1].append(cmd)
        return [sorted(cmds) for cmds in out if cmds]


def _pid(root: Path) -> str:
    return sorted(p.stem for p in (root / "participants").glob("P-*.toml"))[0]


def test_a_command_line_edit_asks_git_in_four_rounds(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = Recorder(monkeypatch)
    code = cli.main(["-C", str(sample_caseload), "--today", TODAY.isoformat(), "contact",
                     _pid(sample_caseload), "--kind", "phone"])
    assert code == 0, capsys.readouterr().err
    assert rec.rounds() == [
        # before the lock, while the settings are read; the cat-file: the record as
        # the command saw it, checked again under the lock (s7ident)
        ["cat-file", "rev-parse", "var", "var"],
        ["cat-file", "symbolic-ref"],  # under the lock
        ["commit"],
        ["diff-tree"],  # the verification: HEAD holds exactly what was written
    ]


def test_the_app_asks_the_identity_once_per_session(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = CaseloadService(sample_caseload)
    cl = svc.load()
    pid = _pid(sample_caseload)
    rec = Recorder(monkeypatch)
    for note in ("first", "second", "third"):
        res = svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note=note,
                              employer_id=None, face_to_face=True)
        cl = cl.with_participant(res.participant)
    asked = [cmd for _r, cmd in rec.started]
    # Author and committer, on the first save and once more on the second: the first
    # learns where the repository's config files are, which its key (taken before git
    # answered) could not cover (s8mend2).
    assert asked.count("var") == 4
    assert asked.count("symbolic-ref") == asked.count("cat-file") == asked.count("commit") == 3


def test_a_missing_identity_is_asked_again_and_refused(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No identity: every save refuses with git's words (nothing is kept); once one is
    given, the next save of the same session commits."""
    svc = CaseloadService(sample_caseload)
    cl = svc.load()
    pid = _pid(sample_caseload)
    names = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    kept = {name: gitio.os.environ[name] for name in names}
    for name in names:
        monkeypatch.delenv(name)
    monkeypatch.delenv("EMAIL", raising=False)
    head = git(sample_caseload, "rev-parse", "HEAD")
    for _ in range(2):
        with pytest.raises(IdentityMissing, match="no git identity"):
            svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note="x",
                            employer_id=None, face_to_face=True)
    assert git(sample_caseload, "rev-parse", "HEAD") == head
    for name, value in kept.items():
        monkeypatch.setenv(name, value)
    res = svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note="x",
                          employer_id=None, face_to_face=True)
    assert git(sample_caseload, "rev-parse", "HEAD").strip() == res.commit


def _contact(svc: CaseloadService, cl, pid: str, note: str):  # type: ignore[no-untyped-def]
    return svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note=note,
                           employer_id=None, face_to_face=True)


def test_an_app_save_starts_four_git_processes(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the session's first two saves (which also ask the identity), a save of the app
    starts four git processes in three rounds: where the repository is comes from the
    load (it was asked again by every save), the identity is kept (below)."""
    svc = CaseloadService(sample_caseload)
    cl = svc.load()
    pid = _pid(sample_caseload)
    cl = cl.with_participant(_contact(svc, cl, pid, "first").participant)
    cl = cl.with_participant(_contact(svc, cl, pid, "again").participant)  # identity kept
    rec = Recorder(monkeypatch)
    _contact(svc, cl, pid, "second")
    assert rec.rounds() == [["cat-file", "symbolic-ref"], ["commit"], ["diff-tree"]]


def _identity_from_config(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The identity from the repository's config, not from the environment."""
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    git(root, "config", "user.name", "Anna Bianchi")
    git(root, "config", "user.email", "anna@example.org")


def test_a_changed_identity_between_two_saves_is_honoured(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept identity answers go when git's configuration changes: a new user.name
    is the next commit's author; an identity removed refuses the next save before
    anything is written (the config file's size, time and inode key the kept answers)."""
    root = sample_caseload
    _identity_from_config(root, monkeypatch)
    svc = CaseloadService(root)
    cl = svc.load()
    pid = _pid(root)
    cl = cl.with_participant(_contact(svc, cl, pid, "one").participant)
    git(root, "config", "user.name", "Mette Hansen")
    cl = cl.with_participant(_contact(svc, cl, pid, "two").participant)
    assert git(root, "log", "-2", "--format=%an|%cn").splitlines() == [
        "Mette Hansen|Mette Hansen", "Anna Bianchi|Anna Bianchi"
    ]
    git(root, "config", "user.name", "")  # git refuses an empty name (else: the login's)
    head, before = git(root, "rev-parse", "HEAD"), (root / "participants" / f"{pid}.toml").read_bytes()
    rec = Recorder(monkeypatch)
    with pytest.raises(IdentityMissing, match="no git identity"):
        _contact(svc, cl, pid, "three")
    assert "commit" not in [cmd for _r, cmd in rec.started]  # refused before writing
    assert git(root, "rev-parse", "HEAD") == head
    assert (root / "participants" / f"{pid}.toml").read_bytes() == before


def test_an_identity_git_refuses_at_the_commit_is_reported_as_missing(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An identity in a file the kept answers do not watch (`include.path`) removed
    between two saves: the commit, which uses the identity in force, is refused by git,
    taken back, and reported as the missing identity it is."""
    root = sample_caseload
    _identity_from_config(root, monkeypatch)
    included = tmp_path / "who.gitconfig"
    included.write_text("[user]\n\tname = Anna Bianchi\n")
    git(root, "config", "--unset", "user.name")
    git(root, "config", "include.path", str(included))
    svc = CaseloadService(root)
    cl = svc.load()
    pid = _pid(root)
    cl = cl.with_participant(_contact(svc, cl, pid, "one").participant)
    included.write_text("[user]\n\tname =\n")
    head, before = git(root, "rev-parse", "HEAD"), (root / "participants" / f"{pid}.toml").read_bytes()
    with pytest.raises(IdentityMissing, match="no git identity"):
        _contact(svc, cl, pid, "two")
    assert git(root, "rev-parse", "HEAD") == head
    assert (root / "participants" / f"{pid}.toml").read_bytes() == before
    assert git(root, "status", "--porcelain") == ""


def test_a_sync_starts_a_bounded_number_of_git_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync through the service that has nothing to do, and one that fast-forwards one
    commit: where the repository is asked once per service, the settings in one `git
    config` (the merge driver's registration with the rest), the remote-tracking ref and
    sync's memory of the remote in one `git cat-file`, and nothing merged, counted or looked
    at when the remote branch is HEAD (issue 12: 22 and 25 before)."""
    from sync_helpers import isolate_git, make_team

    isolate_git(tmp_path, monkeypatch)
    a, b = make_team(tmp_path, "a", "b")
    sa, sb = CaseloadService(a), CaseloadService(b)
    sa.sync()
    sb.sync()
    rec = Recorder(monkeypatch)
    assert sa.sync().status == "in_sync"
    idle = len(rec.started)
    cl = sb.load()
    pid = sorted(cl.participants)[0]
    sb.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note="x",
                   employer_id=None, face_to_face=True)
    sb.sync()
    rec.started.clear()
    assert sa.sync().status == "pulled"
    pulled = len(rec.started)
    assert idle <= 14 and pulled <= 21, rec.started
