"""`ContactForm`: log a contact with a participant (or an employer) → `ContactEntry`;
the note may be written in `$EDITOR`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Checkbox, Select, TextArea

from ipstui.core.i18n import N_, _
from ipstui.core.model import CONTACT_KINDS
from ipstui.core.vocab import CONTACT_KIND_LABELS
from ipstui.ui.keys import key_for
from ipstui.ui.screens.forms.base import EmployerChoiceForm, date_input, team_select
from ipstui.ui.screens.forms.editor import editor_dir, run_editor
from ipstui.ui.screens.forms.fields import (
    FormField,
    check_area,
    check_choice,
    check_date,
    plain,
    raw_value,
    shown_options,
)
from ipstui.ui.screens.forms.results import ContactEntry


class ContactForm(EmployerChoiceForm):
    """Log a contact → `ContactEntry`."""

    BINDINGS = [
        Binding("ctrl+e", "edit_note", N_("Edit note in $EDITOR"), id="form_editor", priority=True),
    ]

    title_text = N_("Log a contact")

    def __init__(
        self,
        specialists: Sequence[tuple[str, str]],
        default_by: str | None,
        today: date,
        employers: Sequence[tuple[str, str]] | None = (),
        *,
        who: str = "",
    ) -> None:
        """`employers`: the register as (id, name) pairs, offered for employer contacts;
        None while it is being read (`set_choices`)."""
        super().__init__()
        self.specialists = list(specialists)
        self.default_by = default_by
        self.today = today
        self.employers = None if employers is None else list(employers)
        self.who = who

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "kind",
            _("Kind of contact"),
            Select(shown_options(CONTACT_KINDS, CONTACT_KIND_LABELS), prompt=_("Choose the kind")),
            check_choice(what=_("the kind of contact")),
        )
        yield FormField("on", _("Date"), date_input(self.today), check_date())
        yield FormField(
            "by",
            _("By"),
            team_select(self.specialists, self.default_by, prompt=_("(nobody in particular)")),
            check_choice(required=False),
        )
        yield FormField(
            "note",
            _("Note"),
            TextArea(),
            check_area(),
            hint=_("{key} writes the note in your $EDITOR").format(
                key=key_for(self, "form_editor", "ctrl+e")
            ),
        )
        if self.employers is None or self.employers:
            reading = self.employers is None
            yield FormField(
                "employer_id",
                _("Employer met (employer contacts)"),
                Select(
                    self._employer_options(),
                    prompt=_("reading employers…") if reading else _("(not named)"),
                    disabled=reading,
                ),
                check_choice(required=False),
            )
        yield FormField(
            "face_to_face",
            _("Face to face (employer contacts)"),
            Checkbox(_("Met in person (untick for a call or an e-mail)"), value=True),
            lambda c: (raw_value(c), None),
        )

    def _employer_options(self) -> list[tuple[Text, str]]:
        return [(plain(f"{name} ({eid})"), eid) for eid, name in self.employers or []]

    def set_choices(self, choices: Sequence[tuple[str, str]], error: str = "") -> None:
        """Fill the employer list; without employers it goes, or says `error`."""
        self.employers = list(choices)
        found = self.query("#field-employer_id").results(FormField) if self.is_mounted else []
        for f in found:
            select = f.control
            assert isinstance(select, Select)
            if error:
                f.set_note(error)
            elif not self.employers:
                f.remove()
                continue
            select.prompt = _("(not named)")
            select.set_options(self._employer_options())
            select.disabled = not self.employers
            if self._opened_with is not None:
                self._opened_with[f.field_name] = raw_value(select)

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        """The employer met and face to face apply to employer contacts only."""
        if values.get("kind") != "employer":
            if values.get("employer_id"):
                return {"employer_id": _("only for contacts of kind Employer contact")}
            if values.get("face_to_face") is False:
                return {"face_to_face": _("only for contacts of kind Employer contact")}
        return {}

    def result(self, values: dict[str, Any]) -> ContactEntry:
        """The contact as a `ContactEntry` (the note stripped)."""
        return ContactEntry(
            kind=values["kind"],
            on=values["on"],
            by=values["by"],
            note=(values["note"] or "").strip(),
            employer_id=values.get("employer_id"),
            face_to_face=values.get("face_to_face") is not False,
        )

    def action_edit_note(self) -> None:
        """Write the note in $EDITOR."""
        area = self.field("note").control
        assert isinstance(area, TextArea)
        text = run_editor(self.app, area.text, work_dir=editor_dir(self.app))
        if text is not None:
            area.load_text(text)
        area.focus()
