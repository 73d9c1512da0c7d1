"""Outcome report (SPEC §8): hand-computed figures at every date boundary, and formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime
from typing import Any

import pytest

from ipstui.core.model import Settings
from ipstui.core.report import (
    Outcome,
    Quarter,
    compute,
    parse_quarter,
    prepare,
    quarter_of,
    rate_series,
    render,
    to_csv,
    to_table,
)

D = date
Q3 = Quarter(2026, 3)  # QS = 2026-07-01, QE = 2026-09-30
AFTER_Q3 = D(2026, 10, 10)  # report date for Q3 = QE

SETTINGS = Settings.from_dict(
    {
        "name": "Test team",
        "max_caseload": 3,
        "team": {
            "anna": {"name": "Anna Bianchi", "max_caseload": 2},
            "bruno": {"name": "Bruno Conti"},
            "carla": {"name": "Carla Dini"},
        },
    }
)


def person(
    pid: str,
    specialist: str = "anna",
    *,
    phase: str = "job_search",
    enrolled: Any = None,
    referred: Any = None,
    source: str | None = None,
    fec: Any = None,
    closed: Any = None,
    jobs: Any = (),
) -> dict[str, Any]:
    """A participant dict shaped as tomllib returns it; only the given keys are set."""
    data: dict[str, Any] = {
        "schema": 1,
        "id": pid,
        "name": pid,
        "specialist": specialist,
        "phase": "closed" if closed is not None else phase,
        "phase_since": D(2025, 1, 1),
    }
    if source is not None:
        data["referral_source"] = source
    if referred is not None:
        data["referred_on"] = referred
    if enrolled is not None:
        data["enrolled_on"] = enrolled
    if fec is not None:
        data["first_employer_contact_on"] = fec
    if closed is not None:
        data["closure"] = {"on": closed, "reason": "moved"}
    if jobs != ():
        data["jobs"] = list(jobs) if isinstance(jobs, tuple | list) else jobs
    return data


def job(start: Any, end: Any = None, competitive: Any = True) -> dict[str, Any]:
    j: dict[str, Any] = {"employer": "Coop", "start": start, "competitive": competitive}
    if end is not None:
        j["end"] = end
    return j


# ---------------------------------------------------------------- quarters


@pytest.mark.parametrize(
    ("text", "year", "q", "start", "end"),
    [
        ("2026Q3", 2026, 3, D(2026, 7, 1), D(2026, 9, 30)),
        ("2026q1", 2026, 1, D(2026, 1, 1), D(2026, 3, 31)),
        ("2024Q1", 2024, 1, D(2024, 1, 1), D(2024, 3, 31)),
        ("2026-Q2", 2026, 2, D(2026, 4, 1), D(2026, 6, 30)),
        (" 2026Q4 ", 2026, 4, D(2026, 10, 1), D(2026, 12, 31)),
    ],
)
def test_parse_quarter(text: str, year: int, q: int, start: date, end: date) -> None:
    quarter = parse_quarter(text)
    assert (quarter.year, quarter.q, quarter.start, quarter.end) == (year, q, start, end)
    assert str(quarter) == f"{year}Q{q}"


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026Q0", "26Q3", "2026", "Q3", "", "2026Q3x", "Q3 2026", "0000Q1"]
)
def test_parse_quarter_rejects_bad_input_with_one_line(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_quarter(text)
    message = str(exc.value)
    assert "not a quarter" in message and "\n" not in message
    assert repr(text) in message


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2026, 1, 1), "2026Q1"),
        (D(2026, 3, 31), "2026Q1"),
        (D(2026, 4, 1), "2026Q2"),
        (D(2026, 9, 30), "2026Q3"),
        (D(2026, 10, 1), "2026Q4"),
        (D(2026, 12, 31), "2026Q4"),
    ],
)
def test_quarter_of(day: date, label: str) -> None:
    assert str(quarter_of(day)) == label


def test_quarter_arithmetic_crosses_years() -> None:
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Q3.shift(-8) == Quarter(2024, 3)
    assert Quarter(2025, 4) < Quarter(2026, 1) < Q3


# ---------------------------------------------------------------- active and employed

QS, QE = Q3.start, Q3.end
DAY = D(2026, 1, 15)  # an enrolment well before the quarter

BOUNDARY_CASES = [
    # (case, participant, expected (active, employed))
    (
        "job ended the day before QS",
        person("P", enrolled=DAY, jobs=[job(DAY, D(2026, 6, 30))]),
        (1, 0),
    ),
    ("job ended on QS", person("P", enrolled=DAY, jobs=[job(DAY, QS)]), (1, 1)),
    ("job starts on QE", person("P", enrolled=DAY, jobs=[job(QE)]), (1, 1)),
    ("job starts the day after QE", person("P", enrolled=DAY, jobs=[job(D(2026, 10, 1))]), (1, 0)),
    ("current job started before QS", person("P", enrolled=DAY, jobs=[job(D(2025, 3, 1))]), (1, 1)),
    (
        "job inside the quarter",
        person("P", enrolled=DAY, jobs=[job(D(2026, 8, 1), D(2026, 8, 15))]),
        (1, 1),
    ),
    ("closed on QS is still active", person("P", enrolled=DAY, closed=QS, jobs=[job(DAY)]), (1, 1)),
    (
        "closed the day before QS",
        person("P", enrolled=DAY, closed=D(2026, 6, 30), jobs=[job(DAY)]),
        (0, 0),
    ),
    ("closed on QE", person("P", enrolled=DAY, closed=QE), (1, 0)),
    ("enrolled on QE", person("P", enrolled=QE), (1, 0)),
    ("enrolled on QE, job starts on QE", person("P", enrolled=QE, jobs=[job(QE)]), (1, 1)),
    ("enrolled the day after QE", person("P", enrolled=D(2026, 10, 1)), (0, 0)),
    ("never enrolled, even with a job", person("P", referred=DAY, jobs=[job(DAY)]), (0, 0)),
    ("non-competitive job", person("P", enrolled=DAY, jobs=[job(DAY, competitive=False)]), (1, 0)),
    (
        "competitive missing",
        person("P", enrolled=DAY, jobs=[{"employer": "X", "start": DAY}]),
        (1, 0),
    ),
    (
        "non-competitive in the quarter, competitive ended before",
        person("P", enrolled=DAY, jobs=[job(DAY, D(2026, 6, 30)), job(QS, competitive=False)]),
        (1, 0),
    ),
    (
        "several competitive jobs in the quarter count the person once",
        person("P", enrolled=DAY, jobs=[job(DAY, D(2026, 7, 10)), job(D(2026, 7, 20)), job(QE)]),
        (1, 1),
    ),
    ("no jobs at all", person("P", enrolled=DAY), (1, 0)),
]


@pytest.mark.parametrize(
    ("participant", "expected"),
    [c[1:] for c in BOUNDARY_CASES],
    ids=[c[0] for c in BOUNDARY_CASES],
)
def test_active_and_employed_at_boundaries(participant: dict, expected: tuple[int, int]) -> None:
    report = compute([participant], SETTINGS, Q3, AFTER_Q3)
    assert (report.team.active, report.team.employed) == expected
    assert (report.by_specialist["anna"].active, report.by_specialist["anna"].employed) == expected


WRONG_TYPES = [
    ("enrolled_on as a string", person("P", enrolled="2026-01-15", jobs=[job(DAY)]), (0, 0)),
    ("enrolled_on as a datetime", person("P", enrolled=datetime(2026, 1, 15, 9, 0)), (0, 0)),
    ("job start as a string", person("P", enrolled=DAY, jobs=[job("2026-01-15")]), (1, 0)),
    (
        "job end as a string: job ignored",
        person("P", enrolled=DAY, jobs=[job(DAY, "2026-12-01")]),
        (1, 0),
    ),
    (
        "competitive as a string",
        person("P", enrolled=DAY, jobs=[job(DAY, competitive="true")]),
        (1, 0),
    ),
    ("jobs not a list", person("P", enrolled=DAY, jobs="Coop"), (1, 0)),
    ("a job that is not a table", person("P", enrolled=DAY, jobs=["Coop", job(DAY)]), (1, 1)),
    ("closure date as a string", person("P", enrolled=DAY, closed="2026-01-01"), (1, 0)),
]


@pytest.mark.parametrize(
    ("participant", "expected"), [c[1:] for c in WRONG_TYPES], ids=[c[0] for c in WRONG_TYPES]
)
def test_values_of_the_wrong_type_are_ignored(participant: dict, expected: tuple[int, int]) -> None:
    report = compute([participant], SETTINGS, Q3, AFTER_Q3)
    assert (report.team.active, report.team.employed) == expected
    json.dumps(report.to_json())  # still serialisable


def test_employment_counts_a_job_starting_after_today_within_the_quarter() -> None:
    # SPEC §8 uses QE for jobs, not the report date: a job entered ahead of its start counts.
    p = person("P", enrolled=DAY, jobs=[job(D(2026, 9, 1))])
    report = compute([p], SETTINGS, Q3, D(2026, 8, 15))
    assert (report.team.active, report.team.employed) == (1, 1)


def test_no_active_participants_gives_null_rates() -> None:
    people = [
        person("P1", enrolled=D(2026, 10, 1)),
        person("P2", "bruno", referred=DAY),
        person("P3", "bruno", enrolled=DAY, closed=D(2026, 6, 30)),
    ]
    report = compute(people, SETTINGS, Q3, AFTER_Q3)
    assert report.team == Outcome(0, 0) and report.team.rate is None
    out = report.to_json()
    assert out["team"] == {"active": 0, "employed": 0, "rate": None}
    assert out["by_specialist"] == {
        k: {"active": 0, "employed": 0, "rate": None} for k in ("anna", "bruno", "carla")
    }
    assert out["rapid_search"] == {"participants": 0, "median_days": None, "within_30": None}


def test_empty_caseload() -> None:
    report = compute([], SETTINGS, Q3, AFTER_Q3)
    assert report.to_json() == {
        "quarter": "2026Q3",
        "team": {"active": 0, "employed": 0, "rate": None},
        "by_specialist": {
            "anna": {"active": 0, "employed": 0, "rate": None},
            "bruno": {"active": 0, "employed": 0, "rate": None},
            "carla": {"active": 0, "employed": 0, "rate": None},
        },
        "referrals": [],
        "rapid_search": {"participants": 0, "median_days": None, "within_30": None},
    }
    assert "no referrals" in to_table(report)


# ---------------------------------------------------------------- a whole caseload by hand

CASELOAD = [
    # anna: enrolled 2026-01-10, first employer contact after 20 days, job from 2026-08-01.
    person("A1", "anna", phase="follow_up", enrolled=D(2026, 1, 10), referred=D(2025, 12, 15),
           source="CSM", fec=D(2026, 1, 30), jobs=[job(D(2026, 8, 1))]),
    # anna: 45 days to employer contact; competitive job ended the day before QS.
    person("A2", "anna", enrolled=D(2026, 3, 1), referred=D(2026, 2, 10), source="CSM",
           fec=D(2026, 4, 15), jobs=[job(D(2026, 2, 1), D(2026, 6, 30))]),
    # anna: enrolled on QE, no employer contact yet.
    person("A3", "anna", phase="plan", enrolled=QE, referred=D(2026, 9, 1), source="Self"),
    # bruno: closed on QS (still active), job ended on QS; 10 days to employer contact.
    person("B1", "bruno", enrolled=D(2025, 5, 1), referred=D(2025, 4, 1), source="CSM",
           fec=D(2025, 5, 11), closed=QS, jobs=[job(D(2025, 9, 1), QS)]),
    # bruno: closed the day before QS, 20 days to employer contact, hired in 2025.
    person("B2", "bruno", enrolled=D(2025, 6, 1), referred=D(2025, 5, 20), source="SerDP",
           fec=D(2025, 6, 21), closed=D(2026, 6, 30), jobs=[job(D(2025, 7, 1))]),
    # bruno: non-competitive job; employer contact after the report date (not counted).
    person("B3", "bruno", enrolled=D(2026, 7, 15), referred=D(2026, 7, 1), source="SerDP",
           fec=D(2026, 10, 5), jobs=[job(D(2026, 8, 1), competitive=False)]),
    # bruno: referred after the report date (2026-09-30): not in the referral table.
    person("B4", "bruno", phase="intake", referred=D(2026, 10, 2), source="CSM"),
]  # fmt: skip

# By hand, for 2026Q3 with today 2026-10-10 (report date = QE = 2026-09-30):
#   active:   A1 A2 A3 | B1 B3          -> anna 3, bruno 2, team 5 (B2 closed before QS)
#   employed: A1       | B1             -> anna 1, bruno 1, team 2
#   referrals (referred_on <= 09-30): 2025 CSM: A1 B1 (both hired) ; 2025 SerDP: B2 (hired)
#             2026 CSM: A2 (hired 2026-02-01) ; 2026 Self: A3 (not) ; 2026 SerDP: B3 (not)
#   rapid search: A1 20, A2 45, B1 10, B2 20 days (B3 after report date) -> median 20,
#                 within 30: 3 of 4
#   caseload today (non-closed): anna 3 of max 2, bruno 2 (B3 B4) of 3, carla 0 of 3
EXPECTED_JSON = {
    "quarter": "2026Q3",
    "team": {"active": 5, "employed": 2, "rate": 0.4},
    "by_specialist": {
        "anna": {"active": 3, "employed": 1, "rate": 0.333},
        "bruno": {"active": 2, "employed": 1, "rate": 0.5},
        "carla": {"active": 0, "employed": 0, "rate": None},
    },
    "referrals": [
        {"year": 2025, "source": "CSM", "referred": 2, "hired": 2},
        {"year": 2025, "source": "SerDP", "referred": 1, "hired": 1},
        {"year": 2026, "source": "CSM", "referred": 1, "hired": 1},
        {"year": 2026, "source": "Self", "referred": 1, "hired": 0},
        {"year": 2026, "source": "SerDP", "referred": 1, "hired": 0},
    ],
    "rapid_search": {"participants": 4, "median_days": 20, "within_30": 0.75},
}


def test_json_matches_spec_shape_exactly() -> None:
    report = compute(CASELOAD, SETTINGS, Q3, AFTER_Q3)
    out = report.to_json()
    assert out == EXPECTED_JSON
    assert list(out) == ["quarter", "team", "by_specialist", "referrals", "rapid_search"]
    assert list(out["by_specialist"]) == ["anna", "bruno", "carla"]  # caseload.toml order
    assert isinstance(out["rapid_search"]["median_days"], int)
    assert report.report_date == QE
    assert compute(prepare(CASELOAD), SETTINGS, Q3, AFTER_Q3) == report


def test_render_json_prints_the_same_object() -> None:
    text = render(CASELOAD, SETTINGS, quarter="2026Q3", today=AFTER_Q3, fmt="json")
    assert text.endswith("\n")
    assert json.loads(text) == EXPECTED_JSON


def test_default_quarter_is_the_one_containing_today() -> None:
    text = render(CASELOAD, SETTINGS, quarter=None, today=D(2026, 9, 30), fmt="json")
    assert json.loads(text)["quarter"] == "2026Q3"
    text = render(CASELOAD, SETTINGS, quarter=None, today=D(2026, 10, 1), fmt="json")
    assert json.loads(text)["quarter"] == "2026Q4"


def test_render_rejects_bad_format_and_quarter() -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        render(CASELOAD, SETTINGS, quarter=None, today=AFTER_Q3, fmt="xml")
    with pytest.raises(ValueError, match="not a quarter"):
        render(CASELOAD, SETTINGS, quarter="2026Q7", today=AFTER_Q3, fmt="json")


def test_caseload_sizes_against_max() -> None:
    report = compute(CASELOAD, SETTINGS, Q3, AFTER_Q3)
    sizes = {c.specialist: (c.current, c.maximum, c.over) for c in report.caseload}
    assert sizes == {"anna": (3, 2, 1), "bruno": (2, 3, 0), "carla": (0, 3, 0)}


def test_specialist_outside_the_team_is_listed_after_it_and_counted_in_the_team() -> None:
    people = [person("X1", "zoe", enrolled=DAY, jobs=[job(DAY)]), person("A1", enrolled=DAY)]
    report = compute(people, SETTINGS, Q3, AFTER_Q3)
    assert list(report.by_specialist) == ["anna", "bruno", "carla", "zoe"]
    assert report.by_specialist["zoe"] == Outcome(1, 1)
    assert report.team == Outcome(2, 1)


# ---------------------------------------------------------------- the report date


@pytest.mark.parametrize(
    ("quarter", "today", "hired"),
    [
        (Q3, D(2026, 8, 19), 0),  # report date = today, the day before the job starts
        (Q3, D(2026, 8, 20), 1),  # the job starts on the report date
        (Quarter(2026, 2), AFTER_Q3, 0),  # report date = 2026-06-30, before the start
        (Q3, AFTER_Q3, 1),
    ],
)
def test_hires_count_up_to_the_report_date(quarter: Quarter, today: date, hired: int) -> None:
    p = person("P", enrolled=D(2026, 3, 1), referred=D(2026, 3, 1), source="CSM",
               jobs=[job(D(2026, 8, 20))])  # fmt: skip
    report = compute([p], SETTINGS, quarter, today)
    assert [(r.referred, r.hired) for r in report.referrals] == [(1, hired)]


def test_a_non_competitive_job_is_not_a_hire() -> None:
    p = person("P", referred=D(2026, 3, 1), source="CSM", jobs=[job(D(2026, 4, 1), None, False)])
    report = compute([p], SETTINGS, Q3, AFTER_Q3)
    assert [(r.referred, r.hired) for r in report.referrals] == [(1, 0)]


def test_several_jobs_make_one_hire() -> None:
    p = person("P", referred=D(2026, 3, 1), source="CSM",
               jobs=[job(D(2026, 4, 1), D(2026, 5, 1)), job(D(2026, 6, 1))])  # fmt: skip
    report = compute([p], SETTINGS, Q3, AFTER_Q3)
    assert [(r.referred, r.hired) for r in report.referrals] == [(1, 1)]


def test_referrals_after_the_report_date_are_left_out() -> None:
    people = [
        person("P1", referred=D(2026, 8, 15), source="CSM"),
        person("P2", referred=D(2026, 8, 16), source="CSM"),
    ]
    report = compute(people, SETTINGS, Q3, D(2026, 8, 15))
    assert report.to_json()["referrals"] == [
        {"year": 2026, "source": "CSM", "referred": 1, "hired": 0}
    ]


def test_referrals_sorted_by_year_then_source_missing_source_last() -> None:
    people = [
        person("P1", referred=D(2026, 1, 1)),
        person("P2", referred=D(2026, 1, 1), source="Self"),
        person("P3", referred=D(2025, 1, 1), source="Self"),
        person("P4", referred=D(2026, 1, 1), source="CSM"),
    ]
    report = compute(people, SETTINGS, Q3, AFTER_Q3)
    assert [(r.year, r.source) for r in report.referrals] == [
        (2025, "Self"),
        (2026, "CSM"),
        (2026, "Self"),
        (2026, None),
    ]
    years = report.referrals_by_year()
    assert [(y.year, y.referred, y.hired) for y in years] == [(2025, 1, 0), (2026, 3, 0)]


# ---------------------------------------------------------------- rapid job search


@pytest.mark.parametrize(
    ("days", "median", "within"),
    [
        ([10, 41], 25.5, 0.5),
        ([30, 31, 5], 30, 0.667),  # 30 days counts as within 30
        ([31], 31, 0.0),
        ([-3, 40, 50, 60], 45, 0.25),  # employer contact before enrolment counts as within
    ],
)
def test_rapid_search_median_and_share(days: list[int], median: float, within: float) -> None:
    from datetime import timedelta

    people = [
        person(f"P{i}", enrolled=DAY, fec=DAY + timedelta(days=d)) for i, d in enumerate(days)
    ]
    out = compute(people, SETTINGS, Q3, AFTER_Q3).to_json()["rapid_search"]
    assert out == {"participants": len(days), "median_days": median, "within_30": within}
    assert type(out["median_days"]) is type(median)


# ---------------------------------------------------------------- charts


def test_rate_series_is_compute_for_each_quarter() -> None:
    series = rate_series(CASELOAD, SETTINGS, Q3)
    assert [str(s.quarter) for s in series] == [
        "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3",
    ]  # fmt: skip
    for item in series:
        assert item.outcome == compute(CASELOAD, SETTINGS, item.quarter, AFTER_Q3).team
    # By hand: 2025Q3 has B1 (job from 09-01) and B2 (job from 07-01), both enrolled.
    assert series[3].outcome == Outcome(2, 2)
    assert series[-1].outcome == Outcome(5, 2)
    assert len(rate_series(CASELOAD, SETTINGS, Q3, n=3)) == 3


# ---------------------------------------------------------------- csv and table


def test_csv_has_one_row_per_figure_and_group() -> None:
    text = render(CASELOAD, SETTINGS, quarter="2026Q3", today=AFTER_Q3, fmt="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["quarter", "section", "group", "year", "source", "metric", "value"]
    cells = {tuple(r[1:6]): r[6] for r in rows[1:]}
    assert len(cells) == len(rows) - 1  # every figure once
    assert all(r[0] == "2026Q3" for r in rows[1:])
    assert cells[("employment", "team", "", "", "rate")] == "0.4"
    assert cells[("employment", "anna", "", "", "active")] == "3"
    assert cells[("employment", "anna", "", "", "rate")] == "0.333"
    assert cells[("employment", "carla", "", "", "rate")] == ""  # 0/0
    assert cells[("referrals", "team", "2025", "CSM", "referred")] == "2"
    assert cells[("referrals", "team", "2026", "Self", "hire_rate")] == "0"
    assert cells[("rapid_search", "team", "", "", "median_days")] == "20"
    assert cells[("rapid_search", "team", "", "", "within_30")] == "0.75"
    assert cells[("caseload", "anna", "", "", "current")] == "3"
    assert cells[("caseload", "anna", "", "", "max")] == "2"
    # 3 employment groups + team, 5 referral rows, rapid search, 3 caseloads.
    assert len(rows) == 1 + 4 * 3 + 5 * 3 + 3 + 3 * 2


def test_table_is_readable_and_flags_caseloads_above_max() -> None:
    text = to_table(compute(CASELOAD, SETTINGS, Q3, AFTER_Q3))
    assert text.endswith("\n")
    assert "2026Q3 (2026-07-01 to 2026-09-30), as of 2026-09-30" in text
    lines = text.splitlines()
    team = next(line for line in lines if line.split()[:1] == ["team"])
    assert team.split()[-3:] == ["5", "2", "40.0%"]
    carla = [line for line in lines if line.strip().startswith("carla")]
    assert carla[0].split()[-1] == "—"  # 0/0 shown as a dash
    anna_caseload = next(line for line in lines if "3 / 2" in line)
    assert "ABOVE MAX by 1" in anna_caseload
    assert not any("ABOVE MAX" in line for line in lines if line.strip().startswith("bruno"))
    assert "median days     20" in text and "75.0% (3/4)" in text
    assert to_csv(compute(CASELOAD, SETTINGS, Q3, AFTER_Q3)).count("\n") > 10


# ---------------------------------------------------------------- headless


def test_report_core_does_not_import_textual() -> None:
    code = (
        "import sys, ipstui.core.report; "
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
