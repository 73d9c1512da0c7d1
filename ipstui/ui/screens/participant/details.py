"""The Details tab: every settable field of the record in one form, validated as it is
edited and saved as one commit (`ctrl+s`); the notes can be written in $EDITOR.

The form keeps, per field, the value its control showed when loaded (the baseline):
what differs from it is an unsaved edit. The rules of a save (phase, closure) and of
moving unsaved edits onto a newer version are the core's (`core.recordedit`)."""

from __future__ import annotations

import copy
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static, Tabs, TextArea

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import (
    DISCLOSURE,
    PHASE_LABELS,
    PHASES,
    SUPPORT_MODES,
    TOP_KEYS,
    Participant,
)
from ipstui.core.recordedit import (
    Refusal,
    attribute,
    changed_tops,
    close_data,
    collisions,
    prepare_details_save,
    rebase,
)
from ipstui.core.service import show_value
from ipstui.core.termsafe import escape
from ipstui.core.vocab import (
    DISCLOSURE_LABELS,
    SUPPORT_MODE_LABELS,
    field_value,
)
from ipstui.ui.keys import allow_letter_action
from ipstui.ui.screens.forms import (
    ChoiceOrText,
    ClosureForm,
    FormField,
    check_area,
    check_choice,
    check_date,
    check_list,
    check_text,
    editor_dir,
    field_of,
    plain,
    raw_value,
    run_editor,
    shown_options,
)
from ipstui.ui.screens.participant.base import Pane
from ipstui.ui.screens.participant.detail_specs import DETAIL_SPECS, raws_of
from ipstui.ui.widgets.inputs import OneLineInput


class DetailsPane(Pane):
    """The record's fields as one form; `ctrl+s` saves the edited ones (one commit)."""

    TAB = "details"
    TITLE = N_("Details")
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            N_("Save details"),
            id="participant_save",
            tooltip=N_("Save the Details tab (one commit)"),
        ),
        Binding(
            "ctrl+t",
            "take_saved",
            N_("Take the saved value"),
            id="participant_take_saved",
            show=False,
            tooltip=N_("Replace your unsaved value of a field by the one saved meanwhile"),
        ),
        Binding(
            "ctrl+e",
            "edit_notes",
            N_("Notes in $EDITOR"),
            id="participant_editor",
            priority=True,
            tooltip=N_("Write the notes in your $EDITOR"),
        ),
    ]

    def __init__(self, pid: str) -> None:
        super().__init__()
        self.pid = pid
        self.baseline: dict[str, Any] = {}
        """Each field as its control showed it when loaded from the participant."""
        self.submitted: dict[str, Any] | None = None
        """Data of a save in flight, to recognise our own save coming back."""
        self.last_rebase: tuple[str, dict[str, Any]] | None = None
        """(blob, what moved) of the latest rebase, for the stale-edit message."""
        self.collided: set[str] = set()
        """Fields whose unsaved value differs from a version saved since the person began
        typing (`recordedit.collisions`): the saved value is shown under each."""

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        form = VerticalScroll(id="details")
        # No focus stop of its own: Tab and Shift+Tab land on the fields, where typed
        # letters are text, never on the form around them, where they would run the
        # screen's commands (trial 5: "APPEDIT2" typed there opened the Contacts tab).
        form.can_focus = False
        with form:
            yield from self._detail_fields()
            yield Static("", id="details-problems", markup=False)
            yield Static("", id="details-extra", markup=False)

    def _detail_fields(self) -> list[FormField]:
        out = []
        cl = self.caseload
        current = cl.participants.get(self.pid) if cl else None
        data = current.data if current else {}
        selects: dict[str, list[tuple[str | Text, str]]] = {}
        for spec in DETAIL_SPECS:
            control: Widget
            if spec.kind == "select":
                value = data.get(spec.name)
                opts = selects[spec.name] = self._select_options(spec.name, value)
                control = Select(
                    opts,
                    allow_blank=not spec.required or not opts,
                    prompt=_("(not set)"),
                    compact=True,
                )
                check = check_choice(required=spec.required, what=_(spec.label).lower())
            elif spec.kind == "choice":
                control = ChoiceOrText([], placeholder=_("type a new value"), compact=True)
                check = check_choice(required=spec.required)
            elif spec.kind == "date":
                control = OneLineInput(
                    placeholder=_("YYYY-MM-DD") if spec.required else _("YYYY-MM-DD, or blank"),
                    compact=True,
                )
                check = check_date(required=spec.required)
            elif spec.kind == "list":
                control = OneLineInput(placeholder=_("first, second, …"), compact=True)
                check = check_list()
            elif spec.kind == "area":
                control = TextArea()
                check = check_area()
            else:
                control = OneLineInput(compact=True)
                check = check_text(
                    required=spec.required,
                    what=_(spec.label).lower(),
                    name=spec.name == "name",
                )
            editor = self.key("participant_editor", "ctrl+e")
            hint = (
                _("{key}: write the notes in your $EDITOR").format(key=editor)
                if spec.kind == "area"
                else ""
            )
            f = FormField(spec.name, _(spec.label), control, check, hint=hint)
            if spec.name in selects:
                f._opts = selects[spec.name]  # type: ignore[attr-defined]
            out.append(f)
        return out

    def focus_content(self) -> None:
        """Focus the tab bar above the form (not a field: letters run commands until a
        field is entered; the form itself is no focus stop)."""
        self.screen.query_one(Tabs).focus()

    # ------------------------------------------------------------ fields

    def fields(self) -> list[FormField]:
        """Every field of the form, in order (the form's own children: a search of
        everything under it would walk each select's option list too, on every redraw)."""
        return list(self.query_one("#details").query_children(FormField))

    def field(self, name: str) -> FormField:
        """The field `name`."""
        return self.query_one(f"#field-{name}", FormField)

    def _select_options(self, name: str, current: Any) -> list[tuple[str | Text, str]]:
        cl = self.caseload
        if name == "specialist":
            team = cl.settings.team if cl else {}
            opts: list[tuple[str | Text, str]] = [
                (plain(f"{s.name} ({k})" if s.name and s.name != k else k), k)
                for k, s in team.items()
            ]
        elif name == "phase":
            opts = [(_(PHASE_LABELS[ph]), ph) for ph in PHASES]
        elif name == "disclosure":
            opts = list(shown_options(DISCLOSURE, DISCLOSURE_LABELS))
        elif name == "support_mode":
            opts = list(shown_options(SUPPORT_MODES, SUPPORT_MODE_LABELS))
        else:
            opts = []
        if current is not None and current not in [v for _label, v in opts]:
            opts.append((plain(_("{value} (not in the list)").format(value=current)), str(current)))
        return opts

    def _set_control(self, f: FormField, raw: Any) -> None:
        control = f.control
        if isinstance(control, ChoiceOrText):
            control.set_value(raw)
        elif isinstance(control, Select):
            opts = self._select_options(f.field_name, raw)
            if getattr(f, "_opts", None) != opts:
                control.set_options(opts)
                f._opts = opts  # type: ignore[attr-defined]
            if raw is None:
                if not control.is_blank():
                    control.clear()
            else:
                control.value = raw
        elif isinstance(control, TextArea):
            if control.text != raw:
                control.load_text(raw)
        elif isinstance(control, Input):
            control.value = raw

    def draw(self, p: Participant) -> None:
        """Other top-level fields (kept as they are) and each field's conflict note."""
        others = [k for k in p.data if k not in TOP_KEYS and not isinstance(p.data[k], dict | list)]
        text = ""
        if others:
            text = _("Other fields, kept as they are: {fields}").format(
                fields=", ".join(f"{k} = {show_value(p.data[k], 30)}" for k in others)
            )
        self.query_one("#details-extra", Static).update(escape(text))
        conflicts = p.data.get("conflicts") or {}
        decide = self.key("participant_decide", "D")
        for f in self.fields():
            rec = conflicts.get(f.field_name)
            if isinstance(rec, dict):
                theirs = show_value(rec.get("theirs"), 40)
                if "base" in rec:
                    note = _(
                        "⚑ needs a decision: the other edit says {theirs} (both started from "
                        "{base}) — {key} to decide"
                    ).format(theirs=theirs, base=show_value(rec["base"], 30), key=decide)
                else:
                    note = _(
                        "⚑ needs a decision: the other edit says {theirs} — {key} to decide"
                    ).format(theirs=theirs, key=decide)
                if f.field_name in self.collided:
                    note += "\n" + self.collision_note(f.field_name)
                f.set_note(escape(note))
            elif f.field_name in self.collided:
                f.set_note(escape(self.collision_note(f.field_name)))
            else:
                f.set_note("")

    def load(self, p: Participant) -> None:
        """Show `p` in every field, discarding unsaved edits."""
        cl = self.caseload
        sources = list(cl.settings.referral_sources) if cl else []
        choice = self.field("referral_source").control
        if isinstance(choice, ChoiceOrText) and choice.choices != sources:
            choice.set_choices(sources)
        self.baseline = raws_of(p.data)
        self.submitted = None
        self.collided = set()
        for f in self.fields():
            self._set_control(f, self.baseline[f.field_name])
            f.show_error(None)
            f.set_changed(False)
        self.show_problems([])

    def rebase(self, old: Participant, new: Participant) -> dict[str, Any]:
        """Move the form onto `new`, keeping every unsaved edit (`recordedit.rebase`);
        returns {"underneath": changed fields, "kept": names, "collided": names whose
        unsaved value differs from a newer saved one (this and earlier rebases)}. Each
        collided field shows the saved value under it until saved or taken."""
        new_base = raws_of(new.data)
        fields = self.fields()
        current = {f.field_name: raw_value(f.control) for f in fields}
        moved = rebase(self.baseline, new_base, current)
        for f in fields:
            if f.field_name in moved.set_to:
                self._set_control(f, moved.set_to[f.field_name])
                current[f.field_name] = moved.set_to[f.field_name]
        self.baseline = new_base
        self.collided = collisions(self.collided, moved, current, new_base)
        underneath = changed_tops(old.data, new.data)
        self.call_after_refresh(self._mark_changed)
        summary = {
            "underneath": underneath,
            "kept": moved.kept,
            "collided": [f.field_name for f in fields if f.field_name in self.collided],
        }
        self.last_rebase = (new.blob, summary)
        return summary

    def shown(self, name: str, raw: Any, width: int = 30) -> str:
        """A raw value of field `name` as a person reads it, cut to `width` cells."""
        if raw is None or raw == "":
            return _("(not set)")
        return show_value(field_value(name, raw), width)

    def yours(self, name: str) -> Any:
        """The raw value field `name` shows now."""
        return raw_value(self.field(name).control)

    def collision_note(self, name: str) -> str:
        """The note under a field whose unsaved value collided with a newer saved one."""
        return _(
            "⚠ saved meanwhile by someone else: {theirs}. Your value is kept here; saving "
            "writes yours, {key} takes the saved one."
        ).format(
            theirs=self.shown(name, self.baseline.get(name), 40),
            key=self.key("participant_take_saved", "ctrl+t"),
        )

    def dirty(self) -> list[FormField]:
        """The fields with unsaved edits."""
        return [f for f in self.fields() if raw_value(f.control) != self.baseline.get(f.field_name)]

    def _mark_changed(self) -> None:
        dirty = {f.field_name for f in self.dirty()}
        for f in self.fields():
            f.set_changed(f.field_name in dirty)
        self._drop_settled(dirty)

    def _drop_settled(self, dirty: set[str]) -> None:
        """Forget the collisions of fields that hold the saved value again."""
        settled = self.collided - dirty
        if not settled:
            return
        self.collided -= settled
        if self.participant is not None:
            self.draw(self.participant)

    @on(Input.Changed, "#details Input")
    @on(Select.Changed, "#details Select")
    @on(TextArea.Changed, "#details TextArea")
    def _detail_edited(self, event: Any) -> None:
        f = field_of(event.control)
        if f is None or not self.baseline:
            return
        changed = raw_value(f.control) != self.baseline.get(f.field_name)
        f.set_changed(changed)
        if changed:
            f.validate_field()
        else:
            f.show_error(None)
            self._drop_settled(set(self.collided) - {f.field_name})

    def show_refusals(self, refusals: list[Refusal]) -> None:
        """A refused save shown where the person looks: each refusal about a field of
        the form under that field (✖ beside its label and its message), the others
        under the form; the first marked field (else the list) is scrolled into view
        and the first field focused, and a toast says the save did not happen."""
        by_name = {f.field_name: f for f in self.fields()}
        on_fields: dict[str, list[str]] = {}
        rest: list[str] = []
        for r in refusals:
            if r.field in by_name:
                on_fields.setdefault(r.field, []).append(r.message)
            else:
                rest.append(r.message)
        dirty = {d.field_name for d in self.dirty()}
        for name, f in by_name.items():
            if name in on_fields:
                f.show_error("; ".join(on_fields[name]))
            elif f.error and name not in dirty:
                f.show_error(None)
        self.show_problems(rest)
        self.owner.show_tab(self.TAB)
        marked = [f for f in by_name.values() if f.field_name in on_fields]
        if marked:
            marked[0].control.focus(scroll_visible=False)
            self.call_after_refresh(marked[0].scroll_visible, animate=False, top=True)
        else:
            box = self.query_one("#details-problems", Static)
            self.call_after_refresh(box.scroll_visible, animate=False)
        if len(refusals) == 1:
            text = _("Not saved: {problem}").format(problem=refusals[0].message)
        else:
            text = ngettext(
                "Not saved: {n} problem, marked ✖ on the Details tab",
                "Not saved: {n} problems, marked ✖ on the Details tab",
                len(refusals),
            ).format(n=len(refusals))
        self.notify(escape(text), severity="error", markup=False)

    def show_problems(self, lines: list[str]) -> None:
        """The record-level problems of the last save attempt (none: hidden)."""
        box = self.query_one("#details-problems", Static)
        box.update("\n".join(f"✖ {escape(x)}" for x in lines))
        box.set_class(bool(lines), "-shown")

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Saving and $EDITOR need a participant shown."""
        if not allow_letter_action(self, action):
            return None
        if action == "take_saved":
            return bool(self.collided)
        return self.participant is not None

    def action_save(self) -> None:
        """Validate the edited fields and save them (one commit); closing asks a reason first."""
        p = self.participant
        cl = self.caseload
        if p is None or cl is None:
            return
        dirty = self.dirty()
        if not dirty:
            self.notify(_("Nothing changed on the Details tab; no commit made"))
            return
        data = copy.deepcopy(p.data)
        bad: list[FormField] = []
        for f in dirty:
            value, error = f.validate_field()
            if error:
                bad.append(f)
                continue
            if f.field_name == "notes":
                data["notes"] = value or ""
            elif value is None:
                data.pop(f.field_name, None)
            else:
                data[f.field_name] = value
        if bad:
            self.owner.show_tab(self.TAB)
            bad[0].control.focus()
            self.notify(
                _("Not saved: fix {fields} first").format(
                    fields=", ".join(f.label_text for f in bad)
                ),
                severity="error",
            )
            return
        plan = prepare_details_save(p.phase, data, {f.field_name for f in dirty}, today=self.today)
        refusals = [
            *plan.refused,
            *attribute(self.ips.service.validate_data(cl, plan.check), plan.check),
        ]
        if refusals:
            self.show_refusals(refusals)
            return
        self.show_problems([])
        if plan.needs_closure_reason:

            def close(result: Any) -> int:
                return self._submit(
                    p, close_data(plan.data, today=self.today, reason=result.reason)
                )

            def closed(result: Any) -> None:
                if not result:
                    self.notify(_("Not closed: a closure needs a reason; nothing was saved"))

            form = ClosureForm(self.today, who=self.owner.who()).submitting(close)
            self.app.push_screen(form, closed)
            return
        self._submit(p, plan.data)

    def _submit(self, p: Participant, data: dict[str, Any]) -> int:
        self.submitted = data
        return self.owner.run_edit(
            _("Save details"), self.ips.service.set_data, p, data, then_reset=True
        )

    def action_take_saved(self) -> None:
        """Show the saved value instead of the unsaved one in the focused field, when it
        collided with a newer save; elsewhere, in every collided field."""
        fields = [f for f in self.fields() if f.field_name in self.collided]
        focused = [
            f for f in fields if self.screen.focused in (f.control, *f.control.walk_children())
        ]
        for f in focused or fields:
            self._set_control(f, self.baseline.get(f.field_name))
        self.call_after_refresh(self._mark_changed)

    def action_edit_notes(self) -> None:
        """Write the notes in $EDITOR (saved with the Details tab)."""
        area = self.field("notes").control
        assert isinstance(area, TextArea)
        self.owner.show_tab(self.TAB)
        text = run_editor(self.app, area.text, work_dir=editor_dir(self.app))
        if text is not None and text != area.text:
            area.load_text(text)
        area.focus()
