"""`DrawsHeader`, a part of `ParticipantScreen` (screen.py): the lines above the tabs.

The title (id, name, phase, specialist), the markers of the record's state (suspended,
closed, needs a decision, overdue, due soon; each with its symbol and words), stacked
under the title when they leave no room for the id and name, and the banner line under
them (`banner`: an error, a warning or a notice, '' hides it). A part
(`parts.ScreenPart`)."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Label, Static

from ipstui.core.i18n import _, ngettext
from ipstui.core.model import PHASE_LABELS, Participant
from ipstui.core.rules import DUE_SOON, OVERDUE, deadlines
from ipstui.core.termsafe import escape, shown_lines
from ipstui.core.vocab import (
    CLOSURE_REASON_LABELS,
    NEEDS_DECISION,
    SUSPENDED,
    SUSPENSION_REASON_LABELS,
    SYMBOL,
    cells,
    field_label,
    readable,
)
from ipstui.ui.parts import ScreenPart
from ipstui.ui.screens.participant.base import cell


class DrawsHeader(ScreenPart):
    """Part of `ParticipantScreen`: header and banner."""

    _banner_kind: str
    """The kind of the banner shown ('' when hidden): error, warning or info."""
    _header_cells: tuple[int, int]
    """(the cells of the title's id and name, the markers' cells) as last drawn
    (`_stack_header`)."""

    def _setup_header(self) -> None:
        """Nothing drawn yet (called from `ParticipantScreen.__init__`,
        `parts.set_up_parts`)."""
        self._banner_kind = ""
        self._header_cells = (0, 0)

    def _stack_header(self) -> None:
        """The markers (suspended, needs a decision, overdue...) under the title when
        they leave no room for the id and name (trial 9: `P-0057 …   ⚑ DA DECIDERE` lost
        the name to the marker at 80 columns); the rest of the title may be cut."""
        title, markers = self._header_cells
        width = self.size.width - 2  # the header's padding
        self.query_one("#p-header").set_class(markers > 0 and title + markers > width, "-stacked")

    def _draw_header(self, p: Participant) -> None:
        """The title (id, name, phase since, specialist) and the state's markers."""
        cl = self.caseload
        data = p.data
        spec = cl.settings.team.get(p.specialist) if cl else None
        by = f"{spec.name} ({p.specialist})" if spec and spec.name != p.specialist else p.specialist
        since = data.get("phase_since")
        phase = _(PHASE_LABELS[p.phase]) if p.phase in PHASE_LABELS else p.phase
        if isinstance(since, date):
            phase = _("{phase} since {date}").format(phase=phase, date=since.isoformat())
        title = f"{p.id} · {p.name} · {phase} · {by}"
        self.query_one("#p-title", Label).update(Text(escape(title)))
        markers = self.query_one("#p-markers", Horizontal)
        markers.remove_children()
        labels: list[Label] = []
        sus = data.get("suspension")
        if isinstance(sus, dict):
            reason = _(readable(str(sus.get("reason", "")), SUSPENSION_REASON_LABELS))
            labels.append(
                Label(
                    SYMBOL[SUSPENDED]
                    + " "
                    + _("SUSPENDED since {date} ({reason})").format(
                        date=cell(sus.get("since")), reason=reason
                    ),
                    classes="marker -suspended",
                    markup=False,
                )
            )
        closure = data.get("closure")
        if isinstance(closure, dict):
            reason = _(readable(str(closure.get("reason", "")), CLOSURE_REASON_LABELS))
            labels.append(
                Label(
                    _("CLOSED on {date} ({reason})").format(
                        date=cell(closure.get("on")), reason=reason
                    ),
                    classes="marker -closed",
                    markup=False,
                )
            )
        if p.has_conflicts:
            names = ", ".join(field_label(str(k)) for k in data.get("conflicts") or {})
            labels.append(
                Label(
                    SYMBOL[NEEDS_DECISION]
                    + " "
                    + _("NEEDS A DECISION: {fields} ({key})").format(
                        fields=names, key=self._key("participant_decide", "D")
                    ),
                    classes="marker -conflict",
                    markup=False,
                )
            )
        if cl is not None:
            ds = deadlines(data, cl.settings, self.today)
            over = sum(1 for d in ds if d.state == OVERDUE)
            soon = sum(1 for d in ds if d.state == DUE_SOON)
            if over:
                words = ngettext("{n} overdue", "{n} overdue", over).format(n=over)
                text = SYMBOL[OVERDUE] + " " + words
                labels.append(Label(text, classes="marker -overdue", markup=False))
            if soon:
                words = ngettext("{n} due soon", "{n} due soon", soon).format(n=soon)
                text = SYMBOL[DUE_SOON] + " " + words
                labels.append(Label(text, classes="marker -soon", markup=False))
        markers.mount_all(labels)
        # A marker's cells: its text, padding 1 each side and a margin of 2 (the .tcss).
        # Only the id and name must stay whole: the phase and specialist may be cut with
        # `…` (both are whole in the Details tab), which keeps the header one line.
        named = cells(escape(f"{p.id} · {p.name} · "))
        self._header_cells = (named, sum(cells(str(x.content)) + 4 for x in labels))
        self._stack_header()

    def banner(self, text: str, kind: str = "info") -> None:
        """The line under the header: `kind` error, warning or info; '' hides it."""
        banner = self.query_one("#p-banner", Static)
        self._banner_kind = kind if text else ""
        banner.update("\n".join(shown_lines(text)))
        for k in ("error", "warning", "info"):
            banner.set_class(k == kind and bool(text), f"-{k}")
        banner.set_class(bool(text), "-shown")
