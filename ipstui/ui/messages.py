"""What the app's workers report back: small dataclass messages named in the past tense
(after toolong's `messages.py`). A worker never touches a widget; it posts one of these
to the app, and the app's handler (on the UI thread) updates the screen.

Floods replace each other (`can_replace`): only the latest load progress matters."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ipstui.core.board import Card
from ipstui.core.service import Caseload


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
class SyncStatusRead(Message):
    """The sync state read without the network: `ahead/behind`, `in sync`, `no remote`."""

    words: str

    def can_replace(self, message: Message) -> bool:
        """Only the latest status matters."""
        return isinstance(message, SyncStatusRead)
