"""A caseload snapshot, and the save transaction of SPEC §5: one participant file (or
one file of another kind of record, such as an employer: `RecordKind`) written and
committed as one commit, under one lock per caseload.

`ipstui.core.service.CaseloadService` is what the CLI and the app call; this module
holds the snapshot type, the errors they show and the transaction itself.

A save, step by step (all under the caseload's lock, `ipstui.lock` in the git dir):
1. refuse when HEAD is detached or a merge/rebase/cherry-pick/revert/bisect is stopped
   half-way, when the path resolves outside the work tree, or git has no identity;
2. read the file; refuse when it changed since the caller loaded it (stale) or holds
   changes git has not committed, both judged by git's own view of the bytes
   (`git hash-object --path`: autocrlf and clean filters apply);
3. build and validate the new record; write it atomically, keeping the file's line
   endings; commit exactly that path with git itself;
4. report success only when HEAD's blob for the path is the blob git makes of the bytes
   written. On any failure the file is put back only if it still holds this save's
   bytes, and a commit that does not hold them is taken back off the branch.
"""

from __future__ import annotations

import functools
import os
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import commit_message

# The folder's names, the base error and `find_root` live in `folder` (no models
# imported: `ipstui due` finds its caseload with them); re-exported here.
from ipstui.core.folder import (  # noqa: F401
    CASELOAD_FILE,
    PARTICIPANTS_DIR,
    CaseloadError,
    NotACaseload,
    find_root,
)
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import (
    Participant,
    Problem,
    Roster,
    Settings,
    device_name_refusal,
    errors_only,
    is_valid_id,
    participant_path,
)

# The validation (JSON Schema, positions in the text) is imported where a file is
# checked: reading a caseload from the load cache needs none of it (issue 17).


def is_participant_file(rel: str) -> bool:
    """Whether the caseload-relative path `rel` (`/`-separated) is a participant file:
    `participants/<name>.toml`, directly in the folder, the suffix in lower case (SPEC §1).

    The one rule for what the loader reads, what counts as an uncommitted participant
    change and what may be committed as a hand edit. Anything else in participants/
    (`.DS_Store`, `P-0023.toml~`, `.P-0024.toml.swp`, `README.txt`, `P-0001.TOML`) is not
    a participant file; a name that passes but is no valid id (`.P-0024.toml`) is one,
    with a problem that says so."""
    folder, sep, name = rel.partition("/")
    return (
        folder == PARTICIPANTS_DIR
        and bool(sep)
        and "/" not in name
        and name.endswith(".toml")
        and len(name) > len(".toml")
    )


LOCK_NAME = "ipstui.lock"
LOCK_TIMEOUT = 30.0
"""Seconds a save waits for another save or sync of the same caseload."""


class EditRefused(CaseloadError):
    """The repository or the path is in a state where no edit may be made (SPEC §5
    refusals); nothing was written."""


class ValidationFailed(CaseloadError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        if more:
            text = ngettext(
                "{problem} (and {n} more); nothing was written",
                "{problem} (and {n} more); nothing was written",
                more,
            ).format(problem=first.message, n=more)
        else:
            text = _("{problem}; nothing was written").format(problem=first.message)
        super().__init__(text)


class StaleEdit(CaseloadError):
    """The file changed on disk since it was loaded; `fresh` is what is there now
    (None when it was deleted or is no longer a valid participant)."""

    def __init__(
        self,
        rel: str,
        fresh: Participant | None,
        *,
        gone: bool = True,
        problems: Iterable[Problem] = (),
    ) -> None:
        self.fresh = fresh
        self.problems = tuple(problems)
        """The fresh file's problems (`file_problems`): warnings beside `fresh`."""
        if fresh is not None or not gone:
            text = _(
                "{rel} changed on disk since it was loaded (another terminal, a pull or a "
                "hand edit); your change was not saved — the fresh version is shown, apply "
                "your change again"
            )
        else:
            text = _(
                "{rel} was deleted since it was loaded (another terminal, a pull or a hand "
                "edit); your change was not saved — the fresh version is shown, apply your "
                "change again"
            )
        super().__init__(text.format(rel=rel))


class ChangedHands(StaleEdit):
    """The record at the edit's id is not (or may not be) the one the user saw
    (`verdict`, an `identity.Verdict`, says why: for the app's question naming both
    people); nothing was written. A StaleEdit, so the app shows `fresh` (the record at
    the path now) as it does for any stale edit. `waited`: the refusal of a command-line
    edit that waited for the lock (its wording)."""

    def __init__(
        self, pid: str, verdict: Any, fresh: Any, waited: bool, problems: Iterable[Any] = ()
    ) -> None:
        self.verdict = verdict
        self.pid = pid
        self.waited = waited
        super().__init__(verdict.rel, fresh, gone=False, problems=problems)
        from ipstui.core.identity import changed_hands_text

        self.args = (changed_hands_text(pid, verdict, waited),)

    def __str__(self) -> str:
        return str(self.args[0])


class UncommittedFile(CaseloadError):
    """The record's file holds changes git has not committed: in the work tree, or
    (`staged`) in git's index, which a commit of the path would replace and lose."""

    def __init__(self, rel: str, *, staged: bool = False) -> None:
        self.staged = staged
        if staged:
            text = _(
                "{rel} has changes staged in git's index that are not committed; commit them "
                "first (`git commit`) or unstage them (`git restore --staged {rel}`), then edit again"
            )
        else:
            text = _(
                "{rel} has changes that are not committed; commit them first "
                "(Problems screen in the app, or `git commit`), then edit again"
            )
        super().__init__(text.format(rel=rel))


class NotCheckedOut(EditRefused):
    """The record's file is committed but left out of this clone's sparse checkout (its
    index entry has git's skip-worktree bit): it cannot be read or written here."""

    def __init__(self, rel: str) -> None:
        super().__init__(
            _(
                "{rel} is committed but not checked out: this clone is a sparse checkout that leaves it out; `git sparse-checkout add {rel}` (or `git sparse-checkout disable`) first, nothing was written"
            ).format(rel=rel)
        )


class NothingToSave(CaseloadError):
    def __init__(self) -> None:
        super().__init__(_("nothing changed; no commit made"))


class SaveFailed(CaseloadError):
    """git did not commit what was written; the file was put back if still ours."""


def could_not_write(what: Path | str, exc: OSError) -> str:
    """The one line for an OSError of a save (read-only file system, no space, denied)."""
    return _("could not write {what}: {error}; nothing was saved").format(
        what=what, error=exc.strerror or exc
    )


@dataclass(frozen=True, eq=False)
class Caseload:
    """An immutable snapshot of a caseload as loaded: replace it, never mutate it."""

    root: Path
    settings: Settings
    settings_data: Mapping[str, Any]
    participants: Mapping[str, Participant]
    problems: tuple[Problem, ...] = ()
    dirty: frozenset[str] = frozenset()
    """Participant files (relative paths) with changes git has not committed."""
    is_git: bool = True
    known_ids: frozenset[str] = frozenset()
    """Ids of participant files not loaded (an edit loads only its own participant)."""
    stats: Mapping[str, Any] = field(default_factory=dict)
    """How the load went (files, cache hits, seconds) for benchmarks and the status line."""
    partial: bool = False
    """Only the settings were loaded (a command-line edit): an edit reads its participant
    under the save lock instead of checking it against this snapshot."""
    repo: gitio.RepoInfo | None = None
    """Where git keeps the repository, when the loader already asked."""
    identity: tuple[subprocess.CompletedProcess, subprocess.CompletedProcess] | None = None
    """git's answers to `gitio.IDENT_QUERIES` (author, committer) when they were asked
    before the save (a command-line edit asks them while it reads the settings; the app
    once per session): a save judges them instead of asking again (issue 17)."""
    seen: Any = None
    """The record the edit means, as the user saw it (`identity.Seen`: commit, path,
    blob), or None: under the save lock the transaction refuses (`identity.ChangedHands`)
    when the record at that path is no longer (or may not be) that person. Given to one
    edit only (`CaseloadService.seen_by`), never kept in the app's snapshot."""

    def get(self, pid: str) -> Participant:
        try:
            return self.participants[pid]
        except KeyError:
            raise CaseloadError(_("no participant with id {pid}").format(pid=repr(pid))) from None

    def with_participant(self, p: Participant, problems: Iterable[Problem] = ()) -> Caseload:
        """This snapshot with `p` as read or saved (its file committed), and `problems` as
        that file's problems in place of the ones it had: what `file_problems` finds in
        it (`SaveResult.problems`, `StaleEdit.problems`), so the snapshot lists what a
        reload would (a saved file keeps its warnings, such as an unknown key)."""
        held = self.participants
        parts = held.with_participant(p) if isinstance(held, Roster) else {**held, p.id: p}
        dirty = self.dirty - {p.rel_path}
        kept = tuple(x for x in self.problems if x.path != p.rel_path)
        return replace(self, participants=parts, dirty=dirty, problems=kept + tuple(problems))

    def without(self, pid: str, rel: str) -> Caseload:
        held = self.participants
        if isinstance(held, Roster):
            parts: Mapping[str, Participant] = held.without(pid)
        else:
            parts = {k: v for k, v in held.items() if k != pid}
        problems = tuple(x for x in self.problems if x.path != rel)
        return replace(self, participants=parts, dirty=self.dirty - {rel}, problems=problems)

    def next_id(self, prefix: str = "P-") -> str:
        taken = (
            set(self.participants)
            | set(self.known_ids)
            | {Path(x.path).stem for x in self.problems}
        )
        n = 1
        for pid in taken:
            if pid.startswith(prefix) and pid[len(prefix) :].isdigit():
                n = max(n, int(pid[len(prefix) :]) + 1)
        width = 4
        while f"{prefix}{n:0{width}d}" in taken:
            n += 1
        return f"{prefix}{n:0{width}d}"


def read_settings(root: Path) -> tuple[Settings, dict[str, Any], list[Problem]]:
    """caseload.toml read, parsed and checked: (settings, its data, its problems).

    Never raises for the file's content or absence: defaults and a problem instead."""
    raw = read_settings_bytes(root)
    if isinstance(raw, Problem):
        return Settings(unknown=str(raw)), {}, [raw]
    return settings_from_bytes(raw)


def read_settings_bytes(root: Path) -> bytes | Problem:
    """caseload.toml's bytes, or the problem that reading it is."""
    try:
        return storage.read_bytes(root / CASELOAD_FILE, CASELOAD_FILE)
    except storage.StorageError as exc:
        msg = str(exc).removeprefix(f"{CASELOAD_FILE}: ")
        return Problem(CASELOAD_FILE, 1, 1, msg)


def settings_from_bytes(raw: bytes) -> tuple[Settings, dict[str, Any], list[Problem]]:
    """`read_settings` of caseload.toml's bytes (as `read_settings_bytes` gave them)."""
    from ipstui.core.validate import caseload_problems

    try:
        data = storage.loads_bytes(raw, CASELOAD_FILE)
    except storage.ParseError as exc:
        problem = Problem(exc.path, exc.line, exc.col, exc.message)
        return Settings(unknown=str(problem)), {}, [problem]
    problems = caseload_problems(data, CASELOAD_FILE, raw.decode("utf-8"))
    return settings_of(data, problems), data, problems


def settings_of(data: dict[str, Any], problems: Iterable[Problem]) -> Settings:
    """The Settings of caseload.toml's parsed `data`, given its `problems`
    (`validate.caseload_problems`): unknown (`Settings.unknown`, its first error) when
    the schema refuses a value — a control character in a member's name, a number out
    of range — as for a syntax error: edits are refused naming it, no participant is
    blamed for it, and no default silently stands in for the team's setting."""
    settings = Settings.from_dict(data)
    errors = errors_only(problems)
    if errors and not settings.unknown:
        # Nothing is checked against what is unknown: the referral sources neither (a
        # broken list would blame every participant for caseload.toml's fault).
        settings = replace(settings, unknown=str(errors[0]), referral_sources=())
    return settings


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the content of one blob yields; cacheable by blob id."""

    data: dict[str, Any] | None
    problems: tuple[tuple[int, int, str, str], ...]
    """(line, col, message, severity) — the path is added at load."""


def parse_participant(raw: bytes, rel: str, *, path_checks: bool = True) -> Parsed:
    """Parse and check one participant file's bytes found at `rel`.

    With `path_checks` False the findings depend on the bytes alone and may be cached by
    blob id; the checks of the file's name (`validate.participant_path_problems`) are
    then the caller's, for each path (the load cache: a copy of a valid file under
    another name must not share its verdict)."""
    from ipstui.core.validate import participant_content_problems

    try:
        data = storage.loads_bytes(raw, rel)
    except storage.ParseError as exc:
        return Parsed(None, ((exc.line, exc.col, exc.message, "error"),))
    probs = participant_content_problems(data, rel, raw.decode("utf-8"), path_checks=path_checks)
    return Parsed(data, tuple((p.line, p.col, p.message, p.severity) for p in probs))


def load(
    root: Path,
    *,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Caseload:
    """Load every participant; broken files become problems, never exceptions."""
    from ipstui.core import loader

    return loader.load(root, use_cache=use_cache, progress=progress)


def load_for_edit(
    root: Path, pid: str | None = None, *, started: list[subprocess.Popen] | None = None
) -> Caseload:
    """The settings only: a command-line edit reads its one participant under the save
    lock (reading the other 19,999 would cost more than the commit). `pid` is unused and
    kept for callers of the old signature.

    Where the repository is and git's identity (neither depends on the save lock) are
    asked side by side while caseload.toml is read and checked and the lock's package
    is imported, so the save itself asks git only what must be asked under the lock
    (issue 17: git processes per edit). `started`: those queries, already started by
    the caller (`gitio.start_many` of `gitio.FOR_EDIT_QUERIES`)."""
    if started is None:
        started = gitio.start_many(root, *gitio.FOR_EDIT_QUERIES)
    _lock_package()
    settings, sdata, problems = read_settings(root)
    rev_parse, author, committer = gitio.finish_many(started)
    repo = gitio.parse_repo_info(rev_parse.returncode, rev_parse.stdout)
    return Caseload(
        root,
        settings,
        sdata,
        {},
        tuple(problems),
        is_git=repo is not None,
        partial=True,
        repo=repo,
        identity=(author, committer) if repo is not None else None,
    )


def participant_from(
    cl: Caseload, rel: str, raw: bytes
) -> tuple[Participant | None, list[Problem]]:
    """The participant file `raw` found at `rel`: (the Participant, or None when it has
    errors; every finding, by `file_problems`, the loader's own rule)."""
    parsed = parse_participant(raw, rel, path_checks=False)
    data = parsed.data
    if data is None:
        return None, file_problems(rel, parsed.problems, None, cl.settings, lambda: None)
    pid, spec, src = data.get("id"), data.get("specialist", ""), data.get("referral_source")
    problems = file_problems(
        rel,
        parsed.problems,
        (
            pid if isinstance(pid, str) else None,
            str(spec),
            src if isinstance(src, str) else None,
        ),
        cl.settings,
        lambda: raw.decode("utf-8", "replace"),
    )
    if errors_only(problems):
        return None, problems
    return Participant(str(pid), data, rel, storage.blob_id(raw)), problems


def file_problems(
    rel: str,
    found: Iterable[tuple[int, int, str, str]],
    keys: tuple[str | None, str, str | None] | None,
    settings: Settings,
    text: Callable[[], str | None],
) -> list[Problem]:
    """Every finding of the participant file at `rel`, as the loader lists it: the
    findings of its bytes alone (`found`: (line, col, message, severity), what
    `parse_participant(..., path_checks=False)` gives and the load cache keeps), then the
    checks of its path (the name is a safe id equal to the `id` key:
    `validate.participant_path_problems`) and of the team (`specialist` in the team,
    `referral_source` in the listed sources: `validate.participant_team_problems`).

    The one rule for a file's problems: the loader uses it for every file, and every
    save for the file it wrote (`SaveResult.problems`), so a snapshot updated after a
    save lists the same problems a reload would. `keys`: the file's (`id` when a string,
    `specialist` as text, `referral_source` when a string), None when it did not parse
    (only `found` then). `text`: reads the file's text (None when it cannot), asked only
    for the positions of the rare path or team finding. Case twins are the caller's
    (they depend on the other files: `model.case_twin_problems`)."""
    probs = [Problem(rel, ln, col, msg, sev) for ln, col, msg, sev in found]
    if keys is None:
        return probs
    pid, specialist, source = keys
    stem = rel[len(PARTICIPANTS_DIR) + 1 : -5] if rel.endswith(".toml") else rel
    read = functools.cache(text)

    if not (is_valid_id(stem) and (pid is None or pid == stem)):
        # The validation module and the file's text only for the rare file that needs them
        # (reading a caseload from the load cache imports neither).
        from ipstui.core.validate import participant_path_problems

        probs.extend(participant_path_problems(pid, rel, read()))
    team, sources = settings.team, settings.referral_sources
    # While the team is unknown (a broken caseload.toml) no specialist is checked.
    if (not settings.unknown and specialist not in team) or (
        sources and source is not None and source not in sources
    ):
        from ipstui.core.validate import participant_team_problems

        probs.extend(
            participant_team_problems(
                {"specialist": specialist, "referral_source": source},
                rel,
                read(),
                settings.team_keys,
                sources,
            )
        )
    return probs


def _read(path: Path, rel: str, says: RecordMessages | None = None) -> bytes | None:
    """The file's bytes, None when absent; a folder or unreadable file is a refusal
    (worded by `says`, the record kind's messages; a participant's by default)."""
    says = says or PARTICIPANT_MESSAGES
    folder, sep, _name = rel.partition("/")
    linked = storage.linked_folder(path.parents[rel.count("/")], folder) if sep else None
    if linked is not None:  # read through nothing that is a link (SPEC §1)
        raise EditRefused(linked)
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise EditRefused(storage.linked_file(rel))
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            # A pipe would block the read; a socket or device is no record either.
            raise EditRefused(_("{rel} is not a regular file; nothing was written").format(rel=rel))
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise EditRefused(_(says.folder_not_file).format(rel=rel)) from None
    except NotADirectoryError:
        raise EditRefused(
            _(says.parent_not_folder).format(parent=Path(rel).parent, rel=rel)
        ) from None
    except OSError as exc:
        raise EditRefused(
            _("{rel}: cannot read: {value}").format(rel=rel, value=exc.strerror or exc)
        ) from None


def read_participant(cl: Caseload, pid: str) -> Participant | None:
    """Re-read one participant from disk (None when the file is gone).

    Raises ValidationFailed when the file is not a valid participant, EditRefused when
    the path is a folder or unreadable."""
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    raw = _read(participant_path(cl.root, pid), rel)
    if raw is None:
        return None
    p, problems = participant_from(cl, rel, raw)
    if p is None:
        raise ValidationFailed(errors_only(problems))
    return p


def validate_data(
    cl: Caseload, data: Mapping[str, Any], *, erased: frozenset[str] | None = None
) -> list[Problem]:
    """Errors that would make `data` an invalid participant file. `erased`: the id
    hashes of erasures.toml when the caller holds them already (an import checks every
    row against one read); None reads the work tree's file."""
    pid = data.get("id")
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    if not is_valid_id(pid):
        return [Problem(rel, 1, 1, f"not a valid participant id: {pid!r}")]
    text = storage.dumps(data)
    from ipstui.core.validate import participant_content_problems, participant_team_problems

    probs = participant_content_problems(data, rel, text)
    probs += participant_team_problems(
        data, rel, text, cl.settings.team_keys, cl.settings.referral_sources
    )
    from ipstui.core.erasures import erased_problems, hashes_on_disk

    probs += erased_problems([rel], hashes_on_disk(cl.root) if erased is None else erased)
    return errors_only(probs)


@dataclass(frozen=True, slots=True)
class SaveResult:
    """A verified save: `commit` is HEAD and holds exactly the participant written."""

    commit: str
    participant: Participant | None
    """The participant as saved; None when the commit removed the file."""
    message: str
    """The commit's message as HEAD holds it."""
    warnings: tuple[str, ...] = ()
    """One line each: what git hooks did to the commit besides ipstui's change."""
    problems: tuple[Problem, ...] = ()
    """The saved file's problems (warnings only: a file with errors is never written),
    by the loader's rule (`file_problems`): the snapshot takes them in place of the
    file's old ones (`Caseload.with_participant`)."""

    @property
    def subject(self) -> str:
        return self.message.splitlines()[0]


# ---------------------------------------------------------------- the transaction


def _repo(cl: Caseload) -> gitio.RepoInfo:
    if not cl.is_git:
        raise CaseloadError(
            _("{root} is not a git repository; edits need git (run `git init` there)").format(
                root=cl.root
            )
        )
    repo = cl.repo or gitio.repo_info(cl.root)
    if repo is None:
        raise CaseloadError(
            _("{root} is not a git repository; edits need git (run `git init` there)").format(
                root=cl.root
            )
        )
    return repo


@contextmanager
def caseload_lock(git_dir: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the caseload's lock (`<git dir>/ipstui.lock`): saves and syncs of one
    caseload from any number of processes and threads run one at a time; the thread
    holding it may take it again.

    The `filelock` package (a per-thread, re-entrant lock on the file; a crashed
    holder's lock goes with its process). Its import costs a command-line edit about
    10-30 ms (issue 17 measured it); it is imported only when a save takes the lock, and
    kept over a hand-made `fcntl` lock as the project's standards ask.

    Raises EditRefused when another holder keeps it longer than `timeout` seconds,
    SaveFailed when the lock file cannot be made."""
    with _filelock(git_dir / LOCK_NAME, timeout):
        yield


def _lock_package() -> Any:
    """The `filelock` package, imported on first use (its import costs more than a git
    query: `load_for_edit` imports it while git answers)."""
    import filelock

    return filelock


@contextmanager
def _filelock(path: Path, timeout: float) -> Iterator[None]:
    filelock = _lock_package()

    lock = filelock.FileLock(str(path), is_singleton=True, thread_local=True)
    try:
        lock.acquire(timeout=timeout)
    except filelock.Timeout:
        raise EditRefused(
            _(
                "another ipstui has been saving or syncing this caseload for {timeout} s (lock {path}); nothing was written, try again"
            ).format(timeout=format(timeout, ".0f"), path=path)
        ) from None
    except OSError as exc:
        raise SaveFailed(could_not_write(path, exc)) from None
    try:
        yield
    finally:
        lock.release()


def check_repo_state(root: Path, repo: gitio.RepoInfo) -> None:
    """Refuse (EditRefused) when a commit now would be lost: an operation stopped half-way,
    or a detached HEAD (SPEC §5)."""
    _refuse_in_progress(repo)
    _refuse_detached(gitio.git(root, "symbolic-ref", "-q", "HEAD", check=False))


def _refuse_in_progress(repo: gitio.RepoInfo) -> None:
    what = gitio.in_progress(repo.git_dir)
    if what is not None:
        raise EditRefused(
            _(
                "{what} is in progress in this repository; finish or abort it first (see `git status`), nothing was written"
            ).format(what=what)
        )


def _refuse_detached(symbolic_ref: subprocess.CompletedProcess) -> None:
    if symbolic_ref.returncode != 0:
        raise EditRefused(
            _(
                "HEAD is detached (not on a branch), so a commit would be lost on the next switch; `git switch` to your branch first, nothing was written"
            )
        )


@dataclass(frozen=True, slots=True)
class _Before:
    """What git says before a save, asked in one round of queries run side by side
    (issue 17): whether HEAD is on a branch, the identity, HEAD and its blob at the path."""

    symbolic_ref: subprocess.CompletedProcess
    author: subprocess.CompletedProcess
    committer: subprocess.CompletedProcess
    head: str | None
    head_blob: str | None
    index_blob: str | None
    """The blob git's index holds at the path (stage 0), None when it holds none."""


def _ask_before_save(
    root: Path, spec_path: str, identity: tuple[Any, Any] | None = None
) -> _Before:
    """`symbolic-ref`, both `git var` identities (unless `identity` holds their answers,
    asked earlier: they do not depend on the lock) and `cat-file` of HEAD and
    HEAD:`spec_path`, as processes run at once; the caller judges them in the order of
    the transaction's checks."""
    args, data = _head_and_blob_query(spec_path)
    queries = [(("symbolic-ref", "-q", "HEAD"), None), (args, data + f":{spec_path}\n")]
    if identity is None:
        queries += gitio.IDENT_QUERIES
    sym, heads, *asked = gitio.git_many(root, *queries)
    author, committer = identity if identity is not None else asked
    index = (heads.stdout.splitlines() + ["", "", ""])[2].split()
    index_blob = index[0] if len(index) == 2 and index[1] == "blob" else None
    return _Before(sym, author, committer, *_parse_head_and_blob(heads), index_blob)


def first_link(root: Path, rel: str) -> str | None:
    """The first of `rel`'s paths (`participants`, then `participants/P-0001.toml`;
    caseload-relative, `/`-separated) that is a symbolic link in the caseload at `root`,
    or None when none is."""
    parts = rel.split("/")
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        if os.path.islink(root / sub):
            return sub
    return None


def check_inside(root: Path, rel: str) -> None:
    """Refuse (EditRefused) a path reached through a symlink (SPEC §1), naming the path
    that is the link: a linked folder on the way (`participants -> p2`) is refused as
    `storage.linked_folder` words it (as a load shows it); the file itself being a link,
    or a path resolving elsewhere, as the file's own refusal."""
    link = first_link(root, rel)
    if link is not None and link != rel:
        raise EditRefused(storage.linked_folder(root, link) or link)
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / rel)
    if real != os.path.join(real_root, *rel.split("/")):
        if real.startswith(real_root + os.sep):
            inside = os.path.relpath(real, real_root).replace(os.sep, "/")
            raise EditRefused(
                _(
                    "{rel} is a symbolic link (to {inside}, inside the caseload); ipstui never writes through links, nothing was written"
                ).format(rel=rel, inside=inside)
            )
        raise EditRefused(
            _(
                "{rel} resolves outside the caseload ({real}) through a symbolic link; ipstui never writes through links, nothing was written"
            ).format(rel=rel, real=real)
        )


def refuse_case_twin(root: Path, rel: str) -> None:
    """Refuse (EditRefused) to rewrite `rel` while a file whose name differs only in case
    sits beside it (`P-0008.toml` and `p-0008.toml`): validate reports both (ids are
    unique ignoring case, SPEC §2), and a file that fails validation is never rewritten.
    On a case-insensitive file system the two are one file and nothing is refused."""
    folder, _sep, name = rel.rpartition("/")
    want = name.casefold()
    try:
        names = os.listdir(root / folder)
    except OSError:
        return
    for other in names:
        if other != name and other.casefold() == want:
            try:
                if os.path.samefile(root / rel, root / folder / other):
                    continue  # one file under two spellings: a case-insensitive system
            except OSError:
                pass
            raise EditRefused(
                _(
                    "{rel} and {twin} differ only in case, so on macOS and Windows they are one file; rename or remove one of them first, nothing was written"
                ).format(rel=rel, twin=f"{folder}/{other}")
            )


class _GitView:
    """git's view of byte strings at one path, asked of git only when the plain blob id
    does not already match (no filter applies in the common case)."""

    def __init__(self, root: Path, rel: str) -> None:
        self.root, self.rel = root, rel
        self._memo: dict[bytes, str] = {}

    def matches(self, blob: str | None, raw: bytes) -> bool:
        """True when `blob` is what git stores for `raw` at this path."""
        if blob is None:
            return False
        if blob == storage.blob_id(raw):
            return True
        if raw not in self._memo:
            self._memo[raw] = gitio.git_blob(self.root, self.rel, raw)
        return self._memo[raw] == blob


def _head_and_blob_query(spec_path: str) -> tuple[tuple[str, ...], str]:
    return (("cat-file", "--batch-check=%(objectname) %(objecttype)"), f"HEAD\nHEAD:{spec_path}\n")


def _parse_head_and_blob(proc: subprocess.CompletedProcess) -> tuple[str | None, str | None]:
    lines = proc.stdout.splitlines() + ["", ""]
    head = lines[0].split()
    blob = lines[1].split()
    return (
        head[0] if len(head) == 2 and head[1] == "commit" else None,
        blob[0] if len(blob) == 2 and blob[1] == "blob" else None,
    )


def _head_and_blob(root: Path, spec_path: str) -> tuple[str | None, str | None]:
    """(HEAD commit, HEAD's blob at the top-relative `spec_path`) in one git call."""
    args, data = _head_and_blob_query(spec_path)
    return _parse_head_and_blob(gitio.git(root, *args, input=data, check=False))


def _case_twin(
    root: Path, pid: str, head: str | None, folder: str = PARTICIPANTS_DIR
) -> str | None:
    """An existing id in `folder` equal to `pid` ignoring case, but not equal: a file on
    disk, or an entry in the index or in HEAD (a file deleted by hand but still
    committed would otherwise get a case twin committed next to it)."""
    want = pid.casefold()
    names: list[str] = []
    try:
        names += os.listdir(root / folder)
    except OSError:
        pass
    args = ["ls-files", "-z"]
    if head is not None:
        args.append("--with-tree=HEAD")
    proc = gitio.git(root, *args, "--", f":(icase){folder}/{pid}.toml", check=False, binary=True)
    names += [os.path.basename(n.decode("utf-8", "replace")) for n in proc.stdout.split(b"\0") if n]
    for name in names:
        if name.endswith(".toml") and name[:-5] != pid and name[:-5].casefold() == want:
            return name[:-5]
    return None


def _ids_in(root: Path, folder: str, git_dir: Path | None = None) -> frozenset[str]:
    """The ids of the .toml files in `folder` (read under the lock); in a sparse
    checkout (`git_dir` given and holding `info/sparse-checkout`) also those git's index
    holds, so a new record never takes the id of one the checkout leaves out."""
    try:
        names = os.listdir(root / folder)
    except OSError:
        names = []
    ids = {n[:-5] for n in names if n.endswith(".toml")}
    if git_dir is not None and is_sparse(git_dir):
        listed = gitio.git(root, "ls-files", "-z", "--", f"{folder}/", check=False).stdout
        ids |= {Path(n).stem for n in listed.split("\0") if n.endswith(".toml")}
    return frozenset(ids)


def is_sparse(git_dir: Path) -> bool:
    """True when the repository (this work tree's `git_dir`) has a sparse-checkout
    pattern file, as `git sparse-checkout set` writes: files may be committed and yet
    absent from the work tree (skip-worktree)."""
    return (git_dir / "info" / "sparse-checkout").is_file()


def _refuse_not_checked_out(root: Path, rel: str, git_dir: Path) -> None:
    """NotCheckedOut when `rel`, absent from the work tree, is left out by a sparse
    checkout (its index entry has the skip-worktree bit), rather than blaming the
    file's absence on an uncommitted deletion."""
    if is_sparse(git_dir) and gitio.ignored_changes(root, rel) == "skip-worktree":
        raise NotCheckedOut(rel)


def _next_free_id(cl: Caseload, on_disk: frozenset[str]) -> str:
    """The next participant id after every file in participants/ and the snapshot,
    never an id erasures.toml lists (an erased person's id is not given to another)."""
    from ipstui.core.erasures import hashes_on_disk, id_hash

    erased = hashes_on_disk(cl.root)
    known = cl.known_ids | on_disk
    while True:
        pid = replace(cl, known_ids=known).next_id("P-")
        if id_hash(pid) not in erased:
            return pid
        known = known | {pid}


def _validate_participant(cl: Caseload, _rel: str, data: Mapping[str, Any]) -> list[Problem]:
    return validate_data(cl, data)


def _participant_message(pid: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> str:
    return commit_message(pid, old, new)[0]


@dataclass(frozen=True, slots=True)
class RecordMessages:
    """The refusals of the save transaction for one kind of record, each a whole message
    (marked with `N_`, translated with `_` where raised), so that every language words
    "a participant" / "an employer" with its own grammar: nothing is glued in but the
    placeholders named below."""

    bad_id: str
    """`{pid}`: the id as given (repr)."""
    missing: str
    """`{pid}`: the id as given (repr)."""
    exists: str
    """`{pid}`, `{rel}`: the id and its file."""
    case_twin: str
    """`{pid}`, `{twin}`: the new id and the existing one that differs only in case."""
    id_fixed: str
    """No placeholder: an edit tried to change the record's id."""
    folder_not_file: str
    """`{rel}`: the record's path, which is a folder."""
    parent_not_folder: str
    """`{parent}`, `{rel}`: the record's folder, which is a file, and the record's path."""


PARTICIPANT_MESSAGES = RecordMessages(
    bad_id=N_("not a valid participant id: {pid}"),
    missing=N_("no participant with id {pid}"),
    exists=N_("participant {pid} already exists ({rel}); choose another id"),
    case_twin=N_(
        "participant {twin} already exists and ids must differ in more than case ({pid} and {twin} are one file on macOS and Windows); nothing was written"
    ),
    id_fixed=N_("a participant's id cannot be changed"),
    folder_not_file=N_("{rel} is a folder, not a participant file; nothing was written"),
    parent_not_folder=N_("{parent} is not a folder, so {rel} cannot be a participant file"),
)
"""The participant's refusals (`RecordKind.says` of `PARTICIPANT`)."""


@dataclass(frozen=True)
class RecordKind:
    """One kind of record the save transaction writes: a file `<folder>/<id>.toml` per
    record. Participants are `PARTICIPANT`; `ipstui.core.employers.EMPLOYER` is another.
    Records have `.id`, `.data`, `.rel_path` and `.blob` (see `Participant`)."""

    says: RecordMessages
    """The refusals, worded for this kind of record."""
    folder: str
    read: Callable[[Caseload, str, bytes], tuple[Any, list[Problem]]]
    """(the record, or None when it has errors; every finding) for a file's bytes."""
    validate: Callable[[Caseload, str, Mapping[str, Any]], list[Problem]]
    """The errors that writing this data at this path would be refused for."""
    dumps: Callable[[Mapping[str, Any]], str]
    """Canonical text."""
    message: Callable[[str, Mapping[str, Any] | None, Mapping[str, Any]], str]
    """The commit message of SPEC §5 for (id, old data or None, new data)."""
    record: Callable[[str, dict[str, Any], str, str], Any]
    """Builds the record from (id, data, rel, blob id)."""
    result: Callable[[str, Any, str, tuple[str, ...], tuple[Problem, ...]], Any]
    """Builds the save's result from (commit, record, HEAD's message, warnings, the saved
    file's problems as `read` finds them)."""
    next_id: Callable[[Caseload, frozenset[str]], str]
    """A new id, given the snapshot and the ids of the files in the folder now."""
    snapshot: Callable[[Caseload], Mapping[str, Any]] | None = None
    """The records the snapshot holds (the default base of an edit); None when a
    snapshot does not hold this kind and edits name their base themselves."""
    message_in: (
        Callable[[Caseload, str, Mapping[str, Any] | None, Mapping[str, Any]], str] | None
    ) = None
    """The commit message when it depends on the team's settings (used instead of
    `message`): for participants, which referral sources may be quoted and `[privacy]`."""


PARTICIPANT = RecordKind(
    says=PARTICIPANT_MESSAGES,
    folder=PARTICIPANTS_DIR,
    read=participant_from,
    validate=_validate_participant,
    dumps=storage.dumps,
    message=_participant_message,
    record=Participant,
    result=SaveResult,
    next_id=_next_free_id,
    snapshot=lambda cl: cl.participants,
    message_in=lambda cl, pid, old, new: commit_message(pid, old, new, cl.settings)[0],
)


Build = Callable[[str, Any], Mapping[str, Any]]
"""Makes the new record's data from its id and the record as it is on disk now (None
for a new one)."""

_FROM_SNAPSHOT = object()


def _check_new_name(rel: str, old: Mapping[str, Any] | None, new: dict[str, Any]) -> None:
    """A name the save writes (new, or changed) is put in NFC, and refused when it holds
    an invisible character (`core/names.py`): every write path, the CLI, the app's
    forms and the import, saves through here. A name already on disk and not changed is
    left as it is (`validate` warns about it)."""
    from ipstui.core import names

    name = new.get("name")
    if not isinstance(name, str) or (old is not None and old.get("name") == name):
        return
    name = names.normal(name)
    problem = names.name_problem(name)
    if problem:
        raise ValidationFailed([Problem(rel, 1, 1, f"name: {problem}")])
    new["name"] = name


def refuse_unknown_settings(settings: Settings) -> None:
    """EditRefused naming caseload.toml's problem while the team settings are unknown
    (`Settings.unknown`): a commit made then could break the team's rules (the privacy
    settings that keep values out of messages, the team a specialist must belong to)."""
    if settings.unknown:
        raise EditRefused(
            _(
                "{problem} — fix caseload.toml first: no edit is saved while the team settings cannot be read"
            ).format(problem=settings.unknown)
        )


def transact(
    cl: Caseload,
    pid: str | None,
    build: Build,
    *,
    create: bool = False,
    base: Any = _FROM_SNAPSHOT,
    kind: RecordKind = PARTICIPANT,
) -> Any:
    """Save one record (a participant unless `kind` says otherwise) as one commit, as a
    transaction (SPEC §5; module docstring); returns `kind.result(...)`, a SaveResult for
    participants.

    `pid` None with `create` picks the next free id under the lock. `base` is the
    record the caller's edit was made against; by default the snapshot's, or none
    (the file is read fresh under the lock) when the snapshot is `partial` or does not
    hold this kind. `build` is called under the lock with the record as it is on disk
    and returns the new data; it may raise CaseloadError to refuse. A new record's "id"
    must be the id passed to `build`.

    Raises EditRefused (repository state, paths, lock), IdentityMissing, StaleEdit,
    UncommittedFile, ValidationFailed, NothingToSave, SaveFailed or CaseloadError; in
    every case nothing was committed and the file holds what it held before."""
    says = kind.says
    refuse_unknown_settings(cl.settings)
    repo = _repo(cl)
    if pid is not None and not is_valid_id(pid):
        raise CaseloadError(device_name_refusal(pid) or _(says.bad_id).format(pid=repr(pid)))
    if base is _FROM_SNAPSHOT:
        held = kind.snapshot(cl) if kind.snapshot is not None else None
        fresh = create or cl.partial or pid is None or held is None
        base = None if fresh else held.get(pid)
        if base is None and not fresh:
            raise CaseloadError(_(says.missing).format(pid=repr(pid)))
    with caseload_lock(repo.git_dir):
        _refuse_in_progress(repo)
        if pid is None:
            pid = kind.next_id(cl, _ids_in(cl.root, kind.folder, repo.git_dir))
        rel = f"{kind.folder}/{pid}.toml"
        before = _ask_before_save(cl.root, repo.prefix + rel, cl.identity)
        _refuse_detached(before.symbolic_ref)
        check_inside(cl.root, rel)
        gitio.identity_from(before.author, before.committer)
        path = cl.root / rel
        current = _read(path, rel, says)
        view = _GitView(cl.root, rel)
        head, head_blob = before.head, before.head_blob
        cur: Any = None
        if create:
            if current is not None:
                raise CaseloadError(_(says.exists).format(pid=pid, rel=rel))
            if head_blob is not None:
                # Deleted by hand but not committed: a new record must not continue the
                # old one's file and history. (Or left out by a sparse checkout.)
                _refuse_not_checked_out(cl.root, rel, repo.git_dir)
                raise UncommittedFile(rel)
            if before.index_blob is not None:
                raise UncommittedFile(rel, staged=True)  # added to the index, then deleted
            twin = _case_twin(cl.root, pid, head, kind.folder)
            if twin is not None:
                raise EditRefused(_(says.case_twin).format(twin=twin, pid=pid))
        else:
            if current is None:
                if head_blob is not None:
                    _refuse_not_checked_out(cl.root, rel, repo.git_dir)
                if base is not None:
                    raise StaleEdit(rel, None)
                raise CaseloadError(_(says.missing).format(pid=repr(pid)))
            cur, problems = kind.read(cl, rel, current)
            # Who the record is before whether it changed: a record that changed hands
            # is also a changed file, and the user must hear the first (the app asks,
            # naming both; a plain "changed on disk" would invite the same edit again).
            _refuse_changed_hands(cl, pid, rel, head_blob, cur, problems)
            if base is not None and not view.matches(base.blob, current):
                raise StaleEdit(rel, cur, gone=False, problems=problems)
            if cur is None:
                first = errors_only(problems)[0]
                raise CaseloadError(
                    _("{first} — fix the file first; it is not rewritten while invalid").format(
                        first=first
                    )
                )
            if not view.matches(head_blob, current):
                raise UncommittedFile(rel)
            if before.index_blob != head_blob:
                # `git commit -- path` commits the work tree's copy: a change staged in
                # the index (status `MM`/`M `) would be replaced and lost.
                raise UncommittedFile(rel, staged=True)
            refuse_case_twin(cl.root, rel)
        new_data = dict(build(pid, cur))
        if new_data.get("id") != pid:
            raise CaseloadError(_(says.id_fixed))
        _check_new_name(rel, cur.data if cur is not None else None, new_data)
        problems = kind.validate(cl, rel, new_data)
        if problems:
            raise ValidationFailed(problems)
        if current is not None and cur is not None:
            # The file's byte order mark and line endings kept: one field, one changed
            # line (SPEC §2).
            raw = _bytes_of(kind, storage.decode_text(current, rel), cur.data, new_data)
        else:
            # A new file as git would check it out (autocrlf, eol attributes), so git
            # converts nothing when it adds it and core.safecrlf has nothing to refuse.
            crlf = gitio.checkout_newline(cl.root, rel) == "\r\n"
            raw = storage.FileText("", False, crlf).encode(kind.dumps(new_data))
        if current is not None and raw == current:
            raise NothingToSave()
        old_data = cur.data if cur is not None else None
        if kind.message_in is not None:
            message = kind.message_in(cl, pid, old_data, new_data)
        else:
            message = kind.message(pid, old_data, new_data)
        info = _write_and_commit(cl.root, repo, rel, raw, current, message, head, view)
    # The saved file read by the rule a load uses (`kind.read`): its warnings stay listed
    # (an unknown key, a byte order mark, a pending decision).
    record, found = kind.read(cl, rel, raw)
    if record is None:  # validated above, so not expected; HEAD holds it all the same
        record = kind.record(pid, storage.loads_bytes(raw, rel), rel, storage.blob_id(raw))
    return kind.result(
        info.commit,
        record,
        info.message,
        _warnings(info, repo, rel, message),
        tuple(found),
    )


def _refuse_changed_hands(
    cl: Caseload, pid: str, rel: str, head_blob: str | None, cur: Any, problems: Any
) -> None:
    """Under the lock: refuse (`identity.ChangedHands`, nothing written) when the edit
    carries the record as the user saw it (`cl.seen`, same path) and the record at the
    path now is not, or may not be, that person or employer (`identity.judge`). Costs
    nothing when HEAD holds the blob seen. Runs before the "changed on disk" check
    (StaleEdit) of the record the caller read: the same mechanism for every record
    kind (participants and employers)."""
    seen = cl.seen
    if seen is None or seen.rel != rel or head_blob in (seen.blob, None):
        return  # None: HEAD holds no file there; the save refuses it as uncommitted
    from ipstui.core.identity import judge

    verdict = judge(cl.root, seen, rel)
    if verdict is not None:
        raise ChangedHands(pid, verdict, cur, seen.waited, problems)


def _bytes_of(
    kind: RecordKind, got: storage.FileText, old: Mapping[str, Any], new: Mapping[str, Any]
) -> bytes:
    """The bytes to write for `new` over a file read as `got` (`storage.decode_text`,
    whose data is `old`): the file's own text with only the changed values' lines
    patched (`textpatch.patch`: comments, dotted keys and layout stay, SPEC §2), or the
    canonical text when the file is already canonical or laid out in a way the patcher
    cannot follow; in the file's byte order mark and line endings (`FileText.encode`)."""
    if got.text == kind.dumps(old):
        return got.encode(kind.dumps(new))
    from ipstui.core.textpatch import patch

    patched = patch(got.text, old, new, kind.dumps)
    return got.encode(kind.dumps(new) if patched is None else patched)


def _verified(
    root: Path,
    repo: gitio.RepoInfo,
    rel: str,
    head: str | None,
    view: _GitView,
    raw: bytes | None,
) -> gitio.CommitInfo | None:
    """HEAD, when it is a new commit whose change of `rel` is exactly `raw` (None: the
    file's removal); else None."""
    info = gitio.commit_info(root)
    if info is None or info.commit == head:
        return None
    blob = info.changed.get(repo.prefix + rel)
    if blob is None:
        return None
    if raw is None:
        return info if set(blob) == {"0"} else None
    return info if view.matches(blob, raw) else None


def _warnings(
    info: gitio.CommitInfo, repo: gitio.RepoInfo, rel: str, message: str
) -> tuple[str, ...]:
    """What a hook did to a verified commit besides ipstui's change, one line each."""
    out = []
    intended = message.splitlines()[0]
    if info.subject != intended:
        out.append(
            f"a commit-msg hook changed the commit's subject from {intended!r} to {info.subject!r}"
        )
    extra = sorted(path for path in info.changed if path != repo.prefix + rel)
    if extra:
        out.append(
            f"the commit also holds {', '.join(extra)}, added by a git hook (pre-commit or "
            f"commit-msg), not by ipstui; see `git show --stat {info.commit[:7]}`"
        )
    return tuple(out)


def _write_and_commit(
    root: Path,
    repo: gitio.RepoInfo,
    rel: str,
    raw: bytes,
    previous: bytes | None,
    message: str,
    head: str | None,
    view: _GitView,
) -> gitio.CommitInfo:
    """Write `raw`, commit exactly `rel`, verify HEAD holds it; undo on any failure.

    The file's old content is kept as a second name of its inode (`_keep_old`) while the
    save runs, so the undo is a rename, which needs no free space: on a full disk the
    file is put back even though no new copy of it could be written (SPEC §5)."""
    path = root / rel
    gitio.wait_index_lock(repo.git_dir)
    kept = _keep_old(path, repo.git_dir) if previous is not None else None
    try:
        try:
            storage.atomic_write(path, raw)
            gitio.commit(root, [rel], message, add=previous is None, git_dir=repo.git_dir)
        except OSError as exc:  # EROFS, EACCES, ENOSPC, EFBIG ... while writing the file
            why = _undo(root, rel, head, None, written=raw, previous=previous, kept=kept)
            if why is not None:
                raise SaveFailed(
                    _not_put_back(
                        _("could not write {rel}: {error}.").format(
                            rel=rel, error=exc.strerror or exc
                        ),
                        rel,
                        why,
                        previous,
                    )
                ) from None
            raise SaveFailed(could_not_write(rel, exc)) from None
        except gitio.GitError as exc:
            why = _undo(root, rel, head, None, written=raw, previous=previous, kept=kept)
            if why is not None:
                raise SaveFailed(
                    _not_put_back(
                        _("git refused the commit: {exc}.").format(exc=str(exc).rstrip(".")),
                        rel,
                        why,
                        previous,
                    )
                ) from None
            if isinstance(exc, gitio.RepoStateRefused):
                raise EditRefused(_("{exc}; nothing was saved").format(exc=exc)) from None
            refusal = gitio.identity_refusal(exc, root)
            if refusal is not None:
                raise refusal from None
            ignored = gitio.ignored_changes(root, rel)
            if ignored is not None:
                exc = gitio.GitError(
                    _(
                        "{exc} ({rel} is marked {why}, so git ignores its changes; `git update-index --no-{why} {rel}` undoes that)"
                    ).format(exc=exc, rel=rel, why=ignored)
                )
            raise SaveFailed(
                _("git refused the commit, nothing was saved: {exc}").format(exc=exc)
            ) from None
        except BaseException:
            # Interrupted (ctrl+c, or SIGINT to ipstui alone): git was stopped and waited
            # for (gitio._stop), so no lock is left. Keep a commit that landed whole, else
            # put everything back, so the work tree never disagrees with HEAD.
            new_head, new_blob = _head_and_blob(root, repo.prefix + rel)
            if new_head is None or new_head == head or not view.matches(new_blob, raw):
                _undo(root, rel, head, new_head, written=raw, previous=previous, kept=kept)
            raise
        info = _verified(root, repo, rel, head, view, raw)
        if info is None:
            new_head, _unused = _head_and_blob(root, repo.prefix + rel)
            why = _undo(root, rel, head, new_head, written=raw, previous=previous, kept=kept)
            if why is not None:
                raise SaveFailed(
                    _not_put_back(
                        _(
                            "The commit does not hold what was saved to {rel} (a hook or another program changed the file or the branch meanwhile), so it was taken back."
                        ).format(rel=rel),
                        rel,
                        why,
                        previous,
                    )
                )
            raise SaveFailed(
                _(
                    "the commit does not hold what was saved to {rel} (a hook or another program changed the file or the branch meanwhile); the commit was taken back, nothing was saved"
                ).format(rel=rel)
            )
        return info
    finally:
        if kept is not None:
            try:
                kept.unlink(missing_ok=True)
            except OSError:
                pass


UNDO_NAME = "ipstui-undo"
"""The old content's second name during a save: in the git directory (beside the file
when the git directory is on another file system)."""


def _keep_old(path: Path, git_dir: Path) -> Path | None:
    """A hard link to the file's current inode, so the undo can rename it back without
    writing a byte (`_undo`); None when no link can be made (no file, a file system
    without hard links): the undo then writes the old bytes again."""
    for where in (git_dir / UNDO_NAME, path.parent / f".{path.name}.{UNDO_NAME}"):
        try:
            where.unlink(missing_ok=True)  # left by a save that was killed
            os.link(path, where)
            return where
        except OSError:
            continue
    return None


def _not_put_back(cause: str, rel: str, why: str, previous: bytes | None) -> str:
    """The whole truth of a failed save whose file could not be put back: `cause` (one
    sentence, translated), that `rel` still holds the unsaved change and `why` (the
    error), and what puts it right."""
    if previous is None:
        fix = _("It is a new file that was not committed: remove it.")
    else:
        fix = _("`git restore {rel}` brings back the committed version.").format(rel=rel)
    held = _(
        "Nothing was committed, but {rel} could not be put back ({why}), so it still holds the change that was not saved."
    ).format(rel=rel, why=why)
    return " ".join((cause, held, fix))


def _undo(
    root: Path,
    rel: str,
    head: str | None,
    new_head: str | None,
    *,
    written: bytes | None = None,
    previous: bytes | None = None,
    kept: Path | None = None,
) -> str | None:
    """Put things back as they were before this save, touching only what it made: our
    commit if it is still the branch tip right on top of `head`, the index entry of
    `rel`, and the file only while it still holds the bytes this save `written`
    (back to `previous`, or removed when there was none).

    `kept`: a hard link to the old content (`_keep_old`), renamed back over the file,
    which needs no free space; without one the old bytes are written again. Returns
    None when the file is as it was (or was not ours to touch), else why it could not
    be put back (the error, for the message)."""
    if new_head is not None and head is not None and new_head != head:
        parent = gitio.git(root, "rev-parse", "-q", "--verify", f"{new_head}^", check=False)
        if parent.stdout.strip() == head:
            # Compare-and-swap: moves the branch back only if it is still at our commit.
            gitio.git(
                root,
                "update-ref",
                "-m",
                "ipstui: take back a save that was not verified",
                "HEAD",
                head,
                new_head,
                check=False,
            )
    path = root / rel
    try:
        still_ours = written is not None and path.read_bytes() == written
    except OSError:
        still_ours = False
    failed: str | None = None
    if still_ours:
        try:
            if previous is None:
                path.unlink(missing_ok=True)
            elif kept is not None and _holds(kept, previous):
                os.replace(kept, path)
            else:
                storage.atomic_write(path, previous)
        except OSError as exc:
            failed = exc.strerror or str(exc)
    # The index entry of rel back to HEAD's (removed for a file HEAD does not have).
    gitio.git(root, "reset", "-q", "--", rel, check=False)
    return failed


def _holds(path: Path, raw: bytes) -> bool:
    """Whether the file at `path` holds exactly `raw`."""
    try:
        return path.read_bytes() == raw
    except OSError:
        return False


def save(cl: Caseload, old: Participant | None, new_data: Mapping[str, Any]) -> SaveResult:
    """Validate, write atomically and commit exactly this one file (SPEC §5).

    `old` is the participant as the caller loaded it (None for a new one): the save is
    refused (StaleEdit) when the file changed since, and (UncommittedFile) when it holds
    changes git has not committed. Raises what `transact` raises."""
    pid = new_data.get("id")
    if not is_valid_id(pid):
        raise CaseloadError(_("not a valid participant id: {pid}").format(pid=repr(pid)))
    assert isinstance(pid, str)
    if old is not None and old.id != pid:
        raise CaseloadError(_("a participant's id cannot be changed"))
    return transact(cl, pid, lambda _id, _cur: new_data, create=old is None, base=old)


def commit_hand_edit(cl: Caseload, rel: str) -> SaveResult:
    """Validate and commit a participant file that was changed outside the app (or its
    removal), with the message convention of SPEC §5, under the caseload's lock.

    Raises CaseloadError for a path that is not a participant file, ValidationFailed
    for an invalid file, the refusals of `transact`, and IdentityMissing when git
    refuses the commit itself for want of an identity (`gitio.identity_refusal`)."""
    stem = Path(rel).stem
    if not is_participant_file(rel) or not is_valid_id(stem):
        raise CaseloadError(_("{rel} is not a participant file").format(rel=rel))
    repo = _repo(cl)
    with caseload_lock(repo.git_dir):
        _refuse_in_progress(repo)
        before = _ask_before_save(cl.root, repo.prefix + rel, cl.identity)
        _refuse_detached(before.symbolic_ref)
        check_inside(cl.root, rel)
        gitio.identity_from(before.author, before.committer)
        raw = _read(cl.root / rel, rel)
        view = _GitView(cl.root, rel)
        head, head_blob = before.head, before.head_blob
        if raw is None:
            if head_blob is None:
                raise CaseloadError(
                    _("{rel} is neither on disk nor committed; nothing to commit").format(rel=rel)
                )
            message = (
                f"{stem}: remove participant file\n\nParticipant: {stem}\nChanged: file removed\n"
            )
            try:
                gitio.commit(cl.root, [rel], message, git_dir=repo.git_dir)
            except gitio.GitError as exc:
                refusal = gitio.identity_refusal(exc, cl.root)
                if refusal is not None:
                    raise refusal from None
                raise
            info = _verified(cl.root, repo, rel, head, view, None)
            if info is None:
                raise SaveFailed(_("the removal of {rel} was not committed").format(rel=rel))
            return SaveResult(info.commit, None, info.message, _warnings(info, repo, rel, message))
        if view.matches(head_blob, raw):
            raise NothingToSave()
        staged = before.index_blob
        if staged is not None and staged != head_blob and not view.matches(staged, raw):
            # Committing the work tree's copy would replace a different staged one.
            raise UncommittedFile(rel, staged=True)
        refuse_case_twin(cl.root, rel)
        p, problems = participant_from(cl, rel, raw)
        if p is None:
            raise ValidationFailed(errors_only(problems))
        old = None
        if head_blob is not None:
            shown = gitio.git(cl.root, "cat-file", "blob", head_blob, check=False, binary=True)
            try:
                old = storage.loads_bytes(shown.stdout, rel)
            except storage.ParseError:
                old = {}
        message, _unused = commit_message(p.id, old, p.data, cl.settings)
        if old is not None:
            message = message.replace("\n\n", "\n\nHand edit committed from ipstui.\n", 1)
        try:
            gitio.commit(cl.root, [rel], message, add=True, git_dir=repo.git_dir)
        except gitio.RepoStateRefused as exc:
            gitio.git(cl.root, "reset", "-q", "--", rel, check=False)
            raise EditRefused(_("{exc}; nothing was committed").format(exc=exc)) from None
        except gitio.GitError as exc:
            gitio.git(cl.root, "reset", "-q", "--", rel, check=False)
            refusal = gitio.identity_refusal(exc, cl.root)
            if refusal is not None:
                raise refusal from None
            raise SaveFailed(
                _("git refused the commit, nothing was committed: {exc}").format(exc=exc)
            ) from None
        info = _verified(cl.root, repo, rel, head, view, raw)
        if info is None:
            new_head, _unused = _head_and_blob(cl.root, repo.prefix + rel)
            _undo(cl.root, rel, head, new_head)
            raise SaveFailed(
                _("the commit does not hold {rel} as it was checked; taken back").format(rel=rel)
            )
        return SaveResult(
            info.commit, p, info.message, _warnings(info, repo, rel, message), tuple(problems)
        )
