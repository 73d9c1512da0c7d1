"""The editing operations of SPEC §7, shared by the CLI and the app (through
`ipstui.core.service.CaseloadService`).

Each checks its arguments, then hands `caseload.transact` a function that builds the new
version of the participant from the one on disk; that function runs under the save lock,
so two edits of one participant at once are applied one after the other, never lost.
Every function raises CaseloadError (one line) when the edit is refused, and whatever
`caseload.transact` raises."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ipstui.core import milestones, model
from ipstui.core.caseload import (
    Caseload,
    CaseloadError,
    SaveResult,
    refuse_unknown_settings,
    save,
    transact,
)
from ipstui.core.folder import UsageError
from ipstui.core.i18n import _
from ipstui.core.model import (
    CLOSURE_REASONS,
    CONTACT_KINDS,
    DATE_FIELDS,
    EVENT_DATES,
    LIST_FIELDS,
    PHASE_LABELS,
    PHASES,
    SCHEMA_VERSION,
    SETTABLE_FIELDS,
    SUSPENSION_REASONS,
    Participant,
    device_name_refusal,
    is_valid_id,
)
from ipstui.core.vocab import field_word


def parse_date(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date (`model.parse_date`, the one parser), or a one-line error."""
    try:
        return model.parse_date(text)
    except (ValueError, TypeError) as exc:
        raise CaseloadError(f"{what}: {exc}") from None


def _copy(p: Participant) -> dict[str, Any]:
    return copy.deepcopy(p.data)


def _enum(value: str, allowed: tuple[str, ...], message: str) -> str:
    """`value` when it is one of the codes `allowed`; else CaseloadError with `message`
    (translated, one whole sentence naming the field in the language, with `{value}`:
    the value as typed, and `{values}`: the codes one may type)."""
    if value not in allowed:
        raise CaseloadError(message.format(value=repr(value), values=", ".join(allowed)))
    return value


def _specialist(cl: Caseload, key: str) -> str:
    refuse_unknown_settings(cl.settings)  # the real cause, not "unknown specialist"
    if key not in cl.settings.team:
        known = ", ".join(cl.settings.team) or "none configured in caseload.toml"
        raise CaseloadError(
            _("unknown specialist {key}; team: {known}").format(key=repr(key), known=known)
        )
    return key


def new_participant(
    cl: Caseload,
    *,
    name: str,
    specialist: str,
    referral_source: str,
    today: date,
    referred_on: date | None = None,
    pid: str | None = None,
) -> SaveResult:
    """Add a participant in intake; `pid` None takes the next free id (chosen under the
    save lock, so two at once get two ids)."""
    if pid is not None and not is_valid_id(pid):
        raise CaseloadError(
            device_name_refusal(pid)
            or _("not a valid participant id: {pid} (letters, digits, _ and -, up to 64)").format(
                pid=repr(pid)
            )
        )
    if pid is not None and pid in cl.participants:
        raise CaseloadError(_("participant {pid} already exists").format(pid=pid))
    if not name.strip():
        raise CaseloadError(_("a name (or pseudonym) is required"))
    if not referral_source.strip():
        raise CaseloadError(_("a referral source is required"))
    if referred_on is not None:
        not_after_today("referred_on", referred_on, today)
    data: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "id": pid,
        "name": name.strip(),
        "specialist": _specialist(cl, specialist),
        "phase": "intake",
        "phase_since": today,
        "referral_source": listed_source(cl.settings.referral_sources, referral_source),
        "referred_on": referred_on or today,
        "notes": "",
    }
    return transact(cl, pid, lambda new_id, _: {**data, "id": new_id}, create=True)


def _update(
    cl: Caseload, pid: str, change: Callable[[Participant, dict[str, Any]], None]
) -> SaveResult:
    """Save `pid` with `change(current participant, copy of its data)` applied under the
    save lock; `change` mutates the copy and may raise CaseloadError to refuse."""
    if not is_valid_id(pid):
        raise CaseloadError(_("not a valid participant id: {pid}").format(pid=repr(pid)))

    def build(_pid: str, cur: Participant | None) -> dict[str, Any]:
        assert cur is not None
        data = _copy(cur)
        change(cur, data)
        return data

    return transact(cl, pid, build)


def move(
    cl: Caseload,
    pid: str,
    phase: str,
    *,
    today: date,
    reason: str | None = None,
    from_phase: str | None = None,
) -> SaveResult:
    """Move to `phase` (sets phase_since); closing needs one of CLOSURE_REASONS. With
    `from_phase`, refused unless the participant is still in it (the board's `]`/`[`)."""
    from ipstui.core.resolve import settle_assigned

    _enum(phase, PHASES, _("unknown phase {value}; use one of: {values}"))
    if phase == "closed":
        if not reason:
            raise UsageError(
                _("closing needs a reason: one of {values}").format(
                    values=", ".join(CLOSURE_REASONS)
                )
            )
        _enum(reason, CLOSURE_REASONS, _("unknown closure reason {value}; use one of: {values}"))
    elif reason:
        raise UsageError(_("--reason is only for moving to closed"))

    def change(p: Participant, data: dict[str, Any]) -> None:
        if from_phase is not None and p.phase != from_phase:
            raise CaseloadError(
                _("{pid} is now in {phase} (changed meanwhile); nothing moved").format(
                    pid=pid, phase=PHASE_LABELS.get(p.phase, p.phase)
                )
            )
        if phase == p.phase:
            raise CaseloadError(
                _("{pid} is already in {phase}").format(
                    pid=pid, phase=PHASE_LABELS.get(phase, phase)
                )
            )
        data["phase"] = phase
        data["phase_since"] = today
        if phase == "closed":
            data["closure"] = {"on": today, "reason": reason}
            data.pop("suspension", None)
        else:
            data.pop("closure", None)
        # A move writes phase, phase_since and closure: it decides their conflicts.
        settle_assigned(data, ("phase", "phase_since", "closure"))

    return _update(cl, pid, change)


def add_contact(
    cl: Caseload,
    pid: str,
    *,
    kind: str,
    on: date,
    today: date | None = None,
    by: str | None = None,
    note: str = "",
    employer_id: str | None = None,
    face_to_face: bool = True,
) -> SaveResult:
    """Append a contact; stores the milestones the log then gives (first contact, first
    employer contact: the earliest dated, a back-dated contact moves them back; latest
    benefits counselling: `milestones.settle`). For kind `employer` only:
    `employer_id` names the employer met (an employers/ file) and `face_to_face=False`
    marks a call or an e-mail (written only then: the default is true, SPEC §2).
    CaseloadError for a contact dated after `today` (`not_after_today`); the CLI and the
    app always give `today` (None: no such check, for scripts replaying a history)."""
    if today is not None:
        not_after_today("on", on, today)
    kind = _enum(kind, CONTACT_KINDS, _("unknown contact kind {value}; use one of: {values}"))
    contact: dict[str, Any] = {"on": on, "kind": kind}
    if kind != "employer" and (employer_id or not face_to_face):
        raise CaseloadError(
            _("an employer and face to face are only for contacts of kind employer")
        )
    if by:
        contact["by"] = _specialist(cl, by)
    if employer_id:
        if not is_valid_id(employer_id):
            raise CaseloadError(
                _("not a valid employer id: {employer_id}").format(employer_id=repr(employer_id))
            )
        contact["employer_id"] = employer_id
    if not face_to_face:
        contact["face_to_face"] = False
    if note.strip():
        contact["note"] = note.strip()

    def change(_p: Participant, data: dict[str, Any]) -> None:
        data.setdefault("contacts", []).append(dict(contact))
        # Milestones the log decides, the earliest dated contact first: a back-dated
        # contact moves a first date back (core/milestones.py).
        milestones.settle(data)

    return _update(cl, pid, change)




def not_after_today(field: str, when: date, today: date) -> None:
    """CaseloadError when `when`, the date of an event that has happened (a contact, a
    referral, a milestone: EVENT_DATES), is after `today`. SPEC is silent; a date in the
    future is almost always a mistyped year, and it moves deadlines out of sight: a
    contact dated next year would hide a participant's "stay in touch" deadline for a
    year. Planned dates (a task's due date, a job's start) are not events and may lie
    ahead. The message names the field by its label (`event_label`), as a person reads
    it, never by its stored key."""
    if when > today:
        raise CaseloadError(
            _("{field}: {when} is after today ({today}); record an event once it has happened").format(
                field=event_label(field), when=when.isoformat(), today=today.isoformat()
            )
        )


def event_label(field: str) -> str:
    """The label of an event date in the current language: a participant field's
    (`vocab.field_label`), or "Contact date" for a contact's `on`."""
    if field == "on":
        return _("Contact date")
    return field_word(field)


def listed_source(sources: Sequence[str], text: str) -> str:
    """`text` as the team's list spells it (`self` -> `Self`, `csm` -> `CSM`) when it
    names one of `sources` ignoring case and spaces; else `text` stripped, for validation
    to refuse when the team keeps a list (SPEC §2)."""
    text = text.strip()
    fold = " ".join(text.split()).casefold()
    for source in sources:
        if " ".join(source.split()).casefold() == fold:
            return source
    return text


def coerce(field: str, text: str) -> Any:
    """A command-line value typed by the schema: dates as dates, lists from JSON or commas."""
    if field in DATE_FIELDS:
        return parse_date(text, field_word(field))
    if field in LIST_FIELDS:
        text = text.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise CaseloadError(
                    _('{field}: not a list like ["a", "b"]').format(field=field_word(field))
                ) from None
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise CaseloadError(
                    _("{field}: a list of texts is expected").format(field=field_word(field))
                )
            return value
        return [x.strip() for x in text.split(",") if x.strip()]
    return text


def set_fields(cl: Caseload, pid: str, assignments: dict[str, str], *, today: date) -> SaveResult:
    """`ipstui set ID field=value ...`; an empty value removes an optional field."""
    from ipstui.core.resolve import settle_assigned

    values: dict[str, Any] = {}
    for field, text in assignments.items():
        if field == "phase":
            raise CaseloadError(_("use `ipstui move ID PHASE` to change the phase"))
        if field not in SETTABLE_FIELDS:
            raise CaseloadError(
                _("cannot set {field}; settable fields: {values}").format(
                    field=repr(field), values=", ".join(SETTABLE_FIELDS)
                )
            )
        if text == "" and field not in ("notes",):
            if field in ("name", "specialist", "phase_since"):
                raise CaseloadError(
                    _("{field} is required and cannot be removed").format(field=field_word(field))
                )
            values[field] = None
            continue
        value = coerce(field, text)
        if field in EVENT_DATES and isinstance(value, date):
            not_after_today(field, value, today)
        if field == "specialist":
            _specialist(cl, value)
        if field == "referral_source":
            value = listed_source(cl.settings.referral_sources, value)
        values[field] = value

    def change(_p: Participant, data: dict[str, Any]) -> None:
        for field, value in values.items():
            if value is None:
                data.pop(field, None)
            else:
                data[field] = value
        settle_assigned(data, values)  # setting a conflicted field decides it (resolve.py)

    return _update(cl, pid, change)


def set_data(cl: Caseload, old: Participant, data: dict[str, Any]) -> SaveResult:
    """Save a whole edited record (the app's participant form), refused if the file
    changed since `old` was loaded."""
    return save(cl, old, data)


def add_job(
    cl: Caseload,
    pid: str,
    *,
    employer: str,
    start: date,
    competitive: bool = True,
    title: str = "",
    hours_per_week: float | None = None,
    hourly_wage: float | None = None,
    employer_id: str | None = None,
    job_type: str | None = None,
) -> SaveResult:
    """Append a job (current: no end); `employer_id` names the employers/ file,
    `job_type` an ISCO-08 code."""
    if not employer.strip():
        raise CaseloadError(_("an employer is required"))
    job: dict[str, Any] = {"employer": employer.strip()}
    if employer_id:
        job["employer_id"] = employer_id
    if title.strip():
        job["title"] = title.strip()
    if job_type:
        job["job_type"] = job_type
    job["start"] = start
    if hours_per_week is not None:
        job["hours_per_week"] = hours_per_week
    if hourly_wage is not None:
        job["hourly_wage"] = hourly_wage
    job["competitive"] = competitive

    def change(_p: Participant, data: dict[str, Any]) -> None:
        data.setdefault("jobs", []).append(dict(job))

    return _update(cl, pid, change)


def end_job(cl: Caseload, pid: str, index: int, *, end: date, reason: str) -> SaveResult:
    """End job number `index` (0-based) on `end`, saying why."""
    if not reason.strip():
        raise CaseloadError(_("say why the job ended"))

    def change(_p: Participant, data: dict[str, Any]) -> None:
        jobs = data.get("jobs") or []
        if not 0 <= index < len(jobs):
            raise CaseloadError(
                _("{pid} has no job number {value}").format(pid=pid, value=index + 1)
            )
        job = jobs[index]
        if "end" in job:
            raise CaseloadError(_("that job has already ended"))
        if job.get("start") and end < job["start"]:
            raise CaseloadError(
                _("a job cannot end ({end}) before it starts ({start})").format(
                    end=end, start=job["start"]
                )
            )
        job["end"] = end  # the writer puts keys in canonical order
        job["end_reason"] = reason.strip()

    return _update(cl, pid, change)


def add_task(cl: Caseload, pid: str, *, due: date, what: str) -> SaveResult:
    """Append an open task."""
    if not what.strip():
        raise CaseloadError(_("say what the task is"))

    def change(_p: Participant, data: dict[str, Any]) -> None:
        data.setdefault("tasks", []).append({"due": due, "what": what.strip()})

    return _update(cl, pid, change)


def complete_task(cl: Caseload, pid: str, index: int, *, on: date) -> SaveResult:
    """Mark task number `index` (0-based) done on `on`."""

    def change(_p: Participant, data: dict[str, Any]) -> None:
        tasks = data.get("tasks") or []
        if not 0 <= index < len(tasks):
            raise CaseloadError(
                _("{pid} has no task number {value}").format(pid=pid, value=index + 1)
            )
        if "done_on" in tasks[index]:
            raise CaseloadError(_("that task is already done"))
        tasks[index]["done_on"] = on

    return _update(cl, pid, change)


def suspend(cl: Caseload, pid: str, *, since: date, reason: str) -> SaveResult:
    """Suspend (the rules pause but for tasks)."""
    _enum(reason, SUSPENSION_REASONS, _("unknown suspension reason {value}; use one of: {values}"))

    def change(p: Participant, data: dict[str, Any]) -> None:
        if p.phase == "closed":
            raise CaseloadError(
                _("{pid} is closed; a closed participant cannot be suspended").format(pid=pid)
            )
        data["suspension"] = {"since": since, "reason": reason}

    return _update(cl, pid, change)


def resume(cl: Caseload, pid: str) -> SaveResult:
    """End a suspension."""

    def change(p: Participant, data: dict[str, Any]) -> None:
        if not p.suspended:
            raise CaseloadError(_("{pid} is not suspended").format(pid=pid))
        data.pop("suspension", None)

    return _update(cl, pid, change)
