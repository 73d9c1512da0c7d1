"""`SyncsWithRemote`, a part of `IpsApp` (ui/app.py): team sync and its status line.

It owns the `s` action (fetch, merge and push in a worker, posting `SyncFinished`), the
sync state read without the network after each load (`SyncStatusRead`), and the sync's
own account, which stays in the status line until the user presses a key
(`app_keys.RoutesKeys.on_event` tells `_user_acted`).

A part (`parts.AppPart` says what that means for its handlers and state)."""

from __future__ import annotations

from textual import work

from ipstui.core.i18n import N_, _
from ipstui.core.service import Caseload
from ipstui.ui.messages import SyncFinished, SyncStatusRead
from ipstui.ui.parts import AppPart


class SyncsWithRemote(AppPart):
    """Part of `IpsApp`: sync, and the status line's words."""

    _status_words: str
    """The sync state as last read without the network (`_sync_words`)."""
    _sync_note: str
    """The last sync's own account (a renumbering, a failure), shown in the status line
    in place of the state until the user presses a key: a reload must not wipe it."""

    def _setup_sync(self) -> None:
        """The status line's state (called from `IpsApp.__init__`, `parts.set_up_parts`)."""
        self._status_words = ""
        self._sync_note = ""

    def action_sync(self) -> None:
        """Fetch, merge and push with the team's remote, in a worker.

        A bare letter without a confirm, though it changes the remote: as lazygit's
        push, it never forces and never loses a commit; a letter typed as part of a
        name never reaches it (`keys.TypingGuard` says why and how)."""
        if self.caseload is None:
            return
        self.notify(_("Syncing with the remote…"), timeout=3)
        self._sync_worker()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False, description=N_("syncing"))
    def _sync_worker(self) -> None:
        """Fetch, merge and push (the service's sync); posts SyncFinished. It does not
        take the app's edit lock: the service holds the caseload's save lock only while
        the repository changes, and the network round trip runs outside it."""
        try:
            result = self.service.sync()
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message
            self.post_message(SyncFinished(False, str(exc)))
            return
        self.post_message(SyncFinished(True, result.message))

    def _on_sync_finished(self, message: SyncFinished) -> None:
        """A sync ended: its account shown (and kept in the status line), then a load."""
        if message.ok:
            self.notify(message.message, title=_("Sync"), timeout=6)
            self._sync_note = message.message
            self.load_caseload()
        else:
            self.notify(message.message, title=_("Sync failed"), severity="error", timeout=15)
            self._sync_note = _("failed: {error}").format(error=message.message)
        self._sync_status(self._sync_note)

    def _user_acted(self) -> None:
        """The user pressed a key (`RoutesKeys.on_event`): the last sync's own account
        gives way to the sync state in the status line."""
        if self._sync_note:
            self._sync_note = ""
            if self._status_words:
                self._sync_status(self._status_words)

    def _sync_status(self, text: str) -> None:
        """Show `text` in the board's status line (`steady`: the state to go back to)."""
        screen = self._board_screen()
        if screen is not None:
            screen.set_sync_status(text, steady=self._status_words)

    def _sync_words(self, cl: Caseload) -> str:
        """ahead / behind / in sync, without touching the network (the board's header
        counts the records that need a decision from its cards)."""
        try:
            st = self.service.sync_status() if cl.is_git else None
        except Exception:  # noqa: BLE001 — the status line is informative only
            st = None
        return _("no remote") if st is None else st.words()

    def _on_sync_status_read(self, message: SyncStatusRead) -> None:
        """The sync state read after a load, in the status line (after a sync's account)."""
        self._status_words = message.words
        self._sync_status(self._sync_note or message.words)
