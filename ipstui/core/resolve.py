"""Settling a `[conflicts]` record (SPEC §6, §7): `ipstui resolve ID FIELD (--ours |
--theirs | --value V)`, an ordinary edit and one commit through `caseload.save`.

- `--ours` keeps the value in the field (the record's `ours` describes it) and removes
  the record; `--theirs` puts the record's `theirs` in the field (`{}` means "no value":
  the other side removed the field, a table such as `[closure]` or a scalar such as
  `enrolled_on`, and the field is removed); `--value V` puts V in the field,
  typed like `ipstui set` (dates as dates, lists from JSON or commas).
- `phase`, `phase_since` and `[closure]` were kept together by the merge (one side's
  three values), so settling any of them with `--ours` or `--theirs` settles the records
  of all three that exist the same way, and the file stays valid.
- The decision is applied under the save lock to the record as it is on disk (the save
  transaction of SPEC §5), like every other edit.
- **An ordinary edit of a conflicted field settles it too.** Setting the field (`ipstui
  set ID FIELD=V`) is a decision on it, and so is a move (`ipstui move`, `]`/`[` on the
  board) for phase, phase_since and closure: `settle_assigned` drops the records of
  the fields an edit writes, so `validate` no longer warns about them. Other edits
  (a contact, a job, the whole participant form) leave the records alone.

The commit message follows SPEC §5 (`P-0001: resolve disclosure; set disclosure`), with
sensitive values left out as for any other edit.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, MutableMapping
from typing import Any

from ipstui.core.caseload import Caseload, CaseloadError, SaveResult, transact
from ipstui.core.i18n import _
from ipstui.core.merge import PHASE_GROUP, TABLE_FIELDS
from ipstui.core.model import Participant

SIDES = ("ours", "theirs")


def settle_assigned(data: MutableMapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Remove the `[conflicts]` records of `fields` from `data` (in place), and the table
    when it is left empty; returns the fields whose records were removed."""
    conflicts = data.get("conflicts")
    if not isinstance(conflicts, MutableMapping):
        return []
    gone = [f for f in fields if f in conflicts]
    for f in gone:
        del conflicts[f]
    if not conflicts:
        data.pop("conflicts", None)
    return gone


def resolve(
    cl: Caseload,
    pid: str,
    field: str,
    *,
    side: str | None = None,
    value: str | None = None,
) -> SaveResult:
    """Settle `pid`'s conflict on `field` with one side (`side` "ours"/"theirs") or a
    new `value` (text, typed by the field); one commit through the save transaction
    (`caseload.transact`: the record is read and changed under the save lock). Raises
    CaseloadError when there is no such record, both or neither of side/value are given,
    or a table is given a value; and whatever `transact` raises (ValidationFailed when
    the result is not a valid participant, EditRefused, ...)."""
    from ipstui.core.edits import coerce

    if (side is None) == (value is None):
        raise CaseloadError(_("say how to settle it: --ours, --theirs or --value V"))
    if side is not None and side not in SIDES:
        raise CaseloadError(_("unknown side {side}; use ours or theirs").format(side=repr(side)))
    if value is not None and field in TABLE_FIELDS:
        raise CaseloadError(
            _("[{field}] is a table: settle it with --ours or --theirs, then edit it").format(
                field=field
            )
        )
    typed = coerce(field, value) if value is not None else None

    def build(_pid: str, cur: Participant | None) -> dict[str, Any]:
        if cur is None:
            raise CaseloadError(_("no participant with id {pid}").format(pid=repr(pid)))
        data = copy.deepcopy(cur.data)
        settle(data, pid, field, side=side, value=typed)
        return data

    return transact(cl, pid, build)


def is_employer_id(rid: str) -> bool:
    """True for an employer's id (`E-0001`, any case): `ipstui resolve` routes it to the
    employer's conflict record (its help and validate's advice name employer ids)."""
    from ipstui.core.employers import ID_PREFIX

    return rid[: len(ID_PREFIX)].upper() == ID_PREFIX


def resolve_employer(
    cl: Caseload,
    eid: str,
    field: str,
    *,
    side: str | None = None,
    value: str | None = None,
) -> Any:
    """Settle employer `eid`'s conflict on `field` as `resolve` does a participant's;
    one commit through the employer's save transaction. `--value` is a text field's new
    value (`employers.set_fields`, which settles the record). Returns an employer
    `SaveResult`; raises CaseloadError when there is no such employer or no conflict
    record on `field`, and whatever `caseload.transact` raises."""
    from ipstui.core.employers import EMPLOYER, load, set_fields

    if (side is None) == (value is None):
        raise CaseloadError(_("say how to settle it: --ours, --theirs or --value V"))
    if side is not None and side not in SIDES:
        raise CaseloadError(_("unknown side {side}; use ours or theirs").format(side=repr(side)))

    if value is not None:
        found = load(cl.root, cl.settings.team).get(eid)  # CaseloadError when none
        settle(copy.deepcopy(dict(found.data)), eid, field, side="ours")  # the record exists
        return set_fields(cl, eid, {field: value})

    def build(_eid: str, cur: Any) -> dict[str, Any]:
        data = copy.deepcopy(dict(cur.data))
        settle(data, eid, field, side=side)
        return data

    return transact(cl, eid, build, kind=EMPLOYER)


def settle(
    data: dict[str, Any], pid: str, field: str, *, side: str | None, value: Any = None
) -> None:
    """Apply a decision to a participant's data in place (see `resolve`)."""
    conflicts = data.get("conflicts")
    if not isinstance(conflicts, dict) or field not in conflicts:
        open_ = ", ".join(conflicts) if isinstance(conflicts, dict) and conflicts else ""
        if open_:
            raise CaseloadError(
                _(
                    "{id} has no conflict on {field} to settle; fields that need a decision: "
                    "{fields}"
                ).format(id=pid, field=repr(field), fields=open_)
            )
        raise CaseloadError(
            _("{id} has no conflict on {field} to settle").format(id=pid, field=repr(field))
        )
    if side is None:
        data[field] = value
        settle_assigned(data, [field])
        return
    fields = [f for f in PHASE_GROUP if f in conflicts] if field in PHASE_GROUP else [field]
    for f in fields:
        rec = conflicts[f]
        if side == "theirs":
            if not isinstance(rec, dict) or "theirs" not in rec:
                raise CaseloadError(
                    _("the conflict record of {f} has no 'theirs' value").format(f=f)
                )
            chosen = rec["theirs"]
            if chosen == {}:  # "no value": that side removed the field (merge.py)
                data.pop(f, None)
            else:
                data[f] = copy.deepcopy(chosen)
    settle_assigned(data, fields)


def _check_sides(sides: dict[str, str]) -> None:
    """CaseloadError when `sides` is empty or names a side other than ours/theirs."""
    if not sides:
        raise CaseloadError(_("decide at least one field"))
    for side in sides.values():
        if side not in SIDES:
            raise CaseloadError(
                _("unknown side {side}; use ours or theirs").format(side=repr(side))
            )


def decide(cl: Caseload, pid: str, sides: dict[str, str]) -> SaveResult:
    """Settle several of `pid`'s conflicts in one commit, each field with a side ("ours"
    keeps the value in the file, "theirs" takes the other edit's): what the app's
    decision dialog saves. Goes through the save transaction like `move` and `set`
    (`caseload.transact`: refused with StaleEdit when the file changed since the snapshot
    `cl` was read, so a decision is never made on a record the user did not see); a
    phase-group field settles its group together (`settle`). Raises CaseloadError when
    `sides` is empty, names an unknown side, or a field has no conflict to settle."""
    _check_sides(sides)

    def build(_pid: str, cur: Participant | None) -> dict[str, Any]:
        if cur is None:
            raise CaseloadError(_("no participant with id {pid}").format(pid=repr(pid)))
        data = copy.deepcopy(cur.data)
        for name, side in sides.items():
            conflicts = data.get("conflicts")
            settled_with_group = name in PHASE_GROUP and (
                not isinstance(conflicts, dict) or name not in conflicts
            )
            if settled_with_group and any(f in sides for f in PHASE_GROUP if f != name):
                continue  # settled with its phase group by an earlier field
            settle(data, pid, name, side=side)
        return data

    return transact(cl, pid, build)


def decide_employer(cl: Caseload, eid: str, sides: dict[str, str], *, seen: Any = None) -> Any:
    """Settle several of employer `eid`'s conflicts in one commit, field -> "ours" /
    "theirs" (`settle`, as `decide` does a participant's): what the app's decision
    dialog saves on the Employers screen. `seen` is the employer as the user saw it
    (`employers.Employer`): the edit is refused (StaleEdit) when the file changed since;
    None reads it under the save lock. Returns an employer `SaveResult`; raises
    CaseloadError as `decide` does, and whatever `caseload.transact` raises."""
    from ipstui.core.employers import EMPLOYER

    _check_sides(sides)

    def build(_eid: str, cur: Any) -> dict[str, Any]:
        data = copy.deepcopy(dict(cur.data))
        for name, side in sides.items():
            settle(data, eid, name, side=side)
        return data

    return transact(cl, eid, build, base=seen, kind=EMPLOYER)
