"""Two people never become one (SPEC §6): a record file added on both sides of a sync.

Two specialists who each run `ipstui new` before syncing both get the next free id, say
P-0061, for two different people. Merged field by field, the two files would become one
person holding both people's notes. So before sync merges, it compares what each side
added since the merge base:

- **Detection.** `git diff --diff-filter=A merge-base..ours` and `merge-base..theirs`,
  restricted to the record folders (`participants/`, `employers/`), give the files each
  side added; two added paths that are equal ignoring case name the same file (on macOS
  and Windows they are one file). Such a pair is **one record** when the versions the two
  sides first committed are byte-identical (the same import on two clones, or the same
  commit reached by two routes): git merges later edits of it field by field. Otherwise
  it is **two records**.
- **Renumbering.** Of two records, the local, not yet pushed one moves to the next free
  id: one past the highest number with the same prefix among the ids of both sides
  (compared ignoring case), as wide as the old number (`P-0061` -> `P-0062`); an id
  without a number gets `-2`, `-3`, ... The move is one commit of its own, subject
  `P-0061 -> P-0062: renumbered, id taken on the remote` (SPEC §5: no names), with the
  `id` line of the file changed and nothing else.
- **Layout kept.** Both rewrites change only the lines that hold the id (the file's
  comments, dotted keys, key order and line endings stay, `textpatch`); a file whose
  layout cannot be patched is written in the canonical layout and sync says so.
- **References follow.** A record of this side that names the old id in a reference
  field (`employer_id` for employers, `participant_id` for participants, at any depth:
  a job, a contact) was written for the local record, because the old id did not exist
  at the merge base: the reference is changed to the new id, one commit per record.
  Free text (notes, task descriptions) is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import commit_message
from ipstui.core.i18n import _
from ipstui.core.model import ID_MAX, is_valid_id
from ipstui.core.textpatch import patch_bytes
from ipstui.core.tomlvalues import same

RECORD_DIRS: dict[str, tuple[str, str]] = {
    "participants": ("Participant", "participant_id"),
    "employers": ("Employer", "employer_id"),
}
"""Record folder -> (commit trailer name, name of a reference field to such a record)."""


class RenumberError(gitio.GitError):
    """A clashing record cannot be renumbered (its file is not valid TOML); nothing written."""


@dataclass(frozen=True, slots=True)
class Renumbered:
    """One local record moved to a free id because the remote took its id."""

    old: str
    new: str
    folder: str
    """`participants` or `employers`."""
    commit: str
    """The renumbering commit."""
    references: tuple[str, ...] = ()
    """Ids of this side's records whose references were changed to the new id."""
    rewritten: tuple[str, ...] = ()
    """Ids (new ones for the renumbered record) of files that had to be written in the
    canonical layout because their own could not be patched (`textpatch.patch_bytes`):
    sync says so, since their comments or key order are gone."""

    def words(self) -> str:
        """`P-0061 is now P-0062 (P-0061 was taken on the remote)`."""
        return _("your {old} is now {new} ({old} was taken on the remote)").format(
            old=self.old, new=self.new
        )


def _added(root: Path, base: str, tip: str) -> dict[str, str]:
    """Record files added between `base` and `tip`: casefolded path -> path (caseload-relative)."""
    out = gitio.git(
        root,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--diff-filter=A",
        "--relative",
        base,
        tip,
        "--",
        *RECORD_DIRS,
    ).stdout
    return {p.casefold(): p for p in out.split("\0") if _record_path(p)}


def _record_path(rel: str) -> bool:
    folder, _unused, name = rel.partition("/")
    return folder in RECORD_DIRS and "/" not in name and name.endswith(".toml")


def _blob(root: Path, rev: str, rel: str) -> str | None:
    proc = gitio.git(root, "rev-parse", "-q", "--verify", f"{rev}:./{rel}", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def first_version(root: Path, base: str, tip: str, rel: str) -> str | None:
    """Blob of `rel` (relative to `root`) as the commit that added it after `base` (on the
    way to `tip`) wrote it; None when no such commit. The merge driver asks it too."""
    proc = gitio.git(
        root,
        "log",
        "--diff-filter=A",
        "--format=%H",
        "--no-renames",
        f"{base}..{tip}",
        "--",
        rel,
        check=False,
    )
    commits = proc.stdout.split()
    return _blob(root, commits[-1], rel) if commits else None


def _ids(root: Path, rev: str, folder: str) -> set[str]:
    out = gitio.git(
        root, "ls-tree", "-z", "--name-only", rev, "--", f"{folder}/", check=False
    ).stdout
    names = [p.rsplit("/", 1)[-1] for p in out.split("\0") if p]
    return {n[:-5].casefold() for n in names if n.endswith(".toml")}


_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def next_free_id(old: str, taken: Iterable[str]) -> str:
    """The id a renumbered record gets: one past the highest number with `old`'s prefix
    among `taken` (casefolded ids), as wide as `old`'s number; `old-2`, `old-3`, ... for
    an id without a number. Never an id in `taken`, compared ignoring case, and always a
    valid id (`model.is_valid_id`): a Windows device name is passed over (`COM1` clashing
    goes to `COM10`, not `COM2`), and the id stays within its 64 characters (a numbered
    id whose number would outgrow them, or a long id without a number, is cut before its
    `-2`)."""
    taken = {t.casefold() for t in taken}

    def free(candidate: str) -> bool:
        return candidate.casefold() not in taken and is_valid_id(candidate)

    m = _NUMBERED.match(old)
    if m is not None:
        prefix, digits = m.group(1), m.group(2)
        top = int(digits)
        for t in taken:
            tm = _NUMBERED.match(t)
            if tm is not None and tm.group(1) == prefix.casefold():
                top = max(top, int(tm.group(2)))
        n = top + 1
        while len(candidate := f"{prefix}{n:0{len(digits)}d}") <= ID_MAX:
            if free(candidate):
                return candidate
            n += 1
    n = 2
    while not free(candidate := f"{old[: ID_MAX - len(str(n)) - 1]}-{n}"):
        n += 1
    return candidate


def clashes(root: Path, base: str, ours: str, theirs: str) -> list[tuple[str, str]]:
    """Record files both sides added as different records: (our path, their path)."""
    mine = _added(root, base, ours)
    if not mine:
        return []
    other = _added(root, base, theirs)
    out = []
    for key, rel in sorted(mine.items()):
        their_rel = other.get(key)
        if their_rel is None:
            continue
        if _blob(root, ours, rel) == _blob(root, theirs, their_rel):
            continue  # byte-identical: one record
        if first_version(root, base, ours, rel) == first_version(root, base, theirs, their_rel):
            continue  # one record, edited since on either side: merged field by field
        out.append((rel, their_rel))
    return out


_ID_LINE = r'^(id[ \t]*=[ \t]*)"{old}"([ \t]*(?:#[^\r\n]*)?)(\r?)$'


def _dumps_of(folder: str) -> Callable[[Mapping[str, Any]], str]:
    """The canonical layout of a record in `folder` (participants or employers)."""
    if folder == "employers":
        from ipstui.core.employers import dumps

        return dumps
    return storage.dumps


def _patched(
    raw: bytes, rel: str, data: Mapping[str, Any], fixed: Mapping[str, Any]
) -> tuple[bytes, bool]:
    """`raw` (parsed: `data`) changed to hold `fixed`, only the changed values' lines
    rewritten; (bytes, False) when the file's own layout could not be kept."""
    return patch_bytes(raw, data, fixed, _dumps_of(rel.partition("/")[0]))


def _with_id(raw: bytes, rel: str, old: str, new: str) -> tuple[bytes, bool]:
    """The file with its `id` changed: the one `id = "OLD"` line rewritten in place
    (line endings and layout kept), else the file patched (`textpatch`), else its
    canonical layout; and False in that last case (the layout was not kept)."""
    try:
        data = storage.loads_bytes(raw, rel)
    except storage.ParseError as exc:
        raise RenumberError(
            _(
                "{rel} was also added on the remote as another record, but yours cannot be renumbered: {exc}; fix the file (`ipstui validate`), commit, and sync again"
            ).format(rel=rel, exc=exc)
        ) from None
    text = raw.decode("utf-8")
    pattern = re.compile(_ID_LINE.format(old=re.escape(old)), re.MULTILINE)
    if len(pattern.findall(text)) == 1:
        fixed = pattern.sub(lambda m: f'{m.group(1)}"{new}"{m.group(2)}{m.group(3)}', text)
        if same(storage.loads_bytes(fixed.encode("utf-8"), rel), {**data, "id": new}):
            return fixed.encode("utf-8"), True
    return _patched(raw, rel, data, {**data, "id": new})


def _replace_refs(value: Any, field: str, old: str, new: str) -> tuple[Any, int]:
    """`value` with every `field = old` (at any depth) set to `new`; and how many."""
    if isinstance(value, Mapping):
        out, n = {}, 0
        for k, v in value.items():
            if k == field and v == old and type(v) is str:
                out[k], n = new, n + 1
            else:
                out[k], m = _replace_refs(v, field, old, new)
                n += m
        return out, n
    if isinstance(value, list):
        items = [_replace_refs(v, field, old, new) for v in value]
        return [v for v, _unused in items], sum(m for _unused, m in items)
    return value, 0


def _message(subject: str, body: list[str], trailer: str, rid: str, changed: str) -> str:
    lines = [subject, ""] + body + ["", f"{trailer}: {rid}", f"Changed: {changed}"]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def renumber(root: Path, base: str, ours: str, theirs: str, ours_rel: str) -> Renumbered:
    """Move the local record at `ours_rel` to the next free id (one commit), then point
    this side's references at the new id (one commit per referring record). HEAD must
    be `ours` with a clean work tree; raises GitError when git refuses a commit."""
    folder, _unused, name = ours_rel.partition("/")
    trailer, ref_field = RECORD_DIRS[folder]
    old = name[:-5]
    taken = _ids(root, ours, folder) | _ids(root, theirs, folder)
    new = next_free_id(old, taken)
    new_rel = f"{folder}/{new}.toml"
    old_path, new_path = root / ours_rel, root / new_rel
    raw = old_path.read_bytes()
    content, kept = _with_id(raw, ours_rel, old, new)
    rewritten = [] if kept else [new]
    storage.atomic_write(new_path, content)
    old_path.unlink()
    message = _message(
        f"{old} -> {new}: renumbered, id taken on the remote",
        [f"id: {old} -> {new}"],
        trailer,
        new,
        "id",
    )
    message = message.rstrip("\n") + f"\nRenumbered-from: {old}\n"
    try:
        commit = gitio.commit_paths(root, [ours_rel, new_rel], message, add=True)
    except gitio.GitError:
        _put_back(root, {ours_rel: raw, new_rel: None})
        raise
    refs = []
    changed = gitio.git(
        root,
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--relative",
        base,
        commit,
        "--",
        *RECORD_DIRS,
    ).stdout.split("\0")
    for rel in sorted(p for p in changed if _record_path(p) and p != new_rel):
        path = root / rel
        if not path.is_file():
            continue
        raw = path.read_bytes()
        try:
            data = storage.loads_bytes(raw, rel)
        except storage.ParseError:
            continue
        fixed, n = _replace_refs(data, ref_field, old, new)
        if not n:
            continue
        rid = str(data.get("id", Path(rel).stem))
        content, kept = _patched(raw, rel, data, fixed)
        if not kept:
            rewritten.append(rid)
        storage.atomic_write(path, content)
        full, _unused = commit_message(rid, data, fixed)
        body = full.split("\n\n", 1)[1] if "\n\n" in full else ""
        kind_trailer = RECORD_DIRS[rel.partition("/")[0]][0]
        body = body.replace("Participant: ", f"{kind_trailer}: ", 1)
        msg = f"{rid}: {ref_field} {old} -> {new} (renumbered)\n\n{body}"
        try:
            commit = gitio.commit_paths(root, [rel], msg)
        except gitio.GitError:
            _put_back(root, {rel: raw})
            raise
        refs.append(rid)
    return Renumbered(old, new, folder, commit, tuple(refs), tuple(rewritten))


def _put_back(root: Path, files: dict[str, bytes | None]) -> None:
    """After a refused commit: the files as HEAD has them (None: no such file), unstaged."""
    for rel, raw in files.items():
        if raw is None:
            (root / rel).unlink(missing_ok=True)
        else:
            storage.atomic_write(root / rel, raw)
    gitio.git(root, "reset", "-q", "--", *files, check=False)
