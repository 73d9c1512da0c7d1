"""`ipstui erase` of a record that was renumbered (SPEC §12, trial 8 fault A): the versions
at the path it had before — a sync's renumber merged with the other side's person at the
old id, or a `git mv` — hold the person's data too, and another person who got the old
path since keeps every version of theirs."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, git

from ipstui import cli
from ipstui.core import edits
from ipstui.core.caseload import load_for_edit

pytest.importorskip("git_filter_repo", reason="ipstui erase needs git-filter-repo (extra 'erase')")

TODAY = "2026-11-30"
ALICE, BOB = "Alice Local", "Bob Remote"
OLD, NEW = "participants/P-0001.toml", "participants/P-0002.toml"


def _new(root: Path, name: str, pid: str) -> None:
    edits.new_participant(
        load_for_edit(root, None), name=name, specialist="anna", referral_source="CSM",
        today=date(2026, 9, 1), pid=pid,
    )  # fmt: skip


def _contact(root: Path, pid: str, note: str) -> None:
    edits.add_contact(load_for_edit(root, pid), pid, kind="phone", on=date(2026, 9, 3), note=note)


def _renumber(root: Path) -> None:
    """Alice's P-0001 becomes P-0002 in one commit (file renamed, id changed)."""
    git(root, "mv", OLD, NEW)
    path = root / NEW
    path.write_text(path.read_text().replace('id = "P-0001"', 'id = "P-0002"'))
    git(root, "commit", "-q", "-am", "renumber P-0001 to P-0002")


def _git_mv_then_new(root: Path) -> None:
    _new(root, ALICE, "P-0001")
    _contact(root, "P-0001", "called Alice")
    _renumber(root)
    _contact(root, "P-0002", "Alice again")
    _new(root, BOB, "P-0001")
    _contact(root, "P-0001", "called Bob")


def _sync_renumber(root: Path) -> None:
    """As a sync does it: the other side added Bob at P-0001; the local P-0001 (Alice) is
    renumbered to P-0002 and the other side is merged in."""
    base = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "-b", "theirs")
    _new(root, BOB, "P-0001")
    _contact(root, "P-0001", "called Bob")
    git(root, "checkout", "-q", "main")
    assert git(root, "rev-parse", "HEAD").strip() == base
    _new(root, ALICE, "P-0001")
    _contact(root, "P-0001", "called Alice")
    _renumber(root)
    git(root, "merge", "-q", "--no-edit", "theirs")
    git(root, "branch", "-q", "-D", "theirs")
    _contact(root, "P-0002", "Alice again")


def _blobs_holding(root: Path, text: str) -> set[str]:
    out = set()
    for commit in git(root, "rev-list", "--all").split():
        for line in git(root, "ls-tree", "-r", commit, "participants").splitlines():
            blob = line.split()[2]
            if text in git(root, "cat-file", "blob", blob):
                out.add(blob)
    return out


def _exists(root: Path, obj: str) -> bool:
    return subprocess.run(["git", "-C", str(root), "cat-file", "-e", obj]).returncode == 0


@pytest.mark.parametrize(
    # a sync's renumbering in the quick run; a hand's `git mv` too in .ci/run (-m slow)
    "build",
    [pytest.param(_git_mv_then_new, marks=pytest.mark.slow), _sync_renumber],
    ids=["git-mv", "sync"],
)
def test_erase_follows_the_renumber_and_keeps_the_new_holder_of_the_old_id(
    tmp_path: Path, build, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "cl"
    empty_caseload(root)
    build(root)
    alice, bob = _blobs_holding(root, ALICE), _blobs_holding(root, BOB)
    old_alice = {
        b for b in alice
        for c in git(root, "rev-list", "--all").split()
        if b in git(root, "ls-tree", c, OLD)
    }  # fmt: skip
    assert old_alice and bob, "the repro needs Alice at the old path and Bob after her"

    assert cli.main(["erase", "P-0002", "-C", str(root), "--today", TODAY]) == 0
    dry = capsys.readouterr().out
    assert f"{len(alice)} version(s)" in dry and OLD in dry

    assert cli.main(["erase", "P-0002", "--yes", "-C", str(root), "--today", TODAY]) == 0
    capsys.readouterr()
    # No reachable or loose object holds Alice; every version of Bob is still there.
    assert not [b for b in alice if _exists(root, b)]
    assert _blobs_holding(root, ALICE) == set()
    assert ALICE not in git(root, "log", "--all", "-p")
    assert _blobs_holding(root, BOB) == bob
    assert BOB in (root / OLD).read_text() and not (root / NEW).exists()
    assert git(root, "status", "--porcelain") == ""
