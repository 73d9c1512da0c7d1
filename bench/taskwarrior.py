"""Taskwarrior as an optional peer (issue 17): the tool a terminal user would pick
instead for "what is due". Skipped, with one clear line, when `task` is not installed.

A Taskwarrior 2.6 data directory is written directly in its own file format
(`pending.data`: one `[name:"value" ...]` line per task) with one pending task per
participant, due dates spread over the same weeks as the caseload's deadlines, so the
two tools answer the same question about the same number of people."""

from __future__ import annotations

import random
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import OUT_DIR, TEAM, TODAY

TASK = shutil.which("task")
SKIP_LINE = "Taskwarrior (`task`) is not installed: its peer figures are skipped (apt-get install taskwarrior)"
DUE_WINDOW_DAYS = 30
"""`due.before:` TODAY + this many days: overdue, due soon and upcoming, like `ipstui due`."""


def version() -> str | None:
    """`task --version`, or None when Taskwarrior is not installed."""
    if TASK is None:
        return None
    try:
        out = subprocess.run([TASK, "--version"], capture_output=True, text=True).stdout
        return f"Taskwarrior {out.strip()}"
    except OSError:
        return None


def data_dir(n: int) -> Path:
    """A Taskwarrior data directory with `n` pending tasks (built once, then reused).

    Returns the directory; its `taskrc` is the rc file every command must be given."""
    root = OUT_DIR / "taskwarrior" / f"n{n}"
    pending = root / "pending.data"
    rc = root / "taskrc"
    if pending.exists() and rc.exists():
        # `task add` runs of an earlier benchmark appended tasks: start from the original.
        base = root / "pending.data.orig"
        shutil.copyfile(base, pending)
        for name in ("undo.data", "backlog.data", "completed.data"):
            (root / name).unlink(missing_ok=True)
        return root
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(17)
    entry = int(datetime(2026, 8, 1, tzinfo=UTC).timestamp())
    today = datetime.combine(TODAY, datetime.min.time(), UTC)
    team = list(TEAM)
    lines = []
    for i in range(1, n + 1):
        due = today + timedelta(days=rng.randint(-40, 80))
        fields = {
            "description": f"Follow up P-{i:05d}: next contact",
            "due": str(int(due.timestamp())),
            "entry": str(entry),
            "modified": str(entry),
            "project": team[i % len(team)],
            "status": "pending",
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        lines.append("[" + " ".join(f'{k}:"{v}"' for k, v in fields.items()) + "]")
    pending.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copyfile(pending, root / "pending.data.orig")
    rc.write_text(
        f"data.location={root}\nconfirmation=off\nhooks=off\ncolor=off\nnews.version=2.6.0\n",
        encoding="utf-8",
    )
    return root


def list_argv(root: Path) -> list[str]:
    """`task due.before:DATE list`: the open tasks due before TODAY + 30 days."""
    before = (TODAY + timedelta(days=DUE_WINDOW_DAYS)).isoformat()
    return [str(TASK), f"rc:{root / 'taskrc'}", f"due.before:{before}", "list"]


def add_argv(root: Path, i: int) -> list[str]:
    """`task add`: one new task (the peer of one `ipstui contact`)."""
    return [
        str(TASK),
        f"rc:{root / 'taskrc'}",
        "add",
        f"Phone call {i} for P-00002",
        "project:anna",
    ]
