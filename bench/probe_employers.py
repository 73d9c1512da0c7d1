"""What opening Employers and Problems costs at N participants, in the worker that reads it.

    python bench/probe_employers.py CASELOAD [--today 2026-11-16] [--runs 3]

Loads the caseload through the service (warm: the load cache is made first, as an app
that opened the caseload before), then times, each on a fresh snapshot (no participant's
record read yet, as after a load): `employers` (the register), `employer_jobs` (each
employer's jobs: what the Employers screen's worker computes besides the register) and
`problems` (the one problem list of `ipstui validate` and the Problems screen, with
`today`). Prints one line per run and the medians as JSON.

Run it with the hermetic git environment of `common.git_env()` (as run.py does); it
writes nothing but the load cache in the caseload's git directory."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

# The checkout under test: $BENCH_IPSTUI_DIR (as common.ipstui_dir()), else this one.
sys.path.insert(
    0, os.environ.get("BENCH_IPSTUI_DIR") or str(Path(__file__).resolve().parent.parent)
)


def main(argv: list[str] | None = None) -> int:
    """Time the three calls `--runs` times; print the runs and the medians (seconds)."""
    from ipstui.core.service import CaseloadService

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("caseload", type=Path)
    ap.add_argument("--today", default="2026-11-16")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    today = date.fromisoformat(args.today)
    svc = CaseloadService(args.caseload)
    svc.load()  # makes the load cache
    runs: dict[str, list[float]] = {"load": [], "employers": [], "employer_jobs": [], "problems": []}
    for i in range(args.runs):
        t0 = time.perf_counter()
        cl = svc.load()
        t1 = time.perf_counter()
        reg = svc.employers(cl)
        t2 = time.perf_counter()
        jobs = svc.employer_jobs(reg, cl)
        t3 = time.perf_counter()
        cl = svc.load()  # a fresh snapshot again: no record read by employer_jobs
        t4 = time.perf_counter()
        problems = svc.problems(cl, reg, today=today)
        t5 = time.perf_counter()
        got = {
            "load": t1 - t0,
            "employers": t2 - t1,
            "employer_jobs": t3 - t2,
            "problems": t5 - t4,
        }
        for k, v in got.items():
            runs[k].append(v)
        print(
            f"run {i + 1}: "
            + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in got.items())
            + f" ({len(cl.participants)} participants, {len(reg.employers)} employers,"
            f" {sum(map(len, jobs.values()))} jobs at them, {len(problems)} problems)"
        )
    print(json.dumps({k: round(statistics.median(v), 4) for k, v in runs.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
