"""Where a record went between the commit a screen loaded and HEAD (`core/follow.py`,
trial 7 item 1): git's rename detection commit by commit, on real repositories.

Each case starts from P-0001 committed (the screen's base) and makes commits behind
its back; the answer says whether P-0001's record is still at its path, renamed (and
whether another record now has its path), deleted, or replaced by another person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sync_helpers import (
    commit_participant,
    head,
    isolate_git,
    make_team,
    participant,
    run,
    write_participant,
)

from ipstui.core.follow import GONE, MOVED, REPLACED, SAME, UNKNOWN, where_now
from ipstui.core.service import CaseloadService
from ipstui.core.sync import sync

FILE = "participants/P-0001.toml"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    return tmp_path


def _rename(root: Path, new: str) -> None:
    """The record P-0001 moved to `new` in one commit (`git mv` and the id with it)."""
    run(root, "mv", FILE, f"participants/{new}.toml")
    write_participant(root, participant(new))
    run(root, "commit", "-qam", f"P-0001 -> {new}: renumbered")


def _edited(root: Path) -> None:
    commit_participant(root, participant(notes="edited elsewhere"), "set notes")


def _renamed(root: Path) -> None:
    _rename(root, "P-0002")


def _renamed_then_taken(root: Path) -> None:
    _rename(root, "P-0002")
    commit_participant(root, participant(name="Other Person", referral_source="Self"), "new")


def _deleted(root: Path) -> None:
    run(root, "rm", "-q", FILE)
    run(root, "commit", "-qm", "P-0001: remove participant file")


def _deleted_then_another(root: Path) -> None:
    _deleted(root)
    commit_participant(root, participant(name="Other Person"), "new participant")


def _renamed_twice(root: Path) -> None:
    _rename(root, "P-0002")
    run(root, "mv", "participants/P-0002.toml", "participants/P-0003.toml")
    write_participant(root, participant("P-0003"))
    run(root, "commit", "-qam", "P-0002 -> P-0003: renumbered")


def _history_rewritten(root: Path) -> None:
    run(root, "commit", "-q", "--amend", "-m", "rewritten")  # the base is no ancestor


@dataclass(frozen=True)
class Case:
    name: str
    behind: Callable[[Path], None]
    state: str
    rel: str
    replaced_path: bool = False


CASES = [
    Case("nothing happened", lambda root: None, SAME, FILE),
    Case("edited in place", _edited, SAME, FILE),
    Case("renamed (git mv)", _renamed, MOVED, "participants/P-0002.toml"),
    Case("renamed, then another at its path", _renamed_then_taken, MOVED,
         "participants/P-0002.toml", True),
    Case("renamed twice", _renamed_twice, MOVED, "participants/P-0003.toml"),
    Case("deleted", _deleted, GONE, FILE),
    Case("deleted, then another person at its id", _deleted_then_another, REPLACED, FILE),
    Case("history rewritten", _history_rewritten, UNKNOWN, FILE),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_where_the_record_went(env: Path, case: Case) -> None:
    (a,) = make_team(env, "a")
    base = head(a)
    case.behind(a)
    where = where_now(a, base, FILE)
    assert (where.state, where.rel, where.replaced_path) == (
        case.state,
        case.rel,
        case.replaced_path,
    )


def test_a_sync_renumber_is_followed_although_the_remote_took_the_path(env: Path) -> None:
    """The trial: the remote's P-0001 is another person; the local one became P-0002 in
    the renumber commit, then the merge brought the remote's P-0001 to the path."""
    a, b = make_team(env, "a", "b", participants=[participant("P-0000")])
    commit_participant(b, participant(name="Bob Remote", referral_source="Self"), "new")
    sync(b)
    commit_participant(a, participant(name="Alice Local"), "new participant")
    base = head(a)
    assert [r.new for r in sync(a).renumbered] == ["P-0002"]
    where = CaseloadService(a).where_now(base, FILE)
    assert (where.state, where.rel, where.replaced_path) == (
        MOVED,
        "participants/P-0002.toml",
        True,
    )
