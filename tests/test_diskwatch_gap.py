"""The disk watcher's restart gap: when a new refs folder appears (the first fetch from a
new remote), the watch restarts on the new set of folders, and nothing watches while it
does. A change made in that gap is reported all the same (diskwatch.watch compares the
stats of what it watches before and after), not at the next unrelated change.

Deterministic: the change is written from `watch`'s `on_restart` hook, which runs after
the old watch ended and before the new one starts, so no system event can report it;
only the fingerprint comparison can. The waits below only bound how long a report may
take on a busy machine."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import git

from ipstui.core import diskwatch
from ipstui.core.diskwatch import changed_between, fingerprint, git_paths, targets

WAIT = 10.0


class Seen:
    """The paths the watcher reported, and a way to wait for one."""

    def __init__(self) -> None:
        self.paths: set[str] = set()
        self.cond = threading.Condition()

    def __call__(self, changes: set[tuple[int, str]]) -> None:
        with self.cond:
            self.paths |= {p for _, p in changes}
            self.cond.notify_all()

    def wait_for(self, path: str, timeout: float = WAIT) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: path in self.paths, timeout)


def _new_remote_ref(root: Path) -> str:
    git(root, "update-ref", "refs/remotes/origin/feature", "HEAD")
    return "remotes/origin/feature"


def _branch_moved(root: Path) -> str:
    git(root, "commit", "-q", "--allow-empty", "-m", "moved in the gap")
    return "heads/main"


def _participant_written(root: Path) -> str:
    (root / "participants" / "P-0099.toml").write_text('schema = 1\nid = "P-0099"\n')
    return "participants/P-0099.toml"


GAP_WRITES: list[tuple[str, Callable[[Path], str]]] = [
    ("a ref written in the new refs folder", _new_remote_ref),
    ("the current branch's ref moved", _branch_moved),
    ("a participant file written", _participant_written),
]


@pytest.mark.parametrize(("what", "write"), GAP_WRITES, ids=[w for w, _ in GAP_WRITES])
def test_a_change_made_while_the_watch_restarts_is_reported(
    caseload_dir: Path, what: str, write: Callable[[Path], str]
) -> None:
    root = caseload_dir.resolve()
    _files, refs = git_paths(root)
    assert refs is not None
    seen = Seen()
    stop = threading.Event()
    written: list[str] = []

    def in_the_gap() -> None:
        if not written:
            rel = write(root)
            base = refs if not rel.startswith("participants/") else root
            written.append(str(base / rel))

    t = threading.Thread(
        target=diskwatch.watch,
        args=(root, seen, stop),
        kwargs={"on_restart": in_the_gap},
        daemon=True,
    )
    t.start()
    try:
        # The watch is up once a change is seen (no fixed sleep).
        probe = root / "participants" / "probe.toml"
        for i in range(int(WAIT / 0.1)):
            probe.write_text(f"x = {i}\n")
            if seen.wait_for(str(probe), 0.1):
                break
        else:
            raise AssertionError("the watcher never reported a change")
        # A new refs folder (refs/remotes/origin/) restarts the watch.
        git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
        assert seen.wait_for(str(refs / "remotes")), "the new folder is reported"
        assert seen.wait_for(str(refs / "remotes" / "origin" / "main"))
        assert written, "the watch restarted"
        assert seen.wait_for(written[0]), f"{what}: reported although written in the gap"
    finally:
        stop.set()
        t.join(WAIT)
    assert not t.is_alive()


# ------------------------------------------------------------------ the fingerprint


def test_the_fingerprint_names_what_changed(caseload_dir: Path) -> None:
    root = caseload_dir.resolve()
    t = targets(root)
    (root / "participants" / "P-0001.toml").write_text('schema = 1\nid = "P-0001"\n')
    (root / "participants" / "P-0002.toml").write_text('schema = 1\nid = "P-0002"\n')
    before = fingerprint(t)
    (root / "participants" / "P-0001.toml").write_text('schema = 1\nid = "P-0001"\nname = "A"\n')
    (root / "participants" / "P-0002.toml").unlink()
    (root / "participants" / "P-0003.toml").write_text('schema = 1\nid = "P-0003"\n')
    (root / "participants" / "notes.txt").write_text("not a record\n")
    git(root, "update-ref", "refs/heads/other", "HEAD")
    (root / "participants" / "P-0004.toml.lock").write_text("")
    got = changed_between(before, fingerprint(t))
    _files, refs = git_paths(root)
    assert refs is not None
    p = root / "participants"
    assert got == {
        (2, str(p)),  # the folders themselves: an entry came or went
        (2, str(refs / "heads")),
        (2, str(p / "P-0001.toml")),
        (3, str(p / "P-0002.toml")),
        (1, str(p / "P-0003.toml")),
        (1, str(refs / "heads" / "other")),
    }
