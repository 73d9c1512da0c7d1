"""What a push would publish, checked before sync pushes it (SPEC §6: "the merged
caseload must be valid as a whole before it is pushed"; trial 7 item 7).

The merge check (`mergecheck`) judges what a merge introduced. This module judges the
files the outgoing commits bring: every caseload file that differs between the remote
branch and HEAD (all of HEAD's when the remote has no branch yet) — `caseload.toml`,
`erasures.toml` and the record files under `participants/` and `employers/`.

Refused (sync pushes nothing and names the files):
- a symbolic link, or any entry that is not a plain file (a submodule), under the record
  folders or as caseload.toml/erasures.toml: ipstui never reads or writes through links
  (SPEC §1), and a link pushed to the team points into each colleague's own disk;
- a folder named like a record file (`participants/P-0009.toml/`);
- a `participants` or `employers` entry that is a symbolic link or a file, not a folder;
- a record file, caseload.toml or erasures.toml that does not parse, or has an *error*
  `ipstui validate` would report for it (the schema, the rules, the team at HEAD).

Every commit the push would publish is looked at too (`history_problems`, one `git
log` for all of them), not only HEAD's tree: a symbolic link committed and removed again
is still in the history the team receives. Refused there, naming the commit:
- a symbolic link, a submodule, a folder named like a record, a record folder that is
  a link or a file, as above;
- a stray file in a record folder (`participants/P-0002.toml.orig`, `notes.txt`,
  `sub/P-0001.toml`): SPEC §1 says a record folder holds record files; a person's data
  in any other file is published where `ipstui erase` does not reach it. Only
  `.gitkeep` (`ipstui init`'s placeholder) is allowed beside the records.
Nothing forces such a push: once published it reaches every clone, and only a rewrite
of the team's history takes it back; taking it out of unpushed commits is cheap.

Not refused: warnings (an unknown key, a byte order mark, a pending `[conflicts]`
decision: `validate` lists them and the file keeps working), files outside the
caseload's own ones (a README, a `docs/` folder), and whatever the remote already has
(a merge counts with what it wrote itself, not with what it brought in).
"""

from __future__ import annotations

from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.erasures import ERASURES_FILE, register_problem
from ipstui.core.folder import CASELOAD_FILE
from ipstui.core.i18n import _
from ipstui.core.model import Problem, Settings, errors_only
from ipstui.core.renumber import RECORD_DIRS

_LINK, _SUBMODULE = "120000", "160000"


def _changed(root: Path, since: str | None, head: str) -> list[str]:
    """Caseload-relative paths of the caseload's files that differ between `since` and
    `head` (every one `head` holds when `since` is None), as `git diff` lists them."""
    # The record folders without a trailing slash: the pathspec then also names a
    # symbolic link (or a file) standing where the folder should be.
    specs = [CASELOAD_FILE, ERASURES_FILE, *RECORD_DIRS]
    if since is None:
        out = gitio.git(
            root, "ls-tree", "-r", "-z", "--name-only", "--full-name", head, "--", *specs
        ).stdout
        prefix = gitio.git(root, "rev-parse", "--show-prefix").stdout.strip()
        return [p.removeprefix(prefix) for p in out.split("\0") if p]
    out = gitio.git(
        root, "diff", "--name-only", "-z", "--no-renames", "--relative", since, head, "--", *specs
    ).stdout
    return [p for p in out.split("\0") if p]


def _entries(root: Path, head: str, paths: list[str]) -> dict[str, tuple[str, str, str]]:
    """path -> (mode, type, object id) of `paths` in `head`'s tree (those it holds)."""
    if not paths:
        return {}
    # Without --full-name, ls-tree names paths from the folder git runs in (`root`), as
    # `paths` are: nothing to strip (stripping the repository prefix lost every file of
    # a caseload kept in a folder named like one of its own, e.g. `participants/`).
    out = gitio.git(root, "ls-tree", "-z", head, "--", *(f"./{p}" for p in paths)).stdout
    found = {}
    for rec in out.split("\0"):
        meta, _sep, path = rec.partition("\t")
        if path:
            mode, kind, obj = meta.split()
            found[path] = (mode, kind, obj)
    return found


def _settings(raw: bytes | None) -> Settings | None:
    """The team settings in caseload.toml's bytes `raw` (None when there is no such file
    or it cannot give them)."""
    if raw is None:
        return None
    from ipstui.core.caseload import settings_from_bytes

    # As a load reads them: settings the schema refuses are unknown, and no participant
    # is then blamed for caseload.toml's fault.
    settings = settings_from_bytes(raw)[0]
    return None if settings.unknown else settings


def _file_errors(raw: bytes, rel: str, settings: Settings | None) -> list[Problem]:
    """The errors `ipstui validate` reports for one file's bytes at `rel`."""
    from ipstui.core.caseload import parse_participant
    from ipstui.core.employers import parse as parse_employer
    from ipstui.core.validate import caseload_problems, participant_team_problems

    team = settings.team_keys if settings is not None else None
    if rel == ERASURES_FILE:
        problem = register_problem(raw, rel)
        return [] if problem is None else [problem]
    if rel == CASELOAD_FILE:
        try:
            data = storage.loads_bytes(raw, rel)
        except storage.ParseError as exc:
            return [Problem(rel, exc.line, exc.col, exc.message)]
        return errors_only(caseload_problems(data, rel, raw.decode("utf-8")))
    if rel.startswith("employers/"):
        return errors_only(parse_employer(raw, rel, team)[1])
    parsed = parse_participant(raw, rel)
    found = [Problem(rel, ln, col, msg, sev) for ln, col, msg, sev in parsed.problems]
    if parsed.data is not None and team is not None:
        found += participant_team_problems(parsed.data, rel, raw.decode("utf-8"), team)
    return errors_only(found)


def _had_them(
    root: Path,
    entry: tuple[str, str, str] | None,
    rel: str,
    errors: list[Problem],
    settings: Settings | None,
) -> bool:
    """True when the remote's version of `rel` (its tree `entry`, checked against the
    remote's settings) already had every one of `errors`: a problem the team already
    has is not this push's (as `mergecheck` judges a merge), and must not block every
    later sync of an edit to that file. The team listed in a message does not count."""
    from ipstui.core.mergecheck import rule_of

    if entry is None or entry[0] in (_LINK, _SUBMODULE) or entry[1] != "blob":
        return False
    raw = gitio.git(root, "cat-file", "blob", entry[2], binary=True).stdout
    old = {rule_of(p.message) for p in _file_errors(raw, rel, settings)}
    return all(rule_of(p.message) in old for p in errors)


_FILE_MODES = frozenset({"100644", "100755"})
"""The git modes of a plain file (and an executable one)."""


def _folder_named_like_record(path: str) -> str | None:
    """`participants/P-0001.toml` for a path inside a folder named like a record file
    (`participants/P-0001.toml/x`), else None."""
    folder, _sep, rest = path.partition("/")
    name, deeper, _tail = rest.partition("/")
    if folder in RECORD_DIRS and deeper and name.endswith(".toml"):
        return f"{folder}/{name}"
    return None


def _entry_problem(path: str, mode: str, commit: str | None = None) -> str | None:
    """What is wrong with a caseload tree entry `path` of git mode `mode` as a thing to
    publish, whatever it holds (SPEC §1: record folders are folders, caseload files
    plain files), or None: a record folder that is a link or a file, a symbolic link,
    anything else that is not a plain file (a submodule, a folder). `commit` (a short
    id): the message names the commit that wrote it (`history_problems`); None: the
    entry is HEAD's (`outgoing_problems`). Used by both, so they judge alike."""
    if path in RECORD_DIRS:
        if commit is None:
            return _("is a symbolic link or a file, not a folder")
        return _("is a symbolic link or a file, not a folder (commit {commit})").format(
            commit=commit
        )
    if mode == _LINK:
        if commit is None:
            return _("is a symbolic link, not a file")
        return _("is a symbolic link, not a file (commit {commit})").format(commit=commit)
    if mode not in _FILE_MODES:
        if commit is None:
            return _("is not a plain file")
        return _("is not a plain file (commit {commit})").format(commit=commit)
    return None


def outgoing_problems(root: Path, since: str | None, head: str = "HEAD") -> list[Problem]:
    """One error per caseload file that a push of `head` over `since` (the remote
    branch's commit; None: it has none) would publish broken (module docstring), in
    path order; [] when everything pushed is valid. Reads only."""
    changed = _changed(root, since, head)
    folders_as_files: dict[str, Problem] = {}
    direct: list[str] = []
    for path in changed:
        rel = _folder_named_like_record(path)
        if rel is not None:
            folders_as_files[rel] = Problem(rel, 1, 1, _("is a folder, not a record file"))
        elif folder_of(path) not in RECORD_DIRS or "/" not in path.partition("/")[2]:
            direct.append(path)  # deeper paths are stray files: `history_problems`'s
    entries = _entries(root, head, direct)
    before = _entries(root, since, direct) if since is not None else {}
    # caseload.toml on both sides and every plain file pushed, read in one git process.
    plain = {
        path: entry[2]
        for path, entry in entries.items()
        if entry[1] == "blob" and entry[0] not in (_LINK, _SUBMODULE)
    }
    specs = [f"{head}:./{CASELOAD_FILE}", f"{since}:./{CASELOAD_FILE}", *plain.values()]
    if since is None:
        specs[1] = specs[0]  # asked once more, never used: keeps the positions simple
    settings_raw, before_raw, *contents = gitio.blobs(root, specs)
    settings = _settings(settings_raw)
    settings_before = _settings(before_raw) if since is not None else None
    content = dict(zip(plain, contents, strict=True))
    out = list(folders_as_files.values())
    for path in direct:
        entry = entries.get(path)
        if entry is None:
            continue  # removed: nothing of it is published
        mode, _kind, obj = entry
        problem = _entry_problem(path, mode)
        if problem is not None:
            out.append(Problem(path, 1, 1, problem))
            continue
        if folder_of(path) in RECORD_DIRS and not path.endswith(".toml"):
            continue  # not a record file: `history_problems` refuses it
        raw = content.get(path)
        if raw is None:  # gone meanwhile: read as before, failing as it did
            raw = gitio.git(root, "cat-file", "blob", obj, binary=True).stdout
        errors = _file_errors(raw, path, settings)
        if errors and not _had_them(root, before.get(path), path, errors, settings_before):
            out.append(errors[0])
    return sorted(out, key=lambda p: p.path)


def folder_of(path: str) -> str:
    """The first component of a caseload-relative path ('' for a top-level file)."""
    folder, sep, _rest = path.partition("/")
    return folder if sep else ""


# ------------------------------------------------------------------ every commit pushed

KEEP_FILES = frozenset({".gitkeep"})
"""Names allowed in a record folder beside the record files: `ipstui init`'s empty
placeholder, which holds nothing."""


def is_record_name(rel: str) -> bool:
    """True when the caseload-relative path `rel` may stand in a record folder: a record
    file `participants/<name>.toml` or `employers/<name>.toml` directly in it (its id
    is `validate`'s to judge), or a `.gitkeep`. Anything else there (`P-0002.toml.orig`,
    `notes.txt`, `sub/P-0001.toml`) is a stray file: it may hold a person's data outside
    the record files, where `ipstui erase` does not look (SPEC §1 lists what a caseload
    folder holds)."""
    folder, _sep, name = rel.partition("/")
    if folder not in RECORD_DIRS or not name:
        return True  # not in a record folder: not this rule's business
    if "/" in name:
        return False
    return name.endswith(".toml") or name in KEEP_FILES


def _walk_log(out: str) -> list[tuple[str, str, str, str]]:
    """(commit, path, mode, object id) of every path a commit added or changed, from
    `git log -z --raw --format=%x1e%H` output (merges in git's combined format: the
    mode and id are the merge result's); deletions left out."""
    found: list[tuple[str, str, str, str]] = []
    for chunk in out.split("\x1e")[1:]:
        sha, _sep, rest = chunk.partition("\0")
        tokens = rest.split("\0")
        i = 0
        while i < len(tokens) - 1:
            meta = tokens[i].lstrip("\n")
            if not meta.startswith(":"):
                i += 1
                continue
            parents = len(meta) - len(meta.lstrip(":"))
            fields = meta.lstrip(":").split()
            mode, obj = fields[parents], fields[2 * parents + 1]
            path = tokens[i + 1]
            i += 2
            if set(obj) != {"0"}:
                found.append((sha.strip(), path, mode, obj))
    return found


def history_problems(root: Path, since: str | None, head: str = "HEAD") -> list[Problem]:
    """One error per caseload path that any commit a push of `head` over `since` would
    publish (every commit in `since..head`; all of `head`'s history when `since` is
    None) writes as something the team must not receive — even when a later commit of
    the push removed it, since git publishes every commit: a symbolic link or another
    entry that is not a plain file, a folder named like a record, a record folder that
    is a link or a file, a stray file in a record folder (`is_record_name`). Each names
    the first such commit (short id). Merges count with what they wrote themselves
    (git's dense combined diff), not what they brought in from a side already pushed.

    One `git log` for all the commits (paths limited to the caseload's files); reads
    only. `--full-history`: without it, git's history simplification follows only one
    parent of a merge whose caseload files equal that parent's, and the commits of the
    other side (a file written and removed again there) would never be looked at
    (git-log(1), "History Simplification"). No `--first-parent` or `--no-walk`: every
    commit in the range is published. Content (an invalid record) is judged on `head` alone by `outgoing_problems`:
    a record broken in one commit and mended in the next publishes no broken caseload."""
    specs = [CASELOAD_FILE, ERASURES_FILE, *RECORD_DIRS]
    span = [head] if since is None else [f"{since}..{head}"]
    out = gitio.git(
        root, "log", "--reverse", "-z", "--raw", "--no-abbrev", "--no-renames", "--relative",
        "--full-history", "--diff-merges=dense-combined", "--format=%x1e%H", *span, "--", *specs,
    ).stdout  # fmt: skip
    seen: dict[str, Problem] = {}
    for sha, path, mode, _obj in _walk_log(out):
        if path in seen:
            continue
        commit = sha[:7]
        rel = _folder_named_like_record(path)
        if rel is not None:
            if rel not in seen:
                seen[rel] = Problem(
                    rel,
                    1,
                    1,
                    _("is a folder, not a record file (commit {commit})").format(commit=commit),
                )
            continue
        msg = _entry_problem(path, mode, commit)
        if msg is None and not is_record_name(path):
            msg = _(
                "is not a record file, and whatever it holds would be published outside the record files, where `ipstui erase` cannot reach it (commit {commit})"
            ).format(commit=commit)
        if msg is not None:
            seen[path] = Problem(path, 1, 1, msg)
    return sorted(seen.values(), key=lambda p: p.path)
