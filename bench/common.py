"""Shared pieces of the benchmark: paths, a hermetic git environment, and running a
child process while measuring its wall time and peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
TODAY = date(2026, 11, 16)
"""The date every generated caseload is written for; every run passes it as --today."""

TEAM: dict[str, dict[str, str]] = {
    "anna": {"name": "Anna Bianchi", "email": "anna@example.org"},
    "mette": {"name": "Mette Kjaergaard", "email": "mette@example.org"},
    "lars": {"name": "Lars Lindqvist", "email": "lars@example.org"},
    "sofia": {"name": "Sofia Conti", "email": "sofia@example.org"},
}
BENCH_AUTHOR = ("Bench Runner", "bench@example.org")


def ipstui_dir() -> Path:
    """The ipstui checkout under test: $BENCH_IPSTUI_DIR (run.py --ipstui), else this one."""
    return Path(os.environ.get("BENCH_IPSTUI_DIR") or PROJECT_DIR)


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of every git and ipstui process the benchmark starts: no user or
    system git config, a fixed identity, and ipstui importable from this checkout."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    empty = OUT_DIR / "gitconfig-empty"
    if not empty.exists():
        empty.write_text("")
    env = dict(os.environ)
    for key in list(env):
        # PYTHONDONTWRITEBYTECODE would make every run compile ipstui from source, which
        # an installed ipstui never does.
        if key.startswith("GIT_") or key in ("IPSTUI_CASELOAD", "PYTHONDONTWRITEBYTECODE"):
            del env[key]
    env.update(
        {
            "GIT_CONFIG_GLOBAL": str(empty),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": BENCH_AUTHOR[0],
            "GIT_AUTHOR_EMAIL": BENCH_AUTHOR[1],
            "GIT_COMMITTER_NAME": BENCH_AUTHOR[0],
            "GIT_COMMITTER_EMAIL": BENCH_AUTHOR[1],
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            # `python -m ipstui` puts the current folder first on sys.path; run from a
            # checkout, that folder's ipstui would shadow `--ipstui DIR` (the "before" of a
            # before/after pair measured the checkout itself). Python 3.11's safe path
            # leaves sys.path to PYTHONPATH alone.
            "PYTHONSAFEPATH": "1",
            "PYTHONPATH": os.pathsep.join(
                [str(ipstui_dir())] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
            ),
        }
    )
    if extra:
        env.update(extra)
    return env


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-C", str(root), *args], input=input, capture_output=True, env=git_env()
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class ChildRun:
    """One finished child process."""

    wall: float
    """Seconds from just before the spawn to the child's exit."""
    maxrss_mb: float
    """Peak resident memory of the child (and of any descendant it waited for), in MB."""
    returncode: int
    stdout: bytes
    stderr: bytes
    spawned_at: float
    """time.time() just before the spawn, to compare with times the child reports."""
    tree_mb: float = 0.0
    """Peak summed RSS of the child and its descendants (only with sample_tree=True)."""


class TreeSampler:
    """Peak of the summed RSS of a process and all its descendants, sampled every 20 ms.
    (Pages shared between processes count once per process: this errs on the high side.)"""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as fh:
                        todo.extend(int(x) for x in fh.read().split())
            except OSError:
                continue
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/statm") as fh:
                        total += int(fh.read().split()[1]) * self._page
                except (OSError, ValueError, IndexError):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.02)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def run_child(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    pass_fds: Sequence[int] = (),
    sample_tree: bool = False,
) -> ChildRun:
    """Run a process to its end; wall time and peak RSS from wait4 (no sampling, no overhead).

    The child runs in `OUT_DIR` unless told otherwise: `python -m ipstui` and `python -c`
    put their working directory first on sys.path, so a child started in the project's
    root imported this checkout's ipstui whatever `--ipstui DIR` put on PYTHONPATH."""
    env = dict(env) if env is not None else git_env()
    if cwd is None:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        cwd = OUT_DIR
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    t_wall = time.time()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=out_w,
        stderr=err_w,
        pass_fds=tuple(pass_fds),
    )
    os.close(out_w)
    os.close(err_w)
    sampler = TreeSampler(proc.pid) if sample_tree else None
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    out, err = _drain(out_r, err_r)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    tree = sampler.stop() if sampler else 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(wall, usage.ru_maxrss / 1024, proc.returncode, out, err, t_wall, tree)


def _drain(*fds: int) -> list[bytes]:
    import selectors

    bufs = {fd: bytearray() for fd in fds}
    sel = selectors.DefaultSelector()
    for fd in fds:
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(fds)
    while open_fds:
        for key, _ in sel.select():
            chunk = os.read(key.fd, 1 << 16)
            if chunk:
                bufs[key.fd] += chunk
            else:
                sel.unregister(key.fd)
                os.close(key.fd)
                open_fds.discard(key.fd)
    return [bytes(bufs[fd]) for fd in fds]


def python() -> str:
    return sys.executable
