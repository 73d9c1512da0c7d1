"""Form fields shared by the dialogs and the participant screen's Details tab: typed
checks of what a control holds, a labelled field that shows what is wrong with it, and
a choice list that also takes a new value.

A check reads a control and returns (typed value or None when blank, error or None):
dates come back as dates, numbers as int or float."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from ipstui.core import names
from ipstui.core.i18n import N_, _
from ipstui.core.model import device_name_refusal, is_valid_id, parse_date, text_problem
from ipstui.core.vocab import options
from ipstui.ui.screensafe import plain
from ipstui.ui.widgets.inputs import OneLineInput

# ------------------------------------------------------------------ parsing and checks

Check = Callable[[Widget], tuple[Any, str | None]]
"""Reads a field's control: (typed value or None when blank, error message or None)."""

DATE_HINT = N_("YYYY-MM-DD")
"""The placeholder of a date field (translated where shown: `_(DATE_HINT)`)."""


def parse_date_text(text: str) -> date:
    """A YYYY-MM-DD date; ValueError with a readable message otherwise (the one parser
    of typed dates, `model.parse_date`, shared with the CLI)."""
    return parse_date(text)


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


def check_text(*, required: bool = False, what: str | None = None, name: bool = False) -> Check:
    """A text (stripped; None when blank); an error when `required` and blank. `what`
    names the field in the error, already translated (default: "this"). `name`: the
    text is a name (a participant's, an employer's): put in NFC, and an error when it
    holds an invisible character (`core/names.py`, the rule every save applies)."""

    def check(control: Widget) -> tuple[Any, str | None]:
        label = what or _("this")
        value = str(raw_value(control) or "").strip()
        if required and not value:
            return None, _("{what} is required").format(what=label)
        bad = text_problem(value)
        if bad is None and name:
            value = names.normal(value)
            bad = names.name_problem(value)
        if bad is not None:
            return None, _("{what}: {problem}").format(what=label, problem=bad)
        return (value or None), None

    return check


def check_date(*, required: bool = True) -> Check:
    """A YYYY-MM-DD date; an error when it is not one, or blank and `required`."""

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "").strip()
        if not text:
            return None, (_("a date is required") if required else None)
        try:
            return parse_date_text(text), None
        except ValueError as exc:
            return None, str(exc)

    return check


def check_number(
    *, what: str | None = None, minimum: float = 0.0, maximum: float | None = None
) -> Check:
    """An optional number (a decimal comma is accepted); whole numbers come back as int.
    `what` names the field in the error, already translated (default: "this")."""

    def check(control: Widget) -> tuple[Any, str | None]:
        name = what or _("this")
        text = str(raw_value(control) or "").strip().replace(",", ".")
        if not text:
            return None, None
        not_a_number = _("{what}: {text} is not a number").format(what=name, text=repr(text))
        try:
            value = float(text)
        except ValueError:
            return None, not_a_number
        if value != value or value in (float("inf"), float("-inf")):
            return None, not_a_number
        if value < minimum:
            return None, _("{what} cannot be below {n}").format(what=name, n=f"{minimum:g}")
        if maximum is not None and value > maximum:
            return None, _("{what} cannot be above {n}").format(what=name, n=f"{maximum:g}")
        # "20" stays a whole number in the file (hours_per_week = 20), "9.5" a decimal.
        if value.is_integer() and not any(ch in text for ch in ".eE"):
            return int(value), None
        return value, None

    return check


def check_choice(*, required: bool = True, what: str | None = None) -> Check:
    """The chosen value (None when nothing is chosen); an error when `required`. `what`
    names the choice in the error, already translated (default: "a value")."""

    def check(control: Widget) -> tuple[Any, str | None]:
        value = raw_value(control)
        if isinstance(value, str):
            value = value.strip()
        if not value:
            return None, (
                _("choose {what}").format(what=what or _("a value")) if required else None
            )
        return value, None

    return check


def check_list() -> Check:
    """Comma-separated texts; blank is no list."""

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "")
        items = [x.strip() for x in text.split(",") if x.strip()]
        return (items or None), None

    return check


def check_area(*, required: bool = False, what: str | None = None) -> Check:
    """A multi-line text as typed; an error when `required` and blank. `what` names the
    field in the error, already translated (default: "this")."""

    def check(control: Widget) -> tuple[Any, str | None]:
        text = str(raw_value(control) or "")
        if required and not text.strip():
            return None, _("{what} is required").format(what=what or _("this"))
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
            return None, device_name_refusal(text) or _(
                "{id}: use letters, digits, _ and - (up to 64, no space)"
            ).format(id=repr(text))
        if text in used:
            return None, _("{id} already exists").format(id=text)
        return text, None

    return check


def shown_options(
    codes: Iterable[str], labels: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(label, code) pairs for a Select, as `ipstui.core.vocab.options` gives them, with
    each label in the current language; the values stay the stored codes."""
    return [(_(label), code) for label, code in options(codes, labels)]


# ------------------------------------------------------------------ widgets


class ChoiceOrText(Vertical):
    """A Select of known values plus "Other…", which reveals an Input for a new value."""

    OTHER = "\x00other"

    def __init__(
        self,
        choices: Sequence[str],
        value: str | None = None,
        *,
        allow_blank: bool = True,
        placeholder: str | None = None,
        compact: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._compact = compact
        self._choices = list(dict.fromkeys(choices))
        self._allow_blank = allow_blank
        self._placeholder = placeholder if placeholder is not None else _("type a new value")
        self._initial = value

    def compose(self) -> ComposeResult:
        yield Select(
            [(plain(c), c) for c in self._choices] + [(_("Other…"), self.OTHER)],
            allow_blank=self._allow_blank or not self._choices,
            prompt=_("Choose"),
            compact=self._compact,
        )
        yield OneLineInput(placeholder=self._placeholder, compact=self._compact)

    def on_mount(self) -> None:
        self.set_value(self._initial)

    @property
    def select(self) -> Select:
        """The list of known values."""
        return self.query_one(Select)

    @property
    def input(self) -> Input:
        """The field for a new value (shown under Other…)."""
        return self.query_one(Input)

    @property
    def value(self) -> str | None:
        """The chosen or typed value; None when blank."""
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
        """The known values, in order."""
        return list(self._choices)

    def set_choices(self, choices: Sequence[str]) -> None:
        """Replace the known values, keeping the current value (under Other… if unlisted)."""
        current = self.value
        self._choices = list(dict.fromkeys(choices))
        if self.is_mounted:
            self.select.set_options(
                [(plain(c), c) for c in self._choices] + [(_("Other…"), self.OTHER)]
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
        """Focus the list, or the text field when there is no list to choose from."""
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
        self._lines = {".field-label": label, ".field-note": "", ".field-error": ""}
        """What each line under the control shows now (as composed): a redraw that would
        show the same text is skipped, so reloading a form of 16 fields after a save
        does not restyle and lay out 48 unchanged lines."""

    def compose(self) -> ComposeResult:
        # The note and error lines are mounted the first time they have something to
        # say (`_show`): most fields never show either, and every widget of a form is
        # styled when it opens and again when a dialog over it closes (the Details tab
        # alone had 32 such empty lines).
        yield Label(self.label_text, classes="field-label", markup=False)
        yield self.control
        if self.hint:
            yield Static(self.hint, classes="field-hint", markup=False)

    def on_descendant_focus(self) -> None:
        # A class, not :focus-within: Textual restyles the label on a class change of its
        # parent, not when the parent's focus-within state changes.
        self.add_class("-focus")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focus")

    def validate_field(self) -> tuple[Any, str | None]:
        """Check the control, show or clear the error line, and return (value, error)."""
        value, error = self.check(self.control)
        self.show_error(error)
        return value, error

    def show_error(self, error: str | None) -> None:
        """Show `error` under the field and ✖ beside its label (and a red border), or
        clear both (None): the mark is not colour alone (SPEC §9)."""
        self.error = error
        self.set_class(bool(error), "-invalid")
        self._show(".field-error", f"✖ {error}" if error else "")
        self._draw_label()

    def set_note(self, note: str) -> None:
        """A non-blocking remark under the field (e.g. a pending decision after a sync)."""
        self.set_class(bool(note), "-noted")
        self._show(".field-note", note)

    def set_changed(self, changed: bool) -> None:
        """Mark an edited, unsaved field (a ✎ and a colour, not colour alone)."""
        self.set_class(changed, "-changed")
        self._draw_label()

    def _draw_label(self) -> None:
        """The label with its marks: ✖ for an error, ✎ for an unsaved change."""
        marks = ("✖ " if self.error else "") + ("✎ " if self.has_class("-changed") else "")
        self._show(".field-label", marks + self.label_text)

    def _show(self, line: str, text: str) -> None:
        """Redraw one line under or above the field only when its text changed; the note
        or error line is mounted when it first has a text (the error line last, the
        note line before it)."""
        if not self.is_mounted or self._lines[line] == text:
            return
        found = self.query_children(line)
        if found:
            found.first(Static).update(text)
        else:
            widget = Static(text, classes=line.removeprefix("."), markup=False)
            error = self.query_children(".field-error")
            if line == ".field-note" and error:
                self.mount(widget, before=error.first())
            else:
                self.mount(widget)
        self._lines[line] = text


def field_of(widget: Widget | None) -> FormField | None:
    """The FormField a control (or a part of one) belongs to."""
    node: Any = widget
    while node is not None:
        if isinstance(node, FormField):
            return node
        node = node.parent
    return None
