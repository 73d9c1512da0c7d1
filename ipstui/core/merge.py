"""The `merge=ipstui` git merge driver: a three-way merge of participant files by field.

Rules (SPEC §6), each chosen so that nothing either side wrote is lost:

- A field changed on one side takes that side's value; changed identically on both
  sides, that value. Removing a field is a change like any other.
- A field changed differently on both sides keeps ours in the field and records theirs
  under `[conflicts.<field>]` (ours, theirs, base, theirs_commit), so the file stays
  valid and the merge completes. The record describes the latest disagreement: a new
  one on the same field replaces it (its values are in git history at its commit).
- `first_contact_on` and `first_employer_contact_on` set to two different dates take
  the earlier, `benefits_counseling_on` and `career_profile_updated_on` the later: they
  name the first or the most recent event, so two dates are no disagreement (each
  side's contact log, merged, still holds both events). The merged contact log then
  moves them as every logged contact does (`milestones.settle`: a first date is the
  earliest dated contact's).
- A field removed (cleared) on one side and changed on the other is a disagreement like
  two different values: a clear is a change (SPEC §6). Ours stays in the file (absent
  when ours cleared it) and the record says `{}` for the side that has no value, as it
  does for `[suspension]` and `[closure]` ("no table"); `ipstui resolve --theirs` with
  `theirs = {}` removes the field. Cleared on both sides is no disagreement, and a clear
  met by no change on the other side wins.
- `phase`, `phase_since` and `[closure]` move together: when `phase` conflicts, or the
  field-wise result would pair a phase and a closure from different sides (one side
  reopened, the other edited the closure), all three follow ours (theirs recorded), so
  `phase = "closed"` holds exactly when `[closure]` is present.
- `contacts`, `jobs` and `tasks` merge as the union of entries, ordered by date
  (`on`, `start`, `due`; stable). An entry is matched to its base version by content:
  unchanged entries first, then the closest edited entry, which must keep the entry's
  identity (a contact's `on` and `kind`, a job's `employer` and `start`, a task's
  `what`) and more than half of its fields. An entry edited on one side takes the edit; edited on both, the edits merge
  field by field, and when they touch the same field differently both versions are kept
  as two entries. An entry removed on one side and edited on the other is kept, edited.
  Entries added on both sides that are equal appear once.
- `[conflicts]` itself merges per field: a record resolved (removed) on one side and
  untouched on the other is gone; otherwise ours is kept. A decision that kept the field
  as it was, met by a different decision or an edit of the field on the other side, is
  a new disagreement: ours in the field, theirs recorded (a decision is never lost
  without a word).
- Unknown keys merge like scalars.
- **The text is ours'**, with only what the merge changed patched in
  (`textpatch.patch_bytes`): a field, a list entry added from theirs (written before the
  entry that follows it by date), the `[conflicts]` table. Comments, dotted keys, inline
  tables, the key order, CRLF line endings and a byte order mark written in ours stay.
  **Layout changed in theirs** since base (a comment or blank line added or removed,
  the key order, the quoting, a dotted key) is carried in as well
  (`textpatch.merge_layouts`: base, ours and theirs each hold the merged data in their
  own layout, and a three-way line merge of the three takes each side's layout changes), so
  a comment written on either side survives. When theirs' change cannot be carried
  (both sides changed the same lines beyond what a union reads back as), the file
  keeps ours' layout and the driver says so on stderr.
  Only when that layout cannot be patched safely (the patched text does not parse back
  to the merged data) is the file written in the canonical layout, and the driver says
  so on stderr (`ipstui merge: PATH: merged field by field, but ...`), which `ipstui
  sync` reports in its summary.

If ours or theirs cannot be read or parsed, the driver leaves git's own line merge
(`git merge-file`, conflict markers included) in the file, says so on stderr and exits
1, so git records a conflict and never a silently dropped side; an unparseable base
counts as no base.

Lists are matched in linear time: entries are looked up in dicts keyed by their content
and by their identity fields, never compared pairwise across the whole list (5,000
contacts added on each side merge in about half a second, `bench/merge.py`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ipstui.core.i18n import N_, _
from ipstui.core.milestones import settle as settle_milestones
from ipstui.core.model import LIST_KEYS
from ipstui.core.storage import ParseError, dumps, loads_bytes
from ipstui.core.textpatch import merge_layouts, patch_bytes
from ipstui.core.tomlvalues import freeze, same

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()
"""Stands for a key absent from one version."""

DATE_KEY = {"contacts": "on", "jobs": "start", "tasks": "due"}
# Fields an edit of an entry keeps: change one and it is another entry.
IDENTITY = {"contacts": ("on", "kind"), "jobs": ("employer", "start"), "tasks": ("what",)}
PHASE_GROUP = ("phase", "phase_since", "closure")
TABLE_FIELDS = frozenset({"suspension", "closure"})
# Dates of events that mean "the first" or "the most recent" one: two different dates
# are not a disagreement, the earlier (or later) one is the answer.
EVENT_DATES: dict[str, Callable[[date, date], date]] = {
    "first_contact_on": min,
    "first_employer_contact_on": min,
    "benefits_counseling_on": max,
    "career_profile_updated_on": max,
}


@dataclass(frozen=True, slots=True)
class Merged:
    """The merged bytes of a record file."""

    raw: bytes
    """Ours' text with only what the merge changed patched in (`textpatch.patch_bytes`:
    its comments, dotted keys, inline tables, key order, CRLF and byte order mark
    kept), or the canonical text when `layout_kept` is False."""
    layout_kept: bool
    """False when ours was written in a layout of its own that could not be kept, so
    the file was written in the canonical layout (the driver says so on stderr)."""
    theirs_layout_kept: bool = True
    """False when theirs changed its layout since base (a comment, a blank line, the
    key order) and that change could not be carried into ours' text
    (`textpatch.merge_layouts`): the values are merged, the file keeps ours' layout,
    and the driver says so on stderr."""


def merge_file(
    base: bytes | None,
    ours: bytes,
    theirs: bytes,
    theirs_commit: str,
    dumps: Callable[[Mapping[str, Any]], str] = dumps,
) -> Merged:
    """Merge three versions of a record file, starting from ours' text (the merged
    data is `merge_data`'s; only what differs from ours is rewritten), then carrying in
    the layout changes theirs made since base (`textpatch.merge_layouts`). `dumps`: the
    canonical layout of this kind of record (participants: storage.dumps; employers:
    employers.dumps). Raises ParseError if ours or theirs is not TOML; `base` None (or
    unparseable) means the sides share no ancestor version."""
    o = loads_bytes(ours, "ours")
    t = loads_bytes(theirs, "theirs")
    b: dict[str, Any] = {}
    if base is not None and base.strip():
        try:
            b = loads_bytes(base, "base")
        except ParseError:
            b = {}
    merged = merge_data(b, o, t, theirs_commit)
    raw, kept = patch_bytes(ours, o, merged, dumps)
    theirs_kept = True
    if kept and b and base is not None:
        # Layout changed on theirs' side only survives too (SPEC §6: nothing is lost).
        raw, theirs_kept = merge_layouts(base, b, raw, theirs, t, merged, dumps)
    return Merged(raw, kept, theirs_kept)


def merge_texts(base: bytes | None, ours: bytes, theirs: bytes, theirs_commit: str) -> bytes:
    """The merged bytes of three versions of a participant file (`merge_file`)."""
    return merge_file(base, ours, theirs, theirs_commit).raw


def merge_data(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], theirs_commit: str
) -> dict[str, Any]:
    """The field-by-field merge of three parsed participant files (module docstring)."""
    out: dict[str, Any] = {}
    records: dict[str, dict[str, Any]] = {}
    decided = _decided(base.get("conflicts"), ours.get("conflicts"), theirs.get("conflicts"))
    for key in _key_order(ours, theirs):
        if key == "conflicts":
            continue
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if key in LIST_KEYS and all(v is MISSING or _is_entry_list(v) for v in (b, o, t)):
            value = _merge_list(key, b, o, t)
        else:
            value, conflict = _merge_value(key, b, o, t)
            if not conflict and key in decided and _decisions_differ(decided[key], b, o, t):
                value, conflict = o, True
            if conflict:
                records[key] = _record(o, t, b, theirs_commit)
        if value is not MISSING:
            out[key] = value
    if "phase" in records or (_closure_mismatch(out) and not _closure_mismatch(ours)):
        # The phase, its date and the closure come from one side: ours, theirs recorded.
        for key in PHASE_GROUP:
            o, t = ours.get(key, MISSING), theirs.get(key, MISSING)
            if same(o, t):
                continue
            records.pop(key, None)
            if o is MISSING:
                out.pop(key, None)
            else:
                out[key] = o
            if _recordable(key, o, t):
                records[key] = _record(o, t, base.get(key, MISSING), theirs_commit)
    conflicts = _merge_conflicts(
        base.get("conflicts"), ours.get("conflicts"), theirs.get("conflicts")
    )
    for key in records:
        conflicts.pop(key, None)
    conflicts.update(records)
    # The merged contact log decides the milestone dates (the earliest dated contact),
    # before the records are made to describe the merged file: a record's `ours` is the
    # value the file holds, milestones included.
    settle_milestones(out)
    _settle_records(conflicts, out, theirs_commit)
    if conflicts:
        out["conflicts"] = conflicts
    return _reorder(out, ours, theirs)


def _decided(b: Any, o: Any, t: Any) -> dict[str, tuple[bool, bool]]:
    """Fields with a `[conflicts]` record in base -> (removed in ours, removed in theirs):
    a side that removed the record decided the field."""
    b = b if isinstance(b, Mapping) else {}
    o = o if isinstance(o, Mapping) else {}
    t = t if isinstance(t, Mapping) else {}
    return {field: (field not in o, field not in t) for field in b}


def _decisions_differ(decided: tuple[bool, bool], b: Any, o: Any, t: Any) -> bool:
    """True when a decision on a conflict meets a different decision or edit from the
    other side: one side decided and kept the field as it was (`--ours`), the other
    changed it (`--theirs`, `--value`, or a plain edit). Without this rule the change
    would win the three-way merge and the decision would vanish without a word."""
    if same(o, t):
        return False
    decided_ours, decided_theirs = decided
    return (decided_ours and same(o, b) and not same(t, b)) or (
        decided_theirs and same(t, b) and not same(o, b)
    )


def _settle_records(conflicts: dict[str, Any], out: Mapping[str, Any], theirs_commit: str) -> None:
    """Make every record describe the merged file: `ours` is the value now in the field.

    A record carried in from one side was written against that side's field; once the
    merge put another value in the field, its `ours` would be stale. When the field now
    holds the record's `theirs`, the sides swap (the other value came in with this merge,
    from `theirs_commit`); when the two values are then equal there is nothing left to
    decide and the record goes. An absent field reads as `{}`, as the record writes it."""
    for field, rec in list(conflicts.items()):
        if not isinstance(rec, Mapping) or "ours" not in rec or "theirs" not in rec:
            continue
        value = out.get(field, MISSING)
        if value is MISSING:
            value = {}
        if same(rec["ours"], value) and not same(rec["ours"], rec["theirs"]):
            continue
        fresh = dict(rec)
        if same(rec["theirs"], value):
            fresh["theirs"] = rec["ours"]
            if theirs_commit:
                fresh["theirs_commit"] = theirs_commit
        fresh["ours"] = value
        if same(fresh["ours"], fresh["theirs"]):
            del conflicts[field]
        else:
            conflicts[field] = {k: fresh[k] for k in _record_order(fresh)}


def _record_order(rec: Mapping[str, Any]) -> list[str]:
    first = [k for k in ("ours", "theirs", "base", "theirs_commit") if k in rec]
    return first + [k for k in rec if k not in first]


def _closure_mismatch(data: Mapping[str, Any]) -> bool:
    """True when `phase = "closed"` and the presence of `[closure]` disagree."""
    return (data.get("phase") == "closed") != isinstance(data.get("closure"), Mapping)


def _key_order(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """Ours' keys in ours' order; a key only theirs has goes after its predecessor there."""
    order = list(ours)
    prev: str | None = None
    for k in theirs:
        if k not in order:
            order.insert(order.index(prev) + 1 if prev is not None else 0, k)
        prev = k
    return order


def _reorder(out: dict[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict:
    order = _key_order(ours, theirs)
    if "conflicts" in out and "conflicts" not in order:
        order.append("conflicts")
    return {k: out[k] for k in order if k in out}


def _merge_value(key: str, b: Any, o: Any, t: Any) -> tuple[Any, bool]:
    """Three-way merge of one value: (result, True when both sides changed it differently)."""
    if same(o, t):
        return o, False
    if same(o, b):
        return t, False
    if same(t, b):
        return o, False
    if key in EVENT_DATES and type(o) is date and type(t) is date:
        return EVENT_DATES[key](o, t), False
    # Changed differently, a removal included: ours kept, theirs recorded.
    return o, True


def _recordable(key: str, o: Any, t: Any) -> bool:
    return not (o is MISSING and t is MISSING)


def _record(o: Any, t: Any, b: Any, theirs_commit: str) -> dict[str, Any]:
    rec: dict[str, Any] = {"ours": {} if o is MISSING else o, "theirs": {} if t is MISSING else t}
    if b is not MISSING:
        rec["base"] = b
    if theirs_commit:
        rec["theirs_commit"] = theirs_commit
    return rec


def _merge_conflicts(b: Any, o: Any, t: Any) -> dict[str, Any]:
    """Merge the `[conflicts]` tables per field: a resolution on one side wins over an
    untouched record; otherwise ours is kept (theirs when only theirs has one)."""
    b = b if isinstance(b, Mapping) else {}
    o = o if isinstance(o, Mapping) else {}
    t = t if isinstance(t, Mapping) else {}
    out: dict[str, Any] = {}
    for field in _key_order(o, t):
        rb, ro, rt = b.get(field, MISSING), o.get(field, MISSING), t.get(field, MISSING)
        if same(ro, rt) or same(rt, rb):
            value = ro
        elif same(ro, rb):
            value = rt
        else:
            value = ro if ro is not MISSING else rt
        if value is not MISSING:
            out[field] = value
    return out


# ------------------------------------------------------------------ lists of entries


def _is_entry_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, Mapping) for x in v)


# Above this many (base x side) pairs in one identity group, edits are paired in order
# within a small window instead of scoring every pair: the driver stays linear even when
# thousands of entries share an identity (say, contacts logged on one day with one kind).
GROUP_PAIRS_MAX = 1024
WINDOW = 8


def _kept(be: Mapping, se: Mapping) -> int:
    return sum(1 for k in be if k in se and same(be[k], se[k]))


def _match(key: str, base: list[Mapping], side: list[Mapping]) -> dict[int, int]:
    """Map base index -> side index: equal entries first, then edits. An edit keeps the
    entry's identity (IDENTITY) and more than half of its fields; the closest wins, and
    among equals the one nearest the base position.

    Linear in the lengths: entries are looked up in dicts keyed by their whole content
    (equal pass) and by their identity fields (edit pass); only entries that share an
    identity are ever compared with each other."""
    pairs: dict[int, int] = {}
    by_content: dict[Any, deque[int]] = {}
    for si, se in enumerate(side):
        by_content.setdefault(freeze(se), deque()).append(si)
    matched: set[int] = set()
    for bi, be in enumerate(base):
        queue = by_content.get(freeze(be))
        if queue:
            si = queue.popleft()
            pairs[bi] = si
            matched.add(si)
    if len(pairs) == len(base):
        return pairs
    ident = IDENTITY[key]

    def ident_key(e: Mapping) -> Any:
        return tuple(freeze(e.get(k, MISSING)) if k in e else None for k in ident)

    groups: dict[Any, tuple[list[int], list[int]]] = {}
    for bi, be in enumerate(base):
        if bi not in pairs:
            groups.setdefault(ident_key(be), ([], []))[0].append(bi)
    for si, se in enumerate(side):
        if si not in matched:
            group = groups.get(ident_key(se))
            if group is not None:
                group[1].append(si)
    for bis, sis in groups.values():
        if not sis:
            continue
        if len(bis) * len(sis) <= GROUP_PAIRS_MAX:
            candidates = []
            for bi in bis:
                be = base[bi]
                for si in sis:
                    kept = _kept(be, side[si])
                    if 2 * kept > len(be):
                        candidates.append((-kept / len(be), abs(si - bi), bi, si))
            taken: set[int] = set()
            for *_unused, bi, si in sorted(candidates):
                if bi not in pairs and si not in taken:
                    pairs[bi] = si
                    taken.add(si)
            continue
        # A big group: pair in order, each base entry with the closest of the next few.
        j = 0
        for bi in bis:
            be = base[bi]
            best: tuple[float, int] | None = None
            for pos in range(j, min(j + WINDOW, len(sis))):
                kept = _kept(be, side[sis[pos]])
                if 2 * kept > len(be) and (best is None or kept > best[0]):
                    best = (kept, pos)
            if best is not None:
                pos = best[1]
                pairs[bi] = sis[pos]
                sis[j], sis[pos] = sis[pos], sis[j]
                j += 1
    return pairs


def _merge_list(key: str, b: Any, o: Any, t: Any) -> Any:
    if same(o, t) or same(t, b):
        return o
    if same(o, b):
        return t
    b = [] if b is MISSING else b
    ol = [] if o is MISSING else o
    tl = [] if t is MISSING else t
    om, tm = _match(key, b, ol), _match(key, b, tl)
    o_of = {si: bi for bi, si in om.items()}
    t_of = {si: bi for bi, si in tm.items()}
    merged: list[Mapping] = []
    placed: set[int] = set()

    def resolve(bi: int) -> list[Mapping]:
        oe = ol[om[bi]] if bi in om else MISSING
        te = tl[tm[bi]] if bi in tm else MISSING
        return _merge_entry(key, b[bi], oe, te)

    # Ours' order first (its base entries resolved, its new entries as they are) ...
    for si, entry in enumerate(ol):
        if si in o_of:
            merged.extend(resolve(o_of[si]))
            placed.add(o_of[si])
        else:
            merged.append(entry)
    # ... then base entries ours removed (kept only when theirs edited them) ...
    for bi in range(len(b)):
        if bi not in placed:
            merged.extend(resolve(bi))
    # ... then theirs' new entries, once each unless ours added an equal one.
    ours_new = Counter(freeze(e) for si, e in enumerate(ol) if si not in o_of)
    for si, entry in enumerate(tl):
        if si in t_of:
            continue
        f = freeze(entry)
        if ours_new[f] > 0:
            ours_new[f] -= 1
        else:
            merged.append(entry)
    dk = DATE_KEY[key]
    return sorted(merged, key=lambda e: _date_sort_key(e.get(dk)))


def _date_sort_key(v: Any) -> tuple:
    if isinstance(v, datetime):
        return (0, v.date().toordinal())
    if isinstance(v, date):
        return (0, v.toordinal())
    return (1,)


def _merge_entry(key: str, b: Mapping, o: Any, t: Any) -> list[Mapping]:
    """The merged version(s) of one base entry: none, one or (edited apart) two."""
    if same(o, t):
        return [] if o is MISSING else [o]
    if same(o, b):
        return [] if t is MISSING else [t]
    if same(t, b):
        return [] if o is MISSING else [o]
    if o is MISSING or t is MISSING:
        return [t if o is MISSING else o]  # removed on one side, edited on the other
    merged: dict[str, Any] = {}
    for k in _key_order(o, t):
        value, conflict = _merge_value(k, b.get(k, MISSING), o.get(k, MISSING), t.get(k, MISSING))
        if conflict:
            return [o, t]
        if value is not MISSING:
            merged[k] = value
    if key == "jobs" and not _dates_in_order(merged.get("start"), merged.get("end")):
        return [o, t]
    return [merged]


def _dates_in_order(start: Any, end: Any) -> bool:
    if type(start) is date and type(end) is date:
        return start <= end
    return True


# ------------------------------------------------------------------ git's driver


_SHA = re.compile(r"^GITHEAD_([0-9a-f]{40}|[0-9a-f]{64})$")


def theirs_commit_id(cwd: Path | None = None) -> str:
    """Short id of the commit being merged in: git names it in GITHEAD_<sha> during
    `git merge`; MERGE_HEAD, CHERRY_PICK_HEAD or REBASE_HEAD otherwise."""
    for name in os.environ:
        m = _SHA.match(name)
        if m:
            return m.group(1)[:7]
    for ref in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REBASE_HEAD"):
        proc = subprocess.run(
            ["git", "rev-parse", "-q", "--verify", "--short=7", ref],
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    return "unknown"


def driver_main(argv: Sequence[str]) -> int:
    """`ipstui merge-driver %O %A %B %P`: merge into %A.

    Exit 0 when merged. Exit 1 when a version cannot be read or parsed (or the merge
    itself fails): then %A holds git's own line merge of the three versions, conflict
    markers included, and git records the file as conflicted — a side is never dropped.
    Exit 2 on wrong usage."""
    if len(argv) != 4:
        print(_("usage: ipstui merge-driver BASE OURS THEIRS PATH"), file=sys.stderr)
        return 2
    base_p, ours_p, theirs_p, path = (Path(argv[0]), Path(argv[1]), Path(argv[2]), argv[3])
    if _added_on_both_sides(base_p) and not _same_first_version(path):
        # SPEC §6 "Two people never become one": ours stays as it is, git records a
        # conflict, and `ipstui sync` (which renumbers the local record) is named.
        print(_(ADDED_TWICE).format(path=path), file=sys.stderr)
        return 1
    try:
        base = base_p.read_bytes() if base_p.exists() else None
        ours, theirs = ours_p.read_bytes(), theirs_p.read_bytes()
        if base is not None and base.strip():
            loads_bytes(base, "base")  # an unreadable base is a failure too (git's conflict)
        merged = merge_file(base, ours, theirs, theirs_commit_id(), _dumps_for(path))
    except ParseError as exc:
        side = exc.path if exc.path in ("ours", "theirs", "base") else "theirs"
        why = f"{side} version is not valid TOML (line {exc.line}, column {exc.col}: {exc.message})"
        return _line_merge_fallback(base_p, ours_p, theirs_p, path, why)
    except (OSError, ValueError, RecursionError, OverflowError, TypeError) as exc:
        # (UnicodeDecodeError is a ValueError: loads_bytes reports it as ParseError first.)
        why = f"could not merge it field by field ({type(exc).__name__}: {exc})"
        return _line_merge_fallback(base_p, ours_p, theirs_p, path, why)
    ours_p.write_bytes(merged.raw)
    if not merged.layout_kept:
        print(f"ipstui merge: {path}: {LAYOUT_LOST}", file=sys.stderr)
    elif not merged.theirs_layout_kept:
        print(f"ipstui merge: {path}: {THEIRS_LAYOUT_LOST}", file=sys.stderr)
    return 0


LAYOUT_LOST = (
    "merged field by field, but its own layout (comments, key order) could not be "
    "kept: written in the standard layout"
)
"""What the driver says on stderr after `ipstui merge: PATH: ` when a merged file could
not keep ours' layout; `ipstui sync` looks for it to say so in its summary."""

THEIRS_LAYOUT_LOST = (
    "merged field by field, but the layout changes made on the other side (comments, "
    "key order) could not be carried over: the file keeps this side's layout"
)
"""What the driver says on stderr after `ipstui merge: PATH: ` when theirs' own layout
changes could not be carried into the merged file (`Merged.theirs_layout_kept`);
`ipstui sync` looks for it to say so in its summary."""


def _added_on_both_sides(base_p: Path) -> bool:
    """True when git gave no base (%O missing or empty): the file was added on both sides."""
    try:
        return not base_p.read_bytes().strip()
    except OSError:
        return True


def _theirs_full(cwd: Path | None = None) -> str | None:
    """Full id of the commit being merged in (GITHEAD_<sha>, else MERGE_HEAD), or None."""
    for name in os.environ:
        m = _SHA.match(name)
        if m:
            return m.group(1)
    proc = subprocess.run(
        ["git", "rev-parse", "-q", "--verify", "MERGE_HEAD"],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _same_first_version(path: str, cwd: Path | None = None) -> bool:
    """True when both sides added `path` (repository-relative, as git's %P) with the same
    first version: one record added twice (a cherry-pick) and edited since, which merges
    field by field (`renumber.clashes` skips it the same way). False when that cannot be
    shown (no merge in progress, a rebase, unrelated histories): then the driver refuses."""
    theirs = _theirs_full(cwd)
    if theirs is None:
        return False

    from ipstui.core import gitio
    from ipstui.core.renumber import first_version

    root = Path(cwd) if cwd is not None else Path.cwd()  # git runs drivers at the top
    proc = gitio.git(root, "merge-base", "HEAD", theirs, check=False)
    base = proc.stdout.strip() if proc.returncode == 0 else ""
    if not base:
        return False
    mine = first_version(root, base, "HEAD", path)
    return mine is not None and mine == first_version(root, base, theirs, path)


ADDED_TWICE = N_(
    "ipstui merge: {path}: added on both sides as two different records, which are never merged field by field; yours is left as it was: undo this merge (git merge --abort) and run `ipstui sync`, which gives yours the next free id"
)
"""What the driver says (one line) when it refuses an add/add of two different records."""


def _dumps_for(path: str) -> Callable[[Mapping[str, Any]], str]:
    """The canonical layout of the record at `path` (employers/ or participants/)."""
    if path.replace("\\", "/").split("/")[-2:-1] == ["employers"]:
        from ipstui.core.employers import dumps as employer_dumps

        return employer_dumps
    return dumps


def _line_merge_fallback(base_p: Path, ours_p: Path, theirs_p: Path, path: str, why: str) -> int:
    """Leave git's own line merge (markers and all) in %A and report a conflict (1)."""
    if not base_p.exists():
        base_p = Path(os.devnull)
    try:
        proc = subprocess.run(
            [
                "git",
                "merge-file",
                "-L",
                f"ours:{path}",
                "-L",
                f"base:{path}",
                "-L",
                f"theirs:{path}",
                str(ours_p),
                str(base_p),
                str(theirs_p),
            ],
            capture_output=True,
        )
        markers = proc.returncode > 0
    except OSError:
        markers = False
    print(
        f"ipstui merge: {path}: {why}; "
        + (
            "left git's line conflict markers in it to resolve by hand"
            if markers
            else "left it as a conflict to resolve by hand"
        ),
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(driver_main(sys.argv[1:]))
