"""What the employer register and the problem list need of each participant record,
small enough to keep in the load cache beside its summary (`loader.Entry`), so that
opening Employers or Problems at 20,000 participants reads no participant file.

A record's references (`Refs`) are three things its bytes alone decide:

- the jobs with a start date, as `employers.jobs_by_employer` matches them to the
  register: `(index, employer_id | None, employer name | None, title, start, end | None)`,
  dates as ordinals;
- every `employer_id` its jobs and contacts name, `(list key, index, id)`, for the
  warnings of `employers.reference_problems`;
- the latest event date (`validate.EVENT_PATHS`) as an ordinal, or None: a file whose
  latest event is not after today has no warning of `validate.future_event_problems`,
  so only the others are read.

Changing what a row holds needs `loader.CACHE_FORMAT` raised, or old caches lie."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from ipstui.core.model import Participant, Roster

JobRef = tuple[int, "str | None", "str | None", str, int, "int | None"]
"""(index in `jobs`, employer_id when a non-empty string, employer name when a string,
title ("" when not a string), start ordinal, end ordinal or None)."""
IdRef = tuple[str, int, str]
"""("jobs" or "contacts", index in that list, the `employer_id` named)."""
Refs = tuple[tuple[JobRef, ...], tuple[IdRef, ...], "int | None"]
"""(jobs, employer ids named, latest event date ordinal or None): see the module."""


def _ordinal(v: Any) -> int | None:
    # A datetime is a date subclass; only plain local dates count (SPEC §2).
    return v.toordinal() if type(v) is date else None


def refs_row(data: Mapping[str, Any]) -> Refs:
    """The `Refs` of one participant record (a dict as tomllib returns it)."""
    from ipstui.core.validate import latest_event

    jobs: list[JobRef] = []
    named: list[IdRef] = []
    for key in ("jobs", "contacts"):
        entries = data.get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(entry, Mapping):
                continue
            eid = entry.get("employer_id")
            if isinstance(eid, str):
                named.append((key, i, eid))
            start = _ordinal(entry.get("start"))
            if key != "jobs" or start is None:
                continue
            name, title = entry.get("employer"), entry.get("title")
            jobs.append(
                (
                    i,
                    eid if isinstance(eid, str) and eid else None,
                    name if isinstance(name, str) else None,
                    title if isinstance(title, str) else "",
                    start,
                    _ordinal(entry.get("end")),
                )
            )
    latest = latest_event(data)
    return tuple(jobs), tuple(named), latest.toordinal() if latest is not None else None


def participant_refs(held: Mapping[str, Participant]) -> Iterator[tuple[str, str, Refs]]:
    """(id, file's relative path, refs) of every participant of a snapshot, in order.

    From a `Roster`, the refs cached with each row's summary, without making a
    `Participant` or reading its file; for a participant held in full (an edit's) or not
    cached, `refs_row` of its record."""
    if isinstance(held, Roster):
        for pid, rel, refs in held.cached_refs():
            yield pid, rel, refs if refs is not None else refs_row(held[pid].data)
        return
    for pid, p in held.items():
        yield pid, p.rel_path, refs_row(p.data)
