"""Deadline rules of SPEC §4 as pure functions of (participant, settings, today)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

from ipstui.core.i18n import _
from ipstui.core.model import Participant, Roster, Settings

OVERDUE, DUE_SOON, UPCOMING = "overdue", "due_soon", "upcoming"
STATE_RANK = {OVERDUE: 0, DUE_SOON: 1, UPCOMING: 2}
# The follow-along rule's "first month" after a job start (SPEC §4: L < start + 30).
FIRST_MONTH_DAYS = 30
# program_review is satisfied by a team contact this many days before its due date.
REVIEW_WINDOW_DAYS = 30


class Deadline(NamedTuple):
    """One open deadline: which rule, when it is due, and how urgent it is today.

    A named tuple: an agenda builds thousands of them per command (issue 17), and a
    tuple is made several times faster than a frozen dataclass."""

    participant: str
    specialist: str
    rule: str
    due: date
    state: str
    ref: int | None = None
    """Index of the job or task the deadline belongs to (None for per-participant rules)."""
    what: str = ""
    """Short human description (may hold free text such as a task; never put in git)."""

    @property
    def sort_key(self) -> tuple[date, int, str, str, int]:
        return (self.due, STATE_RANK[self.state], self.participant, self.rule, self.ref or 0)

    def to_json(self) -> dict[str, str]:
        return {
            "participant": self.participant,
            "specialist": self.specialist,
            "rule": self.rule,
            "due": self.due.isoformat(),
            "state": self.state,
        }

    def words(self, today: date) -> str:
        """'3d overdue', 'due today', 'due in 2d'."""
        days = (self.due - today).days
        if days < 0:
            return _("{n}d overdue").format(n=-days)
        if days == 0:
            return _("due today")
        return _("due in {n}d").format(n=days)


def state_of(due: date, today: date, due_soon_days: int) -> str:
    if due < today:
        return OVERDUE
    if due <= today + timedelta(days=due_soon_days):
        return DUE_SOON
    return UPCOMING


def _date(v: Any) -> date | None:
    # A datetime is a date subclass; only plain local dates count (SPEC §2).
    return v if isinstance(v, date) and type(v) is date else None


def _contacts(data: Mapping[str, Any]) -> list[tuple[date, str]]:
    out = []
    for c in data.get("contacts") or ():
        if isinstance(c, Mapping):
            d = _date(c.get("on"))
            if d is not None:
                out.append((d, str(c.get("kind", ""))))
    return out


def _latest(dates: Iterable[date]) -> date | None:
    return max(dates, default=None)


def raw_deadlines(
    data: Mapping[str, Any], settings: Settings
) -> list[tuple[str, date, int | None, str]]:
    """(rule, due, ref, what) for every open deadline, independent of today."""
    if data.get("phase") == "closed" or isinstance(data.get("closure"), Mapping):
        return []
    on = settings.rules_on
    days = settings.rule_days
    out: list[tuple[str, date, int | None, str]] = []
    suspended = isinstance(data.get("suspension"), Mapping)

    if not suspended:
        contacts = _contacts(data)
        referred = _date(data.get("referred_on"))
        enrolled = _date(data.get("enrolled_on"))

        if on["first_contact"] and referred and data.get("first_contact_on") is None:
            if not any(d >= referred for d, _unused in contacts):
                out.append(
                    ("first_contact", referred + timedelta(days=days["first_contact"]), None, "")
                )

        if (
            on["first_employer_contact"]
            and enrolled
            and data.get("first_employer_contact_on") is None
        ):
            if not any(d >= enrolled and k == "employer" for d, k in contacts):
                due = enrolled + timedelta(days=days["first_employer_contact"])
                out.append(("first_employer_contact", due, None, ""))

        benefits = _date(data.get("benefits_counseling_on"))
        first, weekly, monthly = days["job_start_support"]
        for i, job in enumerate(data.get("jobs") or ()):
            if not isinstance(job, Mapping):
                continue
            start = _date(job.get("start"))
            if start is None or "end" in job:
                continue
            label = str(job.get("employer", ""))
            if on["benefits_before_job"]:
                window = timedelta(days=days["benefits_before_job"])
                if not (benefits and start - window <= benefits <= start):
                    out.append(("benefits_before_job", start, i, label))
            if on["job_start_support"]:
                last = _latest(d for d, _unused in contacts if d >= start)
                if last is None:
                    due = start + timedelta(days=first)
                elif last < start + timedelta(days=FIRST_MONTH_DAYS):
                    due = last + timedelta(days=weekly)
                else:
                    due = last + timedelta(days=monthly)
                out.append(("job_start_support", due, i, label))

        if on["stay_in_touch"] and data.get("phase") in (
            "intake",
            "engagement",
            "assessment",
            "plan",
            "job_search",
        ):
            last = _latest(d for d, _unused in contacts)
            if last is not None:
                out.append(
                    ("stay_in_touch", last + timedelta(days=days["stay_in_touch"]), None, "")
                )

        if on["career_profile_after_job"]:
            ended = [
                (e, i)
                for i, j in enumerate(data.get("jobs") or ())
                if isinstance(j, Mapping) and (e := _date(j.get("end"))) is not None
            ]
            if ended:
                end, i = max(ended)
                updated = _date(data.get("career_profile_updated_on"))
                if not (updated and updated >= end):
                    due = end + timedelta(days=days["career_profile_after_job"])
                    out.append(
                        (
                            "career_profile_after_job",
                            due,
                            i,
                            str(data["jobs"][i].get("employer", "")),
                        )
                    )

        if on["program_review"] and enrolled:
            due = enrolled + timedelta(days=days["program_review"])
            since = due - timedelta(days=REVIEW_WINDOW_DAYS)
            if not any(k == "team" and d >= since for d, k in contacts):
                out.append(("program_review", due, None, ""))

    if on["task"]:
        for i, task in enumerate(data.get("tasks") or ()):
            if isinstance(task, Mapping) and "done_on" not in task:
                due = _date(task.get("due"))
                if due is not None:
                    out.append(("task", due, i, str(task.get("what", ""))))
    return out


def deadlines(data: Mapping[str, Any], settings: Settings, today: date) -> list[Deadline]:
    """Every open deadline of one participant, most urgent first."""
    pid = str(data.get("id", ""))
    spec = str(data.get("specialist", ""))
    dsd = settings.due_soon_days
    out = [
        Deadline(pid, spec, rule, due, state_of(due, today, dsd), ref, what)
        for rule, due, ref, what in raw_deadlines(data, settings)
    ]
    out.sort(key=lambda d: d.sort_key)
    return out


def most_urgent(data: Mapping[str, Any], settings: Settings, today: date) -> Deadline | None:
    ds = deadlines(data, settings, today)
    return ds[0] if ds else None


def agenda(
    participants: Iterable[Mapping[str, Any]],
    settings: Settings,
    today: date,
    specialist: str | None = None,
) -> list[Deadline]:
    """Every open deadline of the caseload, overdue first, then by due date."""
    out: list[Deadline] = []
    for data in participants:
        if specialist and data.get("specialist") != specialist:
            continue
        out.extend(deadlines(data, settings, today))
    out.sort(key=lambda d: d.sort_key)
    return out


def rules_signature(settings: Settings) -> str:
    """Changes whenever anything that `raw_deadlines` depends on in the settings changes."""
    return repr((sorted(settings.rules_on.items()), sorted(settings.rule_days.items())))


def participant_raw(p: Participant, settings: Settings) -> tuple:
    """The participant's raw deadlines: from the load cache when it has them."""
    if p.raw is None:
        p.raw = tuple(raw_deadlines(p.data, settings))
    return p.raw


def participant_deadlines(p: Participant, settings: Settings, today: date) -> list[Deadline]:
    dsd = settings.due_soon_days
    out = [
        Deadline(p.id, p.specialist, rule, due, state_of(due, today, dsd), ref, what)
        for rule, due, ref, what in participant_raw(p, settings)
    ]
    out.sort(key=lambda d: d.sort_key)
    return out


def agenda_for(
    participants: Iterable[Participant] | Mapping[str, Participant],
    settings: Settings,
    today: date,
    specialist: str | None = None,
) -> list[Deadline]:
    """`agenda` for loaded participants (or a snapshot's id -> participant mapping),
    using their cached deadlines. Given a `Roster`, it reads the cached rows without
    making a `Participant` for each."""
    out: list[Deadline] = []
    if isinstance(participants, Mapping) and not isinstance(participants, Roster):
        participants = participants.values()
    if isinstance(participants, Roster):
        dsd = settings.due_soon_days
        for pid, summary, raw in participants.deadline_rows():
            spec = summary[1]
            if specialist and spec != specialist:
                continue
            if raw is None:
                raw = participant_raw(participants[pid], settings)
            out.extend(
                Deadline(pid, spec, rule, due, state_of(due, today, dsd), ref, what)
                for rule, due, ref, what in raw
            )
        out.sort(key=lambda d: d.sort_key)
        return out
    for p in participants:
        if specialist and p.specialist != specialist:
            continue
        out.extend(participant_deadlines(p, settings, today))
    out.sort(key=lambda d: d.sort_key)
    return out


def agenda_rows(
    rows: Iterable[tuple], due_soon_days: int, today: date, specialist: str | None = None
) -> list[Deadline]:
    """`agenda_for` of the rows of an agenda index (`agenda.Agenda.rows`): (due as a date
    ordinal, participant, specialist, rule, ref, what), already in agenda order."""
    t = today.toordinal()
    soon = t + due_soon_days
    fromordinal = date.fromordinal
    return [
        Deadline(
            pid,
            spec,
            rule,
            fromordinal(due),
            OVERDUE if due < t else DUE_SOON if due <= soon else UPCOMING,
            ref,
            what,
        )
        for due, pid, spec, rule, ref, what in rows
        if not specialist or spec == specialist
    ]
