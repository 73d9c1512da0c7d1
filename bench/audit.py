"""`ipstui audit` for a month of changes against a plain `git log` of the same range.

    python bench/audit.py                       # the 20,000 / 5,000 caseload of run.py
    python bench/audit.py --dir CASELOAD --runs 9 --no-write
    python bench/audit.py --ipstui /tmp/old-ipstui --out bench/out/audit-before.md

Figures (medians; subject and floor alternate in one loop, so load hits both):

- **floor**: `git log --since=S --until=U --format=<hash, author, e-mail, date, %G?,
  message>` — the same information the audit reads — with its output drained.
- **audit, in process**: `ipstui.core.audit.audit(root, since=S, until=U)` plus
  rendering the JSON, in a warm process (what the app or a long-running tool pays).
- **audit, whole process**: `python -m ipstui audit --since S --until U --format json`,
  spawn to exit (adds the interpreter start and ipstui's imports).
- **python start**: `python -c "import ipstui.cli"`, spawn to exit, for scale.

The month is the 30 days up to the generated caseloads' date (2026-11-16). Writes
bench/RESULTS-audit.md unless --no-write.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BENCH_DIR, TODAY, git_env, python  # noqa: E402

FORMAT = "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%G?%x1f%B%x1d"


def _timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, bytes]:
    t = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed: {proc.stderr.decode()[-300:]}")
    return wall, proc.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, help="a caseload (default: run.py's 20,000 / 5,000)")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", type=Path, help="where to write (default: bench/RESULTS-audit.md)")
    ap.add_argument(
        "--ipstui", type=Path, metavar="DIR", help="measure the ipstui package in DIR instead"
    )
    args = ap.parse_args(argv)
    if args.ipstui:
        os.environ["BENCH_IPSTUI_DIR"] = str(args.ipstui.resolve())
        sys.path.insert(0, str(args.ipstui.resolve()))
    if args.dir is None:
        from bench.run import caseload

        root = caseload(20000, 5000, ("P-00001", 500))
    else:
        root = args.dir.resolve()
    env = git_env()
    os.environ.update({k: v for k, v in env.items() if k.startswith("GIT_")})
    until = TODAY
    since = until - timedelta(days=args.days)
    s, u = since.isoformat(), until.isoformat()

    from ipstui.core import audit

    def in_process() -> tuple[float, int]:
        t = time.perf_counter()
        rows = audit.audit(root, since=since, until=until)
        audit.render(rows, "json")
        return time.perf_counter() - t, len(rows)

    in_process()  # imports and the OS cache warm
    floor, inproc, whole, start = [], [], [], []
    commits = rows = 0
    for _ in range(args.runs):
        w, out = _timed(["git", "log", f"--since={s}", f"--until={u} 23:59:59", FORMAT], root, env)
        floor.append(w)
        commits = out.count(b"\x1d")
        w, rows = in_process()
        inproc.append(w)
        w, _ = _timed(
            [python(), "-m", "ipstui", "audit", "--since", s, "--until", u, "--format", "json"],
            root,
            env,
        )
        whole.append(w)
        w, _ = _timed([python(), "-c", "import ipstui.cli"], root, env)
        start.append(w)
    f = statistics.median(floor)
    rows_md = [
        ("floor: `git log --since --format=...`", f, None),
        ("audit, in process (read + JSON)", statistics.median(inproc), 2.0),
        ("audit, whole process (`python -m ipstui audit`)", statistics.median(whole), 2.0),
        ("python start + `import ipstui.cli`", statistics.median(start), None),
    ]
    n_files = sum(1 for _ in (root / "participants").glob("*.toml"))
    total = int(subprocess.run(["git", "-C", str(root), "rev-list", "--count", "HEAD"],
                               capture_output=True, text=True, env=env).stdout)  # fmt: skip
    lines = [
        "# `ipstui audit`: a month of changes",
        "",
        f"- **Date**: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- **Command**: `python bench/audit.py{' --dir ...' if args.dir else ''}"
        f"{' --ipstui ' + str(args.ipstui) if args.ipstui else ''} --runs {args.runs}`",
        f"- **Machine**: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- **Caseload**: {n_files:,} participants, {total:,} commits; range {s}..{u}: "
        f"{commits:,} commits, {rows:,} field changes listed",
        "",
        "| figure | median | ratio to floor | target | met? |",
        "|---|--:|--:|---|---|",
    ]
    for name, value, target in rows_md:
        ratio = value / f
        met = "" if target is None else ("yes" if ratio <= target else "**NO**")
        tgt = "" if target is None else f"≤ {target:g}× floor"
        lines.append(f"| {name} | {value * 1000:.0f} ms | {ratio:.2f}× | {tgt} | {met} |")
    lines += [
        "",
        f"Medians of {args.runs} runs, subject and floor interleaved. The whole-process "
        "figure adds the interpreter start and imports (last row), which no Python "
        "command can avoid.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        out = args.out or BENCH_DIR / "RESULTS-audit.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
