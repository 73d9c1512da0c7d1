"""The Contacts tab: every contact, oldest first; logging one is the screen-wide `c`,
reading the selected one whole is `v` (or enter)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.widgets import DataTable

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import Participant
from ipstui.core.termsafe import escape
from ipstui.core.vocab import CONTACT_KIND_LABELS, readable
from ipstui.ui.keys import allow_letter_action
from ipstui.ui.screens.forms import ContactEntry, ContactForm
from ipstui.ui.screens.participant.base import ListPane, cell
from ipstui.ui.widgets.columns import Column
from ipstui.ui.widgets.reading import ReadingView


def contact_rows(contacts: list[dict[str, Any]]) -> list[list[str]]:
    """The table's cells of each contact (date, kind, by, note), escaped for a terminal;
    a note's new lines shown as ` ⏎ ` on its one line. Whole: the table fits them to its
    width and ends a cut cell in `…` (SPEC §9)."""
    rows = []
    for c in contacts:
        note = str(c.get("note", "")).replace("\n", " ⏎ ")
        rows.append(
            [
                cell(c.get("on")),
                _(readable(str(c.get("kind", "")), CONTACT_KIND_LABELS)),
                escape(str(c.get("by", ""))),
                escape(note),
            ]
        )
    return rows


def contact_entries(c: dict[str, Any]) -> list[tuple[str, str]]:
    """One contact whole, as (label, text) pairs for the reading view: date, kind, by,
    the employer met and whether in person (a contact with an employer), and the note
    with its own lines. Texts as stored (the view escapes them)."""
    out = [
        (_("Date"), cell(c.get("on"))),
        (_("Kind"), _(readable(str(c.get("kind", "")), CONTACT_KIND_LABELS))),
        (_("By"), str(c.get("by", ""))),
    ]
    if c.get("employer_id"):
        out.append((_("Employer"), str(c["employer_id"])))
    if c.get("kind") == "employer":
        out.append((_("Face to face"), _("no") if c.get("face_to_face") is False else _("yes")))
    out.append((_("Note"), str(c.get("note", "")) or "—"))
    return out


class ContactsPane(ListPane):
    """Contacts with the participant (SPEC §2 `[[contacts]]`), the newest in view."""

    TAB = "contacts"
    TITLE = N_("Contacts")
    FIT = (
        Column(N_("Date")),
        Column(N_("Kind"), min=6),
        Column(N_("By"), min=6),
        Column(N_("Note"), min=12),
    )
    BINDINGS = [
        Binding(
            "v",
            "read_contact",
            N_("Read"),
            id="participant_read_contact",
            tooltip=N_("The selected contact whole, with its whole note"),
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._contacts: list[dict[str, Any]] = []
        """The contacts shown, in table order (oldest first)."""

    def draw(self, p: Participant) -> None:
        """One row per contact; the note on one line, fitted to the pane's width (cut
        with `…`; `v` reads it whole)."""
        contacts = [c for c in p.data.get("contacts") or () if isinstance(c, dict)]
        self._contacts = contacts
        self.show_rows(contact_rows(contacts), [str(i) for i in range(len(contacts))])
        if contacts:
            self.table.move_cursor(row=len(contacts) - 1)  # the newest, in view
        n = len(contacts)
        self.summary.update(
            ngettext(
                "{n} contact, oldest first — {key}: log a contact",
                "{n} contacts, oldest first — {key}: log a contact",
                n,
            ).format(n=n, key=self.key("participant_contact", "c"))
        )
        self.set_label(_("Contacts ({n})").format(n=n))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`v` only with a contact to read, and not while typing in a field."""
        if action != "read_contact":
            return True
        if not allow_letter_action(self, action):
            return None
        return bool(self._contacts)

    @on(DataTable.RowSelected, "#contacts-table")
    def _row_chosen(self) -> None:
        self.action_read_contact()

    def action_read_contact(self) -> None:
        """The selected contact whole (the table cuts its note to the column with `…`;
        SPEC §9: nothing cut without a way to read it)."""
        row = self.table.cursor_row
        if not 0 <= row < len(self._contacts):
            return
        self.app.push_screen(ReadingView(self.owner.who(), contact_entries(self._contacts[row])))

    def add_contact(self) -> None:
        """Ask for a contact and log it (one commit); shows this tab once saved."""
        p = self.participant
        if p is None:
            return
        owner = self.owner

        def log(result: ContactEntry) -> int:
            return owner.run_edit(
                _("Contact"),
                self.ips.service.add_contact,
                owner.pid,
                **result.edit_args(),
                today=self.today,
                then_tab=self.TAB,
            )

        team, by, who = owner.team(), p.specialist or None, owner.who()

        self.ips.push_with_employer_choices(  # the register is read off the UI thread
            lambda register: ContactForm(team, by, self.today, register, who=who).submitting(log)
        )
