"""A save is a transaction (SPEC §5), in real repositories: the refusals (detached HEAD,
operations stopped half-way, links out of the caseload, case-only ids, a busy
index.lock, no identity), the set-ups that must simply work (autocrlf and CRLF files,
GIT_DIR pointing elsewhere, `[author]`-only identity, `EMAIL`, a worktree), and that a
commit git did not make as asked is never reported as saved.

Every refusal: exit 1, one line on stderr, no traceback, HEAD and the work tree as
they were."""

from __future__ import annotations

import shutil
import subprocess
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui import cli
from ipstui.core import gitio

TODAY = "2026-11-16"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`ipstui ARGS -C root --today TODAY` in this process."""

    def _run(*args: str, root: Path | None = None, today: str = TODAY) -> Result:
        argv = [*args, "--today", today]
        if root is not None:
            argv += ["-C", str(root)]
        capsys.readouterr()
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


@pytest.fixture
def cl(caseload_dir: Path, run: Callable[..., Result]) -> Path:
    """A caseload holding P-0001 and P-0002, committed."""
    for name in ("Ada", "Bea"):
        res = run(
            "new", "--name", name, "--specialist", "anna", "--referral-source", "CSM",
            root=caseload_dir,
        )  # fmt: skip
        assert res.code == 0, res.err
    return caseload_dir


def snapshot(root: Path) -> tuple[str, str, dict[str, bytes]]:
    """HEAD, `git status`, and every participant file's bytes."""
    files = {
        p.name: p.read_bytes()
        for p in sorted((root / "participants").glob("*.toml"))
        if p.is_file() and not p.is_symlink()
    }
    head = git(root, "rev-parse", "HEAD").strip()
    return head, git(root, "status", "--porcelain", "--untracked-files=all"), files


def assert_refused(res: Result, *words: str) -> None:
    assert res.code == 1, (res.code, res.out, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    for word in words:
        assert word in lines[0], lines[0]


def contact(run: Callable[..., Result], root: Path, pid: str = "P-0001", note: str = "hi"):
    return run("contact", pid, "--kind", "phone", "--by", "anna", "--note", note, root=root)


# ---------------------------------------------------------------- repository states


def _diverged(root: Path) -> None:
    """`side` and `main` both changed line 1 of notes.txt: any merge of them conflicts."""
    (root / "notes.txt").write_text("base\n")
    git(root, "add", "notes.txt")
    git(root, "commit", "-qm", "base")
    git(root, "branch", "side")
    (root / "notes.txt").write_text("main\n")
    git(root, "commit", "-qam", "main side")
    git(root, "switch", "-q", "side")
    (root / "notes.txt").write_text("side\n")
    git(root, "commit", "-qam", "side side")
    git(root, "switch", "-q", "main")


def _stop(root: Path, *args: str) -> None:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert proc.returncode != 0, f"git {args} was expected to stop on a conflict"


def _merge(root: Path) -> None:
    _stop(root, "merge", "side")


def _rebase_merge(root: Path) -> None:
    git(root, "switch", "-q", "side")
    _stop(root, "rebase", "main")


def _rebase_apply(root: Path) -> None:
    git(root, "switch", "-q", "side")
    _stop(root, "rebase", "--apply", "main")


def _cherry_pick(root: Path) -> None:
    _stop(root, "cherry-pick", "side")


def _revert(root: Path) -> None:
    (root / "notes.txt").write_text("later\n")
    git(root, "commit", "-qam", "later")
    _stop(root, "revert", "--no-edit", "HEAD~1")


def _bisect(root: Path) -> None:
    git(root, "bisect", "start")


def _detached(root: Path) -> None:
    git(root, "switch", "-q", "--detach", "HEAD")


STATES: list[tuple[str, Callable[[Path], None], str]] = [
    ("merge", _merge, "a merge is in progress"),
    ("rebase", _rebase_merge, "a rebase is in progress"),
    ("rebase --apply", _rebase_apply, "a rebase (or `git am`) is in progress"),
    ("cherry-pick", _cherry_pick, "a cherry-pick is in progress"),
    ("revert", _revert, "a revert is in progress"),
    ("bisect", _bisect, "a bisect is in progress"),
    ("detached HEAD", _detached, "HEAD is detached"),
]


@pytest.mark.parametrize(
    "make_state,words", [(m, w) for _, m, w in STATES], ids=[s[0] for s in STATES]
)
def test_no_edit_in_a_state_where_the_commit_would_be_lost(
    cl: Path, run: Callable[..., Result], make_state: Callable[[Path], None], words: str
) -> None:
    _diverged(cl)
    make_state(cl)
    before = snapshot(cl)
    assert_refused(contact(run, cl), words, "nothing was written")
    res = run("new", "--name", "Cleo", "--specialist", "anna", "--referral-source", "CSM", root=cl)
    assert_refused(res, words)
    assert snapshot(cl) == before


# ---------------------------------------------------------------- paths


def test_symlinked_participants_folder_is_never_written_through(
    cl: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    shutil.move(str(cl / "participants"), outside)
    (cl / "participants").symlink_to(outside, target_is_directory=True)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    head = git(cl, "rev-parse", "HEAD")
    assert_refused(contact(run, cl), "participants is a symbolic link", "not a folder")
    res = run("new", "--name", "Cleo", "--specialist", "anna", "--referral-source", "CSM", root=cl)
    assert_refused(res, "participants is a symbolic link", "not a folder")
    assert {p.name: p.read_bytes() for p in outside.iterdir()} == before
    assert git(cl, "rev-parse", "HEAD") == head


def test_symlinked_participant_file_is_never_written_through(
    cl: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.toml"
    shutil.copy(cl / "participants" / "P-0001.toml", target)
    (cl / "participants" / "P-0001.toml").unlink()
    (cl / "participants" / "P-0001.toml").symlink_to(target)
    raw = target.read_bytes()
    assert_refused(contact(run, cl), "resolves outside")
    assert target.read_bytes() == raw


def test_a_participant_path_that_is_a_folder_is_one_line(
    cl: Path, run: Callable[..., Result]
) -> None:
    (cl / "participants" / "P-0009.toml").mkdir()
    before = snapshot(cl)
    assert_refused(contact(run, cl, "P-0009"), "P-0009.toml is a folder")
    assert snapshot(cl) == before


@pytest.mark.parametrize(
    "existing,new_id",
    [("P-0001", "p-0001"), ("P-0001", "P-0001"), ("P-0002", "p-0002")],
)
def test_ids_that_differ_only_in_case_are_one_participant(
    cl: Path, run: Callable[..., Result], existing: str, new_id: str
) -> None:
    before = snapshot(cl)
    res = run(
        "new", "--id", new_id, "--name", "Twin", "--specialist", "anna",
        "--referral-source", "CSM", root=cl,
    )  # fmt: skip
    assert_refused(res, existing, "already exists")
    assert snapshot(cl) == before


def test_a_new_participant_never_reuses_a_file_deleted_but_not_committed(
    cl: Path, run: Callable[..., Result]
) -> None:
    (cl / "participants" / "P-0002.toml").unlink()
    before = snapshot(cl)
    res = run("new", "--name", "Eve", "--specialist", "anna", "--referral-source", "CSM", root=cl)
    assert_refused(res, "P-0002.toml", "not committed")
    assert snapshot(cl) == before


# ---------------------------------------------------------------- index.lock


def test_a_stale_index_lock_is_named_after_a_bounded_wait(
    cl: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitio, "INDEX_LOCK_WAIT", 0.3)
    lock = cl / ".git" / "index.lock"
    lock.write_bytes(b"")
    before = snapshot(cl)
    assert_refused(contact(run, cl), str(lock), "delete")
    assert snapshot(cl) == before


def test_gits_own_index_lock_failure_is_recognised(cl: Path) -> None:
    # git names the lock only in the first of its 7 lines: the retry must look there.
    (cl / ".git" / "index.lock").write_bytes(b"")
    (cl / "participants" / "P-0001.toml").write_text("x = 1\n")
    with pytest.raises(gitio.GitError) as info:
        gitio.git(cl, "commit", "-qm", "x", "--", "participants/P-0001.toml")
    assert gitio.is_index_lock_error(info.value)


def test_an_index_lock_released_during_the_wait_lets_the_edit_through(
    cl: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gitio, "INDEX_LOCK_WAIT", 10.0)
    lock = cl / ".git" / "index.lock"
    lock.write_bytes(b"")
    timer = threading.Timer(0.4, lock.unlink)
    timer.start()
    n = commit_count(cl)
    try:
        res = contact(run, cl, note="after the lock")
    finally:
        timer.join()
    assert res.code == 0, res.err
    assert commit_count(cl) == n + 1


# ---------------------------------------------------------------- identity


def test_no_identity_is_refused_before_writing(
    cl: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    monkeypatch.delenv("EMAIL", raising=False)
    before = snapshot(cl)
    assert_refused(contact(run, cl), "no git identity", "user.email")
    assert snapshot(cl) == before


@pytest.mark.parametrize(
    "config,env,author",
    [
        (
            {"author.name": "Au Thor", "author.email": "au@example.org"},
            {},
            "Au Thor <au@example.org>",
        ),
        ({"user.name": "Us Er"}, {"EMAIL": "us@example.org"}, "Us Er <us@example.org>"),
        ({"user.name": "Us Er", "user.email": "cfg@example.org"}, {}, "Us Er <cfg@example.org>"),
    ],
    ids=["author-only config", "user.name + EMAIL", "user.* config"],
)
def test_any_identity_git_accepts_is_used(
    cl: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    config: dict[str, str],
    env: dict[str, str],
    author: str,
) -> None:
    monkeypatch.delenv("GIT_AUTHOR_NAME")
    monkeypatch.delenv("GIT_AUTHOR_EMAIL")
    monkeypatch.delenv("EMAIL", raising=False)
    for key, value in config.items():
        git(cl, "config", key, value)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    res = contact(run, cl)
    assert res.code == 0, res.err
    assert git(cl, "log", "-1", "--format=%an <%ae>").strip() == author


# ---------------------------------------------------------------- environment


def test_git_variables_never_send_an_edit_to_another_repository(
    cl: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    (other / "x").write_text("x\n")
    git(other, "add", "x")
    git(other, "commit", "-qm", "other")
    other_head = git(other, "rev-parse", "HEAD")
    # What git sets in a hook of `other`, and more.
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(other / ".git" / "objects"))
    monkeypatch.setenv("GIT_PREFIX", "")
    n = int(
        subprocess.run(
            ["git", "-C", str(cl), "rev-list", "--count", "HEAD"],
            capture_output=True,
            text=True,
            env=gitio.env(),
        ).stdout
    )
    res = run("new", "--name", "Dora", "--specialist", "anna", "--referral-source", "CSM", root=cl)
    assert res.code == 0, res.err
    assert contact(run, cl, "P-0003").code == 0
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"):
        monkeypatch.delenv(var)
    assert git(other, "rev-parse", "HEAD") == other_head
    assert git(other, "status", "--porcelain") == ""
    assert commit_count(cl) == n + 2
    assert git(cl, "status", "--porcelain") == ""
    assert "Dora" in git(cl, "show", "HEAD:participants/P-0003.toml")


# ---------------------------------------------------------------- line endings


def _crlf_autocrlf_clone(cl: Path, tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "-c", "core.autocrlf=true", str(cl), str(clone)], check=True
    )
    return clone


def _crlf_committed(cl: Path, tmp_path: Path) -> Path:
    path = cl / "participants" / "P-0001.toml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    git(cl, "commit", "-qam", "P-0001: CRLF as a Windows editor saves it")
    return cl


def _crlf_eol_attribute(cl: Path, tmp_path: Path) -> Path:
    attrs = cl / ".gitattributes"
    attrs.write_text(attrs.read_text() + "participants/*.toml text eol=crlf\n")
    git(cl, "add", ".gitattributes")
    git(cl, "commit", "-qm", "eol=crlf")
    (cl / "participants" / "P-0001.toml").unlink()
    git(cl, "checkout", "--", "participants/P-0001.toml")
    return cl


@pytest.mark.parametrize(
    "setup",
    [_crlf_autocrlf_clone, _crlf_committed, _crlf_eol_attribute],
    ids=["autocrlf clone", "CRLF committed", "eol=crlf attribute"],
)
def test_crlf_caseloads_are_editable_and_keep_their_line_endings(
    cl: Path, run: Callable[..., Result], tmp_path: Path, setup: Callable[[Path, Path], Path]
) -> None:
    root = setup(cl, tmp_path)
    path = root / "participants" / "P-0001.toml"
    assert b"\r\n" in path.read_bytes()
    assert git(root, "status", "--porcelain") == ""
    n = commit_count(root)
    res = contact(run, root, note="line endings")
    assert res.code == 0, res.err
    assert commit_count(root) == n + 1
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n"), "every line still ends in CRLF"
    assert git(root, "status", "--porcelain") == "", "work tree equals HEAD"
    added, deleted, _ = git(root, "diff", "--numstat", "HEAD~1", "HEAD").split("\t")
    # An appended contact and the first-contact milestone: only their own lines.
    assert int(deleted) == 0 and int(added) <= 8, (added, deleted)
    assert tomllib.loads(raw.decode())["contacts"][-1]["note"] == "line endings"
    # And the next edit of the same file works too (the saved blob is recognised).
    assert run("set", "P-0001", "disclosure=yes", root=root).code == 0
    assert git(root, "status", "--porcelain") == ""
    # The app's way: a loaded snapshot (blob ids from git's index) is not taken as stale.
    from ipstui.core.service import CaseloadService

    svc = CaseloadService(root)
    snap = svc.load(use_cache=False)
    assert not snap.dirty
    svc.set_fields(snap, "P-0001", {"support_mode": "behind_the_scenes"}, today=snap_day())
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert git(root, "status", "--porcelain") == ""
    added, deleted, _ = git(root, "diff", "--numstat", "HEAD~1", "HEAD").split("\t")
    assert (added, deleted) == ("1", "0"), "one new field: one added line"


def snap_day():
    from datetime import date

    return date.fromisoformat(TODAY)


# ---------------------------------------------------------------- worktree


def test_a_worktree_caseload_locks_and_commits_in_its_own_git_dir(
    cl: Path, run: Callable[..., Result], tmp_path: Path
) -> None:
    wt = tmp_path / "wt"
    git(cl, "worktree", "add", "-q", "-b", "other", str(wt))
    assert (wt / ".git").is_file()
    res = contact(run, wt, note="from a worktree")
    assert res.code == 0, res.err
    assert "from a worktree" in git(wt, "show", "other:participants/P-0001.toml")
    assert "from a worktree" not in git(cl, "show", "main:participants/P-0001.toml")
    gd = Path(git(wt, "rev-parse", "--absolute-git-dir").strip())
    assert (gd / "ipstui.lock").exists()


# ---------------------------------------------------------------- never lie


def _hook(root: Path, body: str) -> None:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


def test_a_rejected_commit_restores_the_file_and_reports_failure(
    cl: Path, run: Callable[..., Result]
) -> None:
    _hook(cl, "echo 'policy: no commits today' >&2\nexit 1\n")
    before = snapshot(cl)
    res = contact(run, cl)
    assert res.code == 1
    assert "nothing was saved" in res.err and "committed" not in res.out
    assert snapshot(cl) == before
    res = run("new", "--name", "Cleo", "--specialist", "anna", "--referral-source", "CSM", root=cl)
    assert res.code == 1
    assert snapshot(cl) == before


def test_a_commit_that_does_not_hold_the_saved_bytes_is_taken_back(
    cl: Path, run: Callable[..., Result]
) -> None:
    # A hook that rewrites the file and stages its own version: git commits that.
    _hook(
        cl,
        "printf 'x_hook = true\\n' >> participants/P-0001.toml\ngit add participants/P-0001.toml\n",
    )
    head = git(cl, "rev-parse", "HEAD")
    res = contact(run, cl, note="mine")
    assert res.code == 1, res.out
    assert "nothing was saved" in res.err and "committed" not in res.out
    assert git(cl, "rev-parse", "HEAD") == head
    # The file is not ours any more (the hook changed it): left as it is, not restored.
    assert "x_hook = true" in (cl / "participants" / "P-0001.toml").read_text()


def test_a_file_changed_after_loading_is_not_overwritten(cl: Path) -> None:
    from ipstui.core.service import CaseloadService, StaleEdit

    svc = CaseloadService(cl)
    snap = svc.load()
    path = cl / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('notes = ""', 'notes = "by hand"'))
    git(cl, "commit", "-qam", "hand edit")
    with pytest.raises(StaleEdit) as info:
        svc.add_contact(
            snap, "P-0001", kind="phone", on=snap.participants["P-0001"].data["referred_on"]
        )
    assert info.value.fresh is not None and info.value.fresh.data["notes"] == "by hand"
    assert git(cl, "status", "--porcelain") == ""


# ---------------------------------------------------------------- init and demo


def test_init_pointed_at_a_file_is_one_line(run: Callable[..., Result], tmp_path: Path) -> None:
    f = tmp_path / "a-file"
    f.write_text("x")
    assert_refused(run("init", str(f)), "not a folder")
    assert f.read_text() == "x"


def test_demo_with_a_far_today_fails_cleanly_and_leaves_nothing(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    target = tmp_path / "demo"
    res = run("demo", str(target), "--no-open", today="9999-12-01")
    # Dates past 2199-12-31 are wrong usage (SPEC §2, §7): refused by the one date
    # parser before anything is created.
    assert res.code == 2 and "9999-12-01" in res.err and len(res.err.splitlines()) == 1
    assert not target.exists()


# ---------------------------------------------------------------- hand edits


def test_hand_edits_are_committed_under_the_same_checks(cl: Path) -> None:
    from ipstui.core.service import (
        CaseloadService,
        EditRefused,
        NothingToSave,
        ValidationFailed,
    )

    svc = CaseloadService(cl)
    rel1, rel2 = "participants/P-0001.toml", "participants/P-0002.toml"
    with pytest.raises(NothingToSave):
        svc.commit_hand_edit(None, rel1)
    path = cl / rel1
    path.write_text(path.read_text().replace('notes = ""', 'notes = "by hand"'))
    (cl / rel2).unlink()
    git(cl, "switch", "-q", "--detach")
    with pytest.raises(EditRefused, match="detached"):
        svc.commit_hand_edit(None, rel1)
    git(cl, "switch", "-q", "main")
    res = svc.commit_hand_edit(None, rel1)
    assert res.participant is not None and res.participant.data["notes"] == "by hand"
    assert "Hand edit committed from ipstui." in git(cl, "log", "-1", "--format=%B")
    res = svc.commit_hand_edit(None, rel2)
    assert res.participant is None
    assert git(cl, "show", "--name-status", "--format=", "HEAD").split() == ["D", rel2]
    assert git(cl, "status", "--porcelain") == ""
    path.write_text("not = [valid")
    with pytest.raises(ValidationFailed):
        svc.commit_hand_edit(None, rel1)
    assert git(cl, "status", "--porcelain").strip() == f"M {rel1}"


@pytest.mark.parametrize("commit_first", [True, False], ids=["after git committed", "before"])
def test_an_interrupted_save_leaves_the_work_tree_equal_to_head(
    cl: Path, monkeypatch: pytest.MonkeyPatch, commit_first: bool
) -> None:
    from datetime import date

    from ipstui.core.service import CaseloadService

    real_commit = gitio.commit

    def interrupted(*args, **kwargs):  # ctrl+c arriving around git's own commit
        if commit_first:
            real_commit(*args, **kwargs)
        raise KeyboardInterrupt

    n = commit_count(cl)
    # The interrupt comes from the patched call only, and the patch and the caught
    # exception (its traceback holds the save's frames) are gone before anything else
    # runs: a KeyboardInterrupt kept alive past the test could surface later, in another
    # test's teardown or a gc callback, as a PytestUnraisableExceptionWarning.
    with monkeypatch.context() as patched:
        patched.setattr(gitio, "commit", interrupted)
        with pytest.raises(KeyboardInterrupt) as caught:
            CaseloadService(cl).add_contact(None, "P-0001", kind="phone", on=date(2026, 11, 16))
    caught.value.__traceback__ = None
    del caught
    assert commit_count(cl) == n + (1 if commit_first else 0)
    assert git(cl, "status", "--porcelain") == ""


def test_the_caseload_lock_excludes_threads_and_processes_but_not_its_holder(cl: Path) -> None:
    import sys

    from ipstui.core.caseload import EditRefused, caseload_lock

    gd = cl / ".git"
    probe = (
        "import sys; from pathlib import Path; from ipstui.core.caseload import caseload_lock\n"
        "try:\n"
        "    with caseload_lock(Path(sys.argv[1]), timeout=0.2): print('got it')\n"
        "except Exception as exc: print(type(exc).__name__)\n"
    )
    with caseload_lock(gd):
        with caseload_lock(gd, timeout=0.2):  # the holder takes it again
            pass
        seen: list[str] = []

        def other_thread() -> None:
            try:
                with caseload_lock(gd, timeout=0.2):
                    seen.append("got it")
            except EditRefused:
                seen.append("refused")

        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
        assert seen == ["refused"]
        proc = subprocess.run(
            [sys.executable, "-c", probe, str(gd)], capture_output=True, text=True, timeout=60
        )
        assert proc.stdout.strip() == "EditRefused", proc.stderr
    proc = subprocess.run(
        [sys.executable, "-c", probe, str(gd)], capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip() == "got it", proc.stderr
