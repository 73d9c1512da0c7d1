"""The employer register's dialogs (SPEC §11): `EmployerContactForm` (a contact with
one employer → `EmployerContactEntry`) and `NewEmployerForm` (an employer added, or
edited → `EmployerEntry`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Checkbox, Select, TextArea

from ipstui.core.i18n import N_, _
from ipstui.core.service import PURPOSES, name_key
from ipstui.ui.screens.forms.base import DatedForm, FormScreen, date_input, team_select
from ipstui.ui.screens.forms.fields import (
    FormField,
    check_area,
    check_choice,
    check_date,
    check_text,
    raw_value,
    shown_options,
)
from ipstui.ui.screens.forms.results import EmployerContactEntry, EmployerEntry
from ipstui.ui.widgets.inputs import OneLineInput

PURPOSE_LABELS = {
    "job_development": N_("Job development"),
    "placement": N_("Placement (for a participant)"),
    "follow_along": N_("Follow-along (a participant at work)"),
    "other": N_("Other"),
}
"""The words of each stored purpose code (English source; translated where shown)."""


class EmployerContactForm(DatedForm):
    """Log a contact with one employer → `EmployerContactEntry`."""

    def __init__(
        self, employer: str, specialists: Sequence[tuple[str, str]], by: str | None, today: date
    ) -> None:
        super().__init__(today)
        self.title_text = _("Log a contact with {employer}").format(employer=employer)
        self.specialists = list(specialists)
        self.by = by

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField("on", _("Date"), date_input(self.today), check_date())
        yield FormField(
            "by",
            _("By"),
            team_select(self.specialists, self.by, prompt=_("Choose")),
            check_choice(what=_("who made the contact")),
        )
        yield FormField(
            "purpose",
            _("Purpose"),
            Select(
                shown_options(PURPOSES, PURPOSE_LABELS), value="job_development", allow_blank=False
            ),
            check_choice(what=_("a purpose")),
        )
        yield FormField(
            "face_to_face",
            _("Face to face"),
            Checkbox(_("Met in person (untick for a call or an e-mail)"), value=True),
            lambda c: (raw_value(c), None),
        )
        yield FormField(
            "note",
            _("Note"),
            TextArea(),
            check_area(),
            hint=_("never copied into the commit message"),
        )

    def result(self, values: dict[str, Any]) -> EmployerContactEntry:
        """The contact, its note stripped."""
        return EmployerContactEntry(
            on=values["on"],
            by=values["by"],
            purpose=values["purpose"],
            face_to_face=bool(values["face_to_face"]),
            note=(values["note"] or "").strip(),
        )


class NewEmployerForm(FormScreen):
    """Add an employer to the register → `EmployerEntry` (no notes); or, given
    `current` (an employer's data), edit it → the same with its notes."""

    title_text = N_("New employer")

    def __init__(
        self,
        taken_names: Iterable[str] = (),
        name: str = "",
        current: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.taken = {name_key(n): n for n in taken_names}
        self.current = current
        self.name_value = name
        if current is not None:
            self.title_text = _("Edit {id} {name}").format(
                id=current.get("id", ""), name=current.get("name", "")
            )
            self.name_value = str(current.get("name", ""))

    def compose_fields(self) -> Iterable[Widget]:
        def check_name(control: Widget) -> tuple[Any, str | None]:
            value, error = check_text(required=True, what=_("a name"), name=True)(control)
            if value and name_key(value) in self.taken:
                return None, _("already in the register as {name}").format(
                    name=self.taken[name_key(value)]
                )
            return value, error

        cur = self.current or {}
        yield FormField("name", _("Name"), OneLineInput(value=self.name_value), check_name)
        yield FormField(
            "sector",
            _("Sector (optional)"),
            OneLineInput(value=str(cur.get("sector", "")), placeholder=_("e.g. retail")),
            check_text(),
        )
        yield FormField(
            "contact_person",
            _("Contact person (optional)"),
            OneLineInput(
                value=str(cur.get("contact_person", "")),
                placeholder=_("a role, e.g. store manager"),
            ),
            check_text(),
            hint=_("a role, not a private person's details"),
        )
        if self.current is not None:
            yield FormField(
                "notes",
                _("Notes"),
                TextArea(str(cur.get("notes", ""))),
                check_area(),
                hint=_("never copied into the commit message"),
            )

    def result(self, values: dict[str, Any]) -> EmployerEntry:
        """The fields, '' for a blank one; the notes only when editing an employer."""
        return EmployerEntry(
            name=values["name"] or "",
            sector=values["sector"] or "",
            contact_person=values["contact_person"] or "",
            notes=(values["notes"] or "") if self.current is not None else None,
        )
