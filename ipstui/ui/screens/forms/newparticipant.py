"""`NewParticipantForm`: a new participant in intake → `NewParticipantEntry`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Select

from ipstui.core.i18n import N_, _
from ipstui.ui.screens.forms.base import FormScreen, date_input, team_choices
from ipstui.ui.screens.forms.fields import (
    ChoiceOrText,
    FormField,
    check_choice,
    check_date,
    check_id,
    check_text,
)
from ipstui.ui.screens.forms.results import NewParticipantEntry
from ipstui.ui.widgets.inputs import OneLineInput


class NewParticipantForm(FormScreen):
    """Add a participant → `NewParticipantEntry`."""

    title_text = N_("New participant (starts in Intake)")

    def __init__(
        self,
        specialists: Sequence[tuple[str, str]],
        referral_sources: Sequence[str],
        today: date,
        *,
        taken: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.specialists = list(specialists)
        self.referral_sources = list(referral_sources)
        self.today = today
        self.taken = list(taken)

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "name",
            _("Name (or pseudonym)"),
            OneLineInput(placeholder=_("e.g. Giulia R.")),
            check_text(required=True, what=_("a name"), name=True),
        )
        only = self.specialists[0][0] if len(self.specialists) == 1 else Select.NULL
        yield FormField(
            "specialist",
            _("Employment specialist"),
            Select(team_choices(self.specialists), value=only, prompt=_("Choose")),
            check_choice(what=_("a specialist")),
        )
        yield FormField(
            "referral_source",
            _("Referred by"),
            ChoiceOrText(self.referral_sources, placeholder=_("type the referral source")),
            check_choice(what=_("who referred")),
        )
        yield FormField("referred_on", _("Referred on"), date_input(self.today), check_date())
        yield FormField(
            "pid",
            _("Id (optional)"),
            OneLineInput(placeholder=_("blank: the next free id")),
            check_id(self.taken),
        )

    def result(self, values: dict[str, Any]) -> NewParticipantEntry:
        """The new participant as a `NewParticipantEntry`."""
        return NewParticipantEntry(
            name=values["name"],
            specialist=values["specialist"],
            referral_source=values["referral_source"],
            referred_on=values["referred_on"],
            pid=values["pid"],
        )
