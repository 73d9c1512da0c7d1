#!/usr/bin/env python3
"""Generate a synthetic caseload that follows SPEC §2 and §5, with a git history.

    python bench/generate.py DIR --participants N --commits K [--history-of P-00001:500]

Writes `caseload.toml` (4 specialists), `.gitattributes` and N files
`participants/P-NNNNN.toml` (~1.6 KB each, written by ipstui's own canonical writer),
then builds K commits with `git fast-import`: the first adds every file, each of the
other K-1 changes one participant file the way the app would (append a contact, set a
date, move a phase, add or complete a task) with the SPEC §5 message ipstui itself
builds. `--history-of ID:M` puts M of the K commits (the first included) on one
participant, for the history figure. Everything is deterministic (seeded).

The repository ends clean (`git status` empty), packed by `git gc` like a repository
in daily use, with ipstui's merge driver registered in its local config.
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR.parent))

from bench.common import TEAM, TODAY, git, git_env  # noqa: E402
from ipstui.core.changes import commit_message  # noqa: E402
from ipstui.core.storage import dumps, dumps_plain  # noqa: E402

GENERATOR_VERSION = 1
"""Bump when the output changes, so cached caseloads under bench/out/ are rebuilt."""
SEED = 6
HISTORY_DAYS = 90
"""The K-1 edits are spread over the last HISTORY_DAYS days before TODAY."""

FIRST = (
    "Giulia Marco Sara Luca Anna Paolo Elena Davide Chiara Matteo Laura Andrea Silvia "
    "Simone Marta Stefano Federica Alessandro Valentina Roberto Ingrid Nils Astrid Jonas "
    "Freja Emil Ida Oskar Linnea Magnus Sofie Henrik Maja Viktor Noor Amir Leila Omar"
).split()
SOURCES = ("CSM", "SerDP", "Social services", "Self")
GOALS = (
    "warehouse work",
    "gardening",
    "retail",
    "office assistant",
    "kitchen helper",
    "bicycle repair",
    "childcare assistant",
    "library work",
    "delivery driver",
    "cleaning",
    "IT support",
    "cafe barista",
)
STRENGTHS = (
    "punctual",
    "likes physical work",
    "good with customers",
    "careful with details",
    "learns quickly",
    "calm under pressure",
    "speaks three languages",
    "has a driving licence",
    "friendly",
    "reliable",
)
NOTES = (
    "Met at the library cafe; talked about the kind of work that would suit.",
    "Phone call to confirm the next appointment; sounded motivated.",
    "Visited the warehouse together and met the shift supervisor.",
    "Reviewed the career profile and added two new preferences.",
    "Discussed how to talk about gaps in the CV at interviews.",
    "Sent two job adverts by message; will call back tomorrow.",
    "Team meeting: agreed to try a behind-the-scenes approach first.",
    "Benefits session: explained how earnings affect the allowance.",
    "Family meeting at home; mother supports the plan to work.",
    "Outreach after two missed appointments; left a voicemail.",
    "Employer visit: the manager is open to a trial shift next week.",
    "Checked in after the first week at work; going well so far.",
)
EMPLOYERS = (
    ("Coop Adriatica", "Shelf stocker"),
    ("Hera Servizi", "Cleaner"),
    ("Biblioteca Salaborsa", "Library assistant"),
    ("Bar Centrale", "Barista"),
    ("Verde Vivo", "Gardener"),
    ("Logistica Emilia", "Warehouse operative"),
    ("Ciclofficina", "Bicycle mechanic"),
)
TASKS = (
    "Call the employer about the new shift pattern",
    "Book a benefits counselling session",
    "Update the CV with the new course",
    "Prepare for the interview on Thursday",
    "Ask the care coordinator about the team meeting",
    "Send the application to the bakery",
)
PHASE_WEIGHTS = (
    ("intake", 8),
    ("engagement", 12),
    ("assessment", 12),
    ("plan", 10),
    ("job_search", 25),
    ("follow_up", 23),
    ("closed", 10),
)
CLOSURE_REASONS = ("request", "job_no_further_support", "criteria_not_met", "moved")
KINDS = ("meeting", "phone", "message", "outreach", "employer", "team", "family", "benefits")
KIND_WEIGHTS = (30, 25, 15, 5, 12, 5, 3, 5)


def pid_of(i: int) -> str:
    return f"P-{i:05d}"


def _d(rng: random.Random, lo: date, hi: date) -> date:
    if hi <= lo:
        return lo
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def _contact(rng: random.Random, on: date, by: str) -> dict[str, Any]:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    return {"on": on, "kind": kind, "by": by, "note": rng.choice(NOTES)}


def participant(i: int, rng: random.Random) -> dict[str, Any]:
    """One participant as of the start of the history (before any history edit)."""
    pid = pid_of(i)
    spec = list(TEAM)[i % len(TEAM)]
    phase = rng.choices([p for p, _ in PHASE_WEIGHTS], [w for _, w in PHASE_WEIGHTS])[0]
    # Each record is written as of a recent day; the history's edits come after it.
    end = TODAY - timedelta(days=rng.randint(1, 30))
    referred = _d(rng, TODAY - timedelta(days=700), end - timedelta(days=60))
    data: dict[str, Any] = {
        "schema": 1,
        "id": pid,
        "name": f"{rng.choice(FIRST)} {chr(65 + rng.randrange(26))}.",
        "specialist": spec,
        "phase": phase,
        "phase_since": referred,
        "referral_source": rng.choice(SOURCES),
        "referred_on": referred,
    }
    contacts: list[dict[str, Any]] = []
    if phase != "intake" or rng.random() < 0.5:
        first = referred + timedelta(days=rng.randint(1, 12))
        data["first_contact_on"] = first
        n = rng.randint(5, 10) if phase != "intake" else rng.randint(1, 3)
        days = sorted(_d(rng, first, end) for _ in range(n - 1))
        contacts = [_contact(rng, day, spec) for day in [first, *days]]
        contacts[0]["kind"] = "meeting"
    if phase not in ("intake", "engagement"):
        enrolled = data["first_contact_on"] + timedelta(days=rng.randint(3, 20))
        data["enrolled_on"] = enrolled
        if phase in ("job_search", "follow_up", "closed") or rng.random() < 0.3:
            data["first_employer_contact_on"] = enrolled + timedelta(days=rng.randint(5, 45))
        data["benefits_counseling_on"] = enrolled + timedelta(days=rng.randint(0, 30))
        data["career_profile_updated_on"] = enrolled + timedelta(days=rng.randint(5, 40))
        data["phase_since"] = min(end, enrolled + timedelta(days=rng.randint(10, 80)))
    elif contacts:
        data["phase_since"] = contacts[0]["on"]
    data["disclosure"] = rng.choice(("yes", "no", "undecided"))
    data["support_mode"] = rng.choice(("direct", "direct", "behind_the_scenes"))
    data["goals"] = rng.sample(GOALS, rng.randint(1, 3))
    data["strengths"] = rng.sample(STRENGTHS, rng.randint(1, 3))
    data["notes"] = "" if rng.random() < 0.7 else "Prefers morning appointments."
    if phase == "closed":
        on = _d(rng, data["phase_since"], end)
        data["phase_since"] = on
        data["closure"] = {"on": on, "reason": rng.choice(CLOSURE_REASONS)}
    elif rng.random() < 0.04:
        data["suspension"] = {
            "since": _d(rng, data["phase_since"], end),
            "reason": rng.choice(("request", "team_decision", "relapse", "other")),
        }
    if contacts:
        data["contacts"] = contacts
    jobs = []
    if phase in ("follow_up", "closed", "job_search") and "enrolled_on" in data:
        employer, title = rng.choice(EMPLOYERS)
        start = _d(rng, data["enrolled_on"] + timedelta(days=20), end)
        job: dict[str, Any] = {
            "employer": employer,
            "title": title,
            "start": start,
            "hours_per_week": rng.choice((10, 15, 20, 25, 30)),
            "hourly_wage": rng.choice((8.5, 9.0, 9.5, 10.25, 11.0)),
            "competitive": rng.random() < 0.9,
        }
        if phase != "follow_up":
            job["end"] = _d(rng, start + timedelta(days=14), end + timedelta(days=30))
            job["end_reason"] = "temporary contract ended"
        if phase != "job_search" or rng.random() < 0.4:
            jobs.append(job)
    if jobs:
        data["jobs"] = jobs
    tasks = []
    for _ in range(rng.randint(0, 2)):
        task: dict[str, Any] = {
            "due": _d(rng, end - timedelta(days=30), TODAY + timedelta(days=20)),
            "what": rng.choice(TASKS),
        }
        if rng.random() < 0.5:
            task["done_on"] = min(task["due"], end)
        tasks.append(task)
    if tasks:
        data["tasks"] = tasks
    return data


MOVES = {
    "intake": "engagement",
    "engagement": "assessment",
    "assessment": "plan",
    "plan": "job_search",
    "job_search": "follow_up",
    "follow_up": "job_search",
}


def evolve(data: dict[str, Any], rng: random.Random, on: date) -> dict[str, Any]:
    """One edit the app could make on `on`; most are contacts, as in real use."""
    new = copy.deepcopy(data)
    last = max((c["on"] for c in new.get("contacts", ())), default=on)
    on = max(on, last)
    choice = rng.choices(
        ("contact", "date", "toggle", "task", "done", "move"), (10, 2, 1, 1, 1, 1)
    )[0]
    if new["phase"] == "closed" and choice in ("move", "task", "done"):
        choice = "contact"
    if choice == "date":
        key = rng.choice(("benefits_counseling_on", "career_profile_updated_on"))
        prev = new.get(key)
        new[key] = on if not isinstance(prev, date) or prev < on else prev + timedelta(days=1)
    elif choice == "toggle":
        key = rng.choice(("disclosure", "support_mode"))
        opts = (
            ("yes", "no", "undecided") if key == "disclosure" else ("direct", "behind_the_scenes")
        )
        new[key] = rng.choice([o for o in opts if o != new.get(key)])
    elif choice == "task":
        new.setdefault("tasks", []).append(
            {"due": on + timedelta(days=rng.randint(3, 21)), "what": rng.choice(TASKS)}
        )
    elif choice == "done" and any("done_on" not in t for t in new.get("tasks", ())):
        task = next(t for t in new["tasks"] if "done_on" not in t)
        task["done_on"] = max(on, task["due"] - timedelta(days=rng.randint(0, 5)))
    elif choice == "move":
        new["phase"] = MOVES[new["phase"]]
        new["phase_since"] = on
        if new["phase"] == "follow_up" and not any("end" not in j for j in new.get("jobs", ())):
            employer, title = rng.choice(EMPLOYERS)
            new.setdefault("jobs", []).append(
                {"employer": employer, "title": title, "start": on, "competitive": True}
            )
    else:
        new.setdefault("contacts", []).append(_contact(rng, on, new["specialist"]))
        if "first_contact_on" not in new:
            new["first_contact_on"] = on
    if new == data:  # e.g. "done" with nothing open: fall back to a contact
        new.setdefault("contacts", []).append(_contact(rng, on, new["specialist"]))
    return new


def caseload_toml() -> str:
    data = {
        "schema": 1,
        "name": "IPS bench team",
        "as_of": TODAY,
        "due_soon_days": 3,
        "max_caseload": 20,
        "referral_sources": list(SOURCES),
        "team": TEAM,
        "rules": {"program_review": True, "program_review_days": 365},
    }
    return dumps_plain(data)


def _blob(out: list[bytes], path: str, text: str) -> None:
    raw = text.encode("utf-8")
    out.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(raw), raw))


def _commit(
    out: list[bytes], mark: int, who: tuple[str, str], when: datetime, message: str
) -> None:
    stamp = f"{int(when.timestamp())} +0000"
    msg = message.encode("utf-8")
    out.append(b"commit refs/heads/main\nmark :%d\n" % mark)
    out.append(f"author {who[0]} <{who[1]}> {stamp}\n".encode())
    out.append(f"committer {who[0]} <{who[1]}> {stamp}\n".encode())
    out.append(b"data %d\n%s\n" % (len(msg), msg))


def generate(
    root: Path,
    participants: int,
    commits: int,
    history_of: tuple[str, int] | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Build the caseload repository at `root` (which must not exist). Returns stats."""
    t0 = time.perf_counter()
    if root.exists():
        raise SystemExit(f"{root} exists; choose a new folder")
    if commits < 1:
        raise SystemExit("--commits must be at least 1")
    rng = random.Random(SEED)
    people = {pid_of(i): participant(i, rng) for i in range(1, participants + 1)}
    hist_pid, hist_n = history_of or ("", 0)
    if hist_pid and hist_pid not in people:
        raise SystemExit(f"--history-of: no participant {hist_pid} among {participants}")
    hist_n = min(hist_n, commits)
    # Which participant each of the K-1 later commits edits.
    others = [p for p in people if p != hist_pid] or list(people)
    targets = [rng.choice(others) for _ in range(commits - 1 - max(0, hist_n - 1))]
    targets += [hist_pid] * max(0, hist_n - 1)
    rng.shuffle(targets)

    team = list(TEAM.items())
    start = datetime.combine(TODAY - timedelta(days=HISTORY_DAYS), datetime.min.time())
    start = start.replace(tzinfo=UTC)
    stream: list[bytes] = []
    _commit(
        stream,
        1,
        (team[0][1]["name"], team[0][1]["email"]),
        start - timedelta(days=1),
        "caseload: import participants\n\nCreated by bench/generate.py.\n",
    )
    stream.append(b"deleteall\n")
    _blob(stream, "caseload.toml", caseload_toml())
    _blob(stream, ".gitattributes", "participants/*.toml merge=ipstui\n")
    for pid, data in people.items():
        _blob(stream, f"participants/{pid}.toml", dumps(data))
    span = HISTORY_DAYS * 86400 - 3600
    for k, pid in enumerate(targets, start=2):
        when = start + timedelta(seconds=span * (k - 1) // max(1, len(targets)))
        old = people[pid]
        new = evolve(old, rng, min(when.date(), TODAY - timedelta(days=1)))
        people[pid] = new
        message, _ = commit_message(pid, old, new)
        key, member = team[(k * 7) % len(team)]
        _commit(stream, k, (member["name"], member["email"]), when, message)
        _blob(stream, f"participants/{pid}.toml", dumps(new))
    stream.append(b"done\n")

    root.mkdir(parents=True)
    env = git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet", "--done"],
        input=b"".join(stream),
        check=True,
        env=env,
    )
    git(root, "reset", "-q", "--hard", "main")
    git(root, "gc", "-q")
    try:
        from ipstui.core.sync import ensure_merge_driver

        ensure_merge_driver(root)
    except ImportError:
        pass
    status = git(root, "status", "--porcelain")
    if status.strip():
        raise SystemExit(f"generated work tree is not clean:\n{status[:500]}")
    sizes = [len(dumps(d).encode()) for d in people.values()]
    stats = {
        "participants": participants,
        "commits": int(git(root, "rev-list", "--count", "HEAD").strip()),
        "history_of": f"{hist_pid}:{hist_n}" if hist_pid else "",
        "mean_file_bytes": round(sum(sizes) / len(sizes)),
        "seconds": round(time.perf_counter() - t0, 1),
        "head": git(root, "rev-parse", "HEAD").strip(),
    }
    if not quiet:
        print(
            f"{root}: {participants} participants (mean {stats['mean_file_bytes']} B), "
            f"{stats['commits']} commits, built in {stats['seconds']} s",
            file=sys.stderr,
        )
    return stats


def parse_history_of(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    pid, _, n = text.partition(":")
    if not pid or not n.isdigit():
        raise SystemExit(f"--history-of {text!r}: use ID:COUNT, like P-00001:500")
    return pid, int(n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--participants", "-n", type=int, required=True)
    ap.add_argument("--commits", "-k", type=int, default=1)
    ap.add_argument("--history-of", metavar="ID:COUNT")
    ap.add_argument("--force", action="store_true", help="replace DIR if it exists")
    args = ap.parse_args(argv)
    if args.force and args.dir.exists():
        shutil.rmtree(args.dir)
    generate(args.dir, args.participants, args.commits, parse_history_of(args.history_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
