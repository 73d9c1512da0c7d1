"""The caseload service shared by the CLI and the app: load a snapshot, save one
participant as one commit. Screens and commands hold no storage or git code."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ipstui.core import gitio, storage
from ipstui.core.changes import commit_message
from ipstui.core.model import Participant, Problem, Settings, is_valid_id, participant_path
from ipstui.core.validate import (
    caseload_problems,
    errors_only,
    participant_content_problems,
    participant_team_problems,
)

CASELOAD_FILE = "caseload.toml"
PARTICIPANTS_DIR = "participants"


class CaseloadError(Exception):
    """A user-facing failure: the message is one clear line."""


class NotACaseload(CaseloadError):
    pass


class ValidationFailed(CaseloadError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.message}{more}; nothing was written")


class StaleEdit(CaseloadError):
    """The file changed on disk since it was loaded; `fresh` is what is there now."""

    def __init__(self, rel: str, fresh: Participant | None) -> None:
        self.fresh = fresh
        what = "was deleted" if fresh is None else "changed on disk"
        super().__init__(
            f"{rel} {what} since it was loaded (another terminal, a pull or a hand edit); "
            "your change was not saved — the fresh version is shown, apply your change again"
        )


class UncommittedFile(CaseloadError):
    def __init__(self, rel: str) -> None:
        super().__init__(
            f"{rel} has changes that are not committed; commit them first "
            "(Problems screen in the app, or `git commit`), then edit again"
        )


class NothingToSave(CaseloadError):
    def __init__(self) -> None:
        super().__init__("nothing changed; no commit made")


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

    def get(self, pid: str) -> Participant:
        try:
            return self.participants[pid]
        except KeyError:
            raise CaseloadError(f"no participant with id {pid!r}") from None

    def with_participant(self, p: Participant) -> Caseload:
        parts = dict(self.participants)
        parts[p.id] = p
        dirty = self.dirty - {p.rel_path}
        problems = tuple(x for x in self.problems if x.path != p.rel_path)
        return replace(self, participants=parts, dirty=dirty, problems=problems)

    def without(self, pid: str, rel: str) -> Caseload:
        parts = dict(self.participants)
        parts.pop(pid, None)
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


def find_root(path: Path | str | None) -> Path:
    """The caseload named by -C, else $IPSTUI_CASELOAD, else the current directory."""
    if path is None:
        path = os.environ.get("IPSTUI_CASELOAD") or "."
    root = Path(path).expanduser().resolve()
    if not (root / CASELOAD_FILE).is_file():
        raise NotACaseload(
            f"{root} is not a caseload (no {CASELOAD_FILE}); create one with "
            f"`ipstui init {path}`, try `ipstui demo`, or point at one with -C PATH"
        )
    return root


def read_settings(root: Path) -> tuple[Settings, dict[str, Any], list[Problem]]:
    try:
        data, raw = storage.read_file(root / CASELOAD_FILE, CASELOAD_FILE)
    except storage.ParseError as exc:
        return Settings(), {}, [Problem(exc.path, exc.line, exc.col, exc.message)]
    except storage.StorageError as exc:
        msg = str(exc).removeprefix(f"{CASELOAD_FILE}: ")
        return Settings(), {}, [Problem(CASELOAD_FILE, 1, 1, msg)]
    problems = caseload_problems(data, CASELOAD_FILE, raw.decode("utf-8"))
    return Settings.from_dict(data), data, problems


@dataclass(frozen=True, slots=True)
class Parsed:
    """What the content of one blob yields; cacheable by blob id."""

    data: dict[str, Any] | None
    problems: tuple[tuple[int, int, str, str], ...]
    """(line, col, message, severity) — the path is added at load."""


def parse_participant(raw: bytes, rel: str) -> Parsed:
    try:
        data = storage.loads_bytes(raw, rel)
    except storage.ParseError as exc:
        return Parsed(None, ((exc.line, exc.col, exc.message, "error"),))
    probs = participant_content_problems(data, rel, raw.decode("utf-8"))
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


def load_for_edit(root: Path, pid: str | None) -> Caseload:
    """Settings and one participant (or, for a new one, just the ids in use).

    A command-line edit touches one file: reading the other 19,999 would cost more
    than the commit."""
    settings, sdata, problems = read_settings(root)
    repo = gitio.repo_info(root)
    cl = Caseload(root, settings, sdata, {}, tuple(problems), is_git=repo is not None)
    if pid is None:
        pdir = root / PARTICIPANTS_DIR
        names = os.listdir(pdir) if pdir.is_dir() else []
        ids = frozenset(n[:-5] for n in names if n.endswith(".toml"))
        return replace(cl, known_ids=ids)
    if not is_valid_id(pid):
        return cl
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    if not (root / rel).exists() and not (root / rel).is_symlink():
        return cl
    try:
        raw = storage.read_bytes(root / rel, rel)
    except storage.StorageError as exc:  # a folder, a link, unreadable: a problem, no crash
        msg = str(exc).removeprefix(f"{rel}: ")
        return replace(cl, problems=tuple(problems) + (Problem(rel, 1, 1, msg),))
    p, probs = participant_from(cl, rel, raw, parse_participant(raw, rel))
    return replace(
        cl, participants={pid: p} if p is not None else {}, problems=tuple(problems) + tuple(probs)
    )


def participant_from(
    cl: Caseload, rel: str, raw: bytes, parsed: Parsed
) -> tuple[Participant | None, list[Problem]]:
    """Attach file-independent checks and build the Participant (None if it has errors)."""
    problems = [Problem(rel, ln, col, msg, sev) for ln, col, msg, sev in parsed.problems]
    if parsed.data is None:
        return None, problems
    sources = cl.settings.referral_sources
    team_probs = participant_team_problems(parsed.data, rel, None, cl.settings.team, sources)
    if team_probs:
        team_probs = participant_team_problems(
            parsed.data, rel, raw.decode("utf-8", "replace"), cl.settings.team, sources
        )
    problems.extend(team_probs)
    if errors_only(problems):
        return None, problems
    pid = str(parsed.data["id"])
    return Participant(pid, parsed.data, rel, storage.blob_id(raw)), problems


def read_participant(cl: Caseload, pid: str) -> Participant | None:
    """Re-read one participant from disk (None when the file is gone)."""
    path = participant_path(cl.root, pid)
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    p, problems = participant_from(cl, rel, raw, parse_participant(raw, rel))
    if p is None:
        raise ValidationFailed(errors_only(problems))
    return p


def validate_data(cl: Caseload, data: Mapping[str, Any]) -> list[Problem]:
    """Errors that would make `data` an invalid participant file."""
    pid = data.get("id")
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    if not is_valid_id(pid):
        return [Problem(rel, 1, 1, f"not a valid participant id: {pid!r}")]
    text = storage.dumps(data)
    probs = participant_content_problems(data, rel, text)
    probs += participant_team_problems(
        data, rel, text, cl.settings.team, cl.settings.referral_sources
    )
    return errors_only(probs)


@dataclass(frozen=True, slots=True)
class SaveResult:
    commit: str
    participant: Participant | None
    """The participant as saved; None when the commit removed the file."""
    message: str

    @property
    def subject(self) -> str:
        return self.message.splitlines()[0]


def save(cl: Caseload, old: Participant | None, new_data: Mapping[str, Any]) -> SaveResult:
    """Validate, write atomically and commit exactly this one file (SPEC §5).

    `old` is the participant as the caller loaded it (None for a new one). The write is
    refused when the file changed on disk since then, or has uncommitted changes.
    """
    if not cl.is_git:
        raise CaseloadError(
            f"{cl.root} is not a git repository; edits need git (run `git init` there)"
        )
    pid = new_data.get("id")
    if not is_valid_id(pid):
        raise CaseloadError(f"not a valid participant id: {pid!r}")
    assert isinstance(pid, str)
    if old is not None and old.id != pid:
        raise CaseloadError("a participant's id cannot be changed")
    path = participant_path(cl.root, pid)
    rel = f"{PARTICIPANTS_DIR}/{pid}.toml"
    # Stale check first: what is on disk must be exactly what the caller loaded (an edit
    # built on a record that changed or vanished is refused as such, not as invalid).
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    if old is None:
        if current is not None:
            raise CaseloadError(f"{rel} already exists; choose another id")
    elif current is None or storage.blob_id(current) != old.blob:
        fresh = None
        if current is not None:
            try:
                fresh = read_participant(cl, pid)
            except ValidationFailed:
                fresh = None
        raise StaleEdit(rel, fresh)
    problems = validate_data(cl, new_data)
    if problems:
        raise ValidationFailed(problems)
    gitio.identity(cl.root)
    if old is not None and gitio.head_blob(cl.root, rel) != old.blob:
        raise UncommittedFile(rel)

    text = storage.dumps(new_data)
    raw = text.encode("utf-8")
    if current is not None and raw == current:
        raise NothingToSave()
    old_data = None
    if old is not None:
        # The bytes just read are the loaded version (same blob): no second read of the file.
        old_data = old.data if old.loaded else storage.loads_bytes(current or b"", rel)
    message, _ = commit_message(pid, old_data, new_data, cl.settings)
    storage.atomic_write(path, raw)
    try:
        commit = gitio.commit_paths(cl.root, [rel], message, add=old is None)
    except gitio.GitError as exc:
        # Put the file back as it was so the work tree matches git; the caller still
        # holds the edit and can retry once the cause is fixed.
        if current is None:
            path.unlink(missing_ok=True)
            gitio.git(cl.root, "rm", "-q", "--cached", "--ignore-unmatch", "--", rel, check=False)
        else:
            storage.atomic_write(path, current)
        raise CaseloadError(f"git refused the commit, nothing was saved: {exc}") from None
    # Use the parsed form of what was written, so the snapshot equals the file.
    data = storage.loads_bytes(raw, rel)
    return SaveResult(commit, Participant(pid, data, rel, storage.blob_id(raw)), message)


def commit_hand_edit(cl: Caseload, rel: str) -> SaveResult:
    """Validate and commit a participant file that was changed outside the app."""
    stem = Path(rel).stem
    if not is_valid_id(stem) or rel != f"{PARTICIPANTS_DIR}/{stem}.toml":
        raise CaseloadError(f"{rel} is not a participant file")
    path = cl.root / rel
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = None
    if raw is None:
        message = f"{stem}: remove participant file\n\nParticipant: {stem}\nChanged: file removed\n"
        gitio.identity(cl.root)
        commit = gitio.commit_paths(cl.root, [rel], message, add=False)
        return SaveResult(commit, None, message)
    p, problems = participant_from(cl, rel, raw, parse_participant(raw, rel))
    if p is None:
        raise ValidationFailed(errors_only(problems))
    gitio.identity(cl.root)
    head = gitio.git(cl.root, "show", f"HEAD:./{rel}", check=False, binary=True)
    old = None
    if head.returncode == 0:
        try:
            old = storage.loads_bytes(head.stdout, rel)
        except storage.ParseError:
            old = {}
    message, _ = commit_message(p.id, old, p.data, cl.settings)
    message = (
        message.replace("\n\n", "\n\nHand edit committed from ipstui.\n", 1)
        if old is not None
        else message
    )
    commit = gitio.commit_paths(cl.root, [rel], message, add=True)
    return SaveResult(commit, p, message)
