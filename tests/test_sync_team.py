"""What sync owes a team (SPEC §6): two people never become one, a broken caseload is
never pushed, every failure leaves the repository exactly as it started, the set-up is
repaired. Real git: a bare remote and clones of it in a temporary folder."""

from __future__ import annotations

import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sync_helpers import (
    GITATTRIBUTES,
    caseload_text,
    commit_participant,
    head,
    is_clean_state,
    isolate_git,
    make_team,
    participant,
    read_participant,
    run,
)

from ipstui.cli import main
from ipstui.core import storage
from ipstui.core import sync as sync_mod
from ipstui.core.renumber import next_free_id
from ipstui.core.sync import SyncError, driver_command, sync

TODAY = "2026-11-16"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    return tmp_path


@pytest.fixture
def team(env: Path) -> list[Path]:
    return make_team(env, "a", "b", "c")


def cli(repo: Path, *args: str) -> str:
    """Run an ipstui command on `repo` in-process; its stdout (fails on a non-zero exit)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-C", str(repo), "--today", TODAY, *args])
    assert code == 0, err.getvalue()
    return out.getvalue()


def new(repo: Path, name: str, specialist: str = "anna") -> str:
    return cli(repo, "new", "--name", name, "--specialist", specialist, "--referral-source", "CSM")


def by_name(repo: Path) -> dict[str, dict]:
    out = {}
    for path in sorted((repo / "participants").glob("*.toml")):
        data = storage.loads_bytes(path.read_bytes())
        assert data["id"] == path.stem
        out[data["name"]] = data
    return out


def exact_state(repo: Path) -> tuple[str, str, str, str, bool]:
    """HEAD, branch, `git status` (untracked included), the index, and MERGE_HEAD's presence."""
    return (
        head(repo),
        run(repo, "symbolic-ref", "HEAD").stdout.strip(),
        run(repo, "status", "--porcelain=v1", "--untracked-files=all").stdout,
        run(repo, "ls-files", "-s").stdout,
        (repo / ".git" / "MERGE_HEAD").exists(),
    )


def remote_head(repo: Path) -> str:
    return run(repo, "ls-remote", "origin", "refs/heads/main").stdout.split()[0]


def remove_member(repo: Path, key: str) -> None:
    text = (repo / "caseload.toml").read_text()
    data = storage.loads_bytes(text.encode())
    del data["team"][key]
    (repo / "caseload.toml").write_text(storage.dumps_plain(data))
    run(repo, "commit", "-q", "-am", f"caseload: remove {key}")


# ------------------------------------------------------------------ two people never become one


def test_add_add_keeps_both_people_on_every_clone(team: list[Path]) -> None:
    a, b, c = team
    assert new(b, "Bea B.").strip() == "P-0002"
    cli(b, "contact", "P-0002", "--kind", "meeting", "--note", "Bea's first meeting")
    assert sync(b).status == "pushed"
    assert new(a, "Carl C.").strip() == "P-0002"  # a has not seen Bea yet
    cli(a, "contact", "P-0002", "--kind", "phone", "--note", "Carl's first call")
    before = head(a)
    result = sync(a)
    assert result.status == "pushed"
    assert [(r.old, r.new) for r in result.renumbered] == [("P-0002", "P-0003")]
    assert "your P-0002 is now P-0003 (P-0002 was taken on the remote)" in result.message
    # The renumbering is its own commit, following the message convention, no names.
    commits = run(a, "rev-list", "--first-parent", f"{before}..HEAD").stdout.split()
    renum = commits[1]  # newest first: the merge, then the renumbering
    msg = run(a, "log", "-1", "--format=%B", renum).stdout
    assert msg.splitlines()[0] == "P-0002 -> P-0003: renumbered, id taken on the remote"
    assert "Participant: P-0003" in msg and "Changed: id" in msg and "Carl" not in msg
    files = run(a, "show", "--name-status", "--format=", "--no-renames", renum).stdout.split()
    assert files == ["D", "participants/P-0002.toml", "A", "participants/P-0003.toml"]
    for repo in (b, c):
        assert sync(repo).status == "pulled"
    for repo in (a, b, c):
        people = by_name(repo)
        assert people["Bea B."]["id"] == "P-0002" and people["Carl C."]["id"] == "P-0003"
        assert [x["note"] for x in people["Bea B."]["contacts"]] == ["Bea's first meeting"]
        assert [x["note"] for x in people["Carl C."]["contacts"]] == ["Carl's first call"]
        assert "conflicts" not in people["Bea B."] and "conflicts" not in people["Carl C."]
        assert is_clean_state(repo) and head(repo) == head(a)
    # Carl's history follows the file across the renumbering.
    log = cli(a, "log", "P-0003")
    assert "contacts" in log
    # Every commit since a's start keeps the convention, the renumbering included.
    assert main(["-C", str(a), "audit", "--check", "--since", before]) == 0


def test_three_clones_each_add_the_same_next_id(team: list[Path]) -> None:
    a, b, c = team
    for repo, name in ((a, "Ann A."), (b, "Bo B."), (c, "Cy C.")):
        assert new(repo, name).strip() == "P-0002"
    sync(a)
    assert [(r.old, r.new) for r in sync(b).renumbered] == [("P-0002", "P-0003")]
    assert [(r.old, r.new) for r in sync(c).renumbered] == [("P-0002", "P-0004")]
    sync(a)
    sync(b)
    ids = {repo.name: {n: d["id"] for n, d in by_name(repo).items()} for repo in team}
    assert (
        ids["a"]
        == ids["b"]
        == ids["c"]
        == {
            "Giulia R.": "P-0001",
            "Ann A.": "P-0002",
            "Bo B.": "P-0003",
            "Cy C.": "P-0004",
        }
    )


def test_byte_identical_adds_are_one_record(team: list[Path]) -> None:
    a, b, _ = team
    same = participant("P-0007", name="Dana D.")
    commit_participant(a, same, "new participant")
    commit_participant(b, same, "new participant")
    sync(a)
    result = sync(b)
    assert result.renumbered == ()
    assert sorted(p.stem for p in (b / "participants").glob("*.toml")) == ["P-0001", "P-0007"]


def test_one_record_added_on_both_sides_then_edited_is_merged(team: list[Path]) -> None:
    # The same import on two clones, each then logging a contact: one person, not two.
    a, b, _ = team
    same = participant("P-0007", name="Dana D.")
    commit_participant(a, same, "new participant")
    commit_participant(b, same, "new participant")
    for repo, day in ((a, 10), (b, 12)):
        data = read_participant(repo, "P-0007")
        data["contacts"].append({"on": date(2026, 10, day), "kind": "phone"})
        commit_participant(repo, data, "add contact (phone)")
    sync(a)
    assert sync(b).renumbered == ()
    days = [x["on"].day for x in read_participant(b, "P-0007")["contacts"]]
    assert days == [4, 10, 12]


@pytest.mark.parametrize(
    ("ours", "theirs", "want"),
    [
        ("P-0061", "P-0061", "P-0062"),  # the same id
        ("p-0061", "P-0061", "p-0062"),  # equal ignoring case: one file on macOS/Windows
        ("P-0061", "p-0061", "P-0062"),
    ],
)
def test_ids_that_clash_are_renumbered(team: list[Path], ours: str, theirs: str, want: str) -> None:
    a, b, _ = team
    commit_participant(a, participant(theirs, name="Remote R."), "new participant")
    sync(a)
    commit_participant(b, participant(ours, name="Local L."), "new participant")
    result = sync(b)
    assert [(r.old, r.new) for r in result.renumbered] == [(ours, want)]
    names = {d["id"]: n for n, d in by_name(b).items()}
    assert names[theirs] == "Remote R." and names[want] == "Local L."


@pytest.mark.parametrize(
    ("old", "taken", "want"),
    [
        ("P-0061", {"p-0061", "p-0001"}, "P-0062"),
        ("P-0061", {"p-0061", "p-0099"}, "P-0100"),  # past the highest on either side
        ("P-9999", {"p-9999"}, "P-10000"),  # wider when the width runs out
        ("E-03", {"e-03", "e-04"}, "E-05"),  # employers, any width
        ("anna-giulia", {"anna-giulia", "anna-giulia-2"}, "anna-giulia-3"),  # no number
        ("X7", {"x7", "x8", "X9"}, "X10"),
    ],
)
def test_next_free_id(old: str, taken: set[str], want: str) -> None:
    assert next_free_id(old, taken) == want


def employer(eid: str, name: str) -> str:
    return f'schema = 1\nid = "{eid}"\nname = "{name}"\nnotes = ""\n'


def test_employer_add_add_renumbers_and_references_follow(team: list[Path]) -> None:
    a, b, _ = team
    (a / "employers").mkdir()
    (a / "employers" / "E-0001.toml").write_text(employer("E-0001", "Coop"))
    run(a, "add", "-A")
    run(a, "commit", "-q", "-m", "E-0001: new employer")
    sync(a)
    (b / "employers").mkdir()
    (b / "employers" / "E-0001.toml").write_text(employer("E-0001", "Bar Roma"))
    run(b, "add", "-A")
    run(b, "commit", "-q", "-m", "E-0001: new employer")
    data = read_participant(b)
    data["jobs"] = [
        {
            "employer": "Bar Roma",
            "employer_id": "E-0001",
            "start": date(2026, 11, 2),
            "competitive": True,
        }
    ]
    data["contacts"].append({"on": date(2026, 10, 20), "kind": "employer", "employer_id": "E-0001"})
    commit_participant(b, data, "add job")
    result = sync(b)
    assert [(r.old, r.new, r.references) for r in result.renumbered] == [
        ("E-0001", "E-0002", ("P-0001",))
    ]
    assert "P-0001 now refers to E-0002" in result.message
    sync(a)
    for repo in (a, b):
        assert "Coop" in (repo / "employers" / "E-0001.toml").read_text()
        assert 'id = "E-0002"' in (repo / "employers" / "E-0002.toml").read_text()
        p = read_participant(repo)
        assert p["jobs"][0]["employer_id"] == "E-0002"
        assert p["contacts"][-1]["employer_id"] == "E-0002"
    subjects = run(b, "log", "--format=%s", "-4").stdout.splitlines()
    assert "E-0001 -> E-0002: renumbered, id taken on the remote" in subjects
    assert "P-0001: employer_id E-0001 -> E-0002 (renumbered)" in subjects


# ------------------------------------------------------------------ the merged caseload as a whole


def test_broken_merge_is_refused_and_the_start_state_restored(team: list[Path]) -> None:
    a, b, _ = team
    remove_member(a, "marco")
    sync(a)
    pushed = remote_head(a)
    new(b, "Bea B.", specialist="marco")
    start = exact_state(b)
    with pytest.raises(SyncError) as info:
        sync(b)
    msg = str(info.value)
    assert "P-0002: unknown specialist 'marco'" in msg
    assert "ipstui set ID specialist=KEY" in msg and "nothing was pushed" in msg
    assert "NOT as it started" not in msg and "\n" not in msg
    assert exact_state(b) == start
    assert remote_head(b) == pushed
    # Doing what the message says settles it.
    cli(b, "set", "P-0002", "specialist=anna")
    assert sync(b).status == "pushed"
    assert main(["-C", str(b), "validate"]) == 0


def test_removing_a_member_who_just_got_a_participant_is_refused(team: list[Path]) -> None:
    a, b, _ = team
    new(b, "Bea B.", specialist="marco")
    sync(b)
    remove_member(a, "marco")
    start = exact_state(a)
    with pytest.raises(SyncError, match=r"P-0002: unknown specialist 'marco'.*put the member back"):
        sync(a)
    assert exact_state(a) == start


def test_a_problem_both_sides_already_had_does_not_block(env: Path) -> None:
    old = participant("P-0005", specialist="ghost")  # invalid on every clone already
    a, b = make_team(env, "a", "b", participants=[participant(), old])
    commit_participant(a, participant(notes="from a"), "set notes")
    commit_participant(b, participant(disclosure="yes"), "set disclosure")
    sync(a)
    assert sync(b).status == "pushed"


def test_an_old_unknown_specialist_is_not_blamed_on_a_team_change(env: Path) -> None:
    # P-0005's specialist was unknown on every clone already; a removes marco while b
    # adds lars and edits P-0005: the merged P-0005 and the merged team are new (the
    # message lists another team), the problem is not.
    old = participant("P-0005", specialist="ghost")
    a, b = make_team(env, "a", "b", participants=[participant(), old])
    remove_member(a, "marco")
    text = (b / "caseload.toml").read_text()
    lars = '[team.lars]\nname = "Lars L."\n\n[team.anna]'
    (b / "caseload.toml").write_text(text.replace("[team.anna]", lars))
    run(b, "commit", "-q", "-am", "caseload: add lars")
    commit_participant(b, participant("P-0005", specialist="ghost", notes="b"), "set notes")
    sync(a)
    assert sync(b).status == "pushed"
    assert "[team.lars]" in (b / "caseload.toml").read_text()
    assert "[team.marco]" not in (b / "caseload.toml").read_text()


def test_whole_check_finds_ids_equal_ignoring_case_the_merge_brought_together(
    team: list[Path],
) -> None:
    # Sync renumbers add/add clashes before merging, so this check is its safety net:
    # run on a plain `git merge` of two branches that each added one of the two files.
    from ipstui.core.mergecheck import describe, introduced_problems

    a, _, _ = team
    base = head(a)
    commit_participant(a, participant("P-0009", name="One O."), "new participant")
    theirs = head(a)
    run(a, "checkout", "-q", "-b", "ours", base)
    commit_participant(a, participant("p-0009", name="Two T."), "new participant")
    ours = head(a)
    run(a, "merge", "-q", "--no-edit", theirs)
    found = introduced_problems(a, ours, theirs)
    assert sorted((b.record, b.rule) for b in found) == [
        ("P-0009", "id_case"),
        ("p-0009", "id_case"),
    ]
    msg = describe(found, "origin/main")
    assert "ids equal ignoring case: P-0009, p-0009" in msg
    assert "give P-0009, p-0009 ids that differ in more than case" in msg
    # The same clash on one side already is that side's problem, not the merge's.
    run(a, "checkout", "-q", "-b", "later", "HEAD")
    commit_participant(a, participant(notes="later"), "set notes")
    assert introduced_problems(a, head(a), ours) == []


# ------------------------------------------------------------------ every failure: exactly as it started


def test_stale_index_lock_is_refused_before_anything_starts(
    team: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_mod, "LOCK_WAIT", 0.2)
    a, b, _ = team
    commit_participant(a, participant(notes="from a"), "set notes")
    sync(a)
    commit_participant(b, participant(disclosure="yes"), "set disclosure")
    lock = b / ".git" / "index.lock"
    lock.write_text("")
    start = exact_state(b)
    with pytest.raises(SyncError) as info:
        sync(b)
    assert str(lock) in str(info.value) and "delete that file" in str(info.value)
    assert exact_state(b) == start
    lock.unlink()
    assert run(b, "status").stdout.count("merging") == 0
    assert sync(b).status == "pushed" and is_clean_state(b)


def test_lock_taken_during_the_merge_is_waited_for_and_rollback_verified(
    team: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_mod, "LOCK_WAIT", 5.0)
    a, b, _ = team
    commit_participant(a, participant(notes="from a"), "set notes")
    sync(a)
    commit_participant(b, participant(disclosure="yes"), "set disclosure")
    lock = b / ".git" / "index.lock"
    start = exact_state(b)

    def progress(message: str) -> None:
        if message.startswith("Merging"):
            lock.write_text("")  # another program takes the lock: git merge fails
            threading.Timer(0.5, lock.unlink).start()  # ... and lets it go

    with pytest.raises(SyncError) as info:
        sync(b, progress=progress)
    assert "index.lock" in str(info.value)
    assert "NOT as it started" not in str(info.value)
    assert exact_state(b) == start


def test_rollback_that_cannot_finish_says_so(
    team: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_mod, "LOCK_WAIT", 0.3)
    a, b, _ = team
    commit_participant(a, participant(notes="from a"), "set notes")
    sync(a)
    commit_participant(b, participant(disclosure="yes"), "set disclosure")
    lock = b / ".git" / "index.lock"
    start = exact_state(b)

    def progress(message: str) -> None:
        if message.startswith("Merging"):
            lock.write_text("")  # held for good

    with pytest.raises(SyncError) as info:
        sync(b, progress=progress)
    msg = str(info.value)

    assert (b / ".git" / "MERGE_HEAD").exists()
    assert "NOT as it started" in msg and "git merge --abort" in msg
    lock.unlink()
    run(b, "merge", "--abort", check=False)
    assert exact_state(b) == start


def test_pre_receive_rejection_text_is_shown_and_the_merge_undone(team: list[Path]) -> None:
    a, b, _ = team
    commit_participant(a, participant(notes="from a"), "set notes")
    sync(a)
    hook = a.parent / "remote.git" / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\necho 'caseload frozen for the quarterly audit' >&2\n"
        "echo 'ask Anna before pushing' >&2\nexit 1\n"
    )
    hook.chmod(0o755)
    commit_participant(b, participant(disclosure="yes"), "set disclosure")
    start = exact_state(b)
    with pytest.raises(SyncError) as info:
        sync(b)
    msg = str(info.value)
    assert "refused the push" in msg and "pre-receive hook declined" in msg
    assert "caseload frozen for the quarterly audit / ask Anna before pushing" in msg
    assert exact_state(b) == start


# ------------------------------------------------------------------ set-up checked and repaired


@pytest.mark.parametrize(
    ("attributes", "want_lines"),
    [
        (None, ["participants/*.toml merge=ipstui", "employers/*.toml merge=ipstui"]),
        ("participants/*.toml merge=ipstui\n", None),  # employers/ missing
        ("participants/*.toml merge=ipstui\nemployers/*.toml merge=ipstui\n", None),
        ("participants/*.toml merge=union text\n*.md text\n", None),
        ("participants/*.toml -merge\r\n", None),
    ],
)
def test_gitattributes_is_checked_and_repaired(
    team: list[Path], attributes: str | None, want_lines: list[str] | None
) -> None:
    a, b, _ = team
    path = a / ".gitattributes"
    if attributes is None:
        run(a, "rm", "-q", ".gitattributes")
    else:
        path.write_bytes(attributes.encode())
    run(a, "add", "-A")
    run(a, "commit", "-q", "--allow-empty", "-m", "attributes changed by hand")
    result = sync(a)
    broken = attributes != GITATTRIBUTES
    assert (".gitattributes" in result.repaired) == broken
    sync(b)
    for repo in (a, b):
        for sample in ("participants/P-0001.toml", "employers/E-0001.toml"):
            got = run(repo, "check-attr", "merge", "--", sample).stdout.strip()
            assert got.endswith("merge: ipstui"), got
    text = path.read_text()
    if want_lines is not None:
        assert text.splitlines() == want_lines
    if attributes and "text" in attributes:
        assert "participants/*.toml text merge=ipstui" in text and "*.md text" in text
    if attributes and "\r\n" in attributes:
        assert path.read_bytes().count(b"\r\n") == 2


def test_repair_is_one_commit_and_is_pushed(team: list[Path]) -> None:
    a, b, _ = team
    (a / ".gitattributes").write_text("participants/*.toml merge=union\n")
    run(a, "commit", "-q", "-am", "attributes changed by hand")
    before = head(a)
    result = sync(a)
    assert result.repaired == ("merge driver config", ".gitattributes")  # a plain clone
    assert "repaired .gitattributes" in result.message
    assert run(a, "rev-list", "--count", f"{before}..HEAD").stdout.strip() == "1"
    sync(b)
    assert (b / ".gitattributes").read_text() == (a / ".gitattributes").read_text()


def test_attributes_overridden_elsewhere_are_named_and_nothing_changes(team: list[Path]) -> None:
    a, _, _ = team
    (a / ".git" / "info").mkdir(exist_ok=True)
    (a / ".git" / "info" / "attributes").write_text("participants/*.toml merge=union\n")
    start = exact_state(a)
    with pytest.raises(
        SyncError, match=r"participants/\*\.toml merge=union.*\.git/info/attributes"
    ):
        sync(a)
    assert exact_state(a) == start


def test_driver_config_is_repaired_with_this_interpreter(team: list[Path]) -> None:
    a, b, _ = team
    run(a, "config", "merge.ipstui.driver", "python3 -m ipstui.core.merge %O %A %B %P")
    result = sync(a)
    assert "merge driver config" in result.repaired
    got = run(a, "config", "--get", "merge.ipstui.driver").stdout.strip()
    assert got == driver_command() and sys.executable in got
    # And git can run it from a plain sh: a real field-by-field merge.
    commit_participant(b, participant(notes="from b"), "set notes")
    sync(b)
    commit_participant(a, participant(disclosure="yes"), "set disclosure")
    assert sync(a).status == "pushed"
    data = read_participant(a)
    assert (data["notes"], data["disclosure"]) == ("from b", "yes")


def test_caseload_text_is_valid() -> None:
    assert "[team.marco]" in caseload_text()


def test_conflict_from_a_sync_is_settled_with_resolve_and_synced(team: list[Path]) -> None:
    a, b, _ = team
    commit_participant(a, participant(disclosure="yes"), "set disclosure")
    commit_participant(b, participant(disclosure="no"), "set disclosure")
    sync(a)
    assert sync(b).conflicts == ("P-0001",)
    out = cli(b, "resolve", "P-0001", "disclosure", "--theirs")
    assert "P-0001: resolve disclosure" in out
    sync(b)
    sync(a)
    for repo in (a, b):
        data = read_participant(repo)
        assert data["disclosure"] == "yes" and "conflicts" not in data
        assert main(["-C", str(repo), "validate"]) == 0


def test_clash_with_a_local_file_that_is_not_toml_is_refused_cleanly(team: list[Path]) -> None:
    a, b, _ = team
    commit_participant(a, participant("P-0002", name="Remote R."), "new participant")
    sync(a)
    (b / "participants" / "P-0002.toml").write_text('id = "P-0002"\nname = = "broken"\n')
    run(b, "add", "-A")
    run(b, "commit", "-q", "-m", "P-0002: hand-made")
    start = exact_state(b)
    with pytest.raises(SyncError, match="participants/P-0002.toml was also added on the remote"):
        sync(b)
    assert exact_state(b) == start


def test_renumbering_refused_by_a_commit_hook_leaves_everything_as_it_was(
    team: list[Path],
) -> None:
    a, b, _ = team
    new(a, "Carl C.")
    sync(a)
    new(b, "Bea B.")
    hook = b / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'no commits during the audit' >&2\nexit 1\n")
    hook.chmod(0o755)
    start = exact_state(b)
    with pytest.raises(SyncError, match="no commits during the audit"):
        sync(b)
    assert exact_state(b) == start
    hook.unlink()
    assert [(r.old, r.new) for r in sync(b).renumbered] == [("P-0002", "P-0003")]


@pytest.mark.parametrize(
    ("change_name", "subject", "want"),
    [
        (False, "P-0001 -> P-0009: renumbered, id taken on the remote", None),
        (True, "P-0001 -> P-0009: renumbered, id taken on the remote", "changes more than the id"),
        (False, "P-0009: renumbered", "subject is not `P-0001 -> P-0009: renumbered"),
    ],
)
def test_audit_check_knows_a_renumbering(
    team: list[Path],
    capsys: pytest.CaptureFixture[str],
    change_name: bool,
    subject: str,
    want: str | None,
) -> None:
    a, _, _ = team
    start = head(a)
    data = read_participant(a)
    data["id"] = "P-0009"
    if change_name:
        data["name"] = "Someone Else"
    run(a, "rm", "-q", "participants/P-0001.toml")
    (a / "participants").mkdir(exist_ok=True)
    (a / "participants" / "P-0009.toml").write_text(storage.dumps(data))
    run(a, "add", "-A")
    msg = f"{subject}\n\nid: P-0001 -> P-0009\n\nParticipant: P-0009\nChanged: id\nRenumbered-from: P-0001\n"
    run(a, "commit", "-q", "-m", msg)
    code = main(["-C", str(a), "audit", "--check", "--since", start])
    out = capsys.readouterr().out
    if want is None:
        assert code == 0, out
    else:
        assert code == 1 and want in out
