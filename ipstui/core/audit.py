"""`ipstui audit`: the caseload's changes for a reviewer, and `audit --check` (SPEC §12).

**Listing.** One `git log` over the history (no diffs) gives every commit's author,
date, signature status (`%G?`) and message. A commit made by ipstui carries the
changes in its message (SPEC §5): a `field: old -> new` body line per changed field,
values already hidden where the convention hides them, and the `Participant:` /
`Employer:` and `Changed:` trailers. Those commits are listed from their messages
alone. Commits without the trailers (hand edits committed with plain git) are diffed:
one `git diff-tree --stdin` names their files, one `git cat-file --batch` reads the
versions, and `changes.diff` compares them field by field. A merge lists only what it
changed itself — fields whose merged value differs from every parent's, such as the
`[conflicts]` record a sync writes (`git diff-tree --cc`); what it brings from one side
is that side's commits' and not repeated. `audit --check` proves the
messages tell the truth; the listing trusts them only where they follow the convention.

**Check.** Every commit in range that touches `participants/*.toml` or
`employers/*.toml` must (SPEC §5, §12):

- touch one record;
- have a subject `<ID>: <what>` naming that record, at most 72 characters;
- carry `Participant: <ID>` (or `Employer: <ID>`) and `Changed:` trailers equal to the
  top-level fields the diff changed (`new` for a created file, `file removed`);
- hold no free text of the record (name, notes, contact notes, employer, title, task,
  goals, strengths, `x_` values, a referral source outside the team's list) and no
  value of a sensitive field (`disclosure`, `suspension.reason`, and the fields
  `[privacy] message_values` names) anywhere in its message;
- with `--require-signed`, have a good signature.

A renumbering (SPEC §6, trailer `Renumbered-from:`) removes one record and adds it under
its new id with nothing else changed; it is checked as such (`_renumbering`).

Merge commits (the ones sync makes, and any other) are exempt from the one-record,
subject and trailer rules — they join two histories — but their message is still
checked for free text.

In a shallow clone (`git clone --depth N`, `--shallow-since`) the commit where the
history stops has no parents here, so git shows it creating every record it holds: its
diff is unknown, not a breach. It is checked like a merge (its message only) and named
in a note (`CheckResult.shallow`; `gitio.shallow_boundary`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import CaseloadError
from ipstui.core.changes import SUBJECT_MAX, FieldChange, body_line, diff
from ipstui.core.folder import UsageError
from ipstui.core.i18n import N_, Labels, _
from ipstui.core.model import (
    CLOSURE_REASONS,
    CONTACT_KINDS,
    KNOWN_KEYS,
    PHASES,
    SUSPENSION_REASONS,
)
from ipstui.core.sheetsafe import csv_row

SIGNATURES: dict[str, str] = {
    "G": "good",
    # A good signature by a key git cannot vouch for: not trusted in gpg, or not in
    # gpg.ssh.allowedSignersFile for SSH. Whoever holds such a key could have made it.
    "U": "unknown key",
    "B": "bad",
    "X": "expired",
    "Y": "expired key",
    "R": "revoked key",
    "E": "unknown key",
    "N": "unsigned",
}
"""git's `%G?` letters (git-log(1), "Placeholders") mapped to the status words: codes,
as the CSV and JSON output and `audit --check` write them; a person reads
`SIGNATURE_LABELS`."""

SIGNATURE_LABELS: Labels = Labels(
    {
        "good": N_("good"),
        "unknown key": N_("unknown key"),
        "bad": N_("bad"),
        "expired": N_("expired"),
        "expired key": N_("expired key"),
        "revoked key": N_("revoked key"),
        "unsigned": N_("unsigned"),
    }
)
"""The status words of SIGNATURES in the current language (the History tab, the
`audit` table); keys are the codes."""

GOOD = "good"
FORMATS = ("table", "csv", "json")
RECORD_DIRS = {"participants": "Participant", "employers": "Employer"}
"""Folder of a record file → the trailer naming it."""

SENSITIVE = frozenset({"disclosure", "suspension.reason"})
"""Fields whose values never go into a commit message (SPEC §5)."""

FREE_TEXT_TOP = frozenset({"name", "notes", "goals", "strengths", "sector", "contact_person"})
FREE_TEXT_SUB = {
    "contacts": frozenset({"note"}),
    "jobs": frozenset({"employer", "title", "end_reason"}),
    "tasks": frozenset({"what"}),
}
MIN_FREE_TEXT = 3
"""Free-text values shorter than this are not searched for (they match by chance)."""

_VOCABULARY = frozenset(
    x.lower()
    for x in (
        *PHASES, *CONTACT_KINDS, *CLOSURE_REASONS, *SUSPENSION_REASONS, *KNOWN_KEYS,
        "new", "participant", "employer", "contact", "job", "task", "changed", "added",
        "removed", "resume", "suspend",
    )
)  # fmt: skip
"""Words of the convention itself: a note that is just "phone" is not found in a message."""

_SEP, _FIELD, _END = "\x1e", "\x1f", "\x1d"
_FORMAT = "%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%G?%x1f%B%x1d"
_TRAILER_KEYS = frozenset({"Participant", "Employer", "Changed", "Renumbered-from"})
_BODY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*(?:\[\d+\]|\.[A-Za-z0-9_-]+)*): (.*)$")
_ZERO = "0" * 40


class AuditError(CaseloadError):
    """Wrong input for the audit (a bad revision, an unknown format); one line."""


# ----------------------------------------------------------------------------- reading


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to build, and these are many
class Commit:
    """One commit as `git log` printed it."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    when: datetime
    signature: str
    """One of the values of SIGNATURES."""
    message: str
    raw: tuple[tuple[str, str, str, str], ...] = ()
    """(old blob, new blob, status, path) for each changed file, when asked for."""

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True, slots=True)
class Message:
    """A commit message split by the convention of SPEC §5."""

    subject: str
    body: tuple[str, ...]
    trailers: dict[str, str]


def parse_message(text: str) -> Message:
    """Subject, body lines and the trailers of the last paragraph (`Participant`,
    `Employer`, `Changed`); a trailer given twice keeps its first value."""
    subject, _unused, rest = text.rstrip("\n").partition("\n")
    head, sep, last = rest.rpartition("\n\n")
    if not sep:
        head, last = "", rest
    trailers: dict[str, str] = {}
    block = [x.partition(":") for x in last.split("\n") if x.strip()]
    if block and all(sep and key in _TRAILER_KEYS for key, sep, _unused in block):
        for key, _unused, value in block:
            trailers.setdefault(key, value.strip())
        rest = head
    return Message(subject, tuple(x for x in rest.split("\n") if x.strip()), trailers)


def verify_config(root: Path) -> list[str]:
    """git options for reading signatures. Without `gpg.ssh.allowedSignersFile` git
    reports an SSH-signed commit as unsigned (`%G?` = N); an empty list of allowed
    signers makes it say "good signature, unknown key" (U) instead, which is the truth."""
    proc = gitio.git(root, "config", "--get", "gpg.ssh.allowedSignersFile", check=False)
    return [] if proc.stdout.strip() else ["-c", f"gpg.ssh.allowedSignersFile={os.devnull}"]


def _log(root: Path, args: list[str]) -> Iterator[Commit]:
    """Stream `git log` with the audit format (and `--raw` lines when in `args`): each
    commit is parsed as soon as git has printed it, so Python's work overlaps git's."""
    cmd = ["git", "-C", str(root), *verify_config(root), "log", f"--format={_FORMAT}", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=gitio._env())
    assert proc.stdout is not None and proc.stderr is not None
    buf = b""
    try:
        while True:
            chunk = proc.stdout.read1(1 << 16)
            if not chunk:
                break
            buf += chunk
            records = buf.split(b"\x1e")
            buf = records.pop()
            for rec in records:
                if rec:
                    yield _commit(rec.decode("utf-8", "replace"))
        if buf:
            yield _commit(buf.decode("utf-8", "replace"))
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace")
        code = proc.wait()
    if code != 0:
        raise AuditError(gitio._last_lines(err) or _("git {command} failed").format(command="log"))


def _commit(chunk: str) -> Commit:
    head, _unused, tail = chunk.partition(_END)
    sha, parents, author, email, when, sig, message = head.split(_FIELD, 6)
    raw = []
    if ":" in tail:
        for line in tail.split("\n"):
            if line.startswith(":"):
                meta, _unused, path = line.partition("\t")
                parts = meta.split()
                if len(parts) >= 5:
                    raw.append((parts[2], parts[3], parts[4], path))
    return Commit(
        sha,
        tuple(parents.split()),
        author,
        email,
        datetime.fromisoformat(when),
        SIGNATURES.get(sig, "unknown key"),
        message,
        tuple(raw),
    )


def record_of(path: str) -> tuple[str, str] | None:
    """('Participant' | 'Employer', id) for a record file's path, else None."""
    folder, _unused, name = path.partition("/")
    kind = RECORD_DIRS.get(folder)
    if kind is None or "/" in name or not name.endswith(".toml") or len(name) <= 5:
        return None
    return kind, name[:-5]


class _Blobs:
    """Parsed versions of blobs from one `git cat-file --batch` (None: not valid TOML)."""

    def __init__(self, root: Path) -> None:
        from ipstui.core.history import _BlobReader

        self.reader = _BlobReader(root)
        self.cache: dict[str, dict[str, Any] | None] = {_ZERO: None}

    def get(self, blob: str, rel: str) -> dict[str, Any] | None:
        if blob not in self.cache:
            data = self.reader.read(blob)
            try:
                self.cache[blob] = storage.loads_bytes(data, rel) if data is not None else None
            except storage.ParseError:
                self.cache[blob] = None
        return self.cache[blob]

    def close(self) -> None:
        self.reader.close()


# ----------------------------------------------------------------------------- listing


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to build, and these are many
class Change:
    """One field-level change as the reviewer sees it.

    `old`/`new` are the values as text when they may be shown; None when the value is
    hidden (free text, sensitive) or absent, and `change` then says what happened."""

    commit: str
    when: datetime
    author: str
    email: str
    signature: str
    record: str
    field: str
    old: str | None
    new: str | None
    change: str
    source: str = "message"
    """"message" when read from the convention, "diff" when the files were compared."""

    def to_json(self) -> dict[str, Any]:
        """The change as JSON-ready values (`when` as ISO 8601 with its offset)."""
        return {
            "commit": self.commit,
            "when": self.when.isoformat(),
            "author": self.author,
            "email": self.email,
            "signature": self.signature,
            "record": self.record,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "change": self.change,
            "source": self.source,
        }


def sensitive_fields(settings: Mapping[str, Any] | None) -> frozenset[str]:
    """SENSITIVE plus `[privacy] message_values` of caseload.toml."""
    extra: Iterable[Any] = ()
    privacy = (settings or {}).get("privacy")
    if isinstance(privacy, Mapping) and isinstance(privacy.get("message_values"), list):
        extra = privacy["message_values"]
    return SENSITIVE | {str(x) for x in extra}


def _hide(fieldname: str, text: str, sensitive: frozenset[str]) -> str:
    """`text` as the reviewer may see it: "changed" for a sensitive field (or one inside
    it); for a table holding one (`suspension` holds `suspension.reason`) only what
    happened to it, without the values in parentheses."""
    top = fieldname.partition("[")[0].partition(".")[0]
    if not any(s == top or s.startswith(top + ".") for s in sensitive):
        return text
    plain = re.sub(r"\[\d+\]", "", fieldname)
    if any(plain == s or plain.startswith(s + ".") for s in sensitive):
        return "changed"
    if any(s.startswith(plain + ".") for s in sensitive):
        return "changed" if " -> " in text else text.split(" (", 1)[0]
    return text


def _split_change(text: str) -> tuple[str | None, str | None]:
    old, arrow, new = text.partition(" -> ")
    if not arrow:
        return None, None
    return (None if old == "(none)" else old), (None if new == "(none)" else new)


def _from_message(c: Commit, msg: Message, record: str, sensitive: frozenset[str]) -> list[Change]:
    out = []
    for line in msg.body:
        m = _BODY_LINE.match(line)
        if not m:
            continue
        fieldname = m.group(1)
        text = _hide(fieldname, m.group(2), sensitive)
        old, new = _split_change(text)
        out.append(
            Change(c.sha, c.when, c.author, c.email, c.signature, record, fieldname, old, new, text)
        )
    if not out:
        what = msg.trailers.get("Changed", "") or msg.subject.partition(": ")[2]
        out.append(
            Change(c.sha, c.when, c.author, c.email, c.signature, record, "file", None, None, what)
        )
    return out


def _from_diff(
    c: Commit, record: str, changes: list[FieldChange], sensitive: frozenset[str], note: str = ""
) -> list[Change]:
    out = []
    for ch in changes:
        text = _hide(ch.field, body_line(ch).partition(": ")[2], sensitive)
        old, new = _split_change(text)
        out.append(
            Change(
                c.sha, c.when, c.author, c.email, c.signature, record, ch.field, old, new, text,
                "diff",
            )
        )  # fmt: skip
    if note:
        out.append(
            Change(
                c.sha, c.when, c.author, c.email, c.signature, record, "file", None, None, note,
                "diff",
            )
        )  # fmt: skip
    return out


def _field_matches(fieldname: str, wanted: str) -> bool:
    return (
        fieldname == wanted
        or fieldname.startswith(wanted + "[")
        or fieldname.startswith(wanted + ".")
    )


def _author_args(by: str | None, team: Mapping[str, Any] | None) -> list[str]:
    if not by:
        return []
    member = (team or {}).get(by)
    if member is not None:
        # A team key: match the member's e-mail if the team lists one, else the name.
        who = getattr(member, "email", None) or getattr(member, "name", None)
        if isinstance(member, Mapping):
            who = member.get("email") or member.get("name")
        if who:
            return [f"--author={re.escape(str(who))}"]
    return [f"--author={by}", "--regexp-ignore-case"]


def audit(
    root: Path,
    *,
    since: date | None = None,
    until: date | None = None,
    by: str | None = None,
    record: str | None = None,
    field_name: str | None = None,
    settings: Mapping[str, Any] | None = None,
    team: Mapping[str, Any] | None = None,
) -> list[Change]:
    """Field-level changes, newest commit first, filtered by author date (`since` and
    `until` inclusive, local dates of the commits' own time zones), author (`by`: a
    team key, or a pattern git matches against name and e-mail), record id and field
    (a top-level field also matches its sub-fields: `contacts` matches
    `contacts[3].note`). Raises AuditError when git cannot read the history."""
    args = [*_author_args(by, team)]
    if since is not None:
        # git filters on the committer date, which is never before the author date of
        # the same commit in a history the app made; a day of margin for time zones.
        args.append(f"--since={(since - timedelta(days=1)).isoformat()}")
    if record is not None:
        args += ["--", *(f"{d}/{record}.toml" for d in RECORD_DIRS)]
    sensitive = sensitive_fields(settings)
    out: list[Change] = []
    pending: list[Commit] = []
    merges: list[Commit] = []
    for c in _log(root, args):
        day = c.when.date()
        if (since and day < since) or (until and day > until):
            continue
        if c.is_merge:
            merges.append(c)
            continue
        msg = parse_message(c.message)
        trailer = next((msg.trailers[k] for k in RECORD_DIRS.values() if k in msg.trailers), None)
        if trailer and "Changed" in msg.trailers:
            if record is None or trailer == record:
                out.extend(_from_message(c, msg, trailer, sensitive))
        else:
            pending.append(c)
    if pending:
        out = _merge_by_date(out, _diffed(root, pending, record, sensitive))
    if merges:
        out = _merge_by_date(out, _merged(root, merges, record, sensitive))
    if field_name:
        out = [x for x in out if _field_matches(x.field, field_name)]
    return out


def _merge_by_date(a: list[Change], b: list[Change]) -> list[Change]:
    # Newest first; the sort is stable, so each commit keeps its own field order.
    return sorted(a + b, key=lambda x: x.when, reverse=True)


def _diffed(
    root: Path, commits: list[Commit], record: str | None, sensitive: frozenset[str]
) -> list[Change]:
    """Changes of commits without trailers, from their files (one diff-tree, one cat-file)."""
    shas = "\n".join(c.sha for c in commits) + "\n"
    proc = gitio.git(
        root,
        "diff-tree",
        "--stdin",
        "-r",
        "--root",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--",
        *RECORD_DIRS,
        input=shas,
    )
    raws: dict[str, list[tuple[str, str, str]]] = {}
    current = ""
    for line in proc.stdout.splitlines():
        if line.startswith(":"):
            meta, _unused, path = line.partition("\t")
            parts = meta.split()
            raws.setdefault(current, []).append((parts[2], parts[3], path))
        elif line.strip():
            current = line.strip()
    blobs = _Blobs(root)
    out: list[Change] = []
    try:
        for c in commits:
            for old, new, path in raws.get(c.sha, []):
                rec = record_of(path)
                if rec is None or (record is not None and rec[1] != record):
                    continue
                a, b = blobs.get(old, path), blobs.get(new, path)
                if (a is None and old != _ZERO) or (b is None and new != _ZERO):
                    out += _from_diff(c, rec[1], [], sensitive, "a version is not valid TOML")
                    continue
                note = "file removed" if new == _ZERO else ""
                out += _from_diff(c, rec[1], diff(a, b), sensitive, note)
    finally:
        blobs.close()
    return out


def _merged(
    root: Path, commits: list[Commit], record: str | None, sensitive: frozenset[str]
) -> list[Change]:
    """What merges changed themselves: fields whose merged value differs from every
    parent's (a `[conflicts]` record the merge driver wrote, a hand-resolved conflict).
    Changes a merge brings from one side are that side's commits' and not repeated."""
    shas = "\n".join(c.sha for c in commits) + "\n"
    proc = gitio.git(
        root, "diff-tree", "--stdin", "--cc", "--raw", "--no-abbrev", "--", *RECORD_DIRS,
        input=shas,
    )  # fmt: skip
    raws: dict[str, list[tuple[list[str], str]]] = {}
    current = ""
    for line in proc.stdout.splitlines():
        if line.startswith("::"):
            meta, _unused, path = line.partition("\t")
            n = len(meta) - len(meta.lstrip(":"))
            parts = meta.lstrip(":").split()
            raws.setdefault(current, []).append((parts[n + 1 : 2 * n + 2], path))
        elif line.strip():
            current = line.strip()
    blobs = _Blobs(root)
    out: list[Change] = []
    try:
        for c in commits:
            for ids, path in raws.get(c.sha, []):
                rec = record_of(path)
                if rec is None or (record is not None and rec[1] != record):
                    continue
                result = blobs.get(ids[-1], path)
                sides = [blobs.get(b, path) for b in ids[:-1]]
                versions = [*sides, result]
                if any(v is None and b != _ZERO for v, b in zip(versions, ids, strict=True)):
                    out += _from_diff(c, rec[1], [], sensitive, "a version is not valid TOML")
                    continue
                own = diff(sides[0], result)
                for other in sides[1:]:
                    theirs = {ch.path for ch in diff(other, result)}
                    own = [ch for ch in own if ch.path in theirs]
                out += [
                    Change(
                        x.commit, x.when, x.author, x.email, x.signature, x.record, x.field,
                        x.old, x.new, x.change, "merge",
                    )
                    for x in _from_diff(c, rec[1], own, sensitive)
                ]  # fmt: skip
    finally:
        blobs.close()
    return out


# ----------------------------------------------------------------------------- output


def visible(text: str) -> str:
    """Control characters, DEL, C1 controls and bidi overrides as visible escapes: the
    one escaping function of SPEC §13, `termsafe.escape`."""
    from ipstui.core.termsafe import escape

    return escape(text)


AUTHOR_WIDTH = 32
"""The widest the author column of the audit table grows, in terminal cells."""


def render(changes: list[Change], fmt: str, history_starts: Iterable[str] = ()) -> str:
    """`table` (one line per change), `csv` (header row, one row per change) or `json`
    (a list of objects with the keys of `Change`, and `history_starts_at`: the full
    ids of the commits where a shallow clone's history starts, `history_starts`
    (`gitio.shallow_boundary`), empty for a full clone: a script sees that the listing
    is cut without reading stderr; an empty listing is `[]`, with no row to carry it,
    and the stderr note the caller prints says it then: the listing keeps one shape)."""
    if fmt not in FORMATS:
        raise AuditError(
            _("unknown format {fmt}; use one of {values}").format(
                fmt=repr(fmt), values=", ".join(FORMATS)
            )
        )
    if fmt == "json":
        # One object per line: readable, and json's C encoder (indent= is pure Python).
        if not changes:
            return "[]\n"
        encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per row
        starts = sorted(history_starts)
        rows = ",\n".join(encode({**c.to_json(), "history_starts_at": starts}) for c in changes)
        return "[\n" + rows + "\n]\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        cols = [f.name for f in Change.__dataclass_fields__.values()]
        w.writerow(cols)
        for c in changes:
            row = c.to_json()
            w.writerow(csv_row("" if row[k] is None else visible(str(row[k])) for k in cols))
        return buf.getvalue()
    if not changes:
        return _("no changes") + "\n"
    from ipstui.core.vocab import cells, fit

    sig_width = max(cells(label) for label in SIGNATURE_LABELS.values())
    # As wide as the widest author, up to AUTHOR_WIDTH cells; a longer name ends in `…`.
    authors = {c.author: visible(c.author) for c in changes}
    who_width = min(AUTHOR_WIDTH, max(cells(a) for a in authors.values()))
    rec_width = max(10, *(cells(visible(c.record)) for c in changes))
    lines = []
    for c in changes:
        lines.append(
            f"{c.when:%Y-%m-%d %H:%M}  {c.commit[:7]}  {fit(authors[c.author], who_width)}  "
            f"{fit(SIGNATURE_LABELS.get(c.signature, c.signature), sig_width)}  "
            f"{fit(visible(c.record), rec_width)}  {visible(c.field)}: {visible(c.change)}"
        )
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- check


@dataclass(frozen=True, slots=True)
class Breach:
    """One way a commit breaks the convention."""

    commit: str
    author: str
    when: datetime
    problem: str

    def __str__(self) -> str:
        # Not the subject: it may hold the very free text being reported.
        return f"{self.commit[:10]} {self.when:%Y-%m-%d} {visible(self.author)}: {self.problem}"


@dataclass(slots=True)
class CheckResult:
    """What `audit --check` found: the breaches, how many commits it looked at, and the
    shallow clone's boundary commits in range (`shallow`: full ids), whose diffs are
    unknown and were checked for free text in their message only."""

    checked: int = 0
    breaches: list[Breach] = field(default_factory=list)
    shallow: list[str] = field(default_factory=list)


def _free_texts(data: Mapping[str, Any] | None, sources: frozenset[str]) -> set[str]:
    """Strings of a record that are free text (never allowed in a message)."""
    out: set[str] = set()
    if not data:
        return out

    def add(v: Any) -> None:
        if isinstance(v, str) and len(v.strip()) >= MIN_FREE_TEXT:
            out.add(v.strip())
        elif isinstance(v, list):
            for x in v:
                add(x)

    for k, v in data.items():
        if k in FREE_TEXT_TOP or k.startswith("x_"):
            add(v)
        elif k == "referral_source" and sources and v not in sources:
            add(v)
        elif k in FREE_TEXT_SUB and isinstance(v, list):
            for item in v:
                if isinstance(item, Mapping):
                    for sk, sv in item.items():
                        if sk in FREE_TEXT_SUB[k] or sk.startswith("x_"):
                            add(sv)
    return out - _VOCABULARY


def _sensitive_values(
    a: Mapping[str, Any] | None, b: Mapping[str, Any] | None, sensitive: frozenset[str]
) -> set[str]:
    """Values of sensitive fields in either version (dotted names reach into tables)."""
    out: set[str] = set()
    for data in (a, b):
        for name in sensitive:
            v: Any = data or {}
            for part in name.split("."):
                v = v.get(part) if isinstance(v, Mapping) else None
            if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip():
                out.add(str(v).strip())
    return out


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in re.split(r"[^\w-]+", text) if t}


def _message_breaches(message: str, texts: set[str], secret_values: set[str]) -> list[str]:
    problems = []
    low = message.lower()
    found = sorted(t for t in texts if t.lower() in low)
    if found:
        problems.append(
            f"the message holds free text of the record ({len(found)} value"
            f"{'s' * (len(found) != 1)}, e.g. a name or note)"
        )
    toks = _tokens(message)
    leaked = sorted(v for v in secret_values if v.lower() in toks)
    if leaked:
        problems.append("the message holds the value of a sensitive field")
    return problems


def check(
    root: Path,
    *,
    since: str | None = None,
    require_signed: bool = False,
    settings: Mapping[str, Any] | None = None,
) -> CheckResult:
    """Check every commit in `since..HEAD` (all history when None) against the commit
    convention; see the module docstring for the rules. AuditError on a bad revision."""
    if since is not None:
        ok = gitio.git(root, "rev-parse", "--verify", "-q", f"{since}^{{commit}}", check=False)
        if ok.returncode != 0:
            raise AuditError(_("unknown revision {since}").format(since=repr(since)))
    rng = [f"{since}..HEAD"] if since else []
    sources = frozenset(str(x) for x in (settings or {}).get("referral_sources") or [])
    sensitive = sensitive_fields(settings)
    result = CheckResult()
    boundary = gitio.shallow_boundary(root)
    blobs = _Blobs(root)
    try:
        for c in _log(root, ["--raw", "--no-abbrev", "--no-renames", *rng]):
            records = []
            for old, new, _status, path in c.raw:
                rec = record_of(path)
                if rec is not None:
                    records.append((rec, old, new, path))
            if not records and not c.is_merge:
                continue
            result.checked += 1
            if c.sha in boundary:
                # A shallow clone's first commit: git shows it creating every record it
                # holds, since its parents are not here. Its message is all that is known.
                result.shallow.append(c.sha)
                texts = set().union(
                    *(_free_texts(blobs.get(n, p), sources) for _r, _o, n, p in records)
                )
                for problem in _message_breaches(c.message, texts, set()):
                    result.breaches.append(Breach(c.sha, c.author, c.when, problem))
                continue
            for problem in _check_commit(c, records, blobs, sources, sensitive, require_signed):
                result.breaches.append(Breach(c.sha, c.author, c.when, problem))
    finally:
        blobs.close()
    return result


def _check_commit(
    c: Commit,
    records: list[tuple[tuple[str, str], str, str, str]],
    blobs: _Blobs,
    sources: frozenset[str],
    sensitive: frozenset[str],
    require_signed: bool,
) -> list[str]:
    problems: list[str] = []
    if require_signed and c.signature != GOOD:
        problems.append(f"signature: {c.signature} (a good signature is required)")
    msg = parse_message(c.message)
    texts: set[str] = set()
    secrets: set[str] = set()
    versions = []
    for (kind, rid), old, new, path in records:
        a, b = blobs.get(old, path), blobs.get(new, path)
        versions.append((kind, rid, old, new, a, b))
        texts |= _free_texts(a, sources) | _free_texts(b, sources)
        if kind == "Participant":
            secrets |= _sensitive_values(a, b, sensitive)
    if c.is_merge:
        # Sync's merges join two histories; only the message itself is checked.
        return problems + _message_breaches(c.message, texts, set())
    ids = sorted({f"{kind.lower()} {rid}" for kind, rid, *_unused in versions})
    renumbering = _renumbering(msg, versions)
    if renumbering is not None:
        return problems + renumbering + _message_breaches(c.message, texts, secrets)
    if len(ids) > 1:
        problems.append(f"touches {len(ids)} records ({', '.join(ids[:5])}"
                        f"{', …' if len(ids) > 5 else ''}); one record per commit")  # fmt: skip
        return problems + _message_breaches(c.message, texts, secrets)
    kind, rid, old, new, a, b = versions[0]
    head, sep, what = msg.subject.partition(": ")
    if head != rid or not sep or not what.strip() or what[0].isspace():
        problems.append(f"subject is not `{rid}: <what changed>`")
    elif len(msg.subject) > SUBJECT_MAX:
        problems.append(f"subject is longer than {SUBJECT_MAX} characters")
    named = msg.trailers.get(kind)
    if named != rid:
        problems.append(
            f"no `{kind}: {rid}` trailer" if named is None else f"`{kind}:` trailer names {named}"
        )
    if (a is None and old != _ZERO) or (b is None and new != _ZERO):
        problems.append("a version of the file is not valid TOML, so its fields are unknown")
    else:
        if old == _ZERO:
            want = {"new"}
        elif new == _ZERO:
            want = {"file removed"}
        else:
            want = {ch.top for ch in diff(a, b)}
        given = msg.trailers.get("Changed")
        have = {x.strip() for x in (given or "").split(",") if x.strip()}
        if given is None:
            problems.append("no `Changed:` trailer")
        elif have != want:
            problems.append(
                f"`Changed: {given}` does not match the diff (changed: {', '.join(sorted(want))})"
            )
    return problems + _message_breaches(c.message, texts, secrets)


def _renumbering(msg: Message, versions: list[tuple]) -> list[str] | None:
    """The check of a renumbering commit (SPEC §6: sync moves a local record whose id the
    remote took to a free id, in a commit of its own), or None when `msg` does not say it
    is one (no `Renumbered-from:` trailer). It removes OLD and adds NEW of one kind, with
    the same content but `id`; subject `OLD -> NEW: renumbered, id taken on the remote`;
    trailers `<Kind>: NEW`, `Changed: id`, `Renumbered-from: OLD`."""
    old_id = msg.trailers.get("Renumbered-from")
    if old_id is None:
        return None
    gone = [v for v in versions if v[3] == _ZERO]
    added = [v for v in versions if v[2] == _ZERO]
    if len(versions) != 2 or len(gone) != 1 or len(added) != 1 or gone[0][0] != added[0][0]:
        return ["`Renumbered-from:` on a commit that does not move one record to a new id"]
    kind, removed, _unused, _unused, before, _unused = gone[0]
    _unused, new_id, _unused, _unused, _unused, after = added[0]
    problems = []
    if removed != old_id:
        problems.append(f"`Renumbered-from: {old_id}` but the commit removes {removed}")
    if msg.subject != f"{removed} -> {new_id}: renumbered, id taken on the remote":
        problems.append(
            f"subject is not `{removed} -> {new_id}: renumbered, id taken on the remote`"
        )
    if msg.trailers.get(kind) != new_id:
        problems.append(f"no `{kind}: {new_id}` trailer")
    if msg.trailers.get("Changed") != "id":
        problems.append("no `Changed: id` trailer")
    if before is None or after is None or {**before, "id": new_id} != after:
        problems.append("a renumbering changes more than the id")
    return problems


def run_cli(root: Path, args: Any) -> int:
    """`ipstui audit` with parsed arguments: prints the listing, or the breaches of
    `--check` (exit 1 when there are any). Returns the exit code."""
    import sys

    # The settings as written, without validating them: that would import jsonschema,
    # which costs more than reading a month of history.
    try:
        sdata, _unused = storage.read_file(root / "caseload.toml", "caseload.toml")
    except storage.StorageError as exc:
        raise AuditError(str(exc)) from None
    if args.check:
        result = check(
            root, since=args.since_rev, require_signed=args.require_signed, settings=sdata
        )
        for b in result.breaches:
            print(str(b))
        for sha in result.shallow:
            print(
                _(
                    "note: this clone is shallow and its history starts at {commit}: what that commit changed is unknown, so only its message was checked; `git fetch --unshallow` brings the rest"
                ).format(commit=sha[:10]),
                file=sys.stderr,
            )
        print(
            _(
                "{checked} commit(s) touching records checked: {n} breach(es) in {commits} commit(s)"
            ).format(
                checked=result.checked,
                n=len(result.breaches),
                commits=len({b.commit for b in result.breaches}),
            ),
            file=sys.stderr,
        )
        return 1 if result.breaches else 0
    since = _day(args.since_rev, "--since") if args.since_rev else None
    until = _day(args.until, "--until") if args.until else None
    changes = audit(
        root,
        since=since,
        until=until,
        by=args.by,
        record=args.participant,
        field_name=args.field,
        settings=sdata,
        team=sdata.get("team") if isinstance(sdata.get("team"), Mapping) else None,
    )
    boundary = sorted(gitio.shallow_boundary(root))
    if boundary:
        # Whatever the format: the listing is not the caseload's whole history.
        print(_(SHALLOW_NOTE).format(commits=", ".join(c[:10] for c in boundary)), file=sys.stderr)
    sys.stdout.write(render(changes, args.format, history_starts=boundary))
    return 0


SHALLOW_NOTE = N_(
    "note: this clone is shallow, so its history starts at {commits}: older changes are not listed, and what that commit changed is unknown; `git fetch --unshallow` brings the rest"
)
"""The one line plain `ipstui audit` writes on stderr in a shallow clone."""


def _day(text: str, what: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            _("{what}: {text} is not a date like 2026-11-20").format(what=what, text=repr(text))
        ) from None


def signatures(root: Path, commits: Iterable[str]) -> dict[str, str]:
    """Signature status (a value of SIGNATURES) of each named commit: one `git log
    --no-walk --stdin` for all of them. Commits git does not know are left out."""
    shas = list(dict.fromkeys(commits))
    if not shas:
        return {}
    proc = gitio.git(
        root, *verify_config(root), "log", "--no-walk=unsorted", "--stdin", "--format=%H %G?",
        input="\n".join(shas) + "\n", check=False,
    )  # fmt: skip
    out = {}
    for line in proc.stdout.splitlines():
        sha, _unused, code = line.partition(" ")
        if sha:
            out[sha] = SIGNATURES.get(code.strip(), "unknown key")
    return out
