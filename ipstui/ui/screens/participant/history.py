"""The History tab: the participant's field-level history from git, newest first, read
by a worker whenever the record shown changes."""

from __future__ import annotations

from textual import on, work

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import Participant
from ipstui.core.service import SIGNATURE_LABELS, show_value
from ipstui.core.termsafe import escape
from ipstui.core.vocab import field_word
from ipstui.ui.messages import HistoryFailed, HistoryRead
from ipstui.ui.screens.participant.base import ListPane
from ipstui.ui.widgets.columns import Column


class HistoryPane(ListPane):
    """One row per changed field of each commit (and a row for a commit's note)."""

    TAB = "history"
    TITLE = N_("History")
    FIT = (
        Column(N_("When")),
        Column(N_("Who"), min=8),
        Column(N_("Signed"), min=6, drop=1),
        Column(N_("Field"), min=10),
        Column(N_("Old → New"), min=16),
    )

    def __init__(self) -> None:
        super().__init__()
        self._blob: str | None = None
        """The version whose history is shown (or being read)."""

    def draw(self, p: Participant) -> None:
        """Read the history again when the record changed."""
        if self._blob != p.blob:
            self._blob = p.blob
            self.load_history(p.id)

    @work(thread=True, exclusive=True, group="participant-history", exit_on_error=False)
    def load_history(self, pid: str) -> None:
        """Read `pid`'s field-level history and signatures from git in a worker."""
        service = self.ips.service
        try:
            revisions = service.history(pid)
            signed = service.signatures(r.commit for r in revisions)
        except Exception as exc:  # noqa: BLE001 — shown in the tab, never fatal
            self.post_message(HistoryFailed(pid, str(exc)))
            return
        self.post_message(HistoryRead(pid, revisions, signed))

    @on(HistoryFailed)
    def _history_failed(self, message: HistoryFailed) -> None:
        self.summary.update(_("History unavailable: {message}").format(message=message.reason))

    @on(HistoryRead)
    def _show_history(self, message: HistoryRead) -> None:
        revisions, signed = message.revisions, message.signed
        rows: list[list[str]] = []
        for rev in revisions:
            when = rev.when.strftime("%Y-%m-%d %H:%M")
            code = signed.get(rev.commit, "")
            sig = SIGNATURE_LABELS.get(code, code)
            author = escape(rev.author)
            if rev.note:
                rows.append([when, author, sig, "", escape(rev.note)])
            for change in rev.changes:
                change_text = f"{show_value(change.old, 40)} → {show_value(change.new, 40)}"
                # The field by its label in the language shown (`Contatti[3].note`): the
                # key is the file's word, not the reader's (trial 7 item 11).
                field = field_word(change.top) + change.field[len(change.top) :]
                rows.append([when, author, sig, escape(field), escape(change_text)])
        self.show_rows(rows)
        commits = ngettext("{n} commit", "{n} commits", len(revisions)).format(n=len(revisions))
        changes = ngettext("{n} field change", "{n} field changes", len(rows)).format(
            n=len(rows)
        )
        self.summary.update(
            _("{commits}, {changes}, newest first (from git log)").format(
                commits=commits, changes=changes
            )
        )
