"""The agenda index: what `ipstui due` needs of a caseload, kept in the git dir
(`.git/ipstui-agenda-cache.marshal`) so that a warm `due` reads one file and starts two
git processes instead of loading the caseload (issue 17).

It holds every open deadline in agenda order (by due date, then participant, rule and
ref: a deadline's state only grows with its due date, so this is `rules.agenda_for`'s
order on any day), each row's JSON object ready to print but for its state, the team's
keys, `due_soon_days` and every problem of the load. It is valid for one key
(`agenda_key`), and the key is made of exactly what a full load's answer depends on:

- caseload.toml's bytes, the schemas' bytes, this index's format and ipstui's version,
  the language (the problems are text a person reads) and where the caseload sits in
  the repository;
- HEAD (a file deleted from the index but still in HEAD is loaded until the deletion is
  committed: the loader follows `git status`);
- git's view of participants/ in one `git ls-files -s -t --cached --others --modified
  --deleted --exclude-standard`: every tracked file with its staged blob id and whether
  its work tree copy is modified or deleted (git compares the stat it keeps in its
  index, and the bytes of a "racily clean" entry, as `git status` does), and every file
  that is untracked and not ignored (the ignore rules);
- for every file git does not vouch for (modified, untracked, unmerged, a symlink, ...):
  its stat (size, times, inode) — or its bytes, for one changed within `RACY_NS`.

A clean tracked file is therefore judged by the blob id git's index gives it, exactly as
the full load judges it (`loader`: cache entries by blob id), so the index answers what
a full load answers; any change of the key means a full load, which rewrites it. The one
state the key cannot see — a file deleted from the index, still in HEAD, ignored and
still on disk, which the load reads though no listing names it — is never indexed.

This module imports nothing heavy (no models, no TOML, no JSON unless it writes): a
warm `due` must cost little more than the interpreter's start.
"""

from __future__ import annotations

import marshal
import os
import time
from bisect import bisect_left, bisect_right
from pathlib import Path

from ipstui import __version__
from ipstui.core import gitio
from ipstui.core.folder import CASELOAD_FILE, PARTICIPANTS_DIR, CaseloadError
from ipstui.core.i18n import _, current_language

AGENDA_NAME = "ipstui-agenda-cache.marshal"
AGENDA_FORMAT = 4
RACY_NS = 2_000_000_000
"""A file git does not vouch for, changed less than this long (ns) before the key is
made, is keyed by its bytes, not its stat: a second change within one tick of the file
system's clock would leave the stat as it was."""

LS_GIT_VIEW = (
    "ls-files",
    "-z",
    "-s",
    "-t",
    "--cached",
    "--others",
    "--modified",
    "--deleted",
    "--exclude-standard",
    "--full-name",
    "--",
    PARTICIPANTS_DIR,
)
"""git's view of participants/: `TAG MODE BLOB STAGE\\tpath` for each index entry (tag
H, and once more C when the work tree copy differs, R when it is gone), `? path` for an
untracked file that is not ignored."""

STATES = ("overdue", "due_soon", "upcoming")
"""`rules.OVERDUE`, `DUE_SOON`, `UPCOMING` (not imported: `rules` needs the models)."""


class Agenda:
    """An agenda as the index keeps it.

    `team`: the team's keys; `due_soon_days`: days before a due date that count as due
    soon; `problem_rows`: every problem of the load as (path, line, col, message,
    severity); `ordinals`, `specialists`, `json`: per deadline in agenda order, its due
    date as a date ordinal, its participant's specialist and its JSON object without
    the state's value and the closing `"}`; `rows` (read on first use): per deadline
    (due ordinal, participant, specialist, rule, ref, what)."""

    __slots__ = ("team", "due_soon_days", "problem_rows", "ordinals", "specialists", "json",
                 "_rows")

    def __init__(self, team: tuple[str, ...], due_soon_days: int, problem_rows: tuple,
                 ordinals: list[int], specialists: list[str], json: list[str],
                 rows: bytes | list) -> None:
        self.team, self.due_soon_days, self.problem_rows = team, due_soon_days, problem_rows
        self.ordinals, self.specialists, self.json = ordinals, specialists, json
        self._rows = rows

    @property
    def rows(self) -> list:
        if isinstance(self._rows, bytes):
            self._rows = marshal.loads(self._rows)
        return self._rows

    def problems(self) -> tuple:
        """The problems as `model.Problem`s (imports the models: only when there are any)."""
        if not self.problem_rows:
            return ()
        from ipstui.core.model import Problem

        return tuple(Problem(*p) for p in self.problem_rows)

    def check_specialist(self, specialist: str | None) -> None:
        """CaseloadError for a specialist who is not on the team."""
        if specialist and specialist not in self.team:
            raise CaseloadError(
                _("unknown specialist {specialist}; team: {values}").format(
                    specialist=repr(specialist), values=", ".join(self.team))
            )

    def to_json(self, today_ordinal: int, specialist: str | None = None) -> str:
        """`ipstui due --json`'s output: a JSON list of the deadlines (of `specialist`'s
        participants only, when given), one object per line, each
        {participant, specialist, rule, due, state} with the state on `today_ordinal`
        (byte for byte what `json.dumps` of `rules.Deadline.to_json()` gives)."""
        ords, objs = self.ordinals, self.json
        if specialist:
            keep = [i for i, s in enumerate(self.specialists) if s == specialist]
            ords = [ords[i] for i in keep]
            objs = [objs[i] for i in keep]
        a = bisect_left(ords, today_ordinal)  # the first not overdue
        b = bisect_right(ords, today_ordinal + self.due_soon_days)  # the first upcoming
        chunks = []
        for part, state in ((objs[:a], STATES[0]), (objs[a:b], STATES[1]), (objs[b:], STATES[2])):
            if part:
                end = state + '"}'
                chunks.append((end + ",\n").join(part) + end)
        return "[\n" + ",\n".join(chunks) + "\n]\n"


class _Query:
    """One read-only git query, started with `os.posix_spawnp` and a pipe rather than
    `subprocess` (whose import — `signal`, `threading`, `selectors`, `locale` — costs a
    warm `due` more than both queries: issue 17). Its stderr goes to /dev/null; `finish`
    reads its output to the end and waits for it."""

    __slots__ = ("pid", "fd")

    def __init__(self, root: Path, args: tuple[str, ...], pipe_size: int = 0) -> None:
        read_end, write_end = os.pipe()  # both close on exec; dup2 makes 1 inheritable
        if pipe_size:
            # A pipe that holds the whole answer lets git run to its end while this
            # process does its own work, rather than wait for it to read (Linux only).
            try:
                import fcntl

                fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, pipe_size)
            except (ImportError, AttributeError, OSError):
                pass
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            try:
                self.pid = os.posix_spawnp(
                    "git",
                    ["git", "-C", str(root), *args],
                    gitio.env(),
                    file_actions=[
                        (os.POSIX_SPAWN_DUP2, devnull, 0),
                        (os.POSIX_SPAWN_DUP2, write_end, 1),
                        (os.POSIX_SPAWN_DUP2, devnull, 2),
                    ],
                )
            finally:
                os.close(devnull)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        self.fd = read_end

    def finish(self) -> tuple[int, bytes]:
        """(exit status, everything it wrote on stdout); -1 when it was killed."""
        chunks = []
        try:
            while chunk := os.read(self.fd, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _pid, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        return (code if code >= 0 else -1), b"".join(chunks)


def _start_git(root: Path, args: tuple[str, ...], pipe_size: int = 0) -> _Query | None:
    """Start one read-only git query without waiting for it (None when git is missing)."""
    try:
        return _Query(root, args, pipe_size)
    except OSError:
        return None


def _read(path: Path) -> bytes:
    """A file's bytes (one place, so that tests can see what a warm `due` reads)."""
    with open(path, "rb") as f:
        return f.read()


def _schemas() -> bytes:
    from ipstui.core.resources import CASELOAD_SCHEMA, PARTICIPANT_SCHEMA

    return _read(PARTICIPANT_SCHEMA) + b"\0" + _read(CASELOAD_SCHEMA)


def _not_vouched(listing: bytes) -> list[str]:
    """The paths (from the top of the work tree) of `LS_GIT_VIEW`'s output that git does
    not vouch for: every one with a record other than `H`, a regular file at stage 0
    (modified `C`, deleted `R`, untracked `?`, unmerged, a symlink, skip-worktree `S`)."""
    out = []
    for rec in listing.split(b"\0"):
        if not rec:
            continue
        if rec[:2] == b"? ":  # untracked: `? path`
            out.append(rec[2:].decode("utf-8", "surrogateescape"))
            continue
        tab = rec.find(b"\t")  # `TAG MODE BLOB STAGE\tpath`
        if rec[tab - 2 : tab] == b" 0" and rec[:9] in _VOUCHED:
            continue
        out.append(rec[tab + 1 :].decode("utf-8", "surrogateescape"))
    return out


_VOUCHED = (b"H 100644 ", b"H 100755 ")


def agenda_key(
    root: Path, repo: gitio.RepoInfo, head: bytes, listing: bytes,
    settings: bytes | None = None, schemas: bytes | None = None,
) -> bytes:
    """What an agenda is valid for (see the module's docstring): compared whole, never
    hashed. `listing`: `LS_GIT_VIEW`'s output; `head`: HEAD's id (empty when unborn);
    `settings`, `schemas`: caseload.toml's and the schemas' bytes when already read."""
    if settings is None:
        settings = _settings_bytes(root)
    parts = [
        f"{AGENDA_FORMAT}\0{__version__}\0{current_language()}\0{repo.prefix}\0".encode(
            "utf-8", "surrogateescape"),
        head,
        _schemas() if schemas is None else schemas,
        settings,
        listing,
    ]
    now = time.time_ns()
    top = repo.top if repo.top is not None else root
    for name in _not_vouched(listing):
        path = top / name
        try:
            st = os.lstat(path)
        except OSError as exc:
            parts.append(f"{name}\0{exc.errno}".encode("utf-8", "surrogateescape"))
            continue
        parts.append(
            f"{name}\0{st.st_mode} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} "
            f"{st.st_ino}".encode("utf-8", "surrogateescape")
        )
        if max(st.st_mtime_ns, st.st_ctime_ns) >= now - RACY_NS:
            try:
                parts.append(_read(path))
            except OSError as exc:
                parts.append(f"unreadable {exc.errno}".encode())
    return b"\0\0".join(parts)


def _settings_bytes(root: Path) -> bytes:
    try:
        return _read(root / CASELOAD_FILE)
    except OSError as exc:
        return f"unreadable {exc.errno}".encode()


def _load_index(path: Path) -> dict | None:
    """The index file's content (None when missing or broken)."""
    try:
        obj = marshal.loads(_read(path))
    except Exception:  # noqa: BLE001 — a broken index is rebuilt, never fatal
        return None
    return obj if isinstance(obj, dict) else None


def _agenda_of(obj: dict | None, key: bytes) -> Agenda | None:
    """The agenda an index file holds, when it was made for `key`."""
    if obj is None or obj.get("key") != key:
        return None
    try:
        return Agenda(obj["team"], obj["due_soon_days"], obj["problems"], obj["ordinals"],
                      obj["specialists"], obj["json"], obj["rows"])
    except Exception:  # noqa: BLE001 — a broken index is rebuilt, never fatal
        return None


def load_agenda(root: Path) -> Agenda:
    """The caseload's agenda: from the index in the git dir when it was made for the
    key of the caseload as it is now; else by a full load (`loader.load`, itself from
    the load cache), which then writes the index. Outside git: a full load.

    While git answers, caseload.toml, the schemas and the index where a plain repository
    keeps it (`.git/` of the caseload) are read; the index is used only when git names
    that folder as the git dir (worktrees and submodules keep it elsewhere).

    Raises what `loader.load` raises."""
    rev_parse = _start_git(root, (*gitio.REPO_INFO_ARGS, "--verify", "-q", "HEAD"))
    listing = _start_git(root, LS_GIT_VIEW, 1 << 20)  # ~13,000 files' records
    repo = None
    listed, out = -1, b""
    try:
        settings, schemas = _settings_bytes(root), _schemas()
        likely = root / ".git"
        stored = _load_index(likely / AGENDA_NAME)
        if rev_parse is not None:
            # A few lines, which fit its pipe: it never waits for this reader.
            code, got = rev_parse.finish()
            text = got.decode("utf-8", "replace")
            # exit 1 (HEAD unborn) still told where the repository is
            repo = gitio.parse_repo_info(0 if code in (0, 1) else code, text)
    finally:
        if listing is not None:
            listed, out = listing.finish()
    key = None
    if repo is not None and listed == 0:
        head = "".join(text.splitlines()[4:5]).encode()
        key = agenda_key(root, repo, head, out, settings, schemas)
        if repo.git_dir != likely:
            stored = _load_index(repo.git_dir / AGENDA_NAME)
        got_agenda = _agenda_of(stored, key)
        if got_agenda is not None:
            return got_agenda
    return _rebuild(root, repo, key, out)


def _rebuild(root: Path, repo: gitio.RepoInfo | None, key: bytes | None,
             listing: bytes) -> Agenda:
    """The agenda of a full load; written to the index under `key` (made before the load
    read anything: a file changed since has another stat or bytes, or git's view of it
    changed, so the index can only ever be judged stale for it, never fresh)."""
    import json

    from ipstui.core.loader import load
    from ipstui.core.rules import participant_raw

    cl = load(root)
    rows = [
        (due.toordinal(), p.id, p.specialist, rule, ref, what)
        for p in cl.participants.values()
        for rule, due, ref, what in participant_raw(p, cl.settings)
    ]
    rows.sort(key=lambda r: (r[0], r[1], r[3], r[4] or 0))
    from datetime import date

    objs = [
        json.dumps({"participant": pid, "specialist": spec, "rule": rule,
                    "due": date.fromordinal(due).isoformat(), "state": ""})[:-2]
        for due, pid, spec, rule, _ref, _what in rows
    ]
    ag = Agenda(
        tuple(cl.settings.team),
        cl.settings.due_soon_days,
        tuple((p.path, p.line, p.col, p.message, p.severity) for p in cl.problems),
        [r[0] for r in rows],
        [r[2] for r in rows],
        objs,
        rows,
    )
    if key is not None and repo is not None and _listed_all(cl, repo, listing):
        obj = {
            "key": key,
            "team": ag.team,
            "due_soon_days": ag.due_soon_days,
            "problems": ag.problem_rows,
            "ordinals": ag.ordinals,
            "specialists": ag.specialists,
            "json": objs,
            "rows": marshal.dumps(rows),
        }
        from ipstui.core import storage

        try:
            storage.atomic_write(repo.git_dir / AGENDA_NAME, marshal.dumps(obj))
        except (OSError, ValueError):
            pass  # a read-only git dir only loses the speed-up
    return ag


def _listed_all(cl, repo: gitio.RepoInfo, listing: bytes) -> bool:
    """True when every participant file the load read is named in git's listing (it is
    not only when a file deleted from the index but still in HEAD is ignored and still
    on disk: the key could not see that file change, so no index is written)."""
    names = {
        rec.partition(b"\t")[2] or rec[2:] for rec in listing.split(b"\0") if rec
    }
    prefix = repo.prefix.encode("utf-8", "surrogateescape")
    return all(
        prefix + p.rel_path.encode("utf-8", "surrogateescape") in names
        for p in cl.participants.values()
    ) and all(
        prefix + p.path.encode("utf-8", "surrogateescape") in names
        for p in cl.problems
        if p.path.startswith(PARTICIPANTS_DIR + "/")
    )
