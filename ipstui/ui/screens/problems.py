"""Files that failed to parse or validate, and participant files changed outside the
app and not committed, with a way to validate and commit them."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static


class ProblemsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("ctrl+s", "commit_selected", "Validate & commit", id="commit_hand_edit"),
        Binding("R", "reload", "Reload", id="reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="problems-title", classes="screen-title")
        yield DataTable(id="problem-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="dirty-title", classes="screen-title")
        yield DataTable(id="dirty-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        pt = self.query_one("#problem-table", DataTable)
        pt.add_columns("where", "severity", "message")
        dt = self.query_one("#dirty-table", DataTable)
        dt.add_columns("file", "status")
        self.watch(self.app, "caseload", lambda _: self.redraw(), init=True)
        pt.focus()

    def redraw(self) -> None:
        cl = self.app.caseload
        if cl is None:
            return
        pt = self.query_one("#problem-table", DataTable)
        pt.clear()
        probs = sorted(cl.problems, key=lambda p: (p.path, p.line, p.col))
        for i, p in enumerate(probs):
            sev = "✖ error" if p.severity == "error" else "⚑ warning"
            pt.add_row(f"{p.path}:{p.line}:{p.col}", sev, p.message, key=f"p{i}")
        errs = sum(1 for p in probs if p.severity == "error")
        self.query_one("#problems-title", Static).update(
            f"[b]Problems[/b] — {errs} error(s), {len(probs) - errs} warning(s). "
            "Files with errors are never rewritten by ipstui; fix them in an editor."
            if probs
            else "[b]Problems[/b] — none: every file is valid."
        )
        dt = self.query_one("#dirty-table", DataTable)
        dt.clear()
        self._dirty = sorted(cl.dirty)
        for rel in self._dirty:
            exists = self.app.service.exists(rel)
            bad = any(p.path == rel and p.severity == "error" for p in cl.problems)
            status = (
                "deleted"
                if not exists
                else ("changed — has errors, fix first" if bad else "changed — ready to commit")
            )
            dt.add_row(rel, status, key=rel)
        self.query_one("#dirty-title", Static).update(
            f"[b]Uncommitted changes[/b] — {len(self._dirty)} participant file(s) changed outside the app"
            + ("; select one and press ctrl+s to validate and commit it" if self._dirty else "")
        )

    def action_commit_selected(self) -> None:
        dt = self.query_one("#dirty-table", DataTable)
        if not self._dirty:
            self.notify("No uncommitted participant files", severity="warning")
            return
        rel = self._dirty[min(dt.cursor_row, len(self._dirty) - 1)]
        pid = Path(rel).stem

        def done(result) -> None:
            self.app.load_caseload()

        self.app.run_edit(f"Commit {pid}", self.app.service.commit_hand_edit, rel, on_done=done)

    def action_reload(self) -> None:
        self.app.load_caseload()
