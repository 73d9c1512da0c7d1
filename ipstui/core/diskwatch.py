"""Noticing changes made to a caseload by anything but this process: a `git pull`, a
hand edit, a second instance, a commit from a terminal.

The operating system reports them (`watchfiles`: inotify, FSEvents, ReadDirectoryChangesW)
for the places that matter, so nothing is read while nothing changes:

- the caseload's folder itself (for `caseload.toml`), `participants/` and `employers/`;
- git's own files — the index, `HEAD`, `FETCH_HEAD`, `packed-refs` and every folder under
  `refs/` — at the paths git names for this work tree (`git rev-parse --git-path`), which
  differ from `.git/...` in linked worktrees, with `GIT_INDEX_FILE`, or a `.git` file.

Folders are watched one level deep and named one by one (a file watched directly is lost
the first time it is replaced by a rename, which is how git and ipstui write); a folder
that appears or goes away (a new remote's `refs/remotes/NAME`) restarts the watch on the
new set, and what changed while it restarted is found by comparing the stats of what is
watched before and after (`fingerprint`), so a ref written in that gap is still reported. Where the system cannot watch (`WatchUnavailable`) the caller falls back to
polling. `WATCHFILES_FORCE_POLLING=1` makes watchfiles itself poll (network file
systems, where inotify sees only local changes).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ipstui.core.gitio import GitError, git

CASELOAD_FILE = "caseload.toml"
RECORD_DIRS = ("participants", "employers")
GIT_FILES = ("index", "HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "packed-refs")
"""Files of the git directory whose change can change what the caseload shows."""

Change = tuple[int, str]
"""One event as watchfiles reports it: (watchfiles.Change value, absolute path)."""


class WatchUnavailable(RuntimeError):
    """The system cannot watch these folders (no inotify, the watch limit reached, ...)."""


@dataclass(frozen=True)
class Targets:
    """What to watch for one caseload, resolved once per (re)start of the watch."""

    root: Path
    folders: tuple[Path, ...]
    """Existing folders, each watched one level deep."""
    files: frozenset[Path]
    """Files directly inside those folders whose change matters."""
    git_files: tuple[Path, ...]
    """git's files for this work tree (see GIT_FILES), for a polling fingerprint too."""
    refs: Path | None
    """git's refs folder (shared by all worktrees), watched folder by folder."""

    def wanted(self, change: object, path: str) -> bool:
        """watchfiles filter: a participant or employer file, one of `files`, any ref,
        or a watched record folder appearing or going away; never a `*.lock`."""
        if path.endswith(".lock"):
            return False
        p = Path(path)
        if p in self.files:
            return True
        parent = p.parent
        if parent in self._record_dirs:
            return p.suffix == ".toml"
        if parent == self.root and p.name in RECORD_DIRS:
            return True
        return self.refs is not None and p.is_relative_to(self.refs)

    @property
    def _record_dirs(self) -> tuple[Path, ...]:
        return tuple(self.root / d for d in RECORD_DIRS)

    def reshaped(self, changes: Iterable[Change]) -> bool:
        """Whether a change added or removed a folder, so the set to watch is different."""
        for _, path in changes:
            p = Path(path)
            if p.suffix == ".toml" or p in self.files:
                continue  # a record or a known file, never a folder to watch
            if p in self.folders and not p.is_dir():
                return True
            if p.is_dir() and p not in self.folders:
                return True
        return False


def git_paths(root: Path) -> tuple[tuple[Path, ...], Path | None]:
    """git's files of GIT_FILES and its refs folder for the work tree at `root`, as git
    itself names them (worktrees, `GIT_INDEX_FILE`, a `.git` file); ((), None) when
    `root` is not in a git repository."""
    names = (*GIT_FILES, "refs")
    args: list[str] = []
    for name in names:
        args += ["--git-path", name]
    try:
        out = git(root, "rev-parse", *args).stdout.splitlines()
    except GitError:
        return (), None
    if len(out) != len(names):
        return (), None
    paths = [Path(line) if os.path.isabs(line) else root / line for line in out]
    resolved = [Path(os.path.realpath(p)) for p in paths]
    return tuple(resolved[:-1]), resolved[-1]


def head_ref_file(git_files: tuple[Path, ...], refs: Path | None) -> Path | None:
    """The loose ref file HEAD points at (`refs/heads/main`), whose change is a commit,
    reset or pull on the current branch; None on a detached HEAD or without git."""
    head = next((p for p in git_files if p.name == "HEAD"), None)
    if head is None or refs is None:
        return None
    try:
        text = head.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text.startswith("ref: refs/"):
        return None
    return refs.joinpath(*text[len("ref: refs/") :].split("/"))


def signature(root: Path, git_files: tuple[Path, ...], refs: Path | None) -> tuple:
    """What a reload check compares besides the caseload service's own fingerprint:
    (mtime ns, size) or None of the current branch's ref file and of `packed-refs` (a
    commit or reset from a terminal touches only those), then (count, newest mtime ns,
    total size) of employers/. `git_files` and `refs` as git_paths returns them."""
    parts: list[tuple[int, ...] | None] = []
    packed = next((p for p in git_files if p.name == "packed-refs"), None)
    for path in (head_ref_file(git_files, refs), packed):
        try:
            st = os.stat(path) if path is not None else None
        except OSError:
            st = None
        parts.append((st.st_mtime_ns, st.st_size) if st is not None else None)
    count = newest = total = 0
    try:
        with os.scandir(root / "employers") as it:
            for entry in it:
                st = entry.stat()
                count += 1
                total += st.st_size
                newest = max(newest, st.st_mtime_ns)
    except OSError:
        pass
    parts.append((count, newest, total))
    return tuple(parts)


def targets(root: Path) -> Targets:
    """The Targets of the caseload at `root` as the disk is now."""
    root = Path(os.path.realpath(root))
    folders: list[Path] = [root]
    folders += [root / d for d in RECORD_DIRS if (root / d).is_dir()]
    git_files, refs = git_paths(root)
    folders += sorted({p.parent for p in git_files if p.parent.is_dir()})
    if refs is not None and refs.is_dir():
        folders += [Path(d) for d, _, _ in os.walk(refs)]
    unique = tuple(dict.fromkeys(folders))
    return Targets(
        root=root,
        folders=unique,
        files=frozenset([root / CASELOAD_FILE, *git_files]),
        git_files=git_files,
        refs=refs,
    )


def fingerprint(t: Targets) -> dict[str, tuple[int, int, int]]:
    """The stats of what `t` watches: absolute path (as watchfiles names it) -> (inode,
    mtime ns, size) of every entry of the watched folders that `t.wanted` would report
    (records, caseload.toml, git's files, refs and ref folders). One `scandir` per
    folder, no file read: cheap enough to take at every restart of the watch."""
    out: dict[str, tuple[int, int, int]] = {}
    record_dirs = {str(d) for d in t._record_dirs}
    root = str(t.root)
    refs = str(t.refs) if t.refs is not None else None
    files = {str(f) for f in t.files}
    for folder in t.folders:
        f = str(folder)
        in_refs = refs is not None and (f == refs or f.startswith(refs + os.sep))
        try:
            with os.scandir(f) as it:
                for entry in it:
                    name, path = entry.name, entry.path
                    if name.endswith(".lock"):
                        continue
                    if not (
                        in_refs
                        or path in files
                        or (f in record_dirs and name.endswith(".toml"))
                        or (f == root and name in RECORD_DIRS)
                    ):
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    out[path] = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            continue
    return out


def changed_between(
    before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]
) -> set[Change]:
    """What differs between two fingerprints, as watchfiles events: added (1), modified
    (2), deleted (3)."""
    out: set[Change] = set()
    for path, st in after.items():
        old = before.get(path)
        if old is None:
            out.add((1, path))
        elif old != st:
            out.add((2, path))
    out.update((3, path) for path in before.keys() - after.keys())
    return out


class _Gate:
    """The stop event given to watchfiles. watchfiles asks it `is_set()` every `step`
    ms once its watcher is running, so the first call after a restart is the moment the
    new watch is certainly up: `check` runs then, once (the fingerprint comparison)."""

    def __init__(self, stop: threading.Event, check: Callable[[], bool] | None) -> None:
        self.stop = stop
        self.check = check
        self.again = False
        """True when `check` asked for another restart (a folder came or went)."""

    def is_set(self) -> bool:
        if self.check is not None:
            check, self.check = self.check, None
            if check():
                self.again = True
                return True
        return self.stop.is_set()


def watch(
    root: Path,
    on_change: Callable[[set[Change]], None],
    stop: threading.Event,
    *,
    debounce_ms: int = 200,
    on_restart: Callable[[], None] | None = None,
) -> None:
    """Call `on_change(changes)` for every batch of relevant changes under `root` until
    `stop` is set; blocks, so run it in a thread. A batch is what arrives within
    `debounce_ms` of its first event (a `git pull` is one batch, not thousands).

    When a folder appears or goes away the watch restarts on the new set of folders.
    Nothing watches during that restart, so the stats of what is watched
    (`fingerprint`) are taken when the batch that asked for it arrives and again once
    the new watch is up; what differs (a ref written in the gap, every entry of a new
    folder) is reported as one more batch. `on_restart` is called in the gap, after the
    old watch ended and before the new one starts (tests write there).

    Raises WatchUnavailable when the system cannot watch (then poll instead).
    """
    import watchfiles

    before: dict[str, tuple[int, int, int]] | None = None
    while not stop.is_set():
        if not Path(root).is_dir():
            raise WatchUnavailable(f"{root} is not a folder")
        t = targets(root)
        if before is not None and on_restart is not None:
            on_restart()
        gate = _Gate(stop, _gap_check(t, before, on_change) if before is not None else None)
        try:
            batches = watchfiles.watch(
                *t.folders,
                watch_filter=t.wanted,
                recursive=False,
                debounce=debounce_ms,
                step=50,
                stop_event=gate,
                raise_interrupt=False,
                ignore_permission_denied=True,
            )
            for changes in batches:
                report = {(int(c), p) for c, p in changes}
                if t.reshaped(changes):
                    before = fingerprint(t)  # first: a change after it is in the gap
                    on_change(report)
                    break  # watch the new set of folders
                on_change(report)
            else:
                if gate.again:
                    before = fingerprint(t)
                    continue  # the gap check saw a folder come or go
                return  # stopped
        except FileNotFoundError:
            stop.wait(0.1)  # a folder went away between listing and watching: list again
            continue
        except (OSError, RuntimeError) as exc:
            raise WatchUnavailable(f"cannot watch {root}: {exc}") from exc


def _gap_check(
    t: Targets,
    before: dict[str, tuple[int, int, int]],
    on_change: Callable[[set[Change]], None],
) -> Callable[[], bool]:
    """The check a restarted watch runs once it is up: report what changed since
    `before`; True when that change reshapes the set of folders (restart again)."""

    def check() -> bool:
        gap = changed_between(before, fingerprint(t))
        if not gap:
            return False
        on_change(gap)
        return t.reshaped(gap)

    return check
