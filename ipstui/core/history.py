"""A participant's field-level history from git (SPEC §5): who, when, field, old, new.

One `git log --raw` names each commit's old and new blob; one `git cat-file --batch`,
running beside it, reads them; the versions are parsed (each table section once:
`VersionParser`) and compared field by field. The file
content is the truth, so hand edits committed with plain git show up too."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import EntryAt, FieldChange, diff
from ipstui.core.model import LIST_KEYS, participant_path

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


class _BlobReader:
    """One `git cat-file --batch` process answering blob requests one at a time (for
    callers that learn which blobs they need as they go, such as `audit`)."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            ["git", "-C", str(root), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=gitio.env(),
        )

    def read(self, blob: str) -> bytes | None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(blob.encode() + b"\n")
        self.proc.stdin.flush()
        parts = self.proc.stdout.readline().split()
        if len(parts) < 3 or parts[1] != b"blob":
            return None
        data = self.proc.stdout.read(int(parts[2]))
        self.proc.stdout.read(1)
        return data

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


def _records(stream: Any) -> Iterator[tuple[str, str, str, str, str, str, str]]:
    """(sha, author, email, when, subject, old blob, new blob) as git log prints them."""
    head: list[str] | None = None
    old = new = ""
    for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("\x1e"):
            if head is not None and new:
                yield (*head, old, new)  # type: ignore[misc]
            head = (line[1:].split("\x1f") + [""] * 5)[:5]
            old = new = ""
        elif line.startswith(":") and head is not None:
            meta = line.split("\t", 1)[0].split()
            if len(meta) >= 4:
                old, new = meta[2], meta[3]
    if head is not None and new:
        yield (*head, old, new)  # type: ignore[misc]
    # A merge commit prints no raw line: its sides' own commits carry the changes.


_HEADER = re.compile(r"\[\[([A-Za-z0-9_-]+)\]\]\n|\[([A-Za-z0-9_-]+)\]\n")
"""A table header `[name]` or array-of-tables header `[[name]]` with a bare key, alone on
its line: the only headers `VersionParser` splits at (ipstui's writer writes no others)."""


class VersionParser:
    """Parses many versions of one file, each table section parsed once (issue 17: the
    500 versions of a long history are ~12 MB of TOML, ~1 s of parsing; consecutive
    versions share all but a section or two).

    A version is cut before every line that starts with `[`; each piece is parsed by
    itself (`toml10.loads`, remembered by its text) and the pieces joined as TOML joins
    sections. This gives exactly `storage.loads_bytes`'s result, because:

    - if a cut fell inside a multi-line string or array, the piece before it would end
      inside that string or array, which no TOML parser accepts; so when every piece
      parses, every cut is at the start of a statement, and a statement starting with
      `[` is a table header;
    - only headers of the forms in `_HEADER` are joined here, each piece must come back as
      exactly its own table (or one element of its own array of tables), and a name seen
      twice as `[name]`, or as both kinds, or also as a key of the top-level piece, is
      left to the whole-text parse (which then reports TOML's own error).

    Anything else (a byte order mark, bytes that are not UTF-8, a header of another form, a
    piece that does not parse, an empty document) is parsed whole by
    `storage.loads_bytes`, whose ParseError passes. Values are shared between versions:
    treat the results as read-only."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._top: dict[str, dict[str, Any] | None] = {}
        self._sections: dict[str, tuple[str, bool, Any] | None] = {}
        """Text after the cut (without the `[` and, but for the last, the new line)
        -> (name, array of tables?, the table) or None when it cannot be joined."""
        self._last: dict[str, tuple[str, bool, Any] | None] = {}

    @staticmethod
    def _loads(text: str) -> dict[str, Any] | None:
        from ipstui.core import toml10

        try:
            return toml10.loads(text)
        except toml10.TomlError:
            return None

    def _section(self, text: str) -> tuple[str, bool, Any] | None:
        m = _HEADER.match(text)
        if m is None:
            return None
        array = m.group(1) is not None
        name = m.group(1) if array else m.group(2)
        got = self._loads(text)
        if got is None or len(got) != 1 or name not in got:
            return None
        value = got[name]
        if array:
            if type(value) is not list or len(value) != 1:
                return None
            return (name, True, value[0])
        return (name, False, value) if type(value) is dict else None

    def parse(self, raw: bytes) -> dict[str, Any]:
        """The parsed document, as `storage.loads_bytes(raw, path)`; raises ParseError."""
        data = self._joined(raw)
        return data if data is not None else storage.loads_bytes(raw, self.path)

    def _joined(self, raw: bytes) -> dict[str, Any] | None:
        """The document from its sections, or None when it must be parsed whole."""
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if text.startswith(storage.BOM):
            return None
        cuts = text.split("\n[")
        first = cuts[0] + "\n" if len(cuts) > 1 else cuts[0]
        top = self._top.get(first, False)
        if top is False:
            top = self._top[first] = self._loads(first)
        if not top:
            return None
        doc = dict(top)
        arrays: dict[str, list[Any]] = {}
        sections, nothing = self._sections, object()
        last = len(cuts) - 1
        for i in range(1, last + 1):
            cut = cuts[i]
            if i < last:
                got = sections.get(cut, nothing)
                if got is nothing:
                    got = sections[cut] = self._section("[" + cut + "\n")
            else:
                got = self._last.get(cut, nothing)
                if got is nothing:
                    got = self._last[cut] = self._section("[" + cut)
            if got is None:
                return None
            name, array, value = got  # type: ignore[misc]
            if array:
                if name not in arrays:
                    if name in doc:
                        return None
                    arrays[name] = doc[name] = []
                arrays[name].append(value)
            elif name in doc:
                return None
            else:
                doc[name] = value
        return doc


def history(root: Path, pid: str, limit: int | None = None) -> list[Revision]:
    """Newest first.

    Two git processes side by side: `git log` names every commit's old and new blob of
    the file (fast at any depth while git's commit-graph has changed-path filters, which
    `keep_commit_graph` sees to), and one `git cat-file --batch` is handed each blob as
    soon as `git log` names it, so the versions are read, parsed (by one `VersionParser`:
    each section once) and compared while the walk goes on. Only the last version parsed
    is kept parsed (each is usually the new side of one commit and the old side of the
    next). In a shallow clone the commit where the history stops has no parents here,
    so git shows it creating the file: its revision has no changes and a note saying the
    history starts there (`gitio.shallow_boundary`). Raises GitError when git log fails."""
    boundary = gitio.shallow_boundary(root)
    path = participant_path(root, pid)
    rel = path.relative_to(root).as_posix()
    args = [
        "git",
        "-C",
        str(root),
        "log",
        "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s",
        "--raw",
        "--no-abbrev",
        "--no-renames",
    ]
    if limit:
        args.append(f"-n{limit}")
    args += ["--", rel]
    env = gitio.env()
    log = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    cat = subprocess.Popen(
        ["git", "-C", str(root), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    records: list[tuple[str, str, str, str, str, str, str]] = []
    log_err: list[bytes] = []
    # git log's errors are drained by their own thread: a full stderr pipe would stop git
    # before its output ends, and `walk` reads the output to its end first.
    assert log.stderr is not None
    drain = threading.Thread(target=lambda e=log.stderr: log_err.append(e.read()), daemon=True)
    drain.start()

    def walk() -> None:
        """Read git log's records and ask cat-file for each new blob as it appears."""
        assert log.stdout is not None and cat.stdin is not None
        asked: set[str] = {_ZERO}
        try:
            for rec in _records(log.stdout):
                records.append(rec)
                ask = [b for b in rec[5:] if b not in asked]
                if ask:
                    asked.update(ask)
                    cat.stdin.write("".join(b + "\n" for b in ask).encode())
                    cat.stdin.flush()
        except OSError:  # cat-file went away: its output says which blobs it read
            pass
        finally:
            drain.join()
            log.wait()
            try:
                cat.stdin.close()
            except OSError:
                pass

    parser = VersionParser(rel)
    contents: dict[str, bytes | None] = {_ZERO: None}
    """blob -> its bytes as cat-file answered (None: missing, or not a blob)."""
    parsed: dict[str, dict[str, Any] | None] = {}
    """The last version parsed (usually the new side of the next, older, commit)."""

    def version(blob: str) -> dict[str, Any] | None:
        if blob == _ZERO:
            return {}
        if blob not in parsed:
            data = contents.get(blob)
            try:
                got = parser.parse(data) if data is not None else None
            except storage.ParseError:
                got = None
            parsed.clear()
            parsed[blob] = got
        return parsed[blob]

    revisions: list[Revision] = []
    entries: list[tuple[Any, ...]] = []
    """Per revision, per change: the list entry it touches (`_entry_of`), or _NO_ENTRY."""

    def advance() -> None:
        """Compare every version pair, in order, whose both sides have been read."""
        while len(revisions) < len(records):
            sha, author, email, when, subject, old, new = records[len(revisions)]
            if old not in contents or new not in contents:
                return
            b, a = version(new), version(old)
            note = ""
            changes: tuple[FieldChange, ...] = ()
            if sha in boundary and old == _ZERO:
                from ipstui.core.i18n import _

                note = _(
                    "the history starts here: this clone is shallow, so what this commit changed is unknown (`git fetch --unshallow` brings the earlier commits)"
                )
            elif a is None or b is None:
                note = "a version of the file in this commit is not valid TOML"
            else:
                changes = tuple(diff(a or None, b or None))
                if not b:
                    note = "file removed"
            entries.append(tuple(_entry_of(ch, a or {}, b or {}) for ch in changes))
            revisions.append(
                Revision(sha, author, email, datetime.fromisoformat(when), subject, changes, note)
            )

    # The file as it is now (HEAD's version), asked first: list entries are named by
    # their place in it (`_anchored`).
    assert cat.stdin is not None and cat.stdout is not None
    current_blob: str | None = None
    try:
        cat.stdin.write(f"HEAD:{rel}\n".encode())
        cat.stdin.flush()
        first = cat.stdout.readline().split()
        if len(first) >= 3:
            data = cat.stdout.read(int(first[2]))
            cat.stdout.read(1)
            if first[1] == b"blob":
                current_blob = first[0].decode()
                contents[current_blob] = data
    except OSError:
        pass
    current: dict[str, Any] | None = None
    if current_blob is not None:
        try:
            current = VersionParser(rel).parse(contents[current_blob] or b"")
        except storage.ParseError:
            current = None
    walker = threading.Thread(target=walk, daemon=True)
    walker.start()
    try:
        # The versions are compared as they arrive, while git log is still walking.
        while header := cat.stdout.readline():
            parts = header.split()
            if len(parts) >= 3:
                data = cat.stdout.read(int(parts[2]))
                cat.stdout.read(1)
                contents[parts[0].decode()] = data if parts[1] == b"blob" else None
            elif parts:  # "<id> missing"
                contents[parts[0].decode()] = None
            advance()
    finally:
        if walker.is_alive() and sys.exc_info()[0] is not None:
            log.kill()
            cat.kill()
        cat.wait()
        walker.join()
    if log.returncode != 0:
        err = b"".join(log_err).decode("utf-8", "replace")
        from ipstui.core.i18n import _

        failed = _("git {command} failed").format(command="log")
        raise gitio.GitError(gitio._last_lines(err) or failed, err)
    for rec in records[len(revisions) :]:  # blobs cat-file never answered: unknown
        for blob in rec[5:]:
            contents.setdefault(blob, None)
    advance()
    return _anchored(revisions, entries, current)


_NO_ENTRY = object()
_STABLE: dict[str, tuple[str, ...]] = {
    "contacts": ("on", "kind", "by"),
    "jobs": ("start", "employer", "title"),
    "tasks": ("what", "due"),
}
"""Per list, the sub-fields an entry keeps once written (an edit sets a job's `end`, a
task's `done_on`): how an entry edited since is still found in the file as it is now."""


def _entry_of(change: FieldChange, old: dict[str, Any], new: dict[str, Any]) -> Any:
    """The list entry `change` touches, as the commit left it (as it was, for a removal),
    or _NO_ENTRY when the change is not inside a list of entries."""
    path = change.path
    if len(path) < 2 or path[0] not in LIST_KEYS or type(path[1]) is not int:
        return _NO_ENTRY
    for version in (new, old):
        items = version.get(path[0])
        if isinstance(items, list) and path[1] < len(items):
            return items[path[1]]
    return _NO_ENTRY


def _anchored(
    revisions: list[Revision], entries: list[tuple[Any, ...]], current: dict[str, Any] | None
) -> list[Revision]:
    """`revisions` with every list entry named by its place in the file as it is now
    (`current`: HEAD's version), so that two entries are never one name: a commit's own
    indices are places in that commit's version only, and after a merge two teammates'
    new contacts were both `contacts[47]`. An entry is found now by being equal to what
    the commit left, else (edited since) by its `_STABLE` sub-fields when exactly one
    entry has them; entries that two commits added with equal content take successive
    places (oldest commit first). An entry not in the file now is named by its place in
    that commit (`EntryAt`, `contacts[47@1a2b3c4]`)."""
    claimed: dict[str, set[int]] = {}
    out: list[Revision] = []
    for rev, touched in zip(reversed(revisions), reversed(entries), strict=True):
        changes = []
        for ch, entry in zip(rev.changes, touched, strict=True):
            if entry is _NO_ENTRY:
                changes.append(ch)
                continue
            key, index = ch.path[0], ch.path[1]
            now = current.get(key) if current is not None else None
            place = _place_now(entry, now if isinstance(now, list) else [], key,
                               claimed.setdefault(key, set()),
                               added=len(ch.path) == 2 and ch.old is None)  # fmt: skip
            name = place if place is not None else EntryAt(index, rev.commit)
            changes.append(FieldChange((key, name, *ch.path[2:]), ch.old, ch.new))
        out.append(
            Revision(rev.commit, rev.author, rev.email, rev.when, rev.subject,
                     tuple(changes), rev.note)  # fmt: skip
        )
    out.reverse()
    return out


def _place_now(entry: Any, now: list[Any], key: str, claimed: set[int], *, added: bool) -> int | None:
    """Where `entry` is in the list `now` (None: not there); see `_anchored`. An addition
    claims the place it is given."""
    equal = [j for j, x in enumerate(now) if x == entry and type(x) is type(entry)]
    if added:
        free = [j for j in equal if j not in claimed]
        if free:
            claimed.add(free[0])
            return free[0]
        if equal:
            return None  # as many added as there are now: this one is not there
    elif equal:
        return equal[0]
    stable = _STABLE.get(key, ())
    if isinstance(entry, dict) and stable:
        same = [
            j for j, x in enumerate(now)
            if isinstance(x, dict) and all(x.get(k) == entry.get(k) for k in stable)
        ]  # fmt: skip
        if len(same) == 1 and not (added and same[0] in claimed):
            if added:
                claimed.add(same[0])
            return same[0]
    return None


def ever_existed(root: Path, pid: str) -> bool:
    """True when some commit reachable from HEAD touched `pid`'s file."""
    rel = participant_path(root, pid).relative_to(root).as_posix()
    proc = gitio.git(root, "log", "-1", "--format=%H", "--", rel, check=False)
    return bool(proc.stdout.strip())


GRAPH_BATCH = 32
"""Commits ipstui makes between two incremental writes of git's commit-graph."""
GRAPH_PENDING = "ipstui-graph-pending"
"""In the git dir: how many of ipstui's commits the commit-graph has not seen (a count)."""
GRAPH_DONE = "ipstui-graph-full"
"""In the git dir: present once a full commit-graph with changed-path filters was written."""


GRAPH_STARTED = "ipstui-graph-full-started"
"""In the git dir: touched when a background full write was started."""
FULL_RETRY_SECONDS = 600
"""A background full write not finished after this long (killed, failed) is started again."""


def keep_commit_graph(
    root: Path, git_dir: Path, *, commits: int = 1, background: bool = True
) -> str | None:
    """Keep git's commit-graph with changed-path Bloom filters up to date, so that
    `git log -- <file>` (the history, SPEC §5) skips the commits that did not touch
    the file without opening their trees (issue 17: 3.8 s -> 0.3 s at 100,000 commits).

    Call after ipstui made `commits` commits (a save, a sync). The first call in a
    repository writes the whole graph with filters once (`--split=replace`: about 12 s
    of CPU at 100,000 commits, milliseconds for a young caseload); with `background`
    that write runs in a detached process (`python -m ipstui.core.history`), so no save
    waits for it. After that every `GRAPH_BATCH`-th commit adds one small layer for the
    new commits only (`--split`, which git merges as layers pile up), in this process.
    Once a graph has filters, git's own writes (`gc`, `fetch.writeCommitGraph`,
    `git maintenance`) keep them too.

    Returns "full", "incremental", "started" (a background full write) or None when
    nothing was due. `IPSTUI_COMMIT_GRAPH=off` in the environment switches the upkeep off
    (the test suite does, so no detached writer races its temporary repositories). Never raises: the graph is only a speed-up, and a failed write (an
    old git, a read-only git dir, another writer holding the lock) is retried later."""
    if os.environ.get("IPSTUI_COMMIT_GRAPH") == "off":  # tests, or a team that opts out
        return None
    pending_path = git_dir / GRAPH_PENDING
    full = not (git_dir / GRAPH_DONE).exists()
    try:
        pending = int(pending_path.read_text() or 0) + commits
    except (OSError, ValueError):
        pending = commits
    if (not full and pending < GRAPH_BATCH) or (full and background):
        try:
            pending_path.write_text(str(pending))
        except OSError:
            return None
        if not full:
            return None
        return _start_full_write(root, git_dir)
    proc = gitio.git(
        root,
        "commit-graph",
        "write",
        "--reachable",
        "--changed-paths",
        "--split=replace" if full else "--split",
        "--no-progress",
        check=False,
    )
    try:
        if proc.returncode != 0:
            pending_path.write_text(str(pending))
            return None
        if full:
            (git_dir / GRAPH_DONE).write_text("")
        pending_path.unlink(missing_ok=True)
    except OSError:
        return None
    return "full" if full else "incremental"


def _start_full_write(root: Path, git_dir: Path) -> str | None:
    """Start the one full write in a detached process unless one started recently."""
    started = git_dir / GRAPH_STARTED
    try:
        if time.time() - started.stat().st_mtime < FULL_RETRY_SECONDS:
            return None
    except OSError:
        pass
    env = gitio.env()
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        started.write_text("")
        subprocess.Popen(
            [sys.executable, "-m", "ipstui.core.history", str(root), str(git_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    except OSError:
        return None
    return "started"


def show_value(v: Any, width: int = 60) -> str:
    """A value on one line for tables of changes, at most `width` terminal cells (a
    CJK character or an emoji is two; a longer text is cut with a final `…`, never
    inside a grapheme: `vocab.fit`); a decimal number in the language in use (`9,5` in
    Danish: `i18n.decimal`)."""
    if v is None or (isinstance(v, dict) and not v):  # `{}`: "no value" in a conflict record
        return "—"
    if isinstance(v, dict):
        text = ", ".join(f"{k}={show_value(x)}" for k, x in v.items())
    elif isinstance(v, list):
        text = "[" + ", ".join(show_value(x) for x in v) + "]"
    elif isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, float) and math.isfinite(v):
        from ipstui.core.i18n import decimal

        text = decimal(v, 6, least=1)
    else:
        text = str(v)
    text = text.replace("\n", " ⏎ ")
    from ipstui.core.vocab import fit

    return fit(text, width, pad=False)


if __name__ == "__main__":  # python -m ipstui.core.history ROOT GIT_DIR: the full write
    _root, _git_dir = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        keep_commit_graph(_root, _git_dir, commits=0, background=False)
    finally:
        (_git_dir / GRAPH_STARTED).unlink(missing_ok=True)
