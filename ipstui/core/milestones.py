"""The milestone dates a participant's contact log decides (SPEC §2, §4, §8, §10).

`first_contact_on` is the date of the first contact dated on or after `referred_on`
(SPEC §4, rule `first_contact`); `first_employer_contact_on` the first contact of kind
`employer` dated on or after `enrolled_on` (rule `first_employer_contact`; DOMAIN.md:
rapid job search, the IPS-25 fidelity item, is timed from program entry to that first
employer contact). `benefits_counseling_on` is the most recent benefits session.

"First" means the earliest *dated*, not the first *logged*: a contact typed in later
with an earlier date (back-dated: the paper note found a week on) moves a first date
back, and one dated later never moves it forward. The stored field and the log are
read together:

- a stored first date earlier than any qualifying contact stands: it was set by hand
  for an event the log does not hold (a contact before the team used ipstui);
- a stored first date later than a qualifying contact is contradicted by the log: the
  earliest contact is the answer. Reports use it at once (`first_on`), every write of
  the contact log stores it (`settle`, called when a contact is added and by the merge
  driver), and `validate` warns about the file until then (`late_firsts`);
- a contact removed from the log (only a hand edit of the file can: the CLI and the
  app append) leaves the stored date as it is, since nothing tells it from a date set
  by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from datetime import date
from typing import Any

FIRSTS: dict[str, tuple[str, str | None]] = {
    "first_contact_on": ("referred_on", None),
    "first_employer_contact_on": ("enrolled_on", "employer"),
}
"""First-date field -> (the field that starts its clock, the contact kind that counts or
None for any kind)."""

LATEST: dict[str, str] = {"benefits_counseling_on": "benefits"}
"""Most-recent-date field -> the contact kind that counts."""


def _date(v: Any) -> date | None:
    # A datetime is a date subclass; only plain local dates count (SPEC §2).
    return v if type(v) is date else None


def _dates(data: Mapping[str, Any], kind: str | None, since: date | None) -> list[date]:
    out = []
    contacts = data.get("contacts")
    for c in contacts if isinstance(contacts, list) else ():
        if not isinstance(c, Mapping) or (kind is not None and c.get("kind") != kind):
            continue
        on = _date(c.get("on"))
        if on is not None and (since is None or on >= since):
            out.append(on)
    return out


def logged(data: Mapping[str, Any], field: str) -> date | None:
    """The date the contact log gives `field` (a FIRSTS or LATEST key): the earliest
    qualifying contact for a first date (None without the clock's start date), the
    latest benefits contact for `benefits_counseling_on`; None when none qualifies."""
    if field in FIRSTS:
        start_field, kind = FIRSTS[field]
        start = _date(data.get(start_field))
        if start is None:
            return None
        return min(_dates(data, kind, start), default=None)
    return max(_dates(data, LATEST[field], None), default=None)


def first_on(data: Mapping[str, Any], field: str) -> date | None:
    """The value of first-date `field` (a FIRSTS key) that reports count: the earlier of
    the stored date and the log's (`logged`); either alone when the other is absent."""
    dates = [d for d in (_date(data.get(field)), logged(data, field)) if d is not None]
    return min(dates, default=None)


def _pick(field: str) -> Callable[[date, date], date]:
    return min if field in FIRSTS else max


def settle(data: MutableMapping[str, Any]) -> list[str]:
    """Store in `data` (in place) every milestone date its contact log moves: a first
    date the log has earlier (or the field absent), a latest date the log has later.
    Returns the fields changed. A value that is not a plain date is left alone (the
    validator names it)."""
    changed = []
    for field in (*FIRSTS, *LATEST):
        from_log = logged(data, field)
        if from_log is None:
            continue
        stored = data.get(field)
        if stored is None:
            data[field] = from_log
            changed.append(field)
        elif type(stored) is date and _pick(field)(stored, from_log) != stored:
            data[field] = from_log
            changed.append(field)
    return changed


def late_firsts(data: Mapping[str, Any]) -> list[tuple[str, date, date]]:
    """(field, stored date, the earlier logged date) for every first date the contact log
    contradicts: what `validate` warns about."""
    out = []
    for field in FIRSTS:
        stored, from_log = _date(data.get(field)), logged(data, field)
        if stored is not None and from_log is not None and from_log < stored:
            out.append((field, stored, from_log))
    return out
