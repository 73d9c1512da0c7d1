"""Merge-driver benchmark (SPEC §6: "5,000 contacts added on each side merge in well
under a second"): a real `git merge` of one participant file through the `merge=ipstui`
driver, beside git's own line merge of the same files as the floor.

    python bench/merge.py                 # both scenarios, 5 runs each, prints a table
    python bench/merge.py --runs 3 --scenario add
    BENCH_IPSTUI_DIR=/tmp/old-ipstui python bench/merge.py   # the driver of another checkout

Scenarios (one participant, P-0001, in a caseload of one file):

- **add**: base holds 1 contact; ours appends 5,000 contacts, theirs 5,000 others (every
  contact distinct: a different day or kind or note). The merged file must hold 10,001.
- **hand**: as add, but ours is laid out by hand (a comment above every contact), so
  the driver patches ours' text instead of writing the canonical layout (the path a
  file with comments, dotted keys or its own key order takes).
- **edit**: base holds 4,000 contacts; ours edits the note of every one of them, theirs
  appends one contact. The merged file must hold 4,001, every note ours.

Timed: wall time of `git merge --no-edit theirs` on the ours branch (driver process start,
parsing, merging, writing included), and the CPU time of git and the driver together
(which load on a shared machine moves much less), medians of the runs; the branch is
reset between runs. Floor: the same merge with `merge=text` (git's line merge, no Python), which is
only a floor in time: its result is not a valid merge of the records.
"""

from __future__ import annotations

import argparse
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import git, git_env, ipstui_dir  # noqa: E402
from ipstui.core import storage  # noqa: E402

KINDS = ("meeting", "phone", "message", "outreach", "employer", "team", "family", "benefits")
DAY0 = date(2020, 1, 1)
REL = "participants/P-0001.toml"


def _contact(i: int, side: str) -> dict:
    return {
        "on": DAY0 + timedelta(days=i // len(KINDS)),
        "kind": KINDS[i % len(KINDS)],
        "by": "anna",
        "note": f"{side} contact {i}",
    }


def _participant(contacts: list[dict]) -> dict:
    return {
        "schema": 1,
        "id": "P-0001",
        "name": "Bench P.",
        "specialist": "anna",
        "phase": "job_search",
        "phase_since": date(2026, 1, 5),
        "referral_source": "CSM",
        "referred_on": date(2019, 12, 1),
        "notes": "",
        "contacts": contacts,
    }


def scenario_files(name: str) -> tuple[dict, dict, dict, int]:
    """(base, ours, theirs, expected number of contacts) for a scenario."""
    if name in ("add", "hand"):
        base = [_contact(0, "base")]
        ours = base + [_contact(i, "ours") for i in range(1, 5001)]
        theirs = base + [_contact(i, "theirs") for i in range(1, 5001)]
        return _participant(base), _participant(ours), _participant(theirs), 10_001
    if name == "edit":
        base = [_contact(i, "base") for i in range(4000)]
        ours = [dict(c, note=c["note"] + " (edited)") for c in base]
        theirs = base + [_contact(4000, "theirs")]
        return _participant(base), _participant(ours), _participant(theirs), 4001
    raise ValueError(name)


def make_repo(folder: Path, name: str, driver: str) -> tuple[Path, int]:
    """A repository with branches `ours` and `theirs` off a common base commit."""
    base, ours, theirs, expected = scenario_files(name)
    root = folder / name
    git(folder, "init", "-q", "-b", "ours", str(root))
    (root / "participants").mkdir()
    (root / "caseload.toml").write_text('schema = 1\nname = "Bench"\n\n[team.anna]\nname = "A"\n')
    (root / ".gitattributes").write_text("participants/*.toml merge=ipstui\n")
    git(root, "config", "merge.ipstui.driver", driver)
    git(root, "config", "merge.ipstui.name", "ipstui")

    def commit(data: dict, msg: str) -> None:
        text = storage.dumps(data)
        if name == "hand" and msg == "ours":
            text = text.replace("\n[[contacts]]\n", "\n# by hand\n[[contacts]]\n")
        storage.atomic_write(root / REL, text)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", msg)

    commit(base, "base")
    git(root, "branch", "theirs")
    commit(ours, "ours")
    git(root, "checkout", "-q", "theirs")
    commit(theirs, "theirs")
    git(root, "checkout", "-q", "ours")
    return root, expected


def time_merge(root: Path, attr: str, runs: int, expected: int | None) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run of `git merge` (CPU: git and the driver together)."""
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "attributes").write_text(f"participants/*.toml merge={attr}\n")
    start = git(root, "rev-parse", "HEAD").strip()
    times = []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            ["git", "-C", str(root), "merge", "-q", "--no-edit", "theirs"],
            capture_output=True,
            env=git_env(),
        )
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        times.append((wall, cpu))
        if expected is not None:
            if proc.returncode != 0:
                raise RuntimeError(f"merge failed: {proc.stderr.decode(errors='replace')}")
            merged = tomllib.loads((root / REL).read_text())
            if len(merged["contacts"]) != expected:
                raise RuntimeError(f"merged {len(merged['contacts'])} contacts, not {expected}")
        git(root, "merge", "--abort", check=False)
        git(root, "reset", "-q", "--hard", start)
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scenario", choices=("add", "hand", "edit", "all"), default="all")
    args = ap.parse_args(argv)
    src = ipstui_dir()
    driver = (
        f"PYTHONPATH={shlex.quote(str(src))} {shlex.quote(sys.executable)} "
        "-m ipstui.core.merge %O %A %B %P"
    )
    names = ("add", "hand", "edit") if args.scenario == "all" else (args.scenario,)
    print(f"ipstui from {src}; median of {args.runs} runs of `git merge`, wall (CPU) seconds")
    print(f"{'scenario':<34} {'merge=ipstui':>18} {'floor (merge=text)':>20}")
    with tempfile.TemporaryDirectory(prefix="ipstui-merge-bench-") as tmp:
        for name in names:
            root, expected = make_repo(Path(tmp), name, driver)
            ours = time_merge(root, "ipstui", args.runs, expected)
            floor = time_merge(root, "text", args.runs, None)
            label = {
                "add": "add: 5,000 + 5,000 contacts",
                "hand": "hand: add, ours laid out by hand",
                "edit": "edit: ours edits 4,000 contacts",
            }[name]

            def fmt(runs: list[tuple[float, float]]) -> str:
                wall = statistics.median(w for w, _ in runs)
                cpu = statistics.median(c for _, c in runs)
                return f"{wall:.3f} ({cpu:.3f})"

            print(f"{label:<34} {fmt(ours):>18} {fmt(floor):>20}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
