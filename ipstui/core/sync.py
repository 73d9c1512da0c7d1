"""Team sync (SPEC §6): fetch, merge (fast-forward when possible), validate, push.

One sync, in order:

1. **Checks before it starts**: on a branch, no merge/rebase/... under way, no
   uncommitted change, no git lock file (`index.lock`, `HEAD.lock`, the branch's ref
   lock: waited for briefly, then named). The state it starts from (branch, HEAD, the
   `git status` listing) is recorded.
2. **Set-up repaired**: the merge driver's local git config (`merge.ipstui.*`, with this
   interpreter: `sys.executable`, never a bare `python3`) and the `.gitattributes` lines
   that make git use it for `participants/*.toml` and `employers/*.toml` (checked with
   `git check-attr`, repaired in one commit when wrong).
3. **Fetch**; a fast-forward when nothing is local. A fetched remote branch that does not
   descend from the last remote commit this clone synced (`SYNCED_REFS`, kept per remote
   URL and branch; else the remote-tracking ref) is a rewritten history: refused. A
   remote without the branch is a first push only when it has no branch at all: a
   branch this clone never synced (no upstream, made with `git worktree add -b`) is not
   published beside the team's branch (refused, saying how to sync it with the team's
   branch or publish it on purpose).
4. **Two people never become one**: record files added on both sides with different
   content are found before merging and the local one is renumbered in its own commit
   (`core/renumber.py`).
5. **Merge** (the field-by-field driver) into one merge commit.
6. **The merged caseload is validated as a whole** (`core/mergecheck.py`): a problem the
   merge introduced (a participant of a removed team member, ids equal ignoring case, an
   invalid merged file) stops the sync before anything is pushed; so does a caseload
   file the outgoing commits bring that is invalid, a symbolic link or a folder
   (`core/outgoing.py`).
7. **Push**; a push refused because the remote moved on starts again from step 2 (from the
   user's own commits, so history gets one merge), a bounded number of times.

On any failure sync aborts its merge, moves the branch back over the commits it made
itself, and then **verifies** that the repository is exactly as it started (no
`MERGE_HEAD`, same branch and HEAD, same `git status`); SyncError's message says what
happened, with git's and the remote's own words, and what could not be put back if
anything. It never discards the user's commits or files.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shlex
import shutil
import site
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.gitio import GitError, git
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.merge import LAYOUT_LOST, THEIRS_LAYOUT_LOST
from ipstui.core.mergecheck import describe, introduced_problems
from ipstui.core.model import Problem, is_valid_id
from ipstui.core.renumber import RECORD_DIRS, Renumbered, RenumberError, clashes, renumber

CASELOAD_FILE = "caseload.toml"
PARTICIPANTS_DIR = "participants"
DRIVER_NAME = "ipstui field-by-field merge of participant files"
ATTRIBUTE_PATTERNS = tuple(f"{folder}/*.toml" for folder in RECORD_DIRS)
"""The `.gitattributes` patterns that must say `merge=ipstui` (SPEC §1)."""
LOCK_WAIT = 2.0
"""Seconds a git lock file is waited for before sync refuses to start."""

_RACE = (
    "fetch first",
    "non-fast-forward",
    "stale info",
    "incorrect old value",
    "failed to update ref",
    "cannot lock ref",
)
_AUTH = (
    "authentication failed",
    "permission denied",
    "could not read username",
    "could not read password",
    "terminal prompts disabled",
    "access denied",
    "http basic: access denied",
    "error: 403",
    "error: 401",
)


class SyncError(GitError):
    """Sync failed; the repository is back where it started; the message says why."""


STATUS_STATES = (
    "tracking",
    "no_upstream",
    "missing",
    "several_remotes",
    "detached",
    "unborn",
    "no_remote",
)
"""The kinds of `SyncStatus.state`, each with its own words (`SyncStatus.words`)."""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Where the branch stands against its remote, as of the last fetch (no network).

    `ahead` counts the commits the remote does not have: those reachable from HEAD and
    from none of the remote's refs this clone knows (`refs/remotes/<remote>/*`), so a
    branch made from `main` in a worktree is 3 ahead after 3 commits, not the length of
    its history. `behind` counts the commits a sync would merge (on the upstream's
    remote-tracking ref, not on HEAD)."""

    ahead: int
    behind: int
    has_remote: bool
    upstream: str | None
    """"origin/main": the remote branch sync would merge and push to; None without one."""
    state: str = "tracking"
    """One of STATUS_STATES: "tracking" (sync merges and pushes `upstream`; also a
    first push, to a remote that has no branch at all as last fetched); "no_upstream"
    (no upstream set and the remote has no branch of this name: sync refuses, it would
    split the team over two branches); "missing" (the upstream is not on the remote as
    last fetched: deleted or renamed; sync refuses); "several_remotes" (no upstream and
    no remote to choose); "detached"; "unborn" (no commit yet); "no_remote"."""

    def words(self) -> str:
        """The header's short words for this state (translated): `2 ahead, 0 behind`,
        `in sync`, `no upstream, 3 ahead`, `origin/wtb is not on the remote`, ..."""
        if self.state == "no_remote" or not self.has_remote:
            return _("no remote")
        if self.state == "detached":
            return _("not on a branch")
        if self.state == "unborn":
            return _("no commits yet")
        if self.state in ("no_upstream", "several_remotes"):
            if self.ahead:
                return _("no upstream, {ahead} ahead").format(ahead=self.ahead)
            return _("no upstream")
        if self.state == "missing":
            return _("{upstream} is not on the remote").format(upstream=self.upstream)
        if self.ahead or self.behind:
            return _("{ahead} ahead, {behind} behind").format(ahead=self.ahead, behind=self.behind)
        return _("in sync")


@dataclass(frozen=True, slots=True)
class SyncResult:
    status: str
    """"in_sync" | "pulled" | "pushed" | "conflicts" (merged and pushed; decisions needed)."""
    ahead: int
    """Commits the remote branch gains (a merge commit included); for a first push, the
    ones none of the remote's branches had."""
    behind: int
    """Remote commits that were not here, now merged in."""
    conflicts: tuple[str, ...] = field(default=())
    """Participants changed by this sync that now carry a [conflicts] table."""
    message: str = ""
    attempts: int = 1
    """Push attempts (more than one when the remote moved on during the sync)."""
    created: bool = False
    """The push created the branch on the remote: a first push, to a remote that had no
    branch at all (the message says so)."""
    renumbered: tuple[Renumbered, ...] = field(default=())
    """Local records moved to a free id because the remote took theirs (pushed)."""
    repaired: tuple[str, ...] = field(default=())
    """Set-up sync repaired: "merge driver config", ".gitattributes"."""
    relaid: tuple[str, ...] = field(default=())
    """Records (ids) this sync wrote in the canonical layout because their own could
    not be kept (merged or renumbered: their comments or key order are gone)."""
    unmixed: tuple[str, ...] = field(default=())
    """Records (ids) whose layout changes made on the remote's side (comments, key
    order) could not be carried into the merged file: it keeps this clone's layout."""


# ------------------------------------------------------------------ merge driver config


def driver_command() -> str:
    """The shell command git runs for `merge=ipstui`, with this interpreter and code."""
    import ipstui

    cmd = f"{shlex.quote(sys.executable)} -m ipstui.core.merge %O %A %B %P"
    pkg_parent = Path(ipstui.__file__).resolve().parents[1]
    if not _on_site_path(pkg_parent):
        # A source checkout: tell the interpreter where the package is.
        sep = os.pathsep
        cmd = f'PYTHONPATH={shlex.quote(str(pkg_parent))}${{PYTHONPATH:+{sep}"$PYTHONPATH"}} {cmd}'
    return cmd


def _on_site_path(path: Path) -> bool:
    dirs = list(site.getsitepackages())
    user = site.getusersitepackages()
    if isinstance(user, str):
        dirs.append(user)
    return any(Path(d).resolve() == path for d in dirs if d)


def ensure_merge_driver(root: Path, local: Mapping[str, str] | None = None) -> bool:
    """Register the merge driver in the repository's local config; True when it wrote.

    `local`: the repository's local `merge.ipstui.*` settings as `_config_values` read
    them (a sync asks them with its other settings in one `git config`); None asks git."""
    want = {"merge.ipstui.name": DRIVER_NAME, "merge.ipstui.driver": driver_command()}
    if local is None:
        proc = git(root, "config", "--local", "--get-regexp", r"^merge\.ipstui\.", check=False)
        have = {}
        for line in proc.stdout.splitlines():
            key, _unused, value = line.partition(" ")
            have[key] = value
    else:
        have = {k: v for k, v in local.items() if k.startswith(_DRIVER_PREFIX)}
    changed = False
    for key, value in want.items():
        if have.get(key) != value:
            git(root, "config", "--local", key, value)
            changed = True
    return changed


def _attribute_values(root: Path) -> dict[str, str]:
    """Pattern -> the `merge` attribute git applies to a file it matches ('unspecified'...)."""
    samples = [p.replace("*", "X-0000") for p in ATTRIBUTE_PATTERNS]
    out = git(root, "check-attr", "-z", "merge", "--", *samples).stdout.split("\0")
    got = {out[i]: out[i + 2] for i in range(0, len(out) - 2, 3)}
    return {
        pat: got.get(sample, "unspecified")
        for pat, sample in zip(ATTRIBUTE_PATTERNS, samples, strict=True)
    }


def _fixed_attributes(text: str) -> str:
    """`.gitattributes` text with `merge=ipstui` on each record pattern's line (other
    attributes on those lines and every other line kept; missing lines appended)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    seen: set[str] = set()
    for i, line in enumerate(lines):
        words = line.split()
        if not words or words[0] not in ATTRIBUTE_PATTERNS:
            continue
        seen.add(words[0])
        rest = [w for w in words[1:] if w.lstrip("-!").split("=", 1)[0] != "merge"]
        lines[i] = " ".join([words[0], *rest, "merge=ipstui"])
    lines += [f"{pat} merge=ipstui" for pat in ATTRIBUTE_PATTERNS if pat not in seen]
    return newline.join(lines) + newline


def ensure_gitattributes(root: Path) -> str | None:
    """Make git merge record files with the ipstui driver; the commit id when it had to
    fix `.gitattributes` (one commit), None when git already does.

    Checked with git's own view (`git check-attr merge`), so every attribute file counts.
    Raises SyncError when the fix would not take effect (another attribute file, such as
    `.git/info/attributes` or `participants/.gitattributes`, overrides it): nothing is
    changed then."""
    have = _attribute_values(root)
    if all(v == "ipstui" for v in have.values()):
        return None
    gitio.identity(root)  # the repair is a commit: IdentityMissing before writing anything
    path = root / ".gitattributes"
    before = path.read_bytes() if path.exists() else None
    text = before.decode("utf-8", "replace") if before is not None else ""
    storage.atomic_write(path, _fixed_attributes(text))
    still = {pat: v for pat, v in _attribute_values(root).items() if v != "ipstui"}
    if still:
        if before is None:
            path.unlink()
        else:
            storage.atomic_write(path, before)
        shown = ", ".join(f"{pat} merge={v}" for pat, v in still.items())
        raise SyncError(
            _(
                "git would not use the ipstui merge driver ({shown}), and a line in .gitattributes cannot change that: another attributes file overrides it (.git/info/attributes, or a .gitattributes inside the folder); make it say merge=ipstui, then sync again"
            ).format(shown=shown)
        )
    wrong = ", ".join(f"{pat} merge={v}" for pat, v in have.items() if v != "ipstui")
    message = (
        "caseload: merge participant and employer files field by field\n\n"
        f".gitattributes: {wrong} -> merge=ipstui (repaired by ipstui sync)\n"
    )
    return gitio.commit_paths(root, [".gitattributes"], message, add=True)


# ------------------------------------------------------------------ status


@dataclass(frozen=True, slots=True)
class _Target:
    branch: str
    remote: str
    remote_branch: str
    tracking: str
    has_upstream: bool
    url: str = ""
    """The remote's URL (its name when it has none) without a password or token kept in
    it."""
    network: tuple[str, ...] = ()
    """The `-c` options of every network command (`_network_args`)."""

    @property
    def label(self) -> str:
        return f"{self.remote}/{self.remote_branch}"


_TARGET_CONFIG = (
    r"^(branch\..*\.(remote|merge)|remote\..*\.url|core\.sshcommand|http\.lowspeed(limit|time)"
    r"|merge\.ipstui\..*)$"
)
"""The settings a sync reads, asked in one `git config --get-regexp` (`_config_values`):
where the branch syncs to, the network options, and the merge driver's registration
(`ensure_merge_driver`, which counts only the repository's own, local, config)."""

_DRIVER_PREFIX = "merge.ipstui."


def _config_values(root: Path) -> dict[str, str]:
    """The `_TARGET_CONFIG` settings, key (section and name in lower case, as git prints
    them) -> value; the last value of a key wins, as with `git config --get`. The merge
    driver's keys are kept only from the local scope (`git config --local`), where
    `ensure_merge_driver` writes them: one process for what took two (issue 12)."""
    proc = git(root, "config", "-z", "--show-scope", "--get-regexp", _TARGET_CONFIG, check=False)
    values: dict[str, str] = {}
    entries = proc.stdout.split("\0")
    for scope, entry in zip(entries[::2], entries[1::2], strict=False):
        key, _sep, value = entry.partition("\n")
        if key.startswith(_DRIVER_PREFIX) and scope != "local":
            continue
        values[key] = value
    return values


def _branch(root: Path) -> str | None:
    proc = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def detached_message(root: Path) -> str:
    """What sync says on a detached HEAD: the `git switch` that gets back, naming the
    real branch (trial 8, item 6: not a hard-coded `main` when the branch is `master`):
    the branch checked out before HEAD was detached (`@{-1}`), else the only local
    branch; with several, their names; with none, how to make one."""
    before = git(root, "rev-parse", "--symbolic-full-name", "@{-1}", check=False).stdout.strip()
    heads = git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/", check=False)
    names = heads.stdout.split()
    if before.startswith("refs/heads/") and before.removeprefix("refs/heads/") in names:
        names = [before.removeprefix("refs/heads/")]
    if len(names) == 1:
        return _(
            "HEAD is detached (not on a branch); check out your branch (git switch {branch}) and sync again"
        ).format(branch=names[0])
    if names:
        return _(
            "HEAD is detached (not on a branch); check out your branch with git switch and one of {branches}, then sync again"
        ).format(branches=", ".join(names))
    return _(
        "HEAD is detached (not on a branch) and this repository has no branch; make one where you are (git switch -c BRANCH) and sync again"
    )


def _target(
    root: Path,
    branch: str,
    remotes: list[str] | None = None,
    config: Mapping[str, str] | None = None,
) -> _Target | None:
    """The remote branch `branch` syncs with (its upstream, else origin's or the only
    remote's branch of the same name); None without one. `remotes`: `git remote`'s
    names, `config`: `_config_values`, when the caller has them already."""
    if remotes is None:
        remotes = git(root, "remote").stdout.split()
    if not remotes:
        return None  # nothing to sync with, whatever the branch's config says
    if config is None:
        config = _config_values(root)
    remote = config.get(f"branch.{branch}.remote", "").strip() or None
    merge_ref = config.get(f"branch.{branch}.merge", "").strip() or None
    has_upstream = bool(remote and merge_ref and remote in remotes)
    if not has_upstream:
        if "origin" in remotes:
            remote = "origin"
        elif len(remotes) == 1:
            remote = remotes[0]
        else:
            return None
        merge_ref = f"refs/heads/{branch}"
    assert remote is not None and merge_ref is not None
    rb = merge_ref.removeprefix("refs/heads/")
    url = _without_secret(config.get(f"remote.{remote}.url", "").strip() or remote)
    return _Target(
        branch,
        remote,
        rb,
        f"refs/remotes/{remote}/{rb}",
        has_upstream,
        url,
        tuple(_network_args(config)),
    )


def _rev(root: Path, ref: str) -> str | None:
    proc = git(root, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _revs(root: Path, *refs: str) -> list[str | None]:
    """`_rev` of each of `refs` in one `git cat-file --batch-check` (issue 12: a process
    each cost a sync a few of its ~20 git processes): the commit each names, None where
    it names none."""
    return gitio.object_ids(root, [f"{ref}^{{commit}}" for ref in refs], "commit")


def _counts(root: Path, left: str, right: str) -> tuple[int, int]:
    out = git(root, "rev-list", "--left-right", "--count", f"{left}...{right}").stdout.split()
    return int(out[0]), int(out[1])


def _unshared(root: Path, remote: str, rev: str = "HEAD") -> int:
    """Commits reachable from `rev` and from none of `remote`'s remote-tracking refs:
    what the remote does not have, as last fetched (SyncStatus.ahead when there is no
    remote branch to count against: a first push, no upstream, an upstream gone)."""
    out = git(root, "rev-list", "--count", rev, "--not", f"--remotes={remote}").stdout
    return int(out.strip() or 0)


def _knows_branches(root: Path, remote: str) -> bool:
    """True when this clone has a remote-tracking ref of `remote` (it fetched a branch)."""
    out = git(root, "for-each-ref", "--count=1", "--format=%(refname)", f"refs/remotes/{remote}/")
    return bool(out.stdout.strip())


def status(root: Path) -> SyncStatus:
    """Ahead/behind against the remote branch as last fetched, and the branch's state
    (`SyncStatus.state`); never touches the network."""
    branch = _branch(root)
    remotes = git(root, "remote", check=False).stdout.split()
    if not remotes:
        return SyncStatus(0, 0, False, None, "no_remote")
    if branch is None:
        return SyncStatus(0, 0, True, None, "detached")
    target = _target(root, branch, remotes)
    unborn = _rev(root, "HEAD") is None
    if target is None:
        return SyncStatus(0, 0, True, None, "unborn" if unborn else "several_remotes")
    if unborn:
        return SyncStatus(0, 0, True, target.label, "unborn")
    if _rev(root, target.tracking) is not None:
        # Against the upstream, as `git status` does and as sync pushes: commits the
        # remote has on another branch only are still pushed to this one.
        ahead, behind = _counts(root, "HEAD", target.tracking)
        return SyncStatus(ahead, behind, True, target.label)
    # No remote branch to count against: what none of the remote's branches has.
    ahead = _unshared(root, target.remote)
    if not _knows_branches(root, target.remote) and remembered(root, target) is None:
        return SyncStatus(ahead, 0, True, target.label)  # a first push: the remote has nothing
    state = "missing" if target.has_upstream else "no_upstream"
    return SyncStatus(ahead, 0, True, target.label, state)


# ------------------------------------------------------------------ sync


def _in_progress(gd: Path) -> str | None:
    for name, what in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase or `git am`"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
        ("BISECT_LOG", "a bisect"),
    ):
        if (gd / name).exists():
            return what
    return None


def _uncommitted(root: Path, prefix: str, listing: str | None = None) -> list[str]:
    """Tracked files with changes, and new record files (participants, employers) git
    does not track yet (paths relative to the caseload). `listing`: git's `_STATUS` of
    the work tree, when the caseload is its top (`prefix` ''), asked already."""
    if listing is not None and not prefix:
        out = listing
    else:
        out = git(root, *_STATUS, "--", ".").stdout
    files: list[str] = []
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        xy, path = entry[:2], entry[3:].removeprefix(prefix)
        if xy[0] in "RC":
            i += 1  # the rename's source path follows
        if xy == "??":
            if path.split("/", 1)[0] in RECORD_DIRS and path.endswith(".toml"):
                files.append(path)
        elif xy != "!!":
            files.append(path)
    return files


def _network_args(config: Mapping[str, str]) -> list[str]:
    """Fail fast instead of prompting or hanging, unless the user configured otherwise
    (`config`: `_config_values`): ssh in batch mode with a connect timeout; http aborts
    a transfer stalled for 30 s."""
    have = set(config)
    args: list[str] = []
    ssh_chosen = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH")
    if not ssh_chosen and "core.sshcommand" not in have:
        args += ["-c", "core.sshCommand=ssh -o BatchMode=yes -o ConnectTimeout=20"]
    if not have & {"http.lowspeedlimit", "http.lowspeedtime"}:
        args += ["-c", "http.lowSpeedLimit=1", "-c", "http.lowSpeedTime=30"]
    return args


_LOCAL_CAUSES = (
    ("read_only", ("read-only file system",)),
    ("disk_full", ("no space left on device", "disk quota exceeded", "file too large")),
    ("permission", ("permission denied", "operation not permitted")),
    ("lock", ("file exists",)),
)
"""What a local failure's words say of its cause, in the order they are asked: a lock
that cannot be created on a read-only or full disk is the disk's fault, not a lock's."""

_LOCAL_REFS = ("cannot lock ref", "cannot update ref", "unable to update local ref")
"""git's words for a ref of this clone it could not write (fetch writes the
remote-tracking ref; a remote's refusal comes as `remote:` or `!` lines instead)."""

_FETCH_WRITES = ("read-only file system", "no space left on device", "disk quota exceeded")
"""Write errors a fetch meets in this clone when git's own `error:`/`fatal:` line says
them and the connection did not fail (`_TRANSPORT`)."""

_TRANSPORT = (
    "could not read from remote repository",
    "the remote end hung up",
    "host key verification failed",
    "connection refused",
    "connection timed out",
    "operation timed out",
    "connection closed by",
    "could not resolve hostname",
    "could not resolve host",
    "no route to host",
    "network is unreachable",
)
"""git's and ssh's words for a connection to the remote that failed: over ssh neither
ssh's own lines nor the server's stderr carry `remote:`, so a write error beside these
(ssh's `Could not create directory '/home/u/.ssh' (Read-only file system)`, a server
shell's `No space left on device`) is not this clone's."""


def _local_cause(action: str, root: Path, stderr: str) -> str | None:
    """Why git failed in this clone rather than at the remote, from its stderr: a key
    of `_LOCAL_CAUSE_MESSAGES`, or None when nothing says the local side failed.

    A failure is local when one of git's lines (not the remote's `remote:` lines)
    names a path of this repository (its work tree, its git directory or the common
    one a worktree shares: `'.git/FETCH_HEAD'`, `'/…/.git/refs/…/main.lock'`) or says a
    ref of it could not be written; its cause (read-only, full disk, lock, ...) is read
    from those lines only. For a fetch (`action` "fetch from", which writes only here)
    git's own `error:`/`fatal:` line with a write error counts too; any other line with
    one does not: over ssh, ssh and the server's shell print theirs without `remote:`
    (`Could not create directory '/home/u/.ssh' (Read-only file system).`). After a
    transport failure (`_TRANSPORT`: `Host key verification failed`, `the remote end
    hung up unexpectedly`) only a line naming this clone's paths counts.
    A local failure git gives no reason for (`couldn't write`) is put down to a full
    disk when the disk of the common git directory (where objects and refs are written;
    a worktree's may be on another disk than its work tree) has under `_FULL_BELOW`
    bytes free: a fallback guess, else "other". Classified
    by what failed, so a read-only clone, a full disk or a lock left behind is not
    reported as an unreachable remote (trial 8, item 5), nor the other way round."""
    own = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("remote:")]
    places = {str(root)}
    info = git(root, "rev-parse", "--absolute-git-dir", "--git-common-dir", check=False)
    dirs = [(root / ln.strip()).resolve() for ln in info.stdout.splitlines() if ln.strip()]
    places.update(str(d) for d in dirs)
    quoted = ["'.git/"] + [f"'{p.lower()}{end}" for p in places for end in ("/", "'")]
    named = [ln.lower() for ln in own if any(q in ln.lower() for q in quoted)]
    refs = [ln.lower() for ln in own if any(w in ln.lower() for w in _LOCAL_REFS)]
    transport = any(w in ln.lower() for ln in own for w in _TRANSPORT)
    # A fetch writes only here: git's own `error:`/`fatal:` write errors
    # (`unable to write loose object file: No space left on device`) are this clone's,
    # unless the connection failed (then they may be the server's git, over ssh).
    writes = [
        ln.lower()
        for ln in own
        if action == "fetch from"
        and ln.lower().startswith(("error:", "fatal:"))
        and any(w in ln.lower() for w in _FETCH_WRITES)
    ]
    # A connection that failed: only a line naming this clone's own paths makes it local.
    lines = named if transport else list(dict.fromkeys(named + refs + writes))
    if not lines:
        return None
    text = "\n".join(lines)
    for cause, words in _LOCAL_CAUSES:
        if any(w in text for w in words):
            return cause
    # git says only "couldn't write" when a full disk cut the write short: a guess, from
    # the free space where git writes (the common git dir: objects, refs, FETCH_HEAD's
    # neighbours), which for a worktree may be on another disk than the work tree.
    try:
        full = shutil.disk_usage(dirs[-1] if dirs else root).free < _FULL_BELOW
    except OSError:
        full = False
    return "disk_full" if full else "other"


_FULL_BELOW = 64 * 1024
"""Free bytes (at the common git directory) under which a local write failure git gives
no reason for is guessed to be a full disk (a ref or FETCH_HEAD is a few hundred bytes;
a received pack is more)."""


_LOCAL_CAUSE_MESSAGES = {
    "read_only": N_(
        "git could not write to this clone because its file system is read-only ({error}); the remote was not the problem; nothing was lost, your local commits are kept; sync from a copy of the caseload you can write to"
    ),
    "disk_full": N_(
        "git could not write to this clone because the disk is full ({error}); the remote was not the problem; nothing was lost, your local commits are kept; free some space and sync again"
    ),
    "lock": N_(
        "git could not write to this clone because a lock file exists ({error}): another git program is working in this caseload, or one stopped and left the lock behind; the remote was not the problem; nothing was lost — if no git program is running, delete that file and sync again"
    ),
    "permission": N_(
        "git could not write to this clone because permission was denied ({error}); the remote was not the problem; nothing was lost, your local commits are kept; sync as the user who owns the caseload's files"
    ),
    "other": N_(
        "git could not write to this clone ({error}); the remote was not the problem; nothing was lost, your local commits are kept; fix that and sync again"
    ),
}
"""What sync says when git failed in this clone, by `_local_cause`: one whole sentence
each, as the catalogs need."""


def _failure_message(action: str, target: _Target, root: Path, stderr: str, err: str) -> str:
    """The one line a failed `git fetch`, `ls-remote` or `push` is reported with:
    by what failed (`_local_cause`: this clone), else the remote (`_network_message`).
    `stderr`: all git said; `err`: its words for the network message."""
    cause = _local_cause(action, root, stderr)
    if cause is None:
        return _network_message(action, target, root, err)
    return _(_LOCAL_CAUSE_MESSAGES[cause]).format(error=_without_secret(_git_words(stderr)))


def _network_message(action: str, target: _Target, root: Path, err: str) -> str:
    # Never show a password or token kept in the URL.
    url, err = target.url, _without_secret(err)
    auth = any(s in err.lower() for s in _AUTH)
    return _(_NETWORK_MESSAGES[(action, auth)]).format(
        remote=target.remote, url=url, error=err.strip()
    )


_NETWORK_MESSAGES = {
    ("ask", True): N_(
        "could not ask {remote} ({url}): authentication failed — {error}; nothing was "
        "lost, your local commits are kept; try again when the connection works"
    ),
    ("ask", False): N_(
        "could not ask {remote} ({url}): the remote could not be reached — {error}; "
        "nothing was lost, your local commits are kept; try again when the connection works"
    ),
    ("fetch from", True): N_(
        "could not fetch from {remote} ({url}): authentication failed — {error}; nothing was "
        "lost, your local commits are kept; try again when the connection works"
    ),
    ("fetch from", False): N_(
        "could not fetch from {remote} ({url}): the remote could not be reached — {error}; "
        "nothing was lost, your local commits are kept; try again when the connection works"
    ),
    ("push to", True): N_(
        "could not push to {remote} ({url}): authentication failed — {error}; nothing was "
        "lost, your local commits are kept; try again when the connection works"
    ),
    ("push to", False): N_(
        "could not push to {remote} ({url}): the remote could not be reached — {error}; "
        "nothing was lost, your local commits are kept; try again when the connection works"
    ),
}
"""What a failed fetch or push says, by (action, authentication failed): one whole
sentence each, as the catalogs need."""


_LOCKS = ("index.lock", "HEAD.lock", "MERGE_HEAD.lock", "ORIG_HEAD.lock")


def _locks(git_dir: Path, branch: str) -> list[Path]:
    names = [*_LOCKS, f"refs/heads/{branch}.lock"]
    return [git_dir / n for n in names if (git_dir / n).exists()]


def _wait_for_locks(git_dir: Path, branch: str) -> None:
    """Wait up to LOCK_WAIT seconds for git's lock files to go; SyncError naming them if not."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        held = _locks(git_dir, branch)
        if not held:
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    names = ", ".join(str(p) for p in held)
    raise SyncError(
        _(
            "git is locked ({names} exists): another git program is working in this caseload, or one stopped and left the lock behind; nothing was changed — if no git program is running, delete that file and sync again"
        ).format(names=names)
    )


@dataclass(frozen=True, slots=True)
class _State:
    """What "exactly as it started" means: branch, HEAD and git's status listing."""

    branch: str | None
    head: str | None
    status: str


_STATUS = ("status", "--porcelain=v1", "-z", "--untracked-files=all")
"""git's status listing of the whole work tree, untracked files one by one."""


def _state(root: Path) -> _State:
    listing = git(root, *_STATUS, check=False).stdout
    return _State(_branch(root), _rev(root, "HEAD"), listing)


class _Run:
    """One sync: remembers where it started and which commits it made itself."""

    def __init__(
        self, root: Path, info: gitio.RepoInfo, progress: Callable[[str], None] | None
    ) -> None:
        self.root = root
        self.info = info
        self.progress = progress
        self.made: set[str] = set()
        self.start = ""
        self.start_state: _State | None = None
        self.renumbered: list[Renumbered] = []
        self.repaired: list[str] = []
        self.relaid: list[str] = []
        """Ids of records written in the canonical layout (SyncResult.relaid)."""
        self.unmixed: list[str] = []
        """Ids of records that kept ours' layout only (SyncResult.unmixed)."""
        self.known: str | None = None
        """The remote branch's commit as this clone knew it before the first fetch."""

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def rollback(self) -> str:
        """Back to the start, then check it: '' when the repository is exactly as it
        started, else a note saying what is left and how to clear it."""
        root = self.root
        gd = self.info.git_dir
        notes: list[str] = []
        # A lock another program took meanwhile is waited for, as at the start.
        deadline = time.monotonic() + LOCK_WAIT
        while (gd / "MERGE_HEAD").exists():
            proc = git(root, "merge", "--abort", check=False)
            if proc.returncode != 0 and (gd / "MERGE_HEAD").exists():
                git(root, "reset", "-q", "--merge", check=False)
            if not (gd / "MERGE_HEAD").exists() or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        head = _rev(root, "HEAD")
        if head is not None and head != self.start:
            if head not in self.made:
                notes.append(f"HEAD moved to {head[:7]} during the sync by something else")
            else:
                while True:
                    proc = git(root, "reset", "-q", "--keep", self.start, check=False)
                    if proc.returncode != 0:
                        proc = git(root, "reset", "-q", "--merge", self.start, check=False)
                    if proc.returncode == 0 or time.monotonic() >= deadline:
                        break
                    time.sleep(0.1)
                if proc.returncode != 0:
                    notes.append(
                        f"could not move back to {self.start[:7]}: {gitio._last_lines(proc.stderr)}"
                    )
        self.renumbered.clear()
        self.relaid.clear()
        self.unmixed.clear()
        self.repaired = [r for r in self.repaired if r != ".gitattributes"]
        return self._verify(notes)

    def _verify(self, notes: list[str]) -> str:
        """Compare the repository with the recorded start state."""
        gd = self.info.git_dir
        if self.start_state is None:
            return ""
        now = _state(self.root)
        left = list(notes)
        if (gd / "MERGE_HEAD").exists():
            left.append("a merge is still under way (MERGE_HEAD): run `git merge --abort`")
        if now.branch != self.start_state.branch:
            left.append(f"the branch is now {now.branch or 'detached'}")
        if now.head != self.start_state.head and not notes:
            left.append(
                f"HEAD is {str(now.head)[:7]}, not {str(self.start_state.head)[:7]}: "
                f"run `git reset --keep {str(self.start_state.head)[:7]}`"
            )
        if now.status != self.start_state.status:
            changed = sorted(
                (set(now.status.split("\0")) ^ set(self.start_state.status.split("\0"))) - {""}
            )
            shown = ", ".join(x[3:] for x in changed[:5] if len(x) > 3)
            left.append(f"files differ from the start ({shown}): see `git status`")
        if not left:
            return ""
        return "; the repository is NOT as it started: " + "; ".join(left)


@dataclass(frozen=True, slots=True)
class Prefetched:
    """A fetch made before the sync proper (`prefetch`): the remote branch's commit as
    fetched (None: the remote has no such branch yet)."""

    remote_head: str | None
    known: str | None = None
    """The remote branch's commit as this clone knew it before that fetch."""


def prefetch(
    root: Path,
    progress: Callable[[str], None] | None = None,
    *,
    info: gitio.RepoInfo | None = None,
) -> Prefetched | None:
    """The network part of a sync's first step: fetch the remote branch into its
    remote-tracking ref. It changes nothing a save reads or writes (no branch, no
    working file), so it runs before the save lock is taken and edits are not held up
    by the network; `sync(..., prefetched=...)` then starts from it. None when there
    is nothing to fetch from (no repository, detached HEAD, no remote: `sync` says
    why). `info`: where the repository is, when the caller knows (`sync`'s too).
    Raises SyncError on a network failure (nothing was changed)."""
    root = Path(root)
    if info is None:
        info = gitio.repo_info(root)
    branch = _branch(root) if info is not None else None
    target = _target(root, branch) if info is not None and branch is not None else None
    if info is None or target is None:
        return None
    run = _Run(root, info, progress)
    return Prefetched(_fetch(run, target), run.known)


def sync(
    root: Path,
    *,
    max_retries: int = 3,
    progress: Callable[[str], None] | None = None,
    prefetched: Prefetched | None = None,
    info: gitio.RepoInfo | None = None,
) -> SyncResult:
    """Fetch, merge, validate and push the current branch (module docstring).

    `progress` receives one line per step. `prefetched`: the first fetch was made by
    `prefetch` (outside the save lock); the first attempt starts from it. Returns what
    happened; raises SyncError (one line, fit to show a user) on any failure, after the
    repository was put back and checked to be exactly as it started. `info`: where the
    repository is (`gitio.RepoInfo`), when the caller asked git already (the service
    asks once; a work tree's git directory does not move while it runs)."""
    root = Path(root)
    if info is None:
        info = gitio.repo_info(root)
    if info is None:
        raise SyncError(
            _("{root} is not in a git repository, so there is nothing to sync").format(root=root)
        )
    run = _Run(root, info, progress)
    branch = _branch(root)
    if branch is None:
        raise SyncError(detached_message(root))
    busy = _in_progress(info.git_dir)
    if busy:
        raise SyncError(
            _(
                "{busy} is in progress in this repository; finish or abort it first, then sync"
            ).format(busy=busy)
        )
    _wait_for_locks(info.git_dir, branch)
    # The work tree's status as the sync starts (`_State`): also what is uncommitted
    # when the caseload is the work tree's top, so one listing answers both.
    listing = git(root, *_STATUS).stdout
    dirty = _uncommitted(root, info.prefix, listing)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise SyncError(
            _("uncommitted changes in {shown}; commit them (or undo them) and sync again").format(
                shown=shown
            )
        )
    config = _config_values(root)
    target = _target(root, branch, config=config)
    if target is None:
        if git(root, "remote").stdout.split():
            raise SyncError(
                _(
                    "{branch} has no upstream and there are several remotes; choose one with `git branch --set-upstream-to=REMOTE/{branch}`, then sync again"
                ).format(branch=branch)
            )
        raise SyncError(
            _(
                "this caseload has no remote to sync with; add one with `git remote add origin URL` (a shared git repository), then sync again"
            )
        )
    start = _rev(root, "HEAD")
    if start is None:
        raise SyncError(_("this caseload has no commits yet; nothing to sync"))
    run.start = start
    # Nothing between the listing and here changes the work tree (config reads only).
    run.start_state = _State(branch, start, listing)
    if prefetched is not None:
        run.known = prefetched.known
    if ensure_merge_driver(root, config):
        run.repaired.append("merge driver config")
    try:
        return _sync_loop(run, target, max_retries, prefetched)
    except SyncError as exc:
        note = run.rollback()
        raise SyncError(_with_note(str(exc), note)) from None
    except GitError as exc:
        note = run.rollback()
        msg = f"git failed during the sync: {exc}; nothing was changed"
        raise SyncError(_with_note(msg, note)) from None
    except BaseException:
        run.rollback()
        raise


_CLAIMS = re.compile(
    r"; nothing was changed| and your branch is back where it was|"
    r", so nothing was pushed and your branch is back where it was"
)


def _with_note(message: str, note: str) -> str:
    """The failure message, with the rollback's note; a message that claims the
    repository is untouched loses that claim when the rollback could not finish."""
    if not note:
        return message
    return _CLAIMS.sub("", message) + note


def _remote_lines(stderr: str) -> str:
    """What the remote itself said (`remote: ...` lines: hooks, hosting messages)."""
    lines = []
    for ln in stderr.splitlines():
        ln = ln.strip()
        if ln.startswith("remote:"):
            text = ln[len("remote:") :].strip()
            if text:
                lines.append(text)
    return " / ".join(lines[-6:])


def _fetch(run: _Run, target: _Target) -> str | None:
    """Fetch the remote branch; its commit, or None when the remote has no such branch.

    Raises SyncError when the remote's history was rewritten: the commit this clone last
    knew of the remote branch is not an ancestor of the one fetched (`ipstui erase` and a
    force-push, SPEC §12). Merging would bring back what the rewrite removed, so the
    remote-tracking ref is put back to what it was (every later sync refuses too, until
    the clone is replaced) and nothing is merged or pushed."""
    run.say(_("Fetching from {remote}…").format(remote=target.remote))
    tracked, synced = _revs(run.root, target.tracking, _synced_ref(run.root, target))
    known = synced or tracked
    if run.known is None:
        run.known = known
    refspec = f"+refs/heads/{target.remote_branch}:{target.tracking}"
    proc = git(
        run.root,
        *target.network,
        "fetch",
        "-q",
        "--no-tags",
        target.remote,
        refspec,
        check=False,
    )
    if proc.returncode != 0:
        err = gitio._last_lines(proc.stderr)
        if "couldn't find remote ref" in err.lower():
            _branch_missing(run, target, known)
            return None
        said = _remote_lines(proc.stderr)
        if said and said not in err:
            err = f"the remote said: {said}; {err}"
        raise SyncError(_failure_message("fetch from", target, run.root, proc.stderr, err))
    fetched = _rev(run.root, target.tracking)
    if known is not None and fetched is not None and fetched != known:
        if not _is_ancestor(run.root, known, fetched):
            # The tracking ref as it was before this fetch (none: the fetch made it).
            if tracked is not None:
                git(
                    run.root, "update-ref", "-m", "ipstui sync: remote history rewritten; kept the last known",
                    target.tracking, tracked,
                )  # fmt: skip
            else:
                git(run.root, "update-ref", "-d", target.tracking, check=False)
            raise SyncError(_rewritten_message(run, target, known, fetched))
    return fetched


SYNCED_REFS = "refs/ipstui/synced/"
"""Sync's memory of each remote: one ref per (remote URL, remote branch) under this
prefix, at the last remote commit a sync of this clone merged or pushed.

The remote-tracking ref alone is no memory: `git fetch --prune`, `git remote remove` and
`add`, or a branch renamed on the remote take it away, and a rewritten history (an
erasure force-pushed, SPEC §12) then looks like a new remote and is merged back. This
ref is keyed by the URL (without user info, trailing slashes or `.git`) so a remote
removed and added again, under any name, is still known; it is a ref, so the commit it
names stays in the object store for the ancestry check, and `git filter-repo` (ipstui
erase) rewrites it with the rest of this clone's history. A clone made afresh (the
re-clone every other clone does after an erasure) has none, so its first sync works."""


def _synced_ref(root: Path, target: _Target) -> str:
    url = target.url.rstrip("/").removesuffix(".git").rstrip("/")
    key = f"{url}\n{target.remote_branch}".encode()
    return SYNCED_REFS + hashlib.sha256(key).hexdigest()[:24]


def remembered(root: Path, target: _Target) -> str | None:
    """The last commit of `target`'s remote branch a sync here merged or pushed (the
    commit itself), or None when this clone never synced with that URL and branch."""
    return _rev(root, _synced_ref(root, target))


def _remember(run: _Run, target: _Target, commit: str | None) -> None:
    """Record `commit` as the remote branch's last synced commit (SYNCED_REFS)."""
    if commit is None:
        return
    git(
        run.root, "update-ref", "-m",
        f"ipstui sync: {target.url} {target.remote_branch}",
        _synced_ref(run.root, target), commit,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _RemoteHeads:
    """What one `git ls-remote --symref <remote>` says of the remote's branches now."""

    default: str | None
    """The branch the remote's HEAD names (its main branch), or None when it names none
    (a HEAD pointing at a branch that does not exist, or a server that does not say)."""
    heads: dict[str, str]
    """Branch name -> commit id, in the remote's order."""


def _remote_heads(run: _Run, target: _Target) -> _RemoteHeads:
    """The remote's HEAD branch and all its branches, from one network call (git prints
    `ref: refs/heads/main<TAB>HEAD` for the symref, then `<id><TAB><ref>` per ref).
    Raises SyncError when the remote cannot be asked."""
    proc = git(run.root, *target.network, "ls-remote", "--symref", target.remote, check=False)
    if proc.returncode != 0:
        raise SyncError(
            _failure_message("ask", target, run.root, proc.stderr, gitio._last_lines(proc.stderr))
        )
    default: str | None = None
    heads: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        left, tab, ref = line.partition("\t")
        if not tab:
            continue
        if left.startswith("ref: ") and ref == "HEAD":
            default = left.removeprefix("ref: ").removeprefix("refs/heads/")
        elif ref.startswith("refs/heads/"):
            heads[ref.removeprefix("refs/heads/")] = left.strip()
    return _RemoteHeads(default if default in heads else None, heads)


def _fetch_other(run: _Run, target: _Target, branch: str, commit: str) -> str | None:
    """Fetch another branch of the remote (`commit`: its id as listed) without moving
    any ref of this clone; `commit`, or None when it cannot be fetched."""
    proc = git(
        run.root,
        *target.network,
        "fetch",
        "-q",
        "--no-tags",
        "--no-write-fetch-head",
        target.remote,
        f"refs/heads/{branch}",
        check=False,
    )
    if proc.returncode != 0:
        return None
    return _rev(run.root, commit)


def _branch_missing(run: _Run, target: _Target, known: str | None) -> None:
    """The remote has no branch `target.remote_branch`. Raises SyncError unless this is a
    true first push.

    - This clone knew the branch (sync's memory of it or its remote-tracking ref, `known`): the branch
      was deleted or renamed on the remote, which is a rewrite (SPEC §12), not a first
      push: pushing would recreate the old history (an erased participant with it) and
      split the team over two branches. Nothing is merged or pushed; the message names
      the branch the remote's HEAD names now and the recovery (a new clone).
    - A first push (no remote-tracking ref) to a remote with no branch at all: allowed,
      unless the remote's main branch lists in erasures.toml a participant this push
      would publish (the erased-id check of `_refuse_erased`, against what the remote
      holds).
    - A branch this clone never synced, on a remote that has other branches (a branch
      made with `git worktree add -b` or `git checkout -b`, no upstream set): refused
      (`_refuse_new_branch`), as the team shares one branch (SPEC §6, docs/sync.md);
      a new branch on the remote is published only on purpose, with `git push -u`."""
    start = run.start or _rev(run.root, "HEAD")
    remote = _remote_heads(run, target)
    new_branch = remote.default
    if new_branch == target.remote_branch:
        new_branch = None
    other = _fetch_other(run, target, new_branch, remote.heads[new_branch]) if new_branch else None
    back: list[str] = []
    if other is not None and start is not None:
        from ipstui.core import erasures

        back = erasures.brought_back(run.root, erasures.hashes_at(run.root, other), start, other)
    if back:
        raise SyncError(_erased_message(run, target, back))
    if known is None:
        if not remote.heads:
            return  # a true first push: the remote has no branch at all
        _refuse_new_branch(run, target, new_branch, list(remote.heads))
    args = {
        "label": target.label,
        "remote": target.remote,
        "known": known[:7] if known else "",
        "unsynced": _unsynced(run, target, known),
        "url": target.url,
    }
    if new_branch:
        raise SyncError(
            _(
                "{label} is gone from the remote, whose main branch is now {new}: the branch this clone last synced ({known}) was renamed or deleted, which rewrites the caseload's history; nothing was merged or pushed, and the old branch was not recreated; {unsynced}; clone the caseload again ({url}) and redo those edits in the new clone"
            ).format(new=f"{target.remote}/{new_branch}", **args)
        )
    raise SyncError(
        _(
            "{label} is gone from the remote: the branch this clone last synced ({known}) was renamed or deleted, which rewrites the caseload's history; nothing was merged or pushed, and the old branch was not recreated; {unsynced}; ask the person who manages {remote} which branch the team uses now, then clone the caseload again ({url}) and redo those edits in the new clone"
        ).format(**args)
    )


def _refuse_new_branch(run: _Run, target: _Target, main: str | None, heads: list[str]) -> None:
    """SyncError: pushing would create `target`'s branch on a remote that has the
    branches `heads` (its order); says how to sync with the team's branch (`main`, the
    one the remote's HEAD names) or publish this one on purpose. With no `main` the
    remote does not say which branch is the team's: the message lists its branches
    rather than guess one."""
    args = {
        "branch": target.branch,
        "label": target.label,
        "remote": target.remote,
        "main": f"{target.remote}/{main}",
        "branches": ", ".join(heads[:5]) + (" …" if len(heads) > 5 else ""),
    }
    if main is None and target.has_upstream:
        raise SyncError(
            _(
                "the upstream of {branch}, {label}, is not on the remote, and this clone never synced it; sync would create it as a new branch, so nothing was pushed; {remote} does not name a main branch, and its branches are {branches}; to sync with the one the team uses, run `git branch --set-upstream-to={remote}/BRANCH` with its name and sync again"
            ).format(**args)
        )
    if main is None:
        raise SyncError(
            _(
                "{branch} has no upstream and {remote} has no branch {branch}; sync would create it as a new branch, so nothing was pushed; {remote} does not name a main branch, and its branches are {branches}; to share these edits with the team, run `git branch --set-upstream-to={remote}/BRANCH` with the name of the one the team uses and sync again, or publish the branch on purpose with `git push -u {remote} {branch}`"
            ).format(**args)
        )
    if target.has_upstream:
        raise SyncError(
            _(
                "the upstream of {branch}, {label}, is not on the remote, and this clone never synced it; sync would create it as a new branch, which the rest of the team does not sync with, so nothing was pushed; to sync with the team's branch, run `git branch --set-upstream-to={main}` and sync again"
            ).format(**args)
        )
    raise SyncError(
        _(
            "{branch} has no upstream and {remote} has no branch {branch}; sync would create it as a new branch, which the rest of the team does not sync with, so nothing was pushed; to share these edits with the team, run `git branch --set-upstream-to={main}` and sync again (sync merges {main} and pushes there), or publish the branch on purpose with `git push -u {remote} {branch}`"
        ).format(**args)
    )


def _is_ancestor(root: Path, old: str, new: str) -> bool:
    return git(root, "merge-base", "--is-ancestor", old, new, check=False).returncode == 0


def _without_secret(text: str) -> str:
    """`text` with the user-info part of every URL in it (`//user:token@`) taken out."""
    return re.sub(r"//[^/@\s]*@", "//", text)


def _last_synced(run: _Run, target: _Target, known: str | None) -> str | None:
    """The newest commit the remote branch was known at (before this sync's fetch, then
    back through the remote-tracking ref's reflog) that HEAD contains: where the user's
    own unsynced commits begin."""
    start = run.start or _rev(run.root, "HEAD")
    reflog = git(run.root, "log", "-g", "--format=%H", target.tracking, check=False).stdout
    for commit in [known, *reflog.split()]:
        if commit and start and _is_ancestor(run.root, commit, start):
            return commit
    return None


def _unsynced(run: _Run, target: _Target, known: str | None) -> str:
    """`your N unsynced commits (changing P-0001, P-0002) stay in this clone; git log
    ... lists them`: the user's own commits since the last sync (`_last_synced`)."""
    start = run.start or _rev(run.root, "HEAD")
    if start is None:
        return ""
    base = _last_synced(run, target, known)
    span = f"{base}..{start}" if base else start
    subjects = git(run.root, "log", "--no-merges", "--format=%s", span, check=False).stdout
    lines = subjects.splitlines()
    if not lines:
        return _("you have no unsynced commits in this clone")
    ids = sorted(
        {ln.split(":", 1)[0] for ln in lines if ":" in ln and is_valid_id(ln.split(":", 1)[0])}
    )
    shown = ", ".join(ids[:5]) + (" …" if len(ids) > 5 else "")
    listing = f"git log --oneline --no-merges {base[:10]}..HEAD" if base else "git log --oneline"
    return ngettext(
        "your {n} unsynced commit (changing {ids}) stays in this clone; {listing} lists it",
        "your {n} unsynced commits (changing {ids}) stay in this clone; {listing} lists them",
        len(lines),
    ).format(n=len(lines), ids=shown or "-", listing=listing)


def _rewritten_message(run: _Run, target: _Target, known: str, fetched: str) -> str:
    """The one line for a remote whose history was rewritten (SPEC §12): an erasure
    when the rewritten history's erasures.toml lists an id the known one did not, else
    a plain rewrite (an amended or dropped commit, force-pushed)."""
    from ipstui.core import erasures

    erased = erasures.hashes_at(run.root, fetched) - erasures.hashes_at(run.root, known)
    if not erased:
        template = _(
            "the history of {label} was rewritten (it no longer contains the commit this clone last synced, {known}: someone changed or removed commits that were already shared and force-pushed); nothing was merged or pushed, because merging would bring back what the rewrite removed; {unsynced}; clone the caseload again ({url}) and redo those edits in the new clone"
        )
    else:
        template = _(
            "the history of {label} was rewritten (it no longer contains the commit this clone last synced, {known}: usually a participant was erased with `ipstui erase` and force-pushed); nothing was merged or pushed, because merging would bring the erased data back; {unsynced}; clone the caseload again ({url}) and redo those edits in the new clone — if you ran the erasure here, force-push it instead as `ipstui erase` said"
        )
    return template.format(
        label=target.label,
        known=known[:7],
        unsynced=_unsynced(run, target, known),
        url=target.url,
    )


def _refuse_erased(run: _Run, target: _Target, remote_head: str | None) -> None:
    """SyncError when HEAD (the merge result) would publish a participant that
    erasures.toml — ours, theirs or the merged one — lists as erased (SPEC §12)."""
    from ipstui.core import erasures

    hashes = erasures.hashes_at_each(run.root, ["HEAD", remote_head, run.start])
    back = erasures.brought_back(run.root, hashes, "HEAD", remote_head)
    if back:
        raise SyncError(_erased_message(run, target, back))


def _refuse_invalid_outgoing(run: _Run, target: _Target, remote_head: str | None) -> None:
    """SyncError naming the files when the push would publish a caseload file that is
    not valid: first what any pushed commit writes (a symbolic link, a folder named
    like a record, a stray file in a record folder: `outgoing.history_problems`, each
    with its commit), then what HEAD holds (one that does not parse or has an error
    `validate` reports: `outgoing.outgoing_problems`; SPEC §6: the caseload is valid as
    a whole before it is pushed). The user's commits are kept. No option forces the
    push: what is pushed reaches every clone and only a rewrite of the team's history
    (`ipstui erase`) takes it back."""
    from ipstui.core.outgoing import history_problems, outgoing_problems

    published = history_problems(run.root, remote_head)
    named = {p.path for p in published}
    tip = [p for p in outgoing_problems(run.root, remote_head) if p.path not in named]
    if not published and not tip:
        return

    def listed(problems: list[Problem]) -> str:
        shown = "; ".join(str(p) for p in problems[:4])
        if len(problems) > 4:
            shown = _("{problems} and {n} more").format(problems=shown, n=len(problems) - 4)
        return shown

    args = {
        "label": target.label,
        "upstream": remote_head[:7] if remote_head else "--root",
        "published": listed(published),
        "current": listed(tip),
    }
    # What a commit wrote stays published whatever a new commit does: only taking it
    # out of those commits (a rebase) mends it. What only HEAD holds wrong (an invalid
    # record) a new commit mends.
    if published and tip:
        raise SyncError(
            ngettext(
                "{published} — your unpushed commits would publish this file even where a later commit removed it: take it out of those commits (git rebase -i {upstream}); {current} — not valid in your latest commit: fix it (`ipstui validate`) and commit; nothing was pushed to {label} and your branch is back where it was (your commits are kept); sync again when both are done",
                "{published} — your unpushed commits would publish these files even where a later commit removed them: take them out of those commits (git rebase -i {upstream}); {current} — not valid in your latest commit: fix it (`ipstui validate`) and commit; nothing was pushed to {label} and your branch is back where it was (your commits are kept); sync again when both are done",
                len(published),
            ).format(**args)
        )
    if published:
        raise SyncError(
            ngettext(
                "{published} — this file is not valid, and your unpushed commits would publish it even where a later commit removed it, so nothing was pushed to {label} and your branch is back where it was (your commits are kept); take it out of those commits (git rebase -i {upstream}) and sync again",
                "{published} — these files are not valid, and your unpushed commits would publish them even where a later commit removed them, so nothing was pushed to {label} and your branch is back where it was (your commits are kept); take them out of those commits (git rebase -i {upstream}) and sync again",
                len(published),
            ).format(**args)
        )
    raise SyncError(
        ngettext(
            "{current} — this file is not valid, so nothing was pushed to {label} and your branch is back where it was (your commits are kept); fix it (`ipstui validate`), commit, and sync again",
            "{current} — these files are not valid, so nothing was pushed to {label} and your branch is back where it was (your commits are kept); fix them (`ipstui validate`), commit, and sync again",
            len(tip),
        ).format(**args)
    )


def _erased_message(run: _Run, target: _Target, back: list[str]) -> str:
    """The one line for a sync that would publish erased participants `back` again."""
    return ngettext(
        "this sync would publish {ids} again, although erasures.toml says that participant was erased from the caseload's history; nothing was pushed and your branch is back where it was; {unsynced}; clone the caseload again ({url}) and redo those edits in the new clone",
        "this sync would publish {ids} again, although erasures.toml says those participants were erased from the caseload's history; nothing was pushed and your branch is back where it was; {unsynced}; clone the caseload again ({url}) and redo those edits in the new clone",
        len(back),
    ).format(
        ids=", ".join(back),
        unsynced=_unsynced(run, target, run.known),
        url=target.url,
    )


def _prepare(run: _Run, target: _Target, remote_head: str | None) -> str | None:
    """Before merging: the .gitattributes repair and the renumbering of add/add clashes.
    Returns HEAD as it leaves it when the remote branch holds exactly HEAD (nothing to
    merge, count or renumber: the caller skips those queries), else None."""
    root = run.root
    fixed = ensure_gitattributes(root)
    if fixed is not None:
        run.made.add(fixed)
        run.repaired.append(".gitattributes")
        run.say(_("Repaired .gitattributes: record files merge field by field (one commit)"))
    if remote_head is None:
        return None
    head = _rev(root, "HEAD")
    assert head is not None
    if head == remote_head:
        return head  # in sync: the merge base is HEAD itself, neither side added a record
    base_proc = git(root, "merge-base", head, remote_head, check=False)
    base = base_proc.stdout.strip()
    if base_proc.returncode != 0 or not base:
        return None  # unrelated histories: git refuses the merge and says so
    found = clashes(root, base, head, remote_head)
    if not found:
        return None
    try:
        gitio.identity(root)
    except GitError as exc:
        raise SyncError(
            _("cannot merge {label}: {exc}").format(label=target.label, exc=exc)
        ) from None
    for ours_rel, _theirs_rel in found:
        head = _rev(root, "HEAD")
        assert head is not None
        try:
            moved = renumber(root, base, head, remote_head, ours_rel)
        except RenumberError as exc:
            raise SyncError(str(exc)) from None
        for commit in _commits_between(root, head, moved.commit):
            run.made.add(commit)
        run.renumbered.append(moved)
        run.relaid.extend(r for r in moved.rewritten if r not in run.relaid)
        run.say(
            _("{old} was also added on {label}: {words}").format(
                old=moved.old, label=target.label, words=moved.words()
            )
        )
    return None


def _commits_between(root: Path, old: str, new: str) -> list[str]:
    return git(root, "rev-list", f"{old}..{new}").stdout.split()


def _sync_loop(
    run: _Run, target: _Target, max_retries: int, prefetched: Prefetched | None = None
) -> SyncResult:
    root = run.root
    attempts = 0
    while True:
        attempts += 1
        if attempts == 1 and prefetched is not None:
            remote_head = prefetched.remote_head
        else:
            remote_head = _fetch(run, target)
        same = _prepare(run, target, remote_head)
        if remote_head is None:
            ahead, behind = int(git(root, "rev-list", "--count", "HEAD").stdout.strip()), 0
        elif same is not None:
            ahead, behind = 0, 0  # HEAD is the remote branch's commit
        else:
            ahead, behind = _counts(root, "HEAD", remote_head)
        if behind:
            assert remote_head is not None
            _merge(run, target, remote_head, ahead, behind)
        if ahead and remote_head is None:
            # A first push: reported are the commits none of the remote's branches has,
            # not the ones the branch gains (its whole history); all of them known on
            # another branch of the remote: the branch's own count.
            ahead = _unshared(root, target.remote) or ahead
        elif ahead and behind:
            # What the remote branch gains, the merge commit (and any renumbering) included.
            ahead = _counts(root, "HEAD", remote_head)[0]
        if not ahead:
            # Unchanged by this sync (HEAD as it started): no record it changed to look at.
            unchanged = same is not None and same == run.start
            conflicts = () if unchanged else _conflicted_records(root, run.start)
            status = "pulled" if behind else "in_sync"
            _remember(run, target, remote_head)
            return _result(status, 0, behind, conflicts, target, attempts, run)
        _refuse_erased(run, target, remote_head)
        _refuse_invalid_outgoing(run, target, remote_head)
        run.say(
            _("Pushing {commits} to {label}…").format(commits=_commits(ahead), label=target.label)
        )
        rejected = _push(run, target)
        if rejected is None:
            conflicts = _conflicted_records(root, run.start)
            _remember(run, target, _rev(root, "HEAD"))
            return _result(
                "pushed", ahead, behind, conflicts, target, attempts, run, remote_head is None
            )
        if attempts > max_retries:
            lock = _remote_lock(rejected)
            if lock is not None:
                raise SyncError(
                    _(
                        "{label} refused the push because a lock file exists on the remote ({path}): another push may be running there, or one stopped and left the lock behind; nothing was lost, your local commits are kept — if no push is running, whoever looks after the remote can delete that file; then sync again"
                    ).format(label=target.label, path=lock)
                )
            raise SyncError(
                _(
                    "{label} kept moving on while pushing ({attempts} tries); nothing was lost, your local commits are kept; sync again in a moment"
                ).format(label=target.label, attempts=attempts)
            )
        run.say(
            _("{label} moved on meanwhile; fetching again (try {attempt})…").format(
                label=target.label, attempt=attempts + 1
            )
        )
        # Start the merge again from the user's own commits, so history gets one merge.
        if _rev(root, "HEAD") != run.start:
            note = run.rollback()
            if note:
                raise SyncError(_("could not retry the sync{note}").format(note=note))


def _commits(n: int) -> str:
    """`1 commit`, `3 commits`, in the current language."""
    return ngettext("{n} commit", "{n} commits", n).format(n=n)


def _merge(run: _Run, target: _Target, remote_head: str, ahead: int, behind: int) -> None:
    root = run.root
    n = _commits(behind)
    if not ahead:
        run.say(_("Fast-forwarding {n} from {label}…").format(n=n, label=target.label))
        proc = git(root, "merge", "-q", "--ff-only", remote_head, check=False)
        if proc.returncode != 0:
            raise SyncError(
                _("could not update to {label}: {error}; nothing was changed").format(
                    label=target.label, error=gitio._last_lines(proc.stderr)
                )
            )
        run.made.add(remote_head)
        return
    try:
        gitio.identity(root)
    except GitError as exc:
        raise SyncError(
            _("cannot merge {label}: {exc}").format(label=target.label, exc=exc)
        ) from None
    ours = _rev(root, "HEAD")
    assert ours is not None
    run.say(_("Merging {n} from {label}…").format(n=n, label=target.label))
    proc = git(
        root,
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "-m",
        f"Sync: merge {target.label} into {target.branch}",
        remote_head,
        check=False,
    )
    if proc.returncode != 0:
        held = _locks(run.info.git_dir, target.branch)
        output = proc.stdout + proc.stderr
        if held:
            output += "\nerror: " + ", ".join(map(str, held)) + " is held by another git program"
        raise SyncError(_merge_failure(root, run.info.prefix, target, output))
    merge = _rev(root, "HEAD")
    assert merge is not None
    run.made.add(merge)
    for rid in _relaid(proc.stdout + proc.stderr):
        if rid not in run.relaid:
            run.relaid.append(rid)
    for rid in _unmixed(proc.stdout + proc.stderr):
        if rid not in run.unmixed:
            run.unmixed.append(rid)
    run.say(_("Checking the merged caseload as a whole…"))
    broken = introduced_problems(root, ours, remote_head)
    if broken:
        raise SyncError(describe(broken, target.label))


_RELAID = re.compile(
    r"^ipstui merge: (?:.*/)?([^/]+)\.toml: " + re.escape(LAYOUT_LOST) + r"$", re.MULTILINE
)


_UNMIXED = re.compile(
    r"^ipstui merge: (?:.*/)?([^/]+)\.toml: " + re.escape(THEIRS_LAYOUT_LOST) + r"$",
    re.MULTILINE,
)


def _unmixed(output: str) -> list[str]:
    """Ids of the records whose other side's layout changes the merge driver could not
    carry over (it says so on stderr, `merge.THEIRS_LAYOUT_LOST`)."""
    return list(dict.fromkeys(_UNMIXED.findall(output)))


def _relaid(output: str) -> list[str]:
    """Ids of the records the merge driver wrote in the canonical layout (it says so on
    stderr, `merge.LAYOUT_LOST`, which git passes on)."""
    return list(dict.fromkeys(_RELAID.findall(output)))


_CRASH = re.compile(r"^(\w+Error: .*|Fatal Python error: .*|.*: command not found|.*: not found)$")


def _merge_failure(root: Path, prefix: str, target: _Target, output: str) -> str:
    """One line saying which files could not merge, and why."""
    stages: dict[str, set[str]] = {}
    for rec in git(root, "ls-files", "-u", "-z", "--full-name").stdout.split("\0"):
        if "\t" in rec:
            info, path = rec.split("\t", 1)
            stages.setdefault(path, set()).add(info.split()[-1])
    lines = [ln.strip() for ln in output.splitlines()]
    notes = [ln.removeprefix("ipstui merge: ") for ln in lines if ln.startswith("ipstui merge:")]
    crash = next((ln for ln in lines if _CRASH.match(ln)), None)
    if not stages:
        return f"could not merge {target.label}: {_git_words(output)}; nothing was changed"
    parts = []
    for path, have in stages.items():
        note = next((x for x in notes if x.startswith(f"{path}:")), None)
        if note is not None:
            parts.append(note)
        elif not {"2", "3"} <= have:
            parts.append(f"{path} (deleted on one side and changed on the other)")
        elif path == prefix + CASELOAD_FILE:
            parts.append(f"{path} (team settings changed on both sides in the same lines)")
        elif crash is not None:
            parts.append(f"{path} (the ipstui merge driver could not run: {crash})")
        else:
            parts.append(f"{path} (changed on both sides in the same lines)")
    return (
        f"could not merge {target.label}: conflict in " + "; ".join(parts) + "; "
        "nothing was changed — make the same change on one side (or fix the file), "
        "commit, and sync again"
    )


def _git_words(output: str) -> str:
    """git's own error lines (`fatal:`, `error:`), else its last lines, as one line."""
    said = []
    for ln in output.splitlines():
        ln = ln.strip()
        for tag in ("fatal:", "error:"):
            if ln.startswith(tag) and ln[len(tag) :].strip() not in said:
                said.append(ln[len(tag) :].strip())
    return gitio.without_end_stop(" ".join(said)) if said else gitio._last_lines(output)


def _changed(root: Path, a: str, b: str) -> list[str]:
    """Files that differ between two commits, relative to the caseload (only those in it)."""
    out = git(root, "diff", "--name-only", "--relative", "--no-renames", "-z", a, b).stdout
    return [p for p in out.split("\0") if p]


def _push(run: _Run, target: _Target) -> str | None:
    """Push HEAD to the remote branch: None when pushed; git's stderr when rejected
    because the remote moved on (or its ref could not be locked: a race, retried, or a
    lock file left behind, `_remote_lock`). Raises SyncError for any other failure."""
    args = ["push", "--porcelain"]
    if not target.has_upstream:
        args.append("--set-upstream")
    proc = git(
        run.root,
        *target.network,
        *args,
        target.remote,
        f"HEAD:refs/heads/{target.remote_branch}",
        check=False,
    )
    if proc.returncode == 0:
        return None
    said = _remote_lines(proc.stderr)
    rejected = [ln for ln in proc.stdout.splitlines() if ln.startswith("!")]
    reasons = " ".join(ln.split("\t")[-1] for ln in rejected).lower()
    if any(s in reasons for s in _RACE) or (
        not rejected and not said and any(s in proc.stderr.lower() for s in _RACE)
    ):
        return proc.stderr
    if rejected or said:
        reason = rejected[0].split("\t")[-1] if rejected else gitio._last_lines(proc.stderr, 1)
        words = f"; the remote said: {said}" if said else ""
        raise SyncError(
            _(
                "{label} refused the push ({reason}){words}; nothing was pushed, your local commits are kept and your branch is back where it was"
            ).format(label=target.label, reason=reason, words=words)
        )
    raise SyncError(
        _failure_message("push to", target, run.root, proc.stderr, gitio._last_lines(proc.stderr))
    )


_LOCK_FILE = re.compile(r"unable to create '([^']+\.lock)': file exists", re.IGNORECASE)


def _remote_lock(stderr: str) -> str | None:
    """The remote's lock file a refused push names (git's `Unable to create
    '/srv/team.git/./refs/heads/main.lock': File exists.`, said by the remote), its path
    tidied (`/srv/team.git/refs/heads/main.lock`); None when git names none. A lock that
    outlasts every retry was left behind or belongs to a push still running."""
    found = _LOCK_FILE.search(stderr)
    if found is None:
        return None
    return posixpath.normpath(found.group(1))


def _conflicted_records(root: Path, start: str) -> tuple[str, ...]:
    """Records changed by this sync that carry a [conflicts] table."""
    out = []
    records = []
    for rel in _changed(root, start, "HEAD"):
        folder, _unused, name = rel.partition("/")
        if folder in RECORD_DIRS and "/" not in name and name.endswith(".toml"):
            records.append(rel)
    for rel, raw in zip(records, gitio.blobs(root, [f"HEAD:./{r}" for r in records]), strict=True):
        if raw is None:
            continue
        try:
            data = storage.loads_bytes(raw, rel)
        except storage.ParseError:
            continue
        if data.get("conflicts"):
            out.append(Path(rel).stem)
    return tuple(out)


def _result(
    status: str,
    ahead: int,
    behind: int,
    conflicts: tuple[str, ...],
    target: _Target,
    attempts: int,
    run: _Run,
    created: bool = False,
) -> SyncResult:
    commits = _commits
    if created:
        msg = _("pushed {commits} to {label}, a new branch on the remote").format(
            commits=commits(ahead), label=target.label
        )
    elif status == "in_sync":
        msg = _("already in sync with {label}").format(label=target.label)
    elif status == "pulled":
        msg = _("pulled {commits} from {label}").format(commits=commits(behind), label=target.label)
    elif behind:
        msg = _("pushed {commits} to {label} after merging {merged} from there").format(
            commits=commits(ahead), label=target.label, merged=commits(behind)
        )
    else:
        msg = _("pushed {commits} to {label}").format(commits=commits(ahead), label=target.label)
    for moved in run.renumbered:
        msg += f"; {moved.words()}"
        if moved.references:
            msg += ngettext(
                ", and {ids} now refers to {new}",
                ", and {ids} now refer to {new}",
                len(moved.references),
            ).format(ids=", ".join(moved.references), new=moved.new)
    if ".gitattributes" in run.repaired:
        msg += "; " + _("repaired .gitattributes so record files merge field by field")
    if run.relaid:
        msg += "; " + ngettext(
            "the file of {ids} was written in the standard layout, because its own layout could not be kept (its comments and key order are gone)",
            "the files of {ids} were written in the standard layout, because their own layout could not be kept (their comments and key order are gone)",
            len(run.relaid),
        ).format(ids=", ".join(run.relaid))
    if run.unmixed:
        msg += "; " + ngettext(
            "the layout changes made to {ids} on the other side (comments, key order) could not be carried into the merged file, which keeps yours; its values are merged",
            "the layout changes made to {ids} on the other side (comments, key order) could not be carried into the merged files, which keep yours; their values are merged",
            len(run.unmixed),
        ).format(ids=", ".join(run.unmixed))
    if conflicts:
        status = "conflicts"
        ids = ", ".join(conflicts)
        msg += "; " + ngettext(
            "{n} participant needs a decision on fields changed on both sides: {ids}",
            "{n} participants need a decision on fields changed on both sides: {ids}",
            len(conflicts),
        ).format(n=len(conflicts), ids=ids)
    return SyncResult(
        status,
        ahead,
        behind,
        conflicts,
        msg,
        attempts,
        created,
        tuple(run.renumbered),
        tuple(run.repaired),
        tuple(run.relaid),
        tuple(run.unmixed),
    )
