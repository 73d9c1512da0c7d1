"""Running git itself, on the caseload's own repository.

Writes always go through the git CLI so hooks, signing and the user's configuration
apply; reading uses the CLI too where it is the fast path. Every question about the
repository (where its git directory is, what HEAD is, who the author is, what git's
view of a file is) is asked of git, never guessed from the file system: worktrees and
submodules have a `.git` *file*, `core.autocrlf` and `.gitattributes` filters change
what "the same content" means, and `author.*`/`EMAIL` change who commits.

Environment (SPEC §5): git inside a hook of another repository sets `GIT_DIR`,
`GIT_INDEX_FILE` and friends for *that* repository. `git()` removes them by default so
an edit can never land in another repository; read-only uses that must honour them
(`validate --staged` as a pre-commit hook reads `GIT_INDEX_FILE`) pass
`repo_env=True`.
"""

from __future__ import annotations

import os
import time
from collections import namedtuple
from collections.abc import Mapping
from pathlib import Path

from ipstui.core.i18n import N_, _

# `subprocess` (with `signal`, `threading`, `selectors`, `locale`) is imported where a
# process is started: `ipstui due` reads this module's facts (`env`, `REPO_INFO_ARGS`,
# `parse_repo_info`) and starts its two queries itself (issue 17: start-up).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess

# The variables `git rev-parse --local-env-vars` prints (git 2.39), which git itself
# unsets before it runs git in another repository (submodules), plus GIT_NAMESPACE and
# GIT_QUARANTINE_PATH, which point refs and objects elsewhere too. tests/test_layers.py
# checks that this list still covers what the installed git prints.
REPO_ENV_VARS: tuple[str, ...] = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_QUARANTINE_PATH",
)

INDEX_LOCK_WAIT = 3.0
"""Seconds an edit waits for another git process's `index.lock` before refusing."""

# Files git keeps in the (per-worktree) git directory while an operation is stopped
# half-way; a commit made then is lost on `--abort` or on the next switch (SPEC §5).
IN_PROGRESS: tuple[tuple[str, str], ...] = (
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase (or `git am`)"),
    ("MERGE_HEAD", "a merge"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("BISECT_LOG", "a bisect"),
    # Left by a cherry-pick or revert of several commits until --continue/--quit, even
    # after the stopped one was committed by hand (git status still says so).
    ("sequencer", "a cherry-pick or revert of several commits"),
)


class GitError(Exception):
    """git failed; the message is git's own last line(s), fit to show a user, and
    `stderr` all that git said."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class IdentityMissing(GitError):
    """No author identity is configured, so nothing may be committed."""


class RepoStateRefused(GitError):
    """The repository is in a state where a commit would be lost or misplaced
    (detached HEAD, an operation in progress, a busy index.lock)."""


def env(*, repo_env: bool = False, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git child process: the caller's, without the variables
    that point git at another repository (unless `repo_env`), no prompts, C locale."""
    out = dict(os.environ)
    if not repo_env:
        for name in REPO_ENV_VARS:
            out.pop(name, None)
    out.setdefault("GIT_TERMINAL_PROMPT", "0")
    out["LC_ALL"] = "C"
    if extra:
        out.update(extra)
    return out


def _env() -> dict[str, str]:
    """Kept for callers of the old name: the scrubbed environment."""
    return env()


def git(
    root: Path,
    *args: str,
    input: str | bytes | None = None,
    check: bool = True,
    binary: bool = False,
    repo_env: bool = False,
) -> subprocess.CompletedProcess:
    """Run `git -C root args...` and return the finished process.

    stdout/stderr are str unless `binary`. `repo_env=True` keeps `GIT_DIR`,
    `GIT_INDEX_FILE` and the other repository variables of the environment (only for
    read-only uses that must follow them). Raises GitError with git's message when git
    exits non-zero and `check`, or when git is not installed."""
    import subprocess

    data = input.encode() if isinstance(input, str) else input
    try:
        child = subprocess.Popen(
            ["git", "-C", str(root), *args],
            stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(repo_env=repo_env),
        )
    except FileNotFoundError:
        raise GitError(_("git is not installed or not on PATH")) from None
    except NotADirectoryError:
        raise GitError(_("{root} is not a folder").format(root=root)) from None
    except OSError as exc:
        raise GitError(_("could not run git: {value}").format(value=exc.strerror or exc)) from None
    try:
        out, err = child.communicate(data)
    except BaseException:
        _stop(child)
        raise
    proc = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    if not binary:
        proc.stdout = proc.stdout.decode("utf-8", "replace")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        err = (
            proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode("utf-8", "replace")
        )
        # Some refusals git prints on stdout only ("nothing to commit, ..."): show those.
        out = (
            proc.stdout if isinstance(proc.stdout, str) else proc.stdout.decode("utf-8", "replace")
        )
        words = _last_lines(err) or _last_lines(out)
        failed = _("git {command} failed (exit {code})").format(
            command=args[0], code=proc.returncode
        )
        raise GitError(words or failed, err or out)
    return proc


def git_many(
    root: Path, *commands: tuple[tuple[str, ...], str | None]
) -> list[subprocess.CompletedProcess]:
    """Run several read-only git queries side by side; each `(args, input)` gives one
    finished process as `git(root, *args, input=input, check=False)` would (str output).

    For the questions a save asks together (issue 17: each git process costs a command
    line edit a few milliseconds, and queries that do not depend on each other need not
    wait for each other). Raises GitError when git cannot be started."""
    return finish_many(start_many(root, *commands))


def start_many(root: Path, *commands: tuple[tuple[str, ...], str | None]) -> list[subprocess.Popen]:
    """`git_many`'s queries started, not waited for: the caller works on (imports, reads
    files) while git answers on another core, then calls `finish_many`. Raises GitError
    when git cannot be started (the ones already started are stopped)."""
    import subprocess

    children: list[subprocess.Popen] = []
    try:
        for args, data in commands:
            try:
                child = subprocess.Popen(
                    ["git", "-C", str(root), *args],
                    stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    env=env(),
                )
            except FileNotFoundError:
                raise GitError(_("git is not installed or not on PATH")) from None
            except NotADirectoryError:
                raise GitError(_("{path} is not a folder").format(path=root)) from None
            except OSError as exc:
                raise GitError(
                    _("could not run git: {error}").format(error=exc.strerror or exc)
                ) from None
            children.append(child)
            if data is not None and child.stdin is not None:
                # A few lines: they fit the pipe, so the query runs while the next starts.
                try:
                    child.stdin.write(data.encode())
                    child.stdin.close()
                except BrokenPipeError:
                    pass
                child.stdin = None
    except BaseException:
        _stop_all(children)
        raise
    return children


def finish_many(children: list[subprocess.Popen]) -> list[subprocess.CompletedProcess]:
    """The finished processes of `start_many`, in order (str output, never checked)."""
    import subprocess

    try:
        out = []
        for child in children:
            stdout, stderr = child.communicate()
            out.append(
                subprocess.CompletedProcess(
                    child.args,
                    child.returncode,
                    stdout.decode("utf-8", "replace"),
                    stderr.decode("utf-8", "replace"),
                )
            )
        return out
    except BaseException:
        _stop_all(children)
        raise


def _stop_all(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.returncode is None:
            _stop(child)


STOP_WAIT = 10.0
"""Seconds to wait for an interrupted git after each of SIGINT and SIGTERM."""


def _stop(child: subprocess.Popen) -> None:
    """ctrl+c (or any other exception) while git runs. Never SIGKILL it (what
    `subprocess.run` does): a git killed while it holds `index.lock` leaves the lock
    behind and the repository unusable. Instead stop it as a terminal's ctrl+c would
    (SIGINT: git removes its lock files and exits), then SIGTERM, waiting after each,
    also through further ctrl+c; the caller then checks and undoes what git did."""
    import signal
    import subprocess

    for sig in (signal.SIGINT, signal.SIGTERM):
        if child.poll() is not None:
            break
        try:
            child.send_signal(sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + STOP_WAIT
        while child.poll() is None and time.monotonic() < deadline:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                break
            except KeyboardInterrupt:
                continue
    # A hook git started may still hold the pipes: close them instead of reading to EOF.
    for pipe in (child.stdin, child.stdout, child.stderr):
        if pipe is not None:
            try:
                pipe.close()
            except OSError:
                pass


def _last_lines(text: str, n: int = 3) -> str:
    """git's last `n` non-empty lines of `text` as one line, without `fatal:` and
    without the closing full stop: callers set it inside a sentence of their own
    ("… — {error}; nothing was lost"), where git's "exists." would read "exists.;"."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    lines = [ln[6:].strip() if ln.startswith("fatal:") else ln for ln in lines]
    return without_end_stop(" ".join(lines[-n:]))


def without_end_stop(text: str) -> str:
    """`text` without the sentence punctuation (. ; : ,) and spaces it ends with, so a
    message quoting it can go on with its own punctuation; an ellipsis (`...`) stays."""
    if text.endswith("..."):
        return text
    return text.rstrip(" .;:,")


class RepoInfo(namedtuple("RepoInfo", ("git_dir", "prefix", "top"), defaults=(None,))):
    """Where a caseload sits in its repository, as git reports it.

    `git_dir` (Path): the absolute (per-worktree) git directory: `.git` may be a file
    pointing elsewhere. `prefix` (str): where `root` sits inside the work tree ('' at its
    top, else 'sub/dir/'). `top` (Path | None): the top of the work tree (`git rev-parse
    --show-toplevel`).

    The value types of this module are `collections.namedtuple`s: `ipstui due` runs git
    through it without importing `dataclasses` or `typing` (issue 17: start-up)."""

    __slots__ = ()


REPO_INFO_ARGS = (
    "rev-parse",
    "--is-inside-work-tree",
    "--show-prefix",
    "--absolute-git-dir",
    "--show-toplevel",
)
"""The one `git rev-parse` that tells every fact of `RepoInfo`."""


def repo_info(root: Path) -> RepoInfo | None:
    """One git call; None when `root` is not inside a work tree."""
    proc = git(root, *REPO_INFO_ARGS, check=False)
    return parse_repo_info(proc.returncode, proc.stdout)


def parse_repo_info(returncode: int, stdout: str) -> RepoInfo | None:
    """`RepoInfo` from the exit status and output of `git REPO_INFO_ARGS`."""
    lines = stdout.splitlines()
    if returncode != 0 or len(lines) < 4 or lines[0].strip() != "true":
        return None
    return RepoInfo(Path(lines[2].strip()), lines[1].strip(), Path(lines[3].strip()))


def shallow_boundary(root: Path) -> frozenset[str]:
    """The commits where a shallow clone's history stops (`git clone --depth N`,
    `--shallow-since`): full ids whose parents this clone does not have, so git shows
    each as if it created every file it holds. Empty for a full clone, or when git cannot
    say. One `git rev-parse --is-shallow-repository --git-path shallow`, then the
    `shallow` file git keeps (gitrepository-layout(5))."""
    proc = git(root, "rev-parse", "--is-shallow-repository", "--git-path", "shallow", check=False)
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) < 2 or lines[0].strip() != "true":
        return frozenset()
    path = Path(lines[1].strip())
    try:
        text = (path if path.is_absolute() else root / path).read_text("ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def is_repo(root: Path) -> bool:
    """True when `root` is inside a git work tree."""
    return repo_info(root) is not None


class Identity(namedtuple("Identity", ("name", "email"))):
    """The author git would record: `git var GIT_AUTHOR_IDENT`, without the date
    (`name`, `email`: str)."""

    __slots__ = ()


_IDENT_HELP = (
    'git config --global user.name "Your Name"; git config --global user.email you@example.org'
)
"""The commands that set git's identity (shown as they are typed, in every language)."""

_IDENTITY_MISSING = {
    "author": N_(
        "no git identity: git cannot tell who the author is ({keys} or user.name and "
        "user.email are not set), so nothing was written; set it with: {help}"
    ),
    "committer": N_(
        "no git identity: git cannot tell who the committer is ({keys} or user.name and "
        "user.email are not set), so nothing was written; set it with: {help}"
    ),
}
"""What a save says when git has no author or committer (one sentence per role)."""


IDENT_QUERIES: tuple[tuple[tuple[str, ...], None], ...] = (
    (("var", "GIT_AUTHOR_IDENT"), None),
    (("var", "GIT_COMMITTER_IDENT"), None),
)
"""The two `git var` queries `identity_from` reads (for `git_many`)."""

FOR_EDIT_QUERIES: tuple[tuple[tuple[str, ...], None], ...] = (
    (REPO_INFO_ARGS, None),
    *IDENT_QUERIES,
)
"""What a command-line edit asks before it takes the save lock (none of it depends on
the lock): where the repository is, the author and the committer
(`caseload.load_for_edit`)."""


def _ident(proc: subprocess.CompletedProcess, who: str, keys: str) -> Identity:
    line = proc.stdout.strip()
    name, _unused, rest = line.partition("<")
    ident = Identity(name.strip(), rest.partition(">")[0].strip())
    if proc.returncode != 0 or "<" not in line or not ident.name or not ident.email:
        raise IdentityMissing(_(_IDENTITY_MISSING[who]).format(keys=keys, help=_IDENT_HELP))
    return ident


def identity_from(
    author: subprocess.CompletedProcess, committer: subprocess.CompletedProcess
) -> Identity:
    """`identity` from the finished `IDENT_QUERIES` (run together with other queries)."""
    ident = _ident(author, "author", "author.name/author.email")
    _ident(committer, "committer", "committer.name/committer.email")
    return ident


def identity(root: Path) -> Identity:
    """The author git itself would use for a commit in `root` (SPEC §5).

    Asked of `git var GIT_AUTHOR_IDENT` and `git var GIT_COMMITTER_IDENT` (side by
    side), so `user.*`, `author.*`/`committer.*`, `GIT_AUTHOR_*`/`GIT_COMMITTER_*` and
    `EMAIL` all count exactly as they do for `git commit` (SPEC §5): a commit needs
    both. Raises IdentityMissing (one line, naming what to set) when git has no usable
    author or committer."""
    return identity_from(*git_many(root, *IDENT_QUERIES))


_IDENT_REFUSALS = (
    ("Author identity unknown", "author"),
    ("Committer identity unknown", "committer"),
    ("empty ident name", None),
    ("name consists only of disallowed characters", None),
    ("no name was given and auto-detection is disabled", None),
    ("no email was given and auto-detection is disabled", None),
    ("unable to auto-detect email address", None),
)
"""What `git commit` says (C locale, `env`; git 2.39's ident.c) when it has no usable
identity, and whose: None where the words do not say (git forms the author's identity
first, then the committer's, and dies at the first it cannot form)."""


def identity_refusal(exc: GitError, root: Path | None = None) -> IdentityMissing | None:
    """The IdentityMissing a save reports when `git commit` itself refused for want of
    an identity (`exc`: its GitError), else None: the identity checked before the commit
    may be one kept from an earlier save (`CaseloadService`), and the commit is what
    uses the one in force. When git's words do not say whose identity it refused, the
    author's is asked again of git in `root` (`git var GIT_AUTHOR_IDENT`): refused, it
    was the author's, else the committer's (without `root`: the author's)."""
    said = exc.stderr or str(exc)
    for words, who in _IDENT_REFUSALS:
        if words in said:
            if who is None:
                asked = None if root is None else git(root, *IDENT_QUERIES[0][0], check=False)
                who = "committer" if asked is not None and asked.returncode == 0 else "author"
            keys = f"{who}.name/{who}.email"
            return IdentityMissing(_(_IDENTITY_MISSING[who]).format(keys=keys, help=_IDENT_HELP))
    return None


def in_progress(git_dir: Path) -> str | None:
    """What git operation is stopped half-way in this (per-worktree) git dir, or None."""
    for name, what in IN_PROGRESS:
        if (git_dir / name).exists():
            return what
    return None


def wait_index_lock(git_dir: Path, timeout: float | None = None) -> None:
    """Wait up to `timeout` seconds (default INDEX_LOCK_WAIT) for another git process to
    release the index; raise RepoStateRefused naming the lock file if it is still there."""
    lock = git_dir / "index.lock"
    deadline = time.monotonic() + (INDEX_LOCK_WAIT if timeout is None else timeout)
    delay = 0.02
    while lock.exists():
        if time.monotonic() >= deadline:
            raise RepoStateRefused(
                _(
                    "{lock} exists: another git process is using this repository, or one crashed; if no git is running, delete {lock} and try again"
                ).format(lock=lock)
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def is_index_lock_error(exc: GitError) -> bool:
    """True when git failed because another process holds the index: its message names
    `index.lock` (in a line above the last ones the short message keeps) and says the
    file exists (git's `unable_to_lock_message`, read with LC_ALL=C). Any other failure
    to create the lock (`No space left on device`, `Read-only file system`) is not a
    busy index: waiting for it spun `commit` for INDEX_LOCK_WAIT seconds, a git run
    every few milliseconds, before the refusal came (issue 12, a full disk)."""
    text = exc.stderr or str(exc)
    return "index.lock" in text and "File exists" in text


def commit(
    root: Path,
    paths: list[str],
    message: str,
    *,
    add: bool = False,
    git_dir: Path | None = None,
) -> None:
    """Commit exactly `paths` with git itself (hooks, signing, config apply); other staged
    changes stay staged. `add` first adds the paths (new files).

    A busy `index.lock` is waited for (INDEX_LOCK_WAIT seconds), then named in the
    RepoStateRefused raised; any other git failure raises GitError with git's words."""
    if git_dir is None:
        info = repo_info(root)
        git_dir = info.git_dir if info is not None else root / ".git"
    deadline = time.monotonic() + INDEX_LOCK_WAIT
    while True:
        wait_index_lock(git_dir, max(0.0, deadline - time.monotonic()))
        try:
            if add:
                git(root, "add", "--", *paths)
            # --cleanup=verbatim: the message is exactly ours, whatever commit.cleanup and
            # core.commentChar say (`P` as comment char would strip "P-0001: ..." lines).
            git(
                root,
                "commit",
                "-q",
                "--no-edit",
                "--cleanup=verbatim",
                "-F",
                "-",
                "--",
                *paths,
                input=message,
            )
            return
        except GitError as exc:
            # Another process took the index between our check and git's: wait again.
            if is_index_lock_error(exc) and time.monotonic() < deadline:
                continue
            if is_index_lock_error(exc):
                wait_index_lock(git_dir, 0.0)
            raise


def commit_paths(
    root: Path,
    paths: list[str],
    message: str,
    *,
    add: bool = False,
    git_dir: Path | None = None,
) -> str:
    """`commit`, then the new HEAD's commit id."""
    commit(root, paths, message, add=add, git_dir=git_dir)
    return git(root, "rev-parse", "HEAD").stdout.strip()


def head_blob(root: Path, rel: str) -> str | None:
    """Blob id of `rel` in HEAD, or None when HEAD has no such file (or no HEAD yet)."""
    proc = git(root, "rev-parse", "--verify", "-q", f"HEAD:./{rel}", check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def git_blob(root: Path, rel: str, raw: bytes) -> str:
    """The blob id git would store for `raw` written at `rel`: `git hash-object --path`,
    so `core.autocrlf`, `.gitattributes` eol and clean filters apply as in `git add`."""
    return git(root, "hash-object", f"--path={rel}", "--stdin", input=raw).stdout.strip()


def checkout_newline(root: Path, rel: str) -> str:
    """The line ending git would check a text file at `rel` out with: CRLF or LF.

    A new file is written that way, so `git add` has nothing to convert back and
    `core.safecrlf` passes. Follows git's own rules (convert.c): the `text`, `crlf` and
    `eol` attributes, then `core.autocrlf`, then `core.eol`."""
    proc = git(root, "check-attr", "text", "crlf", "eol", "--", rel, check=False)
    attrs: dict[str, str] = {}
    for line in proc.stdout.splitlines():  # "<path>: <attribute>: <value>"
        parts = line.rsplit(": ", 2)
        if len(parts) == 3:
            attrs[parts[1]] = parts[2].strip()
    cfg = git(root, "config", "--get-regexp", r"^core\.(autocrlf|eol)$", check=False)
    conf: dict[str, str] = {}
    for line in cfg.stdout.splitlines():  # the last value of each key wins, as in git
        key, _unused, value = line.partition(" ")
        conf[key.lower()] = value.strip().lower()
    autocrlf = conf.get("core.autocrlf", "false")
    autocrlf = "true" if autocrlf in ("true", "yes", "on", "1") else autocrlf
    core_eol = conf.get("core.eol", "native")

    def text_eol_is_crlf() -> bool:
        if autocrlf == "true":
            return True
        if autocrlf == "input":
            return False
        return core_eol == "crlf" or (core_eol not in ("lf", "crlf") and os.name == "nt")

    text = attrs.get("text", "unspecified")
    if text == "unspecified":
        legacy = attrs.get("crlf", "unspecified")
        text = {"input": "input"}.get(legacy, legacy)
    if text == "unset":
        return "\n"  # binary: never converted
    if text == "input":
        return "\n"
    eol = attrs.get("eol", "unspecified")
    if eol == "crlf":
        return "\r\n"
    if eol == "lf":
        return "\n"
    if text in ("set", "auto"):
        return "\r\n" if text_eol_is_crlf() else "\n"
    return "\r\n" if autocrlf == "true" else "\n"


class CommitInfo(namedtuple("CommitInfo", ("commit", "message", "changed"))):
    """What a commit is: its id (`commit`), its whole `message` and what it changed
    (`changed`: path from the top of the work tree -> the blob it has after the commit,
    the null id for a removal)."""

    __slots__ = ()

    @property
    def subject(self) -> str:
        return self.message.splitlines()[0] if self.message else ""


def commit_info(root: Path, rev: str = "HEAD") -> CommitInfo | None:
    """One `git diff-tree` call: `rev`'s id, message and changed paths; None without one."""
    proc = git(
        root,
        "diff-tree",
        "-r",
        "--root",
        "--no-renames",
        "-z",
        "--format=%H%x00%B%x00",
        rev,
        "--",
        check=False,
        binary=True,
    )
    if proc.returncode != 0:
        return None
    parts = proc.stdout.split(b"\0")
    if len(parts) < 2:
        return None
    changed: dict[str, str] = {}
    rest = iter(parts[2:])
    for token in rest:
        meta = token.strip()
        if meta.startswith(b":"):
            fields = meta.decode().split()
            path = next(rest, b"").decode("utf-8", "replace")
            changed[path] = fields[3] if len(fields) > 3 else ""
    return CommitInfo(
        parts[0].decode().strip(), parts[1].decode("utf-8", "replace").rstrip("\n") + "\n", changed
    )


def blob_ids(root: Path, specs: list[str]) -> list[str | None]:
    """The object ids of the blobs `specs` name (`HEAD:./participants/P-0001.toml`, as
    `blobs` takes them), in order; None where git has no such object or it is not a
    blob. One `git cat-file --batch-check` for all of them (specs holding a newline
    cannot be a line of the batch: None)."""
    return object_ids(root, specs, "blob")


def object_ids(root: Path, specs: list[str], kind: str) -> list[str | None]:
    """The ids of the objects of type `kind` ("blob", "commit") `specs` name (any
    revision `git cat-file` reads: `HEAD:./x.toml`, `refs/remotes/origin/main^{commit}`),
    in order; None where git has no such object or it is of another type. One `git
    cat-file --batch-check` for all of them (a spec holding a newline cannot be a line
    of the batch: None)."""
    lines = git(
        root,
        "cat-file",
        "--batch-check=%(objectname) %(objecttype)",
        input="".join(spec.replace("\n", " ") + "\n" for spec in specs),
        check=False,
    ).stdout.splitlines()
    out: list[str | None] = []
    for spec, line in zip(specs, [*lines, *[""] * len(specs)], strict=False):
        words = line.split()
        ok = "\n" not in spec and len(words) == 2 and words[1] == kind
        out.append(words[0] if ok else None)
    return out


def blobs(root: Path, specs: list[str]) -> list[bytes | None]:
    """The contents of the blobs `specs` name (`HEAD:./participants/P-0001.toml`: paths
    after `:./` relative to `root`, as `git cat-file blob` reads them), in order; None
    where git has no such object or it is not a blob.

    One `git cat-file --batch` for all of them, where `git cat-file blob` costs a
    process each (issue 12: a sync that pulls fifty records read them one process at a
    time). A spec holding a newline cannot be a line of the batch: it is asked alone."""
    out: list[bytes | None] = [None] * len(specs)
    batch = [i for i, spec in enumerate(specs) if "\n" not in spec]
    for i, spec in enumerate(specs):
        if i not in batch:
            proc = git(root, "cat-file", "blob", spec, check=False, binary=True)
            out[i] = proc.stdout if proc.returncode == 0 else None
    if not batch:
        return out
    proc = git(
        root,
        "cat-file",
        "--batch",
        input="".join(specs[i] + "\n" for i in batch),
        check=False,
        binary=True,
    )
    data, pos = proc.stdout, 0
    for i in batch:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        header = data[pos:end].split(b" ")
        pos = end + 1
        # "<id> <type> <size>", then the content and a newline; else "<spec> missing".
        if (
            len(header) == 3
            and header[1] in (b"blob", b"tree", b"commit", b"tag")
            and header[2].isdigit()
            and all(c in b"0123456789abcdef" for c in header[0])
        ):
            size = int(header[2])
            if header[1] == b"blob":
                out[i] = data[pos : pos + size]
            pos += size + 1
    return out


def ignored_changes(root: Path, rel: str) -> str | None:
    """Why git would not see changes to `rel` ("skip-worktree" or "assume-unchanged"),
    or None: such a file's edits are never committed."""
    proc = git(root, "ls-files", "-v", "--", rel, check=False)
    tag = proc.stdout[:1]
    if tag == "S":
        return "skip-worktree"
    if tag.islower():
        return "assume-unchanged"
    return None
