"""`ipstui erase` on a real repository (SPEC §12): three participants and 50 commits; the
erased person's blobs are gone from the object store, the others' history is the same
apart from commit ids, and the refusals leave the repository untouched."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, from_template, git

from ipstui import cli
from ipstui.core import edits, erase, storage
from ipstui.core.caseload import load_for_edit

pytest.importorskip("git_filter_repo", reason="ipstui erase needs git-filter-repo (extra 'erase')")

NAMES = {"P-0001": "Giulia Rossi", "P-0002": "Erasmo Quux", "P-0003": "Sara Lind"}
TODAY = "2026-11-30"


@pytest.fixture
def repo(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three participants, 50 commits in all (settings commits included), round-robin
    (built once, a copy for each test)."""
    return from_template("erase-50", _fifty_commits, tmp_path / "cl", tmp_path_factory)


def _fifty_commits(root: Path) -> None:
    empty_caseload(root)
    for pid, name in NAMES.items():
        edits.new_participant(
            load_for_edit(root, None), name=name, specialist="anna", referral_source="CSM",
            today=date(2026, 9, 1), pid=pid,
        )  # fmt: skip
    kinds = ("phone", "meeting", "message")
    n = int(git(root, "rev-list", "--count", "HEAD"))
    i = 0
    while n < 50:
        pid = list(NAMES)[i % 3]
        cl = load_for_edit(root, pid)
        if i == 7:
            edits.move(cl, pid, "engagement", today=date(2026, 9, 20))
        else:
            edits.add_contact(
                cl, pid, kind=kinds[i % 3], on=date(2026, 9, 2 + i % 27),
                note=f"note {i} about {NAMES[pid]}",
            )  # fmt: skip
        i += 1
        n += 1
    assert int(git(root, "rev-list", "--count", "HEAD")) == 50


def _blobs(root: Path, pid: str) -> set[str]:
    raw = git(
        root, "log", "--all", "--format=", "--raw", "--no-abbrev", "--", f"participants/{pid}.toml"
    )
    return {b for line in raw.splitlines() for b in line.split()[2:4] if b.strip("0")}


def _log_without_ids(root: Path, pid: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert cli.main(["log", pid, "-C", str(root)]) == 0
    return [re.sub(r"^[0-9a-f]{7}  ", "", ln) for ln in capsys.readouterr().out.splitlines()]


def _exists(root: Path, obj: str) -> bool:
    return subprocess.run(["git", "-C", str(root), "cat-file", "-e", obj]).returncode == 0


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_dry_run_lists_every_commit_and_changes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(repo, "rev-parse", "HEAD")
    assert cli.main(["erase", "P-0002", "-C", str(repo), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    touching = git(
        repo, "log", "--format=%h", "--abbrev=10", "--", "participants/P-0002.toml"
    ).split()
    assert len(touching) >= 16
    assert all(sha in out for sha in touching)
    assert "participants/P-0002.toml" in out and "dry run: nothing was changed" in out
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == ""


def test_erase_removes_every_version_and_keeps_the_others(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blobs = _blobs(repo, "P-0002")
    assert blobs and all(_exists(repo, b) for b in blobs)
    others = {pid: _log_without_ids(repo, pid, capsys) for pid in ("P-0001", "P-0003")}
    code = cli.main(
        ["erase", "P-0002", "--yes", "--request", "REQ-7", "-C", str(repo), "--today", TODAY]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    # Nothing reachable or loose holds any version of the file.
    assert not [b for b in blobs if _exists(repo, b)]
    assert git(repo, "log", "--all", "--format=%H", "--", "participants/P-0002.toml") == ""
    assert "P-0002" not in git(repo, "log", "--all", "--format=%B")
    assert NAMES["P-0002"] not in git(repo, "log", "--all", "-p")
    assert not (repo / "participants" / "P-0002.toml").exists()
    assert git(repo, "status", "--porcelain") == ""
    # The others' field-level history is the same apart from commit ids.
    for pid, before in others.items():
        assert _log_without_ids(repo, pid, capsys) == before
    # The record holds no personal data, and is itself a commit.
    record = storage.read_file(repo / "erasures.toml")[0]["erasure"]
    assert record == [
        {"on": date(2026, 11, 30), "by": "Anna Bianchi",
         "id_sha256": erase.id_hash("P-0002"), "request": "REQ-7"}
    ]  # fmt: skip
    text = (repo / "erasures.toml").read_text()
    assert "P-0002" not in text and NAMES["P-0002"] not in text
    assert (
        git(repo, "log", "-1", "--format=%s") == "erase: a participant removed from the history\n"
    )
    assert "force-push" in out and "clone again" in out


@pytest.mark.slow  # a long test: run by .ci/run (pytest -m slow), not the README's quick run
def test_erase_keeps_the_remote_and_names_the_push(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "team.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    git(repo, "fetch", "-q", "origin")
    blobs = _blobs(repo, "P-0002")
    assert cli.main(["erase", "P-0002", "--yes", "-C", str(repo), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert git(repo, "remote").split() == ["origin"]
    assert "push --force --all origin" in out
    assert not [b for b in blobs if _exists(repo, b)]
    # After the force-push and a gc on the server, a fresh clone holds nothing of the person.
    git(repo, "push", "-q", "--force", "--all", "origin")
    git(bare, "reflog", "expire", "--expire=now", "--all")
    git(bare, "gc", "-q", "--prune=now")
    clone = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", str(bare), str(clone))
    assert not [b for b in blobs if _exists(clone, b)]


def _dirty(root: Path) -> None:
    (root / "participants" / "P-0001.toml").write_text(
        (root / "participants" / "P-0001.toml").read_text() + "# hand edit\n"
    )


def _untracked(root: Path) -> None:
    (root / "scratch.txt").write_text("x")


def _mid_merge(root: Path) -> None:
    git(root, "checkout", "-qb", "other")
    (root / "caseload.toml").write_text((root / "caseload.toml").read_text() + "# other\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "main")
    (root / "caseload.toml").write_text((root / "caseload.toml").read_text() + "# main\n")
    git(root, "commit", "-qam", "main")
    subprocess.run(["git", "-C", str(root), "merge", "-q", "other"], capture_output=True)
    assert (root / ".git" / "MERGE_HEAD").exists()


def _detached(root: Path) -> None:
    git(root, "checkout", "-q", "--detach", "HEAD~1")


def _stash(root: Path) -> None:
    _dirty(root)
    git(root, "stash", "-q")


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        (_dirty, "uncommitted changes"),
        (_untracked, "uncommitted changes"),
        (_mid_merge, "a merge is in progress"),
        (_detached, "HEAD is detached"),
        (_stash, "stashed changes"),
    ],
    ids=["dirty", "untracked", "mid-merge", "detached", "stash"],
)
def test_refusals_change_nothing(
    repo: Path, setup, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    setup(repo)
    refs = git(repo, "for-each-ref")
    blobs = _blobs(repo, "P-0002")
    assert cli.main(["erase", "P-0002", "--yes", "-C", str(repo), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert git(repo, "for-each-ref") == refs
    assert all(_exists(repo, b) for b in blobs)
    assert not (repo / "erasures.toml").exists()


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        (_dirty, "uncommitted changes"),
        (_mid_merge, "a merge is in progress"),
        (_detached, "HEAD is detached"),
        (_stash, "stashed changes"),
    ],
    ids=["dirty", "mid-merge", "detached", "stash"],
)
def test_a_dry_run_lists_and_says_what_stands_before_yes(
    repo: Path, setup, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    setup(repo)
    refs = git(repo, "for-each-ref")
    assert cli.main(["erase", "P-0002", "-C", str(repo), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert "participants/P-0002.toml" in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("dry run: nothing was changed; `--yes` would be refused now:")
    assert says in last
    assert git(repo, "for-each-ref") == refs


def test_unknown_and_invalid_ids(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["erase", "P-0099", "-C", str(repo)]) == 1
    assert "nothing to erase" in capsys.readouterr().err
    assert cli.main(["erase", "../x", "-C", str(repo)]) == 1
    assert "not a valid participant id" in capsys.readouterr().err
