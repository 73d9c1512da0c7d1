"""What the app's workers report back: small dataclass messages named in the past tense
(after toolong's `messages.py`). A worker never touches a widget; it posts one of these
to the app, and the app's handler (on the UI thread) updates the screen.

Floods replace each other (`can_replace`): only the latest load progress matters.

An edit is a request with a number (`IpsApp.run_edit` returns it): the app handles
`EditSaved` / `EditRefused` first (the new snapshot, the notice), then hands each
screen on the stack its own copy; a screen that made the request recognises its number.
Those copies do not bubble back to the app (`bubble=False`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from textual.message import Message

from ipstui.core.board import Card
from ipstui.core.fidelity import FidelitySettings, Review
from ipstui.core.model import Problem
from ipstui.core.report import Report
from ipstui.core.service import (
    Caseload,
    ChangedHands,
    EmployerSaveResult,
    ExportRefusal,
    JobAt,
    Register,
    Revision,
    SaveResult,
)


@dataclass
class CaseloadLoaded(Message):
    """A load (or a recount for a new day) finished: the snapshot and its board cards."""

    caseload: Caseload
    cards: dict[str, Card]


@dataclass
class LoadProgressed(Message):
    """`done` of `total` participant files read by the load in progress."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """A newer progress report replaces a pending one."""
        return isinstance(message, LoadProgressed)


@dataclass
class LoadFailed(Message):
    """The caseload could not be read; `reason` says why, for the person at the screen."""

    reason: str


@dataclass
class DiskChanged(Message):
    """Files under the caseload changed outside this app (a pull, a hand edit, another
    instance): the app loads again."""

    def can_replace(self, message: Message) -> bool:
        """One pending reload is enough."""
        return isinstance(message, DiskChanged)


@dataclass
class FilesTouched(Message):
    """The system reported file events under the caseload (the watcher's thread); the
    app compares the disk's fingerprint to decide whether anything really changed."""

    def can_replace(self, message: Message) -> bool:
        """One pending check is enough."""
        return isinstance(message, FilesTouched)


@dataclass
class WatchFellBack(Message):
    """The system has no file events here: the app polls the disk instead."""


@dataclass
class SyncStatusRead(Message):
    """The sync state read without the network: `ahead/behind`, `in sync`, `no remote`."""

    words: str

    def can_replace(self, message: Message) -> bool:
        """Only the latest status matters."""
        return isinstance(message, SyncStatusRead)


@dataclass
class EditSaved(Message, bubble=False):
    """Edit number `request` (named `label`: "Contact", "Save details") was committed;
    `caseload` is the snapshot with it."""

    request: int
    label: str
    result: SaveResult
    caseload: Caseload


@dataclass
class EditRefused(Message, bubble=False):
    """Edit number `request` was not saved; `error` says why (a StaleEdit carries the
    fresh version). `fresh`: the snapshot with the version now on disk, when the
    refusal brought one; `reload`: the file is gone or invalid, so load everything again."""

    request: int
    label: str
    error: Exception
    fresh: Caseload | None = None
    reload: bool = False


@dataclass
class SyncFinished(Message, bubble=False):
    """A sync with the remote ended: `ok` or not, and its one-line account."""

    ok: bool
    message: str


@dataclass
class HistoryRead(Message, bubble=False):
    """The field-level history of participant `pid` (newest first) and, per commit id,
    its signature state."""

    pid: str
    revisions: list[Revision]
    signed: dict[str, str]


@dataclass
class RecordReadToOpen(Message, bubble=False):
    """Participant `pid`'s file was read off the UI thread (`participant`, of the snapshot
    it was asked in) so that its screen opens without a read on the UI thread."""

    pid: str
    participant: object


@dataclass
class HistoryFailed(Message, bubble=False):
    """The history of participant `pid` could not be read; `reason` says why."""

    pid: str
    reason: str


@dataclass
class EmployersRead(Message, bubble=False):
    """The employer register and each employer's jobs (`Register`, {id: [JobAt]}) were
    read from caseload snapshot `snapshot`; `select` is the employer to put the cursor
    on (None: keep it)."""

    register: Register
    jobs: dict[str, list[JobAt]]
    select: str | None = None
    snapshot: object = None


@dataclass
class EmployerChoicesRead(Message, bubble=False):
    """The employer register was read for a contact or job dialog that opened before it
    (posted to that dialog): `choices` are its (id, name) pairs by id; `error` says why
    it could not be read ('' when it was; then `choices` is empty)."""

    choices: list[tuple[str, str]]
    error: str = ""


@dataclass
class EmployerSaved(Message, bubble=False):
    """An employer edit named `label` was committed; `request` is the number
    `EmployersScreen.save` returned for it."""

    label: str
    result: EmployerSaveResult
    request: int = 0


@dataclass
class EmployerRefused(Message, bubble=False):
    """An employer edit named `label` was not saved; `reason` says why; `request` is the
    number `EmployersScreen.save` returned for it."""

    label: str
    reason: str
    request: int = 0


@dataclass
class EmployerChangedHands(Message, bubble=False):
    """An employer edit named `label` was refused because another employer may hold its
    id now (`refusal`, a `ChangedHands`: its verdict names both, its `fresh` is the
    employer at the id now); `retry(register)` runs the same edit again against
    `register`; `request` as `EmployerRefused`'s."""

    label: str
    refusal: ChangedHands
    register: Register | None
    retry: Callable[[Register], object]
    request: int = 0


@dataclass
class FidelityComputed(Message, bubble=False):
    """The fidelity self-review was computed: the review, the settings it used, and how
    many unreadable files were left out of it."""

    review: Review
    settings: FidelitySettings
    left_out: int


@dataclass
class FidelityFailed(Message, bubble=False):
    """The fidelity self-review could not be computed; `reason` says why."""

    reason: str


@dataclass
class ProblemsRead(Message, bubble=False):
    """The one problem list of `snapshot` as of `today` (`CaseloadService.problems`, what
    `ipstui validate` prints), sorted by path, line and column, with the snapshot's
    uncommitted files that are no longer on disk (`gone`, read in the same worker), and
    the employer register read for it (None when employers/ could not be read)."""

    snapshot: Caseload
    problems: list[Problem]
    today: date | None = None
    gone: frozenset[str] = frozenset()
    register: Register | None = None


@dataclass
class ReportExported(Message, bubble=False):
    """`report` was written as CSV to `path` (resolved)."""

    report: Report
    path: Path


@dataclass
class ExportRefused(Message, bubble=False):
    """The CSV export of `report` to `path` was not written: `refusal` says why
    (`ExportRefusal.reason`; `EXISTS` is a question for the person, asked before the
    same export is tried again)."""

    report: Report
    path: Path
    refusal: ExportRefusal


@dataclass
class RecordLocated(Message, bubble=False):
    """git answered where the record a participant screen showed went (its worker):
    `seen`, the version followed; `p`, what its path held when asked; `located`, the
    answer (`participant.following.Located`)."""

    seen: Any
    p: Any
    located: Any
