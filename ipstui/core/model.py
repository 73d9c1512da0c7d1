"""The caseload's vocabulary: phases, enums, key orders and small value types.

Everything here is plain data. A participant is held as the dict tomllib returns
(document order kept, unknown keys kept); helpers below read it.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

from ipstui.core.i18n import N_, NP_, Labels, _
from ipstui.core.termsafe import UNSAFE

SCHEMA_VERSION = 1

DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
"""Dates a caseload may hold (SPEC §2); rules add at most a few years to them, so date
arithmetic never leaves Python's range (year 9999)."""
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(text: str) -> date:
    """The one parser of dates typed by a user (CLI options, `set`, the app's forms).

    Accepts `YYYY-MM-DD` only (SPEC §2: no week dates like 2026-W01-1, no ordinal dates,
    which Python's `date.fromisoformat` also takes) between DATE_MIN and DATE_MAX.
    Raises ValueError with a one-line message that quotes the text."""
    text = text.strip()
    if not _DATE_TEXT.fullmatch(text):
        raise ValueError(
            _("{text} is not a date like 2026-11-20 (YYYY-MM-DD)").format(text=repr(text))
        )
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("{text} is not a date of the calendar").format(text=repr(text))
        ) from None
    if not in_date_range(day):
        raise ValueError(
            _("{text} is outside the dates ipstui accepts ({DATE_MIN} to {DATE_MAX})").format(
                text=repr(text), DATE_MIN=DATE_MIN, DATE_MAX=DATE_MAX
            )
        )
    return day


CONTROL_IN_LINE = UNSAFE
"""What single-line text may not hold: C0 controls, DEL, C1 controls, bidi overrides."""
CONTROL_IN_NOTES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What free text (notes) may not hold: the same, but new lines and tabs are allowed."""
HOURS_MAX = 168
"""hours_per_week is 0 to 168, the hours of a week (SPEC §2; the schema says the same)."""


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as text, or None (SPEC §2, as the schemas say it).

    Single-line text holds no control character (C0, DEL, C1) and no bidirectional
    override; `multiline` text (notes) may also hold new lines and tabs."""
    m = (CONTROL_IN_NOTES if multiline else CONTROL_IN_LINE).search(value)
    if m is None:
        return None
    c = m.group()
    kind = "bidirectional override" if c >= "\u202a" else "control character"
    where = "text" if multiline else "single-line text"
    return f"{kind} U+{ord(c):04X} is not allowed in {where}"


def in_date_range(day: object) -> bool:
    """True for a plain date (not a datetime) between DATE_MIN and DATE_MAX."""
    return type(day) is date and DATE_MIN <= day <= DATE_MAX


ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
"""The characters and length of an id (participant or employer; the file name without
.toml): letters, digits, _ and -, starting with a letter or digit, 1-64 characters. It
leaves out every character Windows, macOS or Linux refuses in a file name (`<>:"/\\|?*`,
control characters) and a trailing dot or space (Windows drops those); what it lets
through that still cannot be a file on Windows is `DEVICE_NAMES` (`is_valid_id`)."""
ID_RE = re.compile(ID_PATTERN)
ID_MAX = 64
"""The longest id, in characters (as ID_PATTERN says)."""

DEVICE_NAMES: frozenset[str] = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{dev}{n}" for dev in ("COM", "LPT") for n in range(10)}
)
"""Windows' reserved device names, which no file can have on Windows in any case and with
any extension (`CON.toml`, `nul.toml`, `Com1.toml`): a Windows clone of the caseload
cannot check such a file out. Source: Microsoft, "Naming Files, Paths, and Namespaces"
(learn.microsoft.com/windows/win32/fileio/naming-a-file), which lists CON, PRN, AUX,
NUL, COM0-COM9 and LPT0-LPT9 (and COM/LPT with superscript digits, which ID_PATTERN
already leaves out; so do CONIN$ and CONOUT$)."""
DEVICE_NAME_PATTERN = r"^(?:[Cc][Oo][Nn]|[Pp][Rr][Nn]|[Aa][Uu][Xx]|[Nn][Uu][Ll]|[Cc][Oo][Mm][0-9]|[Ll][Pp][Tt][0-9])$"
"""DEVICE_NAMES as a JSON Schema pattern (no case-insensitive flag there): the schemas'
`id` and `employer_id` say `"not": {"pattern": DEVICE_NAME_PATTERN}`."""


def is_device_name(value: str) -> bool:
    """True when `value` (an id, the file name without .toml) is a Windows device name in
    any case (`CON`, `nul`, `Com1`): see DEVICE_NAMES."""
    return value.upper() in DEVICE_NAMES


def device_name_refusal(value: object) -> str | None:
    """The one message (translated) that refuses `value` as an id because it is a Windows
    device name, for `new --id`, the app's id field, import and the employer register;
    None when `value` is not one (it may still be invalid for other reasons: the
    caller's own message says those), so `device_name_refusal(x) or <that message>`."""
    if not (isinstance(value, str) and ID_RE.fullmatch(value) and is_device_name(value)):
        return None
    return _(
        "{id} is a device name on Windows (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 to LPT9), "
        "so a Windows clone of the caseload could not have its file; choose another id"
    ).format(id=repr(value))


def device_name_problem(value: str, what: str) -> str:
    """The `validate` finding (English, as every file finding) for an existing file or id
    `value` that is a Windows device name; `what` says which ("file name", "id")."""
    return (
        f"{what} {value!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-COM9, "
        "LPT0-LPT9 in any case): a Windows clone cannot check the file out; rename it "
        "(docs/file-format.md)"
    )

PHASES: tuple[str, ...] = (
    "intake",
    "engagement",
    "assessment",
    "plan",
    "job_search",
    "follow_up",
    "closed",
)
PHASE_LABELS: Labels = Labels(
    {
        "intake": N_("Intake"),
        "engagement": N_("Engagement"),
        "assessment": N_("Career profile"),
        "plan": N_("Plan"),
        "job_search": N_("Job search"),
        "follow_up": N_("Follow-up"),
        "closed": N_("Closed"),
    }
)
PHASE_SHORT_LABELS: Labels = Labels(
    {
        "intake": NP_("short phase label, a board column at 80 columns", "Intake"),
        "engagement": NP_("short phase label, a board column at 80 columns", "Engage"),
        "assessment": NP_("short phase label, a board column at 80 columns", "Profile"),
        "plan": NP_("short phase label, a board column at 80 columns", "Plan"),
        "job_search": NP_("short phase label, a board column at 80 columns", "Hunt"),
        "follow_up": NP_("short phase label, a board column at 80 columns", "In job"),
        "closed": NP_("short phase label, a board column at 80 columns", "Closed"),
    }
)
"""A phase's label in a short word (about six letters), as a board column's title reads when the
whole label does not fit (`ui.widgets.board.column_title`): a short word of its own,
not a cut one ("Hunt (16)" for "Job search", not "Job … (16)": trial 8, item 11)."""
BOARD_PHASES: tuple[str, ...] = PHASES[:-1]

CONTACT_KINDS = (
    "meeting",
    "phone",
    "message",
    "outreach",
    "employer",
    "team",
    "family",
    "benefits",
)
DISCLOSURE = ("yes", "no", "undecided")
SUPPORT_MODES = ("direct", "behind_the_scenes")
SUSPENSION_REASONS = ("request", "team_decision", "relapse", "other")
CLOSURE_REASONS = (
    "request",
    "job_no_further_support",
    "criteria_not_met",
    "shared_decision",
    "moved",
    "other",
)

# Canonical order of the top-level keys (SPEC §2). Scalars and arrays of values
# first, then tables, then arrays of tables, as TOML requires.
TOP_KEYS: tuple[str, ...] = (
    "schema",
    "id",
    "name",
    "specialist",
    "phase",
    "phase_since",
    "referral_source",
    "referred_on",
    "first_contact_on",
    "enrolled_on",
    "first_employer_contact_on",
    "benefits_counseling_on",
    "career_profile_updated_on",
    "disclosure",
    "support_mode",
    "goals",
    "strengths",
    "notes",
)
TABLE_KEYS: tuple[str, ...] = ("suspension", "closure", "conflicts")
LIST_KEYS: tuple[str, ...] = ("contacts", "jobs", "tasks")
KNOWN_KEYS = frozenset(TOP_KEYS + TABLE_KEYS + LIST_KEYS)

SUB_KEYS: dict[str, tuple[str, ...]] = {
    "suspension": ("since", "reason"),
    "closure": ("on", "reason"),
    "contacts": ("on", "kind", "by", "employer_id", "face_to_face", "note"),
    "jobs": (
        "employer",
        "employer_id",
        "title",
        "job_type",
        "start",
        "end",
        "hours_per_week",
        "hourly_wage",
        "competitive",
        "end_reason",
    ),
    "tasks": ("due", "what", "done_on"),
}
CONFLICT_KEYS: tuple[str, ...] = ("ours", "theirs", "base", "theirs_commit")

DATE_FIELDS = frozenset(
    {
        "phase_since",
        "referred_on",
        "first_contact_on",
        "enrolled_on",
        "first_employer_contact_on",
        "benefits_counseling_on",
        "career_profile_updated_on",
    }
)
EVENT_DATES: tuple[str, ...] = (
    "phase_since", "referred_on", "first_contact_on", "enrolled_on",
    "first_employer_contact_on", "benefits_counseling_on", "career_profile_updated_on",
)  # fmt: skip
"""Top-level dates of events that have happened: an edit may not put them after today
(`edits.not_after_today`), validate warns when a file does (`validate.EVENT_PATHS`)."""
REQUIRED_KEYS: tuple[str, ...] = ("schema", "id", "name", "specialist", "phase", "phase_since")
ENUM_FIELDS: dict[str, tuple[str, ...]] = {
    "phase": PHASES,
    "disclosure": DISCLOSURE,
    "support_mode": SUPPORT_MODES,
}
# Scalar fields whose values may appear in a commit message. Everything else
# (names, notes, free text, the team's own x_ keys) is named but never quoted, and so
# are the sensitive values of SPEC §5: disclosure and suspension.reason. A referral
# source is quoted only when it is one of the team's listed sources (not free text),
# and `[privacy] message_values` in caseload.toml hides more (changes.MessagePolicy).
MESSAGE_SAFE_FIELDS = frozenset(
    {"schema", "id", "specialist", "phase", "support_mode", "referral_source"} | DATE_FIELDS
)
ALWAYS_HIDDEN_VALUES = frozenset({"disclosure", "suspension.reason"})
# Scalar fields `ipstui set` and the participant form may change.
SETTABLE_FIELDS: tuple[str, ...] = tuple(k for k in TOP_KEYS if k not in ("schema", "id"))
LIST_FIELDS = frozenset({"goals", "strengths"})


def is_valid_id(value: object) -> bool:
    """True when `value` is an id (participant or employer) that is a file name on every
    platform a team member may clone on: ID_PATTERN, and not a Windows device name
    (DEVICE_NAMES). The one id rule: every path built from an id and every id accepted
    (new, import, the register, a renumbering) goes through it."""
    return (
        isinstance(value, str) and ID_RE.fullmatch(value) is not None and not is_device_name(value)
    )


def participant_path(root: Path, pid: str) -> Path:
    """The file of participant `pid`; refuses ids that are not safe file names."""
    if not is_valid_id(pid):
        raise ValueError(_("not a valid participant id: {pid}").format(pid=repr(pid)))
    return root / "participants" / f"{pid}.toml"


Summary = tuple[str, str, str, bool, bool]
"""What the board needs of a participant: (name, specialist, phase, suspended, conflicts)."""


def summarize(data: dict[str, Any]) -> Summary:
    return (
        str(data.get("name", "")),
        str(data.get("specialist", "")),
        str(data.get("phase", "")),
        isinstance(data.get("suspension"), dict),
        bool(data.get("conflicts")),
    )


def dated(raw: tuple) -> tuple:
    """Raw deadlines (`rules.raw_deadlines`' (rule, due, ref, what)) with each due as a
    date: the load cache keeps them as date ordinals (`marshal` has no dates)."""
    if not raw or type(raw[0][1]) is not int:
        return raw
    fromordinal = date.fromordinal
    return tuple((r, fromordinal(d), ref, what) for r, d, ref, what in raw)


class Participant:
    """One participant as loaded: its summary, the version it was read at, and its data.

    A large caseload is loaded from a cache of summaries; the full record is then read
    from its file the first time `data` is asked for (opening it, a report, an edit).
    Treat it as immutable: edits build a new record and a new Participant."""

    __slots__ = (
        "id",
        "rel_path",
        "blob",
        "_data",
        "_summary",
        "_root",
        "_raw",
        "facts",
        "__weakref__",
    )

    def __init__(
        self,
        id: str,
        data: dict[str, Any] | None,
        rel_path: str,
        blob: str,
        *,
        summary: Summary | None = None,
        root: Path | None = None,
        raw: tuple | None = None,
        facts: tuple | None = None,
    ) -> None:
        if data is None and (summary is None or root is None):
            raise ValueError(
                _("a Participant needs its data, or a summary and a root to read it from")
            )
        self.id = id
        self.rel_path = rel_path
        self.blob = blob
        """Git blob id of the bytes the summary or data came from: the stale-write guard compares it."""
        self._data = data
        self._summary = summary if summary is not None else summarize(data or {})
        self._root = root
        self._raw = raw
        self.facts = facts
        """What reports read of the record (`report.facts_row`), cached with the summary
        (or None: then reports read `data`)."""

    def __repr__(self) -> str:
        return f"Participant({self.id!r}, blob={self.blob[:7]})"

    @property
    def raw(self) -> tuple | None:
        """Deadlines as `rules.raw_deadlines` gives them, cached with the summary (or None).

        The load cache stores dates as ordinals (`marshal` has no dates); they are turned
        into dates here, when first asked for, so a report that never looks at deadlines
        does not pay for 100,000 participants' worth of them."""
        raw = self._raw
        if raw is not None and raw and type(raw[0][1]) is int:
            raw = self._raw = dated(raw)
        return raw

    @raw.setter
    def raw(self, value: tuple | None) -> None:
        self._raw = value

    @property
    def data(self) -> dict[str, Any]:
        """The parsed file (read on first use when loaded from the summary cache)."""
        if self._data is None:
            from ipstui.core import storage

            try:
                self._data = storage.loads_bytes(
                    (self._root / self.rel_path).read_bytes(), self.rel_path
                )
            except (OSError, storage.StorageError):
                # Gone or broken since the listing: show what was known; a save of it is
                # refused by the stale-write guard, and the next reload lists the problem.
                name, spec, phase, _unused, _unused = self._summary
                self._data = {
                    "schema": 1,
                    "id": self.id,
                    "name": name,
                    "specialist": spec,
                    "phase": phase,
                }
        return self._data

    @property
    def loaded(self) -> bool:
        return self._data is not None

    @property
    def summary(self) -> Summary:
        return self._summary

    @property
    def name(self) -> str:
        return self._summary[0]

    @property
    def specialist(self) -> str:
        return self._summary[1]

    @property
    def phase(self) -> str:
        return self._summary[2]

    @property
    def suspended(self) -> bool:
        return self._summary[3]

    @property
    def has_conflicts(self) -> bool:
        return self._summary[4]


Row = tuple[str, str, Summary, "tuple | None", "tuple | None", "tuple | None"]
"""A participant loaded from the summary cache, as `Roster` keeps it:
(rel_path, blob, summary, raw, facts, refs), a plain tuple of atoms and plain tuples
(refs: `refs.refs_row`)."""


class Roster(Mapping[str, Participant]):
    """The participants of a loaded snapshot: participant id -> `Participant`, in file
    order, holding each one loaded from the summary cache as a `Row` and making its
    `Participant` when asked for (the file itself is read only when its `data` is).

    Why: a snapshot lives as long as the app shows it, and 20,000 `Participant`s are
    20,000 objects every full garbage collection walks (they are class instances, so
    the collector tracks them for good); the collections that land while a screen comes
    up stall the UI for that long (issue 13). A plain tuple of atoms is no longer
    tracked once it survives a collection, so rows cost a collection nothing.

    A `Participant` asked for twice while someone still holds it is the same object
    (its `data`, once read, is not read again); one nobody holds is dropped. Records
    given in full (an edit's, `with_participant`) are kept as they are. Immutable like
    the snapshot: `with_participant` and `without` return a new roster."""

    __slots__ = ("_root", "_rows", "_full", "_made", "_dates")

    def __init__(
        self,
        root: Path,
        rows: Mapping[str, Row],
        full: Mapping[str, Participant] | None = None,
    ) -> None:
        """`rows`: participant id -> `Row`, in the order to iterate; `full`: participants
        kept as they are (their ids not in `rows` come after the rows, in their order).
        Neither mapping may change afterwards."""
        self._root = root
        self._rows = rows
        self._full: Mapping[str, Participant] = full or {}
        self._made: weakref.WeakValueDictionary[str, Participant] = weakref.WeakValueDictionary()
        self._dates: dict[str, tuple] = {}
        """id -> the row's deadlines with their dates made (`Participant.raw`), once per
        row; shared by the rosters made from this one (the rows never change)."""

    def __getitem__(self, pid: str) -> Participant:
        p = self._full.get(pid)
        if p is not None:
            return p
        p = self._made.get(pid)
        if p is not None:
            return p
        rel, blob, summary, raw, facts = self._rows[pid][:5]
        p = Participant(
            pid, None, rel, blob, summary=summary, root=self._root, raw=raw, facts=facts
        )
        if raw:
            p.raw = self._dated(pid, raw)
        self._made[pid] = p
        return p

    def __contains__(self, pid: object) -> bool:
        return pid in self._full or pid in self._rows

    def __iter__(self) -> Iterator[str]:
        yield from self._rows
        for pid in self._full:
            if pid not in self._rows:
                yield pid

    def __len__(self) -> int:
        return len(self._rows) + sum(1 for pid in self._full if pid not in self._rows)

    def _dated(self, pid: str, raw: tuple) -> tuple:
        # The dates once per row, not once per use (the agenda asks for every
        # participant's deadlines each time it is drawn).
        out = self._dates.get(pid)
        if out is None:
            out = self._dates[pid] = dated(raw)
        return out

    def _each(self) -> Iterator[tuple[str, tuple | None, Participant | None]]:
        """(id, stored row or None, `Participant` made so far or None) of every
        participant, in order: the rows first, then participants added since the load.
        One of the two is always there; a made `Participant` is newer than its row."""
        full = self._full
        for pid, row in self._rows.items():
            yield pid, row, full.get(pid)
        for pid, p in full.items():
            if pid not in self._rows:
                yield pid, None, p

    def deadline_rows(self) -> Iterator[tuple[str, Summary, tuple | None]]:
        """(id, summary, raw deadlines with dates) of every participant, in order, without
        making `Participant`s for the rows; the deadlines are None when not cached (then
        `rules.participant_raw(self[id], ...)` computes them from the record)."""
        for pid, row, p in self._each():
            if p is not None:
                yield pid, p.summary, p.raw
            else:
                raw = row[3]
                yield pid, row[2], None if raw is None else self._dated(pid, raw)

    def summaries(self) -> Iterator[tuple[str, Summary]]:
        """(id, summary) of every participant, in order, without making `Participant`s."""
        for pid, row, p in self._each():
            yield pid, (row[2] if p is None else p.summary)

    def cached_facts(self) -> Iterator[tuple[str, tuple | None]]:
        """(id, facts) of every participant, in order, without making `Participant`s
        for the rows: the report facts cached with the summary, or None (then reports
        read the record: `self[id].data`)."""
        for pid, row, p in self._each():
            yield pid, (row[4] if p is None else p.facts)

    def cached_refs(self) -> Iterator[tuple[str, str, tuple | None]]:
        """(id, file's relative path, refs) of every participant, in order, without making
        `Participant`s for the rows: the references cached with the summary
        (`refs.refs_row`), or None for a participant held in full (then read its `data`)."""
        for pid, row, p in self._each():
            if p is None:
                yield pid, row[0], row[5]
            else:
                yield pid, p.rel_path, None

    def blob_of(self, pid: str) -> str | None:
        """The git blob id `pid` was read at (None when absent), without a `Participant`."""
        p = self._full.get(pid)
        if p is not None:
            return p.blob
        row = self._rows.get(pid)
        return None if row is None else row[1]

    def with_participant(self, p: Participant) -> Roster:
        """This roster with `p` in place of the participant of its id (or added last)."""
        return self._derived(self._rows, {**self._full, p.id: p})

    def without(self, pid: str) -> Roster:
        """This roster without participant `pid`."""
        rows = self._rows
        if pid in rows:
            rows = {k: v for k, v in rows.items() if k != pid}
        return self._derived(rows, {k: v for k, v in self._full.items() if k != pid})

    def _derived(self, rows: Mapping[str, Row], full: Mapping[str, Participant]) -> Roster:
        out = Roster(self._root, rows, full)
        out._dates = self._dates
        return out


def summaries_of(held: Mapping[str, Participant]) -> Iterator[tuple[str, Summary]]:
    """(id, summary) of every participant of a snapshot, in order; from a `Roster`
    without making a `Participant` for each."""
    if isinstance(held, Roster):
        return held.summaries()
    return ((pid, p.summary) for pid, p in held.items())


def changed_ids(before: Mapping[str, Participant], after: Mapping[str, Participant]) -> list[str]:
    """The ids in `after` whose participant is new or was read at another blob than in
    `before` (two snapshots of the same caseload). Rosters are compared by their rows'
    blobs, without making a `Participant` for each."""

    def blob(held: Mapping[str, Participant], pid: str) -> str | None:
        if isinstance(held, Roster):
            return held.blob_of(pid)
        p = held.get(pid)
        return None if p is None else p.blob

    return [pid for pid in after if blob(after, pid) != blob(before, pid)]


@dataclass(frozen=True, slots=True)
class Problem:
    """A validation finding at a place in a file."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}:{self.col}: {tag}{self.message}"


@dataclass(frozen=True, slots=True)
class Specialist:
    key: str
    name: str
    email: str = ""
    max_caseload: int | None = None


RULE_NAMES: tuple[str, ...] = (
    "first_contact",
    "first_employer_contact",
    "benefits_before_job",
    "job_start_support",
    "stay_in_touch",
    "career_profile_after_job",
    "program_review",
    "task",
)
RULE_LABELS: Labels = Labels(
    {
        "first_contact": N_("First contact"),
        "first_employer_contact": N_("First employer contact"),
        "benefits_before_job": N_("Benefits counselling before job start"),
        "job_start_support": N_("Follow-along after job start"),
        "stay_in_touch": N_("Stay in touch"),
        "career_profile_after_job": N_("Update career profile after job end"),
        "program_review": N_("Program review"),
        "task": N_("Task"),
    }
)
DEFAULT_RULE_DAYS: dict[str, Any] = {
    "first_contact": 7,
    "first_employer_contact": 30,
    "benefits_before_job": 90,
    "job_start_support": (3, 7, 30),
    "stay_in_touch": 14,
    "career_profile_after_job": 30,
    "program_review": 365,
}
DEFAULT_RULE_ON: dict[str, bool] = {name: name != "program_review" for name in RULE_NAMES}


MAX_RULE_DAYS = 3660
"""Largest N a rule takes (caseload.schema.json says the same); larger values are refused
by validation and ignored here, so date arithmetic on a valid date cannot overflow."""
MAX_DUE_SOON_DAYS = 366


def _days_ok(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_RULE_DAYS


@dataclass(frozen=True, slots=True)
class Settings:
    """Team settings from caseload.toml, with defaults filled in."""

    name: str = ""
    due_soon_days: int = 3
    max_caseload: int = 20
    referral_sources: tuple[str, ...] = ()
    team: dict[str, Specialist] = field(default_factory=dict)
    rules_on: dict[str, bool] = field(default_factory=lambda: dict(DEFAULT_RULE_ON))
    rule_days: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_RULE_DAYS))
    as_of: date | None = None
    message_values: tuple[str, ...] = ()
    """`[privacy] message_values`: more fields whose values stay out of commit messages."""
    unknown: str = ""
    """Why the team settings are unknown (caseload.toml could not be read or parsed, or
    its `team` is not a table: the problem as `file:line:col: message`); "" when known.
    While unknown, nothing is checked against the team (a broken caseload.toml is one
    problem, never blamed on every participant) and no edit is saved (the privacy and
    team settings a commit depends on are not known)."""

    @property
    def team_keys(self) -> frozenset[str] | None:
        """The team's keys to check `specialist`/`by` against; None while unknown."""
        return None if self.unknown else frozenset(self.team)

    def max_for(self, specialist: str) -> int:
        s = self.team.get(specialist)
        return s.max_caseload if s is not None and s.max_caseload is not None else self.max_caseload

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build settings from parsed caseload.toml (assumed schema-valid where used)."""
        team: dict[str, Specialist] = {}
        raw_team = data.get("team")
        for key, member in (raw_team if isinstance(raw_team, dict) else {}).items():
            # A malformed member is still a member (caseload.toml's own problem says
            # what is wrong with it): their participants are not blamed for it.
            member = member if isinstance(member, dict) else {}
            mc = member.get("max_caseload")
            team[key] = Specialist(
                key=key,
                name=str(member.get("name", key)),
                email=str(member.get("email", "")),
                max_caseload=mc if isinstance(mc, int) and not isinstance(mc, bool) else None,
            )
        unknown = ""
        privacy = data.get("privacy")
        if raw_team is not None and not isinstance(raw_team, dict):
            unknown = _("caseload.toml: team is not a table of team members")
        elif privacy is not None and not (
            isinstance(privacy, dict)
            and isinstance(privacy.get("message_values", []), list)
            and all(isinstance(f, str) for f in privacy.get("message_values", []))
        ):
            # The fields whose values must stay out of commit messages are not known.
            unknown = _("caseload.toml: [privacy] message_values is not a list of field names")
        rules = data.get("rules")
        rules = rules if isinstance(rules, dict) else {}
        sources = data.get("referral_sources")
        sources = sources if isinstance(sources, list) else []
        on = dict(DEFAULT_RULE_ON)
        days = dict(DEFAULT_RULE_DAYS)
        for name in RULE_NAMES:
            v = rules.get(name)
            if isinstance(v, bool):
                on[name] = v
            if name == "task":
                continue
            d = rules.get(f"{name}_days")
            if name == "job_start_support":
                if isinstance(d, list) and len(d) == 3 and all(_days_ok(x) for x in d):
                    days[name] = tuple(d)
            elif _days_ok(d):
                days[name] = d
        dsd = data.get("due_soon_days", 3)
        mc = data.get("max_caseload", 20)
        as_of = data.get("as_of")
        return cls(
            name=str(data.get("name", "")),
            due_soon_days=dsd if _days_ok(dsd) and dsd <= MAX_DUE_SOON_DAYS else 3,
            max_caseload=mc if isinstance(mc, int) and not isinstance(mc, bool) else 20,
            referral_sources=tuple(str(s) for s in sources),
            team=team,
            rules_on=on,
            rule_days=days,
            as_of=as_of if in_date_range(as_of) else None,
            message_values=tuple(
                str(f)
                for f in ((data.get("privacy") or {}).get("message_values") or ())
                if isinstance(f, str)
            )
            if isinstance(data.get("privacy"), dict)
            else (),
            unknown=unknown,
        )


def case_twin_problems(rels: Iterable[str]) -> list[Problem]:
    """An error for every record file whose id differs from another's only in case
    (`participants/P-0008.toml` and `participants/p-0008.toml`): SPEC §2, ids are unique
    ignoring case, since on macOS and Windows the two are one file. Every one of the
    files gets the error, so neither is loaded or rewritten while both exist.

    `rels`: `<folder>/<id>.toml` paths of one folder; the findings come in their order."""
    folded: dict[str, list[str]] = {}
    rels = list(rels)
    for rel in rels:
        stem = rel.rpartition("/")[2][:-5]
        folded.setdefault(stem.casefold(), []).append(stem)
    out: list[Problem] = []
    for rel in rels:
        stem = rel.rpartition("/")[2][:-5]
        twins = folded[stem.casefold()]
        if len(twins) > 1:
            others = ", ".join(t for t in twins if t != stem)
            out.append(
                Problem(
                    rel,
                    1,
                    1,
                    f"id {stem} differs from {others} only in case: on macOS and Windows they "
                    "are one file (ids are unique ignoring case: docs/file-format.md)",
                )
            )
    return out


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems of severity "error" (warnings never leave a file out)."""
    return [p for p in problems if p.severity == "error"]


def left_out(problems: Iterable[Problem]) -> list[Problem]:
    """The first error of every file that has one, by path: the files a load left out
    (SPEC §7, exit 3). caseload.toml counts: settings it could not give were defaults."""
    first: dict[str, Problem] = {}
    for p in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
        if p.severity == "error":
            first.setdefault(p.path, p)
    return list(first.values())
