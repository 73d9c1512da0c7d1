"""Modal forms that return a value: the caller pushes one with a callback and gets a
typed result (a frozen dataclass: dates as dates, numbers as numbers), or None when
cancelled.

Every field validates as it is edited (a red line under it, not colour alone), and
Save is refused until every field is valid. `escape` cancels, `ctrl+s` saves. The
field widgets and checks here are shared with the participant screen's Details tab.

A form never drops what was typed (SPEC §9, issue 13): `escape` on a form whose fields
differ from what it opened with asks first (the one `ConfirmDialog`), and a form given a
`submitting` function stays open until the edit it started is saved; a refused edit
leaves the form open with what was typed and the refusal shown in it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, Static, TextArea

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import CLOSURE_REASONS, CONTACT_KINDS, HOURS_MAX, SUSPENSION_REASONS
from ipstui.core.vocab import (
    CLOSURE_REASON_LABELS,
    CONTACT_KIND_LABELS,
    SUSPENSION_REASON_LABELS,
    field_label,
    field_value,
    team_label,
)
from ipstui.ui.keys import TranslatedBindings, key_for
from ipstui.ui.messages import EditRefused, EditSaved
from ipstui.ui.screens.forms.confirm import ConfirmDialog
from ipstui.ui.screens.forms.editor import editor_dir, run_editor
from ipstui.ui.screens.forms.fields import (
    DATE_HINT,
    ChoiceOrText,
    FormField,
    check_area,
    check_choice,
    check_date,
    check_id,
    check_number,
    check_text,
    field_of,
    plain,
    raw_value,
    shown_options,
)
from ipstui.ui.widgets.inputs import OneLineInput

# ------------------------------------------------------------------ results


class FormResult:
    """Base of the dialogs' typed results (frozen dataclasses).

    Reading a field by name (`result["kind"]`, `result.get("by")`) also works, so the
    callers in app.py and the participant screen can move to attributes when their save
    paths move to the caseload service (issue 9), without a change of behaviour now."""

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        """The field `name`, or `default` when the result has no such field."""
        return getattr(self, name, default)


@dataclass(frozen=True, slots=True)
class ContactEntry(FormResult):
    """A contact to log (SPEC §2 `[[contacts]]`)."""

    kind: str
    on: date
    by: str | None
    note: str
    employer_id: str | None = None
    """The employer met, from the register (employer contacts only)."""
    face_to_face: bool = True
    """False for an employer contact by phone or e-mail."""

    def edit_args(self) -> dict[str, Any]:
        """The keyword arguments of `CaseloadService.add_contact` (all six fields)."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class NewParticipantEntry(FormResult):
    """A participant to add in intake; `pid` None means the next free id."""

    name: str
    specialist: str
    referral_source: str
    referred_on: date
    pid: str | None


@dataclass(frozen=True, slots=True)
class ClosureEntry(FormResult):
    """Why a participant leaves the program (a `CLOSURE_REASONS` code)."""

    reason: str


@dataclass(frozen=True, slots=True)
class JobEntry(FormResult):
    """A job to add; hours and wage are None when not given. `employer_id` names the
    register's employer picked; `new_employer` asks to add a typed one to the register;
    `job_type` is an ISCO-08 group or None."""

    employer: str
    title: str
    start: date
    hours_per_week: int | float | None
    hourly_wage: int | float | None
    competitive: bool
    employer_id: str | None = None
    new_employer: bool = False
    job_type: str | None = None


@dataclass(frozen=True, slots=True)
class JobEndEntry(FormResult):
    """The last day of a job and why it ended."""

    end: date
    reason: str


@dataclass(frozen=True, slots=True)
class TaskEntry(FormResult):
    """A task to add."""

    due: date
    what: str


@dataclass(frozen=True, slots=True)
class SuspensionEntry(FormResult):
    """A suspension to start (a `SUSPENSION_REASONS` code)."""

    since: date
    reason: str


@dataclass(frozen=True, slots=True)
class Decisions(FormResult):
    """The values chosen for fields that needed a decision (None removes the field),
    and the side each was taken from (`sides`: field -> "ours"/"theirs", what the
    service's `decide` settles)."""

    chosen: dict[str, Any]
    sides: dict[str, str] = field(default_factory=dict)

    def items(self):
        """(field, chosen value) pairs."""
        return self.chosen.items()

    def __bool__(self) -> bool:
        return bool(self.chosen)


# ------------------------------------------------------------------ form screens


Submit = Callable[[Any], Hashable | None]
"""Starts the edit a form's result asks for and returns its ticket (the app's request
number from `IpsApp.run_edit`), or None when nothing was started."""


class FormScreen(TranslatedBindings, ModalScreen[Any]):
    """A dialog of FormFields; dismisses with its typed result (`result()`), or None.

    Given a `Submit` (`form.submitting(submit)`), Save starts the edit and the form
    waits: the edit saved (EditSaved with its ticket, or `settle(ticket, None)`) closes
    it with the result; refused (EditRefused, or `settle(ticket, reason)`) keeps it open
    with what was typed and the reason shown in it."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="form_cancel"),
        Binding("ctrl+s", "save", N_("Save"), id="form_save", priority=True),
    ]

    title_text = ""
    who = ""
    """The participant the dialog acts on (`P-0007 Giulia R.`), named in its title."""

    _submit: Submit | None = None
    _pending: Hashable | None = None
    """The ticket of the edit Save started and the form waits for (None: not waiting)."""
    _result: Any = None
    _opened_with: dict[str, Any] | None = None
    """Each field's raw value as the form opened (see `typed`)."""

    def submitting(self, submit: Submit) -> Self:
        """Let Save start the edit (`submit(result)` -> its ticket) and wait for its
        outcome instead of closing at once. Returns the form, for `push_screen`."""
        self._submit = submit
        return self

    @property
    def shown_title(self) -> str:
        """The form's title as shown, in the current language, without the participant."""
        return _(self.title_text) if self.title_text else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            text = self.shown_title
            title = f"{text} — {self.who}" if self.who else text
            yield Static(title, id="form-title", markup=False)
            fields = VerticalScroll(id="form-fields")
            fields.can_focus = False  # focus goes to the fields, which scroll into view
            with fields:
                yield from self.compose_fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                save = key_for(self, "form_save", "ctrl+s")
                yield Button(_("Save ({key})").format(key=save), variant="primary", id="form-ok")
                cancel = key_for(self, "form_cancel", "esc")
                yield Button(_("Cancel ({key})").format(key=cancel), id="form-cancel")

    def compose_fields(self) -> Iterable[Widget]:
        raise NotImplementedError

    @property
    def fields(self) -> list[FormField]:
        """Every field of the form, in order."""
        return list(self.query(FormField))

    def field(self, name: str) -> FormField:
        """The field named `name`."""
        return self.query_one(f"#field-{name}", FormField)

    def on_mount(self) -> None:
        fields = self.fields
        if fields:
            fields[0].control.focus()
        self._opened_with = self.raw_values()

    def raw_values(self) -> dict[str, Any]:
        """Each field's raw value now (what the control holds, before parsing), by name."""
        return {f.field_name: raw_value(f.control) for f in self.fields}

    def typed(self) -> list[str]:
        """The labels (as shown) of the fields whose value differs from what the form
        opened with."""
        start = self._opened_with
        if start is None:
            return []
        return [
            f.label_text for f in self.fields if start.get(f.field_name) != raw_value(f.control)
        ]

    def unsaved_edits(self) -> str:
        """`Log a contact — P-0007 Giulia R.: note` when something was typed, else ''
        (what `IpsApp.action_quit` lists before it asks)."""
        typed = self.typed()
        if not typed:
            return ""
        title = f"{self.shown_title} — {self.who}" if self.who else self.shown_title
        return f"{title}: " + ", ".join(typed)

    def on_resize(self) -> None:
        """Keep Save and Cancel on screen: the fields scroll in what the title, the error
        line and the buttons leave (at 80×24 a contact form is taller than the screen)."""
        self.query_one("#form-fields").styles.max_height = max(3, self.size.height - 13)

    # Inline validation as the user edits.
    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _revalidate(self, event: Any) -> None:
        f = field_of(event.control)
        if f is not None:
            f.validate_field()
            if not any(x.error for x in self.fields):
                self._show_form_error("")

    def collect(self) -> tuple[dict[str, Any], bool]:
        """(typed values by field name, True when every field and cross-check passed)."""
        values: dict[str, Any] = {}
        ok = True
        for f in self.fields:
            value, error = f.validate_field()
            values[f.field_name] = value
            ok = ok and error is None
        for name, error in self.cross_check(values).items():
            f = self.field(name)
            if f.error is None:
                f.show_error(error)
            ok = False
        return values, ok

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        """Errors that involve more than one field, by field name (values may be None)."""
        return {}

    def result(self, values: dict[str, Any]) -> Any:
        """The dialog's typed result from its checked values (by field name)."""
        return values

    def _show_form_error(self, text: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(text)
        box.set_class(bool(text), "-shown")

    def action_save(self) -> None:
        """Check every field; close with the typed result (or start its edit, see
        `submitting`), or show what to fix."""
        if self._pending is not None:
            return  # the edit Save started is still running
        values, ok = self.collect()
        if not ok:
            bad = [f for f in self.fields if f.error]
            self._show_form_error(
                ngettext(
                    "Not saved: fix {n} marked field first",
                    "Not saved: fix {n} marked fields first",
                    len(bad),
                ).format(n=len(bad))
            )
            if bad:
                bad[0].control.focus()
            return
        result = self.result(values)
        ticket = self._submit(result) if self._submit is not None else None
        if ticket is None:
            self.dismiss(result)
            return
        self._pending, self._result = ticket, result
        self.query_one("#form-ok", Button).disabled = True
        self._show_form_error(_("Saving…"))

    def settle(self, ticket: Hashable, refusal: str | None) -> None:
        """The outcome of the edit with `ticket` (ignored when the form does not wait for
        it): saved (`refusal` None) closes the form with its result; refused keeps every
        field as typed and shows `refusal` (already translated) in the form."""
        if self._pending is None or ticket != self._pending:
            return
        self._pending = None
        if refusal is None:
            self.dismiss(self._result)
            return
        self.query_one("#form-ok", Button).disabled = False
        self._show_form_error(
            _("Not saved: {reason} What you typed is still here.").format(
                reason=refusal.rstrip(".") + "."
            )
        )

    @on(EditSaved)
    def _edit_saved(self, message: EditSaved) -> None:
        self.settle(message.request, None)

    @on(EditRefused)
    def _edit_refused(self, message: EditRefused) -> None:
        self.settle(message.request, str(message.error))

    def action_cancel(self) -> None:
        """Close without a result; when something was typed, ask first (SPEC §9)."""
        typed = self.typed()
        if not typed:
            self.dismiss(None)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        if self.who:
            question = _("Close “{form}” for {who} and discard what you typed ({fields})?")
        else:
            question = _("Close “{form}” and discard what you typed ({fields})?")
        self.app.push_screen(
            ConfirmDialog(
                question.format(form=self.shown_title, who=self.who, fields=", ".join(typed)),
                yes=_("Discard"),
                no=_("Keep editing"),
                title=_("Unsaved edits"),
            ),
            answer,
        )

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.action_cancel()


def _date_input(value: date | None) -> Input:
    return OneLineInput(
        value=value.isoformat() if value else "", placeholder=_(DATE_HINT), max_length=10
    )


def _team_options(specialists: Sequence[tuple[str, str]]) -> list[tuple[Text, str]]:
    return [(plain(team_label(key, name)), key) for key, name in specialists]


class DatedForm(FormScreen):
    """A form about one participant (`who`) whose dates default to today."""

    def __init__(self, today: date, *, who: str = "") -> None:
        super().__init__()
        self.today = today
        self.who = who


class ContactForm(FormScreen):
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
        employers: Sequence[tuple[str, str]] = (),
        *,
        who: str = "",
    ) -> None:
        """`employers`: the register as (id, name) pairs, offered for employer contacts."""
        super().__init__()
        self.specialists = list(specialists)
        self.default_by = default_by
        self.today = today
        self.employers = list(employers)
        self.who = who

    def compose_fields(self) -> Iterable[Widget]:
        keys = [k for k, _name in self.specialists]
        yield FormField(
            "kind",
            _("Kind of contact"),
            Select(shown_options(CONTACT_KINDS, CONTACT_KIND_LABELS), prompt=_("Choose the kind")),
            check_choice(what=_("the kind of contact")),
        )
        yield FormField("on", _("Date"), _date_input(self.today), check_date())
        yield FormField(
            "by",
            _("By"),
            Select(
                _team_options(self.specialists),
                value=self.default_by if self.default_by in keys else Select.NULL,
                prompt=_("(nobody in particular)"),
            ),
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
        if self.employers:
            yield FormField(
                "employer_id",
                _("Employer met (employer contacts)"),
                Select(
                    [(plain(f"{name} ({eid})"), eid) for eid, name in self.employers],
                    prompt=_("(not named)"),
                ),
                check_choice(required=False),
            )
        yield FormField(
            "face_to_face",
            _("Face to face (employer contacts)"),
            Checkbox(_("Met in person (untick for a call or an e-mail)"), value=True),
            lambda c: (raw_value(c), None),
        )

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
            Select(_team_options(self.specialists), value=only, prompt=_("Choose")),
            check_choice(what=_("a specialist")),
        )
        yield FormField(
            "referral_source",
            _("Referred by"),
            ChoiceOrText(self.referral_sources, placeholder=_("type the referral source")),
            check_choice(what=_("who referred")),
        )
        yield FormField("referred_on", _("Referred on"), _date_input(self.today), check_date())
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


class JobForm(DatedForm):
    """Add a job → `JobEntry`. With a register (`employers`: (id, name) pairs) the
    employer is picked from it, or typed under Other… and then, with `new_employer`,
    added to it."""

    title_text = N_("Add a job")

    def __init__(
        self, today: date, employers: Sequence[tuple[str, str]] = (), *, who: str = ""
    ) -> None:
        super().__init__(today, who=who)
        self.employers = list(employers)

    def compose_fields(self) -> Iterable[Widget]:
        from ipstui.core.isco08 import choices

        if self.employers:
            yield FormField(
                "employer",
                _("Employer (from the register, or Other… to type one)"),
                ChoiceOrText(
                    [n for _eid, n in self.employers], placeholder=_("the employer's name")
                ),
                check_choice(what=_("the employer")),
            )
            yield FormField(
                "new_employer",
                _("Register"),
                Checkbox(_("Add a typed employer to the register"), value=True),
                lambda c: (raw_value(c), None),
            )
        else:
            yield FormField(
                "employer",
                _("Employer"),
                OneLineInput(),
                check_text(required=True, what=_("the employer"), name=True),
            )
        yield FormField("title", _("Job title"), OneLineInput(), check_text())
        yield FormField(
            "job_type",
            _("Job type (ISCO-08, optional)"),
            Select([(label, code) for code, label in choices()], prompt=_("(not coded)")),
            check_choice(required=False),
        )
        yield FormField("start", _("Start date"), _date_input(self.today), check_date())
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
        yield FormField("end", _("Last day"), _date_input(self.today), check_date())
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
        yield FormField("due", _("Due"), _date_input(self.today), check_date())

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
        yield FormField("since", _("Since"), _date_input(self.today), check_date())

    def result(self, values: dict[str, Any]) -> SuspensionEntry:
        """The suspension as a `SuspensionEntry`."""
        return SuspensionEntry(since=values["since"], reason=values["reason"])


class ConflictForm(FormScreen):
    """Decide fields that a sync met with two different values → `Decisions`.

    `conflicts` is the record's `[conflicts]` table; `current` its data; `who` the
    participant or employer it acts on ("P-0001 Giulia R."); `label` names a field in
    the current language (a participant's by default; the Employers screen passes the
    employer fields' labels). A value of None in the result means "remove the field".
    """

    title_text = N_("Needs a decision: a sync met two different values of a field")

    def __init__(
        self,
        conflicts: dict[str, Any],
        current: dict[str, Any],
        *,
        who: str = "",
        label: Callable[[str], str] = field_label,
    ) -> None:
        super().__init__()
        self.who = who
        self.conflicts = {k: v for k, v in conflicts.items() if isinstance(v, dict)}
        self.current = current
        self.label = label

    def compose_fields(self) -> Iterable[Widget]:
        from ipstui.core.service import show_value

        for name, rec in self.conflicts.items():
            ours = field_value(name, self.current.get(name))
            theirs = field_value(name, rec.get("theirs"))
            choices = [
                (plain(_("Keep this version: {value}").format(value=show_value(ours, 40))), "ours"),
                (
                    plain(
                        _("Take the other version: {value}").format(value=show_value(theirs, 40))
                    ),
                    "theirs",
                ),
            ]
            if "base" in rec:
                hint = _("other side: commit {commit}; both started from {value}").format(
                    commit=rec.get("theirs_commit", "?"),
                    value=show_value(field_value(name, rec["base"]), 30),
                )
            else:
                hint = _("other side: commit {commit}").format(commit=rec.get("theirs_commit", "?"))
            yield FormField(
                name,
                self.label(name),
                Select(choices, prompt=_("Leave undecided")),
                check_choice(required=False),
                hint=hint,
            )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        """At least one field must be decided."""
        if not any(values.values()) and self.conflicts:
            return {next(iter(self.conflicts)): _("decide at least one field")}
        return {}

    def result(self, values: dict[str, Any]) -> Decisions:
        """The chosen values as `Decisions`."""
        out: dict[str, Any] = {}
        sides: dict[str, str] = {}
        for name, pick in values.items():
            if pick == "ours":
                out[name] = self.current.get(name)
            elif pick == "theirs":
                out[name] = self.conflicts[name].get("theirs")
            if pick in ("ours", "theirs"):
                sides[name] = pick
        return Decisions(out, sides)
