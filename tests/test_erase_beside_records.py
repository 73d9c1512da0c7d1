"""`ipstui erase` names every path that holds the person's data (SPEC §12), not only the
record's own: a copy of a version beside it (`P-0002.toml.orig`, committed and removed
again) is erased with it and named; a file beside the records that holds the person's
id or name in another form is named as NOT erased, in the dry run and after `--yes`;
and when a version is left, the failure names where it is.

The quick run has one copy of a version (`P-0002.toml.orig`); the copy under
`employers/sub/` (the same search) runs with `pytest -m slow`."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, from_template, git

from ipstui import cli
from ipstui.core import edits, erase
from ipstui.core.caseload import load_for_edit

pytest.importorskip("git_filter_repo", reason="ipstui erase needs git-filter-repo (extra 'erase')")

TODAY = "2026-11-30"
NAME = "Erasmo Quux"


def two_people(root: Path) -> None:
    """The test caseload with P-0001 and P-0002 (NAME) committed (a template's `build`)."""
    empty_caseload(root)
    for pid, name in (("P-0001", "Giulia Rossi"), ("P-0002", NAME)):
        edits.new_participant(
            load_for_edit(root, None), name=name, specialist="anna", referral_source="CSM",
            today=date(2026, 9, 1), pid=pid,
        )  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`two_people`, built once per worker and copied for each test (issue 12)."""
    return from_template("erase-two-people", two_people, tmp_path / "cl", tmp_path_factory)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def copied(root: Path, rel: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_bytes((root / "participants" / "P-0002.toml").read_bytes())


def edited_copy(root: Path, rel: str) -> None:
    raw = (root / "participants" / "P-0002.toml").read_text()
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(raw.replace('referral_source = "CSM"', 'referral_source = "GP"'))


def note(words: str) -> Callable[[Path, str], None]:
    def make(root: Path, rel: str) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(words)

    return make


CASES = [
    # (path, how it is made, "copy" | "stray" | None)
    ("participants/P-0002.toml.orig", copied, "copy"),
    # slow: a copy elsewhere, the same search as the copy above (issue 12)
    pytest.param("employers/sub/P-0002.toml", copied, "copy", marks=pytest.mark.slow),
    ("participants/P-0002.toml.orig", edited_copy, "stray"),
    ("participants/notes.txt", note(f"{NAME} asked for a call back\n"), "stray"),
    ("employers/notes.txt", note("P-0002 starts on Monday\n"), "stray"),
    ("participants/notes.txt", note("nothing about anyone\n"), None),
]


@pytest.mark.parametrize(
    ("rel", "make", "kind"),
    CASES,
    ids=[f"{c[0]}-{c[1].__name__}-{c[2]}" for c in (getattr(c, "values", c) for c in CASES)],
)
def test_erase_names_the_paths_beside_the_record(
    repo: Path, capsys: pytest.CaptureFixture[str], rel: str, make: Callable, kind: str | None
) -> None:
    make(repo, rel)
    commit(repo, "a file beside the records")
    git(repo, "rm", "-q", "--", rel)
    commit(repo, "gone again")
    p = erase.plan(repo, "P-0002")
    assert p.copies == ([rel] if kind == "copy" else [])
    assert p.strays == ([rel] if kind == "stray" else [])
    assert cli.main(["erase", "P-0002", "-C", str(repo), "--today", TODAY]) == 0
    dry = capsys.readouterr().out
    heading = "files beside the records that hold the person's id or name"
    assert (heading in dry) == (kind == "stray")
    assert ("copies of the record at other paths" in dry) == (kind == "copy")
    if kind is not None:
        assert f"  {rel}\n" in dry
    assert cli.main(["erase", "P-0002", "--yes", "-C", str(repo), "--today", TODAY]) == 0
    done = capsys.readouterr().out
    assert (heading in done) == (kind == "stray")
    held = git(repo, "log", "--all", "--format=", "--name-only", "--", rel).split()
    # A copy is erased with the record; another file is left, and said to be.
    assert bool(held) == (kind in ("stray", None))


def test_a_version_left_behind_is_named_by_its_path(repo: Path) -> None:
    copied(repo, "participants/P-0002.toml.orig")
    commit(repo, "a copy")
    p = erase.plan(repo, "P-0002")
    problems = erase.verify(repo, p)  # nothing erased yet: every version is still there
    assert any(
        "still in the history, at participants/P-0002.toml, participants/P-0002.toml.orig" in x
        for x in problems
    ), problems


def test_a_version_in_no_commit_is_said_to_be_so(repo: Path) -> None:
    p = erase.plan(repo, "P-0002")
    loose = subprocess.run(
        ["git", "-C", str(repo), "hash-object", "-w", "--stdin"],
        input=b"schema = 1\n", capture_output=True, check=True,
    ).stdout.decode().strip()  # fmt: skip
    p.blobs = {loose}
    assert erase.verify(repo, p)[0].endswith("though no commit holds it")
