#!/usr/bin/env python3
"""Generate the sample caseload in sample_caseload/ (deterministic).

The sample is a fictional IPS team in Bologna with about 60 participants in every
phase, written for the date `AS_OF`. `ipstui demo` shifts every date by
(today - as_of), so the data must only be consistent with AS_OF, never with the
real today. Names are pseudonyms, notes are invented: no real persons.

At AS_OF the caseload produces every deadline rule in every state (overdue,
due soon, upcoming); the generator checks this with ipstui's own rules and
refuses to write otherwise.

    python3 tools/make_sample.py            # (re)write sample_caseload/
    python3 tools/make_sample.py --check    # exit 1 if the files on disk differ
    python3 tools/make_sample.py --report   # also print who produces which deadline
    python3 tools/make_sample.py --history DIR   # also build DIR: the sample as a git
                                            # caseload with its past (one commit per step)
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ipstui.core import employers as employers_mod  # noqa: E402
from ipstui.core import fidelity  # noqa: E402
from ipstui.core.model import (  # noqa: E402
    BOARD_PHASES,
    PHASES,
    RULE_NAMES,
    SUB_KEYS,
    TOP_KEYS,
    Settings,
)
from ipstui.core.report import quarter_of  # noqa: E402
from ipstui.core.rules import deadlines  # noqa: E402
from ipstui.core.storage import dumps, dumps_plain  # noqa: E402

AS_OF = date(2026, 11, 16)
SEED = 20261116
STATES = ("overdue", "due_soon", "upcoming")

TEAM: dict[str, dict[str, Any]] = {
    "anna": {"name": "Anna Bianchi", "email": "anna@example.org", "fte": 1.0},
    "mette": {"name": "Mette Kjærgaard", "email": "mette@example.org", "fte": 0.8},
    "lars": {"name": "Lars Lindqvist", "email": "lars@example.org", "fte": 1.0},
    "sofia": {"name": "Sofia Conti", "email": "sofia@example.org", "max_caseload": 10, "fte": 0.5},
}

CASELOAD: dict[str, Any] = {
    "schema": 1,
    "name": "IPS team Bologna Nord",
    "as_of": AS_OF,
    "due_soon_days": 3,
    "max_caseload": 20,
    "referral_sources": ["CSM", "SerDP", "Social services", "Self"],
    "team": TEAM,
    "rules": {"program_review": True, "program_review_days": 365},
}

NAMES = [
    # Italian
    "Giulia R.", "Marco B.", "Chiara F.", "Luca M.", "Francesca D.", "Davide P.",
    "Sara L.", "Matteo C.", "Elena V.", "Stefano G.", "Paola T.", "Andrea N.",
    "Silvia Z.", "Roberto A.", "Federica S.", "Alessandro B.", "Valentina M.",
    "Giorgio C.", "Martina P.", "Simone R.", "Lorenzo G.", "Beatrice O.",
    "Tommaso V.", "Noemi L.", "Riccardo F.", "Irene D.",
    # Danish
    "Mads K.", "Freja L.", "Rasmus H.", "Ida N.", "Jonas P.", "Line B.", "Kasper J.",
    "Sofie M.", "Mikkel T.", "Camilla S.", "Emil D.", "Louise A.", "Anders V.",
    "Signe F.", "Frederik Ø.", "Nanna R.", "Mathias G.",
    # Swedish
    "Elin S.", "Oskar L.", "Maja E.", "Erik J.", "Linnea B.", "Johan W.", "Astrid H.",
    "Gustav N.", "Klara F.", "Nils A.", "Ebba K.", "Viktor P.", "Saga M.", "Hugo T.",
    "Alva R.", "Axel B.", "Wilma D.",
]  # fmt: skip

NOTES: dict[str, list[str]] = {
    "meeting": [
        "Met at the library cafe; talked about what a good workday looks like.",
        "Walk in the park; discussed mornings versus evening shifts.",
        "Coffee near the bus station; went through the CV draft.",
        "Met at home; looked at job ads together.",
        "Met at the day centre; feeling more confident this week.",
        "Went through interview questions and practised answers.",
        "Talked about past jobs and why they ended.",
        "Planned which employers to visit next week.",
        "Short meeting at the CSM; mood stable.",
    ],
    "phone": [
        "Short call to confirm Thursday's meeting.",
        "Called to talk through yesterday's interview.",
        "Call: unsure about disclosure, will decide later.",
        "Check-in call; no news from the employers yet.",
        "Call to plan the bus route to the interview.",
    ],
    "message": [
        "Sent two job ads for bakery positions.",
        "Text reminder about the interview at 10:00.",
        "Shared the bus timetable for the new route.",
        "Sent the updated CV for a last look.",
        "Message: asked to move our meeting to Friday.",
    ],
    "outreach": [
        "No answer at home; left a note with the CSM nurse.",
        "Visited the day centre to reconnect.",
        "Dropped by the usual cafe; left a message with the barista.",
    ],
    "employer": [
        "Visited a bakery on Via Ferrarese; manager open to part-time help.",
        "Met the warehouse supervisor; they hire before the holidays.",
        "Talked to the hotel housekeeping lead about morning shifts.",
        "Visited a garden centre with the participant; good first impression.",
        "Dropped off the CV at two shops in Bolognina.",
        "Job development visit at a bike workshop; they may need help in spring.",
        "Introduced the participant to the manager of a small supermarket.",
    ],
    "team": [
        "CSM team meeting: shared the employment plan.",
        "Discussed progress with the psychiatrist and the case manager.",
        "Team meeting: medication change may cause tiredness for a few weeks.",
    ],
    "family": [
        "Met the mother; she supports the idea of part-time work.",
        "Call with the brother about transport to work.",
        "Family meeting at home; everyone on board with the job search.",
    ],
    "benefits": [
        "Benefits counselling: how earnings affect the disability allowance.",
        "Benefits session: checked the income limits for the new hours.",
    ],
}
# Notes for contacts while the participant is working (phase follow_up).
WORK_NOTES: dict[str, list[str]] = {
    "meeting": [
        "Met after the shift; work is going well, some tiredness.",
        "Met at the workplace during the break; settling in.",
        "Talked about asking for more hours.",
        "Lunch near work; talked about a difficult colleague.",
        "Short meeting at the CSM; mood stable.",
    ],
    "phone": [
        "Call: the new schedule is working out.",
        "Call after work: a good week.",
        "Call: worried about the probation review, talked it through.",
    ],
    "message": [
        "Message: asked to move our meeting to Friday.",
        "Sent the payslip questions to the benefits office.",
    ],
    "employer": [
        "Employer follow-up: happy with the work so far.",
        "Met the supervisor to agree on the training plan.",
        "Checked in with the supervisor about the holiday rota.",
    ],
    "team": [
        "Team meeting: doing well at work, no changes to the plan.",
        "Discussed work stress with the case manager.",
    ],
}
PARTICIPANT_NOTES = [
    "Prefers meetings outside the CSM.",
    "Best reached by text message in the morning.",
    "Has a dog; needs to be home by mid-afternoon.",
    "Worked in restaurants for ten years before the illness.",
    "Takes the bus; no driving licence.",
    "Wants to tell the employer only after the trial period.",
    "Studying Italian in the evenings.",
    "Likes to bring a friend to the first meetings.",
]
FIRST_NOTES = [
    "First contact: agreed to meet.",
    "First call: agreed to meet at the CSM next week.",
    "First contact: curious about IPS, wants to hear more.",
]

GOALS = [
    "warehouse work", "gardening", "kitchen work", "retail", "cleaning", "bike repair",
    "office work", "working with animals", "hotel housekeeping", "driving deliveries",
    "bookshop", "barista", "part-time mornings", "IT support", "caring work",
]  # fmt: skip
STRENGTHS = [
    "punctual", "likes physical work", "good with customers", "careful and precise",
    "speaks three languages", "calm under pressure", "handy with tools", "friendly",
    "reliable", "good memory for details", "enjoys routine", "strong work history",
    "driving licence", "curious and quick to learn",
]  # fmt: skip

PHASE_KINDS: dict[str, dict[str, int]] = {
    "intake": {"meeting": 4, "phone": 4, "message": 3, "outreach": 1, "family": 1},
    "engagement": {"meeting": 5, "phone": 3, "message": 2, "family": 1, "team": 1, "outreach": 1},
    "assessment": {"meeting": 5, "phone": 2, "message": 2, "team": 1, "family": 1},
    "plan": {"meeting": 5, "phone": 2, "message": 2, "team": 1, "family": 1},
    "job_search": {"meeting": 3, "phone": 2, "message": 2, "team": 1},
    "follow_up": {"meeting": 3, "phone": 3, "message": 2, "team": 1},
    "closed": {},
}
EMPLOYER_WEIGHT = {"engagement": 1, "assessment": 2, "plan": 2, "job_search": 5, "follow_up": 2}


def d(text: str) -> date:
    return date.fromisoformat(text)


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@dataclass
class Story:
    """One participant's history, built from explicit events and filled in with routine contacts."""

    rng: random.Random
    key: str
    specialist: str
    source: str
    referred: date
    timeline: list[tuple[date, str]] = field(default_factory=list)
    anchors: list[dict[str, Any]] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    enrolled: date | None = None
    employer_from: date | None = None
    benefits_on: date | None = None
    profile_on: date | None = None
    suspension: dict[str, Any] | None = None
    closure: dict[str, Any] | None = None
    no_review: bool = False
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.timeline.append((self.referred, "intake"))

    # -- events ------------------------------------------------------------
    def c(self, on: str, kind: str, note: str | None = None, by: str | None = None) -> Story:
        entry: dict[str, Any] = {"on": d(on), "kind": kind, "by": by or self.specialist}
        if note:
            entry["note"] = note
        self.anchors.append(entry)
        return self

    def first(self, on: str, kind: str = "phone", note: str | None = None) -> Story:
        return self.c(on, kind, note or self.rng.choice(FIRST_NOTES))

    def enrol(self, on: str, note: str | None = None) -> Story:
        self.enrolled = d(on)
        self.phase(on, "engagement")
        return self.c(on, "meeting", note or "Enrolment meeting: agreed to start IPS.")

    def phase(self, on: str, phase: str) -> Story:
        assert phase in PHASES, phase
        self.timeline.append((d(on), phase))
        return self

    def employer(self, on: str, note: str | None = None) -> Story:
        if self.employer_from is None or d(on) < self.employer_from:
            self.employer_from = d(on)
        return self.c(on, "employer", note or self.rng.choice(NOTES["employer"]))

    def benefits(self, on: str, note: str | None = None) -> Story:
        self.benefits_on = max(self.benefits_on or d(on), d(on))
        return self.c(on, "benefits", note or self.rng.choice(NOTES["benefits"]))

    def profile(self, on: str, note: str | None = None) -> Story:
        self.profile_on = max(self.profile_on or d(on), d(on))
        return self.c(on, "meeting", note or "Updated the career profile together.")

    def job(
        self,
        employer: str,
        title: str,
        start: str,
        hours: float,
        wage: float,
        *,
        end: str | None = None,
        end_reason: str | None = None,
        competitive: bool = True,
        first_day: bool = True,
    ) -> Story:
        job: dict[str, Any] = {"employer": employer, "title": title, "start": d(start)}
        if end:
            job["end"] = d(end)
        job["hours_per_week"] = hours
        job["hourly_wage"] = wage
        job["competitive"] = competitive
        if end_reason:
            job["end_reason"] = end_reason
        self.jobs.append(job)
        if first_day and d(start) <= AS_OF:
            self.c(start, "meeting", "First day at work; met the supervisor together.")
        return self

    def task(self, due: str, what: str, done_on: str | None = None) -> Story:
        t: dict[str, Any] = {"due": d(due), "what": what}
        if done_on:
            t["done_on"] = d(done_on)
        self.tasks.append(t)
        return self

    def suspend(self, since: str, reason: str) -> Story:
        self.suspension = {"since": d(since), "reason": reason}
        return self

    def close(self, on: str, reason: str, note: str, kind: str = "meeting") -> Story:
        self.closure = {"on": d(on), "reason": reason}
        self.phase(on, "closed")
        return self.c(on, kind, note)

    def set(self, **kw: Any) -> Story:
        self.extra.update(kw)
        return self

    # -- filling in --------------------------------------------------------
    def phase_at(self, day: date) -> str:
        current = "intake"
        for since, phase in sorted(self.timeline, key=lambda t: t[0]):
            if since <= day:
                current = phase
        return current

    def _kinds(self, day: date) -> dict[str, int]:
        phase = self.phase_at(day)
        kinds = dict(PHASE_KINDS[phase])
        if self.employer_from is not None and day > self.employer_from:
            kinds["employer"] = EMPLOYER_WEIGHT.get(phase, 0)
        if self.no_review and self.enrolled and day >= self.enrolled + timedelta(days=300):
            kinds.pop("team", None)
        return {k: w for k, w in kinds.items() if w}

    def _gap(self, day: date) -> int:
        phase = self.phase_at(day)
        if phase == "follow_up":
            if any(j["start"] <= day < j["start"] + timedelta(days=30) for j in self.jobs):
                return self.rng.randint(5, 8)
            return self.rng.randint(14, 28)
        if phase == "job_search":
            return self.rng.randint(5, 10)
        return self.rng.randint(5, 12)

    def _routine(self, day: date) -> dict[str, Any]:
        kinds = self._kinds(day)
        kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
        by = self.specialist
        if self.rng.random() < 0.07:
            by = self.rng.choice([k for k in TEAM if k != self.specialist])
        entry: dict[str, Any] = {"on": day, "kind": kind, "by": by}
        if self.rng.random() < 0.85:
            working = self.phase_at(day) == "follow_up" and kind in WORK_NOTES
            entry["note"] = self.rng.choice(WORK_NOTES[kind] if working else NOTES[kind])
        return entry

    def _add_review(self) -> None:
        """The yearly program review with the clinical team, when it is past."""
        if self.enrolled is None or self.no_review:
            return
        due = self.enrolled + timedelta(days=365)
        on = weekday_on_or_after(due - timedelta(days=self.rng.randint(6, 20)))
        last = max(a["on"] for a in self.anchors)
        if on > min(last, AS_OF):
            return
        if self.closure and on > self.closure["on"]:
            return
        if self.suspension and on >= self.suspension["since"]:
            return
        self.c(on.isoformat(), "team", "Yearly program review with the CSM team: continue IPS.")

    def _fill(self) -> list[dict[str, Any]]:
        anchors = sorted(self.anchors, key=lambda a: a["on"])
        if not anchors:
            return []
        out: list[dict[str, Any]] = []
        stop = self.suspension["since"] if self.suspension else None
        for a, b in zip(anchors, anchors[1:], strict=False):
            out.append(a)
            end = b["on"] if stop is None else min(b["on"], stop)
            day = a["on"]
            while True:
                day = weekday_on_or_after(day + timedelta(days=self._gap(day)))
                if day >= end - timedelta(days=1):
                    break
                out.append(self._routine(day))
        out.append(anchors[-1])
        return out

    def _auto_fields(self, phase: str) -> None:
        rank = PHASES.index(phase) if phase != "closed" else self._rank_before_closed()
        rng = self.rng
        if self.profile_on is None and rank >= PHASES.index("assessment"):
            start = next((s for s, p in self.timeline if p == "assessment"), None)
            base = start if start is not None else (self.enrolled or self.referred)
            on = weekday_on_or_after(base + timedelta(days=rng.randint(10, 20)))
            if on <= AS_OF:
                self.profile(on.isoformat())
        if not self.notes and rng.random() < 0.3:
            self.notes = rng.choice(PARTICIPANT_NOTES)
        if "goals" not in self.extra and rank >= PHASES.index("engagement"):
            self.extra["goals"] = rng.sample(GOALS, rng.randint(1, 3))
        if "strengths" not in self.extra and rank >= PHASES.index("assessment"):
            self.extra["strengths"] = rng.sample(STRENGTHS, rng.randint(1, 3))
        if "disclosure" not in self.extra and rank >= PHASES.index("assessment"):
            self.extra["disclosure"] = rng.choices(
                ("yes", "no", "undecided"), weights=(3, 3, 2 if rank < 3 else 1)
            )[0]
        if "support_mode" not in self.extra and rank >= PHASES.index("plan"):
            self.extra["support_mode"] = rng.choices(
                ("direct", "behind_the_scenes"), weights=(7, 3)
            )[0]

    def _rank_before_closed(self) -> int:
        phases = [p for _, p in sorted(self.timeline, key=lambda t: t[0]) if p != "closed"]
        return PHASES.index(phases[-1]) if phases else 0

    def build(self, pid: str, name: str) -> dict[str, Any]:
        since, phase = sorted(self.timeline, key=lambda t: t[0])[-1]
        self._auto_fields(phase)
        self._add_review()
        contacts = self._fill()
        first_contact = next((c["on"] for c in contacts if c["on"] >= self.referred), None)
        first_employer = None
        if self.enrolled is not None:
            first_employer = next(
                (c["on"] for c in contacts if c["kind"] == "employer" and c["on"] >= self.enrolled),
                None,
            )
        values: dict[str, Any] = {
            "schema": 1,
            "id": pid,
            "name": name,
            "specialist": self.specialist,
            "phase": phase,
            "phase_since": since,
            "referral_source": self.source,
            "referred_on": self.referred,
            "first_contact_on": first_contact,
            "enrolled_on": self.enrolled,
            "first_employer_contact_on": first_employer,
            "benefits_counseling_on": self.benefits_on,
            "career_profile_updated_on": self.profile_on,
            "notes": self.notes,
            **self.extra,
        }
        data: dict[str, Any] = {k: values[k] for k in TOP_KEYS if values.get(k) is not None}
        data.update({k: v for k, v in self.extra.items() if k.startswith("x_")})
        if self.suspension:
            data["suspension"] = self.suspension
        if self.closure:
            data["closure"] = self.closure
        if contacts:
            data["contacts"] = [_ordered(c, "contacts") for c in contacts]
        if self.jobs:
            jobs = sorted(self.jobs, key=lambda j: j["start"])
            data["jobs"] = [_ordered(j, "jobs") for j in jobs]
        if self.tasks:
            data["tasks"] = [
                _ordered(t, "tasks") for t in sorted(self.tasks, key=lambda t: t["due"])
            ]
        return data


def _ordered(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: item[k] for k in SUB_KEYS[key] if k in item}


# ---------------------------------------------------------------- the roster


def roster(rng: random.Random) -> list[Story]:
    """Every participant's story. Keys: I intake, E engagement, A assessment, PL plan,
    J job search, F follow-up, C closed. Comments name the deadline a story is
    there to show at AS_OF."""
    out: list[Story] = []

    def new(key: str, spec: str, source: str, referred: str) -> Story:
        s = Story(rng, key, spec, source, d(referred))
        out.append(s)
        return s

    # ---- intake
    # first_contact overdue: referred 11-05, nobody reached yet
    new(
        "I1", "anna", "CSM", "2026-11-05"
    ).notes = "Prefers text messages; the CSM nurse has the number."
    # first_contact due soon
    new("I2", "mette", "SerDP", "2026-11-10")
    # first_contact upcoming
    new("I3", "lars", "Self", "2026-11-13").notes = "Saw the IPS leaflet at the job centre."
    new("I4", "anna", "Social services", "2026-11-16")
    (
        new("I5", "sofia", "CSM", "2026-10-28")
        .first("2026-10-30", "phone", "First call: agreed to meet next week.")
        .c("2026-11-04", "meeting", "First meeting at the library cafe.")
        .c("2026-11-10", "meeting", "Talked about earlier jobs in restaurants.")
        .set(goals=["kitchen work"])
    )
    # stay_in_touch due soon (last contact 11-03)
    (
        new("I6", "anna", "CSM", "2026-10-21")
        .first("2026-10-23", "phone", "First call: hesitant, wants to think about it.")
        .c("2026-11-03", "meeting", "Met at the CSM; open to trying, not sure when.")
    )

    # ---- engagement
    # first_employer_contact due soon (enrolled 10-19)
    (
        new("E1", "anna", "CSM", "2026-10-05")
        .first("2026-10-07")
        .enrol("2026-10-19")
        .c("2026-11-12", "meeting", "Talked about jobs close to home.")
    )
    # first_employer_contact upcoming (enrolled 11-02)
    (
        new("E2", "anna", "CSM", "2026-10-14")
        .first("2026-10-16")
        .enrol("2026-11-02")
        .c("2026-11-13", "meeting")
    )
    (
        new("E3", "lars", "SerDP", "2026-09-14")
        .first("2026-09-16")
        .enrol("2026-09-28")
        .employer("2026-10-20")
        .c("2026-11-09", "meeting")
    )
    # suspended (relapse): only tasks count
    (
        new("E4", "anna", "CSM", "2026-08-31")
        .first("2026-09-02")
        .enrol("2026-09-14")
        .employer("2026-10-06")
        .c("2026-10-19", "phone", "Call: not sleeping well, meeting postponed.")
        .suspend("2026-10-20", "relapse")
        .c("2026-11-05", "outreach", "Visited the ward with the CSM nurse; not ready yet.")
        .task("2026-11-20", "Check with the CSM nurse about resuming meetings")
    )
    (
        new("E5", "sofia", "Self", "2026-10-19")
        .first("2026-10-20")
        .enrol("2026-11-05")
        .c("2026-11-11", "meeting")
    )
    # stay_in_touch overdue (last contact 10-30)
    (
        new("E6", "mette", "Social services", "2026-09-21")
        .first("2026-09-24")
        .enrol("2026-10-05")
        .employer("2026-10-22")
        .c("2026-10-30", "phone", "Call: busy with a family matter, will call back.")
    )

    # ---- assessment
    # first_employer_contact overdue (enrolled 09-07, no employer contact yet)
    (
        new("A1", "anna", "CSM", "2026-08-24")
        .first("2026-08-26")
        .enrol("2026-09-07")
        .phase("2026-09-28", "assessment")
        .c("2026-11-12", "meeting", "Worried about interviews; wants to practise first.")
    )
    (
        new("A2", "mette", "CSM", "2026-07-06")
        .first("2026-07-08")
        .enrol("2026-07-20")
        .employer("2026-08-12")
        .phase("2026-08-10", "assessment")
        .profile("2026-10-28")
        .c("2026-11-09", "meeting")
        .task("2026-10-30", "Ask the school for the old diploma", "2026-10-29")
    )
    # suspended (team decision)
    (
        new("A3", "lars", "SerDP", "2026-06-15")
        .first("2026-06-17")
        .enrol("2026-06-29")
        .employer("2026-07-15")
        .phase("2026-07-27", "assessment")
        .c("2026-10-30", "team", "Team decision: pause IPS during the residential programme.")
        .suspend("2026-11-02", "team_decision")
        .task("2026-10-28", "Send the summary to the SerDP worker", "2026-10-27")
    )
    (
        new("A4", "sofia", "CSM", "2026-09-07")
        .first("2026-09-09")
        .enrol("2026-09-21")
        .employer("2026-10-05")
        .phase("2026-10-19", "assessment")
        .c("2026-11-06", "meeting")
    )
    (
        new("A5", "anna", "Social services", "2026-08-10")
        .first("2026-08-12")
        .enrol("2026-08-24")
        .employer("2026-09-10")
        .phase("2026-09-21", "assessment")
        .c("2026-11-13", "meeting")
    )
    # career_profile_after_job upcoming: non-competitive placement ended 10-30
    (
        new("A6", "lars", "CSM", "2026-05-04")
        .first("2026-05-06")
        .enrol("2026-05-18")
        .employer("2026-05-28")
        .phase("2026-06-01", "assessment")
        .profile("2026-06-10")
        .phase("2026-06-22", "plan")
        .job(
            "Cooperativa sociale Il Ponte",
            "Workshop assistant (traineeship)",
            "2026-07-01",
            20,
            4.5,
            end="2026-10-30",
            end_reason="traineeship ended",
            competitive=False,
        )
        .phase("2026-11-02", "assessment")
        .c("2026-11-12", "meeting", "Wants an ordinary job now; talked about what he learnt.")
    )

    # ---- plan
    # task overdue (due 11-13)
    (
        new("PL1", "anna", "CSM", "2026-06-01")
        .first("2026-06-03")
        .enrol("2026-06-15")
        .employer("2026-07-02")
        .phase("2026-07-06", "assessment")
        .phase("2026-09-14", "plan")
        .c("2026-11-10", "meeting")
        .task("2026-11-13", "Bring the draft CV to the CSM team meeting")
    )
    (
        new("PL2", "mette", "Self", "2026-07-27")
        .first("2026-07-28")
        .enrol("2026-08-10")
        .employer("2026-08-28")
        .phase("2026-08-31", "assessment")
        .phase("2026-10-19", "plan")
        .c("2026-11-09", "meeting")
    )
    (
        new("PL3", "lars", "CSM", "2026-05-11")
        .first("2026-05-13")
        .enrol("2026-05-25")
        .employer("2026-06-10")
        .phase("2026-06-22", "assessment")
        .phase("2026-09-07", "plan")
        .benefits("2026-10-14")
        .c("2026-11-11", "meeting")
    )
    (
        new("PL4", "sofia", "SerDP", "2026-08-17")
        .first("2026-08-19")
        .enrol("2026-08-31")
        .employer("2026-09-15")
        .phase("2026-09-21", "assessment")
        .phase("2026-11-02", "plan")
        .c("2026-11-13", "meeting")
    )
    (
        new("PL5", "anna", "CSM", "2026-04-13")
        .first("2026-04-15")
        .enrol("2026-04-27")
        .employer("2026-05-12")
        .phase("2026-05-25", "assessment")
        .phase("2026-08-03", "plan")
        .c("2026-11-11", "meeting")
    )
    (
        new("PL6", "mette", "CSM", "2026-02-09")
        .first("2026-02-11")
        .enrol("2026-02-23")
        .employer("2026-03-10")
        .phase("2026-03-16", "assessment")
        .phase("2026-04-20", "job_search")
        .benefits("2026-05-18")
        .job(
            "Trattoria Il Portico",
            "Dishwasher",
            "2026-06-01",
            24,
            9.1,
            end="2026-08-28",
            end_reason="quit: too many evening shifts",
        )
        .phase("2026-06-01", "follow_up")
        .phase("2026-08-31", "job_search")
        .profile("2026-09-15", "Career profile: daytime work only from now on.")
        .phase("2026-10-05", "plan")
        .c("2026-11-10", "meeting")
    )

    # ---- job search
    # benefits_before_job due soon: job starts 11-18, no benefits session yet
    (
        new("J1", "anna", "CSM", "2026-03-16")
        .first("2026-03-18")
        .enrol("2026-03-30")
        .employer("2026-04-09")
        .phase("2026-04-20", "assessment")
        .phase("2026-05-04", "job_search")
        .employer(
            "2026-11-10", "Forno Navile offered the job after the trial day; starts 18 November."
        )
        .c("2026-11-13", "phone", "Call: excited and a bit nervous about the start.")
        .job("Forno Navile", "Kitchen assistant", "2026-11-18", 20, 9.4)
        .task("2026-11-09", "Prepare for the trial day at the bakery", "2026-11-09")
    )
    # benefits_before_job upcoming: job starts 11-30, last benefits session in March
    (
        new("J2", "mette", "SerDP", "2026-01-19")
        .first("2026-01-21")
        .enrol("2026-02-02")
        .employer("2026-02-17")
        .benefits("2026-03-04")
        .phase("2026-03-16", "job_search")
        .employer("2026-11-06", "Magazzini Corticella: contract signed, starts 30 November.")
        .c("2026-11-12", "meeting", "Planned the route to the warehouse.")
        .job("Magazzini Corticella", "Warehouse operative", "2026-11-30", 30, 10.2)
    )
    # career_profile_after_job overdue: job ended 10-09, profile not updated since
    (
        new("J3", "lars", "CSM", "2025-05-05")
        .first("2025-05-07")
        .enrol("2025-05-19")
        .employer("2025-06-03")
        .phase("2025-06-16", "assessment")
        .profile("2025-07-14")
        .phase("2025-07-21", "job_search")
        .benefits("2025-08-20")
        .job(
            "Hotel Porta Nord",
            "Housekeeping",
            "2025-09-01",
            25,
            9.3,
            end="2026-10-09",
            end_reason="temporary contract ended",
        )
        .phase("2025-09-01", "follow_up")
        .phase("2026-10-12", "job_search")
        .c("2026-11-11", "meeting", "Looking for hotel work again.")
    )
    # career_profile_after_job due soon: job ended 10-19
    (
        new("J4", "sofia", "CSM", "2025-03-10")
        .first("2025-03-12")
        .enrol("2025-03-24")
        .employer("2025-04-07")
        .phase("2025-04-14", "assessment")
        .profile("2025-05-05")
        .phase("2025-05-12", "job_search")
        .benefits("2025-06-03")
        .job(
            "Supermercato Lame",
            "Shelf stocker",
            "2025-06-16",
            18,
            8.9,
            end="2026-10-19",
            end_reason="let go after a restructuring",
        )
        .phase("2025-06-16", "follow_up")
        .phase("2026-10-20", "job_search")
        .c("2026-11-10", "meeting", "Disappointed about the job; wants to keep going.")
    )
    # career_profile_after_job upcoming: job ended 11-06
    (
        new("J5", "anna", "Social services", "2025-09-08")
        .first("2025-09-10")
        .enrol("2025-09-22")
        .employer("2025-10-14")
        .phase("2025-10-27", "assessment")
        .phase("2025-11-24", "job_search")
        .benefits("2026-01-19")
        .job(
            "Lavanderia Bolognina",
            "Laundry assistant",
            "2026-02-02",
            20,
            8.8,
            end="2026-11-06",
            end_reason="temporary contract ended",
        )
        .phase("2026-02-02", "follow_up")
        .phase("2026-11-09", "job_search")
        .c("2026-11-13", "meeting")
    )
    # program_review overdue: enrolled 2025-11-06, no review with the team yet
    j6 = (
        new("J6", "anna", "CSM", "2025-10-27")
        .first("2025-10-29")
        .enrol("2025-11-06")
        .employer("2025-11-20")
        .phase("2025-12-01", "assessment")
        .phase("2026-01-12", "job_search")
        .c("2026-11-10", "meeting")
    )
    j6.no_review = True
    # program_review due soon (enrolled 2025-11-17) and task due soon
    j7 = (
        new("J7", "mette", "CSM", "2025-11-03")
        .first("2025-11-05")
        .enrol("2025-11-17")
        .employer("2025-12-01")
        .phase("2025-12-15", "assessment")
        .phase("2026-02-02", "job_search")
        .c("2026-11-12", "meeting")
        .task("2026-11-17", "Prepare the yearly program review with the CSM team")
    )
    j7.no_review = True
    (
        new("J8", "lars", "SerDP", "2026-06-08")
        .first("2026-06-10")
        .enrol("2026-06-22")
        .employer("2026-07-06")
        .phase("2026-07-20", "job_search")
        .c("2026-11-09", "meeting")
    )
    # stay_in_touch due soon (last contact 11-03)
    (
        new("J9", "sofia", "Self", "2026-04-20")
        .first("2026-04-21")
        .enrol("2026-05-04")
        .employer("2026-05-19")
        .phase("2026-06-15", "job_search")
        .c("2026-11-03", "phone", "Call: two interviews next week.")
    )
    (
        new("J10", "anna", "CSM", "2024-10-14")
        .first("2024-10-16")
        .enrol("2024-10-28")
        .employer("2024-11-12")
        .phase("2024-11-25", "job_search")
        .benefits("2024-12-16")
        .job(
            "Caffè Arcoveggio",
            "Barista",
            "2025-01-13",
            15,
            8.6,
            end="2025-06-30",
            end_reason="temporary contract ended",
        )
        .phase("2025-01-13", "follow_up")
        .phase("2025-07-01", "job_search")
        .profile("2025-07-15")
        .benefits("2025-09-01")
        .job(
            "Libreria Mascarella",
            "Bookshop assistant",
            "2025-09-15",
            20,
            9.0,
            end="2026-09-30",
            end_reason="quit: conflict with the shift manager",
        )
        .phase("2025-09-15", "follow_up")
        .phase("2026-10-01", "job_search")
        .profile(
            "2026-10-15",
            "Career profile: what went wrong at the bookshop, and what to ask next time.",
        )
        .c("2026-11-12", "meeting")
    )
    (
        new("J11", "mette", "CSM", "2026-02-23")
        .first("2026-02-25")
        .enrol("2026-03-09")
        .employer("2026-03-25")
        .phase("2026-04-13", "job_search")
        .c("2026-11-11", "meeting")
    )
    # suspended at the participant's request
    (
        new("J12", "lars", "Social services", "2026-01-12")
        .first("2026-01-14")
        .enrol("2026-01-26")
        .employer("2026-02-10")
        .phase("2026-03-02", "job_search")
        .c("2026-09-11", "meeting", "Wants a break from the job search for a while.")
        .suspend("2026-09-14", "request")
        .task("2026-12-01", "Agreed check-in call about restarting")
    )
    (
        new("J13", "anna", "SerDP", "2026-05-18")
        .first("2026-05-20")
        .enrol("2026-06-01")
        .employer("2026-06-16")
        .phase("2026-07-06", "job_search")
        .c("2026-11-16", "employer", "Visited the bike workshop together; they will call back.")
        .task("2026-11-06", "Update the CV with the volunteering", "2026-11-05")
    )
    (
        new("J14", "sofia", "CSM", "2025-12-01")
        .first("2025-12-03")
        .enrol("2025-12-15")
        .employer("2026-01-12")
        .phase("2026-01-19", "assessment")
        .phase("2026-02-16", "job_search")
        .c("2026-11-12", "meeting")
    )
    (
        new("J15", "anna", "CSM", "2026-07-13")
        .first("2026-07-15")
        .enrol("2026-07-27")
        .employer("2026-08-10")
        .phase("2026-09-07", "job_search")
        .c("2026-11-10", "meeting")
    )
    (
        new("J16", "mette", "Self", "2026-08-03")
        .first("2026-08-05")
        .enrol("2026-08-17")
        .employer("2026-08-31")
        .phase("2026-09-28", "job_search")
        .c("2026-11-13", "meeting")
    )

    # ---- follow-up
    (
        new("F1", "anna", "CSM", "2024-03-04")
        .first("2024-03-06")
        .enrol("2024-03-18")
        .employer("2024-04-02")
        .phase("2024-04-15", "job_search")
        .benefits("2024-05-20")
        .job("Vivaio dei Colli", "Gardener's assistant", "2024-06-03", 25, 9.8)
        .phase("2024-06-03", "follow_up")
        .c("2026-11-04", "meeting", "Met at the garden centre; wants more hours in spring.")
    )
    (
        new("F2", "mette", "SerDP", "2024-06-10")
        .first("2024-06-12")
        .enrol("2024-06-24")
        .employer("2024-07-08")
        .phase("2024-07-22", "job_search")
        .benefits("2024-08-19")
        .job(
            "Pulizie Reno",
            "Cleaner",
            "2024-09-02",
            20,
            8.7,
            end="2025-02-28",
            end_reason="quit: too far from home",
        )
        .phase("2024-09-02", "follow_up")
        .phase("2025-03-03", "job_search")
        .profile("2025-03-10")
        .benefits("2025-04-14")
        .job("Supermercato Lame", "Cashier", "2025-05-05", 24, 9.2)
        .phase("2025-05-05", "follow_up")
        .c("2026-10-27", "meeting")
        .task("2026-10-20", "Ask the employer about the Christmas rota", "2026-10-21")
    )
    # job_start_support overdue: last contact 10-09, monthly contact missed
    (
        new("F3", "lars", "CSM", "2025-01-13")
        .first("2025-01-15")
        .enrol("2025-01-27")
        .employer("2025-02-05")
        .phase("2025-02-10", "job_search")
        .benefits("2025-02-17")
        .job("Logistica Emilia Nord", "Warehouse operative", "2025-03-03", 30, 10.4)
        .phase("2025-03-03", "follow_up")
        .c("2026-10-09", "phone", "Call: all fine at work, hard to find a time to meet.")
    )
    # job_start_support due soon: started 11-13, no contact since
    (
        new("F4", "sofia", "CSM", "2026-07-06")
        .first("2026-07-08")
        .enrol("2026-07-20")
        .employer("2026-08-03")
        .phase("2026-08-17", "job_search")
        .benefits("2026-10-28")
        .employer("2026-11-02", "Officina Ciclo Nord agreed a start on 13 November.")
        .c("2026-11-12", "meeting", "Prepared for the first day.")
        .job(
            "Officina Ciclo Nord", "Bike mechanic assistant", "2026-11-13", 16, 9.0, first_day=False
        )
        .phase("2026-11-13", "follow_up")
    )
    # benefits_before_job overdue: started 11-09, last benefits session in May
    (
        new("F5", "anna", "Social services", "2026-04-07")
        .first("2026-04-09")
        .enrol("2026-04-20")
        .benefits("2026-05-12")
        .employer("2026-05-05")
        .phase("2026-05-25", "job_search")
        .job("Hotel Porta Nord", "Breakfast assistant", "2026-11-09", 18, 9.1)
        .phase("2026-11-09", "follow_up")
        .c("2026-11-13", "phone", "Call after the first week: tiring but good.")
    )
    # job_start_support due soon: last contact 10-19, monthly contact due 11-18
    (
        new("F6", "anna", "CSM", "2025-02-17")
        .first("2025-02-19")
        .enrol("2025-03-03")
        .employer("2025-03-18")
        .phase("2025-04-07", "job_search")
        .benefits("2025-05-19")
        .job("Mensa Universitaria Nord", "Kitchen assistant", "2025-06-02", 25, 9.5)
        .phase("2025-06-02", "follow_up")
        .c("2026-10-19", "meeting")
    )
    (
        new("F7", "mette", "CSM", "2025-08-25")
        .first("2025-08-27")
        .enrol("2025-09-08")
        .employer("2025-09-22")
        .phase("2025-10-13", "job_search")
        .benefits("2025-12-15")
        .job("Farmacia San Donato", "Stock clerk", "2026-01-12", 20, 9.6)
        .phase("2026-01-12", "follow_up")
        .c("2026-11-05", "meeting")
    )
    (
        new("F8", "lars", "Self", "2025-04-14")
        .first("2025-04-15")
        .enrol("2025-04-28")
        .employer("2025-05-13")
        .phase("2025-06-02", "job_search")
        .job(
            "Cooperativa sociale Il Ponte",
            "Packaging (traineeship)",
            "2025-08-18",
            20,
            4.5,
            end="2025-11-14",
            end_reason="traineeship ended",
            competitive=False,
        )
        .profile("2025-11-24")
        .benefits("2026-02-09")
        .job("Tipografia Navile", "Print shop assistant", "2026-03-02", 25, 9.7)
        .phase("2026-03-02", "follow_up")
        .c("2026-10-30", "meeting")
    )
    # task upcoming (due 11-27)
    (
        new("F9", "sofia", "SerDP", "2024-09-09")
        .first("2024-09-11")
        .enrol("2024-09-23")
        .employer("2024-10-08")
        .phase("2024-10-14", "job_search")
        .benefits("2024-11-18")
        .job("Trattoria Il Portico", "Cook's assistant", "2024-12-02", 30, 9.9)
        .phase("2024-12-02", "follow_up")
        .c("2026-11-10", "meeting")
        .task("2026-11-27", "Meet the employer about the new shift pattern")
    )
    (
        new("F10", "anna", "CSM", "2025-06-09")
        .first("2025-06-11")
        .enrol("2025-06-23")
        .employer("2025-07-08")
        .phase("2025-08-04", "job_search")
        .benefits("2025-09-22")
        .job("Pulizie Reno", "Office cleaner", "2025-10-06", 15, 8.9)
        .phase("2025-10-06", "follow_up")
        .c("2026-11-02", "phone")
    )
    (
        new("F11", "anna", "CSM", "2024-11-11")
        .first("2024-11-13")
        .enrol("2024-11-25")
        .employer("2024-12-10")
        .phase("2025-01-07", "job_search")
        .benefits("2025-01-20")
        .job(
            "Magazzini Corticella",
            "Picker",
            "2025-02-03",
            30,
            10.0,
            end="2025-08-01",
            end_reason="let go after probation",
        )
        .phase("2025-02-03", "follow_up")
        .phase("2025-08-04", "job_search")
        .profile("2025-08-20")
        .benefits("2025-09-29")
        .job("Biblioteca Lame", "Library assistant", "2025-10-13", 20, 9.4)
        .phase("2025-10-13", "follow_up")
        .c("2026-10-29", "meeting")
    )
    # suspended (other: long sick leave)
    (
        new("F12", "mette", "CSM", "2025-10-06")
        .first("2025-10-08")
        .enrol("2025-10-20")
        .employer("2025-11-04")
        .phase("2025-11-17", "job_search")
        .benefits("2026-02-23")
        .job("Caffè Arcoveggio", "Barista", "2026-03-16", 20, 8.8)
        .phase("2026-03-16", "follow_up")
        .c("2026-10-23", "phone", "Call: on sick leave after surgery; pause until January.")
        .suspend("2026-10-26", "other")
        .task("2027-01-11", "Call when the sick leave ends")
    )
    (
        new("F13", "lars", "CSM", "2026-05-25")
        .first("2026-05-27")
        .enrol("2026-06-08")
        .employer("2026-06-23")
        .phase("2026-07-06", "job_search")
        .benefits("2026-08-31")
        .job("Vivaio dei Colli", "Greenhouse worker", "2026-09-14", 25, 9.8)
        .phase("2026-09-14", "follow_up")
        .c("2026-11-09", "meeting")
    )
    (
        new("F14", "anna", "SerDP", "2025-12-08")
        .first("2025-12-10")
        .enrol("2025-12-22")
        .employer("2026-01-14")
        .phase("2026-02-02", "job_search")
        .benefits("2026-04-20")
        .job("Libreria Mascarella", "Stock assistant", "2026-05-04", 15, 9.0)
        .phase("2026-05-04", "follow_up")
        .c("2026-11-06", "meeting")
    )

    # ---- closed
    (
        new("C1", "anna", "CSM", "2024-02-12")
        .first("2024-02-14")
        .enrol("2024-02-26")
        .employer("2024-03-12")
        .phase("2024-03-25", "job_search")
        .benefits("2024-05-13")
        .job("Forno Navile", "Baker's assistant", "2024-06-03", 30, 9.6)
        .phase("2024-06-03", "follow_up")
        .close(
            "2025-09-30",
            "job_no_further_support",
            "Closing meeting: doing well at work, no further support wanted.",
        )
    )
    (
        new("C2", "mette", "CSM", "2024-05-06")
        .first("2024-05-08")
        .enrol("2024-05-20")
        .phase("2024-06-17", "assessment")
        .close("2024-12-10", "request", "Closing meeting: wants to focus on studies for now.")
    )
    (
        new("C3", "lars", "Social services", "2024-09-16")
        .first("2024-09-18")
        .enrol("2024-09-30")
        .employer("2024-10-15")
        .phase("2024-10-21", "job_search")
        .benefits("2024-11-11")
        .job(
            "Supermercato Lame",
            "Shelf stocker",
            "2024-11-25",
            20,
            8.9,
            end="2025-02-28",
            end_reason="moved away",
        )
        .phase("2024-11-25", "follow_up")
        .close(
            "2025-03-14",
            "moved",
            "Closing call: moving to another city, referred to the local team.",
            "phone",
        )
    )
    (
        new("C4", "sofia", "SerDP", "2025-01-20")
        .first("2025-01-22")
        .enrol("2025-02-03")
        .phase("2025-03-03", "assessment")
        .close(
            "2025-07-04", "criteria_not_met", "Closing meeting: no longer followed by the SerDP."
        )
    )
    (
        new("C5", "mette", "Self", "2025-06-09")
        .first("2025-06-11")
        .enrol("2025-06-23")
        .employer("2025-07-07")
        .phase("2025-07-21", "job_search")
        .benefits("2025-08-18")
        .job("Hotel Porta Nord", "Receptionist", "2025-09-01", 30, 10.5)
        .phase("2025-09-01", "follow_up")
        .close(
            "2026-06-30",
            "shared_decision",
            "Closing meeting: agreed together that the job is stable.",
        )
    )
    (
        new("C6", "anna", "CSM", "2026-03-02")
        .first("2026-03-04")
        .c("2026-03-18", "meeting", "Second meeting: not sure IPS is right just now.")
        .close(
            "2026-04-17", "request", "Closing call: does not want to take part for now.", "phone"
        )
    )
    return out


# ---------------------------------------------------------------- employers (SPEC §11)

EMPLOYER_SEED = SEED + 11
"""A separate random stream: the employer register never changes the participants' data."""
LOG_FROM = d("2026-05-18")
"""The employer log's general job-development contacts start here (about six months)."""
# name -> (sector, contact person: a role, never a private person)
REGISTER: dict[str, tuple[str, str]] = {
    "Biblioteca Lame": ("public library", "head librarian"),
    "Caffè Arcoveggio": ("café", "owner"),
    "Cooperativa sociale Il Ponte": ("social cooperative", "workshop coordinator"),
    "Farmacia San Donato": ("pharmacy", "pharmacist in charge"),
    "Ferramenta Corticella": ("hardware shop", "shop manager"),
    "Forno Navile": ("bakery", "head baker"),
    "Hotel Porta Nord": ("hotel", "housekeeping lead"),
    "Lavanderia Bolognina": ("laundry", "owner"),
    "Libreria Mascarella": ("bookshop", "shop manager"),
    "Logistica Emilia Nord": ("logistics", "warehouse supervisor"),
    "Magazzini Corticella": ("logistics", "HR officer"),
    "Mensa Universitaria Nord": ("catering", "kitchen manager"),
    "Officina Ciclo Nord": ("bicycle repair", "workshop owner"),
    "Pulizie Reno": ("cleaning services", "area supervisor"),
    "Supermercato Lame": ("retail", "store manager"),
    "Tipografia Navile": ("printing", "production manager"),
    "Trattoria Il Portico": ("restaurant", "chef"),
    "Vivaio dei Colli": ("garden centre", "nursery manager"),
}
# job title -> ISCO-08 unit group (4 digits; SPEC §10, core/isco08.py)
JOB_TYPES: dict[str, str] = {
    "Library assistant": "4411",
    "Barista": "5132",
    "Packaging (traineeship)": "9321",
    "Workshop assistant (traineeship)": "9329",
    "Stock clerk": "4321",
    "Baker's assistant": "7512",
    "Kitchen assistant": "9412",
    "Breakfast assistant": "5131",
    "Housekeeping": "9112",
    "Receptionist": "4224",
    "Laundry assistant": "9121",
    "Bookshop assistant": "5223",
    "Stock assistant": "4321",
    "Warehouse operative": "9333",
    "Picker": "9321",
    "Bike mechanic assistant": "7234",
    "Cleaner": "9112",
    "Office cleaner": "9112",
    "Cashier": "5230",
    "Shelf stocker": "9334",
    "Print shop assistant": "7322",
    "Cook's assistant": "9412",
    "Dishwasher": "9412",
    "Gardener's assistant": "9214",
    "Greenhouse worker": "9214",
}
# Face-to-face general job-development visits a week, per specialist (the log only; their
# participants' employer contacts come on top). Sofia works half time.
LOG_RATE = {"anna": 3.2, "mette": 2.4, "lars": 3.8, "sofia": 1.4}
EMPLOYER_LOG_NOTES = {
    "job_development": [
        "Introduced IPS; asked what they look for in new staff.",
        "Asked about their seasonal hiring.",
        "Toured the shop floor; they need help with early deliveries.",
        "Talked about part-time shifts that could suit our participants.",
        "Manager asked for candidates for the spring season.",
        "Second visit: they will call when a vacancy opens.",
    ],
    "placement": [
        "Agreed the first week's tasks for the new starter.",
        "Discussed a trial day for one of our participants.",
    ],
    "follow_along": [
        "Checked in with the supervisor; the placement goes well.",
        "Talked about adjusting the rota after the summer.",
    ],
    "other": ["Thanked them for hosting the open day."],
}
OLD_JOB_WITHOUT_ID = ("Vivaio dei Colli", d("2024-06-03"))
"""A job written before the register existed: matched to it by name, not by id."""


def add_employers(
    participants: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The employer register: every employer the jobs name, and one prospect, each with a
    log of general job-development contacts by every specialist since LOG_FROM. Jobs get
    `employer_id` and an ISCO-08 `job_type`; participant employer contacts that name a
    registered employer (in the note, or as the employer of a job they support) get its
    `employer_id`, and a few are phone calls (`face_to_face = false`). A few visits are
    logged both in the participant's file and in the employer's log, as teams do: the
    fidelity item V6 counts them once."""
    rng = random.Random(EMPLOYER_SEED)
    ids = {name: f"E-{n:04d}" for n, name in enumerate(sorted(REGISTER), start=1)}
    logs: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTER}
    mirrored = 0
    for p in participants:
        for job in p.get("jobs", []):
            job["job_type"] = JOB_TYPES[job["title"]]
            if (job["employer"], job["start"]) != OLD_JOB_WITHOUT_ID:
                job["employer_id"] = ids[job["employer"]]
        p["jobs"] = [_ordered(j, "jobs") for j in p.get("jobs", [])]
        for c in p.get("contacts", []):
            if c["kind"] != "employer":
                continue
            name = next((n for n in REGISTER if c.get("note", "").startswith(n)), None)
            if name is None:
                name = next(
                    (j["employer"] for j in p.get("jobs", []) if j["start"] <= c["on"]), None
                )
            if name is not None:
                c["employer_id"] = ids[name]
            if rng.random() < 0.12:
                c["face_to_face"] = False
            elif (
                name is not None
                and mirrored < 3
                and c["on"] > AS_OF - timedelta(days=28)
                and c["by"] == p["specialist"]
            ):
                mirrored += 1
                logs[name].append(
                    {
                        "on": c["on"],
                        "by": c["by"],
                        "face_to_face": True,
                        "purpose": "placement",
                        "note": "Visit about a participant; also written in the participant's file.",
                    }
                )
        if p.get("contacts"):
            p["contacts"] = [_ordered(c, "contacts") for c in p["contacts"]]
    names = sorted(REGISTER)
    day = LOG_FROM
    while day <= AS_OF:
        if day.weekday() < 5:
            for spec, rate in LOG_RATE.items():
                if rng.random() >= rate / 5 * 1.15:  # some visits are calls: see below
                    continue
                name = rng.choice(names)
                purpose = rng.choices(
                    ("job_development", "placement", "follow_along", "other"), (80, 8, 9, 3)
                )[0]
                entry: dict[str, Any] = {
                    "on": day,
                    "by": spec,
                    "face_to_face": rng.random() >= 0.13,
                    "purpose": purpose,
                }
                if rng.random() < 0.7:
                    entry["note"] = rng.choice(EMPLOYER_LOG_NOTES[purpose])
                logs[name].append(entry)
        day += timedelta(days=1)
    register = []
    for name in names:
        sector, person = REGISTER[name]
        data: dict[str, Any] = {
            "schema": 1,
            "id": ids[name],
            "name": name,
            "sector": sector,
            "contact_person": person,
            "notes": "",
        }
        if logs[name]:
            data["contacts"] = sorted(logs[name], key=lambda c: c["on"])
        register.append(data)
    return register


def fidelity_check(
    caseload: dict[str, Any], participants: list[dict[str, Any]], register: list[dict[str, Any]]
) -> tuple[fidelity.Review, list[str]]:
    """The review at AS_OF; problems unless every item has a value and one scores below 5."""
    settings = Settings.from_dict(caseload)
    review = fidelity.compute(
        participants,
        register,
        fidelity.settings_from(settings, caseload),
        quarter_of(AS_OF),
        AS_OF,
    )
    problems = [
        f"fidelity {i.id} has no value" for i in review.items + review.evidence if i.value is None
    ]
    if all(i.score == 5 for i in review.items):
        problems.append("every fidelity item scores 5: not a realistic team")
    return review, problems


# ---------------------------------------------------------------- building


def build() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
    """The caseload settings, every participant's data (id order), story key -> id and
    the employer register (id order)."""
    rng = random.Random(SEED)
    stories = roster(rng)
    stories.sort(key=lambda s: (s.referred, s.key))
    names = list(NAMES)
    assert len(names) >= len(stories), "not enough names"
    rng.shuffle(names)
    participants = []
    keys: dict[str, str] = {}
    for n, story in enumerate(stories, start=1):
        pid = f"P-{n:04d}"
        keys[story.key] = pid
        participants.append(story.build(pid, names[n - 1]))
    # A team extension key, to show that x_ keys are kept.
    participants[-1]["x_csm_unit"] = "CSM Navile"
    register = add_employers(participants)
    return CASELOAD, participants, keys, register


def check(caseload: dict[str, Any], participants: list[dict[str, Any]]) -> list[str]:
    """Semantic sanity checks (SPEC §2) on the generated data; returns problems."""
    problems: list[str] = []
    for p in participants:
        pid = p["id"]
        contacts = p.get("contacts", [])
        dates = [c["on"] for c in contacts]
        if dates != sorted(dates):
            problems.append(f"{pid}: contacts not oldest first")
        if any(x > AS_OF for x in dates):
            problems.append(f"{pid}: contact after as_of")
        if any(x.weekday() >= 5 for x in dates):
            problems.append(f"{pid}: contact on a weekend")
        if any(x < p["referred_on"] for x in dates):
            problems.append(f"{pid}: contact before referral")
        if p["specialist"] not in caseload["team"]:
            problems.append(f"{pid}: unknown specialist")
        if (p["phase"] == "closed") != ("closure" in p):
            problems.append(f"{pid}: phase closed iff closure")
        if p["phase_since"] > AS_OF or p["phase_since"] < p["referred_on"]:
            problems.append(f"{pid}: odd phase_since")
        for j in p.get("jobs", []):
            if "end" in j and j["end"] < j["start"]:
                problems.append(f"{pid}: job ends before it starts")
        for key in ("first_contact_on", "first_employer_contact_on"):
            if key in p and p[key] not in dates:
                problems.append(f"{pid}: {key} is not a contact date")
        for t in p.get("tasks", []):
            if "done_on" in t and t["done_on"] > AS_OF:
                problems.append(f"{pid}: task done in the future")
    return problems


def coverage(
    caseload: dict[str, Any], participants: list[dict[str, Any]]
) -> dict[tuple[str, str], list[str]]:
    """(rule, state) -> participant ids with such an open deadline at AS_OF."""
    settings = Settings.from_dict(caseload)
    out: dict[tuple[str, str], list[str]] = {(r, s): [] for r in RULE_NAMES for s in STATES}
    for p in participants:
        for dl in deadlines(p, settings, AS_OF):
            ids = out[(dl.rule, dl.state)]
            if p["id"] not in ids:
                ids.append(p["id"])
    return out


def render(
    caseload: dict[str, Any],
    participants: list[dict[str, Any]],
    register: Sequence[dict[str, Any]] = (),
) -> dict[str, str]:
    """Relative path -> file text."""
    files = {"caseload.toml": dumps_plain(caseload)}
    for p in participants:
        files[f"participants/{p['id']}.toml"] = dumps(p)
    for e in register:
        files[f"employers/{e['id']}.toml"] = employers_mod.dumps(e)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "sample_caseload")
    ap.add_argument("--check", action="store_true", help="compare with the files on disk")
    ap.add_argument("--report", action="store_true", help="print deadlines by rule and state")
    ap.add_argument(
        "--history",
        type=Path,
        metavar="DIR",
        help="also build DIR: the sample as a git caseload whose history replays its past",
    )
    args = ap.parse_args(argv)

    caseload, participants, keys, register = build()
    problems = check(caseload, participants)
    review, fid_problems = fidelity_check(caseload, participants, register)
    problems += fid_problems
    cov = coverage(caseload, participants)
    missing = [f"{r}/{s}" for (r, s), ids in cov.items() if not ids]
    if missing:
        problems.append("deadline combinations missing at as_of: " + ", ".join(missing))
    open_count = sum(
        1 for p in participants if p["phase"] != "closed" and p["specialist"] == "anna"
    )
    if open_count <= caseload["max_caseload"]:
        problems.append("no specialist above max_caseload")
    # The demo replays the sample's past from the files: every change must be explained
    # by a step (a referral, contact, move, job, task...), none left to a catch-all commit.
    from ipstui.core import demo_history

    unexplained = sorted(
        s.record
        for s in demo_history.sample_steps(participants, register, AS_OF)
        if s.rank == demo_history.R_FIXUP
    )
    if unexplained:
        problems.append("the history replay cannot explain: " + ", ".join(unexplained))
    if problems:
        for line in problems:
            print(f"make_sample: {line}", file=sys.stderr)
        return 1

    if args.report:
        settings = Settings.from_dict(caseload)
        by_id = {v: k for k, v in keys.items()}
        for (rule, state), ids in cov.items():
            print(f"{rule:26} {state:9} {', '.join(ids)}")
        print()
        for p in participants:
            ds = deadlines(p, settings, AS_OF)
            urgent = [f"{x.rule}:{x.state}" for x in ds if x.state != "upcoming"]
            print(
                f"{p['id']} {by_id[p['id']]:4} {p['specialist']:6} {p['phase']:11}"
                f" open={len(ds)} {' '.join(urgent)}"
            )
        counts: dict[str, int] = {}
        for p in participants:
            if p["phase"] != "closed":
                counts[p["specialist"]] = counts.get(p["specialist"], 0) + 1
        print("\nnon-closed per specialist:", counts)
        print("phases:", {ph: sum(p["phase"] == ph for p in participants) for ph in PHASES})
        print(
            fidelity.to_table(
                review, fidelity.settings_from(Settings.from_dict(caseload), caseload)
            )
        )
        assert set(BOARD_PHASES) <= {p["phase"] for p in participants}

    files = render(caseload, participants, register)
    out: Path = args.out
    if args.check:
        stale = [
            rel
            for rel, text in files.items()
            if not (out / rel).is_file() or (out / rel).read_text(encoding="utf-8") != text
        ]
        extra = [
            f"{folder}/{f.name}"
            for folder in ("participants", "employers")
            for f in sorted((out / folder).glob("*.toml"))
            if f"{folder}/{f.name}" not in files
        ]
        if stale or extra:
            print(f"make_sample: out of date: {', '.join(stale + extra)}", file=sys.stderr)
            return 1
        return _history(args.history, out)
    for folder in ("participants", "employers"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for f in (out / folder).glob("*.toml"):
            if f"{folder}/{f.name}" not in files:
                f.unlink()
    for rel, text in files.items():
        (out / rel).write_text(text, encoding="utf-8", newline="\n")
    print(f"make_sample: wrote {len(files)} files to {out}")
    return _history(args.history, out)


def _history(target: Path | None, sample: Path) -> int:
    """`--history DIR`: the sample at DIR as a git caseload with its past, dated as the
    sample is (today = AS_OF), the way `ipstui demo` builds it."""
    if target is None:
        return 0
    from ipstui.core.demo import make_demo

    root = make_demo(target, today=AS_OF, sample=sample)
    print(f"make_sample: built the sample's history in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
