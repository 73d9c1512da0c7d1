"""Stray files beside the records (SPEC §1: a record folder holds record files only):
`validate` and `validate --staged` judge them by one rule (`validate.stray_problems`),
the first on the work tree, the second on git's index (what a pre-commit hook sees).

Before, `--staged` read only the `*.toml` entries directly in a record folder and said
nothing of `P-0002.toml.orig`, `notes.txt` or `sub/P-0001.toml`: a person's data in such
a file passed the hook, out of reach of `ipstui erase`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git

from ipstui import cli

STRAY = (
    "warning: not a record file: ipstui does not read it, and a person's data in it is out "
    "of reach of `ipstui erase`, and sync refuses to push it; move it out of the caseload "
    "or delete it"
)
UNCOMMITTED = (
    "warning: not a participant file: ipstui neither reads nor commits it (a participant "
    "file is named <id>.toml); move it out of the folder or add it to .gitignore"
)
"""The load's word for such a file in participants/ while git holds it uncommitted (the
plain `validate` says it instead of STRAY, once per file)."""
GOOD = VALID_PARTICIPANT.format(pid="P-0001")
EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Coop"\nnotes = ""\n'

# (files added beside a valid P-0001 and E-0001: path -> text, or None for a symbolic
#  link to P-0001; the paths the warning names, in order)
CASES = [
    ("backup copy", {"participants/P-0001.toml.orig": GOOD}, ["participants/P-0001.toml.orig"]),
    ("notes", {"participants/notes.txt": "Marco: call back"}, ["participants/notes.txt"]),
    ("record in a sub-folder", {"participants/old/P-0009.toml": GOOD},
     ["participants/old/P-0009.toml"]),
    ("employer spreadsheet", {"employers/list.csv": "Coop,retail\n"}, ["employers/list.csv"]),
    ("employer backup", {"employers/E-0001.toml~": EMPLOYER}, ["employers/E-0001.toml~"]),
    ("a link not named as a record", {"participants/latest": None}, ["participants/latest"]),
    ("several, in path order",
     {"participants/z.txt": "z", "employers/a.txt": "a", "participants/a/b.txt": "b"},
     ["employers/a.txt", "participants/a/b.txt", "participants/z.txt"]),
    # Not stray: the placeholder `init` writes, and files outside the record folders.
    ("placeholder", {"participants/.gitkeep": ""}, []),
    ("outside the record folders", {"notes.txt": "x", "docs/P-0001.toml.orig": GOOD}, []),
]  # fmt: skip


def _put(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            os.symlink("P-0001.toml", path)
        else:
            path.write_text(text)


@pytest.fixture
def repo(caseload_dir: Path) -> Path:
    (caseload_dir / "participants/P-0001.toml").write_text(GOOD)
    (caseload_dir / "employers").mkdir(exist_ok=True)
    (caseload_dir / "employers/E-0001.toml").write_text(EMPLOYER)
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "records")
    return caseload_dir


def _strays(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> list[str]:
    capsys.readouterr()
    cli.main(["-C", str(root), "validate", *args])
    out = capsys.readouterr().out
    return [
        line.split(":1:1: ")[0]
        for line in out.splitlines()
        if line.endswith(STRAY) or line.endswith(UNCOMMITTED)
    ]


@pytest.mark.parametrize(("files", "named"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_rule_for_the_work_tree_and_the_index(
    repo: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str | None], named: list[str]
) -> None:
    _put(repo, files)
    assert _strays(capsys, repo) == named  # untracked: the work tree's
    assert _strays(capsys, repo, "--staged") == []  # not staged: not in the commit
    git(repo, "add", "-A")
    assert _strays(capsys, repo, "--staged") == named
    assert _strays(capsys, repo) == named
    # Staged, then deleted from the work tree: the commit would still hold them.
    for rel in files:
        (repo / rel).unlink()
    assert _strays(capsys, repo, "--staged") == named


def test_a_folder_named_like_a_record_is_reported_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its files are not each called stray: the folder itself is the finding."""
    _put(repo, {"participants/P-0002.toml/inside.txt": "x"})
    git(repo, "add", "-A")
    for args in ((), ("--staged",)):
        capsys.readouterr()
        cli.main(["-C", str(repo), "validate", *args])
        out = capsys.readouterr().out
        assert "inside.txt" not in out, args
        assert "participants/P-0002.toml:1:1:" in out, args


def test_the_staged_warning_does_not_fail_the_hook(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warning, as in plain `validate`: exit 0 (sync is what refuses to push it)."""
    _put(repo, {"participants/notes.txt": "x", "employers/notes.txt": "y"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "notes")  # committed: the load no longer names them
    for args in ((), ("--staged",)):
        capsys.readouterr()
        assert cli.main(["-C", str(repo), "validate", *args]) == 0
        assert capsys.readouterr().out == (
            f"employers/notes.txt:1:1: {STRAY}\nparticipants/notes.txt:1:1: {STRAY}\n"
        )
