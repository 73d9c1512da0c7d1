"""Files that failed to parse or validate, and participant files changed outside the
app and not committed, with a way to validate and commit them."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape as markup_escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ipstui.core.findings import tally
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import is_valid_id
from ipstui.core.rules import OVERDUE
from ipstui.core.termsafe import escape
from ipstui.core.vocab import SYMBOL, cells, fit
from ipstui.ui.keys import TranslatedBindings, key_for
from ipstui.ui.messages import EditRefused, EditSaved, ProblemsRead
from ipstui.ui.onapp import FollowsCaseload
from ipstui.ui.screensafe import plain
from ipstui.ui.widgets.footer import KeysFooter


def named_by_id(rel: str) -> bool:
    """Whether the file `rel` (`participants/<name>.toml`) is named by a participant id,
    as every participant file is (SPEC §1); only those can be committed as hand edits.
    A copy such as `participants/P-0002 (copy).toml` is not, though it is listed as
    changed."""
    return is_valid_id(Path(rel).stem)


class ProblemsScreen(FollowsCaseload, TranslatedBindings, Screen):
    """Files that failed to parse or validate, and participant files changed by hand."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="back", tooltip=N_("Back to the board")),
        Binding(
            "ctrl+s",
            "commit_selected",
            N_("Validate & commit"),
            id="commit_hand_edit",
            tooltip=N_("Validate the selected hand-edited file and commit it"),
        ),
        Binding("R", "reload", N_("Reload"), id="reload", tooltip=N_("Read every file again")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._commits: set[int] = set()
        """Edit requests of this screen (hand edits being committed)."""

    def compose(self) -> ComposeResult:
        yield Static("", id="problems-title", classes="screen-title")
        yield DataTable(id="problem-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="problem-detail")
        yield Static("", id="dirty-title", classes="screen-title")
        yield DataTable(id="dirty-table", cursor_type="row")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        pt = self.query_one("#problem-table", DataTable)
        pt.add_columns(_("where"), _("severity"), _("message"))
        dt = self.query_one("#dirty-table", DataTable)
        dt.add_columns(_("file"), _("status"))
        self.follow_findings(self._problems_read)
        pt.focus()

    def _problems_read(self, message: ProblemsRead) -> None:
        """The app's worker read the list of its latest snapshot (`IpsApp.read_findings`:
        the one list the board's header counts, with the uncommitted files' existence)."""
        self._shown = message.snapshot
        self._problems = message.problems
        self._gone = message.gone
        self.redraw()

    def redraw(self) -> None:
        """Show the problems read for the app's snapshot (`ipstui validate`'s list) and
        its uncommitted files."""
        cl = getattr(self, "_shown", None)
        if cl is None:
            return
        pt = self.query_one("#problem-table", DataTable)
        pt.clear()
        probs = self._problems
        wheres = [escape(f"{p.path}:{p.line}:{p.col}") for p in probs]
        # The message gets what the other columns leave, and ends in … when cut (the
        # line under the table shows the selected one in full).
        where_w = min(max((cells(w) for w in wheres), default=5), 40)
        room = max(12, (self.size.width or self.app.size.width) - where_w - 9 - 8)
        for i, p in enumerate(probs):
            sev = (
                SYMBOL[OVERDUE] + " " + _("error") if p.severity == "error" else "⚠ " + _("warning")
            )
            pt.add_row(
                Text(fit(wheres[i], where_w, pad=False)),
                sev,
                Text(fit(escape(p.message), room, pad=False)),
                key=f"p{i}",
            )
        self._show_detail(pt.cursor_row)
        errs, warns = tally(probs)
        head = markup_escape(_("Problems"))
        if probs:
            counts = _("{errors}, {warnings}.").format(
                errors=ngettext("{n} error", "{n} errors", errs).format(n=errs),
                warnings=ngettext("{n} warning", "{n} warnings", warns).format(n=warns),
            )
            advice = _("Files with errors are never rewritten by ipstui; fix them in an editor.")
            line = f"[b]{head}[/b] — {markup_escape(counts)} {markup_escape(advice)}"
        else:
            line = f"[b]{head}[/b] — " + markup_escape(_("none: every file is valid."))
        self.query_one("#problems-title", Static).update(line)
        dt = self.query_one("#dirty-table", DataTable)
        dt.clear()
        self._dirty = sorted(cl.dirty)
        errored = {p.path for p in cl.problems if p.severity == "error"}
        for rel in self._dirty:
            if not named_by_id(rel):
                status = _("not a participant file: its name is not an id")
            elif rel in self._gone:
                status = _("deleted")
            elif rel in errored:
                status = _("changed — has errors, fix first")
            else:
                status = _("changed — ready to commit")
            dt.add_row(plain(rel), status, key=rel)
        n = len(self._dirty)
        head = markup_escape(_("Uncommitted changes"))
        if n:
            words = ngettext(
                "{n} participant file changed outside the app; select it and press {key} "
                "to validate and commit it",
                "{n} participant files changed outside the app; select one and press {key} "
                "to validate and commit it",
                n,
            ).format(n=n, key=key_for(self, "commit_hand_edit", "ctrl+s"))
        else:
            words = _("no participant file changed outside the app")
        self.query_one("#dirty-title", Static).update(f"[b]{head}[/b] — {markup_escape(words)}")

    def on_resize(self) -> None:
        if self.is_mounted and getattr(self, "_problems", None) is not None:
            self.redraw()

    @on(DataTable.RowHighlighted, "#problem-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        """The selected problem in full, wrapped, under the table."""
        probs = getattr(self, "_problems", [])
        detail = self.query_one("#problem-detail", Static)
        if not probs or not 0 <= row < len(probs):
            detail.update("")
            return
        p = probs[row]
        detail.update(Text(escape(f"{p.path}:{p.line}:{p.col}  {p.message}")))

    def action_commit_selected(self) -> None:
        """Validate the selected hand-edited file and commit it."""
        dt = self.query_one("#dirty-table", DataTable)
        if not self._dirty:
            self.notify(_("No uncommitted participant files"), severity="warning")
            return
        rel = self._dirty[min(dt.cursor_row, len(self._dirty) - 1)]
        pid = Path(rel).stem
        if not named_by_id(rel):
            # The commit would be refused: say why, and what to do, before trying.
            self.notify(
                _(
                    "{file} is not a participant file: its name is not a participant id. "
                    "Rename it to the id it holds (e.g. P-0007.toml), or move it out of "
                    "the folder."
                ).format(file=rel),
                severity="warning",
                timeout=10,
            )
            return
        self._commits.add(
            self.app.run_edit(
                _("Commit {id}").format(id=pid), self.app.service.commit_hand_edit, rel
            )
        )

    @on(EditSaved)
    def _committed(self, message: EditSaved) -> None:
        """A hand edit this screen committed: read everything again (Problems shrinks)."""
        if message.request in self._commits:
            self._commits.discard(message.request)
            self.app.load_caseload()

    @on(EditRefused)
    def _not_committed(self, message: EditRefused) -> None:
        self._commits.discard(message.request)

    def action_reload(self) -> None:
        """Read every file again."""
        self.app.load_caseload()
