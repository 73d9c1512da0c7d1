"""The job dialogs: `JobForm` (a job, at an employer of the register or a new one →
`JobEntry`) and `EndJobForm` (when and why a job ended → `JobEndEntry`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select

from ipstui.core.i18n import N_, _
from ipstui.core.model import HOURS_MAX
from ipstui.ui.screens.forms.base import DatedForm, EmployerChoiceForm, FormScreen, date_input
from ipstui.ui.screens.forms.fields import (
    ChoiceOrText,
    FormField,
    check_choice,
    check_date,
    check_number,
    check_text,
    raw_value,
)
from ipstui.ui.screens.forms.results import JobEndEntry, JobEntry
from ipstui.ui.widgets.inputs import OneLineInput


class JobForm(EmployerChoiceForm, DatedForm):
    """Add a job → `JobEntry`. With a register (`employers`: (id, name) pairs) the
    employer is picked from it, or typed under Other… and then, with `new_employer`,
    added to it. While the register is read (None) the employer is typed; the list
    comes in around what was typed (`set_choices`)."""

    title_text = N_("Add a job")

    def __init__(
        self, today: date, employers: Sequence[tuple[str, str]] | None = (), *, who: str = ""
    ) -> None:
        super().__init__(today, who=who)
        self.employers = None if employers is None else list(employers)

    def _register_fields(self, typed: str | None = None) -> list[FormField]:
        return [
            FormField(
                "employer",
                _("Employer (from the register, or Other… to type one)"),
                ChoiceOrText(
                    [n for _eid, n in self.employers or []],
                    typed,
                    placeholder=_("the employer's name"),
                ),
                check_choice(what=_("the employer")),
            ),
            FormField(
                "new_employer",
                _("Register"),
                Checkbox(_("Add a typed employer to the register"), value=True),
                lambda c: (raw_value(c), None),
            ),
        ]

    def compose_fields(self) -> Iterable[Widget]:
        from ipstui.core.isco08 import choices

        if self.employers:
            yield from self._register_fields()
        else:
            yield FormField(
                "employer",
                _("Employer"),
                OneLineInput(),
                check_text(required=True, what=_("the employer"), name=True),
                hint=_("reading employers…") if self.employers is None else "",
            )
        yield FormField("title", _("Job title"), OneLineInput(), check_text())
        yield FormField(
            "job_type",
            _("Job type (ISCO-08, optional)"),
            Select([(label, code) for code, label in choices()], prompt=_("(not coded)")),
            check_choice(required=False),
        )
        yield FormField("start", _("Start date"), date_input(self.today), check_date())
        yield FormField(
            "hours_per_week",
            _("Hours per week (optional)"),
            OneLineInput(placeholder=_("e.g. 20")),
            check_number(what=_("hours"), maximum=HOURS_MAX),
        )
        yield FormField(
            "hourly_wage",
            _("Hourly wage (optional)"),
            OneLineInput(placeholder=_("e.g. 9.50")),
            check_number(what=_("wage")),
        )
        yield FormField(
            "competitive",
            _("Competitive"),
            Checkbox(_("Open-market job at the going wage"), value=True),
            lambda c: (raw_value(c), None),
        )

    def set_choices(self, choices: Sequence[tuple[str, str]], error: str = "") -> None:
        """Turn the typed employer into the register's list (what was typed kept,
        under Other… when the register does not know it); without employers the field
        stays typed and says `error`, if any."""
        self.employers = list(choices)
        if self.is_mounted:
            self.run_worker(self._swap_employer_field(error), group="form-choices")

    async def _swap_employer_field(self, error: str) -> None:
        old = self.field("employer")
        await old.query(".field-hint").remove()
        if not self.employers:
            if error:
                old.set_note(error)
            return
        control = old.control
        assert isinstance(control, Input)
        focused = control.has_focus
        typed = control.value.strip() or None
        fields = self._register_fields(typed)
        after = self.field("title")
        await old.remove()
        await self.query_one("#form-fields").mount_all(fields, before=after)
        choice = fields[0].control
        assert isinstance(choice, ChoiceOrText)
        choice.set_value(typed)  # its own on_mount ran before it counted as mounted
        if self._opened_with is not None:  # what was typed still counts as typed
            opened = {f.field_name: raw_value(f.control) for f in fields}
            if typed is not None:
                opened.pop("employer")
            self._opened_with.update(opened)
        if focused:
            fields[0].control.focus()

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        """Hours per week cannot exceed the 168 hours of a week."""
        hours = values.get("hours_per_week")
        if hours is not None and hours > 168:
            return {"hours_per_week": _("a week has 168 hours")}
        return {}

    def result(self, values: dict[str, Any]) -> JobEntry:
        """The job as a `JobEntry`: a typed employer the register knows by name is that
        employer (`employer_id`); an unknown one is new when the user asked for it."""
        from ipstui.core.service import name_key

        ids = {name_key(n): i for i, n in self.employers}
        employer_id = ids.get(name_key(values["employer"]))
        return JobEntry(
            employer=values["employer"],
            employer_id=employer_id,
            new_employer=employer_id is None and bool(values.get("new_employer")),
            job_type=values["job_type"],
            title=values["title"] or "",
            start=values["start"],
            hours_per_week=values["hours_per_week"],
            hourly_wage=values["hourly_wage"],
            competitive=bool(values["competitive"]),
        )


class EndJobForm(FormScreen):
    """End a current job → `JobEndEntry`."""

    title_text = N_("End the job")

    def __init__(
        self, today: date, *, start: date | None = None, job: str = "", who: str = ""
    ) -> None:
        super().__init__()
        self.today = today
        self.start = start
        self.who = who
        if job:
            self.title_text = _("End the job: {job}").format(job=job)

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField("end", _("Last day"), date_input(self.today), check_date())
        yield FormField(
            "reason",
            _("Why it ended"),
            OneLineInput(placeholder=_("e.g. temporary contract ended")),
            check_text(required=True, what=_("a reason")),
        )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        """A job cannot end before it started."""
        end = values.get("end")
        if self.start is not None and end is not None and end < self.start:
            return {
                "end": _("the job started on {date}; it cannot end before").format(
                    date=self.start.isoformat()
                )
            }
        return {}

    def result(self, values: dict[str, Any]) -> JobEndEntry:
        """The end as a `JobEndEntry`."""
        return JobEndEntry(end=values["end"], reason=values["reason"])
