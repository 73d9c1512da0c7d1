"""Sync never brings an erased participant back (SPEC §12, §6).

Two independent guards, each tested on its own kind of old clone:

- **the remote was rewritten**: the commit this clone last knew of the remote branch is
  not an ancestor of the fetched one (an erasure and a force-push, or any other
  rewrite): nothing is merged or pushed, the remote-tracking ref stays where it was (so
  the next sync refuses too), and the message names the user's unsynced commits;
- **the merge result holds an erased id**: whatever the refs say (the user fetched by
  hand, a second remote), a tree or a pushed commit that holds a participant whose id's
  hash erasures.toml lists is not pushed.

Every refusal leaves the clone exactly as it was (the user's own commits kept) and the
remote without any trace of the erased person.

The quick run (issue 12) leaves out one old clone: the one with nothing local, which
meets the rewrite guard as the one with an edit does (`slow`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import commit_participant, head, make_team, participant, read_participant, run

from ipstui import cli
from ipstui.core import erase, erasures
from ipstui.core.service import CaseloadService
from ipstui.core.sync import SYNCED_REFS, SyncError, sync

pytest.importorskip("git_filter_repo", reason="ipstui erase needs git-filter-repo (extra 'erase')")

ERASED = "P-0002"
TODAY = date(2026, 11, 30)


def _erase(clone: Path, pid: str = ERASED) -> None:
    erase.erase(clone, erase.plan(clone, pid), today=TODAY, request="REQ-1")


def _remote_mentions(remote: Path, pid: str = ERASED) -> str:
    """Every commit on any ref of the remote touching the participant's file."""
    return run(remote, "log", "--all", "--format=%H", "--", f"participants/{pid}.toml").stdout


def _edit(clone: Path, pid: str = "P-0001", notes: str = "x") -> str:
    data = read_participant(clone, pid)
    data["notes"] = notes
    return commit_participant(clone, data, "set notes")


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A remote with P-0001..P-0003 (P-0002 added after the first commit), the eraser's
    clone `a` and an old clone `b`, both in sync."""
    people = [participant(f"P-000{i}", name=f"Person {i}") for i in (1, 3)]
    a, b = make_team(tmp_path, "a", "b", participants=people, setup=_both_in_sync)
    return tmp_path / "remote.git", a, b


@pytest.fixture
def erased(tmp_path: Path) -> tuple[Path, Path, Path]:
    """`team` after `a` erased P-0002 and force-pushed (`_erased_and_pushed`), made once
    per process and copied for each test (issue 12: the erasure is a `git filter-repo`)."""
    people = [participant(f"P-000{i}", name=f"Person {i}") for i in (1, 3)]
    a, b = make_team(tmp_path, "a", "b", participants=people, setup=_erased_after_sync)
    return tmp_path / "remote.git", a, b


def _erased_after_sync(clones: list[Path]) -> None:
    _both_in_sync(clones)
    _erased_and_pushed(clones[0])


def _both_in_sync(clones: list[Path]) -> None:
    """`a` adds the participant to be erased and syncs, then `b` syncs (once per
    process: `make_team` copies the result for each test)."""
    a, b = clones
    commit_participant(a, participant(ERASED, name="Person 2"), "add")
    sync(a)
    sync(b)


def _erased_and_pushed(a: Path) -> None:
    _erase(a)
    run(a, "push", "-q", "--force", "--all", "origin")


def _old_clone_edits(b: Path) -> None:
    _edit(b)


def _old_clone_fetched_by_hand(b: Path) -> None:
    _edit(b)
    run(b, "fetch", "-q", "origin")  # the tracking ref follows the rewrite


def _old_clone_only_behind(b: Path) -> None:
    pass


def _old_clone_recreated_the_file(b: Path) -> None:
    run(b, "fetch", "-q", "origin")
    run(b, "reset", "-q", "--hard", "origin/main")  # a "re-clone" ...
    for ref in run(b, "for-each-ref", "--format=%(refname)", SYNCED_REFS).stdout.split():
        run(b, "update-ref", "-d", ref)  # ... which, made afresh, has no sync memory
    data = participant(ERASED, name="Person 2")  # ... then the file restored from a backup
    commit_participant(b, data, "add")


KINDS: list[Any] = [
    # (kind, what the old clone does after the erasure was force-pushed, words said)
    ("old clone with an edit", _old_clone_edits, "history of origin/main was rewritten"),
    # The rewrite guard as with an edit, but nothing local: `slow` (issue 12).
    pytest.param(
        "old clone, nothing local",
        _old_clone_only_behind,
        "history of origin/main was rewritten",
        marks=pytest.mark.slow,
    ),
    # Sync remembers the last remote commit it synced (sync.SYNCED_REFS), so a hand fetch
    # that moved the tracking ref onto the rewritten history no longer hides the rewrite.
    (
        "tracking ref moved by hand",
        _old_clone_fetched_by_hand,
        "history of origin/main was rewritten",
    ),
    ("erased file put back", _old_clone_recreated_the_file, f"would publish {ERASED} again"),
]


@pytest.mark.parametrize(
    ("kind", "then", "said"),
    KINDS,
    ids=["old clone with an edit", "old clone, nothing local", "tracking ref moved by hand",
         "erased file put back"],
)  # fmt: skip
def test_an_old_clone_never_republishes_an_erased_participant(
    erased: tuple[Path, Path, Path], kind: str, then: Any, said: str
) -> None:
    remote, a, b = erased
    then(b)
    before = head(b), run(b, "status", "--porcelain").stdout
    tracking = run(b, "rev-parse", "origin/main").stdout
    remote_before = run(remote, "rev-parse", "main").stdout
    with pytest.raises(SyncError) as err:
        sync(b)
    assert said in str(err.value)
    assert "clone the caseload again" in str(err.value)
    # Nothing reached the remote; the old clone is as it was, its commits kept.
    assert run(remote, "rev-parse", "main").stdout == remote_before
    assert _remote_mentions(remote) == ""
    assert (head(b), run(b, "status", "--porcelain").stdout) == before
    assert not (b / ".git" / "MERGE_HEAD").exists()
    # The last-known remote commit is kept, so a second sync refuses the same way.
    assert run(b, "rev-parse", "origin/main").stdout == tracking
    with pytest.raises(SyncError, match="rewritten|would publish"):
        sync(b)
    assert _remote_mentions(remote) == ""


def test_the_refusal_names_the_users_own_unsynced_commits(erased: tuple[Path, Path, Path]) -> None:
    _remote, a, b = erased
    _edit(b, "P-0001")
    _edit(b, "P-0003")
    with pytest.raises(SyncError) as err:
        sync(b)
    msg = str(err.value)
    assert "your 2 unsynced commits (changing P-0001, P-0003) stay in this clone" in msg
    assert "remote.git" in msg  # where to clone from


def test_the_app_and_cli_refuse_through_the_service(
    erased: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """`ipstui sync` and the app's sync are the same service call (prefetch included)."""
    remote, a, b = erased
    _edit(b)
    with pytest.raises(SyncError, match="was rewritten"):
        CaseloadService(b).sync()
    assert cli.main(["sync", "-C", str(b)]) == 1
    err = capsys.readouterr().err
    assert "was rewritten" in err and len(err.strip().splitlines()[-1]) > 0
    assert _remote_mentions(remote) == ""


def test_the_eraser_who_syncs_before_force_pushing_is_stopped(
    team: tuple[Path, Path, Path],
) -> None:
    """The eraser's clone holds the rewritten history; the remote still the old one:
    merging them would bring the person back into the eraser's own clone."""
    remote, a, _b = team
    _erase(a)
    erased_head = head(a)
    with pytest.raises(SyncError, match="rewritten|would publish"):
        sync(a)
    assert head(a) == erased_head
    assert not (a / "participants" / f"{ERASED}.toml").exists()
    # What `ipstui erase` says to do works: force-push, then sync is in step.
    run(a, "push", "-q", "--force", "--all", "origin")
    assert sync(a).status == "in_sync"
    assert _remote_mentions(remote) == ""


def test_a_rewrite_without_erasure_is_refused_too(team: tuple[Path, Path, Path]) -> None:
    """Any force-push that drops commits this clone synced is a rewritten history."""
    _remote, a, b = team
    _edit(a, notes="dropped later")
    sync(a)
    sync(b)
    run(a, "reset", "-q", "--hard", "HEAD~1")
    run(a, "push", "-q", "--force", "origin", "main")
    _edit(b, "P-0003")
    with pytest.raises(SyncError, match="was rewritten"):
        sync(b)


def test_syncing_after_an_erasure_works_for_a_fresh_clone(
    erased: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The guards do not get in the way: a re-cloned colleague edits and syncs."""
    remote, a, _b = erased
    fresh = tmp_path / "fresh"
    run(tmp_path, "clone", "-q", str(remote), str(fresh))
    _edit(fresh, "P-0003")
    _edit(a, "P-0001")
    assert sync(fresh).status == "pushed"
    assert sync(a).status == "pushed"
    assert _remote_mentions(remote) == ""


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ('[[erasure]]\nid_sha256 = "{h}"\n', True),
        ("[[erasure]]\nid_sha256 = '{h}'\n", True),
        ('[[erasure]]\n  id_sha256="{H}"\n', True),  # upper-case hex, indented
        ('[[erasure]]\nid_sha256 = "{h}"\nbroken = \n', True),  # invalid TOML still counts
        ('# id_sha256 = "{h}"\n', False),  # a comment is not an entry
        ('[[erasure]]\nid_sha256 = "{h}0"\n', False),  # not 64 hex digits
    ],
)
def test_the_register_is_read_leniently(text: str, listed: bool) -> None:
    h = erasures.id_hash(ERASED)
    hashes = erasures.hashes_in(text.format(h=h, H=h.upper()))
    assert (h in hashes) is listed
    assert erasures.erased_among(["P-0001", ERASED], hashes) == ([ERASED] if listed else [])
