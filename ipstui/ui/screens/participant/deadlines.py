"""The Deadlines tab: the open deadlines of the rules (SPEC §4) with their state."""

from __future__ import annotations

from rich.text import Text

from ipstui.core.i18n import N_, _
from ipstui.core.model import RULE_LABELS, Participant
from ipstui.core.rules import DUE_SOON, OVERDUE, Deadline, deadlines
from ipstui.core.termsafe import escape
from ipstui.core.vocab import STATE_WORD, SYMBOL
from ipstui.ui.screens.participant.base import ListPane


class DeadlinesPane(ListPane):
    """Every open deadline of the participant as of today, overdue and due soon marked."""

    TAB = "deadlines"
    TITLE = N_("Deadlines")
    COLUMNS = ("", N_("Deadline"), N_("Due"), N_("When"), N_("State"), N_("About"))

    def draw(self, p: Participant) -> None:
        """One row per deadline (`rules.deadlines`); the tab title counts them."""
        cl = self.caseload
        table = self.table
        table.clear()
        if cl is None:
            return
        today = self.today
        ds: list[Deadline] = deadlines(p.data, cl.settings, today)
        colours = self.app.get_css_variables()
        style = {OVERDUE: colours.get("error", "red"), DUE_SOON: colours.get("warning", "yellow")}
        for d in ds:
            st = style.get(d.state, "")
            table.add_row(
                Text(SYMBOL.get(d.state, " "), style=f"bold {st}".strip()),
                _(RULE_LABELS[d.rule]) if d.rule in RULE_LABELS else d.rule,
                d.due.isoformat(),
                Text(d.words(today), style=st),
                _(STATE_WORD[d.state]) if d.state in STATE_WORD else d.state,
                Text(escape(d.what)),
            )
        over = sum(1 for d in ds if d.state == OVERDUE)
        soon = sum(1 for d in ds if d.state == DUE_SOON)
        if p.phase == "closed":
            text = _("Closed: no deadlines.")
        elif not ds:
            text = _("No open deadlines.")
        else:
            text = _("{n} open: ✖ {over} overdue, ▲ {soon} due soon (as of {date})").format(
                n=len(ds), over=over, soon=soon, date=today.isoformat()
            )
        if p.suspended and p.phase != "closed":
            text += "  " + _("Suspended: the rules pause, only tasks stay due.")
        self.summary.update(text)
        self.summary.set_class(bool(over), "-alert")
        mark = f" ✖ {over}" if over else (f" ▲ {soon}" if soon else "")
        self.set_label(_("Deadlines ({n})").format(n=f"{len(ds)}{mark}"))

    def redraw_for_day(self, p: Participant) -> None:
        """Deadline states change with the date."""
        self.draw(p)
