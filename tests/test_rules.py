"""Deadline rules of SPEC §4, each at its boundaries, and the agenda."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ipstui.core import rules
from ipstui.core.model import Settings
from ipstui.core.rules import DUE_SOON, OVERDUE, UPCOMING, agenda, deadlines

D0 = date(2026, 6, 1)  # an anchor date far from any real "today"
DEFAULT = Settings.from_dict({"due_soon_days": 3})


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def person(phase: str = "job_search", **fields: Any) -> dict[str, Any]:
    """A valid participant with no deadline of its own; `fields` add what a test needs."""
    data: dict[str, Any] = {
        "schema": 1,
        "id": fields.pop("id", "P-0001"),
        "name": "Test",
        "specialist": fields.pop("specialist", "anna"),
        "phase": phase,
        "phase_since": D0,
        "notes": "",
    }
    data.update(fields)
    return data


def contact(on: date, kind: str = "phone") -> dict[str, Any]:
    return {"on": on, "kind": kind, "by": "anna"}


def job(start: date, end: date | None = None, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"employer": "Coop", "start": start, "competitive": True}
    if end is not None:
        out["end"] = end
        out["end_reason"] = "ended"
    out.update(kw)
    return out


def found(
    data: dict[str, Any], settings: Settings = DEFAULT, today: date = D0
) -> list[tuple[str, date]]:
    return sorted((d.rule, d.due) for d in deadlines(data, settings, today))


def of_rule(
    rule: str, data: dict[str, Any], settings: Settings = DEFAULT, today: date = D0
) -> list[date]:
    return sorted(d.due for d in deadlines(data, settings, today) if d.rule == rule)


def with_rules(**overrides: Any) -> Settings:
    return Settings.from_dict({"due_soon_days": 3, "rules": overrides})


# --------------------------------------------------------------------------------
# One fixture per rule: a participant for which exactly that rule yields exactly
# one deadline, and the due date the rule must compute.
# --------------------------------------------------------------------------------

RuleCase = tuple[str, dict[str, Any], date, Settings]

RULE_CASES: list[RuleCase] = [
    ("first_contact", person("intake", referred_on=day(0)), day(7), DEFAULT),
    (
        "first_employer_contact",
        person("plan", enrolled_on=day(0), first_contact_on=day(0)),
        day(30),
        DEFAULT,
    ),
    (
        "benefits_before_job",
        person(
            "follow_up",
            jobs=[job(day(0))],
            contacts=[contact(day(1))],
        ),
        day(0),
        with_rules(job_start_support=False),
    ),
    (
        "job_start_support",
        person("follow_up", jobs=[job(day(0))]),
        day(3),
        with_rules(benefits_before_job=False),
    ),
    ("stay_in_touch", person("engagement", contacts=[contact(day(0))]), day(14), DEFAULT),
    (
        "career_profile_after_job",
        person("follow_up", jobs=[job(day(-100), day(0))]),
        day(30),
        DEFAULT,
    ),
    (
        "program_review",
        person("follow_up", enrolled_on=day(0), first_employer_contact_on=day(1)),
        day(365),
        with_rules(program_review=True),
    ),
    ("task", person("follow_up", tasks=[{"due": day(0), "what": "call"}]), day(0), DEFAULT),
]
RULE_IDS = [c[0] for c in RULE_CASES]


@pytest.mark.parametrize(("rule", "data", "due", "settings"), RULE_CASES, ids=RULE_IDS)
def test_each_rule_alone_computes_its_due_date(
    rule: str, data: dict[str, Any], due: date, settings: Settings
) -> None:
    assert found(data, settings) == [(rule, due)]


@pytest.mark.parametrize(("rule", "data", "due", "settings"), RULE_CASES, ids=RULE_IDS)
@pytest.mark.parametrize(
    ("today_offset", "state"),
    [
        (-5, UPCOMING),  # due = today + 5
        (-4, UPCOMING),  # due = today + 4: just outside due_soon_days = 3
        (-3, DUE_SOON),  # due = today + 3: the due_soon edge
        (-1, DUE_SOON),  # day before the due date
        (0, DUE_SOON),  # the due date itself
        (1, OVERDUE),  # day after
        (40, OVERDUE),
    ],
)
def test_each_rule_state_at_the_boundaries(
    rule: str, data: dict[str, Any], due: date, settings: Settings, today_offset: int, state: str
) -> None:
    today = due + timedelta(days=today_offset)
    (d,) = deadlines(data, settings, today)
    assert (d.rule, d.due, d.state) == (rule, due, state)
    assert d.participant == "P-0001" and d.specialist == "anna"
    assert rules.state_of(due, today, 3) == state


@pytest.mark.parametrize(("rule", "data", "due", "settings"), RULE_CASES, ids=RULE_IDS)
def test_each_rule_can_be_switched_off(
    rule: str, data: dict[str, Any], due: date, settings: Settings
) -> None:
    off = Settings.from_dict({"rules": {**_overrides(settings), rule: False}})
    assert found(data, off) == []


def _overrides(settings: Settings) -> dict[str, Any]:
    return {k: v for k, v in settings.rules_on.items() if v != DEFAULT.rules_on[k]}


@pytest.mark.parametrize(
    ("rule", "days", "expected"),
    [
        ("first_contact", 10, day(10)),
        ("first_employer_contact", 45, day(45)),
        ("stay_in_touch", 21, day(21)),
        ("career_profile_after_job", 60, day(60)),
        ("program_review", 180, day(180)),
    ],
)
def test_days_override_changes_n(rule: str, days: int, expected: date) -> None:
    (_, data, _, settings) = next(c for c in RULE_CASES if c[0] == rule)
    tuned = Settings.from_dict({"rules": {**_overrides(settings), f"{rule}_days": days}})
    assert found(data, tuned) == [(rule, expected)]


def test_due_soon_days_setting_moves_the_edge() -> None:
    data = person("intake", referred_on=day(0))  # due day(7)
    wide = Settings.from_dict({"due_soon_days": 10})
    assert deadlines(data, wide, day(-3))[0].state == DUE_SOON  # due = today + 10
    assert deadlines(data, wide, day(-4))[0].state == UPCOMING  # due = today + 11
    zero = Settings.from_dict({"due_soon_days": 0})
    assert deadlines(data, zero, day(7))[0].state == DUE_SOON
    assert deadlines(data, zero, day(6))[0].state == UPCOMING


def test_defaults_match_spec() -> None:
    s = Settings.from_dict({})
    assert s.due_soon_days == 3 and s.max_caseload == 20
    assert s.rules_on["program_review"] is False
    assert all(v for k, v in s.rules_on.items() if k != "program_review")
    assert s.rule_days == {
        "first_contact": 7,
        "first_employer_contact": 30,
        "benefits_before_job": 90,
        "job_start_support": (3, 7, 30),
        "stay_in_touch": 14,
        "career_profile_after_job": 30,
        "program_review": 365,
    }


# ------------------------------------------------------------------ first_contact


@pytest.mark.parametrize(
    ("extra", "open_"),
    [
        ({}, True),
        ({"contacts": [contact(day(0))]}, False),  # contact on referred_on
        ({"contacts": [contact(day(1), "message")]}, False),  # any kind, after
        ({"contacts": [contact(day(1), "team")]}, False),
        ({"contacts": [contact(day(-1))]}, True),  # before the referral: does not count
        ({"first_contact_on": day(3)}, False),  # field set: rule does not apply
    ],
)
def test_first_contact_satisfied_by(extra: dict[str, Any], open_: bool) -> None:
    data = person("intake", referred_on=day(0), **extra)
    assert of_rule("first_contact", data) == ([day(7)] if open_ else [])


def test_first_contact_needs_referred_on() -> None:
    assert of_rule("first_contact", person("intake")) == []


# --------------------------------------------------------- first_employer_contact


@pytest.mark.parametrize(
    ("extra", "open_"),
    [
        ({}, True),
        ({"contacts": [contact(day(0), "employer")]}, False),  # on enrolled_on
        ({"contacts": [contact(day(12), "employer")]}, False),
        ({"contacts": [contact(day(-1), "employer")]}, True),  # the day before
        ({"contacts": [contact(day(1), "phone")]}, True),  # not an employer contact
        ({"contacts": [contact(day(1), "meeting"), contact(day(2), "team")]}, True),
        ({"first_employer_contact_on": day(5)}, False),
    ],
)
def test_first_employer_contact_satisfied_by(extra: dict[str, Any], open_: bool) -> None:
    data = person("job_search", enrolled_on=day(0), **extra)
    assert of_rule("first_employer_contact", data) == ([day(30)] if open_ else [])


# ------------------------------------------------------------ benefits_before_job


@pytest.mark.parametrize(
    ("benefits", "open_"),
    [
        (None, True),
        (-90, False),  # exactly start - 90: inside the window
        (-91, True),  # one day too early
        (-30, False),
        (0, False),  # on the start date
        (1, True),  # after the start: too late for this job
    ],
)
def test_benefits_before_job_window(benefits: int | None, open_: bool) -> None:
    start = day(0)
    extra = {} if benefits is None else {"benefits_counseling_on": start + timedelta(benefits)}
    data = person("follow_up", jobs=[job(start)], **extra)
    assert of_rule("benefits_before_job", data) == ([start] if open_ else [])


def test_benefits_before_job_only_for_current_jobs() -> None:
    data = person("follow_up", jobs=[job(day(-200), day(-100)), job(day(0)), job(day(20))])
    ds = [d for d in deadlines(data, DEFAULT, D0) if d.rule == "benefits_before_job"]
    assert [(d.due, d.ref) for d in ds] == [(day(0), 1), (day(20), 2)]


def test_benefits_before_job_window_override() -> None:
    data = person("follow_up", jobs=[job(day(0))], benefits_counseling_on=day(-100))
    assert of_rule("benefits_before_job", data) == [day(0)]
    assert of_rule("benefits_before_job", data, with_rules(benefits_before_job_days=100)) == []
    assert of_rule("benefits_before_job", data, with_rules(benefits_before_job_days=99)) == [day(0)]


# -------------------------------------------------------------- job_start_support


@pytest.mark.parametrize(
    ("contacts", "due"),
    [
        ([], 3),  # no contact since start: start + 3
        ([-1], 3),  # contacts before the start are ignored
        ([-40, -1], 3),
        ([0], 7),  # L = start: L + 7
        ([2, 10], 17),  # L = start + 10: L + 7
        ([29], 36),  # L = start + 29 < start + 30: L + 7
        ([30], 60),  # L = start + 30: L + 30
        ([5, 45], 75),  # L = start + 45: L + 30
        ([45, 5], 75),  # the latest, whatever the order in the file
    ],
)
def test_job_start_support_three_regimes(contacts: list[int], due: int) -> None:
    data = person(
        "follow_up",
        jobs=[job(day(0))],
        contacts=[contact(day(n)) for n in contacts],
        benefits_counseling_on=day(-1),
    )
    assert of_rule("job_start_support", data) == [day(due)]


def test_job_start_support_none_for_ended_job() -> None:
    data = person("follow_up", jobs=[job(day(0), day(10))], career_profile_updated_on=day(10))
    assert found(data) == []


def test_job_start_support_per_current_job() -> None:
    data = person(
        "follow_up",
        jobs=[job(day(0)), job(day(20))],
        contacts=[contact(day(10))],
        benefits_counseling_on=day(0),
    )
    ds = [d for d in deadlines(data, DEFAULT, D0) if d.rule == "job_start_support"]
    # Job 0: L = day 10 < start + 30 -> day 17; job 1: no contact since day 20 -> day 23.
    assert sorted((d.ref, d.due) for d in ds) == [(0, day(17)), (1, day(23))]


@pytest.mark.parametrize(
    ("contacts", "due"),
    [
        ([], 2),  # start + a
        ([5], 10),  # L < start + 30 (and < start + c): L + b
        ([40], 60),  # L >= start + 30 (and >= start + c): L + c
    ],
)
def test_job_start_support_days_override(contacts: list[int], due: int) -> None:
    settings = with_rules(job_start_support_days=[2, 5, 20], benefits_before_job=False)
    data = person("follow_up", jobs=[job(day(0))], contacts=[contact(day(n)) for n in contacts])
    assert of_rule("job_start_support", data, settings) == [day(due)]


# ----------------------------------------------------------------- stay_in_touch


@pytest.mark.parametrize(
    ("phase", "applies"),
    [
        ("intake", True),
        ("engagement", True),
        ("assessment", True),
        ("plan", True),
        ("job_search", True),
        ("follow_up", False),
        ("closed", False),
    ],
)
def test_stay_in_touch_only_in_intake_to_job_search(phase: str, applies: bool) -> None:
    extra: dict[str, Any] = {}
    if phase == "closed":
        extra["closure"] = {"on": day(0), "reason": "moved"}
    data = person(phase, contacts=[contact(day(-5)), contact(day(0))], **extra)
    assert of_rule("stay_in_touch", data) == ([day(14)] if applies else [])


def test_stay_in_touch_needs_a_contact_and_uses_the_latest() -> None:
    assert of_rule("stay_in_touch", person("plan")) == []
    data = person("plan", contacts=[contact(day(3), "team"), contact(day(-10))])
    assert of_rule("stay_in_touch", data) == [day(17)]


# ------------------------------------------------------- career_profile_after_job


def test_career_profile_after_job_uses_latest_ended_job() -> None:
    data = person(
        "job_search",
        jobs=[job(day(-100), day(-5)), job(day(-300), day(-200)), job(day(1))],
        benefits_counseling_on=day(1),
        contacts=[contact(day(2))],
    )
    ds = [d for d in deadlines(data, DEFAULT, D0) if d.rule == "career_profile_after_job"]
    assert [(d.due, d.ref) for d in ds] == [(day(25), 0)]


def test_career_profile_after_job_latest_end_even_if_listed_first() -> None:
    data = person("job_search", jobs=[job(day(-50), day(0)), job(day(-300), day(-200))])
    assert of_rule("career_profile_after_job", data) == [day(30)]


@pytest.mark.parametrize(
    ("updated", "open_"),
    [(None, True), (-1, True), (0, False), (4, False), (-150, True)],
)
def test_career_profile_after_job_satisfied_by_update_on_or_after_end(
    updated: int | None, open_: bool
) -> None:
    extra = {} if updated is None else {"career_profile_updated_on": day(updated)}
    data = person("job_search", jobs=[job(day(-100), day(0))], **extra)
    assert of_rule("career_profile_after_job", data) == ([day(30)] if open_ else [])


def test_career_profile_after_job_needs_an_ended_job() -> None:
    data = person("follow_up", jobs=[job(day(0))], benefits_counseling_on=day(0))
    assert of_rule("career_profile_after_job", data) == []


# ------------------------------------------------------------------ program_review

REVIEW = with_rules(program_review=True)


@pytest.mark.parametrize(
    ("contacts", "open_"),
    [
        ([], True),
        ([(335, "team")], False),  # due - 30: inside the window
        ([(334, "team")], True),  # due - 31: too early
        ([(365, "team")], False),  # on the due date
        ([(400, "team")], False),  # after it
        ([(360, "meeting")], True),  # not a team contact
        ([(10, "team"), (360, "employer")], True),
    ],
)
def test_program_review_satisfied_by_team_contact(
    contacts: list[tuple[int, str]], open_: bool
) -> None:
    data = person(
        "follow_up",
        enrolled_on=day(0),
        first_employer_contact_on=day(1),
        contacts=[contact(day(n), k) for n, k in contacts],
    )
    today = day(300)
    got = [d.due for d in deadlines(data, REVIEW, today) if d.rule == "program_review"]
    assert got == ([day(365)] if open_ else [])


def test_program_review_off_by_default_and_needs_enrolled_on() -> None:
    data = person("follow_up", enrolled_on=day(0), first_employer_contact_on=day(1))
    assert of_rule("program_review", data) == []
    assert of_rule("program_review", data, REVIEW) == [day(365)]
    assert of_rule("program_review", person("follow_up"), REVIEW) == []


def test_program_review_window_moves_with_days() -> None:
    data = person(
        "follow_up",
        enrolled_on=day(0),
        first_employer_contact_on=day(1),
        contacts=[contact(day(70), "team")],
    )
    tuned = with_rules(program_review=True, program_review_days=100)
    assert of_rule("program_review", data, tuned) == []  # day 70 = due - 30
    tuned = with_rules(program_review=True, program_review_days=101)
    assert of_rule("program_review", data, tuned) == [day(101)]


# -------------------------------------------------------------------------- task


def test_tasks_open_and_done() -> None:
    data = person(
        "follow_up",
        tasks=[
            {"due": day(5), "what": "a"},
            {"due": day(1), "what": "b", "done_on": day(0)},
            {"due": day(-2), "what": "c"},
        ],
    )
    ds = [d for d in deadlines(data, DEFAULT, D0) if d.rule == "task"]
    assert [(d.due, d.ref, d.what, d.state) for d in ds] == [
        (day(-2), 2, "c", OVERDUE),
        (day(5), 0, "a", UPCOMING),
    ]


# --------------------------------------------------------------- suspended, closed

BUSY = dict(
    referred_on=day(0),
    enrolled_on=day(0),
    contacts=[contact(day(-1))],
    jobs=[job(day(0)), job(day(-100), day(-10))],
    tasks=[{"due": day(4), "what": "t"}, {"due": day(1), "what": "done", "done_on": day(0)}],
)


def test_busy_participant_has_every_rule() -> None:
    rules_found = {r for r, _ in found(person("job_search", **BUSY), REVIEW)}
    assert rules_found == {
        "first_contact",
        "first_employer_contact",
        "benefits_before_job",
        "job_start_support",
        "stay_in_touch",
        "career_profile_after_job",
        "program_review",
        "task",
    }


@pytest.mark.parametrize("phase", ["intake", "job_search", "follow_up"])
def test_suspended_keeps_only_tasks(phase: str) -> None:
    data = person(phase, suspension={"since": day(-3), "reason": "relapse"}, **BUSY)
    assert found(data, REVIEW) == [("task", day(4))]


def test_closed_has_none_not_even_tasks() -> None:
    data = person("closed", closure={"on": day(0), "reason": "moved"}, **BUSY)
    assert found(data, REVIEW) == []
    suspended_closed = {**data, "suspension": {"since": day(-3), "reason": "other"}}
    assert found(suspended_closed, REVIEW) == []


def test_task_rule_can_be_switched_off_for_suspended() -> None:
    data = person("plan", suspension={"since": day(-3), "reason": "request"}, **BUSY)
    assert found(data, with_rules(task=False)) == []


def test_bad_override_values_fall_back_to_defaults() -> None:
    s = Settings.from_dict(
        {
            "rules": {
                "first_contact_days": "10",
                "job_start_support_days": [1, 2],
                "stay_in_touch": "no",
            }
        }
    )
    assert s.rule_days["first_contact"] == 7
    assert s.rule_days["job_start_support"] == (3, 7, 30)
    assert s.rules_on["stay_in_touch"] is True


# ------------------------------------------------------------------------- agenda


def _agenda_people() -> list[dict[str, Any]]:
    return [
        person("intake", id="P-0001", referred_on=day(-20)),  # first_contact day -13: overdue
        person("intake", id="P-0002", specialist="mette", referred_on=day(-5)),  # day 2
        person(
            "follow_up",
            id="P-0003",
            specialist="mette",
            tasks=[{"due": day(-1), "what": "x"}, {"due": day(30), "what": "y"}],
        ),
        person("plan", id="P-0004", contacts=[contact(day(-4))]),  # stay_in_touch day 10
        person(
            "closed", id="P-0005", referred_on=day(-50), closure={"on": day(0), "reason": "moved"}
        ),
    ]


def test_agenda_overdue_first_then_by_due_date() -> None:
    items = agenda(_agenda_people(), DEFAULT, D0)
    assert [(d.participant, d.rule, d.due, d.state) for d in items] == [
        ("P-0001", "first_contact", day(-13), OVERDUE),
        ("P-0003", "task", day(-1), OVERDUE),
        ("P-0002", "first_contact", day(2), DUE_SOON),
        ("P-0004", "stay_in_touch", day(10), UPCOMING),
        ("P-0003", "task", day(30), UPCOMING),
    ]
    ranks = [rules.STATE_RANK[d.state] for d in items]
    assert ranks == sorted(ranks)
    overdue = [d.due for d in items if d.state == OVERDUE]
    assert overdue == sorted(overdue)


def test_agenda_specialist_filter() -> None:
    items = agenda(_agenda_people(), DEFAULT, D0, specialist="mette")
    assert [(d.participant, d.rule) for d in items] == [
        ("P-0003", "task"),
        ("P-0002", "first_contact"),
        ("P-0003", "task"),
    ]
    assert {d.specialist for d in items} == {"mette"}
    assert agenda(_agenda_people(), DEFAULT, D0, specialist="nobody") == []


def test_agenda_json_shape() -> None:
    (first, *_) = agenda(_agenda_people(), DEFAULT, D0)
    assert first.to_json() == {
        "participant": "P-0001",
        "specialist": "anna",
        "rule": "first_contact",
        "due": day(-13).isoformat(),
        "state": "overdue",
    }


@pytest.mark.parametrize(
    ("offset", "words"), [(-2, "2d overdue"), (0, "due today"), (3, "due in 3d")]
)
def test_deadline_words(offset: int, words: str) -> None:
    d = rules.Deadline("P-1", "anna", "task", day(offset), rules.state_of(day(offset), D0, 3))
    assert d.words(D0) == words


def test_most_urgent() -> None:
    data = person("follow_up", tasks=[{"due": day(9), "what": "a"}, {"due": day(2), "what": "b"}])
    assert rules.most_urgent(data, DEFAULT, D0).due == day(2)  # type: ignore[union-attr]
    assert rules.most_urgent(person("follow_up"), DEFAULT, D0) is None


def test_datetimes_and_strings_are_not_dates() -> None:
    """Broken values never crash the rules; they are ignored (validate reports them)."""
    from datetime import datetime

    data = person(
        "intake",
        referred_on=datetime(2026, 6, 1, 10, 0),
        contacts=[{"on": "2026-06-02", "kind": "phone"}, "junk"],
        tasks=[{"due": "2026-06-03", "what": "x"}],
    )
    assert found(data) == []
