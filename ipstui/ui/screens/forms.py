"""Modal forms that return a value: the caller pushes one with a callback and gets a
dict of typed values (dates as dates, numbers as floats), or None when cancelled.

Every field validates as it is edited (a red line under it, not colour alone), and
Save is refused until every field is valid. `escape` cancels, `ctrl+s` saves. The
field widgets and checks here are shared with the participant screen's Details tab.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from ipstui.core.model import CLOSURE_REASONS, CONTACT_KINDS, SUSPENSION_REASONS, is_valid_id

# ------------------------------------------------------------------ readable labels

CONTACT_KIND_LABELS: dict[str, str] = {
    "meeting": "Meeting",
    "phone": "Phone call",
    "message": "Message (text, email)",
    "outreach": "Outreach",
    "employer": "Employer contact",
    "team": "Team meeting",
    "family": "Family",
    "benefits": "Benefits counselling",
}
CLOSURE_REASON_LABELS: dict[str, str] = {
    "request": "At the participant's request",
    "job_no_further_support": "Working, no further support needed",
    "criteria_not_met": "Eligibility criteria not met",
    "shared_decision": "Shared decision",
    "moved": "Moved away",
    "other": "Other",
}
SUSPENSION_REASON_LABELS: dict[str, str] = {
    "request": "At the participant's request",
    "team_decision": "Team decision",
    "relapse": "Relapse",
    "other": "Other",
}


def readable(code: str, labels: dict[str, str] | None = None) -> str:
    """The label of a stored code: from `labels`, else the code made readable."""
    if labels and code in labels:
        return labels[code]
    return code.replace("_", " ").capitalize()


def plain(text: str) -> Text:
    """User data shown in a widget that would otherwise read it as markup."""
    return Text(text)


def options(codes: Iterable[str], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, code) pairs for a Select."""
    return [(readable(c, labels), c) for c in codes]


# ------------------------------------------------------------------ parsing and checks

Check = Callable[[Widget], tuple[Any, str | None]]
"""Reads a field's control: (typed value or None when blank, error message or None)."""

DATE_HINT = "YYYY-MM-DD"


def parse_date_text(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a readable message otherwise."""
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-20 ({DATE_HINT})") from None


def raw_value(control: Widget) -> Any:
    """What the control holds right now, before any parsing (used to spot edits)."""
    if isinstance(control, ChoiceOrText):
        return control.value
    if isinstance(control, Input):
        return control.value
    if isinstance(control, Select):
        return None if control.is_blank() else control.value
    if isinstance(control, TextArea):
        return control.text
    if isinstance(control, Checkbox):
        return control.value
    raise TypeError(f"not a form control: {control!r}")


def check_text(*, required: bool = False, what: str = "this") -> Check:
    def check(control: Widget) -> tuple[Any, str | None]:
        value = str(raw_value(control) or "").strip()
        if required and not value:
            return None, f"{what} is required"
        return (value or None), None

    return check


def check_date(*, required: bool = True) -> Check:
    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "").strip()
        if not text:
            return None, ("a date is required" if required else None)
        try:
            return parse_date_text(text), None
        except ValueError as exc:
            return None, str(exc)

    return check


def check_number(*, what: str = "this", minimum: float = 0.0) -> Check:
    """An optional number (a decimal comma is accepted); whole numbers come back as int."""

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "").strip().replace(",", ".")
        if not text:
            return None, None
        try:
            value = float(text)
        except ValueError:
            return None, f"{what}: {text!r} is not a number"
        if value != value or value in (float("inf"), float("-inf")):
            return None, f"{what}: {text!r} is not a number"
        if value < minimum:
            return None, f"{what} cannot be below {minimum:g}"
        # "20" stays a whole number in the file (hours_per_week = 20), "9.5" a decimal.
        if value.is_integer() and not any(ch in text for ch in ".eE"):
            return int(value), None
        return value, None

    return check


def check_choice(*, required: bool = True, what: str = "a value") -> Check:
    def check(control: Widget) -> tuple[Any, str | None]:
        value = raw_value(control)
        if isinstance(value, str):
            value = value.strip()
        if not value:
            return None, (f"choose {what}" if required else None)
        return value, None

    return check


def check_list() -> Check:
    """Comma-separated texts; blank is no list."""

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "")
        items = [x.strip() for x in text.split(",") if x.strip()]
        return (items or None), None

    return check


def check_area(*, required: bool = False, what: str = "this") -> Check:
    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "")
        if required and not text.strip():
            return None, f"{what} is required"
        return text, None

    return check


def check_id(taken: Iterable[str] = ()) -> Check:
    """An optional participant id: blank means the next free one."""
    used = frozenset(taken)

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "").strip()
        if not text:
            return None, None
        if not is_valid_id(text):
            return None, f"{text!r}: use letters, digits, _ and - (up to 64, no space)"
        if text in used:
            return None, f"{text} already exists"
        return text, None

    return check


# ------------------------------------------------------------------ widgets


class ChoiceOrText(Vertical):
    """A Select of known values plus "Other…", which reveals an Input for a new value."""

    OTHER = "\x00other"

    DEFAULT_CSS = """
    ChoiceOrText { height: auto; }
    ChoiceOrText > Input { display: none; }
    ChoiceOrText.-other > Input { display: block; }
    """

    def __init__(
        self,
        choices: Sequence[str],
        value: str | None = None,
        *,
        allow_blank: bool = True,
        placeholder: str = "type a new value",
        compact: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._compact = compact
        self._choices = list(dict.fromkeys(choices))
        self._allow_blank = allow_blank
        self._placeholder = placeholder
        self._initial = value

    def compose(self) -> ComposeResult:
        yield Select(
            [(plain(c), c) for c in self._choices] + [("Other…", self.OTHER)],
            allow_blank=self._allow_blank or not self._choices,
            prompt="Choose",
            compact=self._compact,
        )
        yield Input(placeholder=self._placeholder, compact=self._compact)

    def on_mount(self) -> None:
        self.set_value(self._initial)

    @property
    def select(self) -> Select:
        return self.query_one(Select)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str | None:
        if not self.is_mounted:
            return self._initial
        sel = self.select
        if sel.is_blank():
            return None
        if sel.value == self.OTHER:
            return self.input.value.strip() or None
        return str(sel.value)

    @property
    def choices(self) -> list[str]:
        return list(self._choices)

    def set_choices(self, choices: Sequence[str]) -> None:
        """Replace the known values, keeping the current value (under Other… if unlisted)."""
        current = self.value
        self._choices = list(dict.fromkeys(choices))
        if self.is_mounted:
            self.select.set_options(
                [(plain(c), c) for c in self._choices] + [("Other…", self.OTHER)]
            )
            self.set_value(current)

    def set_value(self, value: str | None) -> None:
        """Show `value`: picked in the list when it is there, typed under Other… if not."""
        if not self.is_mounted:
            self._initial = value
            return
        sel = self.select
        if value in self._choices:
            sel.value = value
            self.input.value = ""
        elif value:
            sel.value = self.OTHER
            self.input.value = value
        elif self._allow_blank or not self._choices:
            if self._choices:
                sel.clear()
            else:
                sel.value = self.OTHER
            self.input.value = ""
        self.set_class(sel.value == self.OTHER, "-other")

    def focus(self, scroll_visible: bool = True) -> ChoiceOrText:
        target = self.input if self.select.value == self.OTHER and not self._choices else None
        (target or self.select).focus(scroll_visible)
        return self

    @on(Select.Changed)
    def _toggle_other(self, event: Select.Changed) -> None:
        other = event.value == self.OTHER
        self.set_class(other, "-other")
        if other and event.control.has_focus:
            self.input.focus()


class FormField(Vertical):
    """A labelled control with the line that says what is wrong with it."""

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 1; }
    FormField > .field-label { color: $text-muted; padding: 0 1; }
    FormField > .field-error { color: $error; text-style: bold; padding: 0 1; display: none; }
    FormField.-invalid > .field-error { display: block; }
    FormField.-invalid > Input, FormField.-invalid Select > SelectCurrent,
    FormField.-invalid > TextArea, FormField.-invalid ChoiceOrText > Input {
        border: tall $error;
    }
    FormField.-invalid .-textual-compact { background: $error 30%; }
    FormField.-changed > .field-label { color: $warning; text-style: bold; }
    FormField > .field-hint { color: $text-muted; padding: 0 1; }
    FormField > .field-note { color: $warning; padding: 0 1; display: none; }
    FormField.-noted > .field-note { display: block; }
    FormField > TextArea { height: 6; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        control: Widget,
        check: Check,
        *,
        hint: str = "",
    ) -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label_text = label
        self.control = control
        self.check = check
        self.hint = hint
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label", markup=False)
        yield self.control
        if self.hint:
            yield Static(self.hint, classes="field-hint", markup=False)
        yield Static("", classes="field-note", markup=False)
        yield Static("", classes="field-error", markup=False)

    def validate_field(self) -> tuple[Any, str | None]:
        """Check the control, show or clear the error line, and return (value, error)."""
        value, error = self.check(self.control)
        self.show_error(error)
        return value, error

    def show_error(self, error: str | None) -> None:
        self.error = error
        self.set_class(bool(error), "-invalid")
        if self.is_mounted:
            self.query_one(".field-error", Static).update(f"✖ {error}" if error else "")

    def set_note(self, note: str) -> None:
        """A non-blocking remark under the field (e.g. a pending decision after a sync)."""
        self.set_class(bool(note), "-noted")
        if self.is_mounted:
            self.query_one(".field-note", Static).update(note)

    def set_changed(self, changed: bool) -> None:
        """Mark an edited, unsaved field (a ✎ and a colour, not colour alone)."""
        self.set_class(changed, "-changed")
        if self.is_mounted:
            text = f"✎ {self.label_text}" if changed else self.label_text
            self.query_one(".field-label", Label).update(text)


def field_of(widget: Widget | None) -> FormField | None:
    """The FormField a control (or a part of one) belongs to."""
    node: Any = widget
    while node is not None:
        if isinstance(node, FormField):
            return node
        node = node.parent
    return None


def run_editor(app: App, text: str, *, work_dir: Path | None = None) -> str | None:
    """Hand the terminal to $EDITOR (else vi) on a private temporary file holding `text`.

    Returns the edited text, or None (after telling the user) when the editor could
    not run or failed, so the caller keeps what it had. The temporary file lives in
    `work_dir` when given (the caseload's git directory: notes never land in /tmp).
    """
    editor = os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi"
    try:
        command = shlex.split(editor)
    except ValueError:
        command = []
    if not command:
        app.notify(f"$EDITOR is not a command: {editor!r}", severity="error")
        return None
    try:
        fd, name = tempfile.mkstemp(
            prefix="ipstui-note-", suffix=".txt", dir=work_dir if work_dir else None
        )
    except OSError as exc:
        app.notify(f"Could not create a file for the editor: {exc}", severity="error")
        return None
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            with app.suspend():
                code = subprocess.call([*command, str(path)])
        except SuspendNotSupported:
            if not app.is_headless:
                app.notify("This terminal cannot hand over to an editor", severity="error")
                return None
            # No terminal to hand over (tests, headless runs): just run it.
            code = subprocess.call(
                [*command, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
            )
        if code != 0:
            app.notify(
                f"The editor ({command[0]}) exited with status {code}; the text was kept as it was",
                severity="error",
            )
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError) as exc:
        app.notify(
            f"Could not run the editor ({command[0]}): {exc}; the text was kept as it was",
            severity="error",
        )
        return None
    finally:
        path.unlink(missing_ok=True)


def editor_dir(app: App) -> Path | None:
    """The caseload's git directory, for the editor's temporary file (None if unknown)."""
    service = getattr(app, "service", None)
    return service.git_dir if service is not None else None


# ------------------------------------------------------------------ form screens


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """A dialog of FormFields; dismisses with a dict of typed values, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
        Binding("ctrl+s", "save", "Save", id="form_save", priority=True),
    ]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #dialog {
        width: 76; max-width: 96%; height: auto; max-height: 94%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FormScreen #form-title { text-style: bold; padding: 0 1 1 1; width: 100%; }
    FormScreen #form-fields { height: auto; max-height: 30; }
    FormScreen #form-error { color: $error; text-style: bold; padding: 0 1; display: none; }
    FormScreen #form-error.-shown { display: block; }
    FormScreen #form-buttons { height: auto; align-horizontal: right; padding-top: 1; }
    FormScreen #form-buttons Button { margin-left: 2; }
    """

    title_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="form-title", markup=False)
            with VerticalScroll(id="form-fields"):
                yield from self.compose_fields()
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="form-ok")
                yield Button("Cancel (esc)", id="form-cancel")

    def compose_fields(self) -> Iterable[Widget]:
        raise NotImplementedError

    @property
    def fields(self) -> list[FormField]:
        return list(self.query(FormField))

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def on_mount(self) -> None:
        fields = self.fields
        if fields:
            fields[0].control.focus()

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

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def _show_form_error(self, text: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(text)
        box.set_class(bool(text), "-shown")

    def action_save(self) -> None:
        values, ok = self.collect()
        if not ok:
            bad = [f for f in self.fields if f.error]
            self._show_form_error(
                f"Not saved: fix {len(bad)} marked field{'s' if len(bad) != 1 else ''} first"
            )
            if bad:
                bad[0].control.focus()
            return
        self.dismiss(self.result(values))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.action_cancel()


def _date_input(value: date | None) -> Input:
    return Input(value=value.isoformat() if value else "", placeholder=DATE_HINT, max_length=10)


def _team_options(specialists: Sequence[tuple[str, str]]) -> list[tuple[Text, str]]:
    return [
        (plain(f"{name} ({key})" if name and name != key else key), key)
        for key, name in specialists
    ]


class DatedForm(FormScreen):
    """A form whose dates default to today."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today


class ContactForm(FormScreen):
    """Log a contact → dict(kind, on: date, by: str | None, note: str)."""

    BINDINGS = [
        Binding("ctrl+e", "edit_note", "Edit note in $EDITOR", id="form_editor", priority=True),
    ]

    title_text = "Log a contact"

    def __init__(
        self,
        specialists: Sequence[tuple[str, str]],
        default_by: str | None,
        today: date,
        employers: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`employers`: the register as (id, name) pairs, offered for employer contacts."""
        super().__init__()
        self.specialists = list(specialists)
        self.default_by = default_by
        self.today = today
        self.employers = list(employers)

    def compose_fields(self) -> Iterable[Widget]:
        keys = [k for k, _ in self.specialists]
        yield FormField(
            "kind",
            "Kind of contact",
            Select(options(CONTACT_KINDS, CONTACT_KIND_LABELS), prompt="Choose the kind"),
            check_choice(what="the kind of contact"),
        )
        yield FormField("on", "Date", _date_input(self.today), check_date())
        yield FormField(
            "by",
            "By",
            Select(
                _team_options(self.specialists),
                value=self.default_by if self.default_by in keys else Select.NULL,
                prompt="(nobody in particular)",
            ),
            check_choice(required=False),
        )
        yield FormField(
            "note",
            "Note",
            TextArea(),
            check_area(),
            hint="ctrl+e writes the note in your $EDITOR",
        )
        if self.employers:
            yield FormField(
                "employer_id",
                "Employer met (employer contacts)",
                Select(
                    [(plain(f"{name} ({eid})"), eid) for eid, name in self.employers],
                    prompt="(not named)",
                ),
                check_choice(required=False),
            )
        yield FormField(
            "face_to_face",
            "Face to face (employer contacts)",
            Checkbox("Met in person (untick for a call or an e-mail)", value=True),
            lambda c: (raw_value(c), None),
        )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        if values.get("kind") != "employer":
            if values.get("employer_id"):
                return {"employer_id": "only for contacts of kind Employer contact"}
            if values.get("face_to_face") is False:
                return {"face_to_face": "only for contacts of kind Employer contact"}
        return {}

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": values["kind"],
            "on": values["on"],
            "by": values["by"],
            "note": (values["note"] or "").strip(),
            "employer_id": values.get("employer_id"),
            "face_to_face": values.get("face_to_face") is not False,
        }

    def action_edit_note(self) -> None:
        area = self.field("note").control
        assert isinstance(area, TextArea)
        text = run_editor(self.app, area.text, work_dir=editor_dir(self.app))
        if text is not None:
            area.load_text(text)
        area.focus()


class NewParticipantForm(FormScreen):
    """Add a participant → dict(name, specialist, referral_source, referred_on, pid | None)."""

    title_text = "New participant (starts in Intake)"

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
            "Name (or pseudonym)",
            Input(placeholder="e.g. Giulia R."),
            check_text(required=True, what="a name"),
        )
        only = self.specialists[0][0] if len(self.specialists) == 1 else Select.NULL
        yield FormField(
            "specialist",
            "Employment specialist",
            Select(_team_options(self.specialists), value=only, prompt="Choose"),
            check_choice(what="a specialist"),
        )
        yield FormField(
            "referral_source",
            "Referred by",
            ChoiceOrText(self.referral_sources, placeholder="type the referral source"),
            check_choice(what="who referred"),
        )
        yield FormField("referred_on", "Referred on", _date_input(self.today), check_date())
        yield FormField(
            "pid",
            "Id (optional)",
            Input(placeholder="blank: the next free id"),
            check_id(self.taken),
        )


class ClosureForm(DatedForm):
    """Close a participant's file → dict(reason)."""

    title_text = "Close: why does the participant leave the program?"

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "reason",
            "Reason",
            Select(options(CLOSURE_REASONS, CLOSURE_REASON_LABELS), prompt="Choose a reason"),
            check_choice(what="a reason"),
            hint=f"Closed on {self.today.isoformat()}",
        )


class JobForm(DatedForm):
    """Add a job → dict(employer, employer_id, new_employer, title, job_type, start,
    hours_per_week, hourly_wage, competitive). With a register (`employers`: (id, name)
    pairs) the employer is picked from it, or typed under Other… and then, with
    `new_employer` true, added to it. `job_type` is an ISCO-08 group or None."""

    title_text = "Add a job"

    def __init__(self, today: date, employers: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(today)
        self.employers = list(employers)

    def compose_fields(self) -> Iterable[Widget]:
        from ipstui.core.isco08 import choices

        if self.employers:
            yield FormField(
                "employer",
                "Employer (from the register, or Other… to type one)",
                ChoiceOrText([n for _, n in self.employers], placeholder="the employer's name"),
                check_choice(what="the employer"),
            )
            yield FormField(
                "new_employer",
                "Register",
                Checkbox("Add a typed employer to the register", value=True),
                lambda c: (raw_value(c), None),
            )
        else:
            yield FormField(
                "employer", "Employer", Input(), check_text(required=True, what="the employer")
            )
        yield FormField("title", "Job title", Input(), check_text())
        yield FormField(
            "job_type",
            "Job type (ISCO-08, optional)",
            Select([(label, code) for code, label in choices()], prompt="(not coded)"),
            check_choice(required=False),
        )
        yield FormField("start", "Start date", _date_input(self.today), check_date())
        yield FormField(
            "hours_per_week",
            "Hours per week (optional)",
            Input(placeholder="e.g. 20"),
            check_number(what="hours"),
        )
        yield FormField(
            "hourly_wage",
            "Hourly wage (optional)",
            Input(placeholder="e.g. 9.50"),
            check_number(what="wage"),
        )
        yield FormField(
            "competitive",
            "Competitive",
            Checkbox("Open-market job at the going wage", value=True),
            lambda c: (raw_value(c), None),
        )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        hours = values.get("hours_per_week")
        if hours is not None and hours > 168:
            return {"hours_per_week": "a week has 168 hours"}
        return {}

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        from ipstui.core.service import name_key

        ids = {name_key(n): i for i, n in self.employers}
        employer_id = ids.get(name_key(values["employer"]))
        return {
            "employer": values["employer"],
            "employer_id": employer_id,
            "new_employer": employer_id is None and bool(values.get("new_employer")),
            "job_type": values["job_type"],
            "title": values["title"] or "",
            "start": values["start"],
            "hours_per_week": values["hours_per_week"],
            "hourly_wage": values["hourly_wage"],
            "competitive": bool(values["competitive"]),
        }


class EndJobForm(FormScreen):
    """End a current job → dict(end: date, reason: str)."""

    title_text = "End the job"

    def __init__(self, today: date, *, start: date | None = None, job: str = "") -> None:
        super().__init__()
        self.today = today
        self.start = start
        if job:
            self.title_text = f"End the job: {job}"

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField("end", "Last day", _date_input(self.today), check_date())
        yield FormField(
            "reason",
            "Why it ended",
            Input(placeholder="e.g. temporary contract ended"),
            check_text(required=True, what="a reason"),
        )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        end = values.get("end")
        if self.start is not None and end is not None and end < self.start:
            return {"end": f"the job started on {self.start.isoformat()}; it cannot end before"}
        return {}


class TaskForm(DatedForm):
    """Add a task → dict(due: date, what: str)."""

    title_text = "Add a task"

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "what",
            "What",
            Input(placeholder="e.g. Call the employer about the shift pattern"),
            check_text(required=True, what="the task"),
        )
        yield FormField("due", "Due", _date_input(self.today), check_date())

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"due": values["due"], "what": values["what"]}


class SuspendForm(DatedForm):
    """Suspend a participant → dict(since: date, reason)."""

    title_text = "Suspend (the rules pause; tasks stay due)"

    def compose_fields(self) -> Iterable[Widget]:
        yield FormField(
            "reason",
            "Reason",
            Select(options(SUSPENSION_REASONS, SUSPENSION_REASON_LABELS), prompt="Choose a reason"),
            check_choice(what="a reason"),
        )
        yield FormField("since", "Since", _date_input(self.today), check_date())

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"since": values["since"], "reason": values["reason"]}


class ConflictForm(FormScreen):
    """Decide fields that a sync met with two different values → {field: chosen value}.

    `conflicts` is the participant's `[conflicts]` table; `current` its data. A value
    of None in the result means "remove the field".
    """

    title_text = "Needs a decision: two different edits met in a sync"

    def __init__(self, conflicts: dict[str, Any], current: dict[str, Any]) -> None:
        super().__init__()
        self.conflicts = {k: v for k, v in conflicts.items() if isinstance(v, dict)}
        self.current = current

    def compose_fields(self) -> Iterable[Widget]:
        from ipstui.core.service import show_value

        for name, rec in self.conflicts.items():
            ours = self.current.get(name)
            theirs = rec.get("theirs")
            choices = [
                (plain(f"Keep this version: {show_value(ours, 40)}"), "ours"),
                (plain(f"Take the other version: {show_value(theirs, 40)}"), "theirs"),
            ]
            base = f"; both started from {show_value(rec['base'], 30)}" if "base" in rec else ""
            yield FormField(
                name,
                name.replace("_", " ").capitalize(),
                Select(choices, prompt="Leave undecided"),
                check_choice(required=False),
                hint=f"other side: commit {rec.get('theirs_commit', '?')}{base}",
            )

    def cross_check(self, values: dict[str, Any]) -> dict[str, str]:
        if not any(values.values()) and self.conflicts:
            return {next(iter(self.conflicts)): "decide at least one field"}
        return {}

    def result(self, values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, pick in values.items():
            if pick == "ours":
                out[name] = self.current.get(name)
            elif pick == "theirs":
                out[name] = self.conflicts[name].get("theirs")
        return out


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question → True for yes; escape and `n` answer no."""

    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="confirm_no"),
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > #dialog {
        width: 64; max-width: 96%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmScreen #question { padding-bottom: 1; }
    ConfirmScreen #buttons { height: auto; align-horizontal: right; }
    ConfirmScreen #buttons Button { margin-left: 2; }
    """

    def __init__(self, question: str, *, yes: str = "Yes (y)", no: str = "No (n)") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button(self.no, variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
