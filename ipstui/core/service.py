"""The one way into a caseload: `CaseloadService`, held once by the CLI and once by the
app (SPEC §5, §7; STYLE "one service the UI and CLI share").

The CLI and the screens never touch git, paths under the caseload or storage functions;
they call this object. It owns the caseload's root and asks git once where the
repository is (worktrees and submodules have a `.git` *file*); everything else is done
by the core modules it wraps:

| operation | done by |
|---|---|
| load / reload a snapshot | `loader.load` (cached on git blob ids) |
| every edit of SPEC §7 | `edits.*` through the save transaction `caseload.transact` |
| commit of a hand edit | `caseload.commit_hand_edit` (same lock and checks) |
| history, signature status | `history.history`, `audit.signatures` |
| sync, sync status, merge driver | `sync.sync` (under the save lock), `sync.status` |
| agenda, report | `rules.agenda_for` (`ipstui due`: the index of `agenda`), `report.render` |
| employer register and its edits | `employers.*` through the same `caseload.transact` |
| fidelity self-review | `fidelity.compute` / `fidelity.render` on the records |
| disk fingerprint | stat of caseload.toml, git's index/HEAD/FETCH_HEAD, participants/ |

Edits take the snapshot the user saw as their first argument: a save is refused
(StaleEdit) when the file changed since. `None` (the CLI) reads the participant under
the save lock instead, so simultaneous command-line edits queue up and all land.
Every error the operations raise is a `CaseloadError` or a `GitError`, with a message
of one line fit to show a user.
"""

from __future__ import annotations

import os
from collections import namedtuple
from pathlib import Path

# Only the light modules at import: `ipstui due` answers from the agenda index without
# the models, the save transaction or the loader (issue 17: start-up). The others are
# imported on first use (`_caseload()`, `_loader()`, `_gitio()`; the re-exported names
# through `__getattr__`).
from ipstui.core.folder import (
    CASELOAD_FILE,
    PARTICIPANTS_DIR,
    CaseloadError,
    NotACaseload,
    UsageError,
    find_root,
)
from ipstui.core.i18n import N_, _

TYPE_CHECKING = False  # `typing` is not imported at run time (issue 17: start-up)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from datetime import date
    from typing import Any

    from ipstui.core import gitio
    from ipstui.core.audit import SIGNATURE_LABELS
    from ipstui.core.caseload import (
        Caseload,
        ChangedHands,
        EditRefused,
        NothingToSave,
        SaveFailed,
        SaveResult,
        StaleEdit,
        UncommittedFile,
        ValidationFailed,
    )
    from ipstui.core.employers import PURPOSES, Employer, JobAt, Register, name_key
    from ipstui.core.employers import SaveResult as EmployerSaveResult
    from ipstui.core.export import ExportRefusal
    from ipstui.core.export import target_refusal as export_target_refusal
    from ipstui.core.follow import Whereabouts
    from ipstui.core.gitio import GitError, IdentityMissing
    from ipstui.core.history import Revision, show_value
    from ipstui.core.identity import Seen
    from ipstui.core.model import Participant, Problem
    from ipstui.core.report import Quarter, Report
    from ipstui.core.rules import Deadline
    from ipstui.core.sync import SyncResult, SyncStatus

__all__ = [
    "PURPOSES",
    "Caseload",
    "CaseloadError",
    "CaseloadService",
    "ChangedHands",
    "UsageError",
    "EditRefused",
    "Employer",
    "EmployerSaveResult",
    "ExportRefusal",
    "export_target_refusal",
    "FidelityView",
    "GitError",
    "IdentityMissing",
    "JobAt",
    "NotACaseload",
    "NothingToSave",
    "Register",
    "Revision",
    "SIGNATURE_LABELS",
    "SaveFailed",
    "SaveResult",
    "StaleEdit",
    "UncommittedFile",
    "ValidationFailed",
    "name_key",
    "show_value",
]

_CONFIG_PATH_ARGS = ("rev-parse", "--git-path", "config", "--git-path", "config.worktree")
"""Where git keeps the repository's config and the work tree's (a linked work tree's
repository config is in the common git directory): `CaseloadService._identity_key`."""

_SYSTEM_CONFIG_ARGS = ("config", "--system", "--show-origin", "--name-only", "--list")
"""Where git reads its system configuration (`GIT_CONFIG_SYSTEM`, else the path built
into git: `/etc/gitconfig`, or under another prefix), as the origin of each setting:
"file:<path><TAB><name>" lines, none when that file is missing or empty."""


def _system_config(listed: str) -> Path | None:
    """The file git names as the origin of its system settings (`_SYSTEM_CONFIG_ARGS`'s
    output), None when it names none or one quoted (a path git had to escape)."""
    origin = listed.partition("\t")[0]
    if not origin.startswith("file:") or origin.startswith('file:"'):
        return None
    return Path(origin.removeprefix("file:"))

_IDENTITY_ENV = frozenset(
    (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "HOME",
        "XDG_CONFIG_HOME",
    )
)
"""The variables besides `GIT_CONFIG*` that change the identity git would use."""

_UNSET: Any = object()

# Re-exported names whose modules load on first use: a command that only reads the load
# cache (`ipstui due`) never imports the edits, the employer register or the history
# (issue 17: start-up).
_LAZY = {
    "Caseload": ("ipstui.core.caseload", "Caseload"),
    "EditRefused": ("ipstui.core.caseload", "EditRefused"),
    "NothingToSave": ("ipstui.core.caseload", "NothingToSave"),
    "SaveFailed": ("ipstui.core.caseload", "SaveFailed"),
    "SaveResult": ("ipstui.core.caseload", "SaveResult"),
    "StaleEdit": ("ipstui.core.caseload", "StaleEdit"),
    "ChangedHands": ("ipstui.core.caseload", "ChangedHands"),
    "UncommittedFile": ("ipstui.core.caseload", "UncommittedFile"),
    "ValidationFailed": ("ipstui.core.caseload", "ValidationFailed"),
    "GitError": ("ipstui.core.gitio", "GitError"),
    "IdentityMissing": ("ipstui.core.gitio", "IdentityMissing"),
    "PURPOSES": ("ipstui.core.employers", "PURPOSES"),
    "Employer": ("ipstui.core.employers", "Employer"),
    "JobAt": ("ipstui.core.employers", "JobAt"),
    "Register": ("ipstui.core.employers", "Register"),
    "name_key": ("ipstui.core.employers", "name_key"),
    "EmployerSaveResult": ("ipstui.core.employers", "SaveResult"),
    "ExportRefusal": ("ipstui.core.export", "ExportRefusal"),
    "export_target_refusal": ("ipstui.core.export", "target_refusal"),
    "Revision": ("ipstui.core.history", "Revision"),
    "show_value": ("ipstui.core.history", "show_value"),
    "SIGNATURE_LABELS": ("ipstui.core.audit", "SIGNATURE_LABELS"),
    "edits": ("ipstui.core.edits", None),
}


def _caseload() -> Any:
    """`ipstui.core.caseload`, imported on first use."""
    from ipstui.core import caseload

    return caseload


def _loader() -> Any:
    """`ipstui.core.loader`, imported on first use."""
    from ipstui.core import loader

    return loader


def _gitio() -> Any:
    """`ipstui.core.gitio`, imported on first use."""
    from ipstui.core import gitio

    return gitio


def _edits() -> Any:
    """`ipstui.core.edits`, imported on the first edit."""
    from ipstui.core import edits

    return edits


def __getattr__(name: str) -> Any:
    """The names of `_LAZY`, imported when first asked for (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


class FidelityView(namedtuple("FidelityView", ("review", "settings", "left_out"))):
    """A fidelity self-review as the Fidelity screen shows it: `review` (a
    `fidelity.Review`), `settings` (`fidelity.FidelitySettings`) and `left_out`, the files
    that could not be read and are not counted (participants and employers). A named
    tuple: `dataclasses` costs every command its import (issue 17)."""

    __slots__ = ()


class CaseloadService:
    """One caseload on disk: load it, edit it (one commit per edit), read its history,
    sync it. Thread-safe for the app's workers: saves and syncs take the caseload's
    lock (`caseload.caseload_lock`), which also serialises them with other processes."""

    def __init__(self, root: Path) -> None:
        """`root` is the caseload folder (holding caseload.toml); see `find`."""
        self.root = Path(root)
        self._repo: gitio.RepoInfo | None = _UNSET
        self._identity: tuple[tuple, tuple[Any, Any]] | None = None
        """(`_identity_key` when asked, git's answers to the identity queries)."""
        self._config_paths: tuple[Path, ...] | None = None
        """The repository's and the work tree's config files, as git names them."""
        self._system_path: Path | None = None
        """git's system config file as git named it (`_SYSTEM_CONFIG_ARGS`); None
        before the first identity ask, or when git named none (missing or empty)."""

    @classmethod
    def find(cls, path: Path | str | None) -> CaseloadService:
        """The caseload named by -C PATH, else $IPSTUI_CASELOAD, else the current folder.

        Raises NotACaseload when that folder holds no caseload.toml."""
        return cls(find_root(path))

    # ------------------------------------------------------------ the repository

    @property
    def repo(self) -> gitio.RepoInfo | None:
        """Where git keeps this caseload (asked of git once); None when not in a repo."""
        if self._repo is _UNSET:
            self._repo = _gitio().repo_info(self.root)
        return self._repo

    @property
    def is_git(self) -> bool:
        return self.repo is not None

    @property
    def git_dir(self) -> Path | None:
        """The absolute git directory (a worktree's own), or None when not in a repo."""
        repo = self.repo
        return repo.git_dir if repo is not None else None

    def _need_repo(self, refusal: str) -> gitio.RepoInfo:
        """The repository; raises CaseloadError with `refusal` (a whole message marked
        with `N_`, its `{root}` the caseload folder) translated when there is none."""
        repo = self.repo
        if repo is None:
            raise CaseloadError(_(refusal).format(root=self.root))
        return repo

    # ------------------------------------------------------------ loading

    def load(
        self, *, use_cache: bool = True, progress: Callable[[int, int], None] | None = None
    ) -> Caseload:
        """Every participant, with broken files as problems (never exceptions).

        `progress(done, total)` is called from the loading thread. Raises OSError only
        when the caseload folder itself cannot be read, GitError when git fails."""
        cl = _loader().load(self.root, use_cache=use_cache, progress=progress)
        if self._repo is _UNSET and cl.repo is not None:
            self._repo = cl.repo
        return cl

    def load_for_edit(self) -> Caseload:
        """The settings only (a partial snapshot): what a command-line edit needs.

        The git queries that do not depend on the save lock (where the repository is,
        the identity) start first, so git answers on another core while this process
        imports the save transaction (issue 17: an edit's imports cost more than those
        queries)."""
        gitio = _gitio()
        started = gitio.start_many(self.root, *gitio.FOR_EDIT_QUERIES)
        cl = _caseload().load_for_edit(self.root, started=started)
        if self._repo is _UNSET:
            self._repo = cl.repo
        return cl

    def seen_by(self, snapshot: Caseload, seen: Seen | None) -> Caseload:
        """`snapshot` for one edit of the record `seen` (`identity.Seen`: the commit, path
        and blob the user saw, e.g. a screen's): the save refuses with ChangedHands when
        the record at that path is no longer, or may not be, that person
        (`identity.judge`, under the save lock). The app's snapshot itself is not
        changed."""
        if seen is None:
            return snapshot
        from dataclasses import replace

        return replace(snapshot, seen=seen)

    def seen_now(self, pid: str, *, waited: bool = False) -> Seen | None:
        """Participant `pid` as HEAD holds it now (`identity.seen_now`: one `git cat-file`,
        no other query first), None when there is none, the id is not valid, or no git:
        what a command saw before its edit waits for the lock (`waited`)."""
        from ipstui.core.identity import seen_now
        from ipstui.core.model import is_valid_id

        if not is_valid_id(pid):
            return None  # refused by the edit itself, with its own words
        return seen_now(self.root, f"{PARTICIPANTS_DIR}/{pid}.toml", waited=waited)

    def _load_for_edit_seeing(
        self, pid: str, folder: str = PARTICIPANTS_DIR
    ) -> tuple[Caseload, Seen | None]:
        """`load_for_edit`, with the record `pid` in `folder` (participants/ or
        employers/) as HEAD holds it asked in the same round of git queries
        (`identity.seen_query`: no extra round before the lock, issue 17), so it is
        what the command saw before it waits for the lock."""
        from ipstui.core.identity import seen_from, seen_query
        from ipstui.core.model import is_valid_id

        if not is_valid_id(pid):
            return self.load_for_edit(), None  # refused by the edit, in its own words
        gitio = _gitio()
        rel = f"{folder}/{pid}.toml"
        started = gitio.start_many(self.root, *gitio.FOR_EDIT_QUERIES, seen_query(rel))
        base = len(gitio.FOR_EDIT_QUERIES)
        try:
            cl = _caseload().load_for_edit(self.root, started=started[:base])
        finally:
            (answer,) = gitio.finish_many(started[base:])
        if self._repo is _UNSET:
            self._repo = cl.repo
        return cl, seen_from(answer.stdout, rel, waited=True) if cl.is_git else None

    def _snap(self, snapshot: Caseload | None, pid: str | None = None) -> Caseload:
        """The snapshot a save runs on: the CLI's settings-only one (`load_for_edit`), or
        the app's with git's identity attached, asked once per service (issue 17:
        "identity and config read once"), so that each save asks git only what must be
        asked under the lock. The identity is only checked for presence before a save
        (git itself writes it into the commit); it is kept once git gave a usable one
        while git's configuration files and identity variables stay as they were
        (`_identity_answers`), and a missing one is asked again by every save, which
        refuses with git's words.

        For the CLI (`snapshot` None) with a participant `pid`: the record at `pid` as
        HEAD holds it before the edit waits for the save lock (`_load_for_edit_seeing`), so
        a sync or a checkout that gives the id to another person meanwhile is refused
        (ChangedHands) instead of written onto that person. Every id-keyed command-line
        edit passes its `pid` (move, contact, set, resolve, and the job, task, suspend
        calls the CLI does not offer yet); `new` creates its record, so has no one to
        mistake."""
        if snapshot is None:
            if pid is None:
                return self.load_for_edit()
            cl, seen = self._load_for_edit_seeing(pid)
            return self.seen_by(cl, seen) if seen is not None else cl
        if snapshot.identity is None and snapshot.is_git:
            answers = self._identity_answers()
            if answers is not None:
                from dataclasses import replace

                return replace(snapshot, identity=answers)
        return snapshot

    def _identity_answers(self) -> tuple[Any, Any] | None:
        """git's answers to `gitio.IDENT_QUERIES`, kept while they name an identity and
        git's configuration and the identity variables stay as they were; None when git
        has none (the save then refuses, and the next save asks again).

        What invalidates them (`_identity_key`): the `GIT_AUTHOR_*`, `GIT_COMMITTER_*`,
        `EMAIL`, `HOME`, `XDG_CONFIG_HOME` and `GIT_CONFIG_*` variables, and the size,
        time and inode of every configuration file git reads for `user.*`, `author.*`
        and `committer.*` (system, global, the repository's and the work tree's; the
        paths of the last two, and of the system's unless `GIT_CONFIG_SYSTEM` names it,
        asked of git with the first identity, two processes once per service; the key is
        the one taken before git answers, so the second save asks once more, its key
        then covering those files). A file pulled in by `include.path` is not
        watched: the commit, not this check, is what uses the identity (git writes the
        one in force into it), and a commit git refuses for want of one is taken back
        and reported as IdentityMissing all the same (`caseload._write_and_commit`). Nor
        is a system config that git named no file for at the first ask (missing or empty
        then, at a path built into git that git says only of a file with settings): its
        scope is unknown here, and a file created there later is not watched, with the
        same consequence (the answers are only checked for presence; the commit uses the
        identity in force)."""
        gitio = _gitio()
        if self._identity is not None and self._identity_key() == self._identity[0]:
            return self._identity[1]
        queries = list(gitio.IDENT_QUERIES)
        if self._config_paths is None:
            queries += [(_CONFIG_PATH_ARGS, None), (_SYSTEM_CONFIG_ARGS, None)]
        # The key is taken before git answers, never after: a configuration changed
        # while git answers then changes the next key, and the next save asks again.
        # On the first ask the repository's config files are learned with the answers;
        # the key taken before lists none of them, so it never equals the next one (the
        # new files count as unknown): the next save asks once more, and from then on
        # the key covers them.
        key = self._identity_key()
        author, committer, *paths = gitio.git_many(self.root, *queries)
        if paths and paths[0].returncode == 0:
            self._config_paths = tuple(
                p if p.is_absolute() else self.root / p
                for p in map(Path, paths[0].stdout.splitlines())
            )
            if paths[1].returncode == 0:
                self._system_path = _system_config(paths[1].stdout)
        try:
            gitio.identity_from(author, committer)
        except gitio.IdentityMissing:
            self._identity = None
            return None
        self._identity = (key, (author, committer))
        return self._identity[1]

    def _identity_key(self) -> tuple:
        """What the kept identity answers depend on (`_identity_answers`): the variables
        and each configuration file's (size, mtime_ns, inode), None for a missing one."""
        env = os.environ
        files: list[Path] = []
        if env.get("GIT_CONFIG_NOSYSTEM"):
            pass
        elif env.get("GIT_CONFIG_SYSTEM"):
            files.append(Path(env["GIT_CONFIG_SYSTEM"]))
        elif self._system_path is not None:
            files.append(self._system_path)
        home = Path(env.get("HOME") or "~").expanduser()
        if env.get("GIT_CONFIG_GLOBAL"):
            files.append(Path(env["GIT_CONFIG_GLOBAL"]))
        else:
            xdg = env.get("XDG_CONFIG_HOME")
            files += [Path(xdg) / "git" / "config" if xdg else home / ".config/git/config"]
            files.append(home / ".gitconfig")
        files += self._config_paths or ()
        stats: list[tuple[int, int, int] | None] = []
        for path in files:
            try:
                st = path.stat()
            except OSError:
                stats.append(None)
            else:
                stats.append((st.st_size, st.st_mtime_ns, st.st_ino))
        names = tuple(
            (k, v) for k, v in sorted(env.items()) if k in _IDENTITY_ENV or k.startswith("GIT_CONFIG")
        )
        return names, tuple(files), tuple(stats)

    def read_participant(self, snapshot: Caseload, pid: str) -> Participant | None:
        """`pid` as it is on disk now (None when gone); ValidationFailed when invalid."""
        return _caseload().read_participant(snapshot, pid)

    def validate_data(self, snapshot: Caseload, data: Mapping[str, Any]) -> list[Problem]:
        """The errors that saving `data` as a participant would be refused for."""
        return _caseload().validate_data(snapshot, data)

    def record_base(self, rel: str) -> tuple[str | None, str | None]:
        """(HEAD commit, HEAD's blob at caseload-relative `rel`): the commit a screen's
        version of a record is followed from (`where_now`). GitError when git fails."""
        from ipstui.core.follow import head_and_blob

        return head_and_blob(self.root, rel)

    def commit_holding(self, rel: str, blob: str) -> str | None:
        """The newest commit of HEAD's history whose caseload-relative `rel` is `blob`
        (`follow.commit_holding`), None when none is. GitError when git fails."""
        from ipstui.core.follow import commit_holding

        return commit_holding(self.root, rel, blob)

    def where_now(self, base: str, rel: str, *, seen_blob: str | None = None) -> Whereabouts:
        """Where the record at `rel` in commit `base` is at HEAD: the same file, renamed
        (a sync's renumber, `git mv`), deleted, or replaced by another record at its
        path (`follow.where_now`; git's rename detection); with `seen_blob` (the
        version seen), also DOUBTFUL when the record at the path may be another person
        (`identity`). GitError when git fails."""
        from ipstui.core.follow import where_now

        return where_now(self.root, base, rel, seen_blob=seen_blob)

    def exists(self, rel: str) -> bool:
        """Whether a caseload-relative path (e.g. a dirty file of the snapshot) exists."""
        return os.path.lexists(self.root / rel)

    # ------------------------------------------------------------ edits (SPEC §7)
    # Each runs `caseload.transact` and raises what it raises, all CaseloadError or
    # GitError subclasses: EditRefused (detached HEAD, an operation in progress, a
    # path through a link, a case-only id twin, a busy index.lock or save lock),
    # IdentityMissing, StaleEdit (only with a snapshot), UncommittedFile,
    # ValidationFailed, NothingToSave, SaveFailed (git did not commit what was
    # written; taken back), or CaseloadError for a refused argument.

    def new_participant(self, snapshot: Caseload | None, **kwargs: Any) -> SaveResult:
        """`edits.new_participant`: name, specialist, referral_source, today,
        referred_on, pid (None: the next free id, picked under the lock)."""
        return self._saved(_edits().new_participant(self._snap(snapshot), **kwargs))

    def move(
        self,
        snapshot: Caseload | None,
        pid: str,
        phase: str,
        *,
        today: date,
        reason: str | None = None,
        from_phase: str | None = None,
    ) -> SaveResult:
        """Move to `phase`; with `from_phase`, only if the participant is still there."""
        return self._saved(
            _edits().move(
                self._snap(snapshot, pid), pid, phase, today=today, reason=reason, from_phase=from_phase
            )
        )

    def add_contact(self, snapshot: Caseload | None, pid: str, **kwargs: Any) -> SaveResult:
        """`edits.add_contact`: kind, on, by, note; for kind employer also employer_id
        and face_to_face."""
        return self._saved(_edits().add_contact(self._snap(snapshot, pid), pid, **kwargs))

    def set_fields(
        self, snapshot: Caseload | None, pid: str, assignments: dict[str, str], *, today: date
    ) -> SaveResult:
        """`ipstui set`: FIELD=VALUE texts typed by the schema."""
        return self._saved(_edits().set_fields(self._snap(snapshot, pid), pid, assignments, today=today))

    def resolve(
        self,
        snapshot: Caseload | None,
        pid: str,
        field: str,
        *,
        side: str | None = None,
        value: str | None = None,
    ) -> SaveResult:
        """`ipstui resolve`: settle a `[conflicts]` record with `side` ("ours" or
        "theirs") or a `value` (text typed like `set`); one commit (`resolve.resolve`,
        or `resolve.resolve_employer` for an employer id: then an employer SaveResult)."""
        from ipstui.core.resolve import is_employer_id, resolve, resolve_employer

        if is_employer_id(pid):  # an employer's conflict record (`resolve.resolve_employer`)
            return resolve_employer(
                self.load_for_edit(), pid.upper(), field, side=side, value=value
            )
        return resolve(self._snap(snapshot, pid), pid, field, side=side, value=value)

    def decide(self, snapshot: Caseload | None, pid: str, sides: dict[str, str]) -> SaveResult:
        """Settle several conflicts in one commit, field -> "ours"/"theirs"
        (`resolve.decide`: through the save transaction, refused when stale)."""
        from ipstui.core.resolve import decide

        return self._saved(decide(self._snap(snapshot, pid), pid, sides))

    def set_data(self, snapshot: Caseload, old: Participant, data: dict[str, Any]) -> SaveResult:
        """Save a whole edited record (the participant form)."""
        return self._saved(_edits().set_data(snapshot, old, data))

    def add_job(self, snapshot: Caseload | None, pid: str, **kwargs: Any) -> SaveResult:
        """`edits.add_job`: employer, start, competitive, title, hours_per_week,
        hourly_wage, employer_id, job_type."""
        return self._saved(_edits().add_job(self._snap(snapshot, pid), pid, **kwargs))

    def end_job(self, snapshot: Caseload | None, pid: str, index: int, **kwargs: Any) -> SaveResult:
        """`edits.end_job`: end, reason."""
        return self._saved(_edits().end_job(self._snap(snapshot, pid), pid, index, **kwargs))

    def add_task(self, snapshot: Caseload | None, pid: str, **kwargs: Any) -> SaveResult:
        """`edits.add_task`: due, what."""
        return self._saved(_edits().add_task(self._snap(snapshot, pid), pid, **kwargs))

    def complete_task(
        self, snapshot: Caseload | None, pid: str, index: int, **kwargs: Any
    ) -> SaveResult:
        """`edits.complete_task`: on."""
        return self._saved(_edits().complete_task(self._snap(snapshot, pid), pid, index, **kwargs))

    def suspend(self, snapshot: Caseload | None, pid: str, **kwargs: Any) -> SaveResult:
        """`edits.suspend`: since, reason."""
        return self._saved(_edits().suspend(self._snap(snapshot, pid), pid, **kwargs))

    def resume(self, snapshot: Caseload | None, pid: str) -> SaveResult:
        """`edits.resume`."""
        return self._saved(_edits().resume(self._snap(snapshot, pid), pid))

    def commit_hand_edit(self, snapshot: Caseload | None, rel: str) -> SaveResult:
        """Validate and commit a participant file changed outside ipstui (or its removal)."""
        return self._saved(_caseload().commit_hand_edit(self._snap(snapshot), rel))

    def _saved(self, res: SaveResult) -> SaveResult:
        """After each commit: git's commit-graph is kept fresh in batches, so history
        stays fast at depth (`history.keep_commit_graph`; one `git commit-graph write`
        every 32 commits, nothing otherwise)."""
        repo = self.repo
        if repo is not None:
            from ipstui.core.history import keep_commit_graph

            keep_commit_graph(self.root, repo.git_dir)
        return res

    # ------------------------------------------------------------ employers (SPEC §11)
    # The edits run `caseload.transact` with the record kind `employers.EMPLOYER` and
    # raise what the participant edits raise (see above). `register` is the register
    # the user saw: the edit is refused (StaleEdit) when the employer's file changed
    # since; None (the CLI) reads the employer under the save lock instead.

    def employers(self, snapshot: Caseload | None = None, *, head: bool = False) -> Register:
        """The employer register as on disk now, checked against the snapshot's team (or
        caseload.toml's). Broken files are problems, never exceptions; OSError only when
        the folder cannot be read. `head`: also HEAD as it was before the files were
        read (`Register.head`, one `git rev-parse`): a register an edit will be made
        from (the app's), so the save can tell whether the employer at an id is still
        the one shown."""
        from ipstui.core.employers import load

        team = (snapshot if snapshot is not None else self.load_for_edit()).settings.team_keys
        commit = None
        if head and self.repo is not None:
            proc = _gitio().git(self.root, "rev-parse", "--verify", "-q", "HEAD", check=False)
            commit = proc.stdout.strip() or None
        register = load(self.root, team, git_dir=self.git_dir)
        if commit is None:
            return register
        from dataclasses import replace

        return replace(register, head=commit)

    def employer_jobs(self, register: Register, snapshot: Caseload) -> dict[str, list[JobAt]]:
        """Employer id -> the jobs held there, from the snapshot's participants (by
        `employer_id`, else by the case-folded name): from the references cached with
        each one's summary (`refs.refs_row`), so no participant file is read."""
        from ipstui.core.employers import jobs_from_refs
        from ipstui.core.refs import participant_refs

        rows = ((pid, refs) for pid, _rel, refs in participant_refs(snapshot.participants))
        return jobs_from_refs(register, rows)

    def new_employer(self, **kwargs: Any) -> EmployerSaveResult:
        """`employers.new_employer`: name, sector, contact_person, eid (None: the next
        free id, picked under the lock). Refused for a name already in the register."""
        from ipstui.core.employers import new_employer

        return new_employer(self.load_for_edit(), **kwargs)

    def _employer_edit(
        self, register: Register | None, eid: str
    ) -> tuple[Caseload, Employer | None]:
        """The snapshot and the base of one edit of employer `eid`, carrying who the user
        meant (`seen_by`: under the save lock the edit refuses with ChangedHands when
        another employer holds the id now, `identity.judge`, the participants' rule).

        With `register` (the app: the register as the dialog showed it) the base is its
        `eid` (a file changed since is refused, StaleEdit), and what was seen is that
        version in the commit HEAD was when it was read (`Register.head`), or else in
        the newest commit that holds it (`follow.commit_holding`; none for a version
        never committed, which the save refuses as uncommitted anyway). Without (the
        command line): the employer as HEAD holds it when the command starts, before it
        may wait for the lock (`_load_for_edit_seeing`)."""
        from ipstui.core.employers import EMPLOYERS_DIR

        if register is None:
            cl, seen = self._load_for_edit_seeing(eid, EMPLOYERS_DIR)
            return self.seen_by(cl, seen), None
        base = register.get(eid)
        from ipstui.core.follow import commit_holding
        from ipstui.core.identity import Seen

        cl = self.load_for_edit()
        commit = register.head
        if commit is None and cl.is_git:
            commit = commit_holding(self.root, base.rel_path, base.blob)
        if commit is None:
            return cl, base
        return self.seen_by(cl, Seen(commit, base.rel_path, base.blob)), base

    def add_employer_contact(
        self, register: Register | None, eid: str, **kwargs: Any
    ) -> EmployerSaveResult:
        """`employers.add_contact`: by, on, purpose, face_to_face, note. `register`: the
        register the user saw (None from the command line), as `_employer_edit` uses it."""
        from ipstui.core.employers import add_contact

        cl, seen = self._employer_edit(register, eid)
        return add_contact(cl, eid, seen=seen, **kwargs)

    def set_employer_fields(
        self, register: Register | None, eid: str, values: Mapping[str, str]
    ) -> EmployerSaveResult:
        """`employers.set_fields`: name, sector, contact_person, notes. `register` as
        `add_employer_contact`'s."""
        from ipstui.core.employers import set_fields

        cl, seen = self._employer_edit(register, eid)
        return set_fields(cl, eid, values, seen=seen)

    def decide_employer(
        self, register: Register | None, eid: str, sides: dict[str, str]
    ) -> EmployerSaveResult:
        """Settle several of an employer's conflicts in one commit, field -> "ours" /
        "theirs" (`resolve.decide_employer`; refused with StaleEdit when the file changed
        since `register` was read, ChangedHands when another employer holds the id)."""
        from ipstui.core.resolve import decide_employer

        cl, seen = self._employer_edit(register, eid)
        return decide_employer(cl, eid, sides, seen=seen)

    def add_job_at_new_employer(
        self, snapshot: Caseload | None, pid: str, **kwargs: Any
    ) -> SaveResult:
        """Add the job's employer to the register, then the job with its `employer_id`
        (two commits; the first stays when the job is refused). Keywords as `add_job`."""
        from ipstui.core.employers import add_job_at_new_employer

        return add_job_at_new_employer(self._snap(snapshot, pid), pid, **kwargs)

    def problems(
        self, snapshot: Caseload, register: Register | None = None, *, today: date | None = None
    ) -> list[Problem]:
        """Every finding of `ipstui validate` and of the app's Problems screen, sorted by
        (path, line, column): `findings.every_problem` of the snapshot and the register
        (read now unless given); with `today`, also a warning for each event date after
        it. OSError only when employers/ cannot be read."""
        from ipstui.core.findings import every_problem

        reg = register if register is not None else self.employers(snapshot)
        return every_problem(snapshot, reg, today=today)

    # ------------------------------------------------------------ fidelity (SPEC §10)

    def fidelity(
        self,
        snapshot: Caseload,
        *,
        quarter: Quarter,
        today: date,
        register: Register | None = None,
    ) -> FidelityView:
        """The self-review of `quarter` as of `today` from the snapshot's participants and
        the register (read now unless given). ValueError (one line) for bad bands in
        caseload.toml's [fidelity]."""
        from ipstui.core import fidelity

        reg = register if register is not None else self.employers(snapshot)
        settings = fidelity.settings_from(snapshot.settings, snapshot.settings_data)
        review = fidelity.compute(
            [p.data for p in snapshot.participants.values()],
            [e.data for e in reg.employers.values()],
            settings,
            quarter,
            today,
            snapshot.settings.name,
        )
        bad = {p.path for p in (*snapshot.problems, *reg.problems) if p.severity == "error"}
        return FidelityView(review, settings, len(bad))

    def fidelity_text(
        self,
        snapshot: Caseload,
        register: Register,
        *,
        quarter: str | None,
        today: date,
        fmt: str,
        explain_item: str | None = None,
    ) -> str:
        """What `ipstui fidelity` prints (table, csv or json; or the records behind one
        item). ValueError (one line) for a bad quarter, format, item or band."""
        from ipstui.core.fidelity import render

        return render(
            [p.data for p in snapshot.participants.values()],
            [e.data for e in register.employers.values()],
            snapshot.settings,
            snapshot.settings_data,
            quarter=quarter,
            today=today,
            fmt=fmt,
            explain_item=explain_item,
        )

    # ------------------------------------------------------------ history

    def history(self, pid: str) -> list[Revision]:
        """`pid`'s field-level history, newest first (SPEC §5).

        Raises CaseloadError for an invalid id, a caseload outside git, or an id that
        has neither a file nor any history; GitError when git log fails."""
        from ipstui.core.history import ever_existed, history
        from ipstui.core.model import is_valid_id

        if not is_valid_id(pid):
            raise CaseloadError(_("not a valid participant id: {pid}").format(pid=repr(pid)))
        self._need_repo(N_("{root} is not a git repository, so there is no history to show"))
        rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
        if not os.path.lexists(self.root / rel) and not ever_existed(self.root, pid):
            raise CaseloadError(_("no participant with id {pid}").format(pid=repr(pid)))
        return history(self.root, pid)

    def signatures(self, commits: Iterable[str]) -> dict[str, str]:
        """Signature status of each commit (good, bad, unknown key, unsigned, ...: git's
        `%G?`, see `audit.SIGNATURES`; shown through `SIGNATURE_LABELS`); {} outside git."""
        if self.repo is None:
            return {}
        from ipstui.core.audit import signatures

        return signatures(self.root, commits)

    # ------------------------------------------------------------ sync

    def sync_status(self) -> SyncStatus | None:
        """Ahead/behind the remote as last fetched (no network); None outside git."""
        if self.repo is None:
            return None
        from ipstui.core.sync import status

        return status(self.root)

    def sync(self, progress: Callable[[str], None] | None = None) -> SyncResult:
        """Fetch, merge and push (`sync.sync`). The first fetch (the network round trip)
        runs before the save lock is taken (`sync.prefetch`: it moves only the
        remote-tracking ref); the merge and the push hold the lock so no edit of this
        caseload runs in between. Raises SyncError (a GitError) with one line."""
        from ipstui.core.sync import SyncError, prefetch, sync

        repo = self.repo
        if repo is None:
            raise SyncError(
                _("{root} is not in a git repository, so there is nothing to sync").format(
                    root=self.root
                )
            )
        fetched = prefetch(self.root, progress=progress, info=repo)
        with _caseload().caseload_lock(repo.git_dir):
            result = sync(self.root, progress=progress, prefetched=fetched, info=repo)
        from ipstui.core.history import GRAPH_BATCH, keep_commit_graph

        keep_commit_graph(self.root, repo.git_dir, commits=GRAPH_BATCH)  # what it fetched
        return result

    def ensure_merge_driver(self) -> bool:
        """Add the merge driver to the local git config when missing (a plain clone);
        True when it wrote. False outside git."""
        if self.repo is None:
            return False
        from ipstui.core.sync import ensure_merge_driver

        return ensure_merge_driver(self.root)

    # ------------------------------------------------------------ derived views

    def agenda(
        self, snapshot: Caseload, today: date, specialist: str | None = None
    ) -> list[Deadline]:
        """Every open deadline, overdue first; CaseloadError for an unknown specialist."""
        from ipstui.core.rules import agenda_for

        if specialist and specialist not in snapshot.settings.team:
            raise CaseloadError(
                _("unknown specialist {specialist}; team: {values}").format(
                    specialist=repr(specialist), values=", ".join(snapshot.settings.team)
                )
            )
        return agenda_for(snapshot.participants, snapshot.settings, today, specialist)

    def due(
        self, today: date, specialist: str | None = None
    ) -> tuple[list[Deadline], tuple[Problem, ...]]:
        """`agenda` of the caseload as it is now, and every problem of loading it: answered
        from the agenda index when nothing changed since it was made (`agenda.load_agenda`;
        `ipstui due`). CaseloadError for an unknown specialist."""
        from ipstui.core.agenda import load_agenda
        from ipstui.core.rules import agenda_rows

        ag = load_agenda(self.root)
        ag.check_specialist(specialist)
        return agenda_rows(ag.rows, ag.due_soon_days, today, specialist), ag.problems()

    def due_json(
        self, today_ordinal: int, specialist: str | None = None
    ) -> tuple[str, tuple[Problem, ...]]:
        """`due` as the JSON text `ipstui due --json` prints (SPEC §7: a list of
        {participant, specialist, rule, due, state}, one object per line) and the problems,
        without building a deadline object or importing the models when the agenda index
        answers. `today_ordinal`: today as a date ordinal. CaseloadError for an unknown
        specialist."""
        from ipstui.core.agenda import load_agenda

        ag = load_agenda(self.root)
        ag.check_specialist(specialist)
        return ag.to_json(today_ordinal, specialist), ag.problems()

    def report(self, snapshot: Caseload, *, quarter: str | None, today: date, fmt: str) -> str:
        """The outcome report as text (SPEC §8); ValueError for a bad quarter or format."""
        from ipstui.core.report import prepare_loaded, render

        facts = prepare_loaded(snapshot.participants.values())  # from the load cache
        return render(facts, snapshot.settings, quarter=quarter, today=today, fmt=fmt)

    def export_report_csv(self, report: Report, path: Path, *, overwrite: bool = False) -> Path:
        """Write the Reports screen's `report` as CSV to `path` (`export.write_report_csv`,
        with this caseload as the folder no export is written into, as the CLI's
        `export.check_output`); returns the path written. ExportRefusal (nothing written)
        for a folder, a missing folder, a path inside the caseload, an existing file unless
        `overwrite`,
        or a write the system refuses."""
        from ipstui.core.export import write_report_csv

        return write_report_csv(self.root, report, Path(path), overwrite=overwrite)

    def save_screenshot(self, svg: str, name: str, folder: Path | None = None) -> Path:
        """Write the app's screen picture `svg` as `name` in `folder` (default:
        `export.screenshot_folder`, Downloads else home); returns the path written.
        ExportRefusal (nothing written, the one line to show) for a missing folder, a
        path inside this caseload, or a write the system refuses (`export.write_screenshot`)."""
        from ipstui.core.export import screenshot_folder, write_screenshot

        where = screenshot_folder() if folder is None else Path(folder)
        return write_screenshot(self.root, svg, where / name)

    # ------------------------------------------------------------ watching the disk

    def fingerprint(self) -> tuple:
        """A cheap signature of what a pull, a hand edit or another instance changes:
        (mtime, size) of caseload.toml and of git's index, HEAD and FETCH_HEAD in the
        real git dir, then (count, newest mtime, total size) of participants/. The last
        item's newest mtime is in nanoseconds."""
        parts: list[Any] = []
        gd = self.git_dir
        paths = [self.root / CASELOAD_FILE]
        if gd is not None:
            paths += [gd / "index", gd / "HEAD", gd / "FETCH_HEAD"]
        else:
            paths += [None, None, None]  # type: ignore[list-item]
        for path in paths:
            try:
                st = os.stat(path) if path is not None else None
                parts.append((st.st_mtime_ns, st.st_size) if st is not None else None)
            except OSError:
                parts.append(None)
        count, newest, total = 0, 0, 0
        try:
            with os.scandir(self.root / PARTICIPANTS_DIR) as it:
                for entry in it:
                    st = entry.stat()
                    count += 1
                    total += st.st_size
                    newest = max(newest, st.st_mtime_ns)
        except OSError:
            pass
        parts.append((count, newest, total))
        return tuple(parts)
