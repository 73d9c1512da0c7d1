"""`FormScreen`, the base of every dialog: a modal of `FormField`s that validates as
it is edited (a red line under a field, not colour alone) and refuses Save until every
field is valid; `escape` cancels, `ctrl+s` saves. It returns its typed result
(`results`), or None when cancelled.

A form never drops what was typed (SPEC §9, issue 13): `escape` on a form whose fields
differ from what it opened with asks first (the one `ConfirmDialog`), and a form given a
`submitting` function stays open until the edit it started is saved; a refused edit
leaves the form open with what was typed and the refusal shown in it.

Also here: `DatedForm` (a form about one participant, dated today by default),
`EmployerChoiceForm` (a form offering the employer register, read off the UI thread),
and the date and team widgets several forms (and the Employers screen) build."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
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
from ipstui.core.vocab import team_label
from ipstui.ui.keys import TranslatedBindings, key_for
from ipstui.ui.messages import EditRefused, EditSaved, EmployerChoicesRead
from ipstui.ui.screens.forms.confirm import ConfirmDialog
from ipstui.ui.screens.forms.fields import DATE_HINT, FormField, field_of, plain, raw_value
from ipstui.ui.widgets.inputs import OneLineInput

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


def date_input(value: date | None) -> Input:
    """A date field (`YYYY-MM-DD`) holding `value`, or empty."""
    return OneLineInput(
        value=value.isoformat() if value else "", placeholder=_(DATE_HINT), max_length=10
    )


def team_choices(specialists: Sequence[tuple[str, str]]) -> list[tuple[Text, str]]:
    """A choice's options for the team's (key, name) pairs, labelled `Name (key)`."""
    return [(plain(team_label(key, name)), key) for key, name in specialists]


def team_select(
    specialists: Sequence[tuple[str, str]], default: str | None, *, prompt: str
) -> Select[str]:
    """A choice of the team's (key, name) pairs (`team_choices`), on `default` when it is
    one of the team's keys, else on nobody (`prompt` shown)."""
    keys = {key for key, _name in specialists}
    return Select(
        team_choices(specialists),
        value=default if default in keys else Select.NULL,
        prompt=prompt,
    )


class DatedForm(FormScreen):
    """A form about one participant (`who`) whose dates default to today."""

    def __init__(self, today: date, *, who: str = "") -> None:
        super().__init__()
        self.today = today
        self.who = who


class EmployerChoiceForm(FormScreen):
    """A dialog that offers the employer register: built with its (id, name) pairs, or
    with None while a worker reads it (`IpsApp.push_with_employer_choices`), which then
    posts them here (`EmployerChoicesRead` → `set_choices`)."""

    employers: list[tuple[str, str]] | None = None

    def on_employer_choices_read(self, message: EmployerChoicesRead) -> None:
        self.set_choices(message.choices, message.error)

    def set_choices(self, choices: Sequence[tuple[str, str]], error: str = "") -> None:
        """Offer `choices` ((id, name) pairs) in place of "reading employers…", keeping
        what was typed; `error` (already translated) says why there are none."""
        raise NotImplementedError
