"""Loading a caseload fast: a cache of what the board needs of each file, keyed on
git's blob ids. The cache lives in the git directory and is disposable: a missing,
old or corrupt cache only costs a rebuild, and because it is keyed on content ids a
`git pull`, a checkout or a hand edit can never be served stale.

Per blob it keeps the summary (name, specialist, phase, flags), the validation
findings and the raw deadlines; a participant's full record is read from its file
when first needed, so opening 20,000 participants never parses 20,000 files twice."""

from __future__ import annotations

import hashlib
import marshal
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from datetime import time as dt_time
from functools import partial
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import (
    PARTICIPANTS_DIR,
    Caseload,
    file_problems,
    is_participant_file,
    parse_participant,
    read_settings,
    read_settings_bytes,
    settings_from_bytes,
    settings_of,
)
from ipstui.core.i18n import _, current_language
from ipstui.core.model import (
    Problem,
    Roster,
    Row,
    Settings,
    case_twin_problems,
    errors_only,
    is_valid_id,
    summarize,
)
from ipstui.core.rules import raw_deadlines, rules_signature

CACHE_NAME = "ipstui-load-cache.marshal"
CACHE_FORMAT = 8
PARALLEL_MIN = 1500
MAX_WORKERS = 4

Entry = tuple
"""(summary | None, problems, raw deadlines with ordinal dates | None, report facts | None,
referral source | None, the `id` key | None, references | None); the ordinals become
dates when `Participant.raw` is first read. References: `refs.refs_row` (the jobs'
employers, the employer ids named, the latest event date), what the employer register's
job lists and the problem list read instead of each record (format 7).

Everything in an entry depends on the file's bytes alone, never on its path: one blob
can sit at several paths (a copy, a rename, `P-0002.toml` and `P-0002b.toml`), and is
valid at one and not at another. The checks of the path (the id equals the file name,
the name is a safe id, case twins) are made at every load, for every path
(`validate.participant_path_problems`)."""


def _schema_hash() -> bytes:
    """The participant and caseload schemas' content, hashed: a cache made under other
    schemas is never used."""
    from ipstui.core.resources import CASELOAD_SCHEMA, PARTICIPANT_SCHEMA

    h = hashlib.sha1(PARTICIPANT_SCHEMA.read_bytes())
    h.update(CASELOAD_SCHEMA.read_bytes())
    return h.digest()


def _cache_tag(schemas: bytes, settings: Settings) -> str:
    """Changes with the schema, this format, ipstui's version (another release may lay
    out an entry differently under the same format number), the deadline rules and the
    language (the cached problems are text a person reads), invalidating old caches."""
    from ipstui import __version__

    h = hashlib.sha1(schemas)
    h.update(f"{CACHE_FORMAT}\0{__version__}\0".encode())
    h.update(f"{rules_signature(settings)}\0{current_language()}".encode())
    return h.hexdigest()


def _settings_key(schemas: bytes, raw: bytes) -> str:
    """What caseload.toml's cached reading is valid for: its exact bytes, the schemas,
    this format and ipstui's version."""
    from ipstui import __version__

    h = hashlib.sha1(schemas)
    h.update(f"{CACHE_FORMAT}\0{__version__}\0".encode())
    h.update(raw)
    return h.hexdigest()


def _read_cache(path: Path) -> dict:
    """The whole cache file ({} when missing or unreadable): "tag", "entries" and
    "settings" (the key, data and problems of caseload.toml as last read)."""
    try:
        obj = marshal.loads(path.read_bytes())
        if isinstance(obj, dict):
            return obj
    except Exception:  # noqa: BLE001 — a missing or broken cache is rebuilt, never fatal
        pass
    return {}


def _cached_entries(obj: dict, tag: str) -> dict[str, Entry]:
    entries = obj.get("entries")
    return entries if obj.get("tag") == tag and isinstance(entries, dict) else {}


def _to_marshal(v: Any) -> Any:
    """TOML data in the types marshal keeps: a date, datetime or time becomes a tuple
    (TOML has no tuples, so one is never data) that `_from_marshal` turns back."""
    t = type(v)
    if t is dict:
        return {k: _to_marshal(x) for k, x in v.items()}
    if t is list:
        return [_to_marshal(x) for x in v]
    if t is date:
        return ("date", v.isoformat())
    if t is datetime:
        return ("datetime", v.isoformat())
    if t is dt_time:
        return ("time", v.isoformat())
    return v


def _from_marshal(v: Any) -> Any:
    t = type(v)
    if t is dict:
        return {k: _from_marshal(x) for k, x in v.items()}
    if t is list:
        return [_from_marshal(x) for x in v]
    if t is tuple:
        kind, text = v
        return {"date": date, "datetime": datetime, "time": dt_time}[kind].fromisoformat(text)
    return v


def _cached_settings(obj: dict, key: str) -> tuple[Settings, dict[str, Any], list[Problem]] | None:
    """caseload.toml's reading from the cache when it was made of the same bytes."""
    got = obj.get("settings")
    if not (isinstance(got, tuple) and len(got) == 3 and got[0] == key):
        return None
    try:
        data = _from_marshal(got[1])
        problems = [Problem(*p) for p in got[2]]
        return settings_of(data, problems), data, problems
    except (TypeError, ValueError, KeyError):
        return None


def _write_cache(
    path: Path, tag: str, entries: dict[str, Entry], settings: tuple | None = None
) -> None:
    obj: dict[str, Any] = {"tag": tag, "entries": entries}
    if settings is not None:
        obj["settings"] = settings
    try:
        data = marshal.dumps(obj)
    except ValueError:  # settings holding what marshal cannot keep (a date): not cached
        obj.pop("settings", None)
        try:
            data = marshal.dumps(obj)
        except ValueError:
            return
    try:
        storage.atomic_write(path, data)
    except OSError:
        pass  # a read-only git dir only loses the speed-up


def _entry(raw: bytes, rel: str, settings: Settings) -> Entry:
    """Parse and validate one file's bytes into its cache entry.

    Never raises: whatever goes wrong with one file's content becomes a problem of that
    file (SPEC §2: every other participant keeps working). Deadlines and report facts are
    computed only for a file without errors, whose dates are known to be in range."""
    try:
        parsed = parse_participant(raw, rel, path_checks=False)
        if parsed.data is None:
            return (None, parsed.problems, None, None, None, None, None)
        pid = parsed.data.get("id")
        pid = pid if isinstance(pid, str) else None
        if any(sev == "error" for _, _, _, sev in parsed.problems):
            return (summarize(parsed.data), parsed.problems, None, None, None, pid, None)
        from ipstui.core.refs import refs_row  # only when parsing: not on the cached path
        from ipstui.core.report import facts_row

        dl = tuple(
            (r, d.toordinal(), ref, what)
            for r, d, ref, what in raw_deadlines(parsed.data, settings)
        )
        src = parsed.data.get("referral_source")
        return (
            summarize(parsed.data),
            parsed.problems,
            dl,
            facts_row(parsed.data),
            src if isinstance(src, str) else None,
            pid,
            refs_row(parsed.data),
        )
    except (RecursionError, OverflowError, ValueError, TypeError, MemoryError) as exc:
        problem = (1, 1, f"cannot read: {type(exc).__name__}: {exc}", "error")
        return (None, (problem,), None, None, None, None, None)


def _text_of(root: Path, rel: str) -> str | None:
    """The file's text for the positions of a path or team finding (None: unreadable)."""
    try:
        return (root / rel).read_bytes().decode("utf-8", "replace")
    except OSError:
        return None


_LS_FILES = ("ls-files", "-s", "-z", "--full-name", "--", PARTICIPANTS_DIR)
_STATUS = (
    "status",
    "--porcelain=v1",
    "-z",
    "--untracked-files=all",
    "--no-renames",
    "--",
    PARTICIPANTS_DIR,
)


def _start_git(root: Path, args: tuple[str, ...]) -> subprocess.Popen | None:
    """Start one read-only git query without waiting for it (None when git is missing)."""
    try:
        return subprocess.Popen(
            ["git", "-C", str(root), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=gitio.env(),
        )
    except OSError:
        return None


def _finish_git(root: Path, proc: subprocess.Popen | None, args: tuple[str, ...]) -> str:
    """The output of a query `_start_git` started; GitError when it failed, as `gitio.git`."""
    if proc is None:
        return gitio.git(root, *args).stdout  # raises git's own error
    out, err = proc.communicate()
    if proc.returncode != 0:
        text = err.decode("utf-8", "replace")
        failed = _("git {command} failed").format(command=args[0])
        raise gitio.GitError(gitio._last_lines(text) or failed, text)
    return out.decode("utf-8", "replace")


def _finish_repo_info(root: Path, proc: subprocess.Popen | None) -> gitio.RepoInfo | None:
    """`gitio.repo_info` from the query `_start_git` started."""
    if proc is None:
        return gitio.repo_info(root)
    out, _ = proc.communicate()
    return gitio.parse_repo_info(proc.returncode, out.decode("utf-8", "replace"))


def _git_files(
    root: Path, prefix: str, started: tuple | None = None
) -> tuple[dict[str, str | None], set[str]]:
    """rel path -> blob id for files git knows clean (None when it must be read), and the dirty set.

    Paths come back relative to the repository's top; `prefix` is where the caseload sits
    inside it (empty when the caseload is the repository itself). `started`: the two
    queries already running (`_start_git` of `_LS_FILES` and `_STATUS`), so that they
    run side by side with each other and with `gitio.repo_info`."""
    return _files_from(root, prefix, *_finish_file_queries(root, started))


def _finish_file_queries(root: Path, started: tuple | None) -> tuple[str, str]:
    """The output of `git ls-files` and `git status` (as `_start_git` started them)."""
    ls_proc, st_proc = started if started is not None else (None, None)
    ls = _finish_git(root, ls_proc, _LS_FILES)
    return ls, _finish_git(root, st_proc, _STATUS)


def _files_from(
    root: Path, prefix: str, ls: str, st: str
) -> tuple[dict[str, str | None], set[str]]:
    """`_git_files` from the two queries' output."""
    files: dict[str, str | None] = {}
    for rec in ls.split("\0"):
        if not rec:
            continue
        meta, _, rel = rec.partition("\t")
        rel = rel[len(prefix) :]
        parts = meta.split()
        if len(parts) == 3 and parts[0] not in ("100644", "100755"):
            files[rel] = None  # a symlink or submodule: read from disk, which refuses it
        elif len(parts) == 3 and parts[2] == "0":
            files[rel] = parts[1]
        else:
            files[rel] = None  # unmerged entry: read what is on disk
    dirty: set[str] = set()
    for xy, rel in _status_records(prefix, st):
        dirty.add(rel)
        if "D" in xy and not (root / rel).exists():
            files.pop(rel, None)
        else:
            files[rel] = None
    return files, dirty


def _status_records(prefix: str, st: str) -> Iterator[tuple[str, str]]:
    """(XY status, caseload-relative path) of each record of `git status -z`."""
    for rec in st.split("\0"):
        if len(rec) < 4:
            continue
        xy, rel = rec[:2], rec[3:][len(prefix) :]
        head, sep, _ = rel[len(PARTICIPANTS_DIR) + 1 :].partition("/")
        if sep and head.endswith(".toml"):
            rel = f"{PARTICIPANTS_DIR}/{head}"  # a folder where a file should be
        yield xy, rel


def _scan_files(root: Path) -> dict[str, str | None]:
    pdir = root / PARTICIPANTS_DIR
    if not pdir.is_dir() or pdir.is_symlink():
        return {}  # a linked folder is refused, never read (`storage.linked_folder`)
    return {
        f"{PARTICIPANTS_DIR}/{e.name}": None
        for e in os.scandir(pdir)
        if e.is_file(follow_symlinks=False) or e.name.endswith(".toml")
    }


def _parse_here(
    root: Path, rels: list[str], settings: Settings, cache: dict[str, Entry]
) -> dict[str, tuple]:
    """rel -> (blob, entry, parsed?) or ("error", message)."""
    out: dict[str, tuple] = {}
    for rel in rels:
        try:
            raw = storage.read_bytes(root / rel, rel)
        except storage.StorageError as exc:
            out[rel] = ("error", str(exc).removeprefix(f"{rel}: "))
            continue
        blob = storage.blob_id(raw)
        entry = cache.get(blob)
        out[rel] = (blob, entry, 0) if entry is not None else (blob, _entry(raw, rel, settings), 1)
    return out


def _parse_files(
    root: Path,
    rels: list[str],
    settings: Settings,
    cache: dict[str, Entry],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> dict[str, tuple]:
    """Parse many files in worker processes (one per core), few files right here.

    Separate interpreters, started with plain subprocess pipes: they use every core,
    do not compete with the UI thread for the GIL, and need nothing from the parent
    process (a multiprocessing pool cannot start under Textual)."""
    cores = os.cpu_count() or 1
    if len(rels) < PARALLEL_MIN or cores < 2:
        return _parse_here(root, rels, settings, cache)
    n = min(cores, MAX_WORKERS)
    chunks = [rels[i::n] for i in range(n)]
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    procs = []
    for chunk in chunks:
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "ipstui.core.loader", str(root)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except OSError:
            proc = None
        procs.append((chunk, proc))
    for chunk, proc in procs:
        if proc is not None and proc.stdin is not None:
            try:
                proc.stdin.write("\n".join(chunk).encode())
                proc.stdin.close()
            except OSError:
                pass
    out: dict[str, tuple] = {}
    sig = rules_signature(settings)
    for chunk, proc in procs:
        got = None
        if proc is not None and proc.stdout is not None:
            data = proc.stdout.read()
            if proc.wait() == 0:
                try:
                    obj = marshal.loads(data)
                    if obj.get("rules") == sig:  # same settings as ours, or redo it here
                        got = obj["files"]
                except Exception:  # noqa: BLE001 — a worker that failed is redone here
                    got = None
        if got is None or set(got) != set(chunk):
            got = _parse_here(root, chunk, settings, cache)
        out.update(got)
        done += len(chunk)
        if progress:
            progress(done, total)
    return out


def _worker_main(argv: list[str]) -> int:
    """`python -m ipstui.core.loader ROOT` < relative paths: marshal of their entries."""
    root = Path(argv[0])
    settings, _, _ = read_settings(root)
    rels = [r for r in sys.stdin.read().split("\n") if r]
    files = _parse_here(root, rels, settings, {})
    sys.stdout.buffer.write(marshal.dumps({"rules": rules_signature(settings), "files": files}))
    return 0


class _Begun:
    """What every load asks first, side by side: where the repository is, caseload.toml's
    bytes, the schemas' hash, and (in a repository) the index and the status."""

    __slots__ = ("repo", "raw_settings", "schemas", "ls", "st")

    def __init__(self, root: Path) -> None:
        # The three git queries (where the repository is, the index, the status) start
        # first and run side by side while caseload.toml is read (outside a repository
        # they fail and are ignored).
        self.repo: gitio.RepoInfo | None = None
        self.ls = self.st = ""
        rev_parse = _start_git(root, gitio.REPO_INFO_ARGS)
        started = (_start_git(root, _LS_FILES), _start_git(root, _STATUS))
        try:
            self.raw_settings = read_settings_bytes(root)
            self.schemas = _schema_hash()
            self.repo = _finish_repo_info(root, rev_parse)
        finally:
            if not (sys.exc_info()[0] is None and self.repo is not None):
                for proc in started:
                    if proc is not None:
                        proc.communicate()
        if self.repo is not None:
            self.ls, self.st = _finish_file_queries(root, started)


def load(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Caseload:
    """Every participant file of the caseload at `root`, from the cache where the blob is
    known, parsed (in worker processes when many) where not; see the module docstring.

    Raises OSError only when the caseload folder cannot be read, GitError when git fails."""
    t0 = time.perf_counter()
    b = _Begun(root)
    repo, raw_settings, schemas = b.repo, b.raw_settings, b.schemas
    is_git = repo is not None
    cache_path: Path | None = None
    cache_obj: dict = {}
    if repo is not None:
        cache_path = repo.git_dir / CACHE_NAME
        if use_cache:
            cache_obj = _read_cache(cache_path)
    settings_key: str | None = None
    got_settings = None
    if isinstance(raw_settings, Problem):
        settings, sdata, problems = Settings(unknown=str(raw_settings)), {}, [raw_settings]
    else:
        settings_key = _settings_key(schemas, raw_settings)
        got_settings = _cached_settings(cache_obj, settings_key)
        if got_settings is None:
            settings, sdata, problems = settings_from_bytes(raw_settings)
        else:
            settings, sdata, problems = got_settings
    settings_problems = list(problems)
    linked = storage.linked_folder(root, PARTICIPANTS_DIR)
    if linked is not None:
        # Refused whole, as the message says: no file is listed, so none is read through
        # the link (git's index still names the committed files, and git status names
        # them deleted: read from the work tree, they would come through the link).
        problems.append(Problem(PARTICIPANTS_DIR, 1, 1, linked))
        files, dirty = {}, set()
    elif repo is not None:
        files, dirty = _files_from(root, repo.prefix, b.ls, b.st)
    else:
        files, dirty = _scan_files(root), set()
    if repo is not None and linked is None:
        # What git does not list: an empty folder, a pipe, a socket named like a file.
        for rel in storage.odd_entries(root / PARTICIPANTS_DIR, PARTICIPANTS_DIR):
            files.setdefault(rel, None)
    tag = _cache_tag(schemas, settings)
    cache = _cached_entries(cache_obj, tag)

    rels = sorted(rel for rel in files if is_participant_file(rel))
    # Only participant files are uncommitted participant changes; anything else changed
    # in the folder (.DS_Store, an editor's backup) is named once, as a warning.
    for rel in sorted(r for r in dirty if not is_participant_file(r)):
        problems.append(
            Problem(
                rel,
                1,
                1,
                _(
                    "not a participant file: ipstui neither reads nor commits it (a "
                    "participant file is named <id>.toml); move it out of the folder or "
                    "add it to .gitignore"
                ),
                "warning",
            )
        )
    dirty = {r for r in dirty if is_participant_file(r)}
    total = len(rels)
    if progress:
        progress(0, total)
    results: dict[str, tuple[str, Entry]] = {}
    todo: list[str] = []
    for rel in rels:
        blob = files[rel]
        entry = cache.get(blob) if blob is not None else None
        if entry is None:
            todo.append(rel)
        else:
            results[rel] = (blob, entry)
    if progress:
        progress(len(results), total)
    fresh = _parse_files(root, todo, settings, cache, progress, len(results), total)
    parsed = 0
    for rel in todo:
        got = fresh.get(rel)
        if got is None or got[0] == "error":
            msg = got[1] if got is not None else "cannot read"
            problems.append(Problem(rel, 1, 1, msg))
            continue
        blob, entry, was_parsed = got
        parsed += was_parsed
        results[rel] = (blob, entry)
    results = dict(sorted(results.items()))
    if progress:
        progress(total, total)

    twins: dict[str, Problem] = {p.path: p for p in case_twin_problems(results)}
    rows: dict[str, Row] = {}
    for rel, (blob, (summary, probs_raw, dl, facts, src, pid, refs)) in results.items():
        stem = rel[len(PARTICIPANTS_DIR) + 1 : -5]
        keys = None if summary is None else (pid, summary[1], src)
        probs = file_problems(rel, probs_raw, keys, settings, partial(_text_of, root, rel))
        if rel in twins:
            probs.append(twins[rel])
        problems.extend(probs)
        if summary is None or (probs and errors_only(probs)) or not is_valid_id(stem):
            continue
        rows[stem] = (rel, blob, summary, dl, facts, refs)

    if cache_path is not None and (
        parsed
        or len(cache) != len(results)
        or (settings_key is not None and got_settings is None and not settings.unknown)
    ):
        kept = None
        # Unparsable settings are not cached: their data ({}) would read back as known.
        if settings_key is not None and not settings.unknown:
            kept = (
                settings_key,
                _to_marshal(sdata),
                tuple((p.path, p.line, p.col, p.message, p.severity) for p in settings_problems),
            )
        _write_cache(cache_path, tag, {b: e for b, e in results.values()}, kept)
    stats = {
        "files": total,
        "parsed": parsed,
        "cached": total - parsed,
        "seconds": time.perf_counter() - t0,
    }
    return Caseload(
        root=root,
        settings=settings,
        settings_data=sdata,
        participants=Roster(root, rows),
        problems=tuple(problems),
        dirty=frozenset(dirty),
        is_git=is_git,
        stats=stats,
        repo=repo,
    )


if __name__ == "__main__":
    raise SystemExit(_worker_main(sys.argv[1:]))
