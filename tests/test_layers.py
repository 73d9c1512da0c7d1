"""The shape of the code (STYLE.md "Shape", issue 9): ui -> service -> internals, the
core never imports Textual (the import-linter contracts in pyproject.toml); the service
asks git where the repository is; git runs on the caseload whatever the environment
says."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import git
from importlinter.cli import lint_imports

from ipstui.core import gitio
from ipstui.core.resources import PROJECT_DIR
from ipstui.core.service import CaseloadService


def test_import_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_DIR)
    assert lint_imports(config_filename=str(PROJECT_DIR / "pyproject.toml"), no_cache=True) == 0


def test_scrubbed_variables_cover_what_git_itself_unsets() -> None:
    proc = subprocess.run(
        ["git", "rev-parse", "--local-env-vars"], capture_output=True, text=True, check=True
    )
    assert set(proc.stdout.split()) <= set(gitio.REPO_ENV_VARS)


def test_repo_env_is_kept_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_INDEX_FILE", "/elsewhere/index")
    monkeypatch.setenv("GIT_DIR", "/elsewhere/.git")
    assert "GIT_INDEX_FILE" not in gitio.env() and "GIT_DIR" not in gitio.env()
    assert gitio.env(repo_env=True)["GIT_INDEX_FILE"] == "/elsewhere/index"


def test_loading_ignores_git_dir_of_another_repository(
    caseload_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    svc = CaseloadService(caseload_dir)
    svc.new_participant(None, name="Ada", specialist="anna", referral_source="CSM", today=_day())
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    fresh = CaseloadService(caseload_dir)
    assert fresh.git_dir == caseload_dir / ".git"
    cl = fresh.load(use_cache=False)
    assert list(cl.participants) == ["P-0001"] and not cl.dirty


def test_a_worktree_git_dir_is_asked_of_git_and_watched(caseload_dir: Path, tmp_path: Path) -> None:
    wt = tmp_path / "wt"
    git(caseload_dir, "worktree", "add", "-q", "-b", "side", str(wt))
    svc = CaseloadService(wt)
    assert svc.git_dir == Path(git(wt, "rev-parse", "--absolute-git-dir").strip())
    assert svc.git_dir != wt / ".git"
    before = svc.fingerprint()
    assert before[1] is not None, "the worktree's own index is watched"
    (wt / "participants" / "x.txt").write_text("x")
    git(wt, "add", "participants/x.txt")
    git(wt, "commit", "-qm", "plain git commit")
    assert svc.fingerprint() != before


def test_history_through_the_service(caseload_dir: Path) -> None:
    from ipstui.core.service import CaseloadError

    svc = CaseloadService(caseload_dir)
    svc.new_participant(None, name="Ada", specialist="anna", referral_source="CSM", today=_day())
    svc.add_contact(None, "P-0001", kind="phone", on=_day())
    revs = svc.history("P-0001")
    assert [r.subject.split(";")[0] for r in revs] == [
        "P-0001: add contact (phone)",
        "P-0001: new participant",
    ]
    with pytest.raises(CaseloadError, match="no participant"):
        svc.history("P-0002")
    with pytest.raises(CaseloadError, match="not a valid"):
        svc.history("../x")


def _day():
    from datetime import date

    return date(2026, 11, 16)
