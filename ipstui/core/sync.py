"""Team sync (SPEC §6): fetch, merge (fast-forward when possible), validate, push.

A sync never leaves the repository mid-merge, mid-rebase or on a detached HEAD: on
any failure it aborts its merge, moves the branch back to where it started (only when
the branch is still on a commit sync itself made) and raises SyncError with one line
fit to show a user. It never discards the user's commits or files.
"""

from __future__ import annotations

import os
import re
import shlex
import site
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.gitio import GitError, git
from ipstui.core.validate import caseload_problems, errors_only, participant_content_problems

CASELOAD_FILE = "caseload.toml"
PARTICIPANTS_DIR = "participants"
DRIVER_NAME = "ipstui field-by-field merge of participant files"

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


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """Where the branch stands against its remote, as of the last fetch (no network)."""

    ahead: int
    behind: int
    has_remote: bool
    upstream: str | None


@dataclass(frozen=True, slots=True)
class SyncResult:
    status: str
    """"in_sync" | "pulled" | "pushed" | "conflicts" (merged and pushed; decisions needed)."""
    ahead: int
    """Local commits the remote did not have, now pushed (a merge commit included)."""
    behind: int
    """Remote commits that were not here, now merged in."""
    conflicts: tuple[str, ...] = field(default=())
    """Participants changed by this sync that now carry a [conflicts] table."""
    message: str = ""
    attempts: int = 1
    """Push attempts (more than one when the remote moved on during the sync)."""


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


def ensure_merge_driver(root: Path) -> bool:
    """Register the merge driver in the repository's local config; True when it wrote."""
    want = {"merge.ipstui.name": DRIVER_NAME, "merge.ipstui.driver": driver_command()}
    proc = git(root, "config", "--local", "--get-regexp", r"^merge\.ipstui\.", check=False)
    have = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(" ")
        have[key] = value
    changed = False
    for key, value in want.items():
        if have.get(key) != value:
            git(root, "config", "--local", key, value)
            changed = True
    return changed


# ------------------------------------------------------------------ status


@dataclass(frozen=True, slots=True)
class _Target:
    branch: str
    remote: str
    remote_branch: str
    tracking: str
    has_upstream: bool

    @property
    def label(self) -> str:
        return f"{self.remote}/{self.remote_branch}"


def _config(root: Path, key: str) -> str | None:
    proc = git(root, "config", "--get", key, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _branch(root: Path) -> str | None:
    proc = git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _target(root: Path, branch: str) -> _Target | None:
    remotes = git(root, "remote").stdout.split()
    remote = _config(root, f"branch.{branch}.remote")
    merge_ref = _config(root, f"branch.{branch}.merge")
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
    return _Target(branch, remote, rb, f"refs/remotes/{remote}/{rb}", has_upstream)


def _rev(root: Path, ref: str) -> str | None:
    proc = git(root, "rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def _counts(root: Path, left: str, right: str) -> tuple[int, int]:
    out = git(root, "rev-list", "--left-right", "--count", f"{left}...{right}").stdout.split()
    return int(out[0]), int(out[1])


def status(root: Path) -> SyncStatus:
    """Ahead/behind against the remote branch as last fetched; never touches the network."""
    branch = _branch(root)
    has_remote = bool(git(root, "remote", check=False).stdout.split())
    if branch is None:
        return SyncStatus(0, 0, has_remote, None)
    target = _target(root, branch)
    if target is None or _rev(root, target.tracking) is None:
        ahead = 0
        if _rev(root, "HEAD") is not None and target is not None:
            ahead = int(git(root, "rev-list", "--count", "HEAD").stdout.strip() or 0)
        return SyncStatus(ahead, 0, has_remote, target.label if target else None)
    if _rev(root, "HEAD") is None:
        return SyncStatus(0, 0, has_remote, target.label)
    ahead, behind = _counts(root, "HEAD", target.tracking)
    return SyncStatus(ahead, behind, has_remote, target.label)


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


def _uncommitted(root: Path, prefix: str) -> list[str]:
    """Tracked files with changes, and new participant files git does not track yet
    (paths relative to the caseload)."""
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".").stdout
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
            if path.startswith(f"{PARTICIPANTS_DIR}/") and path.endswith(".toml"):
                files.append(path)
        elif xy != "!!":
            files.append(path)
    return files


def _network_args(root: Path) -> list[str]:
    """Fail fast instead of prompting or hanging, unless the user configured otherwise:
    ssh in batch mode with a connect timeout; http aborts a transfer stalled for 30 s."""
    proc = git(
        root,
        "config",
        "--get-regexp",
        r"^(core\.sshcommand|http\.lowspeed(limit|time))$",
        check=False,
    )
    have = {line.split(" ", 1)[0].lower() for line in proc.stdout.splitlines()}
    args: list[str] = []
    ssh_chosen = os.environ.get("GIT_SSH_COMMAND") or os.environ.get("GIT_SSH")
    if not ssh_chosen and "core.sshcommand" not in have:
        args += ["-c", "core.sshCommand=ssh -o BatchMode=yes -o ConnectTimeout=20"]
    if not have & {"http.lowspeedlimit", "http.lowspeedtime"}:
        args += ["-c", "http.lowSpeedLimit=1", "-c", "http.lowSpeedTime=30"]
    return args


def _network_message(action: str, target: _Target, root: Path, err: str) -> str:
    url = _config(root, f"remote.{target.remote}.url") or target.remote
    # Never show a password or token kept in the URL.
    url, err = (re.sub(r"//[^/@\s]*@", "//", x) for x in (url, err))
    low = err.lower()
    if any(s in low for s in _AUTH):
        why = "authentication failed"
    else:
        why = "the remote could not be reached"
    return (
        f"could not {action} {target.remote} ({url}): {why} — {err.strip()}; "
        "nothing was lost, your local commits are kept; try again when the connection works"
    )


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

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def rollback(self) -> str:
        """Back to the start: abort a merge, move the branch back over sync's own commits."""
        root = self.root
        if (self.info.git_dir / "MERGE_HEAD").exists():
            git(root, "merge", "--abort", check=False)
        head = _rev(root, "HEAD")
        if head is None or head == self.start:
            return ""
        if head not in self.made:
            return f" (HEAD moved to {head[:7]} during the sync by something else; left it there)"
        proc = git(root, "reset", "-q", "--keep", self.start, check=False)
        if proc.returncode != 0:
            return f" (could not move back to {self.start[:7]}: {gitio._last_lines(proc.stderr)})"
        return ""


def sync(
    root: Path, *, max_retries: int = 3, progress: Callable[[str], None] | None = None
) -> SyncResult:
    """Fetch, merge, validate and push the current branch; SyncError on any failure."""
    root = Path(root)
    info = gitio.repo_info(root)
    if info is None:
        raise SyncError(f"{root} is not in a git repository, so there is nothing to sync")
    run = _Run(root, info, progress)
    branch = _branch(root)
    if branch is None:
        raise SyncError(
            "HEAD is detached (not on a branch); check out your branch (git switch main) "
            "and sync again"
        )
    busy = _in_progress(info.git_dir)
    if busy:
        raise SyncError(
            f"{busy} is in progress in this repository; finish or abort it first, then sync"
        )
    dirty = _uncommitted(root, info.prefix)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise SyncError(
            f"uncommitted changes in {shown}; commit them (or undo them) and sync again"
        )
    target = _target(root, branch)
    if target is None:
        if git(root, "remote").stdout.split():
            raise SyncError(
                f"{branch} has no upstream and there are several remotes; choose one with "
                f"`git branch --set-upstream-to=REMOTE/{branch}`, then sync again"
            )
        raise SyncError(
            "this caseload has no remote to sync with; add one with "
            "`git remote add origin URL` (a shared git repository), then sync again"
        )
    start = _rev(root, "HEAD")
    if start is None:
        raise SyncError("this caseload has no commits yet; nothing to sync")
    run.start = start
    ensure_merge_driver(root)
    try:
        return _sync_loop(run, target, max_retries)
    except SyncError as exc:
        note = run.rollback()
        raise SyncError(f"{exc}{note}") from None
    except BaseException:
        run.rollback()
        raise


def _fetch(run: _Run, target: _Target) -> str | None:
    """Fetch the remote branch; its commit, or None when the remote has no such branch."""
    run.say(f"Fetching from {target.remote}…")
    refspec = f"+refs/heads/{target.remote_branch}:{target.tracking}"
    proc = git(
        run.root,
        *_network_args(run.root),
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
            return None
        raise SyncError(_network_message("fetch from", target, run.root, err))
    return _rev(run.root, target.tracking)


def _sync_loop(run: _Run, target: _Target, max_retries: int) -> SyncResult:
    root = run.root
    attempts = 0
    while True:
        attempts += 1
        remote_head = _fetch(run, target)
        if remote_head is None:
            ahead, behind = int(git(root, "rev-list", "--count", "HEAD").stdout.strip()), 0
        else:
            ahead, behind = _counts(root, "HEAD", remote_head)
        if behind:
            _merge(run, target, remote_head, ahead, behind)
            if ahead:
                ahead += 1  # the merge commit
        if not ahead:
            conflicts = _conflicted_participants(root, run.start)
            if behind:
                return _result("pulled", 0, behind, conflicts, target, attempts)
            return _result("in_sync", 0, 0, conflicts, target, attempts)
        run.say(f"Pushing {ahead} commit{'s' * (ahead != 1)} to {target.label}…")
        rejected = _push(run, target)
        if not rejected:
            conflicts = _conflicted_participants(root, run.start)
            return _result("pushed", ahead, behind, conflicts, target, attempts)
        if attempts > max_retries:
            raise SyncError(
                f"{target.label} kept moving on while pushing ({attempts} tries); "
                "nothing was lost, your local commits are kept; sync again in a moment"
            )
        run.say(f"{target.label} moved on meanwhile; fetching again (try {attempts + 1})…")
        # Start the merge again from the user's own commits, so history gets one merge.
        if _rev(root, "HEAD") != run.start:
            note = run.rollback()
            if note:
                raise SyncError(f"could not retry the sync{note}")


def _merge(run: _Run, target: _Target, remote_head: str, ahead: int, behind: int) -> None:
    root = run.root
    n = f"{behind} commit{'s' * (behind != 1)}"
    if not ahead:
        run.say(f"Fast-forwarding {n} from {target.label}…")
        proc = git(root, "merge", "-q", "--ff-only", remote_head, check=False)
        if proc.returncode != 0:
            raise SyncError(
                f"could not update to {target.label}: {gitio._last_lines(proc.stderr)}; "
                "nothing was changed"
            )
        run.made.add(remote_head)
        return
    try:
        gitio.identity(root)
    except GitError as exc:
        raise SyncError(f"cannot merge {target.label}: {exc}") from None
    run.say(f"Merging {n} from {target.label}…")
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
        raise SyncError(_merge_failure(root, run.info.prefix, target, proc.stdout + proc.stderr))
    merge = _rev(root, "HEAD")
    assert merge is not None
    run.made.add(merge)
    run.say("Checking the merged files…")
    bad = _merge_problems(root)
    if bad:
        first = bad[0]
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise SyncError(
            f"merging {target.label} would make an invalid file: {first}{more}; "
            "nothing was pushed and your branch is back where it was"
        )


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
        return f"could not merge {target.label}: {gitio._last_lines(output)}; nothing was changed"
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


def _merge_problems(root: Path) -> list[str]:
    """Errors in files this merge wrote (content differing from both parents)."""
    first = set(_changed(root, "HEAD^1", "HEAD"))
    second = set(_changed(root, "HEAD^2", "HEAD"))
    out: list[str] = []
    for rel in sorted(first & second):
        is_participant = rel.startswith(f"{PARTICIPANTS_DIR}/") and rel.endswith(".toml")
        if not is_participant and rel != CASELOAD_FILE:
            continue
        proc = git(root, "cat-file", "blob", f"HEAD:./{rel}", check=False, binary=True)
        if proc.returncode != 0:
            continue
        raw = proc.stdout
        try:
            data = storage.loads_bytes(raw, rel)
        except storage.ParseError as exc:
            out.append(str(exc))
            continue
        text = raw.decode("utf-8")
        if is_participant:
            problems = participant_content_problems(data, rel, text)
        else:
            problems = caseload_problems(data, rel, text)
        out.extend(str(p) for p in errors_only(problems))
    return out


def _changed(root: Path, a: str, b: str) -> list[str]:
    """Files that differ between two commits, relative to the caseload (only those in it)."""
    out = git(root, "diff", "--name-only", "--relative", "--no-renames", "-z", a, b).stdout
    return [p for p in out.split("\0") if p]


def _push(run: _Run, target: _Target) -> bool:
    """Push HEAD to the remote branch; True when rejected because the remote moved on."""
    args = ["push", "--porcelain"]
    if not target.has_upstream:
        args.append("--set-upstream")
    proc = git(
        run.root,
        *_network_args(run.root),
        *args,
        target.remote,
        f"HEAD:refs/heads/{target.remote_branch}",
        check=False,
    )
    if proc.returncode == 0:
        return False
    output = proc.stdout + "\n" + proc.stderr
    low = output.lower()
    if any(s in low for s in _RACE):
        return True
    rejected = [ln for ln in proc.stdout.splitlines() if ln.startswith("!")]
    if rejected:
        reason = rejected[0].split("\t")[-1]
        raise SyncError(
            f"{target.label} refused the push: {reason} {gitio._last_lines(proc.stderr, 1)}; "
            "nothing was lost, your local commits are kept"
        )
    raise SyncError(_network_message("push to", target, run.root, gitio._last_lines(proc.stderr)))


def _conflicted_participants(root: Path, start: str) -> tuple[str, ...]:
    out = []
    for rel in _changed(root, start, "HEAD"):
        if not (rel.startswith(f"{PARTICIPANTS_DIR}/") and rel.endswith(".toml")):
            continue
        proc = git(root, "cat-file", "blob", f"HEAD:./{rel}", check=False, binary=True)
        if proc.returncode != 0:
            continue
        try:
            data = storage.loads_bytes(proc.stdout, rel)
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
) -> SyncResult:
    def commits(n: int) -> str:
        return f"{n} commit{'s' * (n != 1)}"

    if status == "in_sync":
        msg = f"already in sync with {target.label}"
    elif status == "pulled":
        msg = f"pulled {commits(behind)} from {target.label}"
    else:
        msg = f"pushed {commits(ahead)} to {target.label}"
        if behind:
            msg += f" after merging {commits(behind)} from there"
    if conflicts:
        status = "conflicts"
        ids = ", ".join(conflicts)
        msg += (
            f"; {len(conflicts)} participant{'s' * (len(conflicts) != 1)} need a decision "
            f"on fields changed on both sides: {ids}"
        )
    return SyncResult(status, ahead, behind, conflicts, msg, attempts)
