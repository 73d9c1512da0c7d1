"""The full-disk guess for a local write failure git gives no reason for measures the
disk of the common git directory, where git writes, not the work tree's: a worktree's
common directory may sit on another disk (s8fixB review, item 4)."""

from __future__ import annotations

import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from sync_helpers import isolate_git, make_team, run

from ipstui.core import sync

Usage = namedtuple("Usage", "total used free")

CASES = [
    # (case, free bytes at the common git dir, free bytes elsewhere, cause)
    ("the git dir's disk is full, the work tree's is not", 4096, 10**9, "disk_full"),
    ("the work tree's disk is full, the git dir's is not", 10**9, 4096, "other"),
    ("neither is full", 10**9, 10**9, "other"),
]


@pytest.mark.parametrize(("case", "at_git", "elsewhere", "cause"), CASES, ids=[c[0] for c in CASES])
def test_the_guess_measures_the_common_git_dir(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    at_git: int,
    elsewhere: int,
    cause: str,
) -> None:
    isolate_git(tmp_path, monkeypatch)
    a, _b = make_team(tmp_path, "a", "b")
    tree = tmp_path / "elsewhere" / "wt"
    run(a, "worktree", "add", "-q", "-b", "side", str(tree))
    common = (a / ".git").resolve()
    asked: list[Path] = []

    def disk_usage(path: str | Path) -> Usage:
        asked.append(Path(path))
        return Usage(10**10, 0, at_git if Path(path) == common else elsewhere)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    said = f"error: couldn't write '{tree.resolve()}/.git'\nfatal: could not fetch"
    assert sync._local_cause("fetch from", tree, said) == cause
    assert asked == [common]
