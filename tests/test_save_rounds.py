"""How many git processes a save starts, and in how many rounds (issue 17: "edits near
git's floor"). A command-line edit asks where the repository is and who the author and
committer are before it takes the lock, side by side and while it reads the settings;
under the lock it asks only what the lock protects (is HEAD on a branch, HEAD and the
file's blob), then commits and verifies. The app asks the identity once per session,
and a missing identity is never kept: each save asks again and refuses with git's words.
"""

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
    for note in ("first", "second"):
        res = svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note=note,
                              employer_id=None, face_to_face=True)
        cl = cl.with_participant(res.participant)
    asked = [cmd for _r, cmd in rec.started]
    assert asked.count("var") == 2  # author and committer, on the first save only
    assert asked.count("symbolic-ref") == asked.count("cat-file") == asked.count("commit") == 2


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
