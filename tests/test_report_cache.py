"""Reports read the facts cached per blob by the loader (issue 17: `report` at 100,000
without parsing every record), and those facts are exactly what the records give."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from ipstui.core import loader, report
from ipstui.core.service import CaseloadService

D = date(2026, 3, 2)

DAY = D.toordinal()
# (record, its facts row: specialist, closed_now, enrolled, closed_on, referred, source,
# first_employer_contact, competitive jobs as (start, end), dates as ordinals).
RECORDS = [
    ({}, ("", False, None, None, None, None, None, ())),  # nothing at all
    (  # closed by phase, no closure table
        {"specialist": "anna", "phase": "closed"},
        ("anna", True, None, None, None, None, None, ()),
    ),
    (  # wrong-typed specialist
        {"specialist": 7, "closure": {"on": D, "reason": "moved"}},
        ("", True, None, DAY, None, None, None, ()),
    ),
    (  # closure date as text: closed now, no date
        {"closure": {"on": "2026-03-02"}},
        ("", True, None, None, None, None, None, ()),
    ),
    (  # a datetime is not a date; an empty source is none
        {"enrolled_on": D, "referred_on": datetime(2026, 1, 1, 9), "referral_source": ""},
        ("", False, DAY, None, None, None, None, ()),
    ),
    (
        {"first_employer_contact_on": D, "referral_source": "self"},
        ("", False, None, None, None, "self", DAY, ()),
    ),
    (
        {
            "jobs": [
                {"competitive": True, "start": D},  # running
                {"competitive": True, "start": D, "end": date(2026, 6, 1)},  # ended
                {"competitive": True, "start": D, "end": "soon"},  # bad end: ignored whole
                {"competitive": False, "start": D},  # not competitive
                {"competitive": "yes", "start": D},  # not the boolean true
                {"competitive": True},  # no start
                "not a table",
            ]
        },
        (
            "",
            False,
            None,
            None,
            None,
            None,
            None,
            ((DAY, None), (DAY, date(2026, 6, 1).toordinal())),
        ),
    ),
    ({"jobs": "not a list", "phase": "job_search"}, ("", False, None, None, None, None, None, ())),
]


@pytest.mark.parametrize(("data", "row"), RECORDS)
def test_cached_facts_are_the_facts_of_the_record(data: dict, row: tuple) -> None:
    import marshal

    assert report.facts_row(data) == row
    assert marshal.loads(marshal.dumps(row)) == row  # storable in the load cache


def test_report_from_the_cache_equals_the_report_from_the_records(
    sample_caseload: Path,
) -> None:
    svc = CaseloadService.find(sample_caseload)
    svc.load()  # writes the cache
    cl = svc.load()
    assert cl.stats["cached"] == cl.stats["files"] > 0
    people = list(cl.participants.values())
    assert all(p.facts is not None and not p.loaded for p in people)
    today = date(2026, 11, 16)
    combos = [(q, f) for q in ("2026Q4", "2026Q1", "2025Q2") for f in report.FORMATS]
    cached = {c: svc.report(cl, quarter=c[0], today=today, fmt=c[1]) for c in combos}
    assert not any(p.loaded for p in people), "the report parsed records"
    for quarter, fmt in combos:
        records = report.render(
            [p.data for p in people], cl.settings, quarter=quarter, today=today, fmt=fmt
        )
        assert cached[quarter, fmt] == records, (quarter, fmt)


def test_a_cache_of_the_old_format_is_rebuilt(sample_caseload: Path) -> None:
    svc = CaseloadService.find(sample_caseload)
    svc.load()
    gd = sample_caseload / ".git"
    import marshal

    path = gd / loader.CACHE_NAME
    obj = marshal.loads(path.read_bytes())
    # The same entries without their facts, as format 2 wrote them, under the old tag.
    old = {b: e[:3] for b, e in obj["entries"].items()}
    path.write_bytes(marshal.dumps({"tag": "format-2", "entries": old}))
    cl = svc.load()
    assert cl.stats["parsed"] == cl.stats["files"]
    assert all(p.facts is not None for p in cl.participants.values())


def test_cached_deadlines_read_back_as_the_records_deadlines(sample_caseload: Path) -> None:
    """The cache keeps deadline dates as ordinals; `Participant.raw` gives dates again."""
    from ipstui.core.rules import raw_deadlines

    svc = CaseloadService.find(sample_caseload)
    svc.load()
    cl = svc.load()
    assert cl.stats["cached"] == cl.stats["files"] > 0
    some = 0
    for p in cl.participants.values():
        fresh = tuple(raw_deadlines(p.data, cl.settings))
        assert p.raw == fresh, p.id
        assert all(type(d) is date for _, d, _, _ in p.raw)
        some += bool(fresh)
    assert some > 0
