"""Trial 8, items 5, 6 and 14 (sync's words): a failure in this clone is not reported
as an unreachable remote, the detached-HEAD hint names the real branch, and git's own
words sit in a message without a stray full stop ("exists.;").

Real bare remotes and clones (tests/sync_helpers.py). The faults a root user cannot
make with chmod are made with what works here: FETCH_HEAD replaced by a folder, a lock
file left behind, and, where `unshare -m` may mount (root in a container), a read-only
bind mount of the clone and a full 1 MiB tmpfs under it (skipped elsewhere)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import commit_participant, head, isolate_git, make_team, participant, run

from ipstui.core.sync import SyncError, sync


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    isolate_git(tmp_path, monkeypatch)
    return make_team(tmp_path, "a", "b")


def _remote_moves_on(b: Path) -> None:
    """A teammate pushes, so a's fetch has a ref and objects to write."""
    commit_participant(b, participant(notes="from b"), "notes")
    run(b, "push", "-q", "origin", "HEAD:main")


def _fetch_head_is_a_folder(a: Path) -> None:
    (a / ".git" / "FETCH_HEAD").unlink(missing_ok=True)
    (a / ".git" / "FETCH_HEAD").mkdir()


def _lock_left_behind(a: Path) -> None:
    (a / ".git" / "refs" / "remotes" / "origin" / "main.lock").write_text("")


LOCAL_FAULTS: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "FETCH_HEAD is a folder",
        _fetch_head_is_a_folder,
        "git could not write to this clone (cannot open '.git/FETCH_HEAD': Is a directory); "
        "the remote was not the problem",
    ),
    (
        "lock file left behind",
        _lock_left_behind,
        "git could not write to this clone because a lock file exists (cannot lock ref "
        "'refs/remotes/origin/main': Unable to create '{a}/.git/refs/remotes/origin/main.lock': "
        "File exists): another git program is working in this caseload",
    ),
]


@pytest.mark.parametrize(("fault", "make", "says"), LOCAL_FAULTS, ids=[f[0] for f in LOCAL_FAULTS])
def test_a_failure_in_this_clone_is_not_the_remote(
    team: list[Path], fault: str, make: Callable[[Path], None], says: str
) -> None:
    a, b = team
    _remote_moves_on(b)
    before = head(a)
    make(a)
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert says.format(a=a.resolve()) in msg, msg
    assert "could not be reached" not in msg and "\n" not in msg
    assert head(a) == before


def _can_mount() -> bool:
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True
    )
    return probe.returncode == 0


MOUNTED_FAULTS = [
    (
        "read-only file system",
        "mount --bind -o ro {a} {a}",
        "git could not write to this clone because its file system is read-only (cannot open "
        "'.git/FETCH_HEAD': Read-only file system); the remote was not the problem",
    ),
    (
        "disk full",
        # The clone moves onto a 1 MiB tmpfs, which a file then fills.
        "cp -a {a} {tmp}/copy && mount -t tmpfs -o size=1m tmpfs {a} && cp -a {tmp}/copy/. {a} "
        "&& (dd if=/dev/zero of={a}/.fill bs=4k 2>/dev/null; true)",
        "git could not write to this clone because the disk is full (",
    ),
]


@pytest.mark.skipif(not _can_mount(), reason="needs `unshare -m` with mount rights (root)")
@pytest.mark.parametrize(
    ("fault", "mount", "says"), MOUNTED_FAULTS, ids=[f[0] for f in MOUNTED_FAULTS]
)
def test_a_read_only_or_full_clone_is_not_the_remote(
    team: list[Path], tmp_path: Path, fault: str, mount: str, says: str
) -> None:
    a, b = team
    _remote_moves_on(b)
    before = head(a)
    script = mount.format(a=a, tmp=tmp_path) + f" && {sys.executable} -m ipstui -C {a} sync"
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "IPSTUI_LANG": "en", "LANGUAGE": "en"},
    )
    assert proc.returncode != 0
    assert says in proc.stderr, proc.stderr
    assert "could not be reached" not in proc.stderr
    assert head(a) == before


SSH_FAILURES: list[tuple[str, str, int]] = [
    # (case, what ssh and the server print on stderr, ssh's exit status)
    (
        "ssh cannot write its home, then the host key fails",
        "Could not create directory '/home/u/.ssh' (Read-only file system).\n"
        "Host key verification failed.",
        255,
    ),
    (
        "the server's shell has a full disk, then hangs up",
        "bash: cannot create temp file for here-document: No space left on device\n"
        "fatal: the remote end hung up unexpectedly",
        128,
    ),
    (
        "the server's git has no quota, the connection is refused",
        "fatal: Disk quota exceeded\nssh: connect to host h port 22: Connection refused",
        255,
    ),
]


@pytest.mark.parametrize(("case", "said", "status"), SSH_FAILURES, ids=[s[0] for s in SSH_FAILURES])
def test_a_write_error_over_ssh_is_the_remote_not_this_clone(
    team: list[Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    said: str,
    status: int,
) -> None:
    """ssh's own lines and the server's stderr carry no `remote:`: a write error among
    them, beside a connection that failed, is not this clone's (a fake ssh prints them)."""
    a, _b = team
    fake = tmp_path / "fake-ssh"
    fake.write_text(f"#!/bin/sh\ncat >&2 <<'END'\n{said}\nEND\nexit {status}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(fake))
    run(a, "remote", "set-url", "origin", "ssh://h/srv/team.git")
    before = head(a)
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert (
        "could not fetch from origin (ssh://h/srv/team.git): the remote could not be reached" in msg
    ), msg
    assert "could not read from remote repository" in msg.lower(), msg
    assert "this clone" not in msg and "the remote was not the problem" not in msg
    assert head(a) == before


def test_an_unreachable_remote_is_still_the_remote_and_git_words_end_cleanly(
    team: list[Path],
) -> None:
    a, _b = team
    run(a, "remote", "set-url", "origin", str(a.parent / "gone.git"))
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert "the remote could not be reached" in msg
    assert "and the repository exists; nothing was lost" in msg, msg
    assert ".;" not in msg


DETACHED: list[tuple[str, list[list[str]], str]] = [
    # (case, git commands in clone a, the hint sync gives)
    (
        "branch master, left by checkout --detach",
        [["branch", "-m", "main", "master"], ["checkout", "-q", "--detach"]],
        "check out your branch (git switch master) and sync again",
    ),
    (
        "branch main, the only one, HEAD's log gone",
        [["checkout", "-q", "--detach"], ["reflog", "expire", "--expire=now", "--all"]],
        "check out your branch (git switch main) and sync again",
    ),
    (
        "two branches, left from the second",
        [["branch", "trunk"], ["checkout", "-q", "trunk"], ["checkout", "-q", "--detach"]],
        "check out your branch (git switch trunk) and sync again",
    ),
    (
        "two branches, HEAD's log gone",
        [
            ["branch", "trunk"],
            ["checkout", "-q", "--detach"],
            ["reflog", "expire", "--expire=now", "--all"],
        ],
        "check out your branch with git switch and one of main, trunk, then sync again",
    ),
    (
        "no branch at all",
        [["checkout", "-q", "--detach"], ["branch", "-D", "main"]],
        "make one where you are (git switch -c BRANCH) and sync again",
    ),
]


@pytest.mark.parametrize(("case", "commands", "says"), DETACHED, ids=[d[0] for d in DETACHED])
def test_the_detached_head_hint_names_the_real_branch(
    team: list[Path], case: str, commands: list[list[str]], says: str
) -> None:
    a, _b = team
    for command in commands:
        run(a, *command)
    with pytest.raises(SyncError) as info:
        sync(a)
    assert says in str(info.value)
    assert ("git switch main)" in str(info.value)) == ("main)" in says)
