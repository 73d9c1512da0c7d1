"""Loading a caseload fast: a parse cache keyed on git's blob ids, parallel parsing
when there is no cache. The cache lives in the git directory and is disposable:
a missing, old or corrupt cache only costs a rebuild, and because it is keyed on
content ids a `git pull`, a checkout or a hand edit can never be served stale."""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.caseload import (
    PARTICIPANTS_DIR,
    Caseload,
    Parsed,
    parse_participant,
    read_settings,
)
from ipstui.core.model import Participant, Problem, is_valid_id
from ipstui.core.resources import PARTICIPANT_SCHEMA
from ipstui.core.validate import errors_only, participant_team_problems

CACHE_NAME = "ipstui-parse-cache.pickle"
CACHE_FORMAT = 1
PARALLEL_MIN = 400


def _cache_tag() -> str:
    """Changes whenever the schema or this code's format changes, invalidating old caches."""
    h = hashlib.sha1(PARTICIPANT_SCHEMA.read_bytes())
    h.update(str(CACHE_FORMAT).encode())
    return h.hexdigest()


def _read_cache(path: Path, tag: str) -> dict[str, Parsed]:
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
        if isinstance(obj, dict) and obj.get("tag") == tag and isinstance(obj.get("entries"), dict):
            return {k: Parsed(*v) for k, v in obj["entries"].items()}
    except Exception:  # noqa: BLE001 — a broken cache is rebuilt, never fatal
        pass
    return {}


def _write_cache(path: Path, tag: str, entries: dict[str, Parsed]) -> None:
    try:
        payload = {"tag": tag, "entries": {k: (v.data, v.problems) for k, v in entries.items()}}
        storage.atomic_write(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only git dir only loses the speed-up


def _git_files(root: Path, prefix: str) -> tuple[dict[str, str | None], set[str]]:
    """rel path -> blob id for files git knows clean (None when it must be read), and the dirty set.

    Paths come back relative to the repository's top; `prefix` is where the caseload sits
    inside it (empty when the caseload is the repository itself)."""
    ls = gitio.git(root, "ls-files", "-s", "-z", "--full-name", "--", PARTICIPANTS_DIR).stdout
    files: dict[str, str | None] = {}
    for rec in ls.split("\0"):
        if not rec:
            continue
        meta, _, rel = rec.partition("\t")
        rel = rel[len(prefix) :]
        parts = meta.split()
        if len(parts) == 3 and parts[2] == "0":
            files[rel] = parts[1]
        else:
            files[rel] = None  # unmerged entry: read what is on disk
    st = gitio.git(
        root,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--no-renames",
        "--",
        PARTICIPANTS_DIR,
    ).stdout
    dirty: set[str] = set()
    for rec in st.split("\0"):
        if len(rec) < 4:
            continue
        xy, rel = rec[:2], rec[3:][len(prefix) :]
        dirty.add(rel)
        if "D" in xy and not (root / rel).exists():
            files.pop(rel, None)
        else:
            files[rel] = None
    return files, dirty


def _scan_files(root: Path) -> dict[str, str | None]:
    pdir = root / PARTICIPANTS_DIR
    if not pdir.is_dir():
        return {}
    return {f"{PARTICIPANTS_DIR}/{e.name}": None for e in os.scandir(pdir) if e.is_file()}


def _parse_chunk(items: list[tuple[str, bytes]]) -> list[Parsed]:
    return [parse_participant(raw, rel) for rel, raw in items]


def _parse_many(items: list[tuple[str, bytes]]) -> list[Parsed]:
    if len(items) < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
        return _parse_chunk(items)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = min(os.cpu_count() or 2, 8)
    size = max(50, len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    # forkserver: safe to start from a process that already runs threads (the app).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ipstui.core.caseload"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        out: list[Parsed] = []
        for res in pool.map(_parse_chunk, chunks):
            out.extend(res)
    return out


def load(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Caseload:
    t0 = time.perf_counter()
    settings, sdata, problems = read_settings(root)
    repo = gitio.repo_info(root)
    is_git = repo is not None
    cache_path: Path | None = None
    if repo is not None:
        files, dirty = _git_files(root, repo.prefix)
        cache_path = repo.git_dir / CACHE_NAME
    else:
        files, dirty = _scan_files(root), set()
    tag = _cache_tag()
    cache = _read_cache(cache_path, tag) if (cache_path and use_cache) else {}

    results: dict[str, tuple[str, Parsed]] = {}
    to_read: list[str] = []
    for rel, blob in files.items():
        name = rel[len(PARTICIPANTS_DIR) + 1 :]
        if "/" in name or not name.endswith(".toml"):
            continue
        if blob is not None and blob in cache:
            results[rel] = (blob, cache[blob])
        else:
            to_read.append(rel)
    total = len(results) + len(to_read)
    if progress:
        progress(len(results), total)
    misses: list[tuple[str, bytes]] = []
    blobs: dict[str, str] = {}
    for rel in to_read:
        try:
            raw = (root / rel).read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, 1, 1, f"cannot read: {exc.strerror}"))
            continue
        blob = storage.blob_id(raw)
        blobs[rel] = blob
        if blob in cache:
            results[rel] = (blob, cache[blob])
        else:
            misses.append((rel, raw))
    parsed = _parse_many(misses)
    for (rel, _), p in zip(misses, parsed, strict=True):
        results[rel] = (blobs[rel], p)
    if progress:
        progress(total, total)

    participants: dict[str, Participant] = {}
    for rel in sorted(results):
        blob, p = results[rel]
        stem = Path(rel).stem
        probs = [Problem(rel, ln, col, msg, sev) for ln, col, msg, sev in p.problems]
        if p.data is not None:
            team = participant_team_problems(p.data, rel, None, settings.team)
            if team:
                text = (root / rel).read_text("utf-8", "replace")
                probs.extend(participant_team_problems(p.data, rel, text, settings.team))
        problems.extend(probs)
        if p.data is None or errors_only(probs) or not is_valid_id(stem):
            continue
        participants[stem] = Participant(stem, p.data, rel, blob)

    if cache_path is not None and (misses or len(cache) != len(results)):
        _write_cache(cache_path, tag, {b: p for b, p in results.values()})
    stats = {
        "files": total,
        "parsed": len(misses),
        "cached": total - len(misses),
        "seconds": time.perf_counter() - t0,
    }
    return Caseload(
        root=root,
        settings=settings,
        settings_data=sdata,
        participants=participants,
        problems=tuple(problems),
        dirty=frozenset(dirty),
        is_git=is_git,
        stats=stats,
    )


def iter_data(cl: Caseload) -> Iterable[dict]:
    return (p.data for p in cl.participants.values())
