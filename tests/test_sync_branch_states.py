"""Sync and the header's status for every state a branch can be in (trial 9 item 3).

Each row sets up a real clone of a bare remote in one branch state and checks the three
things a user sees or depends on: the header's words (`status().words()`, no network),
what `sync` says (its message, or the refusal), and what the remote holds afterwards.
"ahead" counts against the upstream (as `git status` does) where there is one, else
what the remote does not have: a branch made from `main` in a worktree with 3 commits
of its own is 3 ahead, not the length of its history; a branch with no
upstream is never published as a new remote branch by sync (the team shares one
branch, SPEC §6)."""

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
    read_participant,
    run,
)

from ipstui.core.sync import STATUS_STATES, SyncError, SyncStatus, status, sync


@dataclass
class Case:
    name: str
    setup: Callable[[Path, Path], Path]
    """(tmp folder, clone `a` of remote.git) -> the work tree to sync."""
    state: str
    """`status().state` before the sync."""
    words: str
    """The header's words before the sync."""
    said: str
    """Words of the sync's message, or of its refusal when `refused`."""
    refused: bool
    remote_after: Callable[[Path, Path], dict[str, str | None]]
    """(tmp folder, work tree) -> {"remote.git main": the commit it must hold, or None:
    no such branch}; read before a refused sync, after a sync that pushed."""


def _edits(repo: Path, n: int, pid: str = "P-0001") -> None:
    for _i in range(n):
        data = read_participant(repo, pid)
        data["notes"] = f"{repo.name} {run(repo, 'rev-list', '--count', 'HEAD').stdout.strip()}"
        commit_participant(repo, data, "set notes")


def _ref(repo: Path, ref: str) -> str | None:
    proc = run(repo, "rev-parse", "-q", "--verify", ref, check=False)
    return proc.stdout.strip() or None


def _branches(repo: Path) -> list[str]:
    return run(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split()


# ------------------------------------------------------------------ the states


def tracking_ahead(tmp: Path, a: Path) -> Path:
    _edits(a, 2)
    return a


def tracking_both_ways(tmp: Path, a: Path) -> Path:
    run(tmp, "clone", "-q", str(tmp / "remote.git"), str(tmp / "b"))
    _edits(tmp / "b", 1, "P-0002")
    run(tmp / "b", "push", "-q")
    run(a, "fetch", "-q")
    _edits(a, 1)
    return a


def worktree_no_upstream(tmp: Path, a: Path) -> Path:
    run(a, "worktree", "add", "-q", "-b", "wtb", str(tmp / "wt1"))
    _edits(tmp / "wt1", 3)
    return tmp / "wt1"


def checkout_b_no_upstream(tmp: Path, a: Path) -> Path:
    run(a, "checkout", "-q", "-b", "wtb")
    _edits(a, 2)
    return a


def upstream_set_to_main(tmp: Path, a: Path) -> Path:
    """The way out the no-upstream refusal gives: sync the branch with the team's."""
    wt = worktree_no_upstream(tmp, a)
    run(wt, "branch", "-q", "--set-upstream-to=origin/main")
    return wt


def same_name_on_remote(tmp: Path, a: Path) -> Path:
    """No upstream set, but the remote has the branch (pushed without -u): synced."""
    run(a, "checkout", "-q", "-b", "wtb")
    _edits(a, 1)
    run(a, "push", "-q", "origin", "wtb")
    _edits(a, 1)
    return a


def _feature_on_remote(tmp: Path, a: Path, main_moves_on: bool) -> None:
    """A teammate pushes 2 commits to a branch `feature` of the remote (and, when
    `main_moves_on`, 1 to main); `a` fetches and fast-forwards its main to
    origin/feature. The remote has those 2 commits, but not on main: they are ahead."""
    b = tmp / "b"
    run(tmp, "clone", "-q", str(tmp / "remote.git"), str(b))
    run(b, "checkout", "-q", "-b", "feature")
    _edits(b, 2)
    run(b, "push", "-q", "origin", "feature")
    if main_moves_on:
        run(b, "checkout", "-q", "main")
        _edits(b, 1, "P-0002")
        run(b, "push", "-q", "origin", "main")
    run(a, "fetch", "-q")
    run(a, "merge", "-q", "--ff-only", "origin/feature")


def fast_forwarded_to_another_branch(tmp: Path, a: Path) -> Path:
    _feature_on_remote(tmp, a, main_moves_on=False)
    return a


def fast_forwarded_to_another_branch_both_ways(tmp: Path, a: Path) -> Path:
    _feature_on_remote(tmp, a, main_moves_on=True)
    return a


def detached(tmp: Path, a: Path) -> Path:
    _edits(a, 1)
    run(a, "checkout", "-q", "--detach")
    return a


def unborn(tmp: Path, a: Path) -> Path:
    fresh = tmp / "fresh"
    run(tmp, "init", "-q", str(fresh))
    run(fresh, "remote", "add", "origin", str(tmp / "remote.git"))
    run(fresh, "fetch", "-q", "origin")
    return fresh


def upstream_on_another_remote(tmp: Path, a: Path) -> Path:
    run(tmp, "clone", "-q", "--bare", str(tmp / "remote.git"), str(tmp / "other.git"))
    run(a, "remote", "add", "other", str(tmp / "other.git"))
    run(a, "fetch", "-q", "other")
    run(a, "branch", "-q", "--set-upstream-to=other/main")
    _edits(a, 1)
    return a


def _feature(a: Path, synced: bool) -> None:
    run(a, "checkout", "-q", "-b", "feature")
    _edits(a, 1)
    run(a, "push", "-q", "-u", "origin", "feature")
    if synced:
        _edits(a, 1)
        sync(a)


def upstream_deleted_after_sync(tmp: Path, a: Path) -> Path:
    _feature(a, synced=True)
    run(tmp / "remote.git", "branch", "-q", "-D", "feature")
    run(a, "fetch", "-q", "--prune")
    _edits(a, 1)
    return a


def upstream_deleted_never_synced(tmp: Path, a: Path) -> Path:
    _feature(a, synced=False)
    run(tmp / "remote.git", "branch", "-q", "-D", "feature")
    run(a, "fetch", "-q", "--prune")
    _edits(a, 1)
    return a


def empty_remote(tmp: Path, a: Path) -> Path:
    """A first push: the remote has no branch at all (the seed's one commit)."""
    run(tmp, "init", "-q", "--bare", str(tmp / "empty.git"))
    run(a, "remote", "set-url", "origin", str(tmp / "empty.git"))
    run(a, "update-ref", "-d", "refs/remotes/origin/main")
    run(a, "update-ref", "-d", "refs/remotes/origin/HEAD")
    return a


def worktree_to_empty_remote(tmp: Path, a: Path) -> Path:
    """A branch with no upstream and a remote with no branch: its first push publishes."""
    wt = worktree_no_upstream(tmp, a)
    empty_remote(tmp, a)
    return wt


def no_remote(tmp: Path, a: Path) -> Path:
    run(a, "remote", "remove", "origin")
    return a


def several_remotes(tmp: Path, a: Path) -> Path:
    run(a, "remote", "rename", "origin", "one")
    run(a, "remote", "add", "two", str(tmp / "remote.git"))
    run(a, "checkout", "-q", "-b", "wtb")
    return a


# ------------------------------------------------------------------ what the remote holds


def main_is(wt_ref: str = "HEAD") -> Callable[[Path, Path], dict[str, str | None]]:
    return lambda tmp, wt: {"remote.git main": _ref(wt, wt_ref)}


def unchanged(branch: str = "main") -> Callable[[Path, Path], dict[str, str | None]]:
    """The remote as the clone last fetched it, and no branch `wtb` or `feature` on it."""

    def check(tmp: Path, wt: Path) -> dict[str, str | None]:
        return {
            f"remote.git {branch}": _ref(wt, f"refs/remotes/origin/{branch}"),
            "remote.git wtb": None,
            "remote.git feature": None,
        }

    return check


CASES = [
    Case("tracking, 2 new", tracking_ahead, "tracking", "2 ahead, 0 behind",
         "pushed 2 commits to origin/main", False, main_is()),
    Case("tracking, 1 new each side", tracking_both_ways, "tracking", "1 ahead, 1 behind",
         "pushed 2 commits to origin/main after merging 1 commit from there", False, main_is()),
    # Ahead counts against the upstream, as `git status` does: commits the remote has on
    # another branch only are still pushed to this one.
    Case("tracking, 2 of the remote's other branch", fast_forwarded_to_another_branch,
         "tracking", "2 ahead, 0 behind", "pushed 2 commits to origin/main", False, main_is()),
    Case("tracking, 2 of the remote's other branch, 1 behind",
         fast_forwarded_to_another_branch_both_ways, "tracking", "2 ahead, 1 behind",
         "pushed 3 commits to origin/main after merging 1 commit from there", False, main_is()),
    Case("worktree -b, no upstream", worktree_no_upstream, "no_upstream", "no upstream, 3 ahead",
         "wtb has no upstream and origin has no branch wtb", True, unchanged()),
    Case("checkout -b, no upstream", checkout_b_no_upstream, "no_upstream", "no upstream, 2 ahead",
         "`git branch --set-upstream-to=origin/main`", True, unchanged()),
    Case("no upstream, then set to origin/main", upstream_set_to_main, "tracking", "3 ahead, 0 behind",
         "pushed 3 commits to origin/main", False, main_is()),
    Case("no upstream, same name on the remote", same_name_on_remote, "tracking", "1 ahead, 0 behind",
         "pushed 1 commit to origin/wtb", False,
         lambda tmp, wt: {"remote.git wtb": _ref(wt, "HEAD"),
                          "remote.git main": _ref(wt, "refs/remotes/origin/main")}),
    Case("detached HEAD", detached, "detached", "not on a branch",
         "HEAD is detached", True, unchanged()),
    Case("unborn branch", unborn, "unborn", "no commits yet",
         "no commits yet", True, unchanged()),
    Case("upstream on another remote", upstream_on_another_remote, "tracking", "1 ahead, 0 behind",
         "pushed 1 commit to other/main", False,
         lambda tmp, wt: {"other.git main": _ref(wt, "HEAD"),
                          "remote.git main": _ref(wt, "refs/remotes/origin/main")}),
    Case("upstream deleted on the remote, synced before", upstream_deleted_after_sync,
         "missing", "origin/feature is not on the remote", "origin/feature is gone from the remote", True,
         unchanged()),
    Case("upstream deleted on the remote, never synced", upstream_deleted_never_synced,
         "missing", "origin/feature is not on the remote",
         "the upstream of feature, origin/feature, is not on the remote", True, unchanged()),
    Case("first push to an empty remote", empty_remote, "tracking", "1 ahead, 0 behind",
         "pushed 1 commit to origin/main, a new branch on the remote", False,
         lambda tmp, wt: {"empty.git main": _ref(wt, "HEAD")}),
    Case("worktree -b, first push to an empty remote", worktree_to_empty_remote,
         "tracking", "4 ahead, 0 behind", "pushed 4 commits to origin/wtb, a new branch on the remote",
         False, lambda tmp, wt: {"empty.git wtb": _ref(wt, "HEAD"), "empty.git main": None}),
    Case("no remote", no_remote, "no_remote", "no remote",
         "no remote to sync with", True, lambda tmp, wt: {}),
    Case("several remotes, no upstream", several_remotes, "several_remotes", "no upstream",
         "several remotes", True, lambda tmp, wt: {"remote.git wtb": None}),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_branch_state_header_sync_and_remote(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a", participants=[participant("P-0001"), participant("P-0002")])
    wt = case.setup(tmp_path, a)
    # A refusal leaves the remote as the clone knew it before; a sync, holding HEAD.
    expected = case.remote_after(tmp_path, wt) if case.refused else {}
    before = head(wt) if _ref(wt, "HEAD") else None

    st = status(wt)
    assert (st.state, st.words()) == (case.state, case.words)

    if case.refused:
        with pytest.raises(SyncError) as err:
            sync(wt)
        assert case.said in str(err.value)
        assert (_ref(wt, "HEAD")) == before  # nothing here moved either
    else:
        result = sync(wt)
        assert case.said == result.message
        assert status(wt).words() == "in sync"
        expected = case.remote_after(tmp_path, wt)
    for where, commit in expected.items():
        repo, branch = where.split()
        assert _ref(tmp_path / repo, f"refs/heads/{branch}") == commit, where


def test_every_state_has_a_row() -> None:
    """Each SyncStatus state is set up by a row above, and none reads as "in sync"."""
    assert {c.state for c in CASES} == set(STATUS_STATES)
    for state in STATUS_STATES[1:]:
        assert SyncStatus(0, 0, True, "origin/x", state).words() != "in sync"


def _network_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git subcommands sync runs that ask the remote (fetch, ls-remote, push)."""
    import ipstui.core.sync as sync_module

    calls: list[str] = []
    real = sync_module.git

    def counting(root: Path, *args: str, **kw: object):  # type: ignore[no-untyped-def]
        asked = [a for a in args if a in ("fetch", "ls-remote", "push")]
        calls.extend(asked[:1])
        return real(root, *args, **kw)

    monkeypatch.setattr(sync_module, "git", counting)
    return calls


@pytest.mark.parametrize(
    ("setup", "asked"),
    [
        # The branch's fetch, one ls-remote for HEAD's branch and all branches, and the
        # fetch of HEAD's branch (its erasures are checked).
        (worktree_no_upstream, ["fetch", "ls-remote", "fetch"]),
        (upstream_deleted_after_sync, ["fetch", "ls-remote", "fetch"]),
    ],
    ids=["no upstream", "upstream deleted"],
)
def test_a_missing_branch_asks_the_remote_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setup: Callable[[Path, Path], Path],
    asked: list[str],
) -> None:  # fmt: skip
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a", participants=[participant("P-0001"), participant("P-0002")])
    wt = setup(tmp_path, a)
    calls = _network_calls(monkeypatch)
    with pytest.raises(SyncError):
        sync(wt)
    assert calls == asked


def test_a_remote_naming_no_main_branch_is_not_guessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remote's HEAD names a branch it does not have: its branches are listed, none
    is called the team's (the first in alphabetical order would be a guess)."""
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a", participants=[participant("P-0001")])
    remote = tmp_path / "remote.git"
    run(remote, "branch", "-q", "alpha", "main")
    run(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
    wt = checkout_b_no_upstream(tmp_path, a)
    calls = _network_calls(monkeypatch)
    with pytest.raises(SyncError) as err:
        sync(wt)
    message = str(err.value)
    assert "origin does not name a main branch, and its branches are alpha, main" in message
    assert "--set-upstream-to=origin/BRANCH" in message
    assert "origin/alpha" not in message
    assert calls == ["fetch", "ls-remote"]
