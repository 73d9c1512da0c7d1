"""A remote branch this clone knew that is gone or renamed is a rewrite (SPEC §12, §6).

The old clone's remote-tracking ref names a branch the remote no longer has: pushing
would recreate it (an erased participant with it) and split the team over two branches.
Sync refuses, says what happened (the remote's new main branch when its HEAD moved) and
how to recover (a new clone), and changes nothing here or on the remote. A true first
push (the clone never had a remote-tracking ref) is still allowed, unless it would
publish a participant the remote's erasures.toml lists.

The quick run (issue 12) refuses each kind of gone branch once, with and without a
local edit in turn; the other four pairs are `slow` (`_kinds_and_locals`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sync_helpers import commit_participant, head, make_team, participant, read_participant, run

from ipstui.core import erase
from ipstui.core.service import CaseloadService
from ipstui.core.sync import SyncError, sync

ERASED = "P-0002"
TODAY = date(2026, 11, 30)


def _edit(clone: Path, pid: str = "P-0001", notes: str = "x") -> str:
    data = read_participant(clone, pid)
    data["notes"] = notes
    return commit_participant(clone, data, "set notes")


def _branches(remote: Path) -> list[str]:
    return run(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split()


def _remote_mentions(remote: Path, pid: str = ERASED) -> str:
    return run(remote, "log", "--all", "--format=%H", "--", f"participants/{pid}.toml").stdout


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A remote on `main` with P-0001..P-0003, clones `a` and `b` both in sync."""
    people = [participant(f"P-000{i}", name=f"Person {i}") for i in (1, 3)]
    a, b = make_team(tmp_path, "a", "b", participants=people, setup=_both_in_sync)
    return tmp_path / "remote.git", a, b


def _both_in_sync(clones: list[Path]) -> None:
    """`a` adds the participant to be erased and syncs, then `b` syncs (once per
    process: `make_team` copies the result for each test)."""
    a, b = clones
    commit_participant(a, participant(ERASED, name="Person 2"), "add")
    sync(a)
    sync(b)


def _renamed(remote: Path, a: Path) -> None:
    run(remote, "branch", "-m", "main", "trunk")
    run(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")


def _deleted(remote: Path, a: Path) -> None:
    run(remote, "branch", "-c", "main", "trunk")
    run(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
    run(remote, "branch", "-D", "main")


def _deleted_no_head(remote: Path, a: Path) -> None:
    run(remote, "branch", "-D", "main")  # HEAD names a branch that does not exist


def _erased_then_renamed(remote: Path, a: Path) -> None:
    erase.erase(a, erase.plan(a, ERASED), today=TODAY, request="REQ-1")
    run(a, "push", "-q", "--force", "--all", "origin")
    _renamed(remote, a)


KINDS: list[tuple[str, Any, str]] = [
    # (what happened on the remote, words the refusal says)
    ("renamed, HEAD moved", _renamed, "main branch is now origin/trunk"),
    ("deleted, HEAD moved", _deleted, "main branch is now origin/trunk"),
    ("deleted, no branch left", _deleted_no_head, "is gone from the remote"),
    ("erased, force-pushed, renamed", _erased_then_renamed, f"would publish {ERASED} again"),
]


def _kinds_and_locals() -> list:
    """Every kind × both local states; the quick run keeps each kind once, the local
    state alternating (each kind and each local state runs), the rest `slow`."""
    return [
        pytest.param(
            *k, local, id=f"{local}-{k[0]}", marks=() if i % 2 == j else pytest.mark.slow
        )
        for i, k in enumerate(KINDS)
        for j, local in enumerate(["an edit", "nothing local"])
    ]


@pytest.mark.parametrize(("kind", "then", "said", "local"), _kinds_and_locals())
def test_a_known_branch_gone_from_the_remote_is_refused(
    team: tuple[Path, Path, Path], kind: str, then: Any, said: str, local: str
) -> None:
    remote, a, b = team
    then(remote, a)
    if local == "an edit":
        _edit(b)
    before = head(b), run(b, "status", "--porcelain").stdout
    tracking = run(b, "rev-parse", "origin/main").stdout
    remote_refs = run(remote, "for-each-ref").stdout
    for attempt in range(2):  # the next sync refuses the same way
        with pytest.raises(SyncError) as err:
            sync(b)
        msg = str(err.value)
        assert said in msg, (attempt, msg)
        assert "clone the caseload again" in msg and "remote.git" in msg
        assert "nothing was" in msg
        # Nothing reached the remote: the old branch is not recreated.
        assert "main" not in _branches(remote)
        assert run(remote, "for-each-ref").stdout == remote_refs
        assert (head(b), run(b, "status", "--porcelain").stdout) == before
        assert run(b, "rev-parse", "origin/main").stdout == tracking
        assert not (b / ".git" / "MERGE_HEAD").exists()
    if kind.startswith("erased"):
        assert _remote_mentions(remote) == ""


def test_the_refusal_through_the_service_and_prefetch(team: tuple[Path, Path, Path]) -> None:
    """The app and the CLI sync through the service, which fetches before the lock."""
    remote, _a, b = team
    _renamed(remote, b)
    _edit(b)
    with pytest.raises(SyncError, match="origin/trunk"):
        CaseloadService(b).sync()
    assert "main" not in _branches(remote)


def test_the_refusal_names_the_unsynced_commits(team: tuple[Path, Path, Path]) -> None:
    remote, _a, b = team
    _deleted(remote, b)
    _edit(b, "P-0001")
    _edit(b, "P-0003")
    with pytest.raises(SyncError) as err:
        sync(b)
    assert "your 2 unsynced commits (changing P-0001, P-0003) stay in this clone" in str(err.value)


def test_a_true_first_push_is_allowed(tmp_path: Path) -> None:
    """A clone of an empty remote never had a remote-tracking ref: its sync publishes."""
    (a,) = make_team(tmp_path, "a")
    empty = tmp_path / "empty.git"
    run(tmp_path, "init", "-q", "--bare", str(empty))
    run(a, "remote", "set-url", "origin", str(empty))
    run(a, "update-ref", "-d", "refs/remotes/origin/main")
    result = sync(a)
    assert result.status == "pushed"
    assert run(empty, "rev-parse", "main").stdout.strip() == head(a)


def test_a_first_push_is_refused_when_the_remote_erased_a_participant_it_holds(
    team: tuple[Path, Path, Path],
) -> None:
    """No remote-tracking ref (pruned, or the remote re-added) and a branch the remote
    does not have: the erased-id check still reads the remote's main branch."""
    remote, a, b = team
    _erased_then_renamed(remote, a)
    run(b, "update-ref", "-d", "refs/remotes/origin/main")
    with pytest.raises(SyncError, match=f"would publish {ERASED} again"):
        sync(b)
    assert _branches(remote) == ["trunk"]
    assert _remote_mentions(remote) == ""


def test_a_plain_rewrite_is_not_called_an_erasure(team: tuple[Path, Path, Path]) -> None:
    """An amended commit, force-pushed (no erasures.toml change): "rewritten", with the
    recovery, and no word of an erasure."""
    _remote, a, b = team
    _edit(a, notes="first")
    sync(a)
    sync(b)
    run(a, "commit", "-q", "--amend", "-m", "P-0001: set notes again")
    run(a, "push", "-q", "--force", "origin", "main")
    _edit(b, "P-0003")
    with pytest.raises(SyncError) as err:
        sync(b)
    msg = str(err.value)
    assert "was rewritten" in msg and "force-pushed" in msg
    assert "clone the caseload again" in msg
    assert "erase" not in msg
