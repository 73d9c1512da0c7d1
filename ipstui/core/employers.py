"""The employer register and job-development log of SPEC §11: `employers/<ID>.toml`.

One file per employer, with the same rules as participant files: an id that equals the
file name, canonical key order (one field per line, `[[contacts]]` blocks appended at
the end), validation against `schema/employer.schema.json` plus the semantic rules a
schema cannot say (id equals file name, `by` is a team member, dates not quoted), every
finding with its line and column, and one commit per edit with no free text in the
message:

    E-0003: add contact (job_development)

    contacts[4]: added (job_development, 2026-11-03)

    Employer: E-0003
    Changed: contacts

A file that does not parse or validate is listed as a problem and never rewritten.
Edits are saved by the participants' save transaction (`caseload.transact` with the
record kind `EMPLOYER`): the same caseload lock, staleness and uncommitted-change checks
by git's view of the file, refusals and verified commit.
"""

from __future__ import annotations

import copy
import hashlib
import marshal
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import (
    Caseload,
    CaseloadError,
    RecordKind,
    RecordMessages,
    refuse_unknown_settings,
    transact,
)
from ipstui.core.changes import SUBJECT_MAX, FieldChange, diff
from ipstui.core.i18n import N_, _, current_language
from ipstui.core.model import (
    SCHEMA_VERSION,
    Problem,
    case_twin_problems,
    device_name_refusal,
    is_valid_id,
)
from ipstui.core.resources import SCHEMA_DIR
from ipstui.core.validate import (
    _LazyLocator,
    errors_only,
    id_file_problem,
    name_problems,
    schema_problems,
)

EMPLOYERS_DIR = "employers"
EMPLOYER_SCHEMA = SCHEMA_DIR / "employer.schema.json"
ID_PREFIX = "E-"

PURPOSES: tuple[str, ...] = ("job_development", "placement", "follow_along", "other")
"""Why a specialist met the employer (SPEC §11)."""
TOP_KEYS: tuple[str, ...] = ("schema", "id", "name", "sector", "contact_person", "notes")
TABLE_KEYS: tuple[str, ...] = ("conflicts",)
LIST_KEYS: tuple[str, ...] = ("contacts",)
CONTACT_KEYS: tuple[str, ...] = ("on", "by", "face_to_face", "purpose", "note")
REQUIRED_KEYS: tuple[str, ...] = ("schema", "id", "name")
CONFLICT_KEYS: tuple[str, ...] = ("ours", "theirs", "base", "theirs_commit")
SAFE_CONTACT_KEYS = frozenset({"on", "by", "face_to_face", "purpose"})
"""Contact fields whose values may be quoted in a commit message (no free text)."""


def employer_path(root: Path, eid: str) -> Path:
    """The file of employer `eid`; ValueError for ids that are not safe file names."""
    if not is_valid_id(eid):
        raise ValueError(_("not a valid employer id: {eid}").format(eid=repr(eid)))
    return root / EMPLOYERS_DIR / f"{eid}.toml"


def name_key(name: str) -> str:
    """A name as the register compares it: trimmed and case-folded (SPEC §10, V9)."""
    return name.strip().casefold()


# ---------------------------------------------------------------- text


def dumps(data: Mapping[str, Any]) -> str:
    """Canonical text of an employer file: top-level values in `TOP_KEYS` order, then
    `[conflicts.<field>]` tables, then `[[contacts]]` blocks with `CONTACT_KEYS` first.
    Keys the app does not know keep their place after the known key they followed."""
    order = storage._ordered(data, TOP_KEYS + TABLE_KEYS + LIST_KEYS)
    conflicts = data.get("conflicts")
    out: list[str] = []
    for k in order:
        v = data[k]
        if k in ("contacts", "conflicts") or (isinstance(v, Mapping) and v) or storage._is_aot(v):
            continue
        out.append(f"{storage._key(k)} = {storage.format_value(v)}")
    if isinstance(conflicts, Mapping):
        for fld, rec in conflicts.items():
            out.append("")
            name = f"conflicts.{storage._key(fld)}"
            if isinstance(rec, Mapping):
                out.append(f"[{name}]")
                storage._body(rec, storage._ordered(rec, CONFLICT_KEYS), name, out)
            else:
                out.append("[conflicts]")
                out.append(f"{storage._key(fld)} = {storage.format_value(rec)}")
    for k in order:
        v = data[k]
        if k == "conflicts" or not ((isinstance(v, Mapping) and v) or storage._is_aot(v)):
            continue
        if isinstance(v, Mapping):
            out.append("")
            out.append(f"[{storage._key(k)}]")
            storage._body(v, list(v), storage._key(k), out)
            continue
        for item in v:
            out.append("")
            out.append(f"[[{storage._key(k)}]]")
            keys = storage._ordered(item, CONTACT_KEYS) if k == "contacts" else list(item)
            storage._body(item, keys, storage._key(k), out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- validation


def content_problems(data: Mapping[str, Any], rel: str, text: str) -> list[Problem]:
    """Schema and semantic findings that depend only on the file itself."""
    loc = _LazyLocator(text)
    out = schema_problems(data, rel, loc, EMPLOYER_SCHEMA)
    stem = Path(rel).stem
    eid = data.get("id")
    if not is_valid_id(stem):
        out.append(Problem(rel, 1, 1, id_file_problem(Path(rel).name, stem, "employer")))
    if isinstance(eid, str) and eid != stem:
        line, col = loc.find(["id"])
        out.append(
            Problem(rel, line, col, f"id {eid!r} does not match the file name {Path(rel).name!r}")
        )
    from ipstui.core.validate import conflict_problems
    from ipstui.core.vocab import EMPLOYER_FIELD_LABELS

    out.extend(conflict_problems(data, rel, loc, resolve_id=stem, labels=EMPLOYER_FIELD_LABELS))
    out.extend(name_problems(data.get("name"), rel, loc, ["name"]))
    return out


def team_problems(
    data: Mapping[str, Any], rel: str, text: str, team: Iterable[str] | None
) -> list[Problem]:
    """Contacts whose `by` is not a member of the team in caseload.toml; none while the
    team is unknown (`team` None: caseload.toml is broken and says so itself)."""
    if team is None:
        return []
    team = set(team)
    out: list[Problem] = []
    contacts = data.get("contacts")
    for i, c in enumerate(contacts if isinstance(contacts, list) else ()):
        by = c.get("by") if isinstance(c, Mapping) else None
        if isinstance(by, str) and by and by not in team:
            line, col = _LazyLocator(text).find(["contacts", i, "by"])
            known = ", ".join(sorted(team)) or "none"
            out.append(
                Problem(rel, line, col, f"contacts[{i}]: unknown specialist {by!r} (team: {known})")
            )
    return out


def check(
    data: Mapping[str, Any], rel: str, text: str, team: Iterable[str] | None
) -> list[Problem]:
    """Every finding for one employer file's parsed `data` and `text`."""
    return content_problems(data, rel, text) + team_problems(data, rel, text, team)


# ---------------------------------------------------------------- the register


@dataclass(frozen=True, slots=True)
class Employer:
    """One employer as loaded: its id, the parsed file and the blob id it was read at."""

    id: str
    data: Mapping[str, Any]
    rel_path: str
    blob: str

    @property
    def name(self) -> str:
        n = self.data.get("name")
        return n if isinstance(n, str) else ""

    @property
    def contacts(self) -> list[Mapping[str, Any]]:
        c = self.data.get("contacts")
        return [x for x in c if isinstance(x, Mapping)] if isinstance(c, list) else []

    def last_contact(self) -> Mapping[str, Any] | None:
        """The latest contact by date (the last written one on a tie), or None."""
        best = None
        for c in self.contacts:
            on = c.get("on")
            if type(on) is date and (best is None or on >= best["on"]):
                best = c
        return best


@dataclass(frozen=True)
class Register:
    """Every readable employer of a caseload (immutable; replace it after an edit)."""

    root: Path
    employers: Mapping[str, Employer] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    """Files that failed to parse or validate (left out of `employers`), and warnings."""
    team: tuple[str, ...] = ()
    known_ids: frozenset[str] = frozenset()
    """Ids of every file in employers/, readable or not (new ids avoid them all)."""
    head: str | None = None
    """HEAD when the register was read (asked before the files: no commit that landed
    before the read is newer than it), or None when not asked: the commit an edit made
    from this register follows each employer from (`identity.Seen`)."""

    def get(self, eid: str) -> Employer:
        """The employer `eid`; CaseloadError (one line) when there is none."""
        try:
            return self.employers[eid]
        except KeyError:
            broken = [
                p for p in self.problems if Path(p.path).stem == eid and p.severity == "error"
            ]
            if broken:
                raise CaseloadError(
                    _("{broken} — fix the file first; it is not rewritten while invalid").format(
                        broken=broken[0]
                    )
                ) from None
            raise CaseloadError(_("no employer with id {eid}").format(eid=repr(eid))) from None

    def by_name(self, name: str) -> Employer | None:
        """The employer whose name equals `name` trimmed and case-folded, if any."""
        key = name_key(name)
        for e in self.employers.values():
            if name_key(e.name) == key:
                return e
        return None

    def next_id(self) -> str:
        """The next free `E-NNNN` id, ignoring case (E-0003 and e-0003 are one file on macOS)."""
        taken = {x.casefold() for x in self.known_ids | set(self.employers)}
        n = 1
        for eid in taken:
            head, digits = eid[: len(ID_PREFIX)], eid[len(ID_PREFIX) :]
            if head == ID_PREFIX.casefold() and digits.isdigit():
                n = max(n, int(digits) + 1)
        while f"{ID_PREFIX}{n:04d}".casefold() in taken:
            n += 1
        return f"{ID_PREFIX}{n:04d}"

    def with_employer(self, e: Employer, problems: Iterable[Problem] = ()) -> Register:
        """This register with `e` as saved, and `problems` (`SaveResult.problems`) as its
        file's problems in place of the ones it had."""
        emps = dict(self.employers)
        emps[e.id] = e
        kept = tuple(p for p in self.problems if p.path != e.rel_path) + tuple(problems)
        return replace(self, employers=emps, problems=kept, known_ids=self.known_ids | {e.id})


def parse(
    raw: bytes, rel: str, team: Iterable[str] | None, cache: dict[str, tuple] | None = None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse and check one employer file's bytes: (data or None, findings).

    `cache` maps `cache_key(rel, raw)` to the file-only findings already computed for
    those bytes at that path (schema checks are most of the time); new results are added."""
    try:
        data = storage.loads_bytes(raw, rel)
    except storage.ParseError as exc:
        return None, [Problem(rel, exc.line, exc.col, exc.message)]
    text = raw.decode("utf-8")
    key = cache_key(rel, raw) if cache is not None else ""
    known = cache.get(key) if cache is not None else None
    if known is None:
        found = content_problems(data, rel, text)
        known = tuple((p.line, p.col, p.message, p.severity) for p in found)
        if cache is not None:
            cache[key] = known
    probs = [Problem(rel, ln, col, msg, sev) for ln, col, msg, sev in known]
    return data, probs + team_problems(data, rel, text, team)


def cache_key(rel: str, raw: bytes) -> str:
    """The file's path and git blob id: the findings name the file, so both key them."""
    return f"{rel}\0{storage.blob_id(raw)}"


CACHE_NAME = "ipstui-employer-cache.marshal"
CACHE_FORMAT = 2


def _cache_tag() -> str:
    """Changes with the schema, this format and the language (the cached problems are
    text a person reads), so an old cache is never trusted."""
    h = hashlib.sha1(EMPLOYER_SCHEMA.read_bytes())
    h.update(f"{CACHE_FORMAT}\0{current_language()}".encode())
    return h.hexdigest()


def _read_cache(path: Path | None) -> dict[str, tuple]:
    if path is None:
        return {}
    try:
        obj = marshal.loads(path.read_bytes())
        if isinstance(obj, dict) and obj.get("tag") == _cache_tag():
            entries = obj.get("entries")
            return dict(entries) if isinstance(entries, dict) else {}
    except Exception:  # noqa: BLE001 — a missing or broken cache is rebuilt, never fatal
        pass
    return {}


def load(
    root: Path,
    team: Iterable[str] | None,
    *,
    use_cache: bool = True,
    git_dir: Path | None = None,
) -> Register:
    """Read every `employers/*.toml`; broken files become problems, never exceptions.

    File-only findings are cached by git blob id in the git directory (as participants'
    are), so an unchanged register is parsed but not validated again; a pull or a hand
    edit changes the blob id and can never be served stale. `git_dir`, when the caller
    knows it, saves asking git."""
    team = tuple(team) if team is not None else None
    cache_path: Path | None = None
    if use_cache:
        if git_dir is None:
            info = gitio.repo_info(root)
            git_dir = info.git_dir if info is not None else None
        cache_path = git_dir / CACHE_NAME if git_dir is not None else None
    cache = _read_cache(cache_path)
    size = len(cache)
    used: dict[str, tuple] = {}
    edir = root / EMPLOYERS_DIR
    # Every entry named like an employer file, whatever its type: a folder, a link, a
    # pipe is a problem (storage.read_bytes says which), never silently left out.
    linked = storage.linked_folder(root, EMPLOYERS_DIR)
    names = (
        sorted(e.name for e in os.scandir(edir) if e.name.endswith(".toml"))
        if edir.is_dir() and linked is None
        else []
    )
    employers: dict[str, Employer] = {}
    problems: list[Problem] = [] if linked is None else [Problem(EMPLOYERS_DIR, 1, 1, linked)]
    twins = {p.path: p for p in case_twin_problems(f"{EMPLOYERS_DIR}/{n}" for n in names)}
    for name in names:
        rel = f"{EMPLOYERS_DIR}/{name}"
        try:
            raw = storage.read_bytes(root / rel, rel)
        except storage.StorageError as exc:
            problems.append(Problem(rel, 1, 1, str(exc).removeprefix(f"{rel}: ")))
            continue
        data, probs = parse(raw, rel, team, cache)
        key = cache_key(rel, raw)
        if key in cache:
            used[key] = cache[key]
        blob = key.rpartition("\0")[2]
        stem = name[:-5]
        if rel in twins:  # both files: neither is loaded or rewritten while both exist
            probs.append(twins[rel])
        problems.extend(probs)
        if data is None or errors_only(probs) or not is_valid_id(stem):
            continue
        employers[stem] = Employer(stem, data, rel, blob)
    if cache_path is not None and (len(cache) != size or len(used) != size):
        try:
            storage.atomic_write(cache_path, marshal.dumps({"tag": _cache_tag(), "entries": used}))
        except (OSError, ValueError):
            pass  # a read-only git dir only loses the speed-up
    return Register(
        root,
        employers,
        tuple(problems),
        team or (),
        frozenset(n[:-5] for n in names),
    )


# ---------------------------------------------------------------- references


def reference_problems(register: Register, root: Path, rels: Iterable[str]) -> list[Problem]:
    """Warnings for participant files (`rels`, relative to `root`) whose jobs or employer
    contacts name an `employer_id` that is not in the register: usually a typo, or an
    employer file a sync has not brought yet. Files without the key are not parsed."""

    def read() -> Iterator[tuple[str, bytes]]:
        for rel in rels:
            try:
                yield rel, (root / rel).read_bytes()
            except OSError:
                continue

    return reference_problems_in(register.known_ids, read())


def reference_problems_in(
    known_ids: Iterable[str], files: Iterable[tuple[str, bytes]]
) -> list[Problem]:
    """`reference_problems` of participant files given as (path, raw bytes) pairs, against
    the employer ids `known_ids` (case-insensitive, as ids are on a case-insensitive disk):
    `validate --staged` checks the index's copies with it, not the work tree's."""
    from ipstui.core.locate import Locator

    known = {k.casefold() for k in known_ids}
    out: list[Problem] = []
    for rel, raw in files:
        if b"employer_id" not in raw:
            continue
        try:
            data = storage.loads_bytes(raw, rel)
        except storage.ParseError:
            continue  # reported as a problem of its own
        loc: Locator | None = None
        for key in ("jobs", "contacts"):
            entries = data.get(key)
            for i, entry in enumerate(entries if isinstance(entries, list) else ()):
                eid = entry.get("employer_id") if isinstance(entry, Mapping) else None
                if isinstance(eid, str) and eid.casefold() not in known:
                    loc = loc or Locator(raw.decode("utf-8", "replace"))
                    line, col = loc.find([key, i, "employer_id"])
                    out.append(
                        Problem(
                            rel,
                            line,
                            col,
                            f"{key}[{i}].employer_id: no employer {eid!r} in {EMPLOYERS_DIR}/",
                            "warning",
                        )
                    )
    return out


# ---------------------------------------------------------------- jobs held there


@dataclass(frozen=True, slots=True)
class JobAt:
    """A participant's job at an employer (derived from the participant files)."""

    participant: str
    index: int
    title: str
    start: date
    end: date | None

    @property
    def current(self) -> bool:
        return self.end is None


def jobs_by_employer(
    register: Register, participants: Iterable[Mapping[str, Any]]
) -> dict[str, list[JobAt]]:
    """Employer id -> the jobs held there, from participant records (dicts as tomllib
    returns them): `jobs_from_refs` of each one's `refs.refs_row`."""
    from ipstui.core.refs import refs_row

    return jobs_from_refs(register, ((str(p.get("id", "")), refs_row(p)) for p in participants))


def jobs_from_refs(register: Register, rows: Iterable[tuple[str, Any]]) -> dict[str, list[JobAt]]:
    """Employer id -> the jobs held there, from (participant id, `refs.Refs`) pairs: by a
    job's `employer_id`, else by its employer name matched to the register's names
    (trimmed, case-folded). Only jobs with a start date; oldest start first."""
    by_name = {name_key(e.name): e.id for e in register.employers.values() if e.name}
    out: dict[str, list[JobAt]] = {}
    fromordinal = date.fromordinal
    for pid, (jobs, _named, _latest) in rows:
        for i, eid, name, title, start, end in jobs:
            if eid is None:
                eid = by_name.get(name_key(name)) if name is not None else None
            if eid is None:
                continue
            out.setdefault(eid, []).append(
                JobAt(pid, i, title, fromordinal(start), None if end is None else fromordinal(end))
            )
    for held in out.values():
        held.sort(key=lambda j: (j.start, j.participant))
    return out


# ---------------------------------------------------------------- commit messages


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "(none)" if v is None else str(v)


def _body_line(c: FieldChange) -> str:
    if c.top == "contacts" and len(c.path) == 2 and c.old is None and isinstance(c.new, Mapping):
        return f"{c.field}: added ({c.new.get('purpose', 'other')}, {c.new.get('on', '?')})"
    if c.top == "contacts" and len(c.path) == 3 and c.path[-1] in SAFE_CONTACT_KEYS:
        return f"{c.field}: {_show(c.old)} -> {_show(c.new)}"
    if c.old is None:
        return f"{c.field}: added"
    if c.new is None:
        return f"{c.field}: removed"
    return f"{c.field}: changed"


def commit_message(eid: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> str:
    """`E-0003: <what>`, a body of changed fields without free text, and the trailers
    `Employer: E-0003` and `Changed: <fields>` (SPEC §5, §11)."""
    changes = diff(old, new)
    canon = TOP_KEYS + TABLE_KEYS + LIST_KEYS
    changed = sorted(
        dict.fromkeys(c.top for c in changes),
        key=lambda k: canon.index(k) if k in canon else len(canon),
    )
    if old is None:
        subject = f"{eid}: new employer"
        body: list[str] = []
    else:
        parts: list[str] = []
        added = [c for c in changes if c.top == "contacts" and len(c.path) == 2 and c.old is None]
        if len(added) == 1:
            parts.append(f"add contact ({added[0].new.get('purpose', 'other')})")
        elif added:
            parts.append(f"add {len(added)} contacts")
        if any(c.top == "contacts" and len(c.path) == 3 for c in changes):
            parts.append("edit contact")
        if "conflicts" in changed:
            parts.append("resolve conflicts")
        rest = [t for t in changed if t not in ("contacts", "conflicts")]
        if rest:
            parts.append("set " + ", ".join(rest))
        subject = f"{eid}: " + ("; ".join(parts) or "rewrite file")
        body = [_body_line(c) for c in changes]
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip(" ,;") + "…"
    lines = [subject, ""]
    if body:
        lines += body + [""]
    lines += [f"Employer: {eid}", f"Changed: {', '.join(changed) if old is not None else 'new'}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- saving


@dataclass(frozen=True, slots=True)
class SaveResult:
    """A verified save: `commit` is HEAD and holds exactly the employer written."""

    commit: str
    employer: Employer
    message: str
    """The commit's message as HEAD holds it."""
    warnings: tuple[str, ...] = ()
    """One line each: what git hooks did to the commit besides ipstui's change."""
    problems: tuple[Problem, ...] = ()
    """The saved file's problems (warnings only), by the rule the register's load uses
    (`parse`): `Register.with_employer` takes them in place of the file's old ones."""

    @property
    def subject(self) -> str:
        return self.message.splitlines()[0]


def _read_record(cl: Caseload, rel: str, raw: bytes) -> tuple[Employer | None, list[Problem]]:
    data, probs = parse(raw, rel, cl.settings.team_keys)
    if data is None or errors_only(probs):
        return None, probs
    return Employer(Path(rel).stem, data, rel, storage.blob_id(raw)), probs


def _validate(cl: Caseload, rel: str, data: Mapping[str, Any]) -> list[Problem]:
    return errors_only(check(data, rel, dumps(data), cl.settings.team_keys))


EMPLOYER_MESSAGES = RecordMessages(
    bad_id=N_("not a valid employer id: {pid}"),
    missing=N_("no employer with id {pid}"),
    exists=N_("employer {pid} already exists ({rel}); choose another id"),
    case_twin=N_(
        "employer {twin} already exists and ids must differ in more than case ({pid} and {twin} are one file on macOS and Windows); nothing was written"
    ),
    id_fixed=N_("an employer's id cannot be changed"),
    folder_not_file=N_("{rel} is a folder, not an employer file; nothing was written"),
    parent_not_folder=N_("{parent} is not a folder, so {rel} cannot be an employer file"),
)
"""The employer's refusals in the save transaction (`RecordKind.says`)."""

EMPLOYER = RecordKind(
    says=EMPLOYER_MESSAGES,
    folder=EMPLOYERS_DIR,
    read=_read_record,
    validate=_validate,
    dumps=dumps,
    message=commit_message,
    record=Employer,
    result=SaveResult,
    next_id=lambda cl, on_disk: Register(cl.root, known_ids=on_disk).next_id(),
)
"""Employer files for the save transaction (`caseload.transact`): the same lock, checks,
refusals and verified commit as a participant's."""


def save(cl: Caseload, old: Employer | None, new_data: Mapping[str, Any]) -> SaveResult:
    """Validate, write atomically and commit exactly this one file (SPEC §5, §11) through
    the caseload's save transaction.

    `old` is the employer as the caller loaded it (None for a new one): the save is
    refused (StaleEdit) when the file changed since, and (UncommittedFile) when it holds
    changes git has not committed. Raises what `caseload.transact` raises."""
    eid = new_data.get("id")
    if not is_valid_id(eid):
        raise CaseloadError(_("not a valid employer id: {eid}").format(eid=repr(eid)))
    assert isinstance(eid, str)
    if old is not None and old.id != eid:
        raise CaseloadError(_("an employer's id cannot be changed"))
    return transact(
        cl, eid, lambda _id, _cur: new_data, create=old is None, base=old, kind=EMPLOYER
    )


def _git_dir(cl: Caseload) -> Path | None:
    return cl.repo.git_dir if cl.repo is not None else None


def _one_line(text: str, what: str) -> str:
    text = text.strip()
    if "\n" in text or "\r" in text:
        raise CaseloadError(_("{what} must be one line").format(what=what))
    return text


class _AlreadyThere(CaseloadError):
    """`new_employer(..., reuse=True)` found the name in the register under the lock."""

    def __init__(self, employer: Employer) -> None:
        super().__init__(employer.id)
        self.employer = employer


def new_employer(
    cl: Caseload,
    *,
    name: str,
    sector: str = "",
    contact_person: str = "",
    eid: str | None = None,
) -> SaveResult:
    """Add an employer to the register (one commit); `eid` None takes the next free id
    under the save lock. Refused when the name is empty or already in the register
    (trimmed, case-folded), or the id is taken (also ignoring case) or unsafe."""
    added = _add_employer(
        cl, name=name, sector=sector, contact_person=contact_person, eid=eid, reuse=False
    )
    assert not isinstance(added, Employer)  # only with reuse
    return added


def _add_employer(
    cl: Caseload, *, name: str, sector: str, contact_person: str, eid: str | None, reuse: bool
) -> SaveResult | Employer:
    """`new_employer`; with `reuse`, a name already in the register returns that
    `Employer` instead of a refusal (nothing committed). The register is read once,
    under the save lock."""
    name = _one_line(name, "the name")
    if not name:
        raise CaseloadError(_("an employer needs a name"))
    if eid is not None and not is_valid_id(eid):
        raise CaseloadError(
            device_name_refusal(eid)
            or _("not a valid employer id: {eid} (letters, digits, _ and -, up to 64)").format(
                eid=repr(eid)
            )
        )
    data: dict[str, Any] = {"schema": SCHEMA_VERSION, "id": eid, "name": name}
    if sector.strip():
        data["sector"] = _one_line(sector, "the sector")
    if contact_person.strip():
        data["contact_person"] = _one_line(contact_person, "the contact person")
    data["notes"] = ""

    def build(new_id: str, _cur: Employer | None) -> dict[str, Any]:
        # Under the save lock, so two additions of one employer at once cannot both land.
        same = load(cl.root, cl.settings.team, git_dir=_git_dir(cl)).by_name(name)
        if same is not None:
            if reuse:
                raise _AlreadyThere(same)
            raise CaseloadError(
                _("that employer is already in the register as {id}").format(id=same.id)
            )
        return {**data, "id": new_id}

    try:
        return transact(cl, eid, build, create=True, kind=EMPLOYER)
    except _AlreadyThere as found:
        return found.employer


def add_contact(
    cl: Caseload,
    eid: str,
    *,
    by: str,
    on: date,
    purpose: str = "job_development",
    face_to_face: bool = True,
    note: str = "",
    seen: Employer | None = None,
) -> SaveResult:
    """Append a contact to employer `eid`'s log (one commit), to the file as it is under
    the save lock; with `seen` (the employer as the user saw it) refused (StaleEdit) when
    the file changed since. CaseloadError for an unknown employer, specialist or purpose."""
    refuse_unknown_settings(cl.settings)  # the real cause, not "unknown specialist"
    if by not in cl.settings.team:
        known = ", ".join(cl.settings.team) or "none configured in caseload.toml"
        raise CaseloadError(
            _("unknown specialist {by}; team: {known}").format(by=repr(by), known=known)
        )
    if purpose not in PURPOSES:
        raise CaseloadError(
            _("unknown purpose {purpose}; use one of: {values}").format(
                purpose=repr(purpose), values=", ".join(PURPOSES)
            )
        )
    contact: dict[str, Any] = {"on": on, "by": by, "face_to_face": face_to_face, "purpose": purpose}
    if note.strip():
        contact["note"] = note.strip()

    def build(_id: str, cur: Employer) -> dict[str, Any]:
        data = copy.deepcopy(dict(cur.data))
        contacts = data.get("contacts")
        if not isinstance(contacts, list):
            contacts = data["contacts"] = []
        contacts.append(dict(contact))
        return data

    return transact(cl, eid, build, base=seen, kind=EMPLOYER)


SETTABLE: tuple[str, ...] = ("name", "sector", "contact_person", "notes")
"""Fields `set_fields` changes; an empty value removes an optional one."""


def set_fields(
    cl: Caseload, eid: str, values: Mapping[str, str], *, seen: Employer | None = None
) -> SaveResult:
    """Set `name`, `sector`, `contact_person` or `notes` (one commit). Setting a field
    settles a `[conflicts]` record a sync left for it, as for participants (SPEC §6).
    With `seen`, refused (StaleEdit) when the file changed since the user saw it.
    CaseloadError for another field, an empty name, or a name another employer has."""
    clean: dict[str, str] = {}
    for field_name, value in values.items():
        if field_name not in SETTABLE:
            raise CaseloadError(
                _("cannot set {field_name}; settable fields: {values}").format(
                    field_name=repr(field_name), values=", ".join(SETTABLE)
                )
            )
        value = value.strip() if field_name == "notes" else _one_line(value, field_name)
        if field_name == "name" and not value:
            raise CaseloadError(_("an employer needs a name"))
        clean[field_name] = value

    def build(_id: str, cur: Employer) -> dict[str, Any]:
        if "name" in clean:
            same = load(cl.root, cl.settings.team, git_dir=_git_dir(cl)).by_name(clean["name"])
            if same is not None and same.id != eid:
                raise CaseloadError(
                    _("that name is already in the register as {id}").format(id=same.id)
                )
        data = copy.deepcopy(dict(cur.data))
        for field_name, value in clean.items():
            if value or field_name == "notes":
                data[field_name] = value
            else:
                data.pop(field_name, None)
            conflicts = data.get("conflicts")
            if isinstance(conflicts, dict):
                conflicts.pop(field_name, None)
                if not conflicts:
                    data.pop("conflicts")
        return data

    return transact(cl, eid, build, base=seen, kind=EMPLOYER)


def add_job_at_new_employer(cl: Caseload, pid: str, *, employer: str, **job: Any) -> Any:
    """Add `employer` to the register (one commit), then the job there with its new
    `employer_id` (a second commit): the job form's "add it to the register". Returns the
    job's SaveResult; the register commit stays when the job is refused, so a retry of
    the same form finds the employer there (same name, trimmed and case-folded) and uses
    it instead of being refused as a duplicate or adding a second one."""
    from ipstui.core import edits

    added = _add_employer(
        cl, name=employer, sector="", contact_person="", eid=None, reuse=True
    )  # the register is read once, under the lock
    eid = added.id if isinstance(added, Employer) else added.employer.id
    return edits.add_job(cl, pid, employer=employer, employer_id=eid, **job)
