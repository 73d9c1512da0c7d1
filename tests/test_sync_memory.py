"""Sync remembers the remote it synced with (SPEC §6, §12), not only through the
remote-tracking ref: with that ref gone (`git fetch --prune`, `git remote remove` and
`add`, a branch renamed on the remote), a rewritten remote history must still be refused,
never merged back. A remote this clone never synced with, and a fresh clone after an
erasure, must still sync.

Each case: clone `a` syncs, the remote's history is rewritten from another clone and
force-pushed (as `ipstui erase` tells its user to), `a` loses its remote-tracking ref in
one of the ways git offers, makes an edit, and syncs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import commit_participant, head, make_team, participant, read_participant, run

from ipstui.core.sync import SYNCED_REFS, SyncError, sync


def _edit(clone: Path, notes: str) -> str:
    data = read_participant(clone)
    data["notes"] = notes
    return commit_participant(clone, data, "set notes")


def _rewrite(tmp_path: Path, remote: Path, branch: str = "main") -> str:
    """A third clone amends the remote's last commit and force-pushes it to `branch`."""
    c = tmp_path / "rewriter"
    run(tmp_path, "clone", "-q", str(remote), str(c))
    data = read_participant(c)
    data["notes"] = "rewritten"
    (c / "participants" / "P-0001.toml").write_text(
        (c / "participants" / "P-0001.toml")
        .read_text()
        .replace('notes = ""', 'notes = "rewritten"')
    )
    run(c, "commit", "-q", "--amend", "-am", "P-0001: rewritten")
    run(c, "push", "-q", "--force", "origin", f"HEAD:refs/heads/{branch}")
    return head(c)


def _pruned(a: Path, remote: Path) -> None:
    """The tracking ref gone, as `git fetch --prune` leaves it when the branch was
    deleted on the remote and pushed again."""
    run(a, "update-ref", "-d", "refs/remotes/origin/main")


def _readded(a: Path, remote: Path) -> None:
    run(a, "remote", "remove", "origin")
    run(a, "remote", "add", "origin", str(remote))


def _readded_under_another_name(a: Path, remote: Path) -> None:
    run(a, "remote", "remove", "origin")
    run(a, "remote", "add", "team", str(remote) + "/")  # the same URL, written differently
    run(a, "branch", "--set-upstream-to=team/main", check=False)
    run(a, "config", "branch.main.remote", "team")
    run(a, "config", "branch.main.merge", "refs/heads/main")


def _tracking_kept(a: Path, remote: Path) -> None:
    """The control: nothing lost; the remote-tracking ref alone already catches it."""


LOSSES: list[tuple[str, Callable[[Path, Path], None]]] = [
    ("the remote-tracking ref is kept", _tracking_kept),
    ("the remote-tracking ref was pruned", _pruned),
    ("the remote was removed and added again", _readded),
    ("the remote was added again under another name", _readded_under_another_name),
]


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path]:
    (a,) = make_team(tmp_path, "a")
    _edit(a, "first")
    assert sync(a).status == "pushed"
    return tmp_path / "remote.git", a


@pytest.mark.parametrize(("name", "lose"), LOSSES, ids=[n for n, _ in LOSSES])
def test_a_rewritten_remote_is_refused_however_the_tracking_ref_went(
    tmp_path: Path, team: tuple[Path, Path], name: str, lose: Callable[[Path, Path], None]
) -> None:
    remote, a = team
    rewritten = _rewrite(tmp_path, remote)
    lose(a, remote)
    mine = _edit(a, "mine")
    with pytest.raises(SyncError) as exc:
        sync(a)
    assert "rewritten" in str(exc.value), name
    assert head(a) == mine, "nothing merged"
    assert run(remote, "rev-parse", "main").stdout.strip() == rewritten, "nothing pushed"


def test_a_branch_renamed_on_the_remote_with_the_tracking_ref_pruned_is_refused(
    tmp_path: Path, team: tuple[Path, Path]
) -> None:
    remote, a = team
    rewritten = _rewrite(tmp_path, remote, branch="trunk")
    run(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
    run(remote, "branch", "-D", "main")
    run(a, "fetch", "-q", "--prune", "origin")
    assert (
        run(a, "rev-parse", "-q", "--verify", "refs/remotes/origin/main", check=False).stdout == ""
    )
    mine = _edit(a, "mine")
    with pytest.raises(SyncError) as exc:
        sync(a)
    assert "gone from the remote" in str(exc.value)
    assert head(a) == mine
    assert run(remote, "branch", "--list", "main").stdout == "", "the old branch not recreated"
    assert run(remote, "rev-parse", "trunk").stdout.strip() == rewritten


def test_sync_remembers_what_it_merged_and_pushed(team: tuple[Path, Path]) -> None:
    remote, a = team
    refs = run(a, "for-each-ref", "--format=%(refname) %(objectname)", SYNCED_REFS).stdout.split()
    assert refs[1:] == [run(remote, "rev-parse", "main").stdout.strip()]


def test_a_remote_never_synced_with_still_works(tmp_path: Path, team: tuple[Path, Path]) -> None:
    _remote, a = team
    other = tmp_path / "other.git"
    run(tmp_path, "init", "-q", "--bare", str(other))
    run(a, "remote", "remove", "origin")
    run(a, "remote", "add", "origin", str(other))
    result = sync(a)
    assert result.status == "pushed"
    assert run(other, "rev-parse", "main").stdout.strip() == head(a)


def test_a_fresh_clone_after_a_rewrite_syncs(tmp_path: Path, team: tuple[Path, Path]) -> None:
    """SPEC §12: after an erasure every other clone re-clones; the new clone works."""
    remote, a = team
    _rewrite(tmp_path, remote)
    fresh = tmp_path / "fresh"
    run(tmp_path, "clone", "-q", str(remote), str(fresh))
    assert sync(fresh).status == "in_sync"
    _edit(fresh, "after the re-clone")
    assert sync(fresh).status == "pushed"
    # ... and the old clone, never re-cloned, is still refused.
    with pytest.raises(SyncError):
        sync(a)


def test_an_unrelated_participant_edit_still_merges(
    tmp_path: Path, team: tuple[Path, Path]
) -> None:
    """The memory does not get in the way of an ordinary sync with history kept."""
    remote, a = team
    b = tmp_path / "b"
    run(tmp_path, "clone", "-q", str(remote), str(b))
    commit_participant(b, participant("P-0002", name="Bo K."), "add")
    assert sync(b).status == "pushed"
    _pruned(a, remote)
    _edit(a, "mine")
    assert sync(a).status == "pushed"
