"""`ipstui sync` against real bare remotes and clones in temporary folders."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sync_helpers import (
    GITATTRIBUTES,
    PID,
    apply_edit,
    caseload_text,
    check_nothing_lost,
    commit_participant,
    head,
    is_clean_state,
    isolate_git,
    make_team,
    participant,
    read_participant,
    rounds_st,
    run,
    write_participant,
)

from ipstui.core.sync import SyncError, driver_command, status, sync
from ipstui.core.validate import errors_only, participant_content_problems

D = date
EXAMPLES = int(os.environ.get("IPSTUI_PROPERTY_EXAMPLES", "20"))
"""Scenarios of the random property test (CI's long run sets more)."""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    return tmp_path


@pytest.fixture
def team(env: Path) -> list[Path]:
    return make_team(env, "a", "b", "c")


def add_contact(repo: Path, day: int, kind: str = "phone", note: str = "") -> str:
    data = read_participant(repo)
    c: dict[str, Any] = {"on": D(2026, 10, day), "kind": kind, "by": "anna"}
    if note:
        c["note"] = note
    data["contacts"].append(c)
    return commit_participant(repo, data, f"add contact ({kind})")


def set_fields(repo: Path, **fields: Any) -> str:
    data = read_participant(repo)
    data.update(fields)
    return commit_participant(repo, data, "set " + ", ".join(fields))


def converged(*repos: Path) -> None:
    heads = {head(r) for r in repos}
    assert len(heads) == 1, heads
    texts = {(r / "participants" / f"{PID}.toml").read_text() for r in repos}
    assert len(texts) == 1
    for r in repos:
        assert is_clean_state(r)


# ------------------------------------------------------------------ the scenarios


def test_concurrent_contacts_on_one_participant(team: list[Path]) -> None:
    a, b, _ = team
    add_contact(a, 10, note="from a")
    add_contact(b, 12, "employer", note="from b")
    add_contact(b, 8, note="b, earlier")
    r1 = sync(a)
    assert (r1.status, r1.ahead, r1.behind) == ("pushed", 1, 0)
    r2 = sync(b)
    assert (r2.status, r2.ahead, r2.behind) == ("pushed", 3, 1)  # two commits and the merge
    assert r2.conflicts == ()
    r3 = sync(a)
    assert (r3.status, r3.behind) == ("pulled", 3)
    converged(a, b)
    notes = [c.get("note", "") for c in read_participant(a)["contacts"]]
    assert notes == ["First meeting.", "b, earlier", "from a", "from b"]
    assert sync(a).status == "in_sync"
    # The merge commit is one, with both sides as parents.
    parents = run(a, "log", "-1", "--format=%P", r2_merge := head(b)).stdout.split()
    assert len(parents) == 2 and r2_merge


def test_same_scalar_changed_on_both_sides_records_a_conflict(team: list[Path]) -> None:
    a, b, _ = team
    a_commit = set_fields(a, disclosure="yes")
    set_fields(b, disclosure="no")
    sync(a)
    result = sync(b)
    assert result.status == "conflicts"
    assert result.conflicts == (PID,)
    assert PID in result.message and "1 participant needs a decision" in result.message
    data = read_participant(b)
    assert data["disclosure"] == "no"
    assert data["conflicts"]["disclosure"] == {
        "ours": "no",
        "theirs": "yes",
        "base": "undecided",
        "theirs_commit": a_commit[:7],
    }
    problems = participant_content_problems(
        data, f"participants/{PID}.toml", (b / "participants" / f"{PID}.toml").read_text()
    )
    assert not errors_only(problems)
    assert any("needs a decision: Disclosure (disclosure)" in p.message for p in problems)
    sync(a)
    converged(a, b)


def test_phase_move_on_one_side_and_contact_on_the_other(team: list[Path]) -> None:
    a, b, _ = team
    set_fields(a, phase="follow_up", phase_since=D(2026, 11, 2))
    add_contact(b, 20, "employer")
    sync(b)
    result = sync(a)
    assert result.status == "pushed" and result.conflicts == ()
    sync(b)
    converged(a, b)
    data = read_participant(b)
    assert (data["phase"], data["phase_since"]) == ("follow_up", D(2026, 11, 2))
    assert data["contacts"][-1]["kind"] == "employer"
    assert "conflicts" not in data


def test_push_race_is_retried(team: list[Path]) -> None:
    a, b, c = team
    add_contact(b, 15, note="from b")
    add_contact(c, 16, note="from c")
    raced = []
    messages: list[str] = []

    def progress(message: str) -> None:
        messages.append(message)
        if message.startswith("Pushing") and not raced:
            raced.append(sync(c))  # the remote moves on between b's fetch and push

    result = sync(b, progress=progress)
    assert result.status == "pushed" and result.attempts == 2
    assert any("moved on meanwhile" in m for m in messages)
    sync(c)
    converged(b, c)
    notes = [x.get("note") for x in read_participant(c)["contacts"]]
    assert notes[-2:] == ["from b", "from c"]
    # One merge commit, not a chain of them.
    merges = run(b, "rev-list", "--merges", "--count", "HEAD").stdout.strip()
    assert merges == "1"


def test_push_race_gives_up_after_bounded_retries(team: list[Path]) -> None:
    a, b, c = team
    add_contact(b, 15)
    start = head(b)
    day = iter(range(1, 28))

    def progress(message: str) -> None:
        if message.startswith("Pushing"):
            add_contact(c, next(day))
            run(c, "pull", "-q", "--no-rebase")
            run(c, "push", "-q")

    with pytest.raises(SyncError, match="kept moving on"):
        sync(b, max_retries=2, progress=progress)
    assert head(b) == start and is_clean_state(b)


def test_no_remote_is_a_clear_message(env: Path) -> None:
    (a,) = make_team(env, "a")
    run(a, "remote", "remove", "origin")
    with pytest.raises(SyncError, match="no remote to sync with.*git remote add origin"):
        sync(a)


def test_several_remotes_without_upstream_is_a_clear_message(env: Path) -> None:
    (a,) = make_team(env, "a")
    url = run(a, "remote", "get-url", "origin").stdout.strip()
    run(a, "remote", "rename", "origin", "team")
    run(a, "remote", "add", "backup", url)
    run(a, "branch", "--unset-upstream")
    with pytest.raises(SyncError, match="no upstream and there are several remotes"):
        sync(a)
    run(a, "branch", "--set-upstream-to=team/main")
    assert sync(a).status == "in_sync"


def test_unreachable_remote_keeps_local_commits(team: list[Path]) -> None:
    a, _, _ = team
    mine = add_contact(a, 11)
    run(a, "remote", "set-url", "origin", str(a.parent / "gone.git"))
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert "could not fetch from origin" in msg and "local commits are kept" in msg
    assert "\n" not in msg
    assert head(a) == mine and is_clean_state(a)


def test_network_failure_over_http_fails_fast(team: list[Path]) -> None:
    a, _, _ = team
    mine = add_contact(a, 11)
    run(a, "remote", "set-url", "origin", "http://anna:s3cret@127.0.0.1:9/caseload.git")
    t0 = time.perf_counter()
    with pytest.raises(SyncError, match="could not be reached") as info:
        sync(a)
    assert time.perf_counter() - t0 < 10
    assert "s3cret" not in str(info.value) and "127.0.0.1:9" in str(info.value)
    assert head(a) == mine and is_clean_state(a)


def test_push_failure_after_a_merge_rolls_the_merge_back(team: list[Path]) -> None:
    a, b, _ = team
    add_contact(a, 11)
    sync(a)
    mine = add_contact(b, 12)
    run(b, "remote", "set-url", "--push", "origin", str(b.parent / "gone.git"))
    with pytest.raises(SyncError, match="could not push to origin.*local commits are kept"):
        sync(b)
    assert head(b) == mine and is_clean_state(b)
    run(b, "remote", "set-url", "--push", "origin", str(b.parent / "remote.git"))
    assert sync(b).status == "pushed"


def test_cli_sync(team: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    from ipstui.cli import main

    a, _, _ = team
    add_contact(a, 11)
    assert main(["sync", "-C", str(a)]) == 0
    out = capsys.readouterr()
    assert "pushed 1 commit to origin/main" in out.out
    run(a, "remote", "remove", "origin")
    assert main(["sync", "-C", str(a)]) == 1
    err = capsys.readouterr().err
    assert "no remote to sync with" in err and "Traceback" not in err


def test_push_refused_by_the_remote(team: list[Path]) -> None:
    a, _, _ = team
    hook = a.parent / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'caseload is read-only today' >&2\nexit 1\n")
    hook.chmod(0o755)
    mine = add_contact(a, 11)
    with pytest.raises(SyncError, match="refused the push"):
        sync(a)
    assert head(a) == mine and is_clean_state(a)


def test_uncommitted_changes_are_refused_naming_the_files(team: list[Path]) -> None:
    a, _, _ = team
    start = head(a)
    (a / "participants" / f"{PID}.toml").write_text("hand edit\n")
    (a / "participants" / "P-0002.toml").write_text("new, not added\n")
    (a / "notes.txt").write_text("untracked, unrelated: ignored\n")
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert f"participants/{PID}.toml" in msg and "participants/P-0002.toml" in msg
    assert "notes.txt" not in msg
    assert head(a) == start


def test_caseload_toml_changes_merge_by_lines(team: list[Path]) -> None:
    a, b, _ = team
    text = (a / "caseload.toml").read_text()
    (a / "caseload.toml").write_text(text.replace("due_soon_days = 3", "due_soon_days = 5"))
    run(a, "commit", "-q", "-am", "caseload: due soon 5")
    (b / "caseload.toml").write_text(text + "\n[rules]\nprogram_review = true\n")
    run(b, "commit", "-q", "-am", "caseload: program review")
    sync(a)
    sync(b)
    sync(a)
    merged = (a / "caseload.toml").read_text()
    assert "due_soon_days = 5" in merged and "program_review = true" in merged
    converged(a, b)


def test_caseload_toml_conflict_is_rolled_back(team: list[Path]) -> None:
    a, b, _ = team
    text = (a / "caseload.toml").read_text()
    (a / "caseload.toml").write_text(text.replace("due_soon_days = 3", "due_soon_days = 5"))
    run(a, "commit", "-q", "-am", "caseload: due soon 5")
    (b / "caseload.toml").write_text(text.replace("due_soon_days = 3", "due_soon_days = 7"))
    run(b, "commit", "-q", "-am", "caseload: due soon 7")
    start = head(b)
    sync(a)
    with pytest.raises(SyncError) as info:
        sync(b)
    assert "caseload.toml" in str(info.value) and "nothing was changed" in str(info.value)
    assert head(b) == start and is_clean_state(b)
    assert "due_soon_days = 7" in (b / "caseload.toml").read_text()


def test_deleted_on_one_side_and_edited_on_the_other(team: list[Path]) -> None:
    a, b, _ = team
    run(a, "rm", "-q", f"participants/{PID}.toml")
    run(a, "commit", "-q", "-m", "remove")
    sync(a)
    set_fields(b, disclosure="yes")
    start = head(b)
    with pytest.raises(SyncError, match="deleted on one side and changed on the other"):
        sync(b)
    assert head(b) == start and is_clean_state(b)


def test_merge_driver_that_cannot_run_is_reported(
    team: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = team
    set_fields(a, disclosure="yes")
    sync(a)
    set_fields(b, notes="from b")
    start = head(b)
    monkeypatch.setenv("PYTHONHOME", "/nonexistent")  # the driver's interpreter cannot start
    with pytest.raises(SyncError, match="merge driver could not run"):
        sync(b)
    assert head(b) == start and is_clean_state(b)


def test_merge_producing_an_invalid_file_is_rolled_back(team: list[Path]) -> None:
    a, b, _ = team
    rel = f"participants/{PID}.toml"
    # A hand edit committed with git alone, not valid TOML, reaches the remote.
    (a / rel).write_text((a / rel).read_text() + "\nbroken = = 1\n")
    run(a, "commit", "-q", "-am", "hand edit")
    run(a, "push", "-q", "origin", "HEAD")  # sync itself refuses to push it (trial 7 item 7)
    set_fields(b, disclosure="yes")
    start = head(b)
    # The merge driver refuses to merge a version it cannot read (git's own conflict).
    with pytest.raises(SyncError, match=f"{rel}: theirs version is not valid TOML"):
        sync(b)
    assert head(b) == start and is_clean_state(b)


def test_plain_clone_gets_the_merge_driver_config(team: list[Path]) -> None:
    a, _, _ = team
    assert run(a, "config", "--local", "--get", "merge.ipstui.driver", check=False).stdout == ""
    sync(a)
    got = run(a, "config", "--local", "--get", "merge.ipstui.driver").stdout.strip()
    assert got == driver_command()


def test_refuses_detached_head_and_a_merge_in_progress(team: list[Path]) -> None:
    a, b, _ = team
    run(a, "checkout", "-q", "--detach")
    with pytest.raises(SyncError, match="detached"):
        sync(a)
    run(a, "checkout", "-q", "main")
    gd = a / ".git"
    (gd / "MERGE_HEAD").write_text(head(a) + "\n")
    with pytest.raises(SyncError, match="a merge is in progress"):
        sync(a)
    (gd / "MERGE_HEAD").unlink()


def test_first_push_to_an_empty_remote_sets_upstream(env: Path) -> None:
    (a,) = make_team(env, "a")
    empty = env / "empty.git"
    run(env, "init", "-q", "--bare", str(empty))
    run(a, "remote", "remove", "origin")
    run(a, "remote", "add", "origin", str(empty))
    assert status(a).upstream == "origin/main"
    result = sync(a)
    assert result.status == "pushed" and result.ahead == 1
    assert run(a, "rev-parse", "--abbrev-ref", "main@{upstream}").stdout.strip() == "origin/main"
    assert sync(a).status == "in_sync"


def test_caseload_in_a_subfolder_of_the_work_tree(env: Path) -> None:
    remote = env / "remote.git"
    run(env, "init", "-q", "--bare", str(remote))
    seed = env / "seed"
    run(env, "init", "-q", str(seed))
    team_dir = seed / "teams" / "nord"
    team_dir.mkdir(parents=True)
    (team_dir / "caseload.toml").write_text(caseload_text())
    (team_dir / ".gitattributes").write_text(GITATTRIBUTES)
    (seed / "README").write_text("several caseloads\n")
    write_participant(team_dir, participant())
    run(seed, "add", "-A")
    run(seed, "commit", "-q", "-m", "create")
    run(seed, "push", "-q", str(remote), "HEAD:refs/heads/main")
    a, b = env / "a", env / "b"
    run(env, "clone", "-q", str(remote), str(a))
    run(env, "clone", "-q", str(remote), str(b))
    ca, cb = a / "teams" / "nord", b / "teams" / "nord"
    set_fields(ca, disclosure="yes")
    set_fields(cb, disclosure="no")
    (cb / "participants" / "P-0009.toml").write_text("not yet added\n")
    with pytest.raises(SyncError, match=r"uncommitted changes in participants/P-0009\.toml"):
        sync(cb)
    (cb / "participants" / "P-0009.toml").unlink()
    sync(ca)
    result = sync(cb)
    assert result.status == "conflicts" and result.conflicts == (PID,)
    assert read_participant(cb)["conflicts"]["disclosure"]["theirs"] == "yes"
    sync(ca)
    assert head(a) == head(b)


def test_status_without_network(team: list[Path]) -> None:
    a, b, _ = team
    assert status(a) == status(a).__class__(0, 0, True, "origin/main")
    add_contact(a, 11)
    add_contact(a, 12)
    assert (status(a).ahead, status(a).behind) == (2, 0)
    sync(a)
    add_contact(b, 13)
    run(b, "fetch", "-q")
    s = status(b)
    assert (s.ahead, s.behind, s.has_remote) == (1, 2, True)


def test_missing_identity_for_a_merge_is_refused_cleanly(
    team: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = team
    add_contact(a, 11)
    sync(a)
    add_contact(b, 12)
    start = head(b)
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    with pytest.raises(SyncError, match="no git identity"):
        sync(b)
    assert head(b) == start and is_clean_state(b)


# ------------------------------------------------------------------ property test


@pytest.mark.slow  # ~1 min alone: outside the README's command, run by .ci/run (-m slow)
def test_random_concurrent_edits_lose_nothing(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stats: Counter = Counter()
    t0 = time.perf_counter()
    template = env / "template"
    template.mkdir()
    make_team(template, "a", "b")
    # Two specialists, two identities: with one shared identity, the same edit made on
    # both clones in the same second is the very same commit, and git rightly treats a
    # later edit on one side as superseding it, which is not what this test is about.
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    for name in ("a", "b"):
        run(template / name, "config", "user.name", f"Specialist {name}")
        run(template / name, "config", "user.email", f"{name}@example.org")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(rounds=rounds_st)
    def scenario(rounds: list[tuple[list, list, bool]]) -> None:
        stats["scenarios"] += 1
        folder = Path(tempfile.mkdtemp(dir=env, prefix="scenario-"))
        # Copies of one freshly cloned team (plain clones: no merge driver configured).
        for name in ("remote.git", "a", "b"):
            shutil.copytree(template / name, folder / name, symlinks=True)
        a, b = folder / "a", folder / "b"
        for clone in (a, b):
            run(clone, "remote", "set-url", "origin", str(folder / "remote.git"))
        for ops_a, ops_b, a_first in rounds:
            stats["rounds"] += 1
            base = read_participant(a)
            sides = []
            for repo, ops in ((a, ops_a), (b, ops_b)):
                data = read_participant(repo)
                for operation in ops:
                    before = copy.deepcopy(data)
                    if apply_edit(data, operation) and data != before:
                        commit_participant(repo, copy.deepcopy(data), operation[0])
                        stats["edits"] += 1
                sides.append(read_participant(repo))
            first, second = (a, b) if a_first else (b, a)
            sync(first)
            result = sync(second)
            sync(first)
            stats["syncs"] += 3
            stats[f"status {result.status}"] += 1
            converged(a, b)
            check_nothing_lost(base, sides, read_participant(a), stats)
        shutil.rmtree(folder)

    scenario()
    elapsed = time.perf_counter() - t0
    with capsys.disabled():
        print(
            f"\nproperty test: {stats['scenarios']} random concurrent scenarios, "
            f"{stats['rounds']} rounds, {stats['edits']} edits, {stats['syncs']} syncs in "
            f"{elapsed:.1f}s; {stats['entries checked']} entries and "
            f"{stats['changed values checked']} changed values checked, nothing lost; "
            f"{stats['conflict records']} conflict records; "
            + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items()) if k.startswith("status"))
        )
    assert stats["scenarios"] >= EXAMPLES
