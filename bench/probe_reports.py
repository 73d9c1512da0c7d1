"""Reports at N participants: does opening the screen stall the UI thread?

    python bench/probe_reports.py CASELOAD [--today 2026-11-16] [--runs 3]

In one headless app (warm load), presses `r` and records, until the figures are drawn:
the longest gap between ticks of a 2 ms timer on the app's event loop (a frame cannot be
drawn during such a gap, so it is the worst frame stall) and the time until the figures
were on screen. `idle_stall` is the same timer for a second with nothing to do: the
machine's own noise floor. Then `[` (the previous
quarter) the same way. Prints one line per measurement and the medians as JSON.

Two figures the machine's load does not move: `tracked`, the objects the garbage
collector tracks once the caseload is loaded (what every full collection walks), and
`gen2_ms`, the duration of each full (generation 2) collection while Reports opens,
from `gc.callbacks` (a collection that lands there stalls every thread; there may be
none), and `full_gc`, three `gc.collect()` calls timed after the load; `_cpu`: the same
in CPU time of the collecting thread. `open_cpu` and `quarter_cpu`: the longest CPU time
the UI thread spent in one step of the event loop (one frame's own cost, `Steps`), which
a busy machine moves far less than the stall; the stall is what a user sees.
`open_gap_cpu`, `quarter_gap_cpu`, `close_gap_cpu`: the UI thread's CPU in all the
steps that ran inside the worst gap. The stall is made of these, not of the longest step
alone: asyncio runs the steps queued at the start of a loop pass one after another, and
the timer's own wake-up needs two passes, so a key's step, the screen's resume and the
frame that paints it can all land in one gap (round 9). A gap with little CPU in it was
the UI thread waiting: for a core on a busy machine, or for the interpreter lock while the
report worker computes.

The figures count as on screen once the screen has refreshed after they were put there
(`painted`), so the frame that lays them out and paints them is measured too.

Keys are sent with `App.simulate_key` (the event a terminal's key makes), not Pilot's
`press`: `press` returns only after Textual's `wait_for_idle` finds the process idle
(under 1 ms of CPU per 20 ms, this probe's own 2 ms timer included), which took up to
1 s per call and twice per key. Until round 8 that wait sat inside every measured
window: the open "drawn after 980 ms" of round 7 was that wait running to its limit,
and the stall of such a window was the worst gap of a whole second, not of the open.
`close_stall` / `close_cpu`: the same for `escape` back to the board (its repaint).

Run it with the hermetic git environment of `common.git_env()` (as run.py does)."""

from __future__ import annotations

import argparse
import asyncio
import gc
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


class FullCollections:
    """Durations (seconds) of the generation-2 collections while `on`, from gc.callbacks:
    wall time, and the CPU time of the thread that collected (`thread_time`, which a busy
    machine moves far less than wall time)."""

    def __init__(self) -> None:
        self.on = False
        self.durations: list[float] = []
        self.cpu: list[float] = []
        self._start = (0.0, 0.0)
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if not self.on or info.get("generation") != 2:
            return
        if phase == "start":
            self._start = (time.perf_counter(), time.thread_time())
        else:
            self.durations.append(time.perf_counter() - self._start[0])
            self.cpu.append(time.thread_time() - self._start[1])


class Steps:
    """The longest CPU time (`thread_time`, seconds) the UI thread spent in one step of
    the event loop while `on`: what one frame costs the UI thread itself, without the
    time it waited for the interpreter lock or for a core (which a busy machine and a
    worker thread add to the wall-clock stall). Wraps asyncio's `Handle._run` (private:
    every callback of the loop, Textual's message processing and timers included,
    runs through it in CPython 3.11); a bench probe only."""

    def __init__(self) -> None:
        self.on = False
        self.worst = 0.0
        self.steps: list[tuple[float, float]] = []
        """(wall-clock start, CPU seconds) of every step while `on`."""
        run = asyncio.events.Handle._run

        def timed(handle: asyncio.Handle) -> None:
            if not self.on:
                return run(handle)
            wall, start = time.perf_counter(), time.thread_time()
            try:
                return run(handle)
            finally:
                cpu = time.thread_time() - start
                self.worst = max(self.worst, cpu)
                self.steps.append((wall, cpu))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    def take(self) -> float:
        worst, self.worst = self.worst, 0.0
        return worst

    def within(self, start: float, end: float) -> float:
        """The UI thread's CPU seconds in the steps that began between two wall-clock
        times (`perf_counter`), then forgets every step recorded."""
        cpu = sum(c for wall, c in self.steps if start <= wall <= end)
        self.steps.clear()
        return cpu


async def measure(root: Path, today: date, runs: int) -> tuple[dict[str, list[float]], int]:
    from ipstui.ui.app import IpsApp
    # The Reports module is not imported here: the app imports it on the first `r`, and
    # that import (about 12 ms of the UI thread) belongs to the first open.

    out: dict[str, list[float]] = {
        "idle_stall": [],
        "open_stall": [],
        "open_drawn": [],
        "quarter_stall": [],
        "open_cpu": [],
        "quarter_cpu": [],
        "close_stall": [],
        "close_cpu": [],
        "open_gap_cpu": [],
        "quarter_gap_cpu": [],
        "close_gap_cpu": [],
        "gen2_ms": [],
        "gen2_cpu": [],
        "full_gc": [],
        "full_gc_cpu": [],
    }
    full = FullCollections()
    steps = Steps()
    app = IpsApp(root, today=today, watch_disk=False)
    async with app.run_test(size=(160, 50)) as pilot:
        while app.caseload is None:
            await asyncio.sleep(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(f"{len(app.caseload.participants):,} participants loaded", file=sys.stderr)
        gc.collect()
        tracked = len(gc.get_objects())
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.thread_time()
            gc.collect()
            out["full_gc"].append(time.perf_counter() - t0)
            out["full_gc_cpu"].append(time.thread_time() - c0)
        print(f"{tracked:,} objects tracked", file=sys.stderr)

        async def painted() -> None:
            # The figures are on screen once the screen has refreshed after they were put
            # there: Textual runs what `call_after_refresh` queues after the screen's next
            # layout and paint, or at once when nothing is pending. Twice, for what the
            # first layout sets off (a resize, a scrollbar shown). Until round 6 the probe
            # stopped at `report` being set, before the frame that lays out and paints the
            # figures, so that frame's stall went unmeasured.
            for _ in range(2):
                refreshed = asyncio.Event()
                app.screen.call_after_refresh(refreshed.set)
                await refreshed.wait()

        gap_cpu: list[float] = []
        """The UI thread's CPU in the steps inside the worst gap, per `stall_while`."""

        async def stall_while(action, done) -> tuple[float, float]:
            gaps = [(0.0, 0.0, 0.0)]
            stop = False

            async def ticker() -> None:
                last = time.perf_counter()
                while not stop:
                    await asyncio.sleep(0.002)
                    now = time.perf_counter()
                    gaps.append((now - last, last, now))
                    last = now

            task = asyncio.create_task(ticker())
            steps.take()
            steps.steps.clear()
            steps.on = True
            t0 = time.perf_counter()
            await action()
            while not done():
                await asyncio.sleep(0.002)
            await painted()
            drawn = time.perf_counter() - t0
            steps.on = False
            stop = True
            await task
            worst, start, end = max(gaps)
            gap_cpu.append(steps.within(start, end))
            return worst, drawn

        for _ in range(runs):
            # The noise floor: the same timer for a second with nothing to do.
            async def nothing() -> None:
                pass

            t_idle = time.perf_counter() + 1.0
            stall, _ = await stall_while(nothing, lambda t=t_idle: time.perf_counter() > t)
            out["idle_stall"].append(stall)

            async def press_r() -> None:
                app.simulate_key("r")

            def report_on_screen() -> bool:
                s = app.screen
                return type(s).__name__ == "ReportsScreen" and s.report is not None

            full.on = True
            stall, drawn = await stall_while(press_r, report_on_screen)
            full.on = False
            out["gen2_ms"].extend(full.durations)
            out["gen2_cpu"].extend(full.cpu)
            print(
                "gen2 during open: " + " ".join(f"{d * 1000:.1f}" for d in full.durations) + " ms",
                file=sys.stderr,
            )
            full.durations.clear()
            full.cpu.clear()
            out["open_stall"].append(stall)
            out["open_cpu"].append(steps.take())
            out["open_gap_cpu"].append(gap_cpu[-1])
            out["open_drawn"].append(drawn)
            screen = app.screen
            before = screen.report

            async def press_prev() -> None:
                app.simulate_key("left_square_bracket")

            stall, _ = await stall_while(
                press_prev, lambda s=screen, b=before: s.report is not b and s.report is not None
            )
            out["quarter_stall"].append(stall)
            out["quarter_cpu"].append(steps.take())
            out["quarter_gap_cpu"].append(gap_cpu[-1])

            async def press_escape() -> None:
                app.simulate_key("escape")

            stall, _ = await stall_while(press_escape, lambda s=screen: app.screen is not s)
            out["close_stall"].append(stall)
            out["close_cpu"].append(steps.take())
            out["close_gap_cpu"].append(gap_cpu[-1])
            await pilot.pause()
        app.exit()
    return out, tracked


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 16))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    out, tracked = asyncio.run(measure(args.root, args.today, args.runs))
    for key, values in out.items():
        print(f"{key:14} " + " ".join(f"{v * 1000:7.1f}" for v in values) + "  ms")
    print(
        json.dumps(
            {k: round(statistics.median(v) * 1000, 1) if v else None for k, v in out.items()}
            | {"tracked": tracked}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
