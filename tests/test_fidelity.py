"""The fidelity self-review (SPEC §10): every item at its band edges, computed by hand.

Each table gives the records and the value and score a reviewer would write down. The
report date R is QE of 2026Q4 capped by TODAY (2026-11-16), so "the last 12 months" is
2025-11-17 to 2026-11-16 and the 4 weeks of V6 are 2026-10-20 to 2026-11-16.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest

from ipstui.core import fidelity
from ipstui.core.fidelity import FidelitySettings, compute, settings_from
from ipstui.core.model import Settings
from ipstui.core.report import Quarter

TODAY = date(2026, 11, 16)
R = TODAY
Q = Quarter(2026, 4)
YEAR_AGO = R - timedelta(days=365)  # excluded: the window is (R - 365, R]
LONG_AGO = date(2024, 1, 1)


def team(**fte: float | None) -> tuple[Settings, dict[str, Any]]:
    """Settings and caseload.toml data for members with the given fte (None: not written)."""
    data: dict[str, Any] = {"schema": 1, "name": "T", "team": {}}
    for key, f in fte.items():
        data["team"][key] = {"name": key.title()} | ({} if f is None else {"fte": f})
    return Settings.from_dict(data), data


def fs(**fte: float | None) -> FidelitySettings:
    return settings_from(*team(**fte))


def person(pid: str, specialist: str = "anna", **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "schema": 1,
        "id": pid,
        "name": pid,
        "specialist": specialist,
        "phase": "job_search",
        "phase_since": LONG_AGO,
        "referred_on": LONG_AGO,
    }
    d.update(kw)
    return d


def people(n: int, specialist: str = "anna", prefix: str = "P") -> list[dict[str, Any]]:
    return [person(f"{prefix}-{specialist}-{i}", specialist) for i in range(n)]


def item(review: fidelity.Review, item_id: str) -> fidelity.Item:
    return review.get(item_id)


def run(ps, settings: FidelitySettings, employers=(), today: date = TODAY) -> fidelity.Review:
    return compute(ps, employers, settings, Q, today)


# ---------------------------------------------------------------- S1 caseload size


@pytest.mark.parametrize(
    ("held", "fte", "value", "score"),
    [
        (20, None, 20, 5),  # fte absent: 1.0
        (21, 1.0, 21, 4),
        (10, 0.5, 20, 5),  # exactly 20.0 per FTE
        (11, 0.5, 22, 4),
        (7, 0.35, 20, 5),  # 7 / 0.35 as written, not as binary floats divide
        (7, 0.28, 25, 4),  # 7 / 0.28 is 24.999999999999996 in floats; exactly 25
        (25, 1.0, 25, 4),
        (26, 1.0, 26, 3),
        (15, 0.5, 30, 3),
        (31, 1.0, 31, 2),
        (20, 0.5, 40, 2),
        (41, 1.0, 41, 1),
        (0, 1.0, 0, 5),
    ],
)
def test_s1_bands(held: int, fte: float | None, value: float, score: int) -> None:
    it = item(run(people(held), fs(anna=fte)), "S1")
    assert it.value == value and it.score == score and it.n == 1
    assert it.shown() == value


def test_s1_half_a_participant_over_per_fte() -> None:
    # 20.5 per FTE: 41 participants over two members of 1.0 is 20.5 on average, but S1
    # takes the largest single specialist, and fte 0.4 with 8.2 people cannot exist; so the
    # exact half step is checked with a band edge of 20.5 set in caseload.toml.
    s, data = team(anna=0.5)
    data["fidelity"] = {"S1": [20.5, 25, 30, 40]}
    it = item(run(people(10), settings_from(s, data)), "S1")
    assert (it.value, it.score) == (20, 5)
    data["fidelity"] = {"S1": [19.5, 25, 30, 40]}
    assert item(run(people(10), settings_from(s, data)), "S1").score == 4


def test_s1_takes_the_largest_and_counts_every_member() -> None:
    ps = people(12, "anna") + people(9, "mette") + people(3, "ghost")
    it = item(run(ps, fs(anna=1.0, mette=0.4, lars=1.0)), "S1")
    # mette: 9 / 0.4 = 22.5 is the largest; lars holds nobody but is a specialist; ghost is
    # not in the team and counts with the default fte 1.
    assert it.value == Fraction(45, 2) and it.score == 4 and it.n == 4
    assert it.detail["largest"] == "mette"
    assert it.detail["by_specialist"]["lars"]["participants"] == 0
    assert it.detail["by_specialist"]["ghost"]["per_fte"] == 3


def test_s1_member_with_fte_zero_is_left_out_and_named() -> None:
    it = item(run(people(5, "anna") + people(30, "mette"), fs(anna=1.0, mette=0)), "S1")
    assert (it.value, it.n) == (5, 1)
    assert it.detail["fte_zero_left_out"] == {"mette": 30}


@pytest.mark.parametrize(
    ("changes", "counted"),
    [
        ({}, True),
        ({"referred_on": R}, True),
        ({"referred_on": R + timedelta(days=1)}, False),
        ({"referred_on": None}, False),
        ({"phase": "closed", "closure": {"on": R, "reason": "request"}}, False),  # closed on R
        ({"phase": "closed", "closure": {"on": R - timedelta(days=1), "reason": "moved"}}, False),
        ({"phase": "closed", "closure": {"on": R + timedelta(days=1), "reason": "moved"}}, True),
    ],
)
def test_s1_who_is_on_the_caseload_on_r(changes: dict[str, Any], counted: bool) -> None:
    p = person("P-1")
    p.update({k: v for k, v in changes.items() if v is not None})
    for k, v in changes.items():
        if v is None:
            p.pop(k)
    it = item(run([p], fs(anna=1.0)), "S1")
    assert it.value == (1 if counted else 0)


def test_s1_empty_denominator_has_no_value_and_no_score() -> None:
    review = run([], fs())
    it = item(review, "S1")
    assert (it.value, it.score, it.n) == (None, None, 0)
    assert it.to_json()["value"] is None


# ---------------------------------------------------------------- V4 rapid job search


def searcher(pid: str, days: int, first: date = R - timedelta(days=10)) -> dict[str, Any]:
    return person(pid, enrolled_on=first - timedelta(days=days), first_employer_contact_on=first)


@pytest.mark.parametrize(
    ("days", "value", "score"),
    [
        ([30], 30, 5),
        ([31], 31, 4),
        ([29, 31], 30, 5),  # mean exactly 30
        ([30, 31], Fraction(61, 2), 4),  # 30.5
        ([60], 60, 4),
        ([61], 61, 3),
        ([150], 150, 3),
        ([151], 151, 2),
        ([270], 270, 2),
        ([271], 271, 1),
        ([0, 0, 90], 30, 5),
    ],
)
def test_v4_bands(days: list[int], value: Fraction, score: int) -> None:
    ps = [searcher(f"P-{i}", d) for i, d in enumerate(days)]
    it = item(run(ps, fs(anna=1.0)), "V4")
    assert (it.value, it.score, it.n) == (value, score, len(days))


@pytest.mark.parametrize(
    ("first", "counted"),
    [
        (YEAR_AGO, False),  # R - 365: outside (R - 365, R]
        (YEAR_AGO + timedelta(days=1), True),
        (R, True),
        (R + timedelta(days=1), False),  # after the report date: not yet happened
    ],
)
def test_v4_window_edges(first: date, counted: bool) -> None:
    it = item(run([searcher("P-1", 45, first)], fs(anna=1.0)), "V4")
    assert it.n == int(counted)
    assert it.value == (45 if counted else None)


def test_v4_contact_before_enrolment_is_no_delay_and_missing_dates_are_left_out() -> None:
    early = person(
        "P-1", enrolled_on=R - timedelta(days=5), first_employer_contact_on=R - timedelta(days=9)
    )
    no_enrol = person("P-2", first_employer_contact_on=R)
    it = item(run([early, no_enrol, searcher("P-3", 40)], fs(anna=1.0)), "V4")
    assert (it.value, it.n) == (20, 2)
    assert [r["days"] for r in it.rows] == [0, 40]


def test_v4_empty_denominator() -> None:
    it = item(run([person("P-1", enrolled_on=R)], fs(anna=1.0)), "V4")
    assert (it.value, it.score, it.n) == (None, None, 0)


# ---------------------------------------------------------------- V6 employer contacts

IN_WINDOW = [R - timedelta(days=i % 28) for i in range(200)]  # all in (R - 28, R]


def employer_contacts(n: int, by: str = "anna", **kw: Any) -> list[dict[str, Any]]:
    """n participant contacts of kind employer, each with a different employer."""
    return [
        {"on": IN_WINDOW[i], "kind": "employer", "by": by, "employer_id": f"E-{by}-{i}", **kw}
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("n", "value", "score"),
    [
        (24, 6, 5),
        (23, Fraction(23, 4), 4),  # 5.75 a week
        (20, 5, 4),
        (19, Fraction(19, 4), 3),
        (16, 4, 3),
        (15, Fraction(15, 4), 2),
        (8, 2, 2),
        (7, Fraction(7, 4), 1),
        (0, 0, 1),
    ],
)
def test_v6_bands(n: int, value: Fraction, score: int) -> None:
    p = person("P-1", contacts=employer_contacts(n))
    it = item(run([p], fs(anna=1.0)), "V6")
    assert (it.value, it.score, it.n) == (value, score, 1)


def test_v6_each_contact_counted_once() -> None:
    day = R - timedelta(days=3)
    visit = {"on": day, "kind": "employer", "by": "anna", "employer_id": "E-0001"}
    # The same visit in two participants' files and in the employer's log: one contact.
    p1 = person("P-1", contacts=[visit])
    p2 = person("P-2", contacts=[dict(visit)])
    e1 = {"id": "E-0001", "name": "Coop", "contacts": [{"on": day, "by": "anna"}]}
    # Another employer the same day, and a contact without employer_id: two more.
    e2 = {"id": "E-0002", "name": "Forno", "contacts": [{"on": day, "by": "anna"}]}
    p3 = person("P-3", contacts=[{"on": day, "kind": "employer", "by": "anna"}])
    it = item(run([p1, p2, p3], fs(anna=1.0), [e1, e2]), "V6")
    assert it.detail["by_specialist"]["anna"]["contacts"] == 3
    assert it.value == Fraction(3, 4)
    merged = next(r for r in it.rows if r["employer"] == "E-0001")
    assert merged["source"] == "E-0001 contacts[0]" and "P-1 contacts[0]" in merged["also"]


def test_v6_what_counts() -> None:
    d = R - timedelta(days=1)
    contacts = [
        {"on": d, "kind": "employer", "by": "anna", "employer_id": "E-1"},
        {"on": d, "kind": "employer", "by": "anna", "employer_id": "E-2", "face_to_face": True},
        {"on": d, "kind": "employer", "by": "anna", "employer_id": "E-3", "face_to_face": False},
        {"on": d, "kind": "phone", "by": "anna"},  # not an employer contact
        {"on": d, "kind": "employer", "employer_id": "E-4"},  # no by: the participant's specialist
        {"on": R - timedelta(days=28), "kind": "employer", "by": "anna", "employer_id": "E-5"},
        {"on": R - timedelta(days=27), "kind": "employer", "by": "anna", "employer_id": "E-6"},
        {"on": R + timedelta(days=1), "kind": "employer", "by": "anna", "employer_id": "E-7"},
    ]
    log = {
        "id": "E-9",
        "name": "X",
        "contacts": [
            {"on": d, "by": "anna", "face_to_face": False},
            {"on": d, "by": "anna", "purpose": "placement"},
        ],
    }
    it = item(run([person("P-1", contacts=contacts)], fs(anna=1.0), [log]), "V6")
    counted = sorted(r["employer"] for r in it.rows)
    assert counted == ["E-1", "E-2", "E-4", "E-6", "E-9"]


def test_v6_mean_over_members_with_fte_above_zero() -> None:
    ps = [person("P-1", contacts=employer_contacts(24, "anna") + employer_contacts(8, "mette"))]
    # lars (fte 0) is left out; mette counts with 2 a week although her fte is 0.5.
    it = item(run(ps, fs(anna=1.0, mette=0.5, lars=0)), "V6")
    assert (it.value, it.score, it.n) == (4, 3, 2)
    assert set(it.detail["by_specialist"]) == {"anna", "mette"}


def test_v6_empty_denominator() -> None:
    it = item(run([], fs(anna=0)), "V6")
    assert (it.value, it.score, it.n) == (None, None, 0)


# ---------------------------------------------------------------- V8, V9, V10: jobs

START = R - timedelta(days=100)
GROUPS = [
    "11",
    "21",
    "22",
    "23",
    "24",
    "25",
    "26",
    "31",
    "32",
    "33",
    "41",
    "42",
    "43",
    "51",
    "52",
    "53",
    "71",
    "72",
    "81",
    "91",
]


def job(**kw: Any) -> dict[str, Any]:
    return {"employer": "Coop", "start": START, "competitive": True} | kw


def worker(jobs: list[dict[str, Any]], pid: str = "P-1") -> dict[str, Any]:
    return person(pid, jobs=jobs)


@pytest.mark.parametrize(
    ("distinct", "score"),
    [(20, 5), (17, 5), (16, 4), (14, 4), (13, 3), (12, 3), (11, 2), (10, 2), (9, 1)],
)
def test_v8_bands(distinct: int, score: int) -> None:
    # 20 jobs with a job type, `distinct` 2-digit groups among them (4-digit codes of one
    # group count once); jobs without a job type are not in the denominator.
    codes = [GROUPS[i] + "11" if i < distinct else GROUPS[0] + "2" for i in range(20)]
    jobs = [job(job_type=c, employer=f"E{i}") for i, c in enumerate(codes)]
    jobs.append(job(employer="untyped"))
    it = item(run([worker(jobs)], fs(anna=1.0)), "V8")
    assert (it.value, it.score, it.n) == (Fraction(distinct, 20), score, 20)
    assert it.detail["without_job_type"] == 1


def test_v8_groups_by_two_digits() -> None:
    jobs = [
        job(job_type="5223"),
        job(job_type="52"),
        job(job_type="522"),
        job(job_type="5"),
        job(job_type="91"),
    ]
    it = item(run([worker(jobs)], fs(anna=1.0)), "V8")
    assert it.detail["by_group"] == {"5": 1, "52": 3, "91": 1}
    assert it.value == Fraction(3, 5)


@pytest.mark.parametrize(
    ("distinct", "score"),
    [(20, 5), (17, 5), (16, 4), (14, 4), (13, 3), (12, 3), (11, 2), (10, 2), (9, 1)],
)
def test_v9_bands(distinct: int, score: int) -> None:
    names = [f"Employer {i if i < distinct else 0}" for i in range(20)]
    it = item(run([worker([job(employer=n) for n in names])], fs(anna=1.0)), "V9")
    assert (it.value, it.score, it.n) == (Fraction(distinct, 20), score, 20)


def test_v9_matches_by_id_and_by_case_folded_trimmed_name() -> None:
    register = [{"id": "E-0003", "name": "Coop Adriatica"}, {"id": "E-0004", "name": "Forno"}]
    jobs = [
        job(employer="Coop Adriatica", employer_id="E-0003"),
        job(employer="Coop (Via Emilia)", employer_id="E-0003"),  # by id, whatever the name
        job(employer="  coop adriatica "),  # by name, matched to the register's E-0003
        job(employer="COOP ADRIATICA"),
        job(employer="Forno Navile"),  # not the register's "Forno"
        job(employer="forno navile\t"),
        job(employer="Straße Bar"),
        job(employer="STRASSE BAR"),  # case folding, not lowering
    ]
    it = item(run([worker(jobs)], fs(anna=1.0), register), "V9")
    assert it.detail["by_employer"] == {"E-0003": 4, "name:forno navile": 2, "name:strasse bar": 2}
    assert it.value == Fraction(3, 8) and it.score == 1
    assert it.detail["largest_share"] == Fraction(1, 2)


@pytest.mark.parametrize(
    ("jobs", "competitive", "score"),
    [
        (20, 20, 5),
        (20, 19, 5),
        (20, 18, 4),
        (20, 17, 4),
        (20, 16, 3),
        (20, 15, 3),
        (25, 16, 2),
        (20, 14, 2),
        (25, 15, 1),
        (1, 0, 1),
    ],
)
def test_v10_bands(jobs: int, competitive: int, score: int) -> None:
    js = [job(employer=f"E{i}", competitive=i < competitive) for i in range(jobs)]
    it = item(run([worker(js)], fs(anna=1.0)), "V10")
    assert (it.value, it.score, it.n) == (Fraction(competitive, jobs), score, jobs)


@pytest.mark.parametrize(
    ("start", "counted"),
    [
        (YEAR_AGO, False),
        (YEAR_AGO + timedelta(days=1), True),
        (R, True),
        (R + timedelta(days=1), False),
    ],
)
def test_jobs_started_in_the_last_12_months(start: date, counted: bool) -> None:
    review = run([worker([job(start=start, job_type="52")])], fs(anna=1.0))
    assert [review.get(i).n for i in ("V8", "V9", "V10", "V1")] == [int(counted)] * 4


def test_job_items_with_no_jobs_have_no_value_and_no_score() -> None:
    review = run([worker([job(start=LONG_AGO)])], fs(anna=1.0))
    for i in ("V8", "V9", "V10"):
        assert (review.get(i).value, review.get(i).score, review.get(i).n) == (None, None, 0)


# ---------------------------------------------------------------- evidence


@pytest.mark.parametrize(
    ("extra", "met"),
    [
        ({"benefits_counseling_on": START}, True),
        ({"benefits_counseling_on": START - timedelta(days=90)}, True),
        ({"benefits_counseling_on": START - timedelta(days=91)}, False),
        ({"benefits_counseling_on": START + timedelta(days=1)}, False),
        ({"contacts": [{"on": START - timedelta(days=30), "kind": "benefits"}]}, True),
        ({"contacts": [{"on": START - timedelta(days=30), "kind": "meeting"}]}, False),
        ({}, False),
    ],
)
def test_v1_benefits_before_the_start(extra: dict[str, Any], met: bool) -> None:
    p = person("P-1", jobs=[job()], **extra)
    it = item(run([p], fs(anna=1.0)), "V1")
    assert (it.value, it.n, it.score) == (Fraction(int(met)), 1, None)


def test_v1_uses_benefits_before_job_days() -> None:
    s, data = team(anna=1.0)
    data["rules"] = {"benefits_before_job_days": 30}
    s = Settings.from_dict(data)
    p = person("P-1", jobs=[job()], benefits_counseling_on=START - timedelta(days=31))
    assert item(compute([p], [], settings_from(s, data), Q, TODAY), "V1").value == 0


END = R - timedelta(days=60)


@pytest.mark.parametrize(
    ("end", "updated", "met", "counted"),
    [
        (END, END, True, True),
        (END, END + timedelta(days=30), True, True),
        (END, END + timedelta(days=31), False, True),
        (END, END - timedelta(days=1), False, True),
        (END, None, False, True),
        (YEAR_AGO, YEAR_AGO + timedelta(days=1), False, False),  # end outside the window
        (R, R + timedelta(days=1), False, True),  # an update after R is not seen yet
    ],
)
def test_v3_career_profile_after_a_job(
    end: date, updated: date | None, met: bool, counted: bool
) -> None:
    kw = {} if updated is None else {"career_profile_updated_on": updated}
    p = person("P-1", jobs=[job(start=LONG_AGO, end=end)], **kw)
    it = item(run([p], fs(anna=1.0)), "V3")
    assert it.n == int(counted)
    if counted:
        assert it.value == int(met)


@pytest.mark.parametrize(
    ("jobs", "contact", "closure", "n", "value"),
    [
        ([job(start=LONG_AGO)], R - timedelta(days=29), None, 1, 1),
        ([job(start=LONG_AGO)], R - timedelta(days=30), None, 1, 0),  # (R - 30, R]
        ([job(start=LONG_AGO)], R + timedelta(days=1), None, 1, 0),
        ([job(start=LONG_AGO, end=R)], R, None, 1, 1),  # a job ending on R is held on R
        ([job(start=LONG_AGO, end=R - timedelta(days=1))], R, None, 0, None),
        ([job(start=R + timedelta(days=1))], R, None, 0, None),
        ([job(start=LONG_AGO)], R, R, 0, None),  # closed on R
    ],
)
def test_v12_follow_along(jobs, contact, closure, n, value) -> None:
    kw: dict[str, Any] = {"jobs": jobs, "contacts": [{"on": contact, "kind": "meeting"}]}
    if closure:
        kw |= {"phase": "closed", "closure": {"on": closure, "reason": "request"}}
    it = item(run([person("P-1", **kw)], fs(anna=1.0)), "V12")
    assert (it.n, it.value) == (n, value)


# ---------------------------------------------------------------- the whole review


def test_json_shape_and_partial_sum() -> None:
    ps = people(22, "anna") + [searcher("S-1", 10)]
    review = run(ps, fs(anna=1.0))
    out = review.to_json()
    assert list(out) == ["quarter", "report_date", "items", "evidence"]
    assert out["quarter"] == "2026Q4" and out["report_date"] == "2026-11-16"
    assert [i["id"] for i in out["items"]] == ["S1", "V4", "V6", "V8", "V9", "V10"]
    assert [i["id"] for i in out["evidence"]] == ["V1", "V3", "V12"]
    assert all(list(i) == ["id", "value", "score", "n", "detail"] for i in out["items"])
    assert all(list(i) == ["id", "value", "n"] for i in out["evidence"])
    # S1 23 -> 4, V4 10 days -> 5, V6 0 a week -> 1; no jobs: V8, V9, V10 unscored.
    assert [i["score"] for i in out["items"]] == [4, 5, 1, None, None, None]
    assert (review.total, review.out_of) == (10, 15)
    text = fidelity.to_table(review, fs(anna=1.0))
    assert "Partial sum: 10 out of 15" in text
    for word in ("fair", "good", "exemplary", "74", "100", "115"):
        assert word not in text.lower()


def test_past_quarter_is_as_of_its_end() -> None:
    # 2026Q2 ends 2026-06-30: a contact in (R - 28, R] of that R, none in today's window.
    q2_end = date(2026, 6, 30)
    p = person("P-1", contacts=[{"on": q2_end, "kind": "employer", "by": "anna"}])
    review = compute([p], [], fs(anna=1.0), Quarter(2026, 2), TODAY)
    assert review.report_date == q2_end
    assert review.get("V6").value == Fraction(1, 4)
    assert run([p], fs(anna=1.0)).get("V6").value == 0


@pytest.mark.parametrize(
    ("bands", "error"),
    [
        ({"S1": [10, 15, 20, 25]}, None),
        ({"V6": [8, 6, 4, 2]}, None),
        ({"S1": [25, 20, 30, 40]}, "must rise"),
        ({"V9": [0.5, 0.6, 0.7, 0.85]}, "must fall"),
        ({"V4": [30, 60]}, "four numbers"),
        ({"V4": [30, 60, "x", 90]}, "four numbers"),
    ],
)
def test_bands_from_caseload_toml(bands: dict[str, Any], error: str | None) -> None:
    s, data = team(anna=1.0)
    data["fidelity"] = bands
    if error:
        with pytest.raises(ValueError, match=error):
            settings_from(s, data)
        return
    got = settings_from(s, data)
    for k, v in bands.items():
        assert got.bands[k] == tuple(Fraction(str(x)) for x in v)
    review = compute(people(12), [], got, Q, TODAY)
    if "S1" in bands:
        assert review.get("S1").score == 4  # 12 <= 15 with edges 10 / 15 / 20 / 25


def test_explain_lists_the_records_behind_an_item() -> None:
    ps = people(2, "anna") + [searcher("S-1", 12)]
    review = run(ps, fs(anna=1.0))
    text = fidelity.explain(review.get("S1"), "table")
    assert "P-anna-0" in text and "P-anna-1" in text and "S-1" in text
    csv_text = fidelity.explain(review.get("V4"), "csv")
    assert csv_text.splitlines()[0] == "participant,enrolled_on,first_employer_contact_on,days"
    assert csv_text.splitlines()[1].endswith(",12")
    with pytest.raises(ValueError, match="unknown fidelity item"):
        review.get("V99")


def test_wrong_types_are_ignored_not_a_crash() -> None:
    bad = person(
        "P-1",
        referred_on="2026-01-01",
        enrolled_on=date(2026, 10, 1),
        first_employer_contact_on="soon",
        jobs=[{"employer": 3, "start": "2026-10-01"}, "not a job", job(end="later")],
        contacts=["x", {"on": None, "kind": "employer"}],
    )
    review = run([bad, "not a participant"], fs(anna=1.0), ["x", {"id": 5}])
    assert review.get("S1").value == 0 and review.get("V9").n == 0
