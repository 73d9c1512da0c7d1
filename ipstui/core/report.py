"""Outcome reports of SPEC §8, as pure functions of (participants, settings, quarter, today).

The CLI (`ipstui report`) and the Reports screen both call `compute` and `rate_series`
and only format what they return, so every figure is computed in one place.

Definitions, for a quarter from QS to QE (both inclusive):

- **report date** = min(today, QE): the day the report is "as of". Figures that grow
  over time (referrals, hires, rapid job search) count only what had happened by then,
  so a past quarter's report does not change when later data is added.
- **active caseload**: `enrolled_on` <= QE and not closed before QS (no `closure`, or
  `closure.on` >= QS — a participant closed on QS itself is still active that quarter).
- **employed**: active, with a job where `competitive = true`, `start` <= QE and
  (`end` absent or `end` >= QS). Several such jobs still count the person once.
- **employment rate**: employed / active; None (JSON null) when nobody is active.
- **referrals**: participants with `referred_on` <= report date, by year of `referred_on`
  and `referral_source`; **hired**: those of them who started a competitive job with
  `start` <= report date.
- **rapid job search**: participants with `enrolled_on` and `first_employer_contact_on`
  both on or before the report date; median days between the two, and the share within
  30 days (IPS-25 "rapid job search"). The first employer contact is the earliest the
  file gives, the field or a logged employer contact (`milestones.first_on`).
- **caseload size**: non-closed participants per specialist today, against
  `Settings.max_for(key)`; above that is flagged, as on the board.

Participants are the plain dicts tomllib returns. A value of the wrong type (a string
where a date belongs, a job that is not a table) is ignored, never a crash; a job with an
`end` that is not a date is ignored as a whole rather than counted as still running.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ipstui.core.folder import UsageError
from ipstui.core.i18n import _
from ipstui.core.milestones import first_on
from ipstui.core.model import Roster, Settings
from ipstui.core.sheetsafe import csv_row, text_cells

FORMATS: tuple[str, ...] = ("table", "csv", "json")
RAPID_SEARCH_DAYS = 30
"""First employer contact within this many days of enrolment counts as rapid (IPS-25)."""
CSV_COLUMNS: tuple[str, ...] = ("quarter", "section", "group", "year", "source", "metric", "value")
TEAM = "team"
"""The group name of team-wide rows in CSV and table output."""

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


# ---------------------------------------------------------------- quarters


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A calendar quarter; orders chronologically; str() is its label, e.g. "2026Q3"."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4 or not 1 <= self.year <= 9999:
            raise ValueError(_("not a quarter: {year}Q{q}").format(year=self.year, q=self.q))

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def start(self) -> date:
        """QS, the quarter's first day."""
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        """QE, the quarter's last day."""
        if self.q == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.q + 1, 1) - timedelta(days=1)

    def shift(self, n: int) -> Quarter:
        """The quarter `n` quarters later (earlier when n < 0)."""
        index = self.year * 4 + (self.q - 1) + n
        return Quarter(index // 4, index % 4 + 1)

    def previous(self) -> Quarter:
        return self.shift(-1)

    def next(self) -> Quarter:
        return self.shift(1)


def parse_quarter(text: str) -> Quarter:
    """ "2026Q3" (also "2026q3", "2026-Q3") -> Quarter; UsageError (a ValueError) with a one-line message."""
    m = _QUARTER_RE.match(text) if isinstance(text, str) else None
    if m is None:
        raise UsageError(
            _("{text} is not a quarter; write a year, Q and 1 to 4, like 2026Q3").format(
                text=repr(text)
            )
        )
    year = int(m.group(1))
    if year < 1:
        raise UsageError(
            _("{text} is not a quarter; the year must be 0001 or later").format(text=repr(text))
        )
    return Quarter(year, int(m.group(2)))


def report_date(quarter: Quarter, today: date) -> date:
    """min(today, QE): the date referrals, hires and rapid search are counted up to."""
    return min(today, quarter.end)


def quarter_of(day: date) -> Quarter:
    """The quarter containing `day`."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


# ---------------------------------------------------------------- one participant's facts


FactsRow = tuple[
    str,
    bool,
    int | None,
    int | None,
    int | None,
    str | None,
    int | None,
    tuple[tuple[int, int | None], ...],
]
"""What the report reads of one participant, as plain values with dates as ordinals:
(specialist, closed_now, enrolled, closed_on, referred, source, first_employer_contact,
((start, end), ...)), wrong-typed values dropped: `specialist` "" unless a string,
`source` None unless a non-empty string, every date None unless a plain date; the jobs
are the competitive ones with a date `start` and an `end` that is a date or absent.

The one form the figures are computed from, and the one the load cache stores per blob
(`model.Participant.facts`): a report of loaded participants makes no new object per
participant (issue 13: 20,000 new objects per Reports screen set off full garbage
collections that stopped the UI thread)."""

SPECIALIST, CLOSED_NOW, ENROLLED, CLOSED_ON, REFERRED, SOURCE, FIRST_CONTACT, JOBS = range(8)
"""Positions in a `FactsRow`."""


def _ord(v: Any) -> int | None:
    # A datetime is a date subclass; only plain local dates count (SPEC §2).
    return v.toordinal() if type(v) is date else None


def facts_row(data: Mapping[str, Any]) -> FactsRow:
    """The `FactsRow` of one participant record (a dict as tomllib returns it).
    Changing what it holds needs `loader.CACHE_FORMAT` raised, or old caches lie."""
    closure = data.get("closure")
    jobs: list[tuple[int, int | None]] = []
    raw_jobs = data.get("jobs")
    for job in raw_jobs if isinstance(raw_jobs, list) else ():
        if not isinstance(job, Mapping) or job.get("competitive") is not True:
            continue
        start = _ord(job.get("start"))
        end = _ord(job.get("end"))
        if start is None or ("end" in job and end is None):
            continue
        jobs.append((start, end))
    source = data.get("referral_source")
    specialist = data.get("specialist")
    return (
        specialist if isinstance(specialist, str) else "",
        data.get("phase") == "closed" or isinstance(closure, Mapping),
        _ord(data.get("enrolled_on")),
        _ord(closure.get("on")) if isinstance(closure, Mapping) else None,
        _ord(data.get("referred_on")),
        source if isinstance(source, str) and source else None,
        _ord(first_on(data, "first_employer_contact_on")),
        tuple(jobs),
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """Participants read once for reporting: pass to `compute` and `rate_series` in place
    of the dicts when drawing several reports of the same caseload (the Reports screen)."""

    facts: tuple[FactsRow, ...]


Participants = Iterable[Mapping[str, Any]] | Prepared
"""Participant dicts as tomllib returns them, or the same already `prepare`d."""


def prepare(participants: Participants) -> Prepared:
    """Read what the report needs from every participant, once."""
    if isinstance(participants, Prepared):
        return participants
    return Prepared(tuple(facts_row(p) for p in participants))


def prepare_loaded(participants: Iterable[Any] | Mapping[str, Any]) -> Prepared:
    """`prepare` for loaded `model.Participant`s (or a mapping of them, such as a
    snapshot's `Roster`): the facts cached with each one's summary (`Participant.facts`,
    from `facts_row`) when it has them, so a report of 100,000 participants never parses
    their files; otherwise its `data`. From a `Roster`, no `Participant` is made for a
    participant whose facts are cached."""
    if isinstance(participants, Roster):
        roster = participants
        return Prepared(
            tuple(
                f if f is not None else facts_row(roster[pid].data)
                for pid, f in roster.cached_facts()
            )
        )
    if isinstance(participants, Mapping):
        participants = participants.values()
    return Prepared(
        tuple(p.facts if p.facts is not None else facts_row(p.data) for p in participants)
    )


# ---------------------------------------------------------------- figures


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


def _round3(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Active caseload and how many of it worked a competitive job in the quarter."""

    active: int = 0
    employed: int = 0

    @property
    def rate(self) -> float | None:
        """employed / active, unrounded; None when nobody is active."""
        return _rate(self.employed, self.active)

    def to_json(self) -> dict[str, Any]:
        return {"active": self.active, "employed": self.employed, "rate": _round3(self.rate)}


@dataclass(frozen=True, slots=True)
class ReferralRow:
    """Referrals of one year from one source, and the hires among them."""

    year: int
    source: str | None
    """None when the participant has no `referral_source`."""
    referred: int
    hired: int

    @property
    def rate(self) -> float | None:
        return _rate(self.hired, self.referred)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source,
            "referred": self.referred,
            "hired": self.hired,
        }


@dataclass(frozen=True, slots=True)
class RapidSearch:
    """Days from enrolment to first employer contact."""

    participants: int = 0
    median_days: float | int | None = None
    """An int when whole, else a .5 value; None without participants."""
    within_30: int = 0
    """How many made the first employer contact within 30 days (the count, not the share)."""

    @property
    def share_within_30(self) -> float | None:
        return _rate(self.within_30, self.participants)

    def to_json(self) -> dict[str, Any]:
        return {
            "participants": self.participants,
            "median_days": self.median_days,
            "within_30": _round3(self.share_within_30),
        }


@dataclass(frozen=True, slots=True)
class CaseloadSize:
    """One specialist's non-closed participants today, against their maximum."""

    specialist: str
    current: int
    maximum: int

    @property
    def over(self) -> int:
        """How many above the maximum (0 when at or under it)."""
        return max(0, self.current - self.maximum)


@dataclass(frozen=True, slots=True)
class QuarterOutcome:
    """The team's outcome in one quarter, for charts over time."""

    quarter: Quarter
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class YearReferrals:
    """Referrals of one year, all sources together, for the chart."""

    year: int
    referred: int
    hired: int

    @property
    def rate(self) -> float | None:
        return _rate(self.hired, self.referred)


@dataclass(frozen=True)
class Report:
    """Every figure of SPEC §8 for one quarter; format it with to_json, to_csv, to_table."""

    quarter: Quarter
    today: date
    team_name: str
    team: Outcome
    by_specialist: Mapping[str, Outcome]
    """Every team member in caseload.toml order (zero active included), then any other
    specialist key found on participants, sorted."""
    referrals: tuple[ReferralRow, ...]
    """Sorted by year, then source (a missing source last)."""
    rapid_search: RapidSearch
    caseload: tuple[CaseloadSize, ...]
    """Same specialists and order as by_specialist."""
    specialist_names: Mapping[str, str]

    @property
    def report_date(self) -> date:
        return report_date(self.quarter, self.today)

    def referrals_by_year(self) -> list[YearReferrals]:
        """The referral rows summed over sources, oldest year first."""
        years: dict[int, list[int]] = {}
        for row in self.referrals:
            acc = years.setdefault(row.year, [0, 0])
            acc[0] += row.referred
            acc[1] += row.hired
        return [YearReferrals(y, r, h) for y, (r, h) in sorted(years.items())]

    def to_json(self) -> dict[str, Any]:
        """The object of SPEC §8, exactly: rates as fractions to 3 decimals, null for 0/0."""
        return {
            "quarter": str(self.quarter),
            "team": self.team.to_json(),
            "by_specialist": {k: o.to_json() for k, o in self.by_specialist.items()},
            "referrals": [r.to_json() for r in self.referrals],
            "rapid_search": self.rapid_search.to_json(),
        }


def _specialist_order(settings: Settings, facts: Iterable[FactsRow]) -> list[str]:
    keys = list(settings.team)
    known = set(keys)
    return keys + sorted({f[SPECIALIST] for f in facts} - known)


def _outcomes(facts: Iterable[FactsRow], quarter: Quarter) -> dict[str, Outcome]:
    """Active and employed per specialist key (SPEC §8), for keys with anyone active.

    The one place these two definitions live; written as plain loops because the
    Reports screen runs it for every quarter of its chart.
    """
    qs, qe = quarter.start.toordinal(), quarter.end.toordinal()
    counts: dict[str, list[int]] = {}
    for spec, _closed_now, enrolled, closed_on, _ref, _src, _fec, jobs in facts:
        # Active: enrolled by QE and not closed before QS.
        if enrolled is None or enrolled > qe or (closed_on is not None and closed_on < qs):
            continue
        # Employed: a competitive job overlapping [QS, QE].
        employed = 0
        for start, end in jobs:
            if start <= qe and (end is None or end >= qs):
                employed = 1
                break
        acc = counts.get(spec)
        if acc is None:
            acc = counts[spec] = [0, 0]
        acc[0] += 1
        acc[1] += employed
    return {k: Outcome(a, e) for k, (a, e) in counts.items()}


def _team(per_specialist: Mapping[str, Outcome]) -> Outcome:
    return Outcome(
        sum(o.active for o in per_specialist.values()),
        sum(o.employed for o in per_specialist.values()),
    )


def _referrals(facts: Iterable[FactsRow], as_of: date) -> tuple[ReferralRow, ...]:
    last = as_of.toordinal()
    year_of: dict[int, int] = {}
    groups: dict[tuple[int, str | None], list[int]] = {}
    for f in facts:
        referred = f[REFERRED]
        if referred is None or referred > last:
            continue
        year = year_of.get(referred)
        if year is None:
            year = year_of[referred] = date.fromordinal(referred).year
        acc = groups.setdefault((year, f[SOURCE]), [0, 0])
        acc[0] += 1
        start = min((s for s, _end in f[JOBS]), default=None)
        acc[1] += start is not None and start <= last
    rows = [ReferralRow(y, s, r, h) for (y, s), (r, h) in groups.items()]
    rows.sort(key=lambda r: (r.year, r.source is None, r.source or ""))
    return tuple(rows)


def _rapid_search(facts: Iterable[FactsRow], as_of: date) -> RapidSearch:
    last = as_of.toordinal()
    days = [
        f[FIRST_CONTACT] - f[ENROLLED]
        for f in facts
        if f[ENROLLED] is not None
        and f[FIRST_CONTACT] is not None
        and f[ENROLLED] <= last
        and f[FIRST_CONTACT] <= last
    ]
    if not days:
        return RapidSearch()
    median = statistics.median(days)
    median_days: float | int = int(median) if median == int(median) else float(median)
    return RapidSearch(len(days), median_days, sum(d <= RAPID_SEARCH_DAYS for d in days))


def compute(
    participants: Participants,
    settings: Settings,
    quarter: Quarter,
    today: date,
) -> Report:
    """Every figure of SPEC §8 for `quarter`, as of min(today, quarter end).

    See the module docstring for the exact definitions. Specialist caseload sizes are
    today's (non-closed participants), whatever the quarter.
    """
    facts = prepare(participants).facts
    order = _specialist_order(settings, facts)
    outcomes = _outcomes(facts, quarter)
    by_specialist = {k: outcomes.get(k, Outcome()) for k in order}
    open_counts: dict[str, int] = {}
    for f in facts:
        if not f[CLOSED_NOW]:
            open_counts[f[SPECIALIST]] = open_counts.get(f[SPECIALIST], 0) + 1
    as_of = report_date(quarter, today)
    names = {k: s.name for k, s in settings.team.items()}
    return Report(
        quarter=quarter,
        today=today,
        team_name=settings.name,
        team=_team(by_specialist),
        by_specialist=by_specialist,
        referrals=_referrals(facts, as_of),
        rapid_search=_rapid_search(facts, as_of),
        caseload=tuple(CaseloadSize(k, open_counts.get(k, 0), settings.max_for(k)) for k in order),
        specialist_names={k: names.get(k, k or "(no specialist)") for k in order},
    )


def rate_series(
    participants: Participants,
    settings: Settings,
    end_quarter: Quarter,
    n: int = 8,
) -> list[QuarterOutcome]:
    """The team's outcome for the `n` quarters ending with `end_quarter`, oldest first.

    Each entry equals `compute(..., quarter).team` for its quarter (same function).
    `settings` is accepted for symmetry with `compute`; team figures do not depend on it.
    """
    facts = prepare(participants).facts
    out = []
    for i in range(n - 1, -1, -1):
        try:
            q = end_quarter.shift(-i)
        except ValueError:  # before year 1
            continue
        out.append(QuarterOutcome(q, _team(_outcomes(facts, q))))
    return out


# ---------------------------------------------------------------- formatting


def fmt_rate(x: float | None) -> str:
    """A rate as a percentage with one decimal in the language in use (`41.7%`,
    `41,7%`: `i18n.percent`), or an em dash for 0/0."""
    from ipstui.core.i18n import percent

    return "—" if x is None else percent(x)


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v == int(v) else str(round(v, 3))
    return str(v)


def to_csv(report: Report) -> str:
    """One row per figure and group; empty `value` for a rate with a zero denominator.

    Columns: quarter, section, group, year, source, metric, value. Sections are
    `employment` (groups: team, then each specialist), `referrals`, `rapid_search` and
    `caseload` (today's non-closed participants and the maximum, per specialist).
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    q = str(report.quarter)

    def row(section: str, group: str, metric: str, value: Any, year: Any = "", source: Any = ""):
        w.writerow(csv_row([q, section, group, year, source or "", metric, _csv_value(value)]))

    for group, o in [(TEAM, report.team), *report.by_specialist.items()]:
        row("employment", group, "active", o.active)
        row("employment", group, "employed", o.employed)
        row("employment", group, "rate", _round3(o.rate))
    for r in report.referrals:
        row("referrals", TEAM, "referred", r.referred, r.year, r.source)
        row("referrals", TEAM, "hired", r.hired, r.year, r.source)
        row("referrals", TEAM, "hire_rate", _round3(r.rate), r.year, r.source)
    rs = report.rapid_search
    row("rapid_search", TEAM, "participants", rs.participants)
    row("rapid_search", TEAM, "median_days", rs.median_days)
    row("rapid_search", TEAM, "within_30", _round3(rs.share_within_30))
    for c in report.caseload:
        row("caseload", c.specialist, "current", c.current)
        row("caseload", c.specialist, "max", c.maximum)
    return buf.getvalue()


def _fmt_days(x: float | int | None) -> str:
    """A median in days in the language in use (`12.5`, `12,5`: `i18n.decimal`), or —."""
    from ipstui.core.i18n import decimal

    return "—" if x is None else decimal(x, 1)


def to_table(report: Report) -> str:
    """The report as readable fixed-width text (ends with a newline)."""
    q = report.quarter
    names = report.specialist_names
    kw = max([len(TEAM), *(len(k) for k in report.by_specialist)])
    nw = max([0, *(len(n) for n in names.values())])
    title = f"{report.team_name} — " if report.team_name else ""
    h_group, h_name, h_active, h_employed, h_rate = (
        _("group"),
        _("name"),
        _("active"),
        _("employed"),
        _("rate"),
    )
    kw = max(kw, len(h_group))
    nw = max(nw, len(h_name))
    wa, we, wr = max(6, len(h_active)), max(8, len(h_employed)), max(6, len(h_rate))
    lines = [
        title
        + _("outcome report {quarter} ({start} to {end}), as of {date}").format(
            quarter=q,
            start=q.start.isoformat(),
            end=q.end.isoformat(),
            date=report.report_date.isoformat(),
        ),
        "",
        _("Employment rate: active participants who worked a competitive job in the quarter"),
        f"  {h_group:<{kw}}  {h_name:<{nw}}  {h_active:>{wa}}  {h_employed:>{we}}  {h_rate:>{wr}}",
    ]
    for group, o in [(TEAM, report.team), *report.by_specialist.items()]:
        name = "" if group == TEAM else names.get(group, group)
        lines.append(
            f"  {group:<{kw}}  {name:<{nw}}  {o.active:>{wa}}  {o.employed:>{we}}  "
            f"{fmt_rate(o.rate):>{wr}}"
        )

    lines += [
        "",
        _("Referrals per year by source (hired: competitive job started by {date})").format(
            date=report.report_date.isoformat()
        ),
    ]
    if report.referrals:
        h_year, h_source, h_referred, h_hired, h_hire_rate = (
            _("year"),
            _("source"),
            _("referred"),
            _("hired"),
            _("hire rate"),
        )
        none = _("(none)")
        sw = max([len(h_source), *(len(r.source or none) for r in report.referrals)])
        wy, wf, wh, wx = (
            max(4, len(h_year)),
            max(8, len(h_referred)),
            max(5, len(h_hired)),
            max(9, len(h_hire_rate)),
        )
        lines.append(
            f"  {h_year:<{wy}}  {h_source:<{sw}}  {h_referred:>{wf}}  {h_hired:>{wh}}  "
            f"{h_hire_rate:>{wx}}"
        )
        for r in report.referrals:
            lines.append(
                f"  {r.year:<{wy}}  {r.source or none:<{sw}}  {r.referred:>{wf}}  "
                f"{r.hired:>{wh}}  {fmt_rate(r.rate):>{wx}}"
            )
    else:
        lines.append("  " + _("no referrals"))

    rs = report.rapid_search
    labels = (_("participants"), _("median days"), _("within {n} days").format(n=RAPID_SEARCH_DAYS))
    lw = max(14, *(len(x) for x in labels))
    lines += [
        "",
        _("Rapid job search: enrolment to first employer contact (target: within {n} days)").format(
            n=RAPID_SEARCH_DAYS
        ),
        f"  {labels[0]:<{lw}}  {rs.participants}",
        f"  {labels[1]:<{lw}}  {_fmt_days(rs.median_days)}",
        f"  {labels[2]:<{lw}}  {fmt_rate(rs.share_within_30)}"
        + (f" ({rs.within_30}/{rs.participants})" if rs.participants else ""),
        "",
        _("Caseload on {date}: non-closed participants per specialist against the maximum").format(
            date=report.today.isoformat()
        ),
    ]
    for c in report.caseload:
        mark = "  " + _("ABOVE MAX by {n}").format(n=c.over) if c.over else ""
        name = names.get(c.specialist, c.specialist)
        lines.append(
            f"  {c.specialist:<{kw}}  {name:<{nw}}  {c.current:>3} / {c.maximum:<3}{mark}".rstrip()
        )
    if not report.caseload:
        lines.append("  " + _("no specialists"))
    return "\n".join(lines) + "\n"


def render(
    participants: Participants,
    settings: Settings,
    *,
    quarter: str | None,
    today: date,
    fmt: str,
) -> str:
    """The text `ipstui report` prints: `fmt` is table, csv or json; `quarter` like 2026Q3
    (default: the quarter containing today). ValueError with one line on bad input."""
    if fmt not in FORMATS:
        raise ValueError(
            _("unknown report format {fmt}; use one of {values}").format(
                fmt=repr(fmt), values=", ".join(FORMATS)
            )
        )
    q = quarter_of(today) if quarter is None else parse_quarter(quarter)
    report = compute(participants, settings, q, today)
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(report)
    return to_table(report)


def write_xlsx(report: Report, path: Path) -> None:
    """The report as a workbook with one sheet per table — Employment (team, then each
    specialist), Referrals, Rapid search, Caseload — each headed by the team, quarter and
    report date, rates as fractions formatted as percentages (empty for 0/0). Written with
    openpyxl with `export.save_workbook` (whole, or to a pipe)."""
    from openpyxl import Workbook

    wb = Workbook()
    title = [
        ("Team", report.team_name),
        ("Quarter", str(report.quarter)),
        ("Report date", report.report_date),
    ]

    def sheet(name: str, header: list[str], rows: list[list[Any]], rate_cols: set[int]) -> None:
        ws = wb.create_sheet(name)
        for row in title:
            ws.append(list(row))
        ws.append([])
        ws.append(header)
        for r in rows:
            ws.append(r)
        first = len(title) + 3
        for row in ws.iter_rows(min_row=first):
            for cell in row:
                if cell.column - 1 in rate_cols and cell.value is not None:
                    cell.number_format = "0.0%"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws["B3"].number_format = "yyyy-mm-dd"
        for col, width in zip("ABCDEF", (22, 14, 14, 14, 14, 14), strict=False):
            ws.column_dimensions[col].width = width

    groups = [(TEAM, report.team), *report.by_specialist.items()]
    sheet(
        "Employment",
        ["group", "name", "active", "employed", "rate"],
        [[g, report.specialist_names.get(g, ""), o.active, o.employed, _round3(o.rate)]
         for g, o in groups],
        {4},
    )  # fmt: skip
    sheet(
        "Referrals",
        ["year", "source", "referred", "hired", "hire_rate"],
        [[r.year, r.source or "", r.referred, r.hired, _round3(r.rate)] for r in report.referrals],
        {4},
    )
    rs = report.rapid_search
    sheet(
        "Rapid search",
        ["participants", "median_days", "within_30"],
        [[rs.participants, rs.median_days, _round3(rs.share_within_30)]],
        {2},
    )
    sheet(
        "Caseload",
        ["specialist", "name", "current", "max"],
        [[c.specialist, report.specialist_names.get(c.specialist, ""), c.current, c.maximum]
         for c in report.caseload],
        set(),
    )  # fmt: skip
    del wb[wb.sheetnames[0]]  # the empty default sheet
    for ws in wb.worksheets:
        text_cells(ws)
    from ipstui.core.export import save_workbook

    save_workbook(wb, Path(path))
