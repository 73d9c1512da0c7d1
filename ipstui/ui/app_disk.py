"""`WatchesDisk`, a part of `IpsApp` (ui/app.py): noticing that the caseload changed on
disk (a pull, a hand edit, another instance) and loading it again.

It owns the watcher thread (watchfiles' file events, or a poll every WATCH_INTERVAL
seconds where the system has none), the disk fingerprint it compares against, and the
messages that say the disk moved (`FilesTouched`, `WatchFellBack`, `DiskChanged`). The
loading and edit parts note the fingerprint of each snapshot they make through
`_forget_fingerprint` and `_note_fingerprint`. A part (`parts.AppPart` says what that
means for its handlers and state)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work

from ipstui.ui.messages import DiskChanged, FilesTouched, WatchFellBack
from ipstui.ui.parts import AppPart

if TYPE_CHECKING:
    from pathlib import Path

    from ipstui.core.service import Caseload

WATCH_INTERVAL = 2.0
"""Seconds between two polls of the disk where the system has no file events."""


class WatchesDisk(AppPart):
    """Part of `IpsApp`: the disk watch and its fingerprint."""

    _fingerprint: tuple | None
    """The disk's fingerprint (`_fingerprint_now`) as of the latest snapshot loaded or
    saved; None while a load is establishing it."""
    _git_file_paths: tuple[tuple[Path, ...], Path | None] | None
    """git's files the fingerprint stats (`diskwatch.git_paths`), found once."""
    _watch_stop: threading.Event
    """Set when the app unmounts: the watcher thread ends."""

    def _setup_disk(self) -> None:
        """The watch's state (called from `IpsApp.__init__`, `parts.set_up_parts`)."""
        self._fingerprint = None
        self._git_file_paths = None
        self._watch_stop = threading.Event()

    def _start_watching(self) -> None:
        """Reload when the disk changes: the system's file events (watchfiles, in a thread
        of its own) where it has them, else a poll every WATCH_INTERVAL seconds."""
        # A thread of its own, not a worker: it lives as long as the app, and waiting for
        # the workers to finish (tests, `wait_for_complete`) must not wait for it.
        threading.Thread(target=self._watch_thread, name="ipstui-watch", daemon=True).start()

    def _watch_thread(self) -> None:
        """Posts FilesTouched for each batch of file events (the fingerprint then decides
        whether to reload), or WatchFellBack when the system has no file events."""
        from ipstui.core.diskwatch import WatchUnavailable, watch

        def changed(_changes: object) -> None:
            if not self._watch_stop.is_set():
                self.post_message(FilesTouched())

        try:
            watch(self.root, changed, self._watch_stop)
        except WatchUnavailable:
            if not self._watch_stop.is_set():
                self.post_message(WatchFellBack())

    def on_unmount(self) -> None:
        """The app is closing: the watcher thread ends."""
        self._watch_stop.set()

    def _fingerprint_now(self) -> tuple:
        """Signature of everything a pull, a hand edit or another instance changes; taken
        after a load or an edit, and compared when the watcher reports a change: what
        diskwatch.signature adds (the branch's ref, packed-refs, employers/), then the
        service's (caseload.toml, git's index and HEAD, participants/), which ends with
        (count, newest mtime, total size) of participants/."""
        from ipstui.core.diskwatch import git_paths, signature

        if self._git_file_paths is None:
            self._git_file_paths = git_paths(self.root)
        return (*signature(self.root, *self._git_file_paths), *self.service.fingerprint())

    def _forget_fingerprint(self) -> None:
        """A load is taking a new snapshot: no fingerprint until its settle notes one
        (`_check_disk` waits meanwhile). Call it holding `_lock`, with `_latest` set."""
        self._fingerprint = None

    def _note_fingerprint(
        self, snapshot: Caseload, fp: tuple, *, unless_noted: bool = False
    ) -> None:
        """Take `fp` (`_fingerprint_now`, taken after `snapshot` was made) as the disk's
        fingerprint, under `_lock`, when `snapshot` is still the latest (a newer load or
        save notes its own); with `unless_noted` (a load's settle), only when none is
        noted yet. Called from a worker."""
        with self._lock:
            if self._latest is snapshot and not (unless_noted and self._fingerprint is not None):
                self._fingerprint = fp

    def _poll_disk(self) -> None:
        if self._latest is not None:
            self._check_disk()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _check_disk(self) -> None:
        if self._fingerprint is None:
            return  # a load is establishing it
        fp = self._fingerprint_now()
        if fp != self._fingerprint:
            self.post_message(DiskChanged())

    def _on_files_touched(self) -> None:
        """The watcher saw files change (`FilesTouched`): compare the fingerprint."""
        self._poll_disk()

    def _on_watch_fell_back(self) -> None:
        """The system has no file events (`WatchFellBack`): poll instead."""
        self.set_interval(WATCH_INTERVAL, self._poll_disk)

    def _on_disk_changed(self) -> None:
        """The disk changed under the snapshot (`DiskChanged`): load again."""
        self.load_caseload()
