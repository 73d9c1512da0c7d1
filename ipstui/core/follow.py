"""Where a record went between two commits: the same file, renamed (a sync's renumber,
a `git mv`), deleted (removed, erased) or replaced by another record at its path.

A screen that holds unsaved edits of `participants/P-0001.toml` must never move them
onto another person (SPEC §6 "Two people never become one", §5 "shows both"). When the
file changed under the screen, comparing paths is not enough: a sync that renumbers
the local P-0001 to P-0002 brings the remote's P-0001, a different person, to the same
path. This module asks git's rename detection, commit by commit along HEAD's
first-parent line since the commit the screen loaded (`base`), where the record went.

Why commit by commit: a participant file is far smaller than the 400 bytes below which
git never breaks a rewrite (`-B`), so one diff from `base` to HEAD shows the renumbered
P-0001 as "modified" (holding the other person) and P-0002 as "added". Each commit on
its own is clear: the renumber commit renames P-0001 to P-0002 (`R`), and the merge
that follows adds P-0001 (`A`) against its first parent. Merges are diffed against
their first parent (`--diff-merges=first-parent`): what they brought in from the other
side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipstui.core import gitio
from ipstui.core.caseload import _head_and_blob

SAME = "same"
"""The record is still at its path (possibly edited)."""
MOVED = "moved"
"""The record was renamed: `Whereabouts.rel` is its path now."""
GONE = "gone"
"""The record's file was deleted and no other file holds it."""
REPLACED = "replaced"
"""The record's file was deleted or renamed away and another record now has its path
(`Whereabouts.rel` is where this record is now when it was renamed, else the path)."""
UNKNOWN = "unknown"
"""`base` is not in HEAD's history (a rewritten history, an unknown commit): git cannot
tell, so the caller keeps to what the path holds."""
DOUBTFUL = "doubtful"
"""Asked with the blob seen (`seen_blob`) only: the path holds a changed record that may
be another person (`Whereabouts.doubt` says why: IDENTITY_DOUBT or HISTORY_DOUBT; see
`identity`). git showed no rename, so only the content or a missing history can say."""

IDENTITY_DOUBT = "identity"
"""DOUBTFUL: the record stayed at its path, but its identity fields changed
(`identity.maybe_another`: a swap of two files' contents, a new person written over)."""
HISTORY_DOUBT = "history"
"""DOUBTFUL: `base` is not in HEAD's history and the file differs from the one seen."""
COPIED = "copied"
"""MOVED: found by git's copy detection (the path was modified and its old content
copied elsewhere in one commit) and confirmed by the copy's identity fields."""


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where the record at `asked` (caseload-relative path) in commit `base` is at HEAD.

    `state`: SAME, MOVED, GONE, REPLACED or UNKNOWN (module constants); `rel`: its path
    at HEAD (the asked one unless it moved); `head`: the HEAD commit asked about (None
    on an unborn branch)."""

    state: str
    rel: str
    asked: str
    head: str | None
    replaced_path: bool = False
    """MOVED only: the asked path holds another record at HEAD (the renumber case)."""
    doubt: str = ""
    """DOUBTFUL: IDENTITY_DOUBT or HISTORY_DOUBT; MOVED: COPIED when found as a copy."""


def head_and_blob(root: Path, rel: str) -> tuple[str | None, str | None]:
    """(HEAD commit, HEAD's blob at caseload-relative `rel`) in one git call; None for
    what does not exist (the loader's query, `caseload._head_and_blob`)."""
    return _head_and_blob(root, f"./{rel}")


def where_now(root: Path, base: str, rel: str, *, seen_blob: str | None = None) -> Whereabouts:
    """Follow the record at caseload-relative `rel` in commit `base` to HEAD (see the
    module docstring). Reads only; one `git merge-base` and one `git log`. Whether
    another record holds `rel` at HEAD is read from the same `git cat-file` call as
    HEAD itself, so the two cannot disagree when a commit lands meanwhile.

    With `seen_blob` (the record's blob in `base`, as the user saw it), a record that
    stayed at its path is also judged by its content (`identity.maybe_another`): DOUBTFUL
    when it may be another person, or MOVED (`doubt` COPIED) when git's copy detection
    found the person elsewhere; and UNKNOWN becomes SAME (same blob) or DOUBTFUL
    (HISTORY_DOUBT): without a common history a changed file cannot be called the same
    record. One more `git cat-file` when the content is compared."""
    head, blob = head_and_blob(root, rel)
    if head is None:
        return Whereabouts(UNKNOWN, rel, rel, None)
    if head == base or (seen_blob is not None and blob == seen_blob):
        return Whereabouts(SAME, rel, rel, head)
    ancestor = gitio.git(root, "merge-base", "--is-ancestor", base, head, check=False)
    if ancestor.returncode != 0:
        if seen_blob is not None and blob is not None:
            return Whereabouts(DOUBTFUL, rel, rel, head, doubt=HISTORY_DOUBT)
        return Whereabouts(UNKNOWN, rel, rel, head)
    folder = rel.rpartition("/")[0] or "."
    log = gitio.git(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "-M",
        "-C",
        "--name-status",
        "-z",
        "--relative",
        "--format=%x1e",
        f"{base}..{head}",
        "--",
        f"{folder}/",
    ).stdout
    tracked: str | None = rel
    copies: list[str] = []
    for chunk in log.split("\x1e")[1:]:
        # One commit: "\0\n" then status\0path\0 (R and C: status\0from\0to\0).
        fields = [f.lstrip("\n") for f in chunk.split("\0")]
        fields = [f for f in fields if f]
        moved_to: str | None = None
        deleted = False
        i = 0
        while i < len(fields):
            status = fields[i]
            if status[:1] in ("R", "C"):
                if status[0] == "R" and fields[i + 1 : i + 2] == [tracked]:
                    moved_to = fields[i + 2] if i + 2 < len(fields) else None
                elif fields[i + 1 : i + 2] == [tracked] and i + 2 < len(fields):
                    copies.append(fields[i + 2])  # C: modified here, its old text copied
                i += 3
                continue
            if status[:1] == "D" and fields[i + 1 : i + 2] == [tracked]:
                deleted = True
            i += 2
        if tracked is not None and moved_to is not None:
            tracked = moved_to
        elif deleted:
            tracked = None
    at_path = blob is not None
    if tracked is None:
        return Whereabouts(REPLACED if at_path else GONE, rel, rel, head)
    if tracked != rel:
        return Whereabouts(MOVED, tracked, rel, head, replaced_path=at_path)
    if seen_blob is not None and blob is not None and blob != seen_blob:
        return _judged(root, rel, head, seen_blob, blob, copies)
    return Whereabouts(SAME, rel, rel, head)


def _judged(
    root: Path, rel: str, head: str, seen_blob: str, blob: str, copies: list[str]
) -> Whereabouts:
    """The record stayed at `rel` and changed from `seen_blob` to `blob`: SAME when its
    identity fields say it is the same person, else MOVED to a copy git found whose
    identity matches the version seen (`COPIED`), else DOUBTFUL."""
    from ipstui.core.identity import maybe_another, read_blobs

    at_copies: dict[str, str] = {}
    if copies:
        ids = gitio.blob_ids(root, [f"{head}:./{c}" for c in copies])
        at_copies = {path: oid for path, oid in zip(copies, ids, strict=True) if oid}
    datas = read_blobs(root, [seen_blob, blob, *at_copies.values()])
    old, new = datas.get(seen_blob), datas.get(blob)
    if old is None or new is None or not maybe_another(rel, old, new):
        return Whereabouts(SAME, rel, rel, head)
    for path in reversed(copies):  # the newest copy first
        copy = datas.get(at_copies.get(path, ""))
        if copy is not None and not maybe_another(rel, old, copy):
            return Whereabouts(MOVED, path, rel, head, replaced_path=True, doubt=COPIED)
    return Whereabouts(DOUBTFUL, rel, rel, head, doubt=IDENTITY_DOUBT)


def commit_holding(root: Path, rel: str, blob: str, *, depth: int = 20) -> str | None:
    """The newest commit on HEAD's first-parent line whose caseload-relative `rel` is
    `blob`, among the last `depth` commits that changed `rel`; None when none is (an
    uncommitted version, an unborn branch). The base to follow a version from that was
    read before newer commits landed (`where_now`): HEAD itself would hide a rename
    made in between. Two git calls (`git log`, one `git cat-file` batch)."""
    log = gitio.git(
        root, "log", "--first-parent", f"-n{depth}", "--format=%H", "HEAD", "--", rel, check=False
    )
    commits = log.stdout.split()
    if log.returncode != 0 or not commits:
        return None
    found = gitio.blob_ids(root, [f"{c}:./{rel}" for c in commits])
    for commit, oid in zip(commits, found, strict=True):
        if oid == blob:
            return commit
    return None
