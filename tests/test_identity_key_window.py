"""The kept identity answers (`CaseloadService._identity_answers`) are keyed by git's
configuration as it was BEFORE git answered: a configuration changed while git answers
the service's first ask (when it also learns where the repository's config files are)
leaves no old answers under the new configuration's key."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import gitio
from ipstui.core.gitio import IdentityMissing
from ipstui.core.service import CaseloadService

TODAY = date(2026, 11, 16)


def _contact(svc: CaseloadService, cl, pid: str, note: str):  # type: ignore[no-untyped-def]
    return svc.add_contact(cl, pid, kind="phone", on=TODAY, by=None, note=note,
                           employer_id=None, face_to_face=True)


def test_a_repository_config_changed_while_git_answers_is_asked_again(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample_caseload
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    git(root, "config", "user.name", "Anna Bianchi")
    git(root, "config", "user.email", "anna@example.org")
    pid = sorted(p.stem for p in (root / "participants").glob("P-*.toml"))[0]
    svc = CaseloadService(root)
    cl = svc.load()

    real = gitio.git_many
    started: list[str] = []
    changed: list[bool] = []

    def answered_then_changed(where: Path, *queries):  # type: ignore[no-untyped-def]
        answers = real(where, *queries)
        if not changed and any(args == ("var", "GIT_AUTHOR_IDENT") for args, _i in queries):
            changed.append(True)
            # git answered with Anna; the repository's config loses the name before
            # the service has taken anything more from the disk.
            git(root, "config", "user.name", "")
        return answers

    monkeypatch.setattr(gitio, "git_many", answered_then_changed)
    real_popen = subprocess.Popen

    class Popen(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args, *a, **kw):  # type: ignore[no-untyped-def]
            if args and args[0] == "git":
                started.append(args[3])
            super().__init__(args, *a, **kw)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    head = git(root, "rev-parse", "HEAD")
    # The first save: git's answers named Anna, the commit (git's identity in force)
    # is refused, and reported as the missing identity.
    with pytest.raises(IdentityMissing, match="no git identity"):
        _contact(svc, cl, pid, "one")
    assert git(root, "rev-parse", "HEAD") == head
    # The next save asks git again, rather than trusting answers older than the
    # config: refused before anything is written or committed.
    started.clear()
    with pytest.raises(IdentityMissing, match="no git identity"):
        _contact(svc, cl, pid, "two")
    assert "var" in started
    assert "commit" not in started
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""
