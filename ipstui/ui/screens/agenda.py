"""Every open deadline of the caseload, overdue first.

Columns are measured in terminal cells and fitted to the width: the last one ("what")
takes what is left and ends in `…` when cut; the line under the list shows the
selected deadline in full, wrapped, so nothing is out of reach at 80×24."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import RULE_LABELS
from ipstui.core.rules import DUE_SOON, OVERDUE, Deadline, agenda_for
from ipstui.core.vocab import SYMBOL, cells, fit, short_words
from ipstui.ui.keys import TranslatedBindings, allow_letter_action, key_for
from ipstui.ui.onapp import FollowsCaseload, OnIpsApp
from ipstui.ui.widgets.clamped import Clamped
from ipstui.ui.widgets.footer import KeysFooter
from ipstui.ui.widgets.lines import LineList, Row

if TYPE_CHECKING:
    pass

CLS = {"overdue": "line--overdue", "due_soon": "line--soon", "upcoming": ""}
STATE_GAP = 2
"""Cells between the state words and the id, in every language: the words themselves hold
spaces (`✖ 40 d sen`, `✖ frist +8 d`, `· due in 4d`), so one cell read as one more word
(`✖ 40 d sen P-0047`); the CLI's `due` also leaves two after its first column."""


def agenda_columns(
    width: int, id_cells: int, when_cells: int = 14, short_cells: int = 10
) -> dict[str, int]:
    """Cells for each column at `width`, its gap included (`STATE_GAP` cells after the
    state words, one after the others): when, due date, id, name, specialist; "what"
    gets the rest. `when_cells` and `short_cells` are the widest state words of the rows in the language shown (`✖ 40d overdue`, `✖ 40d
    late`: "scade tra 11g" is wider than "due in 11d"), measured by the caller. Narrow
    screens drop the due date, shrink the name, and use the short words first."""
    cols = {"when": when_cells + STATE_GAP, "due": 11, "id": id_cells + 1, "name": 23, "spec": 11}
    steps = (("due", 0), ("name", 15), ("spec", 8), ("when", min(when_cells, short_cells) + STATE_GAP),
             ("name", 12))  # fmt: skip
    for key, smaller in steps:
        if width - sum(cols.values()) >= 24:
            break
        cols[key] = smaller
    cols["what"] = max(0, width - sum(cols.values()))
    return cols


def state_cells(items: list[Deadline], today: date) -> tuple[int, int]:
    """(widest, widest short) state words of `items` in cells, in the language shown:
    `✖ 40d overdue` and `✖ 40d late` in English, `▲ scade tra 11g` in Italian."""
    full = max((cells(f"{SYMBOL[d.state]} {d.words(today)}") for d in items), default=14)
    short = max(
        (cells(f"{SYMBOL[d.state]} {short_words(d.due, today)}") for d in items), default=10
    )
    return full, short


def column(text: str, width: int, gap: int = 1) -> str:
    """`text` in a column of `width` cells that ends in a gap of `gap` cells: cut with `…`
    (`vocab.fit`) so it never touches the next column, whatever the language's words."""
    return fit(text, width - gap) + " " * gap if width > gap else " " * max(width, 0)


class AgendaScreen(FollowsCaseload, OnIpsApp, TranslatedBindings, Screen):
    """Every open deadline of the team (or of one specialist), overdue first."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="back", tooltip=N_("Back to the board")),
        Binding(
            "f",
            "cycle_specialist",
            N_("Specialist"),
            id="agenda_specialist",
            tooltip=N_("One specialist's deadlines, then the next, then the team's"),
        ),
    ]

    specialist: reactive[str | None] = reactive(None, init=False)
    """Only this specialist's deadlines (None: the whole team)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Deadline] = []

    def compose(self) -> ComposeResult:
        yield Clamped("", id="agenda-title", classes="screen-title")
        yield LineList(self._row, id="agenda-list")
        yield Clamped("", id="agenda-detail")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.follow_caseload(lambda _cl: self.redraw())
        self.query_one(LineList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Typed letters run commands only while the list has focus."""
        return None if not allow_letter_action(self, action) else True

    def watch_specialist(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Recompute the deadlines from the app's caseload and today's date."""
        cl = self.ips.caseload
        if cl is None:
            return
        self.items = agenda_for(cl.participants, cl.settings, self.ips.today, self.specialist)
        self._id_cells = max((cells(d.participant) for d in self.items), default=6)
        self._when_cells, self._short_cells = state_cells(self.items, self.ips.today)
        self.query_one(LineList).set_items(self.items)
        n_over = sum(1 for d in self.items if d.state == OVERDUE)
        n_soon = sum(1 for d in self.items if d.state == DUE_SOON)
        keys = _("{specialist}: specialist, {open}: open, {back}: back").format(
            specialist=key_for(self, "agenda_specialist", "f"),
            open=key_for(self, "list_open", "enter"),
            back=key_for(self, "back", "esc"),
        )
        # Deadlines, not participants: one person can have several (the board counts people).
        n = len(self.items)
        if self.specialist:
            head = ngettext(
                "for @{key} — {n} open deadline:", "for @{key} — {n} open deadlines:", n
            ).format(key=self.specialist, n=n)
        else:
            head = ngettext(
                "for the whole team — {n} open deadline:",
                "for the whole team — {n} open deadlines:",
                n,
            ).format(n=n)
        states = _("{overdue} {n_over} overdue, {soon} {n_soon} due soon").format(
            overdue=SYMBOL[OVERDUE], n_over=n_over, soon=SYMBOL[DUE_SOON], n_soon=n_soon
        )
        title = Text.assemble((_("Agenda"), "bold"), f" {head} {states}   ({keys})")
        self.query_one("#agenda-title", Static).update(title)

    def _person(self, d: Deadline) -> str:
        cl = self.ips.caseload
        p = cl.participants.get(d.participant) if cl else None
        return p.name if p is not None else ""

    def _row(self, d: Deadline, width: int) -> Row:
        today = self.ips.today
        when_cells = getattr(self, "_when_cells", 14)
        cols = agenda_columns(
            width, getattr(self, "_id_cells", 6), when_cells, getattr(self, "_short_cells", 10)
        )
        label = _(RULE_LABELS[d.rule]) if d.rule in RULE_LABELS else d.rule
        if d.what:
            label += f": {d.what}"
        roomy = cols["when"] - STATE_GAP >= when_cells
        when = d.words(today) if roomy else short_words(d.due, today)
        row: Row = [(column(f"{SYMBOL[d.state]} {when}", cols["when"], STATE_GAP), CLS[d.state])]
        if cols["due"]:
            row.append((column(d.due.isoformat(), cols["due"]), "line--muted"))
        row += [
            (column(d.participant, cols["id"]), "line--bold"),
            (column(self._person(d), cols["name"]), ""),
            (column(f"@{d.specialist}", cols["spec"]), "line--muted"),
            (fit(label, cols["what"]), ""),
        ]
        return row

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        detail = self.query_one("#agenda-detail", Static)
        if not self.items or event.index >= len(self.items):
            detail.update(_("No open deadlines."))
            return
        d = self.items[event.index]
        label = _(RULE_LABELS[d.rule]) if d.rule in RULE_LABELS else d.rule
        text = Text.assemble(
            (f"{SYMBOL[d.state]} {d.words(self.ips.today)}", "bold"),
            f" ({d.due.isoformat()})  {d.participant} {self._person(d)}  @{d.specialist}  ·  {label}",
            f": {d.what}" if d.what else "",
        )
        detail.update(text)

    def on_line_list_chosen(self, event: LineList.Chosen) -> None:
        self.ips.open_participant(self.items[event.index].participant)

    def action_cycle_specialist(self) -> None:
        """One specialist's deadlines, then the next, then the whole team's."""
        cl = self.ips.caseload
        if cl is None:
            return
        keys = [None, *cl.settings.team]
        i = keys.index(self.specialist) if self.specialist in keys else 0
        self.specialist = keys[(i + 1) % len(keys)]
