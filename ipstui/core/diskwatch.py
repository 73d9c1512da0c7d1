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
new set. Where the system cannot watch (`WatchUnavailable`) the caller falls back to
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


def watch(
    root: Path,
    on_change: Callable[[set[Change]], None],
    stop: threading.Event,
    *,
    debounce_ms: int = 200,
) -> None:
    """Call `on_change(changes)` for every batch of relevant changes under `root` until
    `stop` is set; blocks, so run it in a thread. A batch is what arrives within
    `debounce_ms` of its first event (a `git pull` is one batch, not thousands).

    Raises WatchUnavailable when the system cannot watch (then poll instead).
    """
    import watchfiles

    while not stop.is_set():
        if not Path(root).is_dir():
            raise WatchUnavailable(f"{root} is not a folder")
        t = targets(root)
        try:
            batches = watchfiles.watch(
                *t.folders,
                watch_filter=t.wanted,
                recursive=False,
                debounce=debounce_ms,
                step=50,
                stop_event=stop,
                raise_interrupt=False,
                ignore_permission_denied=True,
            )
            for changes in batches:
                on_change({(int(c), p) for c, p in changes})
                if t.reshaped(changes):
                    break  # watch the new set of folders
            else:
                return  # stopped
        except FileNotFoundError:
            stop.wait(0.1)  # a folder went away between listing and watching: list again
            continue
        except (OSError, RuntimeError) as exc:
            raise WatchUnavailable(f"cannot watch {root}: {exc}") from exc
