"""What opening Reports leaves to the garbage collector, counted rather than timed.

    python bench/census_reports.py CASELOAD [--today 2026-11-16] [--opens 15] [--top 25]

In one headless app (160×50, warm load), opens Reports `--opens` times as
`probe_reports.py` does (`r`, figures drawn, `[` the previous quarter drawn, `escape`)
and prints figures the machine's load does not move:

- `long_lived`: the objects in the oldest generation after the load and a full collection
  (what every full collection walks), by type, and how many of them are ipstui's own
  (their type is defined in an `ipstui` module), Textual's, Rich's or the standard ones.
- per open: the objects promoted into the oldest generation (each generation-1 collection
  moves its survivors there; CPython 3.11 runs a full collection once those promoted since
  the last one exceed a quarter of `long_lived`), and the full collections that ran during
  the open and during the close, with their duration.
- the types of what an open leaves in the oldest generation: objects there after the
  open and close that were not there before it (their count by type, with the module that
  defined the type).

CPython's gc exposes no promotion counter, so it is counted with `gc.callbacks`: at the
start of a generation-1 collection the objects of generations 0 and 1 are counted
(`gc.get_objects(g)`), and those not collected are what it promoted. Counting walks the
young generations, so this script is for counting, not timing (see `probe_reports.py`).

Run it with the hermetic git environment of `common.git_env()` (as run.py does)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(
    0, os.environ.get("BENCH_IPSTUI_DIR") or str(Path(__file__).resolve().parent.parent)
)


def owner(kind: type) -> str:
    """`ipstui`, `textual`, `rich` or `other`: the package that defined `kind`."""
    top = (getattr(kind, "__module__", "") or "").partition(".")[0]
    return top if top in ("ipstui", "textual", "rich") else "other"


def type_name(kind: type) -> str:
    """`module.Qualname` of a type (builtins without their module)."""
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module == "builtins" else f"{module}.{name}"


class Promotions:
    """Objects promoted into generation 2 and full collections while `on`, from
    gc.callbacks. `promoted` counts the survivors of every generation-1 collection;
    `full` holds (seconds, objects collected) of every generation-2 collection."""

    def __init__(self) -> None:
        self.on = False
        self.promoted = 0
        self.full: list[tuple[float, int]] = []
        self.collections = [0, 0, 0]
        """Collections started, by generation (each one ~700 objects made, net)."""
        self._young = 0
        self._t0 = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if not self.on:
            return
        generation = info.get("generation")
        if phase == "start":
            self.collections[generation] += 1
        if generation == 1:
            if phase == "start":
                self._young = len(gc.get_objects(0)) + len(gc.get_objects(1))
            else:
                self.promoted += self._young - info["collected"] - info["uncollectable"]
        elif generation == 2:
            if phase == "start":
                self._t0 = time.perf_counter()
            else:
                self.full.append((time.perf_counter() - self._t0, info["collected"]))

    def take(self) -> tuple[int, list[tuple[float, int]], list[int]]:
        out = (self.promoted, self.full, self.collections)
        self.promoted, self.full, self.collections = 0, [], [0, 0, 0]
        return out


def census(objects: list[object]) -> Counter[type]:
    return Counter(type(o) for o in objects)


def table(counts: Counter[type], top: int) -> list[str]:
    return [f"{n:>9,}  {owner(k):8} {type_name(k)}" for k, n in counts.most_common(top)]


async def run(root: Path, today: date, opens: int, top: int) -> dict:
    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.reports import ReportsScreen

    promotions = Promotions()
    app = IpsApp(root, today=today, watch_disk=False)
    result: dict = {"opens": []}
    async with app.run_test(size=(160, 50)) as pilot:
        while app.caseload is None:
            await asyncio.sleep(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        gc.collect()
        long_lived = gc.get_objects(2)
        counts = census(long_lived)
        result["long_lived"] = len(long_lived)
        by_owner: Counter[str] = Counter()
        for kind, n in counts.items():
            by_owner[owner(kind)] += n
        result["long_lived_by_owner"] = dict(by_owner.most_common())
        print(f"long-lived after the load: {len(long_lived):,}", file=sys.stderr)
        print("  by owner: " + json.dumps(result["long_lived_by_owner"]), file=sys.stderr)
        print("\n".join(table(counts, top)), file=sys.stderr)
        del long_lived

        left: Counter[type] = Counter()
        for i in range(opens):
            before = {id(o) for o in gc.get_objects(2)}
            promotions.take()
            promotions.on = True
            await pilot.press("r")
            while not (isinstance(app.screen, ReportsScreen) and app.screen.report is not None):
                await asyncio.sleep(0.002)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ReportsScreen)
            shown = screen.report
            await pilot.press("left_square_bracket")
            while screen.report is None or screen.report is shown:
                await asyncio.sleep(0.002)
            await pilot.pause()
            opened = promotions.take()
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
            closed = promotions.take()
            promotions.on = False
            new = [o for o in gc.get_objects(2) if id(o) not in before]
            left.update(census(new))
            row = {
                "promoted_open": opened[0],  # the open and `[`
                "promoted_close": closed[0],
                "gen2": [round(d * 1000, 1) for d, _ in opened[1] + closed[1]],
                "gen2_freed": [n for _, n in opened[1] + closed[1]],
                "collections": [a + b for a, b in zip(opened[2], closed[2], strict=True)],
                "left_in_gen2": len(new),
            }
            result["opens"].append(row)
            print(f"open {i + 1:2}: " + json.dumps(row), file=sys.stderr)
            del new, before
        print(f"left in generation 2 over {opens} opens, by type:", file=sys.stderr)
        print("\n".join(table(left, top)), file=sys.stderr)
        result["left_by_type"] = {type_name(k): n for k, n in left.most_common(top)}
        app.exit()
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 16))
    ap.add_argument("--opens", type=int, default=15)
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    result = asyncio.run(run(args.root, args.today, args.opens, args.top))
    rows = result["opens"]
    promoted = sorted(r["promoted_open"] + r["promoted_close"] for r in rows)
    summary = {
        "long_lived": result["long_lived"],
        "long_lived_by_owner": result["long_lived_by_owner"],
        "promoted_per_open_median": promoted[len(promoted) // 2],
        "full_collections": sum(len(r["gen2"]) for r in rows),
        "full_collection_ms": [d for r in rows for d in r["gen2"]],
        "left_in_gen2_per_open_median": sorted(r["left_in_gen2"] for r in rows)[len(rows) // 2],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
