"""`ipstui erase ID`: remove a participant from the caseload's whole history (SPEC §12,
GDPR Art. 17). What git keeps and what the team must still do: docs/privacy.md.

A dry run (the default) lists every commit that holds a version of the record now at
`participants/<ID>.toml` — at that path and at the paths it had before a renumber (a
sync's, a `git mv`; followed through git's rename detection, `_lineage`) — every other
commit whose message names the id, and every file at HEAD that names the person — so the
team sees what the erasure will and will not reach. With `yes=True`:

1. refuse unless the repository is in a plain state: a full clone (a shallow one holds
   only part of the history, and its force-push would replace the team's), on a branch,
   nothing uncommitted
   (untracked files included), no merge/rebase/cherry-pick/revert/bisect in progress,
   no stash, no other work tree of the same repository;
2. record the blob id of every version of the record, at every path it had;
3. run git filter-repo (`--sensitive-data-removal --strip-blobs-with-ids <those>`, and
   `--replace-message` turning the id and the person's names in any message into
   `[erased]`) in a subprocess of this interpreter: commits that only changed the record
   disappear, the others lose it; another person who got an old path keeps theirs; filter-repo expires the reflogs and runs
   `git gc --prune=now`; ipstui does both again and drops its own caches in the git
   directory (they hold parsed participant data);
4. verify: `git cat-file -e` fails for every recorded blob (nothing reachable or loose
   holds a version), no work-tree file holds one, no message names the id;
5. append an entry to `erasures.toml` — the date, who ran it, the SHA-256 of the id and
   the request reference; no name, no id — and commit it;
6. print what git cannot do from one clone: force-push every branch and tag, re-clone
   (never pull into) every other clone, purge backups and the server's own copies.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.caseload import CaseloadError
from ipstui.core.erasures import ERASURES_FILE, id_hash, register_problems_on_disk
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import is_valid_id

PLACEHOLDER = "[erased]"
_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase or git am"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("BISECT_LOG", "a bisect"),
)


class EraseRefused(CaseloadError):
    """The repository is not in a state where history may be rewritten (one line)."""


@dataclass(slots=True)
class ErasePlan:
    """Where a participant is in the repository."""

    pid: str
    path: str
    commits: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(commit, ISO date, author, subject) of each commit holding a version of the file."""
    blobs: set[str] = field(default_factory=set)
    """Blob ids of every version of the file."""
    names: set[str] = field(default_factory=set)
    """Every `name` the file ever held."""
    paths: list[str] = field(default_factory=list)
    """Other paths the record had (before a renumber); only its own versions there go."""
    messages: list[str] = field(default_factory=list)
    """Other commits whose message names the id (their message is rewritten)."""
    mentions: list[str] = field(default_factory=list)
    """Files at HEAD, other than the participant's own, that hold one of the names."""
    copies: list[str] = field(default_factory=list)
    """Other paths where some commit holds a version of the record byte for byte (a
    `participants/P-0002.toml.orig` left by a merge tool): erased too, by blob id."""
    strays: list[str] = field(default_factory=list)
    """Files in a record folder that are not record files (`outgoing.is_record_name`)
    and hold the id or one of the names in some commit, other than the copies: NOT
    erased (erase removes the record's versions, not other files)."""


def _lineage(root: Path, rel: str) -> tuple[set[str], set[str]]:
    """(blob ids, paths) of every version of the record now at `rel`, followed through
    renames (a sync's renumber, a `git mv`) on every ref.

    Nodes are (path, blob) pairs; git's rename detection (`-M`, merges against their
    first parent: what they brought in) links a version to the next one — `M` at the
    same path, `R` to the new path. The record's versions are the nodes linked to the
    file at `rel` on some ref's tip (when no ref holds `rel` any more: to every version
    ever at `rel`). An `A` starts a new record, so another person who later got the
    same path (the remote's P-0001 after a renumber) is not linked to this one.
    """
    log = gitio.git(
        root, "log", "--all", "-M", "--diff-merges=first-parent", "--format=%x1e",
        "--raw", "--no-abbrev", "--", "participants/",
    ).stdout  # fmt: skip
    zero = "0" * 40
    links: dict[tuple[str, str], set[tuple[str, str]]] = {}
    at_rel: set[tuple[str, str]] = set()
    for line in log.splitlines():
        if not line.startswith(":"):
            continue
        meta, _tab, paths = line.partition("\t")
        fields = meta.split()
        src, dst, status = fields[2], fields[3], fields[4]
        names = paths.split("\t")
        old, new = names[0], names[-1]
        a, b = (old, src), (new, dst)
        for node in (a, b):
            if node[1] != zero and node[0] == rel:
                at_rel.add(node)
        if status[0] in "MR" and src != zero and dst != zero:
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    tips = gitio.git(root, "for-each-ref", "--format=%(objectname)").stdout.split()
    seeds = set()
    for tip in set(tips):
        got = gitio.git(root, "rev-parse", "-q", "--verify", f"{tip}:{rel}", check=False)
        if got.returncode == 0 and got.stdout.strip():
            seeds.add((rel, got.stdout.strip()))
    todo = list(seeds & at_rel) if seeds & at_rel else list(at_rel)
    seen = set(todo)
    while todo:
        for nxt in links.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return {b for _p, b in seen}, {p for p, _b in seen}


def plan(root: Path, pid: str) -> ErasePlan:
    """Find the participant everywhere in the history of every ref (reads only): every
    version of the record now at `participants/<pid>.toml`, at this path and at the
    paths it had before a renumber (`_lineage`)."""
    if not is_valid_id(pid):
        raise CaseloadError(_("not a valid participant id: {pid}").format(pid=repr(pid)))
    rel = f"participants/{pid}.toml"
    out = ErasePlan(pid, rel)
    out.blobs, paths = _lineage(root, rel)
    out.paths = sorted(paths - {rel})
    log = gitio.git(
        root, "log", "--all", "--format=%x1e%H%x1f%aI%x1f%an%x1f%s", "--raw", "--no-abbrev",
        "--no-renames", "--", rel, *out.paths,
    ).stdout  # fmt: skip
    for chunk in log.split("\x1e")[1:]:
        head, _unused, raw = chunk.partition("\n")
        sha, when, author, subject = (head.split("\x1f") + ["", "", ""])[:4]
        held = set()
        for line in raw.splitlines():
            if line.startswith(":"):
                held |= set(line.split("\t", 1)[0].split()[2:4])
        if held & out.blobs:
            out.commits.append((sha, when, author, subject))
    zero = "0" * 40
    out.blobs.discard(zero)
    for blob in out.blobs:
        raw = gitio.git(root, "cat-file", "blob", blob, binary=True, check=False).stdout
        try:
            name = storage.loads_bytes(raw, rel).get("name")
        except storage.ParseError:
            continue
        if isinstance(name, str) and len(name.strip()) >= 3:
            out.names.add(name.strip())
    touching = {c[0] for c in out.commits}
    grep = gitio.git(root, "log", "--all", "--format=%H", "-F", f"--grep={pid}").stdout.split()
    out.messages = [c for c in grep if c not in touching]
    for name in sorted(out.names):
        found = gitio.git(
            root, "grep", "-l", "-I", "-i", "-F", "-e", name, "HEAD", "--", ".", check=False
        ).stdout.split()
        out.mentions += [f.partition(":")[2] for f in found if f.partition(":")[2] != rel]
    out.mentions = sorted(set(out.mentions))
    out.copies, out.strays = _elsewhere(root, out)
    return out


def _all_paths(root: Path) -> list[tuple[str, str]]:
    """(path, blob id) of every file version any commit on any ref wrote, repository-
    relative: one `git log --all --raw` over the whole tree."""
    log = gitio.git(
        root, "log", "--all", "-z", "--raw", "--no-abbrev", "--no-renames",
        "--diff-merges=first-parent", "--format=%x1e",
    ).stdout  # fmt: skip
    found = []
    for chunk in log.split("\x1e")[1:]:
        tokens = chunk.split("\0")
        for i in range(len(tokens) - 1):
            meta = tokens[i].lstrip("\n")
            if meta.startswith(":") and not meta.startswith("::"):
                blob = meta.split()[3]
                if set(blob) != {"0"}:
                    found.append((tokens[i + 1], blob))
    return found


def _elsewhere(root: Path, p: ErasePlan) -> tuple[list[str], list[str]]:
    """(copies, strays) of `ErasePlan`: the record's versions at paths it never had, and
    the files beside the records that name the person, in any commit on any ref."""
    from ipstui.core.outgoing import is_record_name

    prefix = gitio.git(root, "rev-parse", "--show-prefix").stdout.strip()
    own = {p.path, *p.paths}
    copies: set[str] = set()
    others: dict[str, set[str]] = {}
    for path, blob in _all_paths(root):
        rel = path.removeprefix(prefix) if prefix and path.startswith(prefix) else path
        if blob in p.blobs:
            if rel not in own:
                copies.add(rel)
        elif not is_record_name(rel) and rel.partition("/")[0] in ("participants", "employers"):
            others.setdefault(blob, set()).add(rel)
    strays: set[str] = set()
    if others:
        needles = [t.casefold() for t in (p.pid, *p.names)]
        blobs = list(others)
        proc = gitio.git(
            root, "cat-file", "--batch", input="".join(f"{b}\n" for b in blobs), binary=True
        )
        data, at = proc.stdout, 0
        for blob in blobs:
            header_end = data.index(b"\n", at)
            size = int(data[at:header_end].split()[2])
            body = data[header_end + 1 : header_end + 1 + size]
            at = header_end + 1 + size + 1
            text = body.decode("utf-8", "replace").casefold()
            if any(n in text for n in needles):
                strays |= others[blob] - copies
    return sorted(copies), sorted(strays)


def _git_dir(root: Path) -> Path:
    info = gitio.repo_info(root)
    if info is None:
        raise EraseRefused(_("{root} is not a git repository").format(root=root))
    return info.git_dir


def check_state(root: Path) -> None:
    """EraseRefused unless history may be rewritten now (see the module docstring)."""
    gd = _git_dir(root)
    for name, what in _IN_PROGRESS:
        if (gd / name).exists():
            raise EraseRefused(
                _("{what} is in progress; finish or abort it first, then erase").format(what=what)
            )
    shallow = gitio.git(root, "rev-parse", "--is-shallow-repository", check=False).stdout
    if shallow.strip() == "true":
        # The rewrite would keep only the commits this clone has, and the force-push that
        # must follow would replace the team's whole history with them (SPEC §12: the
        # others' history is unchanged).
        raise EraseRefused(
            _(
                "this clone is shallow (cloned with --depth): rewriting it and force-pushing the result would remove the team's older history; erase in a full clone (git fetch --unshallow, or a clone without --depth)"
            )
        )
    if gitio.git(root, "symbolic-ref", "-q", "HEAD", check=False).returncode != 0:
        raise EraseRefused(_("HEAD is detached; check out a branch first, then erase"))
    status = gitio.git(root, "status", "--porcelain", "--untracked-files=all").stdout
    if status.strip():
        first = status.splitlines()[0][3:]
        raise EraseRefused(
            _(
                "the work tree has uncommitted changes ({first} and others may be lost in the rewrite); commit or remove them first, then erase"
            ).format(first=first)
        )
    if gitio.git(root, "rev-parse", "-q", "--verify", "refs/stash", check=False).returncode == 0:
        raise EraseRefused(
            _("there are stashed changes (git stash list); apply or drop them first")
        )
    trees = gitio.git(root, "worktree", "list", "--porcelain").stdout.count("worktree ")
    if trees > 1:
        raise EraseRefused(
            _("this repository has other work trees (git worktree list); remove them first")
        )
    broken = register_problems_on_disk(root)
    if broken:
        raise EraseRefused(
            _(
                "{problem} — fix {file} first: an erasure is recorded there, and an entry added to an invalid register would leave it invalid; nothing was changed"
            ).format(problem=broken[0], file=ERASURES_FILE)
        )
    if importlib.util.find_spec("git_filter_repo") is None:
        raise EraseRefused(
            _("erasing needs git filter-repo: pip install 'ipstui[erase]' (or git-filter-repo)")
        )


@dataclass(frozen=True, slots=True)
class EraseResult:
    """What `erase` did."""

    commits_before: int
    commits_after: int
    blobs_checked: int
    record_commit: str


def erase(
    root: Path, p: ErasePlan, *, today: date, request: str = "", seen: Any = None
) -> EraseResult:
    """Rewrite the history without the participant's file, verify, record. EraseRefused
    when the repository is not in a plain state; CaseloadError when the rewrite or the
    verification fails (the message says what is left), or when `seen` (the record as
    the command saw it before it waited for the lock, `identity.Seen`) is not, or may
    not be, the person at the id once the lock is held (`identity.judge`: a sync
    renumbered it meanwhile, another history was checked out): the wrong person's
    record is never erased."""
    from ipstui.core.caseload import caseload_lock

    # Under the caseload's save lock: no save or sync of this caseload (the app in
    # another terminal, a cron job) can commit in the middle of the rewrite.
    with caseload_lock(_git_dir(root)):
        return _erase_locked(root, p, today=today, request=request, seen=seen)


def _erase_locked(
    root: Path, p: ErasePlan, *, today: date, request: str, seen: Any = None
) -> EraseResult:
    check_state(root)
    if seen is not None:
        from ipstui.core.identity import changed_hands_text, judge

        verdict = judge(root, seen, seen.rel)
        if verdict is not None:
            raise EraseRefused(changed_hands_text(p.pid, verdict, True))
    p = plan(root, p.pid)  # again, under the lock: a save may have landed since the dry run
    if not p.commits:
        raise CaseloadError(
            _("{pid} is in no commit of this repository; nothing to erase").format(pid=p.pid)
        )
    who = gitio.identity(root)
    gd = _git_dir(root)
    before = int(gitio.git(root, "rev-list", "--count", "--all").stdout.strip() or 0)
    shutil.rmtree(gd / "filter-repo", ignore_errors=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        for text in sorted({p.pid, *p.names}, key=len, reverse=True):
            fh.write(f"{text}==>{PLACEHOLDER}\n")
        expressions = fh.name
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("".join(f"{b}\n" for b in sorted(p.blobs)))
        blob_ids = fh.name
    # The record's own versions, by blob id, wherever they were (its path now and the
    # paths it had before a renumber): a path alone would miss the old ones, and would
    # take the other person who got the old path since.
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "git_filter_repo", "--sensitive-data-removal", "--no-fetch",
             "--strip-blobs-with-ids", blob_ids, "--replace-message", expressions, "--force",
             "--quiet"],
            cwd=root, stdin=subprocess.DEVNULL, capture_output=True, env=gitio._env(),
        )  # fmt: skip
    finally:
        Path(expressions).unlink(missing_ok=True)
        Path(blob_ids).unlink(missing_ok=True)
    if proc.returncode != 0:
        err = (proc.stderr or proc.stdout).decode("utf-8", "replace")
        raise CaseloadError(
            _("git filter-repo failed: {last_lines}").format(last_lines=gitio._last_lines(err))
        )
    shutil.rmtree(gd / "filter-repo", ignore_errors=True)
    for cache in gd.glob("ipstui-*"):
        if cache.is_file():
            cache.unlink()
    (gd / "ORIG_HEAD").unlink(missing_ok=True)
    gitio.git(root, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    gitio.git(root, "gc", "--quiet", "--prune=now")
    problems = verify(root, p)
    if problems:
        raise CaseloadError(
            _("the erasure is not complete: {problems}").format(problems="; ".join(problems))
        )
    after = int(gitio.git(root, "rev-list", "--count", "--all").stdout.strip() or 0)
    commit = record(root, p.pid, today=today, who=who.name, request=request)
    return EraseResult(before, after, len(p.blobs), commit)


def verify(root: Path, p: ErasePlan) -> list[str]:
    """What still holds the participant: blobs git can still read (reachable, loose or
    packed), commits on any ref touching the path, messages naming the id."""
    problems = []
    left = [
        b for b in sorted(p.blobs)
        if gitio.git(root, "cat-file", "-e", b, check=False).returncode == 0
    ]  # fmt: skip
    if left:
        held = sorted({path for path, blob in _all_paths(root) if blob in left})
        if held:
            problems.append(
                ngettext(
                    "{n} version of the record is still in the history, at {paths}",
                    "{n} versions of the record are still in the history, at {paths}",
                    len(left),
                ).format(n=len(left), paths=", ".join(held))
            )
        else:
            problems.append(
                ngettext(
                    "{n} version of the record is still in the object store, though no commit holds it",
                    "{n} versions of the record are still in the object store, though no commit holds them",
                    len(left),
                ).format(n=len(left))
            )
    for rel in (p.path, *p.paths):
        if (root / rel).is_file():
            blob = gitio.git(root, "hash-object", "--", rel).stdout.strip()
            if blob in p.blobs:
                problems.append(f"{rel} in the work tree still holds a version of the record")
    if gitio.git(root, "log", "--all", "--format=%H", "-F", f"--grep={p.pid}").stdout.strip():
        problems.append(f"a commit message still names {p.pid}")
    return problems


def record(root: Path, pid: str, *, today: date, who: str, request: str) -> str:
    """Append the erasure to erasures.toml and commit it; the new commit id."""
    path = root / ERASURES_FILE
    head = (
        "# Participants erased from this caseload's history with `ipstui erase`.\n"
        "# No personal data: each entry keeps the SHA-256 of the erased id, so a restored\n"
        "# backup or an old clone can be checked (`ipstui erase ID` on it finds the id).\n"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else head
    entry = {"on": today, "by": who, "id_sha256": id_hash(pid), "request": request}
    lines = ["", "[[erasure]]"] + [f"{k} = {storage.format_value(v)}" for k, v in entry.items()]
    storage.atomic_write(path, text.rstrip("\n") + "\n" + "\n".join(lines) + "\n")
    message = f"erase: a participant removed from the history\n\nErasure: {id_hash(pid)[:16]}\n" + (
        f"Request: {request}\n" if request else ""
    )
    return gitio.commit_paths(root, [ERASURES_FILE], message, add=True)


def next_steps(root: Path) -> list[str]:
    """What git cannot do from this clone, with the remotes this repository has."""
    remotes = gitio.git(root, "remote").stdout.split()
    steps = []
    if remotes:
        for r in remotes:
            steps.append(
                f"git -C {root} push --force --all {r} && git -C {root} push --force --tags {r}"
            )
    else:
        steps.append("no remote is configured here: if the caseload was ever pushed anywhere, "
                     "force-push this history there (git push --force --all REMOTE)")  # fmt: skip
    steps += [
        "every other clone (each colleague's, each laptop): delete it and clone again — "
        "a pull or sync from an old clone brings the person back",
        "the server keeps old commits after a force-push (pull-request refs, caches, its own "
        "backups): ask its administrators to purge them (GitHub: contact support; GitLab: "
        "housekeeping / 'prune unreachable objects')",
        "backups and copies of the caseload folder (disks, cloud sync, exports): erase or "
        "restore-and-erase them too; erasures.toml lets you check a restored copy",
    ]
    return steps


STRAYS_NOT_ERASED = N_(
    "files beside the records that hold the person's id or name in some commit (NOT erased — they are not the record; remove them from the history too before the force-push, e.g. git filter-repo --invert-paths --path FILE):"
)
"""The heading of `ErasePlan.strays` in erase's output (dry run and after `--yes`)."""


def run_cli(root: Path, args: Any, today: date) -> int:
    """`ipstui erase ID [--yes] [--request REF]`."""
    from ipstui.core.audit import visible
    from ipstui.core.identity import seen_now

    # The record as this command sees it, before it waits for the lock (`erase`).
    seen = None
    if is_valid_id(args.id):
        seen = seen_now(root, f"participants/{args.id}.toml", waited=True)
    p = plan(root, args.id)
    if not p.commits:
        raise CaseloadError(
            _("no commit holds participants/{id}.toml; nothing to erase").format(id=args.id)
        )
    print(
        _("{pid}: {path} is in {n} commit(s), {versions} version(s):").format(
            pid=p.pid, path=p.path, n=len(p.commits), versions=len(p.blobs)
        )
    )
    for sha, when, author, subject in p.commits:
        print(visible(f"  {sha[:10]}  {when[:10]}  {author}  {subject}"))
    if p.paths:
        print(
            _(
                "the record had other paths before a renumber; its versions there are erased too: {paths}"
            ).format(paths=", ".join(p.paths))
        )
    if p.messages:
        print(
            _("other commits whose message names {pid} (the message is rewritten):").format(
                pid=p.pid
            )
        )
        for sha in p.messages:
            print(f"  {sha[:10]}")
    if p.mentions:
        print(_("files at HEAD that hold the person's name (NOT changed — edit them by hand):"))
        for f in p.mentions:
            print(visible(f"  {f}"))
    if p.copies:
        print(_("copies of the record at other paths; their versions are erased too:"))
        for f in p.copies:
            print(visible(f"  {f}"))
    if p.strays:
        print(_(STRAYS_NOT_ERASED))
        for f in p.strays:
            print(visible(f"  {f}"))
    if not args.yes:
        try:
            check_state(root)
        except EraseRefused as exc:
            # The dry run did its work; say what stands before `--yes` instead of failing.
            print(
                _("dry run: nothing was changed; `--yes` would be refused now: {reason}").format(
                    reason=exc
                )
            )
            return 0
        print(
            _("dry run: nothing was changed; run `ipstui erase {pid} --yes` to erase").format(
                pid=p.pid
            )
        )
        return 0
    res = erase(root, p, today=today, request=args.request or "", seen=seen)
    print(
        _(
            "erased: {commits_before} commit(s) before, {commits_after} after; none of the {blobs_checked} version(s) is readable (git cat-file -e); recorded in {file} ({record_commit})"
        ).format(
            commits_before=res.commits_before,
            commits_after=res.commits_after,
            blobs_checked=res.blobs_checked,
            file=ERASURES_FILE,
            record_commit=res.record_commit[:7],
        )
    )
    if p.strays:
        print(_(STRAYS_NOT_ERASED))
        for f in p.strays:
            print(visible(f"  {f}"))
    print(_("Now, what git cannot do from this clone:"))
    for i, step in enumerate(next_steps(root), start=1):
        print(f"  {i}. {step}")
    return 0
