"""`ipstui init`: a new, empty caseload in a git repository."""

from __future__ import annotations

import re
from pathlib import Path

from ipstui.core import gitio, storage
from ipstui.core.caseload import CASELOAD_FILE, PARTICIPANTS_DIR, CaseloadError

GITATTRIBUTES = "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"
RULES_TEMPLATE = """
# Deadline rules (SPEC §4). Defaults shown; `<rule> = false` switches one off,
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
            raise CaseloadError(
                f"--specialist {item!r}: use KEY=Full Name, KEY in lowercase letters"
            )
        team[key] = {"name": name.strip()}
    if not team:
        ident = gitio.identity(root)
        key = re.sub(r"[^a-z0-9_-]", "", ident.name.split()[0].lower()) or "me"
        if not key[0].isalpha():
            key = "s" + key
        team[key[:32]] = {"name": ident.name, "email": ident.email}
    return team


def init_caseload(
    path: Path, *, name: str = "IPS team", specialists: list[str] | None = None
) -> Path:
    """Create an empty caseload at `path` (a new or empty folder, or an empty git work
    tree): git init, caseload.toml, .gitattributes, merge driver, first commit.

    Raises CaseloadError when `path` is a file, holds a caseload or other files, or a
    parent on the way is a file; IdentityMissing when git has no identity."""
    root = path.expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise CaseloadError(f"{root} is not a folder; name a new folder for the caseload")
    if (root / CASELOAD_FILE).exists():
        raise CaseloadError(f"{root} already holds a caseload")
    if root.exists() and any(p.name != ".git" for p in root.iterdir()):
        raise CaseloadError(f"{root} is not empty; choose a new folder")
    # Without an author git cannot make the first commit: refuse before writing anything.
    probe = root
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise CaseloadError(f"{probe} is not a folder, so {root} cannot be created")
    gitio.identity(probe)
    root.mkdir(parents=True, exist_ok=True)
    if not gitio.is_repo(root):
        gitio.git(root, "init", "-q")
    team = _team(root, specialists or [])
    data = {
        "schema": 1,
        "name": name,
        "due_soon_days": 3,
        "max_caseload": 20,
        "referral_sources": ["CSM", "Other service", "Self"],
        "team": team,
    }
    text = storage.dumps_plain(data) + RULES_TEMPLATE
    (root / PARTICIPANTS_DIR).mkdir(exist_ok=True)
    storage.atomic_write(root / CASELOAD_FILE, text)
    storage.atomic_write(root / ".gitattributes", GITATTRIBUTES)
    storage.atomic_write(root / PARTICIPANTS_DIR / ".gitkeep", "")
    configure_merge_driver(root)
    gitio.commit_paths(
        root,
        [CASELOAD_FILE, ".gitattributes", f"{PARTICIPANTS_DIR}/.gitkeep"],
        "caseload: create\n\nCreated by ipstui init.\n",
        add=True,
    )
    return root
