"""The erasure register read back (SPEC §12): which participant ids `ipstui erase`
removed from the history, and whether a tree or a set of commits brings one back.

`erasures.toml` holds one `[[erasure]]` table per erased participant with `id_sha256`,
the SHA-256 (hex) of the id as stored (`id_hash`); never the id itself. The register is
read leniently: every `id_sha256 = "<64 hex digits>"` line counts, even in a file that
is not valid TOML, because a guard that a typo can switch off guards nothing.

Used by sync (a merge or a push that would re-publish an erased participant is refused)
and by `validate` (an erased id present in the caseload is an error).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ipstui.core.folder import PARTICIPANTS_DIR
from ipstui.core.gitio import blobs, git
from ipstui.core.i18n import _
from ipstui.core.model import Problem

ERASURES_FILE = "erasures.toml"
_ENTRY = re.compile(r'^\s*id_sha256\s*=\s*["\']([0-9a-fA-F]{64})["\']', re.MULTILINE)


def id_hash(pid: str) -> str:
    """SHA-256 (hex) of the id as stored: what erasures.toml keeps instead of the id."""
    return hashlib.sha256(pid.encode("utf-8")).hexdigest()


def hashes_in(text: str) -> frozenset[str]:
    """The erased ids' hashes (lower-case hex) listed in erasures.toml's text."""
    return frozenset(h.lower() for h in _ENTRY.findall(text))


def hashes_on_disk(root: Path) -> frozenset[str]:
    """The hashes in the work tree's erasures.toml (empty when there is none)."""
    try:
        raw = (Path(root) / ERASURES_FILE).read_bytes()
    except OSError:
        return frozenset()
    return hashes_in(raw.decode("utf-8", "replace"))


def hashes_at(root: Path, rev: str | None) -> frozenset[str]:
    """The hashes in erasures.toml as commit `rev` holds it (caseload-relative; empty
    when `rev` is None or holds no such file)."""
    if rev is None:
        return frozenset()
    proc = git(root, "cat-file", "blob", f"{rev}:./{ERASURES_FILE}", check=False, binary=True)
    if proc.returncode != 0:
        return frozenset()
    return hashes_in(proc.stdout.decode("utf-8", "replace"))


def hashes_at_each(root: Path, revs: list[str | None]) -> frozenset[str]:
    """The hashes in erasures.toml as any of the commits `revs` holds it (`hashes_at`
    of each, together), read in one git process (`gitio.blobs`)."""
    asked = sorted({rev for rev in revs if rev is not None})
    found: set[str] = set()
    for raw in blobs(root, [f"{rev}:./{ERASURES_FILE}" for rev in asked]):
        if raw is not None:
            found |= hashes_in(raw.decode("utf-8", "replace"))
    return frozenset(found)


def erased_among(ids: Iterable[str], hashes: frozenset[str]) -> list[str]:
    """The ids (sorted, each once) whose hash is in `hashes`."""
    if not hashes:
        return []
    return sorted({i for i in ids if id_hash(i) in hashes})


def _stem(path: str) -> str | None:
    folder, _sep, name = path.partition("/")
    if folder != PARTICIPANTS_DIR or "/" in name or not name.endswith(".toml"):
        return None
    return name[: -len(".toml")]


def ids_in_tree(root: Path, rev: str) -> list[str]:
    """The participant ids (file stems under participants/) in commit `rev`'s tree."""
    out = git(root, "ls-tree", "-z", "--name-only", rev, "--", f"{PARTICIPANTS_DIR}/").stdout
    return [s for p in out.split("\0") if p and (s := _stem(p)) is not None]


def ids_in_commits(root: Path, since: str | None, until: str) -> list[str]:
    """Participant ids that the commits in `since..until` (all of `until`'s history when
    `since` is None) touch a file of or name in a `Participant:` trailer."""
    span = until if since is None else f"{since}..{until}"
    names = git(
        root, "log", "-z", "--format=", "--name-only", "--no-renames", "--relative", span,
        "--", f"{PARTICIPANTS_DIR}/",
    ).stdout  # fmt: skip
    found = {s for p in names.replace("\n", "\0").split("\0") if p and (s := _stem(p))}
    trailers = git(
        root, "log", "--format=%(trailers:key=Participant,valueonly,separator=%x0a)", span
    ).stdout
    found |= {line.strip() for line in trailers.splitlines() if line.strip()}
    return sorted(found)


def brought_back(root: Path, hashes: frozenset[str], head: str, since: str | None) -> list[str]:
    """Erased ids that `head` would publish: present in its tree, or touched or named by
    a commit in `since..head` (the commits a push would send). Empty without hashes."""
    if not hashes:
        return []
    return erased_among([*ids_in_tree(root, head), *ids_in_commits(root, since, head)], hashes)


def erased_problems(paths: Iterable[str], hashes: frozenset[str]) -> list[Problem]:
    """`validate`'s error for each participant file (caseload-relative path) whose id
    `hashes` (erasures.toml's) lists: the file brings an erased person back (SPEC §12)."""
    if not hashes:
        return []
    out = []
    for rel in sorted(paths):
        pid = _stem(rel)
        if pid is not None and id_hash(pid) in hashes:
            out.append(
                Problem(
                    rel,
                    1,
                    1,
                    _(
                        "{pid} was erased from this caseload ({file} lists it): this file brings the person back; delete it unless the erasure was a mistake, and check where it came from (an old clone or backup)"
                    ).format(pid=pid, file=ERASURES_FILE),
                )
            )
    return out


_HASH = re.compile(r"[0-9a-fA-F]{64}")
_TEXT_KEYS = ("by", "request")


def register_problem(raw: bytes, rel: str = ERASURES_FILE) -> Problem | None:
    """The one problem of erasures.toml's bytes `raw`, or None when the register is
    valid: not UTF-8/TOML, or not the shape `erase.record` writes — only `[[erasure]]`
    tables, each with `id_sha256` (64 hex digits), `on` a date and `by` and
    `request` text when present. A file of comments only is a valid, empty register.

    One problem, not one per entry: the register is one file the team repairs as a
    whole, and `ipstui erase` is refused while it has one (an entry appended to a file
    that does not parse would leave the register broken, SPEC §12)."""
    from datetime import date

    from ipstui.core import storage
    from ipstui.core.locate import Locator

    try:
        data = storage.loads_bytes(raw, rel)
    except storage.ParseError as exc:
        if exc.message == "file is empty" and not any(
            line.strip() and not line.lstrip().startswith("#")
            for line in raw.decode("utf-8", "replace").splitlines()
        ):
            return None
        return Problem(exc.path, exc.line, exc.col, exc.message)

    def at(path: list[Any], message: str) -> Problem:
        line, col = Locator(storage.decode_text(raw, rel).text).find(path)
        return Problem(rel, line, col, message)

    for key in data:
        if key != "erasure":
            return at(
                [key],
                _(
                    "{key}: not a key of the erasure register; only [[erasure]] entries belong here"
                ).format(key=key),
            )
    entries = data.get("erasure", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return at(["erasure"], _("erasure: expected [[erasure]] tables"))
    for i, entry in enumerate(entries):
        digest = entry.get("id_sha256")
        if not isinstance(digest, str) or not _HASH.fullmatch(digest):
            return at(
                ["erasure", i, "id_sha256"] if "id_sha256" in entry else ["erasure", i],
                _(
                    "erasure {n}: id_sha256 must be the 64 hex digits of the erased id's SHA-256"
                ).format(n=i + 1),
            )
        if "on" in entry and type(entry["on"]) is not date:
            return at(
                ["erasure", i, "on"],
                _("erasure {n}: on must be a date (YYYY-MM-DD)").format(n=i + 1),
            )
        for key in _TEXT_KEYS:
            if key in entry and not isinstance(entry[key], str):
                return at(
                    ["erasure", i, key],
                    _("erasure {n}: {key} must be text").format(n=i + 1, key=key),
                )
    return None


def not_a_file_problem(root: Path) -> Problem | None:
    """The problem of a work-tree erasures.toml that exists but is not a regular file (a
    folder, a symbolic link), or None. ipstui never reads or writes through a link, and
    `ipstui erase` could not append its entry to a folder after rewriting the history
    (SPEC §12: the erasure is recorded), so the register must be a plain file."""
    path = Path(root) / ERASURES_FILE
    if not path.is_symlink() and not path.exists():
        return None
    if path.is_symlink() or not path.is_file():
        return Problem(
            ERASURES_FILE, 1, 1,
            _("{file} is not a regular file (it is a folder or a symbolic link); replace it with a plain file").format(
                file=ERASURES_FILE
            ),
        )  # fmt: skip
    return None


def _register_on_disk(root: Path) -> tuple[list[Problem], bytes | None]:
    """The work tree's erasures.toml read once: its problem (`not_a_file_problem`, else
    `register_problem`) as a list, and its bytes (None when absent, unreadable or not a
    plain file)."""
    odd = not_a_file_problem(root)
    if odd is not None:
        return [odd], None
    try:
        raw = (Path(root) / ERASURES_FILE).read_bytes()
    except OSError:
        return [], None
    problem = register_problem(raw)
    return ([] if problem is None else [problem]), raw


def register_problems_on_disk(root: Path) -> list[Problem]:
    """[`register_problem`] of the work tree's erasures.toml; [] when valid or absent.
    [`not_a_file_problem`] when it is a folder or a symbolic link."""
    return _register_on_disk(root)[0]


def problems_on_disk(root: Path) -> list[Problem]:
    """What the work tree's erasures.toml finds, from one read of it: the register's own
    problem (`register_problem`, or `not_a_file_problem`), then `erased_problems` for the
    participant files."""
    out, raw = _register_on_disk(root)
    if raw is None:
        return out
    hashes = hashes_in(raw.decode("utf-8", "replace"))
    if not hashes:
        return out
    try:
        names = [e.name for e in (Path(root) / PARTICIPANTS_DIR).iterdir()]
    except OSError:
        return out
    return out + erased_problems((f"{PARTICIPANTS_DIR}/{n}" for n in names), hashes)
