"""What opening Employers and Problems costs at N participants, in the worker that reads it.

    python bench/probe_employers.py CASELOAD [--today 2026-11-16] [--runs 3] [--app]

Loads the caseload through the service (warm: the load cache is made first, as an app
that opened the caseload before), then times, each on a fresh snapshot (no participant's
record read yet, as after a load): `employers` (the register), `employer_jobs` (each
employer's jobs: what the Employers screen's worker computes besides the register) and
`problems` (the one problem list of `ipstui validate` and the Problems screen, with
`today`). Prints one line per run and the medians as JSON.

With `--app`: in one headless app (warm load), the seconds from the key that opens
Employers (`e`) until the register and its jobs are on screen, and from `p` until the
Problems screen shows its list, each `--runs` times (back to the board between).

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
    ap.add_argument("--app", action="store_true", help="time the screens in a headless app")
    args = ap.parse_args(argv)
    today = date.fromisoformat(args.today)
    svc = CaseloadService(args.caseload)
    svc.load()  # makes the load cache
    if args.app:
        import asyncio

        got = asyncio.run(_in_app(args.caseload, today, args.runs))
        print(json.dumps({k: round(statistics.median(v), 4) for k, v in got.items()}))
        return 0
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


def _problems_shown(app):  # type: ignore[no-untyped-def]
    """Whether the Problems screen shows its list (a checkout before the one problem
    list drew the load's problems at once, without `_shown`)."""
    return lambda: (
        getattr(app.screen, "_shown", None) is app.caseload
        or getattr(app.screen, "_problems", None) is not None
    )


async def _in_app(root: Path, today: date, runs: int) -> dict[str, list[float]]:
    """Seconds from `e` to the register on screen and from `p` to the problem list."""
    from ipstui.ui.app import IpsApp

    app = IpsApp(root, today=today, watch_disk=False)
    out: dict[str, list[float]] = {"employers_open": [], "problems_open": []}

    async def until(cond, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
        end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > end:
                raise TimeoutError("the screen never showed its data")
            await asyncio.sleep(0.002)

    import asyncio

    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        await until(lambda: app.caseload is not None)
        await pilot.pause()
        board = app.screen
        for i in range(runs):
            t0 = time.perf_counter()
            await pilot.press("e")
            await until(lambda: getattr(app.screen, "register", None) is not None)
            out["employers_open"].append(time.perf_counter() - t0)
            await pilot.press("escape")
            await until(lambda: app.screen is board)
            t0 = time.perf_counter()
            await pilot.press("p")
            await until(_problems_shown(app))
            out["problems_open"].append(time.perf_counter() - t0)
            await pilot.press("escape")
            await until(lambda: app.screen is board)
            print(
                f"run {i + 1}: employers open {out['employers_open'][-1] * 1000:.0f} ms,"
                f" problems open {out['problems_open'][-1] * 1000:.0f} ms"
            )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
