"""The dialogs that change where a participant stands: `TaskForm` (a task →
`TaskEntry`), `SuspendForm` (since when and why → `SuspensionEntry`) and `ClosureForm`
(why the participant leaves → `ClosureEntry`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Select

from ipstui.core.i18n import N_, _
from ipstui.core.model import CLOSURE_REASONS, SUSPENSION_REASONS
from ipstui.core.vocab import CLOSURE_REASON_LABELS, SUSPENSION_REASON_LABELS
from ipstui.ui.screens.forms.base import DatedForm, date_input
from ipstui.ui.screens.forms.fields import (
    FormField,
    check_choice,
    check_date,
    check_text,
    shown_options,
)
from ipstui.ui.screens.forms.results import ClosureEntry, SuspensionEntry, TaskEntry
from ipstui.ui.widgets.inputs import OneLineInput


class TaskForm(DatedForm):
    """Add a task → `TaskEntry`."""

    title_text = N_("Add a task")

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "what",
            _("What"),
            OneLineInput(placeholder=_("e.g. Call the employer about the shift pattern")),
            check_text(required=True, what=_("the task")),
        )
        yield FormField("due", _("Due"), date_input(self.today), check_date())

    def result(self, values: dict[str, Any]) -> TaskEntry:
        """The task as a `TaskEntry`."""
        return TaskEntry(due=values["due"], what=values["what"])


class SuspendForm(DatedForm):
    """Suspend a participant → `SuspensionEntry`."""

    title_text = N_("Suspend (the rules pause; tasks stay due)")

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "reason",
            _("Reason"),
            Select(
                shown_options(SUSPENSION_REASONS, SUSPENSION_REASON_LABELS),
                prompt=_("Choose a reason"),
            ),
            check_choice(what=_("a reason")),
        )
        yield FormField("since", _("Since"), date_input(self.today), check_date())

    def result(self, values: dict[str, Any]) -> SuspensionEntry:
        """The suspension as a `SuspensionEntry`."""
        return SuspensionEntry(since=values["since"], reason=values["reason"])


class ClosureForm(DatedForm):
    """Close a participant's file → `ClosureEntry`."""

    title_text = N_("Close: why does the participant leave the program?")

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "reason",
            _("Reason"),
            Select(
                shown_options(CLOSURE_REASONS, CLOSURE_REASON_LABELS), prompt=_("Choose a reason")
            ),
            check_choice(what=_("a reason")),
            hint=_("Closed on {date}").format(date=self.today.isoformat()),
        )

    def result(self, values: dict[str, Any]) -> ClosureEntry:
        """The reason as a `ClosureEntry`."""
        return ClosureEntry(reason=values["reason"])
