"""Every open deadline of the caseload, overdue first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ipstui.core.model import RULE_LABELS
from ipstui.core.rules import Deadline, agenda_for
from ipstui.ui.widgets.lines import LineList, Row

MARK = {"overdue": "✖", "due_soon": "▲", "upcoming": "·"}
CLS = {"overdue": "line--overdue", "due_soon": "line--soon", "upcoming": ""}


class AgendaScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("f", "cycle_specialist", "Specialist", id="agenda_specialist"),
    ]

    specialist: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="agenda-title", classes="screen-title")
        yield LineList(self._row, id="agenda-list")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "caseload", lambda _: self.redraw(), init=True)
        self.query_one(LineList).focus()

    def redraw(self) -> None:
        cl = self.app.caseload
        if cl is None:
            return
        self.items: list[Deadline] = agenda_for(
            cl.participants.values(), cl.settings, self.app.today, self.specialist
        )
        self.query_one(LineList).set_items(self.items)
        n_over = sum(1 for d in self.items if d.state == "overdue")
        n_soon = sum(1 for d in self.items if d.state == "due_soon")
        who = f" for @{self.specialist}" if self.specialist else " for the whole team"
        self.query_one("#agenda-title", Static).update(
            f"[b]Agenda[/b]{who} — {len(self.items)} open deadlines: "
            f"✖ {n_over} overdue, ▲ {n_soon} due soon   (f: specialist, enter: open, esc: back)"
        )

    def _row(self, d: Deadline) -> Row:
        cl = self.app.caseload
        name = (
            cl.participants[d.participant].name if cl and d.participant in cl.participants else ""
        )
        label = RULE_LABELS.get(d.rule, d.rule)
        if d.what:
            label += f": {d.what}"
        return [
            (f" {MARK[d.state]} {d.words(self.app.today):<13}", CLS[d.state]),
            (f" {d.due.isoformat()}  ", "line--muted"),
            (f"{d.participant:<10} ", "line--bold"),
            (f"{name[:22]:<22} ", ""),
            (f"@{d.specialist:<9} ", "line--muted"),
            (label, ""),
        ]

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        self.app.open_participant(self.items[event.index].participant)

    def action_cycle_specialist(self) -> None:
        cl = self.app.caseload
        if cl is None:
            return
        keys = [None, *cl.settings.team]
        i = keys.index(self.specialist) if self.specialist in keys else 0
        self.specialist = keys[(i + 1) % len(keys)]
        self.redraw()
