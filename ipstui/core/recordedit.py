"""The rules of editing one participant's record in a form, without any widget: what a
save of edited fields means for the phase and the closure, and how unsaved edits move
onto a version of the record that changed underneath them (a save refused as stale, a
pull, another terminal).

The participant screen holds each field as its control shows it (a "raw" value: text,
or an option value); these functions take and return such mappings, so they are tested
here and the screen only copies values in and out of its controls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ipstui.core.changes import diff
from ipstui.core.model import Problem

CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Rebase:
    """Unsaved edits moved onto a newer version of the record.

    `set_to`: the fields whose control must now show the newer value (raw);
    `kept`: fields whose unsaved edit survives (the newer version left them alone);
    `collided`: (field, the user's raw value, the newer raw value) where both the user
    and the newer version changed a field differently: the user's value stays in the
    form (never dropped, SPEC §5) and the newer saved value must be shown beside it, so
    the person sees both and decides (saving keeps theirs; `collisions` tracks them)."""

    set_to: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    collided: list[tuple[str, Any, Any]] = field(default_factory=list)


def rebase(
    old_base: Mapping[str, Any], new_base: Mapping[str, Any], current: Mapping[str, Any]
) -> Rebase:
    """Move a form's `current` values from the version it was loaded from (`old_base`)
    onto `new_base`; all three map field name → raw value, over the same names.

    A field the user did not touch follows the newer version; a field the user edited
    keeps the user's value, whatever the newer version did (SPEC §5: an unsaved edit is
    never thrown away); where the newer version changed it too, differently, the field
    is reported in `collided`. Nothing saved is overwritten either: the form's save
    needs the person's action, with the newer value in view."""
    out = Rebase()
    for name, mine in current.items():
        before, after = old_base.get(name), new_base.get(name)
        if mine == before:
            if after != before:
                out.set_to[name] = after
        elif after != before and mine != after:
            out.collided.append((name, mine, after))
        elif after == before:
            out.kept.append(name)
    return out


def collisions(
    pending: Iterable[str], moved: Rebase, current: Mapping[str, Any], base: Mapping[str, Any]
) -> set[str]:
    """The fields whose unsaved value differs from a version saved after the person
    began typing, once `moved` is applied: the `pending` ones (from earlier rebases)
    and `moved.collided`, less those whose value now equals the saved one in `base`
    (the person took it, or the newer version came round to theirs). `current` and
    `base` map field name → raw value; any number of rebases in a row keep them."""
    names = set(pending) | {name for name, _mine, _theirs in moved.collided}
    return {n for n in names if n in current and current[n] != base.get(n)}


def changed_tops(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The top-level keys of a record that differ between `old` and `new` data, in the
    order `changes.diff` reports them, each once (`contacts`, `disclosure`, ...)."""
    return list(dict.fromkeys(c.top for c in diff(dict(old), dict(new))))


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a Details save is refused, and where: `field` is the top-level key of the
    record it is about (None: no one field, the record as a whole); `message` is one
    sentence in the current language that names a field by its label, never by its key."""

    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class DetailsSave:
    """A Details save prepared by `prepare_details_save`.

    `data`: the record to write (closure not yet added when `needs_closure_reason`);
    `check`: what to validate now (with a stand-in closure while the reason is asked);
    `needs_closure_reason`: the edit closes the participant: ask why, then `close_data`;
    `refused`: why the edit may not be saved beyond the schema (an event date after
    today, `edits.not_after_today`), one Refusal each, in the order of the fields."""

    data: dict[str, Any]
    check: dict[str, Any]
    needs_closure_reason: bool
    refused: tuple[Refusal, ...] = ()


def prepare_details_save(
    old_phase: str, data: dict[str, Any], edited: set[str] | frozenset[str], *, today: date
) -> DetailsSave:
    """The phase rules of SPEC §4 applied to a form save: `data` is the record with the
    user's edited fields (`edited`, names) already in it; mutated and returned in `data`.

    - a new phase starts today unless the user also set `phase_since`;
    - leaving `closed` drops the closure record;
    - entering `closed` needs a reason (asked next): validation meanwhile uses a
      stand-in closure of today, and a suspension ends with the closure."""
    new_phase = data.get("phase")
    if new_phase != old_phase:
        if "phase_since" not in edited:
            data["phase_since"] = today
        if old_phase == CLOSED:
            data.pop("closure", None)
    closing = new_phase == CLOSED and old_phase != CLOSED
    check = dict(data)
    if closing:
        check["closure"] = {"on": today, "reason": "other"}
        check.pop("suspension", None)
    from ipstui.core.edits import EVENT_DATES, not_after_today
    from ipstui.core.folder import CaseloadError

    refused = []
    for name in EVENT_DATES:
        value = data.get(name)
        if name in edited and isinstance(value, date):
            try:
                not_after_today(name, value, today)
            except CaseloadError as exc:
                refused.append(Refusal(name, str(exc)))
    return DetailsSave(data, check, closing, tuple(refused))


def attribute(problems: Iterable[Problem], data: Mapping[str, Any]) -> list[Refusal]:
    """The validation `problems` of `data` (what `caseload.validate_data` found in the
    file `storage.dumps(data)` would be) as Refusals: each given the top-level key
    written on its line (None when the line holds no key of its own), and a message
    that starts with that key (`referred_on: expected a date ...`) starting with the
    field's label instead (`vocab.field_word`)."""
    from ipstui.core import storage
    from ipstui.core.locate import Locator
    from ipstui.core.vocab import field_word

    problems = list(problems)
    if not problems:
        return []
    loc = Locator(storage.dumps(dict(data)))
    at_line: dict[int, str] = {}
    for path, (line, _col) in loc.places.items():
        if path and isinstance(path[0], str):
            at_line.setdefault(line, path[0])
    out = []
    for p in problems:
        key = at_line.get(p.line)
        message = p.message
        if key is not None and message.startswith(f"{key}: "):
            # validate writes `key: ...` for a file; a person reads the field's label
            message = f"{field_word(key)}: {message[len(key) + 2 :]}"
        out.append(Refusal(key, message))
    return out


def close_data(data: dict[str, Any], *, today: date, reason: str) -> dict[str, Any]:
    """`data` closed today for `reason` (one of model.CLOSURE_REASONS): the closure
    record added and any suspension ended (a closed participant is not suspended);
    mutated in place and returned."""
    data["closure"] = {"on": today, "reason": reason}
    data.pop("suspension", None)
    return data


SUSPEND_OK = ""
SUSPEND_CLOSED = "closed"
SUSPEND_ALREADY = "already"


def why_not_suspend(phase: str, suspended: bool) -> str:
    """Whether a participant can be suspended: SUSPEND_OK (""), or SUSPEND_CLOSED (a
    closed participant has no deadlines to pause), or SUSPEND_ALREADY."""
    if phase == CLOSED:
        return SUSPEND_CLOSED
    if suspended:
        return SUSPEND_ALREADY
    return SUSPEND_OK
