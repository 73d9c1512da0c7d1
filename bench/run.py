#!/usr/bin/env python3
"""Measure ipstui against its floors and targets (issue 6) and write bench/RESULTS.md.

    python bench/run.py            # full run: N = 200, 2,000, 20,000 (generation is cached)
    python bench/run.py --quick    # smoke run on small caseloads, < 1 min
    python bench/run.py --runs 7 --only open,due --sizes 2000

Every figure is the median of several runs of a real process (or of repeated actions in
one app), measured in the same run as its floor, with floors and subjects interleaved so
that background load hits both alike. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import shlex
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR.parent))

from bench import generate, taskwarrior  # noqa: E402
from bench.common import (  # noqa: E402
    OUT_DIR,
    PROJECT_DIR,
    TODAY,
    ChildRun,
    TreeSampler,
    git,
    git_env,
    ipstui_dir,
    run_child,
)

PROBES = str(BENCH_DIR / "probes.py")
PY = sys.executable
HISTORY_PID = "P-00001"
CONTACT_NOTE = "Phone call to confirm the next appointment; sounded motivated."
TRACKER_ERROR = "fds_to_keep"


@dataclass(frozen=True)
class Plan:
    """What to build and measure."""

    sizes: tuple[int, ...]
    commits: dict[int, int]
    edit_n: int
    edit_commits: int
    history: tuple[str, int]
    runs: int
    cold_runs: dict[int, int]
    moves: int
    keys: str


FULL = Plan(
    sizes=(200, 2_000, 20_000),
    commits={200: 200, 2_000: 1_000, 20_000: 5_000},
    edit_n=20_000,
    edit_commits=5_000,
    history=(HISTORY_PID, 500),
    runs=5,
    cold_runs={200: 5, 2_000: 5, 20_000: 3},
    moves=10,
    keys="anna<<<<p-001<<<<<ma<<",
)
QUICK = Plan(
    sizes=(100, 500),
    commits={100: 50, 500: 300},
    edit_n=500,
    edit_commits=300,
    history=(HISTORY_PID, 60),
    runs=3,
    cold_runs={100: 1, 500: 2},
    moves=4,
    keys="an<<",
)


@dataclass
class Row:
    figure: str
    n: int | None
    values: list[float]
    floor: list[float] | None = None
    unit: str = "s"
    target: float | None = None
    target_is_ratio: bool = False
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        m, f = self.median, self.floor_median
        return m / f if m is not None and f else None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.error:
            return False
        got = self.ratio if self.target_is_ratio else self.median
        return None if got is None else got <= self.target


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note_once(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)
            print(f"  note: {note}", file=sys.stderr, flush=True)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print("  " + _fmt_row(row), file=sys.stderr, flush=True)
        return row


# ---------------------------------------------------------------- caseloads


def caseload(n: int, k: int, history: tuple[str, int] | None) -> Path:
    """The generated caseload for these parameters, built once and cached in bench/out/."""
    hist = f"-h{history[0]}x{history[1]}" if history else ""
    root = OUT_DIR / "caseloads" / f"n{n}-k{k}{hist}-g{generate.GENERATOR_VERSION}"
    marker = root / ".git" / "bench-generated.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        restore(root, info["head"])
        return root
    if root.exists():
        import shutil

        shutil.rmtree(root)
    print(f"generating {root.name} (once; cached in bench/out/) ...", file=sys.stderr)
    stats = generate.generate(root, n, k, history)
    marker.write_text(json.dumps(stats))
    return root


def head_of(root: Path) -> str:
    return json.loads((root / ".git" / "bench-generated.json").read_text())["head"]


def restore(root: Path, head: str) -> None:
    """Put the caseload back exactly as generated (edits made by a previous run undone)."""
    if git(root, "rev-parse", "HEAD").strip() != head or git(root, "status", "--porcelain"):
        git(root, "reset", "-q", "--hard", head)
        git(root, "clean", "-qfd", "--", "participants")


def cache_files(root: Path) -> list[Path]:
    """ipstui's disposable caches in the git dir, whatever their name and format."""
    return [p for p in (root / ".git").glob("ipstui-*") if "cache" in p.name and p.is_file()]


def drop_cache(root: Path) -> None:
    for path in cache_files(root):
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- processes


def _report_path() -> str:
    fd, path = tempfile.mkstemp(prefix="ipstui-bench-", suffix=".json")
    os.close(fd)
    os.unlink(path)
    return path


def _read_report(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


@dataclass
class AppRun:
    seconds: float | None
    maxrss_mb: float
    tree_mb: float
    report: dict[str, Any]


def run_in_pty(argv: Sequence[str], env: dict[str, str], size: tuple[int, int] = (160, 50)):
    """Run a process with a real terminal (a pty of `size`), draining what it draws."""
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = dict(env, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    t_wall = time.time()
    proc = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    sampler = TreeSampler(proc.pid)
    drawn = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            drawn.extend(chunk[-4096:])

    th = threading.Thread(target=drain, daemon=True)
    th.start()
    _, status, usage = os.wait4(proc.pid, 0)
    tree = sampler.stop()
    os.close(master)
    th.join(timeout=2)
    return t_wall, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, tree, bytes(drawn)


def open_app(root: Path, *, prestart: bool, headless: bool) -> AppRun:
    report = _report_path()
    argv = [PY, PROBES, "open", str(root), "--today", TODAY.isoformat(), "--report", report]
    env = git_env({"BENCH_PRESTART_TRACKER": "1" if prestart else "0"})
    if headless:
        run = run_child([*argv, "--headless"], env=env, sample_tree=True)
        t_wall, code, maxrss, tree = run.spawned_at, run.returncode, run.maxrss_mb, run.tree_mb
        drawn = run.stderr
    else:
        t_wall, code, maxrss, tree, drawn = run_in_pty(argv, env)
    rep = _read_report(report)
    if "t_frame" not in rep:
        rep.setdefault("error", f"exit {code}: " + drawn[-600:].decode("utf-8", "replace"))
        return AppRun(None, maxrss, tree, rep)
    return AppRun(rep["t_frame"] - t_wall, maxrss, tree, rep)


def floor_open(root: Path) -> tuple[float, float]:
    report = _report_path()
    run = run_child([PY, PROBES, "floor-open", str(root), "--report", report])
    rep = _read_report(report)
    if "t_done" not in rep:
        raise RuntimeError(f"floor-open failed: {run.stderr.decode()[-500:]}")
    return rep["t_done"] - run.spawned_at, run.maxrss_mb


def timed(argv: Sequence[str], cwd: Path | None = None, stdin: bytes | None = None) -> ChildRun:
    run = run_child(argv, cwd=cwd, stdin=stdin)
    if run.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(argv)} exited {run.returncode}: {run.stderr.decode()[-800:]}"
        )
    return run


def ipstui(root: Path, *args: str) -> list[str]:
    return [PY, "-m", "ipstui", "-C", str(root), *args, "--today", TODAY.isoformat()]


# ---------------------------------------------------------------- figures


def bench_open_due(
    res: Results, root: Path, n: int, runs: int, cold_runs: int, headless: bool, only: set[str]
) -> None:
    """open (cold, warm), due --json, their floors, and peak memory at one N."""
    print(f"[N={n:,}] open / due / memory ({runs} runs, {cold_runs} cold)", file=sys.stderr)
    # Warm-up: compiled bytecode, the page cache, the parse cache.
    timed(ipstui(root, "due", "--json"))
    floor_open(root)
    timed([PY, PROBES, "floor-due", str(root), "--report", os.devnull])
    cold: list[float] = []
    warm: list[float] = []
    f_open: list[float] = []
    due: list[float] = []
    f_due: list[float] = []
    mem_cold: list[float] = []
    mem_warm: list[float] = []
    rss_cold: list[float] = []
    rss_warm: list[float] = []
    f_rss: list[float] = []
    due_rss: list[float] = []
    peer: list[float] = []
    tw = taskwarrior.data_dir(n) if ("due" in only and taskwarrior.TASK) else None
    if tw is not None:
        timed(taskwarrior.list_argv(tw))
    prestart = False
    cold_error = ""
    warm_error = ""
    for i in range(runs):
        if "open" in only:
            t, rss = floor_open(root)
            f_open.append(t)
            f_rss.append(rss)
            if i < cold_runs:
                drop_cache(root)
                r = open_app(root, prestart=prestart, headless=headless)
                if r.seconds is None and TRACKER_ERROR in r.report.get("error", ""):
                    cold_error = r.report["error"]
                    prestart = True
                    drop_cache(root)
                    r = open_app(root, prestart=True, headless=headless)
                if r.seconds is None:
                    cold_error = r.report.get("error", "no report")
                else:
                    cold.append(r.seconds)
                    mem_cold.append(r.tree_mb)
                    rss_cold.append(r.maxrss_mb)
                    _check_loaded(r.report, n)
            if not cache_files(root):
                timed(ipstui(root, "due", "--json"))  # the warm runs need a cache
            r = open_app(root, prestart=False, headless=headless)
            if r.seconds is None:
                warm_error = r.report.get("error", "no report")
            else:
                warm.append(r.seconds)
                mem_warm.append(r.tree_mb)
                rss_warm.append(r.maxrss_mb)
                _check_loaded(r.report, n, cached=True)
        if "due" in only:
            f_due.append(timed([PY, PROBES, "floor-due", str(root), "--report", os.devnull]).wall)
            run = timed(ipstui(root, "due", "--json"))
            due.append(run.wall)
            due_rss.append(run.maxrss_mb)
            if tw is not None:
                peer.append(timed(taskwarrior.list_argv(tw)).wall)
    if "open" in only:
        note = ""
        if prestart:
            note = "app fails to load without the workaround; measured with it (see notes)"
            res.notes.append(
                f"open cold N={n:,}: the app never finished loading ({cold_error}); "
                "measured with BENCH_PRESTART_TRACKER=1 (resource tracker started before "
                "Textual replaces sys.stderr)."
            )
        res.add(
            Row(
                "open, cold (no cache)",
                n,
                cold,
                f_open,
                target=6.0 if n == 20_000 else None,
                note=note,
                error=cold_error if not cold else "",
            )
        )
        res.add(
            Row(
                "open, warm",
                n,
                warm,
                f_open,
                target={2_000: 0.8, 20_000: 1.5}.get(n),
                error=warm_error if not warm else "",
            )
        )
    if "due" in only:
        res.add(Row("`due --json`, warm", n, due, f_due, target=1.0 if n == 20_000 else None))
        if tw is not None:
            res.add(
                Row(
                    "`due --json` vs Taskwarrior `task due.before:… list`",
                    n,
                    due,
                    peer,
                    target=1.0 if n == 2_000 else None,
                    target_is_ratio=True,
                    note=f"peer: {n:,} pending tasks",
                )
            )
        else:
            res.note_once(taskwarrior.SKIP_LINE)
    if "open" in only:
        res.add(
            Row(
                "peak memory, open cold (process tree)",
                n,
                mem_cold,
                f_rss,
                unit="MB",
                target=400 if n == 20_000 else None,
                note="sum of RSS of the app and its parse workers; floor: floor-open RSS",
            )
        )
        res.add(
            Row(
                "peak memory, open warm (process tree)",
                n,
                mem_warm,
                f_rss,
                unit="MB",
                target=400 if n == 20_000 else None,
            )
        )
        res.add(Row("peak RSS, app process alone, cold", n, rss_cold, f_rss, unit="MB"))
    if "due" in only:
        res.add(Row("peak RSS, `due --json`", n, due_rss, None, unit="MB"))


def _check_loaded(report: dict[str, Any], n: int, cached: bool = False) -> None:
    if report.get("participants") != n or report.get("problems"):
        raise RuntimeError(f"the app loaded {report.get('participants')} of {n}: {report}")
    parsed = report.get("stats", {}).get("parsed")
    if cached and parsed:
        print(f"    note: warm open parsed {parsed} files", file=sys.stderr)
    if not cached and parsed is not None and parsed < n:
        raise RuntimeError(
            f"a cold open parsed only {parsed} of {n} files: ipstui keeps a cache that "
            "bench/run.py does not know how to drop (see cache_files())"
        )


def _floor_commit(root: Path, rel: str, make: Callable[[dict[str, Any]], dict[str, Any]]) -> float:
    """Write the next version of `rel` the way ipstui would, then time `git commit` of it."""
    from ipstui.core.changes import commit_message
    from ipstui.core.storage import dumps, loads_bytes

    path = root / rel
    old = loads_bytes(path.read_bytes(), rel)
    new = make(old)
    message, _ = commit_message(str(old["id"]), old, new)
    path.write_text(dumps(new), encoding="utf-8")
    run = timed(
        ["git", "-C", str(root), "commit", "-q", "-F", "-", "--", rel], stdin=message.encode()
    )
    return run.wall


def bench_startup(res: Results, runs: int) -> None:
    """`ipstui --help` (start-up alone) against `python -c pass`."""
    print("[start-up] ipstui --help vs python -c pass", file=sys.stderr)
    mine_argv = [PY, "-m", "ipstui", "--help"]
    timed(mine_argv)
    mine, floor = [], []
    for _ in range(runs * 2):
        floor.append(timed([PY, "-c", "pass"]).wall)
        mine.append(timed(mine_argv).wall)
    res.add(
        Row(
            "start-up: `ipstui --help`",
            None,
            mine,
            floor,
            target=3.0,
            target_is_ratio=True,
            note="floor: `python -c pass`",
        )
    )


def bench_report(res: Results, root: Path, n: int, runs: int) -> None:
    """`report --format json` against `due --json` (both warm), peak memory, cold `due`."""
    print(f"[N={n:,}] report / cold due ({runs} runs)", file=sys.stderr)
    report_argv = ipstui(root, "report", "--format", "json")
    due_argv = ipstui(root, "due", "--json")
    timed(due_argv)
    timed(report_argv)
    rep, due, rep_rss, due_rss, cold, f_due = [], [], [], [], [], []
    cold_runs = min(runs, 3)
    for i in range(runs):
        run = timed(due_argv)
        due.append(run.wall)
        due_rss.append(run.maxrss_mb)
        run = timed(report_argv)
        rep.append(run.wall)
        rep_rss.append(run.maxrss_mb)
        if i < cold_runs:
            f_due.append(timed([PY, PROBES, "floor-due", str(root), "--report", os.devnull]).wall)
            drop_cache(root)
            cold.append(timed(due_argv).wall)
    big = n >= 100_000
    res.add(
        Row(
            "`report --format json`, warm",
            n,
            rep,
            due,
            target=1.5 if big else None,
            target_is_ratio=True,
            note="floor: `due --json` in the same loop",
        )
    )
    res.add(
        Row(
            "peak RSS, `report --format json`",
            n,
            rep_rss,
            due_rss,
            unit="MB",
            target=300 if big else None,
            note="floor: peak RSS of `due --json`",
        )
    )
    res.add(
        Row(
            "`due --json`, cold (cache removed)",
            n,
            cold,
            f_due,
            target=5.0 if big else None,
            note="floor: parse every file with tomllib",
        )
    )


def _drop_commit_graph(root: Path) -> None:
    """No commit-graph and no record that ipstui wrote one."""
    import shutil

    info = root / ".git" / "objects" / "info"
    (info / "commit-graph").unlink(missing_ok=True)
    shutil.rmtree(info / "commit-graphs", ignore_errors=True)
    for name in ("ipstui-graph-full", "ipstui-graph-pending"):
        (root / ".git" / name).unlink(missing_ok=True)


KEEP_GRAPH = (
    "import sys; from pathlib import Path; from ipstui.core.history import keep_commit_graph; "
    "r = Path(sys.argv[1]); "
    "print(keep_commit_graph(r, r / '.git', commits=int(sys.argv[2]), background=False))"
)


def bench_deep_history(res: Results, root: Path, n: int, k: int, runs: int) -> None:
    """`log ID` in a deep repository: before (graph as `git gc` leaves it, no changed-path
    filters), the one-time write ipstui does, after, and what the upkeep costs per commit."""
    pid = HISTORY_PID
    rel = f"participants/{pid}.toml"
    got = int(git(root, "rev-list", "--count", "HEAD", "--", rel).strip())
    label = f"{got} of {k:,} commits"
    print(f"[N={n:,}, {k:,} commits] history of {pid} ({got} commits)", file=sys.stderr)
    log_argv = ipstui(root, "log", pid)
    floor_argv = ["git", "-C", str(root), "log", "-p", "--", rel]
    _drop_commit_graph(root)
    git(root, "commit-graph", "write", "--reachable")  # what `git gc` leaves
    timed(log_argv)
    before, after, floor = [], [], []
    for _ in range(runs):
        floor.append(timed(floor_argv).wall)
        run = timed(log_argv)
        before.append(run.wall)
    before_rss = run.maxrss_mb
    _drop_commit_graph(root)
    full = timed([PY, "-c", KEEP_GRAPH, str(root), "1"])
    if full.stdout.strip() != b"full":
        raise RuntimeError(f"keep_commit_graph did not write: {full.stdout!r} {full.stderr!r}")
    timed(log_argv)
    floor_after = []
    for _ in range(runs):
        floor_after.append(timed(floor_argv).wall)
        run = timed(log_argv)
        after.append(run.wall)
    after_rss = run.maxrss_mb
    res.add(
        Row(
            f"history: `ipstui log`, no changed-path filters ({label})",
            n,
            before,
            floor,
            note=f"floor: `git log -p -- <file>`; peak RSS {before_rss:.0f} MB",
        )
    )
    res.add(
        Row(
            f"history: `ipstui log`, graph kept by ipstui ({label})",
            n,
            after,
            floor_after,
            target=0.5,
            note=f"floor: `git log -p -- <file>` with the same graph; peak RSS {after_rss:.0f} MB",
        )
    )
    res.add(
        Row(
            "commit-graph: first full write with filters (once per clone)",
            n,
            [full.wall],
            None,
            note=f"{k:,} commits",
        )
    )
    # The upkeep: GRAPH_BATCH plain commits, then the incremental write ipstui runs.
    from ipstui.core.history import GRAPH_BATCH

    inc = []
    head = git(root, "rev-parse", "HEAD").strip()
    try:
        for r in range(runs):
            for i in range(GRAPH_BATCH):
                git(root, "commit", "-q", "--allow-empty", "-m", f"bench batch {r}.{i}")
            run = timed([PY, "-c", KEEP_GRAPH, str(root), str(GRAPH_BATCH)])
            if run.stdout.strip() != b"incremental":
                raise RuntimeError(f"no incremental write: {run.stdout!r} {run.stderr!r}")
            inc.append(run.wall)
        py = [timed([PY, "-c", "import ipstui.core.history"]).wall for _ in range(runs)]
    finally:
        git(root, "reset", "-q", "--hard", head)
    res.add(
        Row(
            f"commit-graph: incremental write after {GRAPH_BATCH} commits",
            n,
            inc,
            py,
            note=f"per commit: median / {GRAPH_BATCH}; floor: the Python start-up "
            "around it (the hook itself runs in the saving process)",
        )
    )


def bench_history(res: Results, root: Path, n: int, plan: Plan) -> None:
    pid, count = plan.history
    rel = f"participants/{pid}.toml"
    got = int(git(root, "rev-list", "--count", "HEAD", "--", rel).strip())
    print(f"[N={n:,}] history of {pid} ({got} commits)", file=sys.stderr)
    timed(ipstui(root, "log", pid))
    mine, floor = [], []
    for _ in range(plan.runs):
        floor.append(timed(["git", "-C", str(root), "log", "-p", "--", rel]).wall)
        mine.append(timed(ipstui(root, "log", pid)).wall)
    total = git(root, "rev-list", "--count", "HEAD").strip()
    res.add(
        Row(
            f"history: `ipstui log` ({got} of {total} commits)",
            n,
            mine,
            floor,
            target=1.5,
            target_is_ratio=True,
            note="floor: `git log -p -- <file>`",
        )
    )


def _wait_for_graph(root: Path, limit: float = 300.0) -> None:
    """Until ipstui's background commit-graph write (after its first save) is done, so
    it does not run beside the timed edits (ipstui before issue 17 never starts one)."""
    gd = root / ".git"
    end = time.monotonic() + limit
    while (gd / "ipstui-graph-full-started").exists() and time.monotonic() < end:
        time.sleep(0.1)


def bench_cli_contact(res: Results, root: Path, n: int, runs: int) -> None:
    """One CLI edit (`ipstui contact`, the whole process) against `git commit` of the
    same change alone, and against Taskwarrior's `task add` when installed."""
    pid = "P-00002"
    rel = f"participants/{pid}.toml"
    print(f"[N={n:,}] CLI contact on {pid}", file=sys.stderr)

    def append(d: dict[str, Any]) -> dict[str, Any]:
        new = dict(d)
        contact = {"on": TODAY, "kind": "phone", "by": "anna", "note": CONTACT_NOTE}
        new["contacts"] = [*d.get("contacts", []), contact]
        return new

    args = ("contact", pid, "--kind", "phone", "--on", TODAY.isoformat(), "--by", "anna")
    timed([*ipstui(root, *args), "--note", CONTACT_NOTE])  # warm-up
    _wait_for_graph(root)  # the first save started the full commit-graph write
    tw = taskwarrior.data_dir(n) if taskwarrior.TASK else None
    mine, floor, peer = [], [], []
    for i in range(runs):
        floor.append(_floor_commit(root, rel, append))
        mine.append(timed([*ipstui(root, *args), "--note", CONTACT_NOTE]).wall)
        if tw is not None:
            peer.append(timed(taskwarrior.add_argv(tw, i)).wall)
    res.add(
        Row(
            "edit: CLI `contact` (whole process)",
            n,
            mine,
            floor,
            target=1.5,
            target_is_ratio=True,
            note="floor: `git commit` of the same appended contact",
        )
    )
    if tw is not None:
        res.add(Row("edit: CLI `contact` vs Taskwarrior `task add`", n, mine, peer))
    else:
        res.note_once(taskwarrior.SKIP_LINE)


def pick_movable(root: Path) -> str:
    """A participant whose previous and next phases are both on the board."""
    import tomllib

    for i in range(3, 1000):
        pid = generate.pid_of(i)
        path = root / "participants" / f"{pid}.toml"
        if not path.exists():
            break
        with path.open("rb") as fh:
            if tomllib.load(fh).get("phase") in ("engagement", "assessment", "plan", "job_search"):
                return pid
    raise RuntimeError("no participant in a middle phase")


def bench_app(res: Results, root: Path, n: int, plan: Plan, only: set[str]) -> None:
    from ipstui.core.model import PHASES

    pid = pick_movable(root)
    rel = f"participants/{pid}.toml"
    print(f"[N={n:,}] in the app: filter keystrokes, moves of {pid}", file=sys.stderr)
    if not cache_files(root):
        timed(ipstui(root, "due", "--json"))
    report = _report_path()
    moves = plan.moves if "edit" in only else 0
    keys = plan.keys if "filter" in only else ""
    argv = [PY, PROBES, "app", str(root), "--today", TODAY.isoformat(), "--report", report]
    argv += ["--move", pid, "--moves", str(moves), "--keys", keys]
    run = run_child(argv, env=git_env({"BENCH_PRESTART_TRACKER": "1"}))
    rep = _read_report(report)
    if run.returncode != 0 or not rep:
        raise RuntimeError(f"app probe failed: {run.stderr.decode()[-1500:]}")
    if "filter" in only:
        res.add(
            Row(
                "filter keystroke: key to next board frame",
                n,
                rep["keys"],
                None,
                target=0.033,  # two frames at 60 Hz (issue 13)
                note=f"{len(rep['keys'])} keystrokes",
            )
        )
        res.add(Row("filter: `BoardScreen.redraw()` alone", n, rep["redraw"], None))
    if "edit" in only:
        phase0 = None

        def toggle(d: dict[str, Any]) -> dict[str, Any]:
            nonlocal phase0
            new = dict(d)
            i = PHASES.index(d["phase"])
            phase0 = phase0 or d["phase"]
            new["phase"] = PHASES[i + 1] if d["phase"] == phase0 else PHASES[i - 1]
            new["phase_since"] = TODAY
            return new

        floor = [_floor_commit(root, rel, toggle) for _ in range(plan.runs * 2)]
        res.add(
            Row(
                "edit: move in the app (until saved)",
                n,
                rep["move_saved"],
                floor,
                target=1.3,
                target_is_ratio=True,
                note="floor: `git commit` of the same phase change",
            )
        )
        res.add(Row("edit: move in the app (until next frame)", n, rep["move_frame"], floor))


# ---------------------------------------------------------------- output


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "MB":
        return f"{v:,.0f} MB"
    if v < 1:
        return f"{v * 1000:,.1f} ms" if v < 0.1 else f"{v * 1000:,.0f} ms"
    return f"{v:,.2f} s"


def _fmt_target(row: Row) -> str:
    if row.target is None:
        return ""
    if row.target_is_ratio:
        return f"≤ {row.target:g}× floor"
    return f"≤ {_fmt(row.target, row.unit)}"


def _fmt_met(row: Row) -> str:
    met = row.met
    if met is None:
        return ""
    return "yes" if met else "**NO**"


def _fmt_row(row: Row) -> str:
    n = f"{row.n:,}" if row.n else ""
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
    median = _fmt(row.median, row.unit) if not row.error else f"failed: {row.error[:80]}"
    return (
        f"| {row.figure} | {n} | {median} | {_fmt(row.floor_median, row.unit)} | {ratio} "
        f"| {_fmt_target(row)} | {_fmt_met(row)} | {len(row.values)} |"
    )


def table(res: Results) -> str:
    head = (
        "| figure | N | median | floor | ratio | target | met? | runs |\n"
        "|---|--:|--:|--:|--:|---|---|--:|"
    )
    return "\n".join([head, *(_fmt_row(r) for r in res.rows)])


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import textual

    gitv = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    where = ipstui_dir()
    rev = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(where), "status", "--porcelain", "--", "ipstui"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    rev = (rev or "?") + (" with uncommitted changes in ipstui/" if dirty else "")
    if where != PROJECT_DIR:
        rev += f" ({where})"
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "git": gitv.replace("git version ", ""),
        "textual": textual.__version__,
        "ipstui commit": rev,
    }


def write_results(path: Path, res: Results, info: dict[str, Any]) -> None:
    m = info["machine"]
    lines = [
        "# ipstui benchmark results",
        "",
        f"- **Date**: {info['date']}",
        f"- **Command**: `{info['command']}`",
        f"- **Machine**: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} RAM, {m['os']}",
        f"- **Software**: Python {m['python']}, git {m['git']}, Textual {m['textual']}, "
        f"ipstui at {m['ipstui commit']}"
        + (f", {m['taskwarrior']}" if m.get("taskwarrior") else ""),
        f"- **Load average** at start / end: {info['load_start']} / {info['load_end']}"
        + (" — the machine was busy; expect noise" if info["busy"] else ""),
        f"- **Duration**: {info['duration']}",
        f"- **Open** is measured {info['open_mode']}.",
        "",
        table(res),
        "",
        "Medians over the runs shown; floors were measured in the same run, interleaved "
        "with the subject. `ratio` = median / floor median. What each figure and floor "
        "measure: bench/README.md.",
    ]
    if res.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in res.notes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ALL_FIGURES = ("startup", "open", "due", "report", "history", "edit", "filter")


def parse_sizes(text: str) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """ "200,2000,2000:100000" -> ((200, 2000), ((2000, 100000),))."""
    sizes: list[int] = []
    deep: list[tuple[int, int]] = []
    for part in text.split(","):
        n, _, k = part.strip().partition(":")
        if k:
            deep.append((int(n), int(k)))
        elif n:
            sizes.append(int(n))
    return tuple(sizes), tuple(deep)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small caseloads, few runs (< 1 min)")
    ap.add_argument("--runs", type=int, help="runs per figure (default 5; quick 3)")
    ap.add_argument(
        "--sizes",
        help="comma-separated sizes (default 200,2000,20000): N participants for open, due,\n"
        "report and edits (100000 is the optional large one), or N:K for history at\n"
        "depth: N participants with K commits (e.g. 2000:100000)",
    )
    ap.add_argument(
        "--only",
        default=",".join(ALL_FIGURES),
        help="subset of: " + ",".join(ALL_FIGURES),
    )
    ap.add_argument(
        "--headless", action="store_true", help="open the app headless instead of in a pty"
    )
    ap.add_argument(
        "--ipstui",
        type=Path,
        metavar="DIR",
        help="measure the ipstui package in DIR (a checkout or scratch copy) instead of this one",
    )
    ap.add_argument("--out", type=Path, help="where to write the results markdown")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    if args.ipstui:
        os.environ["BENCH_IPSTUI_DIR"] = str(args.ipstui.resolve())
    plan = QUICK if args.quick else FULL
    if args.runs:
        plan = Plan(**{**plan.__dict__, "runs": args.runs})
    sizes, deep = parse_sizes(args.sizes) if args.sizes else (plan.sizes, ())
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    t0 = time.monotonic()
    info: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join([Path(sys.executable).name, "bench/run.py", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "open_mode": (
            "headless (Textual's headless driver, 160×50)"
            if args.headless
            else "in a pseudo-terminal of 160×50 with Textual's real Linux driver"
        ),
    }
    res = Results()
    if not taskwarrior.TASK:
        res.note_once(taskwarrior.SKIP_LINE)
    else:
        info["machine"]["taskwarrior"] = taskwarrior.version() or "?"
    if "startup" in only:
        bench_startup(res, plan.runs)
    for n in sizes:
        k = plan.edit_commits if n == plan.edit_n else plan.commits.get(n, min(1_000, n // 2))
        hist = plan.history if n == plan.edit_n else None
        if only & {"open", "due", "report"} or ("edit" in only and n == 2_000):
            root = caseload(n, k, hist)
            head = head_of(root)
            try:
                if only & {"open", "due"}:
                    cold = plan.cold_runs.get(n, min(plan.runs, 3))
                    bench_open_due(res, root, n, plan.runs, cold, args.headless, only)
                if "report" in only:
                    bench_report(res, root, n, plan.runs)
                if "edit" in only and n == 2_000 and n != plan.edit_n:
                    bench_cli_contact(res, root, n, plan.runs)
            finally:
                restore(root, head)
    for n, k in deep:
        if "history" in only:
            root = caseload(n, k, plan.history)
            head = head_of(root)
            try:
                bench_deep_history(res, root, n, k, plan.runs)
            finally:
                restore(root, head)
    if only & {"history", "edit", "filter"} and plan.edit_n in sizes:
        root = caseload(plan.edit_n, plan.edit_commits, plan.history)
        head = head_of(root)
        try:
            if "history" in only:
                bench_history(res, root, plan.edit_n, plan)
            if "edit" in only:
                bench_cli_contact(res, root, plan.edit_n, plan.runs)
            if only & {"edit", "filter"}:
                try:
                    bench_app(res, root, plan.edit_n, plan, only)
                except (RuntimeError, OSError) as exc:  # keep every other figure
                    res.notes.append(f"in-app figures failed: {str(exc)[-300:]}")
        finally:
            restore(root, head)
    load_end = os.getloadavg()
    info["load_end"] = " ".join(f"{x:.2f}" for x in load_end)
    info["busy"] = max(load_end[0], float(info["load_start"].split()[0])) > 1.0
    info["duration"] = f"{(time.monotonic() - t0) / 60:.1f} min"
    out = table(res)
    print(out)
    for note in res.notes:
        print(f"note: {note}")
    if not args.no_write:
        path = args.out or (
            OUT_DIR / "RESULTS-quick.md" if args.quick else BENCH_DIR / "RESULTS.md"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        write_results(path, res, info)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
