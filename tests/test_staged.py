"""`validate` as a pre-commit hook checks what the commit will hold: the index (SPEC §7).

Real repositories, a real `.git/hooks/pre-commit` and real `git commit`s: a bad value
staged and then fixed in the work tree without staging must stop the commit."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, commit_count, git

from ipstui import cli

PROJECT = Path(__file__).resolve().parents[1]
REL = "participants/P-0001.toml"
GOOD = VALID_PARTICIPANT.format(pid="P-0001")
BAD = GOOD.replace('phase = "intake"', 'phase = "intakee"')
PROBLEM = f"{REL}:5:1: phase: 'intakee' is not one of:"


@pytest.fixture
def repo(caseload_dir: Path) -> Path:
    (caseload_dir / REL).write_text(GOOD)
    git(caseload_dir, "add", REL)
    git(caseload_dir, "commit", "-qm", "P-0001: new participant")
    return caseload_dir


def _validate(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["-C", str(root), "validate", *args])
    return code, capsys.readouterr().out


def test_staged_checks_the_index_not_the_work_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / REL).write_text(BAD)
    git(repo, "add", REL)
    (repo / REL).write_text(GOOD)  # fixed, but not staged
    code, out = _validate(capsys, repo, "--staged")
    assert code == 1 and out.startswith(PROBLEM)
    assert _validate(capsys, repo) == (0, "")
    # And the other way round: bad in the work tree only.
    git(repo, "add", REL)
    (repo / REL).write_text(BAD)
    assert _validate(capsys, repo, "--staged") == (0, "")
    assert _validate(capsys, repo)[0] == 1


def test_staged_uses_the_staged_caseload_toml(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = (repo / "caseload.toml").read_text()
    (repo / "caseload.toml").write_text(settings.replace("[team.anna]", "[team.anna2]"))
    git(repo, "add", "caseload.toml")
    (repo / "caseload.toml").write_text(settings)
    code, out = _validate(capsys, repo, "--staged")
    assert code == 1
    assert f"{REL}:4:1: unknown specialist 'anna' (team: anna2, mette)" in out.splitlines()


def _install_hook(repo: Path, command: str) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nPYTHONPATH={PROJECT} exec {sys.executable} -m ipstui {command}\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def _commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-m", "edit", *args],
        capture_output=True,
        text=True,
        env=os.environ,
    )


@pytest.mark.parametrize("how", ["index", "commit with a path (git's temporary index)"])
def test_pre_commit_hook_refuses_a_staged_bad_value(repo: Path, how: str) -> None:
    _install_hook(repo, "validate")  # no --staged: GIT_INDEX_FILE says it is a hook
    before = commit_count(repo)
    if how == "index":
        (repo / REL).write_text(BAD)
        git(repo, "add", REL)
        (repo / REL).write_text(GOOD.replace("Valid Person", "Valid Person B"))
        proc = _commit(repo)
    else:
        (repo / REL).write_text(BAD)  # `git commit -- path` commits the work tree's copy
        proc = _commit(repo, "--", REL)
    assert proc.returncode != 0
    assert PROBLEM in proc.stdout + proc.stderr  # git sends a hook's output to stderr
    assert commit_count(repo) == before
    # Fixed and staged: the hook lets the commit through.
    (repo / REL).write_text(GOOD.replace('phase = "intake"', 'phase = "plan"'))
    git(repo, "add", REL)
    proc = _commit(repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert commit_count(repo) == before + 1


def test_hook_works_for_a_caseload_inside_a_larger_repository(tmp_path: Path) -> None:
    """GIT_INDEX_FILE and GIT_DIR may be relative to the repository's top; the caseload
    here sits in a sub-folder and is named by IPSTUI_CASELOAD."""
    from ipstui.core.init import init_caseload

    top = tmp_path / "top"
    sub = init_caseload(top / "team", name="T", specialists=["anna=Anna"])
    # Make `top` the repository: move the caseload's git dir up.
    (sub / ".git").rename(top / ".git")
    git(top, "add", "-A")
    git(top, "commit", "-qm", "caseload in a sub-folder")
    (sub / REL).write_text(BAD)
    git(top, "add", f"team/{REL}")
    hook = top / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f"IPSTUI_CASELOAD=team PYTHONPATH={PROJECT} exec {sys.executable} -m ipstui validate\n"
    )
    hook.chmod(0o755)
    proc = _commit(top)
    assert proc.returncode != 0
    assert PROBLEM in proc.stdout + proc.stderr  # git sends a hook's output to stderr


def test_pre_commit_framework_hook_definition() -> None:
    """.pre-commit-hooks.yaml runs `ipstui validate --staged` once, on caseload files."""
    text = (PROJECT / ".pre-commit-hooks.yaml").read_text()
    assert re.search(r"^- id: ipstui-validate$", text, re.M)
    assert re.search(r"^  entry: ipstui validate --staged$", text, re.M)
    assert re.search(r"^  language: python$", text, re.M)
    assert re.search(r"^  pass_filenames: false$", text, re.M)
    files = re.compile(re.search(r"^  files: (.+)$", text, re.M).group(1))
    assert files.search("participants/P-0001.toml") and files.search("team/caseload.toml")
    assert not files.search("participants/notes.txt")
    ep = re.search(r'^ipstui = "(.+)"$', (PROJECT / "pyproject.toml").read_text(), re.M)
    assert ep is not None and ep.group(1) == "ipstui.cli:main"  # the entry's console script
