"""Fidelity self-review of SPEC §10, as pure functions of (participants, employers,
settings, quarter, today).

The CLI (`ipstui fidelity`) and the Fidelity screen both call `compute` and only format
what it returns, so every figure is computed in one place. It is a self-check against the
IPS Fidelity Scale (IPS-25, Becker, Swanson, Bond et al.), not a fidelity review: only the
items the records can show are computed, and three more are shown as evidence for a
reviewer without a score.

Definitions, with R the **report date** min(today, QE) of the quarter (`report.report_date`)
and "the last 12 months" the window (R − 365, R] (R − 365 excluded, R included):

- **S1 caseload size**: per specialist, participants with `referred_on` <= R and not closed
  on or before R (no `closure`, or `closure.on` > R), divided by the member's `fte`
  (caseload.toml `[team.<key>] fte`, default 1.0). The item is the largest of these.
  Specialists: every team member with `fte` > 0, then any other key found on a counted
  participant (with the default fte 1.0). A member with `fte` = 0 cannot hold a caseload
  per FTE: it is left out of the item and named in the detail with its count. n = the
  specialists counted.
- **V4 rapid job search**: mean days from `enrolled_on` to `first_employer_contact_on`
  over participants with both dates whose first employer contact lies in the last 12
  months. A first employer contact dated before enrolment counts as 0 days (no delay).
  The first employer contact is the earliest the file gives, the field or a logged
  employer contact (`milestones.first_on`).
  n = those participants.
- **V6 employer contacts**: per team member with `fte` > 0, face-to-face employer contacts
  in the 4 weeks ending R, i.e. dated in (R − 28, R], divided by 4 (contacts per week);
  the item is the mean over those members. Counted: participant contacts of kind
  `employer` (by the contact's `by`, else the participant's specialist) and the employer
  log's contacts (`employers/*.toml`), unless `face_to_face = false`. **Each contact is
  counted once**: one specialist meeting one employer (`employer_id`) on one day is one
  contact, whether it was written in the employer's log, in one participant's file or in
  several (a visit about two people); a participant contact without `employer_id` is a
  contact of its own. n = the members counted.
- **V8 job types**: jobs started in the last 12 months that have a `job_type`; the number
  of distinct ISCO-08 2-digit (sub-major) groups among them ÷ those jobs. A code of one
  digit (a major group only) counts as a group of its own. n = those jobs.
- **V9 employers**: jobs started in the last 12 months; distinct employers ÷ those jobs.
  An employer is its `employer_id`; a job without one is matched to the register by its
  case-folded, trimmed `employer` name, and otherwise is that name. n = those jobs.
- **V10 competitive jobs**: jobs started in the last 12 months; the share with
  `competitive = true`. n = those jobs.

Evidence for the reviewer (value and n, no score):

- **V1 benefits planning**: jobs started in the last 12 months with a `benefits` contact
  or `benefits_counseling_on` within the `benefits_before_job_days` (default 90) up to and
  including the start, i.e. dated in [start − N, start], as a share of those jobs.
- **V3 career profile after a job**: job ends in the last 12 months followed by
  `career_profile_updated_on` within `career_profile_after_job_days` (default 30), i.e.
  dated in [end, end + N] and on or before R, as a share of those job ends. The file keeps
  only the latest update, so an update overwritten by a later one is not seen.
- **V12 follow-along**: participants not closed on or before R (as in S1) holding a job on
  R (`start` <= R, no `end` or `end` >= R) who had a contact in (R − 30, R], as a share.

Scores come from the band edges in caseload.toml `[fidelity]` (defaults: IPS-25, see
`DEFAULT_BANDS`): four edges for scores 5, 4, 3 and 2, anything beyond the last edge
scores 1. For S1 and V4 a value at or below an edge meets it, for the others a value at
or above it. Values are compared exactly (fractions, with `fte` and edges taken as
written in decimal), so 20.0 per FTE meets "<= 20" however the division rounds. An item
with an empty denominator has no value and no score. The partial sum of the scored items
is shown out of 5 × their number; the full scale's total bands apply only to a full
review and are never shown here.

Participants and employers are the plain dicts tomllib returns. A value of the wrong type
is ignored, never a crash.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ipstui.core import isco08
from ipstui.core.i18n import N_, Labels, _, ngettext, pgettext
from ipstui.core.milestones import first_on
from ipstui.core.model import Settings
from ipstui.core.report import Quarter, parse_quarter, quarter_of, report_date
from ipstui.core.sheetsafe import csv_row
from ipstui.core.termsafe import escape

FORMATS: tuple[str, ...] = ("table", "csv", "json")
WINDOW_DAYS = 365
""""The last 12 months" is (R − 365, R]."""
CONTACT_WEEKS = 4
"""V6 counts the employer contacts of the 4 weeks ending R."""
FOLLOW_ALONG_DAYS = 30
"""V12: a contact in (R − 30, R]."""

SCORED: tuple[str, ...] = ("S1", "V4", "V6", "V8", "V9", "V10")
EVIDENCE: tuple[str, ...] = ("V1", "V3", "V12")
ITEMS: tuple[str, ...] = SCORED + EVIDENCE

TITLES: Labels = Labels(
    {
        "S1": N_("Caseload size"),
        "V4": N_("Rapid job search"),
        "V6": N_("Employer contacts"),
        "V8": N_("Diversity of job types"),
        "V9": N_("Diversity of employers"),
        "V10": N_("Competitive jobs"),
        "V1": N_("Benefits planning"),
        "V3": N_("Career profile after a job"),
        "V12": N_("Time-unlimited follow-along"),
    }
)
MEASURES: Labels = Labels(
    {
        "S1": N_("largest number of participants per FTE of one specialist"),
        "V4": N_("mean days from enrolment to first employer contact"),
        "V6": N_("face-to-face employer contacts per specialist per week (mean)"),
        "V8": N_("distinct ISCO-08 2-digit groups / jobs started with a job type"),
        "V9": N_("distinct employers / jobs started"),
        "V10": N_("share of jobs started that are competitive"),
        "V1": N_("jobs started with benefits counselling before the start"),
        "V3": N_("job ends followed by a career profile update"),
        "V12": N_("working participants with a contact in the last 30 days"),
    }
)
RECORD_HEADERS: Labels = Labels(
    {
        "specialist": N_("Specialist"),
        "participant": N_("Participant"),
        "fte": N_("FTE"),
        "enrolled_on": N_("Enrolled"),
        "first_employer_contact_on": N_("First employer contact"),
        "days": N_("Days"),
        "on": N_("Date"),
        "employer": N_("Employer"),
        "source": N_("Recorded in"),
        "also": N_("Also recorded in"),
        "job": N_("Job"),
        "start": N_("Start"),
        "end": N_("End"),
        "job_type": N_("Job type"),
        "group": N_("ISCO group"),
        "counted_as": N_("Counted as"),
        "competitive": N_("Competitive"),
        "benefits_on": N_("Benefits counselling"),
        "met": N_("Met"),
        "career_profile_updated_on": N_("Career profile updated"),
        "still_open": N_("Still open"),
        "last_contact": N_("Last contact"),
    }
)
"""The column headers a person reads for the keys of the records behind an item
(`Item.rows`: the Fidelity screen's lower table, `ipstui fidelity --explain` as a
table); CSV and JSON keep the keys."""

LOWER_IS_BETTER = frozenset({"S1", "V4"})
DEFAULT_BANDS: dict[str, tuple[float, float, float, float]] = {
    "S1": (20, 25, 30, 40),
    "V4": (30, 60, 150, 270),
    "V6": (6, 5, 4, 2),
    "V8": (0.85, 0.70, 0.60, 0.50),
    "V9": (0.85, 0.70, 0.60, 0.50),
    "V10": (0.95, 0.85, 0.75, 0.64),
}
"""Edges for scores 5, 4, 3, 2 (IPS-25; SPEC §10). `caseload.toml` `[fidelity]` overrides."""


# ---------------------------------------------------------------- settings


def _exact(x: Any) -> Fraction:
    """A number as written in decimal (0.35 is 7/20, not the nearest binary fraction)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(repr(float(x)))


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class FidelitySettings:
    """What fidelity reads from caseload.toml: members, their fte, the bands, rule days."""

    team: tuple[str, ...] = ()
    """Team member keys in caseload.toml order."""
    fte: Mapping[str, Fraction] = field(default_factory=dict)
    """Each member's share of a full-time post (default 1)."""
    bands: Mapping[str, tuple[Fraction, ...]] = field(
        default_factory=lambda: {k: tuple(map(_exact, v)) for k, v in DEFAULT_BANDS.items()}
    )
    benefits_days: int = 90
    career_profile_days: int = 30
    names: Mapping[str, str] = field(default_factory=dict)

    def fte_of(self, key: str) -> Fraction:
        return self.fte.get(key, Fraction(1))


def settings_from(settings: Settings, data: Mapping[str, Any] | None) -> FidelitySettings:
    """Fidelity settings from the parsed caseload.toml (`data`) and its `Settings`.

    Raises ValueError (one line) when a `[fidelity]` band is not four numbers in the
    item's direction (rising for S1 and V4, falling for the others); the schema checks
    the types, this checks the order a schema cannot say.
    """
    data = data or {}
    team_data = data.get("team") if isinstance(data.get("team"), Mapping) else {}
    fte: dict[str, Fraction] = {}
    for key in settings.team:
        member = team_data.get(key) if isinstance(team_data, Mapping) else None
        v = member.get("fte") if isinstance(member, Mapping) else None
        fte[key] = _exact(v) if _num(v) and v >= 0 else Fraction(1)
    bands = {k: tuple(map(_exact, v)) for k, v in DEFAULT_BANDS.items()}
    raw = data.get("fidelity")
    if isinstance(raw, Mapping):
        for item in SCORED:
            edges = raw.get(item)
            if edges is None:
                continue
            if not (isinstance(edges, list) and len(edges) == 4 and all(_num(x) for x in edges)):
                raise ValueError(
                    _("caseload.toml [fidelity] {item}: give four numbers, like {example}").format(
                        item=item, example=list(DEFAULT_BANDS[item])
                    )
                )
            ex = tuple(map(_exact, edges))
            rising = all(a <= b for a, b in zip(ex, ex[1:], strict=False))
            falling = all(a >= b for a, b in zip(ex, ex[1:], strict=False))
            if (item in LOWER_IS_BETTER and not rising) or (
                item not in LOWER_IS_BETTER and not falling
            ):
                if item in LOWER_IS_BETTER:
                    says = _(
                        "caseload.toml [fidelity] {item}: the edges for scores 5, 4, 3, 2 must rise ({values})"
                    )
                else:
                    says = _(
                        "caseload.toml [fidelity] {item}: the edges for scores 5, 4, 3, 2 must fall ({values})"
                    )
                raise ValueError(says.format(item=item, values=", ".join(str(x) for x in edges)))
            bands[item] = ex
    return FidelitySettings(
        team=tuple(settings.team),
        fte=fte,
        bands=bands,
        benefits_days=int(settings.rule_days.get("benefits_before_job", 90)),
        career_profile_days=int(settings.rule_days.get("career_profile_after_job", 30)),
        names={k: s.name for k, s in settings.team.items()},
    )


def score(item: str, value: Fraction | None, bands: Sequence[Fraction]) -> int | None:
    """The 1–5 score of `value` against the four edges for 5, 4, 3, 2; None without a value."""
    if value is None:
        return None
    for points, edge in zip((5, 4, 3, 2), bands, strict=True):
        if (value <= edge) if item in LOWER_IS_BETTER else (value >= edge):
            return points
    return 1


# ---------------------------------------------------------------- reading records


def _date(v: Any) -> date | None:
    return v if type(v) is date else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _maps(v: Any) -> list[Mapping[str, Any]]:
    return [x for x in v if isinstance(x, Mapping)] if isinstance(v, list) else []


def name_key(name: str) -> str:
    """An employer name as V9 compares it: trimmed and case-folded."""
    return name.strip().casefold()


def _open_on(p: Mapping[str, Any], r: date) -> bool:
    """Referred on or before R and not closed on or before R (S1, V12)."""
    ref = _date(p.get("referred_on"))
    if ref is None or ref > r:
        return False
    closure = p.get("closure")
    if isinstance(closure, Mapping):
        on = _date(closure.get("on"))
        if on is None or on <= r:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Job:
    """One well-formed job of a participant, as the job items read it."""

    participant: str
    index: int
    start: date
    end: date | None
    employer: str
    employer_key: str
    """What V9 counts as one employer: 'E-0003' (by id or by matched name) or a name key."""
    job_type: str | None
    competitive: bool


def _jobs(participants: Iterable[Mapping[str, Any]], by_name: Mapping[str, str]) -> list[Job]:
    out: list[Job] = []
    for p in participants:
        pid = str(p.get("id", ""))
        for i, job in enumerate(p.get("jobs") if isinstance(p.get("jobs"), list) else ()):
            if not isinstance(job, Mapping):
                continue
            start = _date(job.get("start"))
            end = _date(job.get("end"))
            if start is None or ("end" in job and end is None):
                continue
            name = job.get("employer") if isinstance(job.get("employer"), str) else ""
            eid = _str(job.get("employer_id"))
            key = eid or by_name.get(name_key(name)) or f"name:{name_key(name)}"
            jt = job.get("job_type")
            out.append(
                Job(
                    pid,
                    i,
                    start,
                    end,
                    name,
                    key,
                    jt if isco08.check(jt) is None else None,
                    job.get("competitive") is True,
                )
            )
    return out


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Item:
    """One item's figure: `value` exact (None for an empty denominator), its score, n, and
    the records behind it (`rows`, for --explain and the screen)."""

    id: str
    value: Fraction | None
    score: int | None
    n: int
    detail: Mapping[str, Any]
    rows: tuple[Mapping[str, Any], ...] = ()
    scored: bool = True

    @property
    def title(self) -> str:
        return TITLES[self.id]

    def shown(self) -> float | None:
        """The value rounded for output: 2 decimals for S1, V6; 1 for V4; 3 for shares."""
        if self.value is None:
            return None
        digits = {"S1": 2, "V4": 1, "V6": 2}.get(self.id, 3)
        return round(float(self.value), digits)

    def to_json(self) -> dict[str, Any]:
        if not self.scored:
            return {"id": self.id, "value": self.shown(), "n": self.n}
        return {
            "id": self.id,
            "value": self.shown(),
            "score": self.score,
            "n": self.n,
            "detail": _jsonable(self.detail),
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, Fraction):
        return round(float(v), 3)
    if isinstance(v, date):
        return v.isoformat()
    return v


@dataclass(frozen=True)
class Review:
    """Every figure of SPEC §10 for one quarter."""

    quarter: Quarter
    today: date
    items: tuple[Item, ...]
    evidence: tuple[Item, ...]
    team_name: str = ""

    @property
    def report_date(self) -> date:
        return report_date(self.quarter, self.today)

    @property
    def total(self) -> int:
        """Sum of the scores of the items that have one."""
        return sum(i.score for i in self.items if i.score is not None)

    @property
    def out_of(self) -> int:
        """5 × the number of scored items."""
        return 5 * sum(i.score is not None for i in self.items)

    def get(self, item_id: str) -> Item:
        for i in self.items + self.evidence:
            if i.id.casefold() == item_id.strip().casefold():
                return i
        raise ValueError(
            _("unknown fidelity item {item_id}; one of {values}").format(
                item_id=repr(item_id), values=", ".join(ITEMS)
            )
        )

    def to_json(self) -> dict[str, Any]:
        """The object of SPEC §10, exactly."""
        return {
            "quarter": str(self.quarter),
            "report_date": self.report_date.isoformat(),
            "items": [i.to_json() for i in self.items],
            "evidence": [i.to_json() for i in self.evidence],
        }


def _share(num: int, den: int) -> Fraction | None:
    return Fraction(num, den) if den else None


# ---------------------------------------------------------------- items


def _s1(ps: Sequence[Mapping[str, Any]], fs: FidelitySettings, r: date) -> Item:
    counts: dict[str, list[str]] = {}
    for p in ps:
        if _open_on(p, r):
            key = p.get("specialist") if isinstance(p.get("specialist"), str) else ""
            counts.setdefault(key, []).append(str(p.get("id", "")))
    keys = list(fs.team) + sorted(k for k in counts if k not in fs.team)
    per: dict[str, dict[str, Any]] = {}
    left_out: dict[str, int] = {}
    rows = []
    for k in keys:
        fte = fs.fte_of(k)
        held = counts.get(k, [])
        if fte <= 0:
            if held:
                left_out[k] = len(held)
            continue
        ratio = Fraction(len(held)) / fte
        per[k] = {"participants": len(held), "fte": fte, "per_fte": ratio}
        for pid in held:
            rows.append({"specialist": k, "participant": pid, "fte": float(fte)})
    value = max((d["per_fte"] for d in per.values()), default=None)
    largest = next((k for k, d in per.items() if d["per_fte"] == value), None)
    detail: dict[str, Any] = {"by_specialist": per, "largest": largest}
    if left_out:
        detail["fte_zero_left_out"] = left_out
    return Item("S1", value, score("S1", value, fs.bands["S1"]), len(per), detail, tuple(rows))


def _v4(ps: Sequence[Mapping[str, Any]], fs: FidelitySettings, r: date) -> Item:
    lo = r - timedelta(days=WINDOW_DAYS)
    rows = []
    for p in ps:
        enrolled = _date(p.get("enrolled_on"))
        first = first_on(p, "first_employer_contact_on")
        if enrolled is None or first is None or not lo < first <= r:
            continue
        days = max(0, (first - enrolled).days)
        rows.append(
            {
                "participant": str(p.get("id", "")),
                "enrolled_on": enrolled,
                "first_employer_contact_on": first,
                "days": days,
            }
        )
    value = Fraction(sum(x["days"] for x in rows), len(rows)) if rows else None
    within = sum(x["days"] <= 30 for x in rows)
    detail = {"participants": len(rows), "within_30_days": within}
    return Item("V4", value, score("V4", value, fs.bands["V4"]), len(rows), detail, tuple(rows))


def _v6(
    ps: Sequence[Mapping[str, Any]],
    employers: Sequence[Mapping[str, Any]],
    fs: FidelitySettings,
    r: date,
) -> Item:
    lo = r - timedelta(days=7 * CONTACT_WEEKS)
    seen: dict[tuple, dict[str, Any]] = {}

    def add(key: tuple, row: dict[str, Any]) -> None:
        if key in seen:
            seen[key]["also"].append(row["source"])
        else:
            row["also"] = []
            seen[key] = row

    for e in employers:
        eid = _str(e.get("id"))
        for i, c in enumerate(_maps(e.get("contacts"))):
            on, by = _date(c.get("on")), _str(c.get("by"))
            if on is None or by is None or not lo < on <= r or c.get("face_to_face") is False:
                continue
            add(
                (by, on, eid),
                {"specialist": by, "on": on, "employer": eid, "source": f"{eid} contacts[{i}]"},
            )
    for p in ps:
        pid = str(p.get("id", ""))
        owner = _str(p.get("specialist"))
        for i, c in enumerate(_maps(p.get("contacts"))):
            if c.get("kind") != "employer" or c.get("face_to_face") is False:
                continue
            on = _date(c.get("on"))
            by = _str(c.get("by")) or owner
            if on is None or by is None or not lo < on <= r:
                continue
            eid = _str(c.get("employer_id"))
            source = f"{pid} contacts[{i}]"
            key = (by, on, eid) if eid else ("participant", pid, i)
            add(key, {"specialist": by, "on": on, "employer": eid, "source": source})
    members = [k for k in fs.team if fs.fte_of(k) > 0]
    per: dict[str, dict[str, Any]] = {}
    for k in members:
        n = sum(1 for row in seen.values() if row["specialist"] == k)
        per[k] = {"contacts": n, "per_week": Fraction(n, CONTACT_WEEKS)}
    value = sum((d["per_week"] for d in per.values()), Fraction(0)) / len(per) if per else None
    rows = sorted(
        (
            {**row, "also": ", ".join(row["also"])}
            for row in seen.values()
            if row["specialist"] in per
        ),
        key=lambda x: (x["specialist"], x["on"], x["source"]),
    )
    detail = {
        "weeks": CONTACT_WEEKS,
        "from": lo + timedelta(days=1),
        "to": r,
        "by_specialist": per,
    }
    return Item("V6", value, score("V6", value, fs.bands["V6"]), len(per), detail, tuple(rows))


def _job_row(j: Job, **extra: Any) -> dict[str, Any]:
    return {"participant": j.participant, "job": j.index + 1, "start": j.start, **extra}


def _v8(started: Sequence[Job], fs: FidelitySettings) -> Item:
    typed = [j for j in started if j.job_type]
    groups: dict[str, int] = {}
    rows = []
    for j in typed:
        g = (j.job_type or "")[:2]
        groups[g] = groups.get(g, 0) + 1
        rows.append(_job_row(j, job_type=j.job_type, group=g))
    value = _share(len(groups), len(typed))
    detail = {
        "jobs": len(typed),
        "groups": len(groups),
        "by_group": dict(sorted(groups.items())),
        "without_job_type": len(started) - len(typed),
    }
    return Item("V8", value, score("V8", value, fs.bands["V8"]), len(typed), detail, tuple(rows))


def _v9(started: Sequence[Job], fs: FidelitySettings) -> Item:
    by: dict[str, int] = {}
    rows = []
    for j in started:
        by[j.employer_key] = by.get(j.employer_key, 0) + 1
        rows.append(_job_row(j, employer=j.employer, counted_as=j.employer_key))
    value = _share(len(by), len(started))
    top = max(by.values(), default=0)
    detail = {
        "jobs": len(started),
        "employers": len(by),
        "largest_share": _share(top, len(started)),
        "by_employer": dict(sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
    return Item("V9", value, score("V9", value, fs.bands["V9"]), len(started), detail, tuple(rows))


def _v10(started: Sequence[Job], fs: FidelitySettings) -> Item:
    comp = sum(j.competitive for j in started)
    rows = tuple(_job_row(j, competitive=j.competitive) for j in started)
    value = _share(comp, len(started))
    detail = {"jobs": len(started), "competitive": comp}
    return Item("V10", value, score("V10", value, fs.bands["V10"]), len(started), detail, rows)


def _v1(
    started: Sequence[Job], by_id: Mapping[str, Mapping[str, Any]], fs: FidelitySettings
) -> Item:
    n_days = fs.benefits_days
    rows = []
    for j in started:
        p = by_id.get(j.participant, {})
        lo = j.start - timedelta(days=n_days)
        dates = [
            _date(c.get("on")) for c in _maps(p.get("contacts")) if c.get("kind") == "benefits"
        ]
        dates.append(_date(p.get("benefits_counseling_on")))
        hit = min(
            (d for d in dates if d is not None and lo <= d <= j.start),
            default=None,
            key=lambda d: abs((j.start - d).days),
        )
        rows.append(_job_row(j, benefits_on=hit, met=hit is not None))
    met = sum(x["met"] for x in rows)
    return Item(
        "V1",
        _share(met, len(rows)),
        None,
        len(rows),
        {"jobs": len(rows), "met": met, "days": n_days},
        tuple(rows),
        scored=False,
    )


def _v3(
    jobs: Sequence[Job], by_id: Mapping[str, Mapping[str, Any]], fs: FidelitySettings, r: date
) -> Item:
    lo = r - timedelta(days=WINDOW_DAYS)
    n_days = fs.career_profile_days
    rows = []
    for j in jobs:
        if j.end is None or not lo < j.end <= r:
            continue
        cpu = _date(by_id.get(j.participant, {}).get("career_profile_updated_on"))
        met = cpu is not None and j.end <= cpu <= min(r, j.end + timedelta(days=n_days))
        pending = not met and j.end + timedelta(days=n_days) > r
        rows.append(
            {
                "participant": j.participant,
                "job": j.index + 1,
                "end": j.end,
                "career_profile_updated_on": cpu,
                "met": met,
                "still_open": pending,
            }
        )
    met = sum(x["met"] for x in rows)
    detail = {
        "job_ends": len(rows),
        "met": met,
        "days": n_days,
        "still_open": sum(x["still_open"] for x in rows),
    }
    return Item("V3", _share(met, len(rows)), None, len(rows), detail, tuple(rows), scored=False)


def _v12(ps: Sequence[Mapping[str, Any]], r: date) -> Item:
    lo = r - timedelta(days=FOLLOW_ALONG_DAYS)
    rows = []
    for p in ps:
        if not _open_on(p, r):
            continue
        working = False
        for job in _maps(p.get("jobs")):
            start, end = _date(job.get("start")), _date(job.get("end"))
            if start is not None and start <= r and ("end" not in job or (end and end >= r)):
                working = True
                break
        if not working:
            continue
        last = max(
            (
                d
                for c in _maps(p.get("contacts"))
                if (d := _date(c.get("on"))) is not None and d <= r
            ),
            default=None,
        )
        met = last is not None and last > lo
        rows.append({"participant": str(p.get("id", "")), "last_contact": last, "met": met})
    met = sum(x["met"] for x in rows)
    return Item(
        "V12",
        _share(met, len(rows)),
        None,
        len(rows),
        {"participants": len(rows), "met": met, "days": FOLLOW_ALONG_DAYS},
        tuple(rows),
        scored=False,
    )


# ---------------------------------------------------------------- the review


def compute(
    participants: Iterable[Mapping[str, Any]],
    employers: Iterable[Mapping[str, Any]],
    settings: FidelitySettings,
    quarter: Quarter,
    today: date,
    team_name: str = "",
) -> Review:
    """Every item of SPEC §10 for `quarter`, as of R = min(today, quarter end).

    See the module docstring for the exact definitions."""
    ps = [p for p in participants if isinstance(p, Mapping)]
    es = [e for e in employers if isinstance(e, Mapping)]
    r = report_date(quarter, today)
    lo = r - timedelta(days=WINDOW_DAYS)
    by_name: dict[str, str] = {}
    for e in es:
        eid, name = _str(e.get("id")), e.get("name")
        if eid and isinstance(name, str) and name.strip():
            by_name.setdefault(name_key(name), eid)
    jobs = _jobs(ps, by_name)
    started = [j for j in jobs if lo < j.start <= r]
    by_id = {str(p.get("id", "")): p for p in ps}
    items = (
        _s1(ps, settings, r),
        _v4(ps, settings, r),
        _v6(ps, es, settings, r),
        _v8(started, settings),
        _v9(started, settings),
        _v10(started, settings),
    )
    evidence = (_v1(started, by_id, settings), _v3(jobs, by_id, settings, r), _v12(ps, r))
    return Review(quarter, today, items, evidence, team_name)


# ---------------------------------------------------------------- formatting


def fmt_value(item: Item, bands: Sequence[Fraction] = ()) -> str:
    """The value in words fit for a table: per FTE, days, per week or a percentage.

    A share shown beside its band edges (`bands`, as `band_text` shows them) never
    contradicts them: one decimal (`64.2%`), more where one would put the value on the
    other side of an edge than its score (0.64249 is `64.249%` beside `>= 64.25%`)."""
    v = item.shown()
    if v is None:
        return "—"
    from ipstui.core.i18n import decimal, percent

    if item.id in ("S1", "V6"):
        return decimal(v, 2)
    if item.id == "V4":
        if round(v, 1) == int(round(v, 1)):
            n = int(round(v, 1))
            return ngettext("{n} day", "{n} days", n).format(n=n)
        days = decimal(v, 1)
        return pgettext("a number of days with a decimal, e.g. 42.5", "{n} days").format(n=days)
    if bands and item.value is not None:
        places, shown = _beside_edges(item.id, Fraction(item.value), bands)
        return percent(_exact_decimal(shown), least=1, most=places)
    return percent(v)


_MOST_PLACES = 6
"""Decimals of a percentage at most, when fewer would contradict a band edge."""


def _beside_edges(item_id: str, value: Fraction, bands: Sequence[Fraction]) -> tuple[int, Fraction]:
    """(decimals, the share rounded to them) for the fewest decimals of its percentage,
    from one, at which it meets exactly the edges `value` meets (`score`'s rule); past
    `_MOST_PLACES` rounded towards failing, which an edge of that many decimals keeps."""

    def meets(x: Fraction, edge: Fraction) -> bool:
        return x <= edge if item_id in LOWER_IS_BETTER else x >= edge

    for places in range(1, _MOST_PLACES + 1):
        unit = 100 * 10**places
        shown = Fraction(round(value * unit), unit)
        if all(meets(shown, e) == meets(value, e) for e in bands):
            return places, shown
    unit = 100 * 10**_MOST_PLACES
    down = value * unit // 1 if item_id not in LOWER_IS_BETTER else -(-value * unit // 1)
    return _MOST_PLACES, Fraction(down, unit)


def _exact_decimal(x: Fraction) -> Decimal:
    """`x` (a finite decimal: an edge from caseload.toml, a rounded share) as a Decimal."""
    return Decimal(x.numerator) / Decimal(x.denominator)


SHARE_ITEMS = frozenset({"V8", "V9", "V10"})
"""The scored items whose value is a share (a percentage, `fmt_value`); their band
edges are written as shares in caseload.toml (0.85) and shown as percentages too."""


def band_text(item_id: str, bands: Sequence[Fraction]) -> str:
    """The edges as `<= 20 / <= 25 / ...` for the table and screen, each number in the
    language in use (`>= 0.85` in English, `>= 0,85` in Italian: `i18n.decimal`), in the
    value's own unit: a share's edges as percentages with as many decimals as make them
    exact, up to four (`>= 85% / >= 64.25% / >= 3.33%`; `85%` in Danish too, no space),
    as `fmt_value` shows its value (trial 8, item 12: "80.0%" against ">= 0.85")."""
    from ipstui.core.i18n import decimal, percent

    op = "<=" if item_id in LOWER_IS_BETTER else ">="
    if item_id in SHARE_ITEMS:
        return " / ".join(f"{op} {percent(_exact_decimal(b), least=0, most=4)}" for b in bands)
    return " / ".join(f"{op} {decimal(float(b), 4)}" for b in bands)


def to_table(review: Review, settings: FidelitySettings) -> str:
    """The review as readable text (ends with a newline)."""
    q, r = review.quarter, review.report_date
    title = f"{escape(review.team_name)} — " if review.team_name else ""
    h_item, h_value, h_score = _("item"), _("value"), _("score")
    wi, wv, ws = max(4, len(h_item)), max(11, len(h_value)), max(5, len(h_score))
    wt = max(28, *(len(it.title) for it in (*review.items, *review.evidence)))
    lines = [
        title
        + _(
            "fidelity self-review {quarter}, as of {date} (last 12 months: {start} to {date})"
        ).format(
            quarter=q, date=r.isoformat(), start=(r - timedelta(days=WINDOW_DAYS - 1)).isoformat()
        ),
        _("A self-check against the IPS Fidelity Scale (IPS-25), not a fidelity review."),
        "",
        f"  {h_item:<{wi}}  {'':<{wt}}  {h_value:>{wv}}  {h_score:>{ws}}  {'n':>4}  "
        + _("bands for 5 / 4 / 3 / 2"),
    ]
    for it in review.items:
        sc = "—" if it.score is None else str(it.score)
        lines.append(
            f"  {it.id:<{wi}}  {it.title:<{wt}}  {fmt_value(it, settings.bands[it.id]):>{wv}}  {sc:>{ws}}  {it.n:>4}  "
            f"{band_text(it.id, settings.bands[it.id])}"
        )
    scored = sum(i.score is not None for i in review.items)
    lines += [
        "",
        "  "
        + _(
            "Partial sum: {total} out of {out_of} ({scored} of {items} computable items "
            "scored; a partial sum has no band)"
        ).format(total=review.total, out_of=review.out_of, scored=scored, items=len(review.items)),
        "",
        _("Evidence for the reviewer (no score):"),
    ]
    for it in review.evidence:
        num = it.detail.get("met", 0)
        count = f"{num}/{it.n}" if it.n else _("none")
        lines.append(
            f"  {it.id:<{wi}}  {it.title:<{wt}}  {fmt_value(it):>{wv}}  {count:>7}  "
            f"{MEASURES[it.id]}"
        )
    lines += [
        "",
        _("Details: {command} ({items})").format(
            command="ipstui fidelity --explain ITEM", items=", ".join(ITEMS)
        ),
    ]
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ("quarter", "report_date", "item", "kind", "value", "score", "n")


def to_csv(review: Review) -> str:
    """One row per item: quarter, report_date, item, kind (scored|evidence|sum), value,
    score, n; then a `sum` row with the partial sum and 5 × the scored items in `n`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    q, r = str(review.quarter), review.report_date.isoformat()
    for it in review.items:
        w.writerow(csv_row([q, r, it.id, "scored", _csv(it.shown()), _csv(it.score), it.n]))
    for it in review.evidence:
        w.writerow(csv_row([q, r, it.id, "evidence", _csv(it.shown()), "", it.n]))
    w.writerow([q, r, "total", "sum", "", review.total, review.out_of])
    return buf.getvalue()


def _csv(v: Any) -> str:
    return "" if v is None else str(v)


def cell_text(v: Any) -> str:
    """A value of an explain row as table text: dates ISO, booleans yes/no, None a dash."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Fraction):
        return f"{float(v):g}"
    return str(v)


def readable_cell(v: Any) -> str:
    """`cell_text` for a person: booleans as the current language's yes/no."""
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    return cell_text(v)


def record_header(key: str) -> str:
    """The translated header of an explain row's key (the key itself when unknown)."""
    return RECORD_HEADERS.get(key, key)


def explain_rows(item: Item) -> list[dict[str, Any]]:
    """The records behind an item, one dict per row (participants, jobs or contacts)."""
    return [dict(r) for r in item.rows]


def explain(item: Item, fmt: str) -> str:
    """The text of `ipstui fidelity --explain ITEM` in `fmt` (table, csv or json)."""
    rows = explain_rows(item)
    cols: list[str] = list(dict.fromkeys(k for r in rows for k in r))
    if fmt == "json":
        return (
            json.dumps({"id": item.id, "rows": _jsonable(rows)}, indent=2, ensure_ascii=False)
            + "\n"
        )
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(csv_row("" if r.get(c) is None else cell_text(r.get(c)) for c in cols))
        return buf.getvalue()
    head = f"{item.id} {item.title}: {fmt_value(item)}"
    if item.scored:
        head += ", " + _("score {score}").format(
            score=item.score if item.score is not None else "—"
        )
    head += f", n = {item.n} ({MEASURES[item.id]})"
    if not rows:
        return head + "\n  " + _("no records") + "\n"
    cells = [[readable_cell(r.get(c)) for c in cols] for r in rows]
    heads = [record_header(c) for c in cols]
    widths = [max(len(h), *(len(x[i]) for x in cells)) for i, h in enumerate(heads)]
    out = [head, "  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    for x in cells:
        out.append("  " + "  ".join(v.ljust(w) for v, w in zip(x, widths, strict=True)).rstrip())
    return "\n".join(out) + "\n"


def render(
    participants: Iterable[Mapping[str, Any]],
    employers: Iterable[Mapping[str, Any]],
    settings: Settings,
    settings_data: Mapping[str, Any] | None,
    *,
    quarter: str | None,
    today: date,
    fmt: str,
    explain_item: str | None = None,
) -> str:
    """The text `ipstui fidelity` prints. ValueError with one line on bad input."""
    if fmt not in FORMATS:
        raise ValueError(
            _("unknown format {fmt}; use one of {values}").format(
                fmt=repr(fmt), values=", ".join(FORMATS)
            )
        )
    q = quarter_of(today) if quarter is None else parse_quarter(quarter)
    fs = settings_from(settings, settings_data)
    review = compute(participants, employers, fs, q, today, settings.name)
    if explain_item is not None:
        return explain(review.get(explain_item), fmt)
    if fmt == "json":
        return json.dumps(review.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(review)
    return to_table(review, fs)
