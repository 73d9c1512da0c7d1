"""Where git reads its system configuration, as the identity cache watches it
(`CaseloadService._identity_key`): asked of git (`_SYSTEM_CONFIG_ARGS`), not assumed to be
/etc/gitconfig; unknown when git names no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git

from ipstui.core import gitio
from ipstui.core.service import _SYSTEM_CONFIG_ARGS, CaseloadService, _system_config

# (the system config file's text, None for no file; whether git names it)
SYSTEM_FILES: list[tuple[str | None, bool]] = [
    ("[user]\n\tname = Anna Bianchi\n", True),
    ("", False),  # empty: git lists no setting, so names no origin
    (None, False),
]


@pytest.mark.parametrize(("text", "named"), SYSTEM_FILES, ids=["settings", "empty", "missing"])
def test_the_system_config_is_the_file_git_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None, named: bool
) -> None:
    system = tmp_path / "etc gitconfig"  # a space: git still names it unquoted
    if text is not None:
        system.write_text(text)
    monkeypatch.delenv("GIT_CONFIG_NOSYSTEM")
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(system))
    (answer,) = gitio.git_many(tmp_path, (_SYSTEM_CONFIG_ARGS, None))
    assert _system_config(answer.stdout) == (system if named else None)


def test_a_quoted_origin_or_none_is_unknown() -> None:
    assert _system_config('file:"/etc/git\\tconfig"\tuser.name\n') is None
    assert _system_config("") is None
    assert _system_config("file:/opt/git/etc/gitconfig\tuser.name\n") == Path(
        "/opt/git/etc/gitconfig"
    )


def test_an_identity_in_the_system_config_is_asked_again_when_that_file_changes(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = sample_caseload
    system = tmp_path / "gitconfig"
    system.write_text("[user]\n\tname = Anna Bianchi\n\temail = anna@example.org\n")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(system))
    svc = CaseloadService(root)
    svc.load()
    for _ in range(2):  # the second ask covers the files the first learned
        assert svc._identity_answers() is not None
    assert svc._system_path == system
    kept = svc._identity
    assert svc._identity_answers() is not None and svc._identity is kept
    system.write_text("[user]\n\tname = Mette Hansen-Berg\n\temail = anna@example.org\n")
    answers = svc._identity_answers()
    assert answers is not None and answers[0].stdout.startswith("Mette Hansen-Berg <")
    assert git(root, "status", "--porcelain") == ""
