#!/usr/bin/env python3
"""Child processes the benchmark times. Each writes one JSON object to --report.

    probes.py open ROOT --today D --report F        the app, until its first board frame
                                                    that shows every card
    probes.py floor-open ROOT --report F            import textual.app, read every file
    probes.py floor-due ROOT --report F             parse every file with tomllib
    probes.py app ROOT --today D --report F --move ID --moves K --keys TEXT
                                                    in one headless app: filter keystrokes,
                                                    BoardScreen.redraw() and K moves

Times reported are `time.time()` (the parent compares them with the moment it spawned
the process) or `time.perf_counter()` differences measured inside the process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

# The ipstui under test: BENCH_IPSTUI_DIR (run.py --ipstui), else this checkout.
sys.path.insert(0, os.environ.get("BENCH_IPSTUI_DIR") or str(Path(__file__).resolve().parents[1]))


def _write(report: str, obj: dict[str, Any]) -> None:
    with open(report, "w", encoding="utf-8") as fh:
        json.dump(obj, fh)


def _participant_files(root: Path) -> list[str]:
    pdir = root / "participants"
    return [e.path for e in os.scandir(pdir) if e.name.endswith(".toml") and e.is_file()]


# ---------------------------------------------------------------- floors


def floor_open(root: Path, report: str) -> None:
    import textual.app  # noqa: F401 — the floor pays for importing Textual

    total = 0
    for path in _participant_files(root):
        with open(path, "rb") as fh:
            total += len(fh.read())
    _write(report, {"t_done": time.time(), "bytes": total})


def floor_due(root: Path, report: str) -> None:
    import tomllib

    n = 0
    for path in _participant_files(root):
        with open(path, "rb") as fh:
            tomllib.load(fh)
        n += 1
    _write(report, {"t_done": time.time(), "files": n})


# ---------------------------------------------------------------- the app


def _probe_app_class():

    from ipstui.ui.app import IpsApp
    from ipstui.ui.widgets.board import Board, PhaseColumn

    state: dict[str, Any] = {"card_lines": 0}
    render_line = PhaseColumn.render_line

    def counting_render_line(self: PhaseColumn, y: int):  # type: ignore[no-untyped-def]
        # Note that card text was drawn (not just blank lines of an empty column).
        if self.cards and (y + int(self.scroll_offset.y)) // 5 < len(self.cards):
            state["card_lines"] += 1
        return render_line(self, y)

    PhaseColumn.render_line = counting_render_line  # type: ignore[method-assign]

    import ipstui.ui.app as app_module

    css = IpsApp.CSS_PATH
    here = Path(app_module.__file__).parent

    class ProbeApp(IpsApp):
        """IpsApp that notes the time of every frame it sends to the terminal."""

        # Textual resolves a relative CSS_PATH next to the subclass's module: point it back.
        CSS_PATH = (
            [here / c for c in css] if isinstance(css, list) else (here / css if css else None)
        )

        frames: list[tuple[float, bool]]

        def _display(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
            super()._display(screen, renderable)
            if renderable is not None:
                self.on_frame(screen)

        def on_frame(self, screen) -> None:  # type: ignore[no-untyped-def]
            pass

        def on_worker_state_changed(self, event) -> None:  # type: ignore[no-untyped-def]
            # The app's load worker swallows unexpected errors (exit_on_error=False) and
            # the board then says "Loading" forever: report that instead of hanging.
            from textual.worker import WorkerState

            if event.state == WorkerState.ERROR and self.caseload is None:
                err = event.worker.error
                state["error"] = f"{event.worker.name}: {type(err).__name__}: {err}"
                self.on_load_error(state["error"])

        def on_load_error(self, message: str) -> None:
            pass

        def board_full(self) -> bool:
            """True when the board holds every card of the loaded caseload."""
            if self.caseload is None:
                return False
            try:
                board = self.screen.query_one(Board)
            except Exception:  # noqa: BLE001 — not on the board screen yet
                return False
            shown = sum(len(v) for v in board.data.values())
            # A card is a plain tuple (phase at 3) since issue 13; a dataclass before.
            expected = sum(
                1
                for c in self.cards.values()
                if (c.phase if hasattr(c, "phase") else c[3]) in board.phases
            )
            return shown == expected and len(self.cards) == len(self.caseload.participants)

    return ProbeApp, state


def prestart_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while sys.stderr is still a real file.

    Inside a running Textual app sys.stderr.fileno() is -1, and the tracker (needed by
    ProcessPoolExecutor) then fails to start with "ValueError: bad value(s) in
    fds_to_keep"; BENCH_PRESTART_TRACKER=1 measures the app as if that were fixed."""
    if os.environ.get("BENCH_PRESTART_TRACKER") == "1":
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()


def open_app(root: Path, today: date, report: str, headless: bool) -> None:
    prestart_resource_tracker()
    ProbeApp, state = _probe_app_class()

    class OpenProbe(ProbeApp):
        done = False

        def on_frame(self, screen) -> None:  # type: ignore[no-untyped-def]
            if self.done or not self.board_full() or not state["card_lines"]:
                return
            self.done = True
            cl = self.caseload
            _write(
                report,
                {
                    "t_frame": time.time(),
                    "participants": len(cl.participants),
                    "problems": len(cl.problems),
                    "stats": dict(cl.stats),
                },
            )
            self.exit(0)

        def on_load_error(self, message: str) -> None:
            _write(report, {"error": message})
            self.exit(1)

    app = OpenProbe(root, today=today, watch_disk=False)
    if headless:
        app.run(headless=True, size=(160, 50))
    else:
        app.run()


def app_bench(root: Path, today: date, report: str, move: str, moves: int, keys: str) -> None:
    import asyncio

    from ipstui.ui.screens.board import BoardScreen
    from ipstui.ui.widgets.board import Board

    prestart_resource_tracker()
    ProbeApp, state = _probe_app_class()
    marks: dict[str, list[float]] = {"frames": [], "set_data": [], "caseload": []}

    class BenchApp(ProbeApp):
        def on_frame(self, screen) -> None:  # type: ignore[no-untyped-def]
            marks["frames"].append(time.perf_counter())

        def watch_caseload(self, value) -> None:  # type: ignore[no-untyped-def]
            # The moment a saved snapshot replaces the old one (before any redraw).
            marks["caseload"].append(time.perf_counter())
            parent = getattr(super(), "watch_caseload", None)
            if parent is not None:
                parent(value)

    set_data = Board.set_data

    def timed_set_data(self: Board, data, today):  # type: ignore[no-untyped-def]
        marks["set_data"].append(time.perf_counter())
        return set_data(self, data, today)

    Board.set_data = timed_set_data  # type: ignore[method-assign]

    def first_after(seq: list[float], t: float) -> float | None:
        return next((x for x in seq if x > t), None)

    async def wait_until(cond, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
        t_end = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > t_end:
                raise TimeoutError("the app did not get there in time")
            await asyncio.sleep(0.005)

    async def main() -> dict[str, Any]:
        app = BenchApp(root, today=today, watch_disk=False)
        out: dict[str, Any] = {"keys": [], "redraw": [], "move_saved": [], "move_frame": []}
        async with app.run_test(size=(160, 50)) as pilot:

            def loaded() -> bool:
                if "error" in state:
                    raise RuntimeError(state["error"])
                return app.board_full() and state["card_lines"] > 0

            await wait_until(loaded)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            out["participants"] = len(app.caseload.participants)
            # Filter keystrokes: time from the key event to the first frame drawn after the
            # board took the filtered columns.
            await pilot.press("slash")
            await pilot.pause()
            from textual.widgets import Input

            inp = screen.query_one("#filter-input", Input)
            inp.cursor_blink = False
            await pilot.pause()
            for ch in keys:
                key = "backspace" if ch == "<" else ch
                n_set = len(marks["set_data"])
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                if len(marks["set_data"]) == n_set:
                    raise RuntimeError(f"key {key!r} did not redraw the board")
                t_set = marks["set_data"][n_set]
                t_frame = first_after(marks["frames"], t_set)
                if t_frame is None:
                    raise RuntimeError(f"key {key!r}: no frame after the redraw")
                out["keys"].append(t_frame - t0)
            # The synchronous part alone: BoardScreen.redraw() with a text filter set.
            for text in ("a", "an", "ann", "p-0", "p-00", "p-001", "zz", ""):
                screen.text = text
                t0 = time.perf_counter()
                screen.redraw()
                out["redraw"].append(time.perf_counter() - t0)
            await pilot.press("escape")
            await pilot.pause()
            # Moves in the app: from the call to the saved snapshot, and to the next frame.
            for i in range(moves):
                step = 1 if i % 2 == 0 else -1
                before = app.caseload
                n_frames = len(marks["frames"])
                t0 = time.perf_counter()
                app.move_participant(move, step)

                def saved(before=before) -> bool:  # type: ignore[no-untyped-def]
                    return app.caseload is not before

                await wait_until(saved, 60)
                t_saved = first_after(marks["caseload"], t0) or time.perf_counter()
                await wait_until(lambda n=n_frames: len(marks["frames"]) > n, 60)
                t_frame = first_after(marks["frames"], t_saved) or marks["frames"][-1]
                out["move_saved"].append(t_saved - t0)
                out["move_frame"].append(max(t_frame, t_saved) - t0)
                await pilot.pause()
            app.exit(0)
        return out

    result = asyncio.run(main())
    _write(report, result)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("open", "floor-open", "floor-due", "app"))
    ap.add_argument("root", type=Path)
    ap.add_argument("--report", required=True)
    ap.add_argument("--today", type=date.fromisoformat, default=None)
    ap.add_argument("--headless", action="store_true")
    ap.add_argument("--move", default="")
    ap.add_argument("--moves", type=int, default=5)
    ap.add_argument("--keys", default="anna<<<<p-01<<<<")
    args = ap.parse_args(argv)
    if args.what == "floor-open":
        floor_open(args.root, args.report)
    elif args.what == "floor-due":
        floor_due(args.root, args.report)
    elif args.what == "open":
        open_app(args.root, args.today, args.report, args.headless)
    else:
        app_bench(args.root, args.today, args.report, args.move, args.moves, args.keys)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
