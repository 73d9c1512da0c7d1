"""Paired runs with CPU time: each round runs every command once, in turn, so a burst of
background load hits all of them; prints the median wall time and the median CPU time
(user + sys of the process and every child it waited for, from `wait4`) of each.

    python bench/pair.py --rounds 7 --cwd CASELOAD --before /tmp/old-ipstui \\
        --cmd 'ipstui log P-00001' --cmd 'git log -p -- participants/P-00001.toml'

A command starting with `ipstui` runs as `python -m ipstui` twice: once with this
checkout ("after") and, with `--before DIR`, once with the ipstui package in DIR
("before"). `--pre` runs a shell command before every run (e.g. removing caches). The
environment is the benchmark's hermetic one (`common.git_env`) with the commit-graph
upkeep off."""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import OUT_DIR, PROJECT_DIR, git_env  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cwd", type=Path, required=True, help="where the commands run")
    ap.add_argument("--cmd", action="append", required=True, help="a command (shell words)")
    ap.add_argument("--before", type=Path, help="another checkout's ipstui package directory")
    ap.add_argument("--pre", help="shell command run in --cwd before every run")
    args = ap.parse_args()
    runs: dict[str, tuple[list[str], dict[str, str]]] = {}
    for cmd in args.cmd:
        words = shlex.split(cmd)
        if words[0] == "ipstui":
            argv = [sys.executable, "-m", "ipstui", *words[1:]]
            if args.before:
                runs[f"before: {cmd}"] = (argv, {"PYTHONPATH": str(args.before.resolve())})
            runs[f"after: {cmd}"] = (argv, {"PYTHONPATH": str(PROJECT_DIR)})
        else:
            runs[cmd] = (words, {})
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    wall: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, (argv, extra) in runs.items():
            if args.pre:
                subprocess.run(args.pre, shell=True, cwd=args.cwd, check=False)
            env = git_env({"IPSTUI_COMMIT_GRAPH": "off", **extra})
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                argv, cwd=args.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, _, usage = os.wait4(proc.pid, 0)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(usage.ru_utime + usage.ru_stime)
    print(os.popen("uptime").read().strip())
    for name in runs:
        print(
            f"{name:50s} wall {statistics.median(wall[name]) * 1000:8.0f} ms"
            f"  cpu {statistics.median(cpu[name]) * 1000:8.0f} ms  (n={len(wall[name])})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
