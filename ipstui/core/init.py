"""`ipstui init`: a new, empty caseload in a git repository."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ipstui.core import gitio, names, storage
from ipstui.core.caseload import (
    CASELOAD_FILE,
    PARTICIPANTS_DIR,
    CaseloadError,
    EditRefused,
    caseload_lock,
    check_repo_state,
)
from ipstui.core.folder import UsageError
from ipstui.core.i18n import _
from ipstui.core.model import text_problem

GITATTRIBUTES = "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"
RULES_TEMPLATE = """
# Deadline rules, described in ipstui's docs/deadlines.md (installed with ipstui
# as ipstui/docs/deadlines.md). Defaults shown; `<rule> = false` switches one off,
# `<rule>_days` sets its number of days.
[rules]
# first_contact_days = 7
# first_employer_contact_days = 30
# benefits_before_job_days = 90
# job_start_support_days = [3, 7, 30]
# stay_in_touch_days = 14
# career_profile_after_job_days = 30
# program_review = false
# program_review_days = 365
"""
_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def configure_merge_driver(root: Path) -> None:
    """Register the field-wise merge driver in the repository's local config."""
    from ipstui.core.sync import ensure_merge_driver

    ensure_merge_driver(root)


def _team(root: Path, specialists: list[str]) -> dict[str, dict[str, str]]:
    team: dict[str, dict[str, str]] = {}
    for item in specialists:
        key, eq, name = item.partition("=")
        key = key.strip().lower()
        if not eq or not _KEY.match(key) or not name.strip():
            raise UsageError(
                _("--specialist {item}: use KEY=Full Name, KEY in lowercase letters").format(
                    item=repr(item)
                )
            )
        name = names.normal(name.strip())
        if key in team:
            raise UsageError(
                _(
                    "--specialist {item}: {key} is given twice (first as {first}); give each team member once"
                ).format(item=repr(item), key=key, first=repr(f"{key}={team[key]['name']}"))
            )
        problem = _line_problem(name) or names.name_problem(name)
        if problem:
            raise CaseloadError(
                _("--specialist {item}: the name {problem}").format(
                    item=repr(item), problem=problem
                )
            )
        team[key] = {"name": name}
    if not team:
        ident = gitio.identity(root)
        key = re.sub(r"[^a-z0-9_-]", "", ident.name.split()[0].lower()) or "me"
        if not key[0].isalpha():
            key = "s" + key
        team[key[:32]] = {"name": ident.name, "email": ident.email}
    return team


def _line_problem(text: str) -> str | None:
    """Why `text` cannot be a name on one line (SPEC §2, `model.text_problem`), worded to
    follow "the name" as `names.name_problem` is ("the team name holds the control
    character U+001B, …"); None when it can."""
    if text_problem(text) is None:
        return None
    c = next(ch for ch in text if text_problem(ch) is not None)
    if c >= "\u202a":
        return _(
            "holds the bidirectional override U+{code}, which single-line text may not hold"
        ).format(code=f"{ord(c):04X}")
    return _("holds the control character U+{code}, which single-line text may not hold").format(
        code=f"{ord(c):04X}"
    )


def _team_name(name: str) -> str:
    """The team's name as written to caseload.toml (NFC, trimmed); CaseloadError when it
    is not single-line text (SPEC §2) or breaks the names rule (`core/names.py`), the
    same rules as a specialist's name."""
    cleaned = names.normal(name.strip())
    problem = _line_problem(cleaned) or names.name_problem(cleaned)
    if not cleaned:
        problem = _("is empty")
    if problem:
        raise CaseloadError(
            _("--name {name}: the team name {problem}").format(name=repr(name), problem=problem)
        )
    return cleaned


def init_caseload(
    path: Path, *, name: str = "IPS team", specialists: list[str] | None = None
) -> Path:
    """Create an empty caseload at `path` (a new or empty folder, or an empty git work
    tree): git init, caseload.toml, .gitattributes, merge driver, first commit.

    Inside an existing repository the refusals of a save apply first (SPEC §5: detached
    HEAD, an operation in progress, a busy index.lock), and on any failure nothing is
    left behind: folders and files it made are removed, what it staged is unstaged, a
    merge driver it registered is removed again.

    Raises CaseloadError when `path` is a file, holds a caseload or other files, or a
    parent on the way is a file; EditRefused for the repository states above;
    IdentityMissing when git has no identity; GitError when git fails."""
    root = path.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise CaseloadError(
            _("{root} is not a folder; name a new folder for the caseload").format(root=root)
        )
    if (root / CASELOAD_FILE).exists():
        raise CaseloadError(_("{root} already holds a caseload").format(root=root))
    if root.exists() and any(p.name != ".git" for p in root.iterdir()):
        raise CaseloadError(_("{root} is not empty; choose a new folder").format(root=root))
    # Everything that can refuse is asked before anything is written.
    probe = root
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise CaseloadError(
            _("{probe} is not a folder, so {root} cannot be created").format(probe=probe, root=root)
        )
    gitio.identity(probe)  # without an author and a committer there is no first commit
    name = _team_name(name)
    team = _team(probe, specialists or [])
    outer = gitio.repo_info(probe)
    if outer is not None:
        check_repo_state(probe, outer)
        try:
            gitio.wait_index_lock(outer.git_dir)
        except gitio.RepoStateRefused as exc:
            raise EditRefused(_("{exc}; nothing was written").format(exc=exc)) from None
    data = {
        "schema": 1,
        "name": name,
        "due_soon_days": 3,
        "max_caseload": 20,
        "referral_sources": ["CSM", "Other service", "Self"],
        "team": team,
    }
    text = storage.dumps_plain(data) + RULES_TEMPLATE
    paths = [CASELOAD_FILE, ".gitattributes", f"{PARTICIPANTS_DIR}/.gitkeep"]

    made: Path | None = None  # the topmost folder this call creates
    if not root.exists():
        made = root
        while not made.parent.exists():
            made = made.parent
    had_git = (root / ".git").exists()
    staged = False
    driver_before: str | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        if outer is None:
            gitio.git(root, "init", "-q")
        repo = gitio.repo_info(root)
        if repo is None:  # pragma: no cover - git init just made it
            raise CaseloadError(_("{root}: git init did not make a repository").format(root=root))
        driver_before = _driver_config(root)
        with caseload_lock(repo.git_dir):
            (root / PARTICIPANTS_DIR).mkdir(exist_ok=True)
            # Written as git would check them out, so core.safecrlf passes (autocrlf).
            nl = gitio.checkout_newline(root, CASELOAD_FILE)
            storage.atomic_write(root / CASELOAD_FILE, text.replace("\n", nl))
            nl = gitio.checkout_newline(root, ".gitattributes")
            storage.atomic_write(root / ".gitattributes", GITATTRIBUTES.replace("\n", nl))
            storage.atomic_write(root / PARTICIPANTS_DIR / ".gitkeep", "")
            configure_merge_driver(root)
            staged = True
            gitio.commit(root, paths, "caseload: create\n\nCreated by ipstui init.\n", add=True)
    except BaseException:
        _take_back(root, made, had_git, outer, paths, staged, driver_before)
        raise
    return root


def _driver_config(root: Path) -> str:
    """The merge driver lines of the local config as they are now ('' for none)."""
    proc = gitio.git(root, "config", "--local", "--get-regexp", r"^merge\.ipstui\.", check=False)
    return proc.stdout


def _take_back(
    root: Path,
    made: Path | None,
    had_git: bool,
    outer: gitio.RepoInfo | None,
    paths: list[str],
    staged: bool,
    driver_before: str | None,
) -> None:
    """Undo a failed init: unstage, unregister the driver, remove what it created."""
    if outer is not None:
        if staged:
            has_head = gitio.git(root, "rev-parse", "-q", "--verify", "HEAD", check=False)
            if has_head.returncode == 0:
                gitio.git(root, "reset", "-q", "--", *paths, check=False)
            else:
                gitio.git(
                    root, "rm", "-q", "--cached", "--ignore-unmatch", "--", *paths, check=False
                )
        if driver_before == "":
            gitio.git(root, "config", "--local", "--remove-section", "merge.ipstui", check=False)
    try:
        if made is not None:
            shutil.rmtree(made)
            return
        for rel in paths:
            (root / rel).unlink(missing_ok=True)
        for folder in (root / PARTICIPANTS_DIR,):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if outer is None and not had_git:
            shutil.rmtree(root / ".git", ignore_errors=True)
    except OSError:
        pass
