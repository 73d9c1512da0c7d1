"""Real git for the sync and merge tests: a hermetic environment, a bare remote and
clones of it in a temporary folder. Nothing here touches the real home or git config."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from ipstui.core import milestones, storage
from ipstui.core.validate import errors_only, participant_content_problems

GITATTRIBUTES = "participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n"


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


_TEAMS: dict[tuple[object, ...], Path] = {}
"""Built teams of this process, by `_team_key`: each test gets a copy (`make_team`)."""


def _team_key(names: tuple[str, ...], participants: list[dict] | None) -> tuple[object, ...]:
    """What a built team depends on: the clones' names, the records, and the git
    environment it was built in (identity, global config, the hooks' and the home's
    settings), so a test that changed any of them gets a team built afresh."""
    config = os.environ.get("GIT_CONFIG_GLOBAL", "")
    try:
        config_text = Path(config).read_text() if config else ""
    except OSError:
        config_text = None
    git_env = tuple(
        sorted(
            (k, v)
            for k, v in os.environ.items()
            if k.startswith("GIT_") and k != "GIT_CONFIG_GLOBAL"  # its text counts, not its path
        )
    )
    return (names, repr(participants), git_env, config_text)


def _build_team(folder: Path, names: tuple[str, ...], participants: list[dict] | None) -> None:
    """The bare remote `folder/remote.git` holding a small caseload, and one plain
    `git clone` of it per name in `folder`."""
    remote = folder / "remote.git"
    run(folder, "init", "-q", "--bare", str(remote))
    seed = folder / "seed"
    run(folder, "init", "-q", str(seed))
    (seed / "caseload.toml").write_text(caseload_text())
    (seed / ".gitattributes").write_text(GITATTRIBUTES)
    for data in participants if participants is not None else [participant()]:
        write_participant(seed, data)
    run(seed, "add", "-A")
    run(seed, "commit", "-q", "-m", "caseload: create")
    run(seed, "push", "-q", str(remote), "HEAD:refs/heads/main")
    for name in names:
        run(folder, "clone", "-q", str(remote), str(folder / name))


def make_team(
    tmp_path: Path,
    *names: str,
    participants: list[dict] | None = None,
    setup: Callable[[list[Path]], object] | None = None,
) -> list[Path]:
    """A bare remote `tmp_path/remote.git` holding a small caseload, and one plain
    `git clone` of it per name (`tmp_path/<name>`).

    `setup(clones)`: what every test of a fixture does next (commits, a first sync), run
    once on the built team, so each test copies its result (issue 12: a fixture's sync
    per test was most of some tests' time). A module-level function: its name is part
    of the key. The sync memory it leaves (`sync.SYNCED_REFS`, keyed by the remote's
    URL) is moved to the copy's URL with the rest.

    Built once per process for each set of names, records and git environment
    (`_team_key`) and copied for each test: a copy costs a tenth of `git init`, the first
    commit, the push and the clones (each clone starts three git processes). The
    clones' `remote.origin.url` is pointed at the copy's remote, and their index is
    refreshed as a fresh clone's is, so the copy is what `git clone` would have made
    (but for the commit's time)."""
    key = (
        *_team_key(names, participants),
        None if setup is None else f"{setup.__module__}.{setup.__qualname__}",
    )
    built = _TEAMS.get(key)
    if built is None:
        built = Path(tempfile.mkdtemp(prefix="ipstui-team-"))
        atexit.register(shutil.rmtree, built, True)
        _build_team(built, names, participants)
        if setup is not None:
            setup([built / name for name in names])
        _TEAMS[key] = built
    remote = tmp_path / "remote.git"
    shutil.copytree(built / "remote.git", remote, symlinks=True)
    clones = []
    for name in names:
        clone = tmp_path / name
        shutil.copytree(built / name, clone, symlinks=True)
        config = clone / ".git" / "config"
        text = config.read_text()
        assert str(built / "remote.git") in text, text
        config.write_text(text.replace(str(built / "remote.git"), str(remote)))
        _move_sync_memory(clone, built / "remote.git", remote)
        run(clone, "update-index", "-q", "--refresh")
        clones.append(clone)
    return clones


def _move_sync_memory(clone: Path, old: Path, new: Path) -> None:
    """The clone's sync memory of the remote at `old` (one ref per remote branch,
    `sync.SYNCED_REFS`), moved to the names it has for the remote at `new`."""
    from ipstui.core.sync import SYNCED_REFS, _synced_ref, _Target

    refs = run(clone, "for-each-ref", "--format=%(refname) %(objectname)", SYNCED_REFS).stdout
    if not refs.strip():
        return
    held = dict(line.split() for line in refs.splitlines())
    branches = run(new, "for-each-ref", "--format=%(refname:short)", "refs/heads/").stdout.split()
    for branch in branches:

        def name(url: Path, branch: str = branch) -> str:
            target = _Target(branch, "origin", branch, f"refs/remotes/origin/{branch}", True, str(url))
            return _synced_ref(clone, target)

        commit = held.get(name(old))
        if commit is not None:
            run(clone, "update-ref", name(new), commit)
            run(clone, "update-ref", "-d", name(old))


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


# ------------------------------------------------------------------ random concurrent edits

PID = "P-0001"
KINDS = ("meeting", "phone", "message", "employer", "team")
SCALARS = {
    "disclosure": ("yes", "no", "undecided"),
    "support_mode": ("direct", "behind_the_scenes"),
    "notes": ("", "likes mornings", "call after 10", "prefers text"),
    "x_team_flag": ("red", "green", "blue"),
}
OPEN_PHASES = ("engagement", "assessment", "plan", "job_search", "follow_up")
CLOSURE_REASONS = ("request", "moved", "other")

op = st.one_of(
    st.tuples(
        st.just("contact"),
        st.integers(1, 60),
        st.sampled_from(KINDS),
        st.sampled_from(["", "ok", "left a message"]),
    ),
    st.tuples(st.just("job"), st.integers(1, 60), st.sampled_from(["Coop", "Bar Roma"])),
    st.tuples(st.just("task"), st.integers(1, 60), st.sampled_from(["Call", "Write CV"])),
    st.tuples(st.just("set"), st.sampled_from(sorted(SCALARS)), st.integers(0, 3)),
    st.tuples(st.just("phase"), st.sampled_from(OPEN_PHASES), st.integers(1, 60)),
    st.tuples(st.just("close"), st.sampled_from(CLOSURE_REASONS), st.integers(1, 60)),
    st.tuples(st.just("done"), st.integers(0, 5), st.integers(1, 60)),
    st.tuples(st.just("end_job"), st.integers(0, 5), st.integers(1, 60)),
)
side_ops = st.lists(op, max_size=4)
rounds_st = st.lists(st.tuples(side_ops, side_ops, st.booleans()), min_size=1, max_size=3)

DAY0 = date(2026, 9, 30)


def apply_edit(data: dict[str, Any], operation: tuple) -> bool:
    """Apply one edit as the app would (the file stays valid); False when not applicable."""
    kind = operation[0]
    day = DAY0 + timedelta(
        days=operation[1] if kind in ("contact", "job", "task") else operation[-1]
    )
    if kind == "contact":
        c = {"on": day, "kind": operation[2], "by": "anna"}
        if operation[3]:
            c["note"] = operation[3]
        data.setdefault("contacts", []).append(c)
        milestones.settle(data)  # as `ipstui contact` does
    elif kind == "job":
        data.setdefault("jobs", []).append(
            {"employer": operation[2], "title": "Helper", "start": day, "competitive": True}
        )
    elif kind == "task":
        data.setdefault("tasks", []).append({"due": day, "what": operation[2]})
    elif kind == "set":
        choices = SCALARS[operation[1]]
        data[operation[1]] = choices[operation[2] % len(choices)]
    elif kind == "phase":
        if data["phase"] == operation[1]:
            return False
        data["phase"], data["phase_since"] = operation[1], day
        data.pop("closure", None)
    elif kind == "close":
        if data["phase"] == "closed":
            return False
        data["phase"], data["phase_since"] = "closed", day
        data["closure"] = {"on": day, "reason": operation[1]}
    elif kind == "done":
        open_tasks = [t for t in data.get("tasks", []) if "done_on" not in t]
        if not open_tasks:
            return False
        open_tasks[operation[1] % len(open_tasks)]["done_on"] = day
    elif kind == "end_job":
        current = [j for j in data.get("jobs", []) if "end" not in j]
        if not current:
            return False
        job = current[operation[1] % len(current)]
        job["end"] = max(day, job["start"])
        job["end_reason"] = "contract ended"
    return True


def covered(entry: dict, merged: list[dict]) -> bool:
    """The entry survives: some merged entry holds every one of its fields."""
    return any(
        all(k in m and m[k] == v and type(m[k]) is type(v) for k, v in entry.items())
        for m in merged
    )


CHECKED_FIELDS = tuple(SCALARS) + ("phase", "phase_since", "closure")


def check_nothing_lost(base: dict, sides: list[dict], out: dict, stats: Counter) -> None:
    for key in ("contacts", "jobs", "tasks"):
        merged = out.get(key, [])
        base_list = base.get(key, [])
        for side in sides:
            other = sides[1] if side is sides[0] else sides[0]
            for entry in side.get(key, []):
                if entry in base_list and entry not in other.get(key, []):
                    continue  # the other side edited this entry; its edit is what counts
                assert covered(entry, merged), (key, entry, merged)
                stats["entries checked"] += 1
    conflicts = out.get("conflicts", {})
    for field in CHECKED_FIELDS:
        for side in sides:
            if field not in side or side.get(field) == base.get(field):
                continue
            value = side[field]
            rec = conflicts.get(field, {})
            assert value in (out.get(field), rec.get("ours"), rec.get("theirs")), (field, value)
            stats["changed values checked"] += 1
    firsts = [side["first_contact_on"] for side in sides if "first_contact_on" in side]
    if firsts:
        assert out["first_contact_on"] == min(firsts)
    stats["conflict records"] += len(conflicts)
    rel = f"participants/{PID}.toml"
    assert not errors_only(participant_content_problems(out, rel, storage.dumps(out)))
