"""Validation: the JSON Schemas in schema/ (one source of truth) plus the semantic
rules of SPEC §2 that a schema cannot say. Every finding carries a line and column."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from ipstui.core.i18n import N_, _
from ipstui.core.locate import Locator
from ipstui.core.model import (
    CONTROL_IN_LINE,
    CONTROL_IN_NOTES,
    DATE_MAX,
    DATE_MIN,
    DEVICE_NAME_PATTERN,
    EVENT_DATES,
    ID_RE,
    Problem,
    device_name_problem,
    is_valid_id,
)
from ipstui.core.model import errors_only as errors_only  # where they lived before; kept
from ipstui.core.model import left_out as left_out  # for their callers
from ipstui.core.resources import CASELOAD_SCHEMA, PARTICIPANT_SCHEMA


def to_json(v: Any) -> Any:
    """The value as a JSON Schema tool sees TOML: dates and times become ISO strings."""
    t = type(v)
    if t is str or t is int or t is bool or t is float:
        return v
    if t is dict or isinstance(v, Mapping):
        return {k: to_json(x) for k, x in v.items()}
    if t is list:
        return [to_json(x) for x in v]
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    return v


@cache
def _validator(schema_path: Path) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    schema = _inline_refs(json.loads(schema_path.read_text(encoding="utf-8")))
    return Draft202012Validator(schema, format_checker=FormatChecker())


@cache
def _fast_check(schema_path: Path) -> Any:
    """The compiled yes/no check for `schema_path`, or None when it cannot be compiled."""
    from ipstui.core.fastschema import Unsupported, compile_schema

    try:
        return compile_schema(json.loads(schema_path.read_text(encoding="utf-8")))
    except (Unsupported, re.error):
        return None


def _inline_refs(schema: dict) -> dict:
    """The same schema with local `#/$defs/...` references replaced by their targets.

    The schema files are not recursive; resolving references once here instead of on
    every instance makes validation several times faster (references dominate)."""
    defs = schema.get("$defs", {})

    def walk(node: Any, depth: int = 0) -> Any:
        if depth > 50:
            return node
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs:
                target = walk(defs[ref[8:]], depth + 1)
                rest = {k: walk(v, depth + 1) for k, v in node.items() if k != "$ref"}
                return {**target, **rest} if rest else target
            return {k: walk(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(x, depth + 1) for x in node]
        return node

    return walk(schema)


@cache
def _schema_dates(schema_path: Path) -> tuple[tuple, ...]:
    """Key paths (with '*' for list items and map values) whose schema is `format: date`."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    defs = schema.get("$defs", {})
    out: list[tuple] = []

    def walk(node: Any, path: tuple, seen: frozenset) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.split("/")[-1]
            if name not in seen:
                walk(defs.get(name), path, seen | {name})
        if node.get("format") == "date":
            out.append(path)
        for k, sub in (node.get("properties") or {}).items():
            walk(sub, path + (k,), seen)
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ("*",), seen)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], path + ("*",), seen)
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key) or ():
                walk(sub, path, seen)

    walk(schema, (), frozenset())
    return tuple(dict.fromkeys(out))


def _values_at(data: Any, pattern: tuple, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if not pattern:
        yield prefix, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for i, x in enumerate(data):
                yield from _values_at(x, rest, prefix + (i,))
        elif isinstance(data, Mapping):
            for k, x in data.items():
                yield from _values_at(x, rest, prefix + (k,))
    elif isinstance(data, Mapping) and head in data:
        yield from _values_at(data[head], rest, prefix + (head,))


def _schema_message(err: Any) -> str:
    v = err.validator
    where = ".".join(str(p) for p in err.absolute_path)
    if v == "required":
        return f"{err.message.replace(' is a required property', '')} is required" + (
            f" in [{where}]" if where else ""
        )
    if v == "enum":
        allowed = ", ".join(str(x) for x in err.validator_value)
        return f"{where}: {err.instance!r} is not one of: {allowed}"
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"{where}: expected {want}, found {_toml_type(err.instance)} {err.instance!r}"
    if v == "format":
        return f"{where}: expected a date like 2026-11-20, found {err.instance!r}"
    if v == "not" and isinstance(err.instance, str):
        sub = err.validator_value if isinstance(err.validator_value, Mapping) else {}
        if sub.get("pattern") == DEVICE_NAME_PATTERN:
            return device_name_problem(err.instance, f"{where}:")
        free_text = "u000B" in str(sub.get("pattern", ""))  # the notes rule lets \t and \n in
        bad = (_FORBIDDEN if free_text else _CONTROL).search(err.instance)
        if bad is not None:
            kind = "free text" if free_text else "single-line text"
            return f"{where}: {_char_name(bad.group())} is not allowed in {kind}"
    if v == "pattern" and err.validator_value == _DATE_RANGE:
        return f"{where}: {err.instance} is outside the dates ipstui accepts ({DATE_MIN} to {DATE_MAX})"
    if v == "pattern" and where.endswith("id"):
        return f"{where}: {err.instance!r} is not a valid id (letters, digits, _ and -, up to 64)"
    return f"{where}: {err.message}" if where else err.message


def _toml_type(v: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "text",
        list: "array",
        dict: "table",
    }.get(type(v), type(v).__name__)


_QUOTED_DATE = re.compile(r"[\"']\d{4}-\d{2}-\d{2}")
_DATE_RANGE = "^(19[0-9]{2}|2[01][0-9]{2})-"
# SPEC §2: single-line text holds no control character (C0, DEL, C1) and no bidirectional
# override; free text (notes) may also hold new lines and tabs.
_CONTROL, _FORBIDDEN = CONTROL_IN_LINE, CONTROL_IN_NOTES


_SCALARS = frozenset({str, int, bool, date, datetime, time})


def _any_nonfinite(value: Any) -> bool:
    """True when a float nan or inf sits anywhere in `value` (the team's x_ keys too).

    A walk over the parsed values by exact type: ~7 µs for a participant file, where a
    regular expression over the text that could say "no nan or inf here" cost ~50 µs
    (issue 17: cold load at 100,000 files)."""
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is dict:
            stack.extend(v.values())
        elif t is list:
            stack.extend(v)
        elif t is float:
            if not math.isfinite(v):
                return True
        elif t in _SCALARS:
            continue
        elif isinstance(v, Mapping):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)
        elif isinstance(v, float) and not math.isfinite(v):
            return True
    return False


def _char_name(c: str) -> str:
    """'control character U+001B' / 'bidirectional override U+202E'."""
    kind = "bidirectional override" if c >= "\u202a" else "control character"
    return f"{kind} U+{ord(c):04X}"


class _LazyLocator:
    """Builds the Locator only when a problem needs a position (the common case has none)."""

    def __init__(self, text: str) -> None:
        self.text = text
        """The text as read (a byte order mark included, for the warning)."""
        self._loc: Locator | None = None

    def find(self, path: Any) -> tuple[int, int]:
        if self._loc is None:
            self._loc = Locator(self.text)
        return self._loc.find(path)


def schema_problems(
    data: Mapping[str, Any], rel: str, loc: Locator | _LazyLocator, schema_path: Path
) -> list[Problem]:
    """Schema findings, plus dates written as quoted strings (which JSON Schema cannot see)."""
    out: list[Problem] = []
    fast = _fast_check(schema_path)
    if fast is not None and fast(data):  # the TOML data itself: no to_json copy
        errors = []  # valid: jsonschema would find nothing, and it is slow
    else:
        errors = sorted(
            _validator(schema_path).iter_errors(to_json(data)),
            key=lambda e: list(map(str, e.absolute_path)),
        )
    for err in errors:
        path = list(err.absolute_path)
        if err.validator == "additionalProperties":
            known = tuple(err.schema.get("properties", {}))
            for k in err.instance:
                if k in known or str(k).startswith("x_"):
                    continue
                line, col = loc.find(path + [k])
                out.append(Problem(rel, line, col, unknown_key_message(str(k), path, known), "warning"))
            continue
        line, col = loc.find(path)
        out.append(Problem(rel, line, col, _schema_message(err)))
    text = getattr(loc, "text", None)
    if not errors and text is not None and not _QUOTED_DATE.search(text):
        return out  # no string anywhere looks like a date: none can sit at a date key
    for pattern in _schema_dates(schema_path):
        for path, value in _values_at(data, pattern):
            if isinstance(value, str):
                line, col = loc.find(path)
                where = ".".join(str(p) for p in path)
                out.append(
                    Problem(
                        rel,
                        line,
                        col,
                        f"{where}: date written as a quoted string; write it without quotes, like {value.strip()[:10] or '2026-11-20'}",
                    )
                )
    return out


def unknown_key_message(key: str, path: list, known: Iterable[str]) -> str:
    """The warning for a key the schema does not know at `path` (SPEC §2: reported, kept
    in place when the app rewrites the file, never a reason to leave the file out).

    Names the known key it most likely misspells (`difflib`, the ratio of SequenceMatcher
    at 0.75 or more: `refered_on` -> `referred_on`), else says it may be a typo."""
    import difflib

    where = ".".join(str(p) for p in path)
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    if close and where:
        text = _(
            "unknown key {key} in [{where}]: did you mean {known}? It is kept as it is; "
            "the team's own keys start with x_"
        )
    elif close:
        text = _(
            "unknown key {key}: did you mean {known}? It is kept as it is; the team's own "
            "keys start with x_"
        )
    elif where:
        text = _("unknown key {key} in [{where}] (a typo? the team's own keys start with x_)")
    else:
        text = _("unknown key {key} (a typo? the team's own keys start with x_)")
    return text.format(key=repr(key), where=where, known=repr(close[0]) if close else "")


def participant_content_problems(
    data: Mapping[str, Any], rel: str, text: str, *, path_checks: bool = True
) -> list[Problem]:
    """Checks of the file itself: the schema and the semantic rules of SPEC §2.

    With `path_checks` False, only those that depend on the bytes alone (cacheable by
    blob id: the load cache); the checks of the file's name are then
    `participant_path_problems`, which the caller makes for every path the bytes sit at."""
    loc = _LazyLocator(text)
    out = schema_problems(data, rel, loc, PARTICIPANT_SCHEMA)
    out.extend(_semantic_content(data, rel, loc))
    out.extend(name_problems(data.get("name"), rel, loc, ["name"]))
    if path_checks:
        out.extend(participant_path_problems(data.get("id"), rel, loc))
    return out


def name_problems(name: object, rel: str, loc: Any, path: list[Any]) -> list[Problem]:
    """Warnings for a name on disk that ipstui would not write (`core/names.py`): an
    invisible character, or a spelling not in Unicode normal form NFC. Warnings, not
    errors: the file keeps working; a new or changed name is refused or normalised."""
    from ipstui.core import names

    if not isinstance(name, str) or name.isascii():
        return []
    field = ".".join(str(p) for p in path)
    problem = names.name_problem(name)
    if problem is None and names.is_normal(name):
        return []
    line, col = loc.find(path)
    if problem is not None:
        return [Problem(rel, line, col, f"{field}: {problem}", "warning")]
    return [
        Problem(
            rel,
            line,
            col,
            _(
                "{field} is not in Unicode normal form NFC (a letter is stored as two characters), so the same name typed again would not match it; type the name again"
            ).format(field=field),
            "warning",
        )
    ]


def id_file_problem(name: str, stem: str, kind: str) -> str:
    """The finding for a record file `name` whose `stem` is not a valid id: a Windows
    device name said as one (model.DEVICE_NAMES), anything else as not a safe id. `kind`:
    "participant" or "employer"."""
    if ID_RE.fullmatch(stem) is not None:
        return device_name_problem(name, "file name")
    return f"file name {name!r} is not a safe {kind} id"


def participant_path_problems(pid: object, rel: str, text: str | Any | None) -> list[Problem]:
    """The checks of SPEC §2 that depend on where the file is, not on its bytes: the file
    name is a safe id, and the `id` key (`pid`, as parsed) equals it.

    `text`: the file's text (or a locator of it) for the position of `id`; None places
    the finding at 1:1 (the loader then reads the text of the rare file that has one).
    Never cache these by content: the same bytes are valid at one path and not at another."""
    out: list[Problem] = []
    # Path(rel).name and .stem without building a Path (~8 µs a file at 100,000 files).
    name = os.path.basename(rel)
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name
    if not is_valid_id(stem):
        out.append(Problem(rel, 1, 1, id_file_problem(name, stem, "participant")))
    if isinstance(pid, str) and pid != stem:
        loc = _LazyLocator(text) if isinstance(text, str) else text
        line, col = loc.find(["id"]) if loc is not None else (1, 1)
        out.append(Problem(rel, line, col, f"id {pid!r} does not match the file name {name!r}"))
    return out


def _semantic_content(data: Mapping[str, Any], rel: str, loc: Any) -> list[Problem]:
    out: list[Problem] = []
    out.extend(bom_problems(rel, getattr(loc, "text", "")))
    out.extend(number_problems(data, rel, loc))
    phase = data.get("phase")
    closure = data.get("closure")
    if phase == "closed" and not isinstance(closure, Mapping):
        line, col = loc.find(["phase"])
        out.append(
            Problem(
                rel, line, col, "phase is closed but there is no [closure] with a date and reason"
            )
        )
    if phase != "closed" and isinstance(closure, Mapping):
        line, col = loc.find(["closure"])
        out.append(Problem(rel, line, col, f"[closure] present but phase is {phase!r}, not closed"))
    for i, job in enumerate(data.get("jobs") or ()):
        if isinstance(job, Mapping):
            s, e = job.get("start"), job.get("end")
            if _is_date(s) and _is_date(e) and e < s:
                line, col = loc.find(["jobs", i, "end"])
                out.append(Problem(rel, line, col, f"jobs[{i}]: ends ({e}) before it starts ({s})"))
    out.extend(milestone_problems(data, rel, loc))
    # The id of the file's content (checked against its name per path), so this stays
    # a finding of the bytes alone, cacheable by blob.
    pid = data.get("id")
    out.extend(conflict_problems(data, rel, loc, resolve_id=pid if isinstance(pid, str) else "ID"))
    return out


def milestone_problems(data: Mapping[str, Any], rel: str, loc: Any) -> list[Problem]:
    """Warnings for a first date the contact log contradicts (`milestones.late_firsts`:
    a contact dated earlier qualifies). Reports already count the earlier date; the
    warning says so and how to store it."""
    from ipstui.core.i18n import _
    from ipstui.core.milestones import late_firsts
    from ipstui.core.vocab import field_word

    out = []
    pid = data.get("id")
    for field, stored, day in late_firsts(data):
        line, col = loc.find([field])
        message = _(
            "{field} ({key}) is {stored}, but a contact logged on {day} is earlier; reports "
            "count {day}: store it with `ipstui set {id} {key}={day}`"
        ).format(
            field=field_word(field), key=field, stored=stored.isoformat(), day=day.isoformat(),
            id=pid if isinstance(pid, str) else "ID",
        )  # fmt: skip
        out.append(Problem(rel, line, col, message, "warning"))
    return out


def conflict_problems(
    data: Mapping[str, Any], rel: str, loc: Any, *, resolve_id: str, labels: Any = None
) -> list[Problem]:
    """A warning for each `[conflicts]` record (SPEC §6) saying what happened: the value
    this file kept and the other side's (and its commit), both read from the record, so
    it is right whether two edits or two different decisions on an earlier conflict
    met, and how to decide (`ipstui resolve <resolve_id> <field>`). `labels`: the
    fields' label table (default: a participant's, `vocab.FIELD_LABELS`)."""
    from ipstui.core.history import show_value
    from ipstui.core.i18n import _
    from ipstui.core.vocab import field_word, readable

    conflicts = data.get("conflicts")
    out: list[Problem] = []
    for key, rec in conflicts.items() if isinstance(conflicts, Mapping) else ():
        line, col = loc.find(["conflicts", key])
        rec = rec if isinstance(rec, Mapping) else {}
        values = {
            "field": readable(str(key), labels) if labels is not None else field_word(str(key)),
            "key": key,
            "ours": show_value(rec.get("ours"), 40),
            "theirs": show_value(rec.get("theirs"), 40),
            "commit": str(rec.get("theirs_commit", ""))[:12],
            "id": resolve_id,
        }
        if values["commit"]:
            message = _(
                "needs a decision: {field} ({key}) kept {ours} here, the other side (commit "
                "{commit}) has {theirs}; decide with `ipstui resolve {id} {key} --ours` "
                "(or --theirs, or --value V)"
            )
        else:
            message = _(
                "needs a decision: {field} ({key}) kept {ours} here, the other side has "
                "{theirs}; decide with `ipstui resolve {id} {key} --ours` (or --theirs, or "
                "--value V)"
            )
        out.append(Problem(rel, line, col, message.format(**values), "warning"))
    return out


EVENT_PATHS: tuple[tuple[Any, ...], ...] = (
    *((k,) for k in EVENT_DATES),
    ("closure", "on"), ("suspension", "since"), ("contacts", "*", "on"), ("tasks", "*", "done_on"),
)  # fmt: skip
"""Key paths of a participant file that date events that have happened (`*`: each list
item). Planned dates (a job's start or end, a task's due date) may lie ahead."""


def _event_label(path: tuple[Any, ...]) -> str:
    from ipstui.core.i18n import _
    from ipstui.core.vocab import field_word

    if len(path) == 1:
        return field_word(path[0])
    return {
        "closure": _("Closure date"),
        "suspension": _("Suspended since"),
        "contacts": _("Contact date"),
        "tasks": _("Task done on"),
    }[path[0]]


def latest_event(data: Mapping[str, Any]) -> date | None:
    """The latest event date of a participant record (`EVENT_PATHS`; plain dates only),
    or None: `future_event_problems` finds nothing in a record whose latest event is not
    after today (the load cache keeps it: `refs.refs_row`)."""
    latest: date | None = None
    for pattern in EVENT_PATHS:
        for _path, value in _values_at(data, pattern):
            if type(value) is date and (latest is None or value > latest):
                latest = value
    return latest


def future_event_problems(
    data: Mapping[str, Any], rel: str, text: str | Callable[[], str], today: date
) -> list[Problem]:
    """A warning for each event date (`EVENT_PATHS`) after `today`: such a date is
    almost always a mistyped year (the app and the CLI refuse it, `edits.not_after_today`;
    a hand edit or a merge can still write it) and it moves deadlines out of sight.
    `today` is the command's (`--today`, else the real date: SPEC §7 "act as if today
    were DATE"). A warning, not an error: the file is valid, only unlikely. `text`: the
    file's text (or a function that reads it), for the positions; read only when a
    warning is found, and a file that cannot be read then (deleted, not UTF-8) puts its
    warnings at line 0. Each message names the field by its label and by its key, which
    is what a hand edit looks for: `First contact on (first_contact_on): ...`."""
    from ipstui.core.i18n import _

    found: list[tuple[tuple[Any, ...], date, tuple[Any, ...]]] = []
    for pattern in EVENT_PATHS:
        for path, value in _values_at(data, pattern):
            if type(value) is date and value > today:
                found.append((path, value, pattern))
    if not found:
        return []
    source: str | None
    try:
        source = text if isinstance(text, str) else text()
    except (OSError, UnicodeDecodeError):
        source = None  # deleted or rewritten meanwhile: the warning at line 0
    loc = _LazyLocator(source) if source is not None else None
    out = []
    for path, value, pattern in found:
        line, col = loc.find(path) if loc is not None else (0, 0)
        if "*" in pattern:  # contacts[2].on
            key = f"{path[0]}[{path[1]}].{path[2]}"
        else:  # referred_on, closure.on
            key = ".".join(str(x) for x in path)
        out.append(
            Problem(
                rel,
                line,
                col,
                _(
                    "{field} ({key}): {when} is after today ({today}); an event is recorded "
                    "once it has happened"
                ).format(
                    field=_event_label(pattern),
                    key=key,
                    when=value.isoformat(),
                    today=today.isoformat(),
                ),
                "warning",
            )
        )
    return out


def bom_problems(rel: str, text: str) -> list[Problem]:
    """The warning for a file that starts with a UTF-8 byte order mark (SPEC §2: accepted)."""
    if not text.startswith("\ufeff"):
        return []
    return [
        Problem(
            rel,
            1,
            1,
            "file starts with a UTF-8 byte order mark (accepted; ipstui reads it without one)",
            "warning",
        )
    ]


def number_problems(data: Mapping[str, Any], rel: str, loc: Any) -> list[Problem]:
    """nan and inf anywhere outside the team's x_ keys (SPEC §2: numbers are finite).

    JSON Schema cannot say "finite", so this is validate's part of the rule; the schema
    bounds hours_per_week to 0-168, which already refuses inf there."""
    out: list[Problem] = []
    if not _any_nonfinite(data):
        return out  # the common case: no walk with paths
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, Mapping):
            stack.extend(
                (path + (k,), x)
                for k, x in v.items()
                if not (isinstance(k, str) and k.startswith("x_"))
            )
        elif isinstance(v, list):
            stack.extend((path + (i,), x) for i, x in enumerate(v))
        elif isinstance(v, float) and not math.isfinite(v):
            line, col = loc.find(list(path))
            where = ".".join(str(p) for p in path)
            out.append(
                Problem(rel, line, col, f"{where}: {v} is not a number; numbers must be finite")
            )
    out.sort(key=lambda p: (p.line, p.col))
    return out


def _is_date(v: Any) -> bool:
    return isinstance(v, date) and type(v) is date


def participant_team_problems(
    data: Mapping[str, Any],
    rel: str,
    text: str | None,
    team: Iterable[str] | None,
    sources: Iterable[str] = (),
) -> list[Problem]:
    """Checks against caseload.toml, redone on every load: the specialist is a member of
    the team, and when the team lists `referral_sources` the referral source is one of
    them (SPEC §2). `text` (None: not read) only serves the positions. `team` None: the
    team is unknown (`Settings.unknown`: caseload.toml is broken, and says so itself),
    so the specialist is not checked."""
    team = set(team) if team is not None else None
    sources = tuple(sources)
    out: list[Problem] = []
    loc = _LazyLocator(text) if text is not None else None
    spec = data.get("specialist")
    if team is not None and isinstance(spec, str) and spec and spec not in team:
        line, col = loc.find(["specialist"]) if loc is not None else (1, 1)
        known = ", ".join(sorted(team)) or "none"
        out.append(Problem(rel, line, col, f"unknown specialist {spec!r} (team: {known})"))
    src = data.get("referral_source")
    if sources and isinstance(src, str) and src not in sources:
        line, col = loc.find(["referral_source"]) if loc is not None else (1, 1)
        out.append(
            Problem(
                rel,
                line,
                col,
                f"referral source {src!r} is not one of caseload.toml's referral_sources: "
                + ", ".join(sources),
            )
        )
    return out


def caseload_problems(data: Mapping[str, Any], rel: str, text: str) -> list[Problem]:
    """Schema findings for caseload.toml, and the byte order mark warning."""
    loc = Locator(text)
    team = data.get("team")
    names: list[Problem] = name_problems(data.get("name"), rel, loc, ["name"])
    for key, member in (team if isinstance(team, Mapping) else {}).items():
        if isinstance(member, Mapping):
            names += name_problems(member.get("name"), rel, loc, ["team", key, "name"])
    return (
        bom_problems(rel, text)
        + schema_problems(data, rel, loc, CASELOAD_SCHEMA)
        + (number_problems(data, rel, loc))
        + names
    )


STRAY_MESSAGE = N_(
    "not a record file: ipstui does not read it, and a person's data in it is out of reach of `ipstui erase`, and sync refuses to push it; move it out of the caseload or delete it"
)
"""The warning of `stray_problems`, one for each stray file."""


def stray_problems(paths: Iterable[str]) -> list[Problem]:
    """A warning for each of the caseload-relative `paths` ('/'-separated: a folder
    walk's, or git's index entries for `validate --staged`) that stands in
    `participants/` or `employers/` (sub-folders included) and is not a record file
    (`outgoing.is_record_name`: `P-0002.toml.orig`, `notes.txt`, `sub/P-0001.toml`), in
    path order. SPEC §1 says what a caseload folder holds: such a file is not read, and
    a person's data in it is out of reach of `ipstui erase`; sync refuses to push it
    (`outgoing.history_problems`). Paths inside a folder named like a record
    (`participants/P-0001.toml/x`) are left out: the load reports that folder. Paths
    outside the record folders are not this rule's business."""
    from ipstui.core.outgoing import is_record_name

    found: set[str] = set()
    for rel in paths:
        _folder, _sep, name = rel.partition("/")
        if "/" in name and name.split("/", 1)[0].endswith(".toml"):
            continue
        if not is_record_name(rel):
            found.add(rel)
    message = _(STRAY_MESSAGE)
    return [Problem(rel, 1, 1, message, "warning") for rel in sorted(found)]


def stray_file_problems(root: Path, named: Iterable[str] = ()) -> list[Problem]:
    """`stray_problems` of the files in `participants/` and `employers/` on disk
    (sub-folders included), committed or not.

    Left out: paths in `named` (the load already warned of them), entries named like a
    record that are not files (the load reports those), files git ignores, and a
    linked record folder (refused, never read). One folder walk; one `git ls-files`
    only when there is a stray file to ask about."""
    from ipstui.core import gitio
    from ipstui.core.renumber import RECORD_DIRS

    skip = set(named)
    found: list[str] = []
    for folder in RECORD_DIRS:
        top = root / folder
        if top.is_symlink() or not top.is_dir():
            continue
        for here, dirs, files in os.walk(top):
            rel_here = Path(here).relative_to(root).as_posix()
            if rel_here == folder:
                # A folder named like a record is the load's to report.
                dirs[:] = [d for d in dirs if not d.endswith(".toml")]
            names = files + [d for d in dirs if (Path(here) / d).is_symlink()]
            found += (f"{rel_here}/{name}" for name in names)
    found = [p.path for p in stray_problems(rel for rel in found if rel not in skip)]
    if not found:
        return []
    proc = gitio.git(
        root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *found,
        check=False,
    )  # fmt: skip
    if proc.returncode == 0:
        listed = set(proc.stdout.split("\0"))
        found = [rel for rel in found if rel in listed]
    return stray_problems(found)
