"""`ConflictForm`: decide the fields a sync met with two different values →
`Decisions`; `conflict_records` reads a record's `[conflicts]`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Select

from ipstui.core.i18n import N_, _
from ipstui.core.vocab import field_label, field_value
from ipstui.ui.screens.forms.base import FormScreen
from ipstui.ui.screens.forms.fields import FormField, check_choice, plain
from ipstui.ui.screens.forms.results import Decisions


def conflict_records(found: Any) -> dict[str, dict[str, Any]]:
    """The `[conflicts]` records (field -> record) a sync left, from a record's
    `conflicts` value (`found`: anything a hand edit may have left there), or {}."""
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, dict)}


class ConflictForm(FormScreen):
    """Decide fields that a sync met with two different values → `Decisions`.

    `conflicts` is the record's `[conflicts]` value (its records: `conflict_records`);
    `current` its data; `who` the
    participant or employer it acts on ("P-0001 Giulia R."); `label` names a field in
    the current language (a participant's by default; the Employers screen passes the
    employer fields' labels). A value of None in the result means "remove the field".
    """

    title_text = N_("Needs a decision: a sync met two different values of a field")

    def __init__(
        self,
        conflicts: Any,
        current: dict[str, Any],
        *,
        who: str = "",
        label: Callable[[str], str] = field_label,
    ) -> None:
        super().__init__()
        self.who = who
        self.conflicts = conflict_records(conflicts)
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
