"""Real git for the sync and merge tests: a hermetic environment, a bare remote and
clones of it in a temporary folder. Nothing here touches the real home or git config."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ipstui.core import storage

GITATTRIBUTES = "participants/*.toml merge=ipstui\n"


def isolate_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point git at a throw-away home and config; returns the home folder."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    gitconfig = home / ".gitconfig"
    gitconfig.write_text("[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Specialist")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.org")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_SSH_COMMAND"):
        monkeypatch.delenv(var, raising=False)
    return home


def run(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=check
    )


def head(repo: Path) -> str:
    return run(repo, "rev-parse", "HEAD").stdout.strip()


def participant(pid: str = "P-0001", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": 1,
        "id": pid,
        "name": "Giulia R.",
        "specialist": "anna",
        "phase": "job_search",
        "phase_since": date(2026, 10, 2),
        "referral_source": "CSM",
        "referred_on": date(2026, 9, 1),
        "enrolled_on": date(2026, 9, 10),
        "disclosure": "undecided",
        "support_mode": "direct",
        "notes": "",
        "contacts": [
            {"on": date(2026, 9, 4), "kind": "meeting", "by": "anna", "note": "First meeting."}
        ],
    }
    data.update(fields)
    return data


def caseload_text() -> str:
    return storage.dumps_plain(
        {
            "schema": 1,
            "name": "IPS team test",
            "due_soon_days": 3,
            "max_caseload": 20,
            "team": {
                "anna": {"name": "Anna Bianchi"},
                "marco": {"name": "Marco Verdi"},
            },
        }
    )


def write_participant(repo: Path, data: dict[str, Any]) -> str:
    rel = f"participants/{data['id']}.toml"
    storage.atomic_write(repo / rel, storage.dumps(data))
    return rel


def commit_participant(repo: Path, data: dict[str, Any], message: str = "edit") -> str:
    rel = write_participant(repo, data)
    run(repo, "add", "--", rel)
    run(repo, "commit", "-q", "-m", f"{data['id']}: {message}", "--", rel)
    return head(repo)


def read_participant(repo: Path, pid: str = "P-0001") -> dict[str, Any]:
    return storage.loads_bytes((repo / "participants" / f"{pid}.toml").read_bytes())


def make_team(tmp_path: Path, *names: str, participants: list[dict] | None = None) -> list[Path]:
    """A bare remote holding a small caseload, and one plain `git clone` per name."""
    remote = tmp_path / "remote.git"
    run(tmp_path, "init", "-q", "--bare", str(remote))
    seed = tmp_path / "seed"
    run(tmp_path, "init", "-q", str(seed))
    (seed / "caseload.toml").write_text(caseload_text())
    (seed / ".gitattributes").write_text(GITATTRIBUTES)
    for data in participants if participants is not None else [participant()]:
        write_participant(seed, data)
    run(seed, "add", "-A")
    run(seed, "commit", "-q", "-m", "caseload: create")
    run(seed, "push", "-q", str(remote), "HEAD:refs/heads/main")
    clones = []
    for name in names:
        clone = tmp_path / name
        run(tmp_path, "clone", "-q", str(remote), str(clone))
        clones.append(clone)
    return clones


def is_clean_state(repo: Path) -> bool:
    """On a branch, no merge or rebase under way, nothing uncommitted."""
    gd = Path(run(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    busy = any(
        (gd / n).exists()
        for n in ("MERGE_HEAD", "rebase-merge", "rebase-apply", "CHERRY_PICK_HEAD")
    )
    on_branch = run(repo, "symbolic-ref", "-q", "HEAD", check=False).returncode == 0
    clean = run(repo, "status", "--porcelain").stdout.strip() == ""
    return on_branch and not busy and clean
