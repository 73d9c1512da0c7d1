"""The sample's past as the commits a team would have made (SPEC §12, "Demo with a history").

The sample files hold the outcome of months of work; this module derives the steps
that led to it and replays them as one commit each, on each step's own date, by the
specialist who did it:

- the referral creates the record as `edits.new_participant` does (intake, notes "");
- each contact is appended on its date by its `by` (the milestones it completes —
  first contact, first employer contact, benefits counselling — are set in the same
  commit, as `edits.add_contact` does);
- enrolment and the career profile (with goals and strengths) are set on their dates;
  disclosure and support mode when the plan is made;
- phase moves follow the record's milestones (first contact → engagement, enrolment →
  assessment, career profile → plan, first employer contact → job search, a job start
  → follow-up, a job end → job search) and end with the move to the file's own phase on
  its `phase_since` (with the closure, for a closed participant);
- each job is added on its start and ended on its end; each task is added two weeks
  before it is due (never before the referral, never after the sample's date) and
  completed on its `done_on`; a suspension starts on its `since`;
- whatever the steps above did not produce (a key the sample gained that this module
  does not know) is set in one last commit, so the replay always ends exactly at the
  sample's files.

Employer files (`employers/`) are created on the date of their earliest contact or job
and get each contact on its date.

Every version is written by `storage.dumps` and every message built by
`changes.commit_message`, the functions `caseload.save` uses, so the commits are the
ones the app would make (`tests/test_demo_history.py` replays part of the sample
through `caseload.save` and compares). The commits are written with one `git
fast-import` instead of one `git commit` each: about 2,000 commits in well under a
second instead of a minute.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import commit_message
from ipstui.core.model import LIST_KEYS, TABLE_KEYS, TOP_KEYS

TASK_LEAD_DAYS = 14
"""A task is added this many days before it is due."""

DAY_START = time(9, 0)
STEP_MINUTES = 7
"""Commits of one day are this many minutes apart, from DAY_START."""

# Order of the steps of one day (a job is added before the move to follow-up).
R_CREATE, R_CONTACT, R_SET, R_JOB, R_MOVE, R_TASK, R_SUSPEND, R_FIXUP = range(8)


@dataclass(frozen=True, slots=True)
class Step:
    """One commit of the replay: `record` ("participants/P-0001.toml") becomes `data`."""

    on: date
    rank: int
    seq: int
    record: str
    author: str
    """Team key of who made the change."""
    data: dict[str, Any]


class _Builder:
    """Applies one record's steps in order and remembers each version."""

    def __init__(self, record: str, target: Mapping[str, Any], seq0: int) -> None:
        self.record = record
        self.target = target
        self.state: dict[str, Any] = {}
        self.pending: list[tuple[date, int, str, dict[str, Any]]] = []
        self.seq0 = seq0

    def plan(self, on: date, rank: int, author: str, change: dict[str, Any]) -> None:
        """`change` maps keys to new values (None removes); applied when replayed."""
        self.pending.append((on, rank, author, change))

    def steps(self, as_of: date, floor: date) -> list[Step]:
        """The planned changes in date order (never before `floor`, never after `as_of`)
        as versions of the record; a change that changes nothing makes no step. A last
        step sets whatever still differs from the target."""
        out: list[Step] = []
        order = {k: i for i, k in enumerate(self.target)}
        plan = sorted(
            enumerate(self.pending),
            key=lambda x: (max(min(x[1][0], as_of), floor), x[1][1], x[0]),
        )
        last = floor
        for i, (on, rank, author, change) in plan:
            on = max(min(on, as_of), floor, last)
            last = on
            # Versions share their unchanged values (nothing mutates them): no deep copies.
            before = dict(self.state)
            for k, v in change.items():
                if v is None:
                    self.state.pop(k, None)
                else:
                    self.state[k] = _resolve(self.state, k, v)
            if self.state != before:
                out.append(Step(on, rank, self.seq0 + i, self.record, author, self._ordered(order)))
        if self.state != dict(self.target):
            self.state = dict(self.target)
            author = str(self.target.get("specialist", "")) or (out[-1].author if out else "")
            out.append(
                Step(
                    last, R_FIXUP, self.seq0 + len(plan), self.record, author, self._ordered(order)
                )
            )
        return out

    def _ordered(self, order: Mapping[str, int]) -> dict[str, Any]:
        keys = sorted(self.state, key=lambda k: order.get(k, len(order)))
        return {k: self.state[k] for k in keys}


def _d(v: Any) -> date | None:
    return v if type(v) is date else None


def participant_steps(target: Mapping[str, Any], as_of: date, seq0: int = 0) -> list[Step]:
    """The commits that build participant `target` (a parsed file) step by step."""
    pid = str(target["id"])
    spec = str(target.get("specialist", ""))
    b = _Builder(f"participants/{pid}.toml", target, seq0)
    contacts = [c for c in target.get("contacts", []) if isinstance(c, Mapping)]
    jobs = [j for j in target.get("jobs", []) if isinstance(j, Mapping)]
    tasks = [t for t in target.get("tasks", []) if isinstance(t, Mapping)]
    dated = [_d(c.get("on")) for c in contacts] + [_d(j.get("start")) for j in jobs]
    referred = (
        _d(target.get("referred_on"))
        or min((x for x in dated if x), default=None)
        or _d(target.get("phase_since"))
        or as_of
    )
    final_phase = str(target.get("phase", "intake"))
    since = _d(target.get("phase_since")) or referred

    created = {
        "schema": target.get("schema", 1),
        "id": pid,
        "name": target.get("name"),
        "specialist": spec,
        "phase": "intake",
        "phase_since": since if final_phase == "intake" else referred,
        "referral_source": target.get("referral_source"),
        "referred_on": target.get("referred_on"),
        "notes": "",
    }
    # Keys the file holds empty (`jobs = []`) were there from the start: no step fills them.
    created.update({k: v for k, v in target.items() if v == [] and k not in created})
    b.plan(referred, R_CREATE, spec, {k: v for k, v in created.items() if v is not None})

    # Milestones a contact completes are set with it (as edits.add_contact does).
    milestones = {
        "first_contact_on": lambda c: True,
        "first_employer_contact_on": lambda c: c.get("kind") == "employer",
        "benefits_counseling_on": lambda c: c.get("kind") == "benefits",
    }
    placed: set[str] = set()
    for c in contacts:
        on = _d(c.get("on")) or referred
        change: dict[str, Any] = {}
        for key, fits in milestones.items():
            if key not in placed and target.get(key) == on and fits(c):
                change[key] = on
                placed.add(key)
        b.plan(on, R_CONTACT, str(c.get("by") or spec), {"contacts": _Append(c), **change})
    for key in milestones:
        if key not in placed and _d(target.get(key)):
            b.plan(target[key], R_SET, spec, {key: target[key]})

    enrolled = _d(target.get("enrolled_on"))
    if enrolled:
        b.plan(enrolled, R_SET, spec, {"enrolled_on": enrolled})
    profile = _d(target.get("career_profile_updated_on"))
    profile_day = profile or enrolled or _d(target.get("first_contact_on")) or referred
    b.plan(
        profile_day,
        R_SET,
        spec,
        {
            k: target[k]
            for k in ("career_profile_updated_on", "goals", "strengths")
            if k in target and target[k] != []
        },
    )
    plan_day = profile or enrolled or referred
    b.plan(
        plan_day,
        R_SET,
        spec,
        {k: target[k] for k in ("disclosure", "support_mode") if k in target},
    )
    extras = {k: v for k, v in target.items() if k.startswith("x_")}
    if target.get("notes") or extras:
        b.plan(
            _d(target.get("first_contact_on")) or referred,
            R_SET,
            spec,
            {**({"notes": target["notes"]} if target.get("notes") else {}), **extras},
        )

    # Jobs: added on their start, ended on their end.
    for i, j in enumerate(jobs):
        start = _d(j.get("start")) or referred
        head = {k: v for k, v in j.items() if k not in ("end", "end_reason")}
        b.plan(start, R_JOB, spec, {"jobs": _SetItem(i, head)})
        if _d(j.get("end")):
            b.plan(j["end"], R_JOB, spec, {"jobs": _SetItem(i, dict(j))})

    # Tasks: added before they are due, completed on their done_on.
    for i, t in enumerate(tasks):
        due = _d(t.get("due")) or as_of
        done = _d(t.get("done_on"))
        added = max(referred, min(due, done or due, as_of) - timedelta(days=TASK_LEAD_DAYS))
        head = {k: v for k, v in t.items() if k != "done_on"}
        b.plan(added, R_TASK, spec, {"tasks": _SetItem(i, head)})
        if done:
            b.plan(done, R_TASK, spec, {"tasks": _SetItem(i, dict(t))})

    # Phase moves, from the milestones up to the file's own phase.
    if final_phase != "intake":
        moves: list[tuple[date, str]] = []
        for key, phase in (
            ("first_contact_on", "engagement"),
            ("enrolled_on", "assessment"),
            ("career_profile_updated_on", "plan"),
            ("first_employer_contact_on", "job_search"),
        ):
            if _d(target.get(key)):
                moves.append((target[key], phase))
        for j in jobs:
            if _d(j.get("start")):
                moves.append((j["start"], "follow_up"))
            if _d(j.get("end")):
                moves.append((j["end"], "job_search"))
        moves = sorted(m for m in moves if m[0] < since)
        path: list[tuple[date, str]] = []
        current = "intake"
        for on, phase in moves:
            if phase != current:
                path.append((on, phase))
                current = phase
        while path and path[-1][1] == final_phase:
            path.pop()
        for on, phase in path:
            b.plan(on, R_MOVE, spec, {"phase": phase, "phase_since": on})
        last = {"phase": final_phase, "phase_since": since}
        if "closure" in target:
            last["closure"] = target["closure"]
        b.plan(since, R_MOVE, spec, last)
    if isinstance(target.get("suspension"), Mapping):
        sus = target["suspension"]
        b.plan(_d(sus.get("since")) or as_of, R_SUSPEND, spec, {"suspension": dict(sus)})
    if "conflicts" in target:
        b.plan(as_of, R_FIXUP, spec, {"conflicts": target["conflicts"]})
    return b.steps(as_of, referred)


def employer_steps(
    target: Mapping[str, Any], as_of: date, first_use: date | None, seq0: int = 0, author: str = ""
) -> list[Step]:
    """The commits that build employer `target`: created on its earliest contact or the
    earliest job naming it (`first_use`), then each general contact on its date."""
    eid = str(target["id"])
    b = _Builder(f"employers/{eid}.toml", target, seq0)
    contacts = [c for c in target.get("contacts", []) if isinstance(c, Mapping)]
    dates = [x for x in [first_use, *(_d(c.get("on")) for c in contacts)] if x]
    created_on = min(dates, default=as_of)
    first_by = next((str(c["by"]) for c in contacts if c.get("by")), author)
    b.plan(created_on, R_CREATE, first_by, {k: v for k, v in target.items() if k != "contacts"})
    for c in contacts:
        b.plan(_d(c.get("on")) or created_on, R_CONTACT, str(c.get("by") or first_by),
               {"contacts": _Append(c)})  # fmt: skip
    return b.steps(as_of, created_on)


class TextCache:
    """`storage.dumps` of successive versions of records, each list entry's `[[...]]`
    block written once: the text of a version is its head (everything but the arrays of
    tables) followed by the blocks of its entries, exactly as `storage.dumps` joins them."""

    def __init__(self, dumps: Any = None) -> None:
        """`dumps`: the writer to speed up (default `storage.dumps`; `employers.dumps`
        joins an employer file the same way)."""
        self._dumps = dumps or storage.dumps
        self.blocks: dict[int, tuple[Any, str]] = {}
        self.heads: dict[str, str] = {}
        self.orders: dict[tuple[str, ...], list[str]] = {}

    def dumps(self, data: Mapping[str, Any]) -> str:
        """Equal to the writer's own text (a test holds it to that on every sample step)."""
        aots = [k for k, v in data.items() if _is_aot(v)]
        head = {k: v for k, v in data.items() if k not in aots}
        if not aots or not head:
            return self._dumps(data)
        # repr tells apart every value a record holds (1, 1.0, True, "1", a date).
        key = repr(list(head.items()))
        text = self.heads.get(key)
        if text is None:
            text = self.heads[key] = self._dumps(head)
        parts = [text]
        keys = tuple(data)
        order = self.orders.get(keys)
        if order is None:
            canonical = TOP_KEYS + TABLE_KEYS + LIST_KEYS
            order = self.orders[keys] = [x for x in storage._ordered(data, canonical) if x in aots]
        for k in order:
            for item in data[k]:
                hit = self.blocks.get(id(item))
                if hit is None or hit[0] is not item:
                    hit = (item, self._dumps({k: [item]}))
                    self.blocks[id(item)] = hit
                parts.append(hit[1])
        return "".join(parts)


def _is_aot(v: Any) -> bool:
    # Plain dicts (what tomllib gives): an isinstance check against Mapping costs more
    # than the rest of the test, and this runs for every list of every version.
    return type(v) is list and bool(v) and all(type(x) is dict for x in v)


class _Append(dict):
    """A planned change that appends one list entry (the builder resolves it)."""

    def __init__(self, item: Mapping[str, Any]) -> None:
        super().__init__(item=dict(item))


class _SetItem(dict):
    """A planned change that sets the list entry at an index (appending if new)."""

    def __init__(self, index: int, item: Mapping[str, Any]) -> None:
        super().__init__(index=index, item=dict(item))


def _resolve(state: Mapping[str, Any], key: str, v: Any) -> Any:
    if isinstance(v, _Append):
        return [*state.get(key, []), v["item"]]
    if isinstance(v, _SetItem):
        items = list(state.get(key, []))
        if v["index"] < len(items):
            items[v["index"]] = v["item"]
        else:
            items.append(v["item"])
        return items
    return v


# ----------------------------------------------------------------------------- writing


def sample_steps(
    participants: Iterable[Mapping[str, Any]],
    employers: Iterable[Mapping[str, Any]],
    as_of: date,
) -> list[Step]:
    """Every record's steps, in the order they are committed (date, then kind of step)."""
    participants = list(participants)
    uses: dict[str, date] = {}
    for p in participants:
        refs = [(j.get("employer_id"), j.get("start")) for j in p.get("jobs", [])]
        refs += [(c.get("employer_id"), c.get("on")) for c in p.get("contacts", [])]
        for eid, on in refs:
            if isinstance(eid, str) and _d(on):
                uses[eid] = min(uses.get(eid, on), on)
    steps: list[Step] = []
    for p in participants:
        steps += participant_steps(p, as_of, seq0=len(steps) * 100)
    for e in employers:
        steps += employer_steps(e, as_of, uses.get(str(e.get("id"))), seq0=len(steps) * 100)
    steps.sort(key=lambda s: (s.on, s.rank, s.seq))
    return steps


def _zone() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Rome")  # the sample team works in Bologna
    except Exception:  # noqa: BLE001 — no tz database: UTC is as good for a demo
        return UTC


def stamps(steps: list[Step]) -> list[datetime]:
    """A time of day for each step: DAY_START, then STEP_MINUTES apart within a day (closer
    together on a day so busy that the steps would run past 18:00), in the team's zone."""
    tz = _zone()
    per_day: dict[date, int] = {}
    for s in steps:
        per_day[s.on] = per_day.get(s.on, 0) + 1
    out: list[datetime] = []
    n = 0
    prev: date | None = None
    for s in steps:
        n = n + 1 if s.on == prev else 0
        prev = s.on
        gap = min(STEP_MINUTES * 60, (9 * 3600) // per_day[s.on])
        out.append(datetime.combine(s.on, DAY_START, tz) + timedelta(seconds=gap * n))
    return out


def message_for(step: Step, old: Mapping[str, Any] | None) -> str:
    """The commit message a save would write for this step (`changes.commit_message`
    for a participant, `employers.commit_message` for an employer)."""
    rid = step.record.rsplit("/", 1)[1][: -len(".toml")]
    if step.record.startswith("employers/"):
        from ipstui.core import employers

        return employers.commit_message(rid, old, step.data)
    message, _ = commit_message(rid, old, step.data)
    return message


def text_for(step: Step, texts: TextCache, employer_texts: TextCache) -> str:
    """The file as the app writes it: `storage.dumps` for a participant (through
    `texts`), `employers.dumps` for an employer (through `employer_texts`)."""
    if step.record.startswith("employers/"):
        return employer_texts.dumps(step.data)
    return texts.dumps(step.data)


def _ident(team: Mapping[str, Any], key: str, fallback: tuple[str, str]) -> tuple[str, str]:
    member = team.get(key)
    if isinstance(member, Mapping) and member.get("name"):
        return str(member["name"]), str(member.get("email") or f"{key}@example.org")
    return fallback


def fast_import_stream(
    steps: list[Step],
    team: Mapping[str, Any],
    ref: str,
    *,
    fallback: tuple[str, str],
    setup: Mapping[str, bytes] = {},
) -> Iterator[bytes]:
    """The `git fast-import` input: a first commit holding the `setup` files (a day before
    the first step, by the first team member), then one commit per step."""
    when = stamps(steps)
    versions: dict[str, dict[str, Any] | None] = {}
    from ipstui.core import employers

    texts, employer_texts = TextCache(), TextCache(employers.dumps)
    mark = 0

    def commit(
        name: str, email: str, at: datetime, message: str, files: Mapping[str, bytes]
    ) -> bytes:
        nonlocal mark
        mark += 1
        stamp = f"{int(at.timestamp())} {at.strftime('%z')}"
        msg = message.encode("utf-8")
        out = [
            f"commit {ref}\nmark :{mark}\n".encode(),
            f"author {name} <{email}> {stamp}\ncommitter {name} <{email}> {stamp}\n".encode(),
            b"data %d\n" % len(msg),
            msg,
            b"\n",
        ]
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for path, raw in files.items():
            out += [f"M 100644 inline {path}\n".encode(), b"data %d\n" % len(raw), raw, b"\n"]
        return b"".join(out) + b"\n"

    lead = next(iter(team), "")
    first = (when[0] if when else datetime.now(UTC)) - timedelta(days=1)
    if setup:
        name, email = _ident(team, lead, fallback)
        yield commit(name, email, first, "caseload: team settings\n", setup)
    for step, at in zip(steps, when, strict=True):
        old = versions.get(step.record)
        name, email = _ident(team, step.author, fallback)
        text = text_for(step, texts, employer_texts).encode("utf-8")
        yield commit(name, email, at, message_for(step, old), {step.record: text})
        versions[step.record] = step.data


def write_history(
    root: Path, steps: list[Step], team: Mapping[str, Any], setup: Mapping[str, bytes],
    fallback: tuple[str, str],
) -> None:  # fmt: skip
    """Commit `steps` onto the current branch of the fresh repository `root` with one
    `git fast-import`, then point the index at the result. GitError on failure."""
    ref = gitio.git(root, "symbolic-ref", "HEAD").stdout.strip()
    proc = subprocess.Popen(
        ["git", "-C", str(root), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=gitio._env(),
    )
    assert proc.stdin is not None
    for chunk in fast_import_stream(steps, team, ref, fallback=fallback, setup=setup):
        proc.stdin.write(chunk)
    proc.stdin.write(b"done\n")
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise gitio.GitError(
            gitio._last_lines(err.decode("utf-8", "replace")) or "fast-import failed"
        )
    gitio.git(root, "reset", "-q")


def replay_sample(root: Path, sample: Path, delta: timedelta, today: date) -> int:
    """Commit the history of the sample in `sample` (dates moved by `delta`, so that its
    `as_of` is `today`) into the fresh repository `root`, and check out the result.
    Returns the number of commits. GitError when git fails."""
    from ipstui.core.demo import shift

    def read(folder: str) -> list[dict[str, Any]]:
        d = sample / folder
        files = sorted(d.glob("*.toml")) if d.is_dir() else []
        return [shift(storage.read_file(f, f"{folder}/{f.name}")[0], delta) for f in files]

    settings, _ = storage.read_file(sample / "caseload.toml", "caseload.toml")
    team = settings.get("team") if isinstance(settings.get("team"), Mapping) else {}
    steps = sample_steps(read("participants"), read("employers"), today)
    setup = {
        name: (root / name).read_bytes()
        for name in ("caseload.toml", ".gitattributes")
        if (root / name).is_file()
    }
    ident = gitio.identity(root)
    write_history(root, steps, team, setup, (ident.name, ident.email))
    gitio.git(root, "reset", "-q", "--hard")
    left = gitio.git(root, "status", "--porcelain").stdout
    if left.strip():
        raise gitio.GitError(f"the replayed history does not end at the sample files: {left[:200]}")
    return len(steps) + 1
