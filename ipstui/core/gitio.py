"""Running git itself. Writes always go through the git CLI so hooks, signing and
the user's configuration apply; reading uses the CLI too where it is the fast path."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """git failed; the message is git's own last line(s), fit to show a user."""


class IdentityMissing(GitError):
    """No author identity is configured, so nothing may be committed."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["LC_ALL"] = "C"
    return env


def git(
    root: Path,
    *args: str,
    input: str | bytes | None = None,
    check: bool = True,
    binary: bool = False,
) -> subprocess.CompletedProcess:
    """Run `git -C root args...`; raise GitError with git's message on failure."""
    data = input.encode() if isinstance(input, str) else input
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            input=data,
            capture_output=True,
            env=_env(),
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if not binary:
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        err = (
            proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode("utf-8", "replace")
        )
        raise GitError(_last_lines(err) or f"git {args[0]} failed (exit {proc.returncode})")
    return proc


def _last_lines(text: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    lines = [ln[6:].strip() if ln.startswith("fatal:") else ln for ln in lines]
    return " ".join(lines[-n:])


def is_repo(root: Path) -> bool:
    """True when `root` is inside a git work tree."""
    if not (root / ".git").exists():
        proc = git(root, "rev-parse", "--is-inside-work-tree", check=False)
        return proc.returncode == 0 and proc.stdout.strip() == "true"
    return True


@dataclass(frozen=True, slots=True)
class RepoInfo:
    git_dir: Path
    prefix: str
    """Where `root` sits inside the work tree ('' at its top, else 'sub/dir/')."""


def repo_info(root: Path) -> RepoInfo | None:
    """One git call: None when `root` is not inside a work tree."""
    proc = git(
        root, "rev-parse", "--is-inside-work-tree", "--show-prefix", "--git-dir", check=False
    )
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) < 3 or lines[0].strip() != "true":
        return None
    gd = Path(lines[2].strip())
    return RepoInfo(gd if gd.is_absolute() else root / gd, lines[1].strip())


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    email: str


def identity(root: Path) -> Identity:
    """The author git would use; IdentityMissing when name or email is not set."""
    name = os.environ.get("GIT_AUTHOR_NAME", "")
    email = os.environ.get("GIT_AUTHOR_EMAIL", "")
    if not (name and email):
        proc = git(root, "config", "--get-regexp", r"^user\.(name|email)$", check=False)
        for line in proc.stdout.splitlines():
            key, _, value = line.partition(" ")
            if key == "user.name" and not name:
                name = value.strip()
            elif key == "user.email" and not email:
                email = value.strip()
    if not name or not email:
        missing = " and ".join(x for x, v in (("user.name", name), ("user.email", email)) if not v)
        raise IdentityMissing(
            f"no git identity configured ({missing} not set), so nothing was written; set it with "
            '`git config --global user.name "Your Name"` and '
            "`git config --global user.email you@example.org`"
        )
    return Identity(name, email)


def commit_paths(root: Path, paths: list[str], message: str, *, add: bool = False) -> str:
    """Commit exactly `paths` (other staged changes stay staged); returns the new commit id."""
    for attempt in range(6):
        try:
            if add:
                git(root, "add", "--", *paths)
            git(root, "commit", "-q", "-F", "-", "--", *paths, input=message)
            return git(root, "rev-parse", "HEAD").stdout.strip()
        except GitError as exc:
            # Another process holding the index lock is transient; anything else is not.
            if "index.lock" in str(exc) and attempt < 5:
                time.sleep(0.1 * (attempt + 1))
                continue
            raise
    raise GitError("could not commit")  # pragma: no cover


def head_blob(root: Path, rel: str) -> str | None:
    """Blob id of `rel` in HEAD, or None when HEAD has no such file (or no HEAD yet)."""
    proc = git(root, "rev-parse", "--verify", "-q", f"HEAD:./{rel}", check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None
