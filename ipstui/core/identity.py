"""Is the record at an id still the person the user meant? (SPEC §6 "Two people never
become one", §5 "shows both".)

An edit names its record by id (`P-0008`), but what the user meant is a *person*: the one
they saw when they opened the screen, or the one at the id when the command started. An
id can change hands in ways a plain "has the file changed" check takes for an ordinary
outside edit: a sync renumbers the local P-0008 and brings the remote's P-0008 (git
shows a rename, then an add); two files' contents swapped in one commit (git shows two
modifications); a `git mv` and a new person at the old path in one commit (a
modification and an add); a `git checkout` or `reset --hard` to another history (no
common line at all). This module decides, under the save lock, whether the record at
the id is still the one seen, and says why not (`ChangedHands`).

The decision, in order (`judge`):

1. The same bytes at the path as seen (same blob): the same record. Nothing is asked of
   git.
2. git's rename detection commit by commit since the commit seen (`follow.where_now`):
   renamed away (a renumber), deleted, or deleted and the id taken — another person.
3. The record stayed at its path and changed: its *identity fields* are compared
   (`maybe_another`). A person's name, referral source, referral, first-contact and
   enrolment dates and the append-only contact log do not change in an ordinary edit;
   a colleague fixing the name (a typo, a pseudonym) changes one of them. So two of
   these signals changed together are "maybe another person", one alone is an
   ordinary outside edit: the screen rebases the typed values on it as for any other
   (a typed name that differs from the new saved one is shown with both, and the
   person decides), and a command applies its edit to it.
   Content is the only witness left when git shows a modification (small files are
   never broken into delete + add: git's break detection starts at 400 bytes, and a
   participant file is about that size), so the rule errs on asking: an honest
   refusal the user can repeat (or a question in the app) loses nothing, a silent
   save onto another person loses two records.
   git's copy detection (`-C`: a file modified in the same commit may be a copy
   source) then finds where the person went when a commit moved them and put someone
   new at the path (`git mv` plus a new file): the copy is believed only when its own
   identity fields match what was seen.
4. The commit seen is not in HEAD's history (a branch switch, a reset, a rewrite): git
   cannot follow the record, so a changed file is "cannot tell", never "same".

Reads only; the callers hold the save lock (`caseload.transact`) or run in a worker
(the app's screen).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipstui.core.i18n import N_, _

# Light at import (the participant screen imports `Seen` and `Verdict`): git and the
# save transaction are imported by the functions that use them.

SIGNALS: Mapping[str, tuple[str, ...]] = {
    "participants": ("referred_on", "referral_source", "enrolled_on", "first_contact_on"),
    "employers": ("sector", "contact_person"),
}
"""Besides `name` and the contact log: the fields set once in a record's life, by
folder (SPEC §2 and §11). A value set in the version seen and different (or gone) in
the one on disk counts as one changed signal."""


@dataclass(frozen=True, slots=True)
class Seen:
    """What the user saw of one record: `commit` (HEAD then), `rel` (the record's
    caseload-relative path) and `blob` (git's blob id of the file then, committed in
    `commit`). `waited`: taken by a command-line edit before it waited for the save
    lock (the wording of a refusal), else by a screen when it showed the record."""

    commit: str
    rel: str
    blob: str
    waited: bool = False


def seen_query(rel: str) -> tuple[tuple[str, ...], str]:
    """The `git cat-file` query (args, input) of HEAD and its blob at caseload-relative
    `rel`, for `gitio.git_many` / `gitio.start_many`; its answer goes to `seen_from`."""
    return (("cat-file", "--batch-check=%(objectname) %(objecttype)"), f"HEAD\nHEAD:./{rel}\n")


def seen_from(stdout: str, rel: str, *, waited: bool = False) -> Seen | None:
    """`Seen` from the answer to `seen_query(rel)`; None when HEAD or the file does not
    exist, or outside git (nothing to compare with later)."""
    words = [line.split() for line in stdout.splitlines()[:2]]
    if len(words) < 2 or [w[1:] for w in words] != [["commit"], ["blob"]]:
        return None
    return Seen(words[0][0], rel, words[1][0], waited)


def seen_now(root: Path, rel: str, *, waited: bool = False) -> Seen | None:
    """The record at caseload-relative `rel` as HEAD holds it now (one `git cat-file`,
    `seen_query`); None as `seen_from` says."""
    from ipstui.core import gitio

    args, data = seen_query(rel)
    return seen_from(gitio.git(root, *args, input=data, check=False).stdout, rel, waited=waited)


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Blob id -> its TOML data, for each id git holds and that parses (one
    `git cat-file --batch`); others are left out."""
    from ipstui.core import gitio, storage

    wanted = list(dict.fromkeys(blobs))
    if not wanted:
        return {}
    out = gitio.git(
        root,
        "cat-file",
        "--batch",
        input="".join(f"{b}\n" for b in wanted),
        binary=True,
        check=False,
    ).stdout
    found: dict[str, dict[str, Any]] = {}
    at = 0
    for blob in wanted:
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<id> missing"
        size = int(header[2])
        raw = out[at : at + size]
        at += size + 1
        try:
            found[blob] = storage.loads_bytes(raw, blob)
        except Exception:  # noqa: BLE001 — not TOML: no identity to compare
            continue
    return found


def _name(data: Mapping[str, Any]) -> str:
    return " ".join(str(data.get("name") or "").split()).casefold()


def identity_changes(rel: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The identity signals that differ between two versions of the record at `rel`:
    "name" (ignoring case and runs of spaces), each field of `SIGNALS` set in `old` and
    different in `new`, and "contacts" when a contact of `old` is not in `new` (the log
    is append-only, SPEC §2)."""
    out: list[str] = []
    if _name(old) != _name(new):
        out.append("name")
    folder = rel.partition("/")[0]
    for key in SIGNALS.get(folder, ()):
        if old.get(key) not in (None, "") and old.get(key) != new.get(key):
            out.append(key)
    old_contacts = old.get("contacts")
    new_contacts = new.get("contacts")
    if isinstance(old_contacts, list) and old_contacts:
        kept = new_contacts if isinstance(new_contacts, list) else []
        if any(c not in kept for c in old_contacts):
            out.append("contacts")
    return out


def maybe_another(rel: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether `new` may be another person than `old` (module docstring, rule 3): two
    identity signals (`identity_changes`) changed together. One alone, the name
    included, is an ordinary outside edit: a command applies its edit to it, and the
    screen shows a typed name beside the new saved one for the person to decide (so a
    colleague's correction is never refused, and never asked about twice)."""
    return len(identity_changes(rel, old, new)) >= 2


# ---------------------------------------------------------------- the verdict

RENUMBERED = "renumbered"
"""The record was renamed to another id (a sync's renumber, `git mv`, a copy found by
git's copy detection); `Verdict.moved_to` is its id now."""
REPLACED = "replaced"
"""The record's file was deleted (or renamed to a path git lost) and another record
has its id."""
IDENTITY = "identity"
"""The file stayed and its identity fields changed: maybe another person."""
HISTORY = "history"
"""The commit seen is not in HEAD's history (a branch switch, a reset): cannot tell."""
REMOVED = "removed"
"""No file holds the id at HEAD: the record's file was deleted, or renamed where git's
rename detection could not follow it (`follow.GONE`, or another history without it).
`Verdict.now` is '' (nobody holds the id)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why the record at `rel` may not be the one seen: `reason` (RENUMBERED, REPLACED,
    IDENTITY, HISTORY or REMOVED), the name seen (`was`) and the name at the path now (`now`;
    '' when unknown), `moved_to` (the record's id now, RENUMBERED only), `head` and
    `blob` (HEAD and its blob at `rel` when judged: what a confirmed save expects)."""

    reason: str
    rel: str
    was: str
    now: str
    head: str | None
    blob: str | None
    moved_to: str = ""


def judge(root: Path, seen: Seen, rel: str) -> Verdict | None:
    """None when the record at `rel` at HEAD is the one `seen` (module docstring's
    rules); else why not. One `git cat-file` when nothing changed; a `git merge-base`,
    a `git log` and two `git cat-file` otherwise. GitError when git fails."""
    from ipstui.core import follow
    from ipstui.core.caseload import _head_and_blob

    head, blob = _head_and_blob(root, f"./{rel}")
    if blob == seen.blob and rel == seen.rel:
        return None
    where = follow.where_now(root, seen.commit, seen.rel, seen_blob=seen.blob)
    if where.state == follow.SAME:
        return None
    datas = read_blobs(root, [b for b in (seen.blob, blob) if b])
    was = str(datas.get(seen.blob, {}).get("name") or "")
    now = str(datas.get(blob, {}).get("name") or "") if blob else ""
    if where.state == follow.MOVED:
        reason, moved = RENUMBERED, where.rel.rpartition("/")[2].removesuffix(".toml")
    else:
        reason = {follow.DOUBTFUL: IDENTITY, follow.UNKNOWN: HISTORY}.get(where.state, REPLACED)
        if where.state == follow.DOUBTFUL and where.doubt == follow.HISTORY_DOUBT:
            reason = HISTORY
        if blob is None:
            reason = REMOVED  # nobody holds the id: say so, not "now holds ?"
        moved = ""
    return Verdict(reason, rel, was, now, where.head, blob, moved)


_WAITED_TEXTS: Mapping[tuple[str, str], str] = {
    ("participants", RENUMBERED): N_(
        "{pid} changed hands while this command waited for another ipstui (a sync renumbered it, or its file was renamed): the participant it held is now {new}; check `ipstui log {pid}` and `ipstui log {new}`, then run the command again; nothing was written"
    ),
    ("participants", HISTORY): N_(
        "{pid} changed while this command waited for another ipstui and its history was replaced (a branch switch or a reset): it cannot be told whether it is the same participant; check `ipstui log {pid}` and run the command again; nothing was written"
    ),
    ("participants", IDENTITY): N_(
        "{pid} changed hands while this command waited for another ipstui: it held {was} and now holds {now}; check `ipstui log {pid}` and run the command again; nothing was written"
    ),
    ("participants", REPLACED): N_(
        "{pid} changed hands while this command waited for another ipstui: its record was removed or renamed and the id now holds {now}; check `ipstui log {pid}` and run the command again; nothing was written"
    ),
    ("participants", REMOVED): N_(
        "{pid} is gone: while this command waited for another ipstui, its file was deleted or renamed (where git cannot follow it), and no participant holds the id now; check `ipstui log {pid}`; nothing was written"
    ),
    ("employers", RENUMBERED): N_(
        "{pid} changed hands while this command waited for another ipstui (a sync renumbered it, or its file was renamed): the employer it held is now {new}; check `ipstui employer list`, then run the command again; nothing was written"
    ),
    ("employers", HISTORY): N_(
        "{pid} changed while this command waited for another ipstui and its history was replaced (a branch switch or a reset): it cannot be told whether it is the same employer; check `ipstui employer list` and run the command again; nothing was written"
    ),
    ("employers", IDENTITY): N_(
        "{pid} changed hands while this command waited for another ipstui: it held the employer {was} and now holds {now}; check `ipstui employer list` and run the command again; nothing was written"
    ),
    ("employers", REPLACED): N_(
        "{pid} changed hands while this command waited for another ipstui: its employer was removed or renamed and the id now holds {now}; check `ipstui employer list` and run the command again; nothing was written"
    ),
    ("employers", REMOVED): N_(
        "{pid} is gone: while this command waited for another ipstui, its file was deleted or renamed (where git cannot follow it), and no employer holds the id now; check `ipstui employer list`; nothing was written"
    ),
}
"""A command-line edit's refusal after it waited for the save lock, by record folder and
`Verdict.reason`; whole sentences, one per case (SPEC §13)."""

_OPENED_TEXTS: Mapping[tuple[str, str], str] = {
    ("participants", RENUMBERED): N_(
        "{pid} changed hands since you opened it (a sync renumbered it, or its file was renamed): the participant you were editing is now {new}; nothing was written"
    ),
    ("participants", HISTORY): N_(
        "{pid} changed and its history was replaced since you opened it (a branch switch or a reset): it cannot be told whether it is still {was}; it now holds {now}; nothing was written"
    ),
    ("participants", IDENTITY): N_(
        "{pid} may be another participant now: it held {was} when you opened it and now holds {now}; nothing was written"
    ),
    ("participants", REPLACED): N_(
        "{pid}'s record was removed or renamed since you opened it and the id now holds {now}; nothing was written"
    ),
    ("participants", REMOVED): N_(
        "{pid} is gone: since you opened it, its file was deleted or renamed (where git cannot follow it), and no participant holds the id now; nothing was written"
    ),
    ("employers", RENUMBERED): N_(
        "{pid} changed hands since you opened it (a sync renumbered it, or its file was renamed): the employer you were editing is now {new}; nothing was written"
    ),
    ("employers", HISTORY): N_(
        "{pid} changed and its history was replaced since you opened it (a branch switch or a reset): it cannot be told whether it is still the employer {was}; it now holds {now}; nothing was written"
    ),
    ("employers", IDENTITY): N_(
        "{pid} may be another employer now: it held {was} when you opened it and now holds {now}; nothing was written"
    ),
    ("employers", REPLACED): N_(
        "{pid}'s employer was removed or renamed since you opened it and the id now holds {now}; nothing was written"
    ),
    ("employers", REMOVED): N_(
        "{pid} is gone: since you opened it, its file was deleted or renamed (where git cannot follow it), and no employer holds the id now; nothing was written"
    ),
}
"""The app's refusal (the record as a screen or dialog showed it), by record folder and
`Verdict.reason`."""


def changed_hands_text(pid: str, v: Verdict, waited: bool) -> str:
    """One line (SPEC §7) saying what happened to `pid` (a participant's or an
    employer's id, as `v.rel`'s folder says) and what to do; names as stored (the
    caller escapes them for a terminal). A name that cannot be read (a file that does
    not parse) is shown as `?`."""
    folder = "employers" if v.rel.startswith("employers/") else "participants"
    texts = _WAITED_TEXTS if waited else _OPENED_TEXTS
    text = _(texts[(folder, v.reason)])
    return text.format(pid=pid, new=v.moved_to, was=v.was or "?", now=v.now or "?")
