"""A participant's field-level history from git (SPEC §5): who, when, field, old, new.

One `git log --raw` names each commit's old and new blob; one `git cat-file --batch`
reads them all; the versions are parsed and compared field by field. The file
content is the truth, so hand edits committed with plain git show up too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import FieldChange, diff
from ipstui.core.model import participant_path

_ZERO = "0" * 40


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that touched the file, with the fields it changed."""

    commit: str
    author: str
    email: str
    when: datetime
    subject: str
    changes: tuple[FieldChange, ...]
    note: str = ""
    """Set when a version could not be parsed, so its changes are unknown."""


def _cat_blobs(root: Path, blobs: list[str]) -> dict[str, bytes]:
    if not blobs:
        return {}
    proc = gitio.git(root, "cat-file", "--batch", input="\n".join(blobs) + "\n", binary=True)
    out: dict[str, bytes] = {}
    data = proc.stdout
    pos = 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        header = data[pos:nl].decode()
        parts = header.split()
        if len(parts) < 3 or parts[1] != "blob":
            pos = nl + 1
            continue
        size = int(parts[2])
        out[parts[0]] = data[nl + 1 : nl + 1 + size]
        pos = nl + 1 + size + 1
    return out


def history(root: Path, pid: str, limit: int | None = None) -> list[Revision]:
    """Newest first."""
    path = participant_path(root, pid)
    rel = path.relative_to(root).as_posix()
    args = [
        "log",
        "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s",
        "--raw",
        "--no-abbrev",
        "--no-renames",
    ]
    if limit:
        args.append(f"-n{limit}")
    out = gitio.git(root, *args, "--", rel).stdout
    entries: list[tuple[str, str, str, str, str, str, str]] = []
    for rec in out.split("\x1e"):
        if not rec.strip():
            continue
        head, _, rest = rec.partition("\n")
        sha, author, email, when, subject = (head.split("\x1f") + [""] * 5)[:5]
        old = new = _ZERO
        if ":" not in rest:
            continue  # a merge commit: its sides' own commits carry the changes
        for line in rest.splitlines():
            if line.startswith(":"):
                meta = line.split("\t", 1)[0].split()
                if len(meta) >= 4:
                    old, new = meta[2], meta[3]
        entries.append((sha, author, email, when, subject, old, new))
    blobs = _cat_blobs(root, sorted({b for e in entries for b in e[5:7] if b != _ZERO}))
    parsed: dict[str, dict[str, Any] | None] = {}

    def version(blob: str) -> dict[str, Any] | None:
        if blob == _ZERO:
            return {}
        if blob not in parsed:
            try:
                parsed[blob] = storage.loads_bytes(blobs.get(blob, b""), rel)
            except storage.ParseError:
                parsed[blob] = None
        return parsed[blob]

    revisions = []
    for sha, author, email, when, subject, old, new in entries:
        a, b = version(old), version(new)
        note = ""
        changes: tuple[FieldChange, ...] = ()
        if a is None or b is None:
            note = "a version of the file in this commit is not valid TOML"
        else:
            changes = tuple(diff(a or None, b or None))
            if not b:
                note = "file removed"
        revisions.append(
            Revision(sha, author, email, datetime.fromisoformat(when), subject, changes, note)
        )
    return revisions


def show_value(v: Any, width: int = 60) -> str:
    """A value on one line for tables of changes."""
    if v is None:
        return "—"
    if isinstance(v, dict):
        text = ", ".join(f"{k}={show_value(x)}" for k, x in v.items())
    elif isinstance(v, list):
        text = "[" + ", ".join(show_value(x) for x in v) + "]"
    elif isinstance(v, bool):
        text = "true" if v else "false"
    else:
        text = str(v)
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= width else text[: width - 1] + "…"
