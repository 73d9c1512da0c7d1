"""The suite's hermetic git environment (tests/conftest.py `hermetic_git`) survives a
test's own `monkeypatch.undo()`: the rest of such a test still commits with the fixed
identity and never reads the user's ~/.gitconfig (.ci/run runs the suite with an empty
HOME and no global or system git config, so a test that needed them would fail there)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# (variable, what the hermetic environment sets it to; None: the home fixture's path)
HERMETIC = [
    ("HOME", None),
    ("GIT_CONFIG_GLOBAL", "gitconfig"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Anna Bianchi"),
    ("GIT_AUTHOR_EMAIL", "anna@example.org"),
    ("GIT_COMMITTER_NAME", "Anna Bianchi"),
    ("GIT_COMMITTER_EMAIL", "anna@example.org"),
]


@pytest.mark.parametrize(("var", "value"), HERMETIC, ids=[v for v, _ in HERMETIC])
def test_undo_keeps_the_hermetic_variable(
    var: str, value: str | None, monkeypatch: pytest.MonkeyPatch, hermetic_git: Path
) -> None:
    """A test's monkeypatch, set and undone, gives back the hermetic value, not the user's."""
    monkeypatch.setenv(var, "changed by the test")
    monkeypatch.delenv(var)
    monkeypatch.undo()
    if value is None:
        expected = str(hermetic_git)
    elif var == "GIT_CONFIG_GLOBAL":
        expected = str(hermetic_git / value)
    else:
        expected = value
    assert os.environ[var] == expected


def test_commit_after_undo_uses_the_fixed_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the trial hit (test_undo_no_space after `monkeypatch.undo()`): a commit made
    after the undo still has the fixed author, with no identity anywhere else."""
    monkeypatch.setattr(subprocess, "DEVNULL", subprocess.DEVNULL)
    monkeypatch.undo()
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.txt").write_text("a\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "a.txt"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "a"], check=True)
    author = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%an <%ae>|%cn <%ce>"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert author == "Anna Bianchi <anna@example.org>|Anna Bianchi <anna@example.org>"
