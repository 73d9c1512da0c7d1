"""Field-level differences between two versions of a participant, and the commit
message convention of SPEC §5 built from them.

What a message may quote (SPEC §5): never free text (names, notes, contact notes, task
descriptions, goals), never the values of `disclosure` and `suspension.reason` (the
field is named: `P-0007: suspend`, body `suspension.reason: changed`), never the fields
`[privacy] message_values` in caseload.toml names, and a referral source only when it is
one of the team's `referral_sources` (anything else may be free text)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ipstui.core.model import ALWAYS_HIDDEN_VALUES, LIST_KEYS, MESSAGE_SAFE_FIELDS, Settings

SUBJECT_MAX = 72
_MISSING = object()

# Sub-fields whose values may be quoted in a commit message.
SAFE_SUB = {
    "contacts": {"on", "kind", "by"},
    "jobs": {"start", "end", "hours_per_week", "competitive"},
    "tasks": {"due", "done_on"},
    "suspension": {"since"},
    "closure": {"on", "reason"},
}
# Tables whose whole-table addition or removal is listed field by field in the body.
_EXPANDED = ("suspension", "closure")


@dataclass(frozen=True, slots=True)
class MessagePolicy:
    """Which values a commit message may quote, from the team's settings."""

    hidden: frozenset[str] = ALWAYS_HIDDEN_VALUES
    """Field names ("disclosure", "suspension.reason", "jobs.hours_per_week") never quoted."""
    sources: frozenset[str] = frozenset()
    """Referral sources that may be quoted: the team's list (free text otherwise)."""

    @classmethod
    def of(cls, settings: Settings | None) -> MessagePolicy:
        if settings is None:
            return cls()
        return cls(
            ALWAYS_HIDDEN_VALUES | frozenset(settings.message_values),
            frozenset(settings.referral_sources),
        )


@dataclass(frozen=True, slots=True)
class EntryAt:
    """A list entry named by its place in one commit's version of the file, for a
    participant's history when the entry is no longer in the file as it is now
    (`history.history` names the others by their place now): shown `3@1a2b3c4`."""

    index: int
    commit: str

    def __str__(self) -> str:
        return f"{self.index}@{self.commit[:7]}"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field: `path` like ('phase',), ('contacts', 3) or ('jobs', 0, 'end');
    a history may name an entry by an `EntryAt` instead of an index."""

    path: tuple
    old: Any
    new: Any

    @property
    def field(self) -> str:
        """The path as written in messages and the log: `jobs[0].end`, `contacts[3@1a2b3c4]`."""
        out = str(self.path[0])
        for p in self.path[1:]:
            out += f"[{p}]" if isinstance(p, (int, EntryAt)) else f".{p}"
        return out

    @property
    def top(self) -> str:
        return str(self.path[0])


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[FieldChange]:
    """Field-level changes from `old` to `new` (None stands for no file)."""
    old = old or {}
    new = new or {}
    out: list[FieldChange] = []
    keys = list(old) + [k for k in new if k not in old]
    for k in keys:
        a, b = old.get(k, _MISSING), new.get(k, _MISSING)
        if a == b and type(a) is type(b):
            continue
        a_, b_ = (None if a is _MISSING else a), (None if b is _MISSING else b)
        if k in LIST_KEYS and (a_ is None or b_ is None) and isinstance(a_ or b_, list):
            a_, b_ = a_ or [], b_ or []  # a list that appears or goes is entries added or removed
        if isinstance(a_, list) and isinstance(b_, list) and (k in LIST_KEYS or _all_maps(a_ + b_)):
            for i in range(max(len(a_), len(b_))):
                x = a_[i] if i < len(a_) else None
                y = b_[i] if i < len(b_) else None
                if x == y:
                    continue
                if isinstance(x, Mapping) and isinstance(y, Mapping):
                    out.extend(_diff_map((k, i), x, y))
                else:
                    out.append(FieldChange((k, i), x, y))
        elif isinstance(a_, Mapping) and isinstance(b_, Mapping):
            out.extend(_diff_map((k,), a_, b_))
        else:
            out.append(FieldChange((k,), a_, b_))
    return out


def _all_maps(xs: list) -> bool:
    return bool(xs) and all(isinstance(x, Mapping) for x in xs)


def _diff_map(prefix: tuple, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[FieldChange]:
    out = []
    for k in list(a) + [k for k in b if k not in a]:
        x, y = a.get(k), b.get(k)
        if x != y or type(x) is not type(y):
            out.append(FieldChange(prefix + (k,), x, y))
    return out


def _show(v: Any) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _name(change: FieldChange) -> str:
    """The field's name without list positions: "jobs.end", "suspension.reason"."""
    last = change.path[-1]
    if len(change.path) > 1 and isinstance(last, str):
        return f"{change.top}.{last}"
    return change.top


def _hidden(change: FieldChange, policy: MessagePolicy) -> bool:
    name = _name(change)
    return name in policy.hidden or change.top in policy.hidden


def _safe(change: FieldChange, policy: MessagePolicy | None = None) -> bool:
    policy = policy or MessagePolicy()
    if _hidden(change, policy):
        return False
    top = change.top
    if len(change.path) == 1:
        if top == "referral_source":
            return all(v is None or v in policy.sources for v in (change.old, change.new))
        return (
            top in MESSAGE_SAFE_FIELDS
            and not isinstance(change.old, Mapping | list)
            and not isinstance(change.new, Mapping | list)
        )
    last = change.path[-1]
    return isinstance(last, str) and last in SAFE_SUB.get(top, ())


def _expand(changes: list[FieldChange]) -> list[FieldChange]:
    """A [suspension] or [closure] added or removed as a whole, field by field."""
    out: list[FieldChange] = []
    for c in changes:
        whole = len(c.path) == 1 and c.top in _EXPANDED
        if whole and (isinstance(c.old, Mapping) or isinstance(c.new, Mapping)):
            a = c.old if isinstance(c.old, Mapping) else {}
            b = c.new if isinstance(c.new, Mapping) else {}
            out.extend(_diff_map((c.top,), a, b))
        else:
            out.append(c)
    return out


def body_line(change: FieldChange, policy: MessagePolicy | None = None) -> str:
    """`field: old -> new` where the value may be shown, else what happened to it."""
    policy = policy or MessagePolicy()
    if _safe(change, policy):
        return f"{change.field}: {_show(change.old)} -> {_show(change.new)}"
    if _hidden(change, policy) or change.top == "referral_source":
        return f"{change.field}: changed"
    if change.old is None:
        what = "added"
        if change.top == "contacts" and isinstance(change.new, Mapping):
            kind = change.new.get("kind", "?")
            if "contacts.kind" in policy.hidden:
                kind = "?"
            what = f"added ({kind}, {change.new.get('on', '?')})"
        return f"{change.field}: {what}"
    if change.new is None:
        return f"{change.field}: removed"
    return f"{change.field}: changed"


def subject(
    pid: str, changes: list[FieldChange], created: bool, policy: MessagePolicy | None = None
) -> str:
    """`<ID>: <what changed>`, at most 72 characters, quoting only what `policy` allows."""
    policy = policy or MessagePolicy()
    if created:
        return _fit(f"{pid}: new participant")
    parts: list[str] = []
    tops = {c.top for c in changes}
    phase = next((c for c in changes if c.path == ("phase",)), None)
    if phase is not None:
        part = f"phase {phase.old} -> {phase.new}" if _safe(phase, policy) else "phase changed"
        closure = next(
            (c for c in changes if c.path == ("closure",) and isinstance(c.new, Mapping)), None
        )
        if closure is not None and "closure.reason" not in policy.hidden and _safe(phase, policy):
            part += f" ({closure.new.get('reason', '?')})"
        parts.append(part)
    for top, noun in (("contacts", "contact"), ("jobs", "job"), ("tasks", "task")):
        added = [c for c in changes if c.top == top and len(c.path) == 2 and c.old is None]
        edited = {c.path[1] for c in changes if c.top == top and len(c.path) == 3}
        if len(added) == 1:
            show_kind = top == "contacts" and "contacts.kind" not in policy.hidden
            extra = f" ({added[0].new.get('kind', '?')})" if show_kind else ""
            parts.append(f"add {noun}{extra}")
        elif added:
            parts.append(f"add {len(added)} {noun}s")
        if top == "jobs" and any(
            c.path[-1] == "end" and c.old is None for c in changes if c.top == "jobs"
        ):
            parts.append("end job")
        elif top == "tasks" and any(
            c.path[-1] == "done_on" and c.old is None for c in changes if c.top == "tasks"
        ):
            parts.append("complete task")
        elif edited:
            parts.append(f"edit {noun}")
    if "suspension" in tops:
        sus = next(c for c in changes if c.top == "suspension")
        if len(sus.path) == 1 and sus.old is None:
            parts.append("suspend")  # never the reason (SPEC §5)
        elif len(sus.path) == 1 and sus.new is None:
            parts.append("resume")
        else:
            parts.append("edit suspension")
    if "conflicts" in tops:
        fields = sorted(
            {
                f
                for c in changes
                if c.top == "conflicts"
                for f in (
                    [str(c.path[1])]
                    if len(c.path) > 1
                    else list(c.old or c.new or {}) or ["all"]  # the whole table went
                )
            }
        )
        parts.append("resolve " + ", ".join(fields))
    handled = {
        "phase",
        "phase_since",
        "closure",
        "contacts",
        "jobs",
        "tasks",
        "suspension",
        "conflicts",
    }
    rest = [t for t in dict.fromkeys(c.top for c in changes) if t not in handled]
    if "closure" in tops and phase is None:
        rest.append("closure")
    if "phase_since" in tops and phase is None:
        rest.append("phase_since")
    if rest:
        if (
            len(rest) == 1
            and _safe(next(c for c in changes if c.top == rest[0]), policy)
            and len([c for c in changes if c.top == rest[0]]) == 1
        ):
            c = next(c for c in changes if c.top == rest[0])
            parts.append(f"{c.field} {_show(c.old)} -> {_show(c.new)}")
        else:
            parts.append("set " + ", ".join(rest))
    return _fit(f"{pid}: " + ("; ".join(parts) or "rewrite file"))


def _fit(text: str) -> str:
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1].rstrip(" ,;") + "…"


def commit_message(
    pid: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    settings: Settings | None = None,
) -> tuple[str, list[str]]:
    """The full message and the list of changed top-level fields.

    `settings` (the team's caseload.toml) supplies the referral sources that may be
    quoted and `[privacy] message_values`; without it no referral source is quoted."""
    policy = MessagePolicy.of(settings)
    changes = diff(old, new)
    created = old is None
    changed = list(dict.fromkeys(c.top for c in changes))
    lines = [subject(pid, changes, created, policy), ""]
    body = _expand(changes)
    if created:
        lines.extend(body_line(c, policy) for c in body if _safe(c, policy))
    else:
        lines.extend(body_line(c, policy) for c in body)
    lines += ["", f"Participant: {pid}", f"Changed: {', '.join(changed) if not created else 'new'}"]
    # Collapse the blank line when the body is empty.
    text = "\n".join(lines)
    return text.replace("\n\n\n", "\n\n") + "\n", changed
