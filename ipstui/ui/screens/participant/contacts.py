"""The Contacts tab: every contact, oldest first; logging one is the screen-wide `c`."""

from __future__ import annotations

from rich.text import Text

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import Participant
from ipstui.core.termsafe import escape
from ipstui.core.vocab import CONTACT_KIND_LABELS, readable
from ipstui.ui.screens.forms import ContactEntry, ContactForm
from ipstui.ui.screens.participant.base import ListPane, cell


class ContactsPane(ListPane):
    """Contacts with the participant (SPEC §2 `[[contacts]]`), the newest in view."""

    TAB = "contacts"
    TITLE = N_("Contacts")
    COLUMNS = (N_("Date"), N_("Kind"), N_("By"), N_("Note"))

    def draw(self, p: Participant) -> None:
        """One row per contact; the note on one line, cut at 120 characters."""
        table = self.table
        table.clear()
        contacts = [c for c in p.data.get("contacts") or () if isinstance(c, dict)]
        for i, c in enumerate(contacts):
            note = str(c.get("note", "")).replace("\n", " ⏎ ")
            table.add_row(
                cell(c.get("on")),
                _(readable(str(c.get("kind", "")), CONTACT_KIND_LABELS)),
                Text(escape(str(c.get("by", "")))),
                Text(escape(note[:120] + ("…" if len(note) > 120 else ""))),
                key=str(i),
            )
        if contacts:
            table.move_cursor(row=len(contacts) - 1)  # the newest, in view
        n = len(contacts)
        self.summary.update(
            ngettext(
                "{n} contact, oldest first — {key}: log a contact",
                "{n} contacts, oldest first — {key}: log a contact",
                n,
            ).format(n=n, key=self.key("participant_contact", "c"))
        )
        self.set_label(_("Contacts ({n})").format(n=n))

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

        def open_form(register: list[tuple[str, str]]) -> None:
            form = ContactForm(team, by, self.today, register, who=who)
            self.app.push_screen(form.submitting(log))

        self.ips.with_employer_choices(open_form)  # the register is read off the UI thread
