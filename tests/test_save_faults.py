"""Faults found by attacking the save transaction of issue 9, each fixed as a kind and
tested in real repositories (no mocks): case twins hidden from the disk, SIGINT to
ipstui alone, OSErrors of a save, `init` inside other repositories, committer identity,
autocrlf with safecrlf, commit message cleanup, hooks that commit more, and the small
ones (sequencer, links inside the caseload, skip-worktree).

The quick run (issue 12) keeps one case of each rule of the line-ending tables, two of
the four message cleanups, and each commit hook once (with the two kinds of edit in
turn); the cases that repeat a rule or a path are `slow`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import commit_count, git

from ipstui import cli

TODAY = "2026-11-16"
NEW = ("new", "--specialist", "anna", "--referral-source", "CSM")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """`ipstui ARGS -C root --today TODAY` in this process."""

    def _run(*args: str, root: Path | None = None) -> Result:
        argv = [*args, "--today", TODAY]
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
        res = run(*NEW, "--name", name, root=caseload_dir)
        assert res.code == 0, res.err
    return caseload_dir


def state(root: Path) -> tuple[str, str, str]:
    """HEAD, `git status` (untracked files too) and the index."""
    return (
        git(root, "rev-parse", "HEAD"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
        git(root, "ls-files", "-s"),
    )


def assert_refused(res: Result, *words: str) -> None:
    assert res.code == 1, (res.code, res.out, res.err)
    lines = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(lines) == 1, res.err
    assert "Traceback" not in res.err
    for word in words:
        assert word in lines[0], lines[0]


def contact(run: Callable[..., Result], root: Path, pid: str = "P-0001", note: str = "hi"):
    return run("contact", pid, "--kind", "phone", "--by", "anna", "--note", note, root=root)


def _hook(root: Path, body: str, name: str = "pre-commit") -> None:
    hook = root / ".git" / "hooks" / name
    hook.write_text("#!/bin/sh\n" + body)
    hook.chmod(0o755)


# ------------------------------------------------- 1. case twins hidden from the disk


def _deleted_by_hand(root: Path) -> None:
    (root / "participants" / "P-0001.toml").unlink()


def _removed_from_index_only(root: Path) -> None:
    git(root, "rm", "-q", "--cached", "participants/P-0001.toml")
    (root / "participants" / "P-0001.toml").unlink()


def _staged_not_committed(root: Path) -> None:
    path = root / "participants" / "P-0003.toml"
    path.write_text((root / "participants" / "P-0002.toml").read_text())
    git(root, "add", str(path))
    path.unlink()


@pytest.mark.parametrize(
    "hide,existing,new_id",
    [
        (_deleted_by_hand, "P-0001", "p-0001"),
        (_removed_from_index_only, "P-0001", "p-0001"),
        (_staged_not_committed, "P-0003", "p-0003"),
    ],
    ids=["rm (in HEAD and index)", "git rm --cached (in HEAD only)", "staged only"],
)
def test_a_case_twin_in_head_or_the_index_is_refused(
    cl: Path, run: Callable[..., Result], hide: Callable[[Path], None], existing: str, new_id: str
) -> None:
    hide(cl)
    before = state(cl)
    res = run(*NEW, "--id", new_id, "--name", "Twin", root=cl)
    assert_refused(res, existing, "already exists")
    assert state(cl) == before


# ------------------------------------------------- 2. SIGINT to ipstui alone


@pytest.mark.parametrize(
    "args",
    # a commit in the quick run; an add, then a commit, too in .ci/run (pytest -m slow)
    [
        ("contact", "P-0001", "--kind", "phone", "--by", "anna"),
        pytest.param((*NEW, "--name", "Cleo"), marks=pytest.mark.slow),
    ],
    ids=["contact (commit)", "new (add, then commit)"],
)
def test_sigint_to_ipstui_alone_leaves_no_git_lock(
    cl: Path, run: Callable[..., Result], tmp_path: Path, args: tuple[str, ...]
) -> None:
    started = tmp_path / "hook-started"
    _hook(cl, f"touch '{started}'\nsleep 3\n")
    head = git(cl, "rev-parse", "HEAD")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ipstui", *args, "-C", str(cl), "--today", TODAY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # git is not in our process group: only ipstui is signalled
        # A shell starts background jobs with SIGINT ignored, and Python then keeps it
        # ignored: give ipstui the disposition a terminal's Ctrl-C meets.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not started.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the pre-commit hook never started"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err
    locks = {p.name for p in (cl / ".git").iterdir() if p.name.endswith(".lock")}
    assert locks <= {"ipstui.lock"}, "git was stopped, not killed: no index.lock left"
    assert git(cl, "rev-parse", "HEAD") == head
    assert git(cl, "status", "--porcelain", "--untracked-files=all") == ""
    (cl / ".git" / "hooks" / "pre-commit").unlink()
    assert contact(run, cl).code == 0, "the next edit goes through"


# ------------------------------------------------- 3. OSErrors of a save


def _cli(root: Path, *args: str, preexec: Callable[[], None] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "ipstui", *args, "-C", str(root), "--today", TODAY],
        capture_output=True,
        text=True,
        preexec_fn=preexec,
        timeout=120,
    )


def _file_size_limit() -> None:  # in the child: any file written over 64 bytes fails (EFBIG)
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))


@pytest.mark.parametrize(
    "args", [("contact", "P-0001", "--kind", "phone", "--by", "anna"), (*NEW, "--name", "Cleo")]
)
def test_a_write_that_fails_is_one_line_and_nothing_is_saved(
    cl: Path, args: tuple[str, ...]
) -> None:
    # RLIMIT_FSIZE stops root too (chmod would not): the participant file cannot be written.
    before = state(cl)
    raw = (cl / "participants" / "P-0001.toml").read_bytes()
    proc = _cli(cl, *args, preexec=_file_size_limit)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "could not write participants/P-000" in proc.stderr
    assert "File too large; nothing was saved" in proc.stderr
    assert state(cl) == before
    assert (cl / "participants" / "P-0001.toml").read_bytes() == raw


def _lock_is_a_folder(root: Path) -> None:
    lock = root / ".git" / "ipstui.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()


def _read_only_git_dir(root: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder; the lock-is-a-folder case covers it")
    (root / ".git").chmod(0o555)


@pytest.mark.parametrize(
    "make,words",
    [(_lock_is_a_folder, "Is a directory"), (_read_only_git_dir, "Permission denied")],
    ids=["lock path is a folder", "read-only .git (non-root)"],
)
def test_a_lock_that_cannot_be_made_is_one_line(
    cl: Path, run: Callable[..., Result], make: Callable[[Path], None], words: str
) -> None:
    before = state(cl)
    make(cl)
    try:
        res = contact(run, cl)
    finally:
        (cl / ".git").chmod(0o755)
    assert_refused(res, "could not write", "ipstui.lock", words, "nothing was saved")
    assert state(cl) == before


def test_any_other_oserror_is_one_line(run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    res = run("demo", str(tmp_path / "a-file" / "demo"), "--no-open")
    assert_refused(res, "a-file/demo", "Not a directory")


# ------------------------------------------------- 4. init inside a bigger repository


def _conflicted_merge(outer: Path) -> None:
    (outer / "notes.txt").write_text("base\n")
    git(outer, "add", "notes.txt")
    git(outer, "commit", "-qm", "base")
    git(outer, "switch", "-q", "-c", "side")
    (outer / "notes.txt").write_text("side\n")
    git(outer, "commit", "-qam", "side")
    git(outer, "switch", "-q", "main")
    (outer / "notes.txt").write_text("main\n")
    git(outer, "commit", "-qam", "main")
    proc = subprocess.run(["git", "-C", str(outer), "merge", "side"], capture_output=True)
    assert proc.returncode != 0


def _detached_outer(outer: Path) -> None:
    git(outer, "switch", "-q", "--detach")


def _stale_index_lock(outer: Path) -> None:
    (outer / ".git" / "index.lock").write_bytes(b"")


def _rejecting_hook(outer: Path) -> None:
    _hook(outer, "echo 'policy: not today' >&2\nexit 1\n")


def _folder_exists_empty(outer: Path) -> None:
    (outer / "sub" / "cl").mkdir(parents=True)
    _rejecting_hook(outer)


@pytest.mark.parametrize(
    "make,words",
    [
        (_detached_outer, "HEAD is detached"),
        (_conflicted_merge, "a merge is in progress"),
        (_stale_index_lock, "index.lock"),
        (_rejecting_hook, "policy: not today"),
        (_folder_exists_empty, "policy: not today"),
    ],
    ids=[
        "detached HEAD",
        "merge",
        "stale index.lock",
        "hook rejects",
        "empty folder, hook rejects",
    ],
)
def test_init_inside_a_repository_refuses_and_leaves_nothing_behind(
    run: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[Path], None],
    words: str,
) -> None:
    from ipstui.core import gitio

    monkeypatch.setattr(gitio, "INDEX_LOCK_WAIT", 0.2)
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    (outer / "README").write_text("outer\n")
    git(outer, "add", "README")
    git(outer, "commit", "-qm", "outer")
    make(outer)
    before = state(outer)
    config = (outer / ".git" / "config").read_text()
    existed = (outer / "sub").exists()
    res = run("init", str(outer / "sub" / "cl"))
    assert_refused(res, words)
    assert state(outer) == before, "nothing staged, committed or left in the work tree"
    assert (outer / ".git" / "config").read_text() == config, "no merge driver left behind"
    if existed:
        assert list((outer / "sub" / "cl").iterdir()) == []
    else:
        assert not (outer / "sub").exists()
    res = run(*NEW, "--name", "Cleo", root=outer / "sub" / "cl")
    assert res.code == 1 and "not a caseload" in res.err


# ------------------------------------------------- 5. identity: author and committer


@pytest.mark.parametrize(
    "config,who,words",
    [
        (
            {"author.name": "Au Thor", "author.email": "au@example.org"},
            "committer",
            "committer.name",
        ),
        (
            {"committer.name": "Co Mitter", "committer.email": "co@example.org"},
            "author",
            "author.name",
        ),
        ({"user.name": "Us Er"}, "author", "user.email"),
    ],
    ids=["author only", "committer only", "user.name only"],
)
def test_an_identity_git_would_refuse_is_refused_in_one_clear_line(
    cl: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    config: dict[str, str],
    who: str,
    words: str,
) -> None:
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var)
    monkeypatch.delenv("EMAIL", raising=False)
    git(cl, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    for key, value in config.items():
        git(cl, "config", key, value)
    before = state(cl)
    assert_refused(contact(run, cl), "no git identity", f"who the {who} is", words)
    assert_refused(run(*NEW, "--name", "Cleo", root=cl), f"who the {who} is")
    assert state(cl) == before


# ------------------------------------------------- 6. new files as git checks them out


def _config(**cfg: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        for key, value in cfg.items():
            git(root, "config", key.replace("_", "."), value)

    return setup


def _attribute(line: str, **cfg: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        attrs = root / ".gitattributes"
        attrs.write_text(attrs.read_text() + line + "\n")
        git(root, "commit", "-qam", "attributes")
        _config(**cfg)(root)

    return setup


@pytest.mark.parametrize(
    "setup,crlf",
    [
        (_config(core_autocrlf="true", core_safecrlf="true"), True),
        # the same rule as core.eol=crlf alone (no text attribute, autocrlf not true)
        pytest.param(_config(core_autocrlf="input", core_safecrlf="true"), False, marks=pytest.mark.slow),
        (_config(core_eol="crlf", core_safecrlf="true"), False),  # core.eol needs `text`
        (_attribute("*.toml text", core_eol="crlf", core_safecrlf="true"), True),
        # the same rule as `text` with core.eol=crlf
        pytest.param(
            _attribute("*.toml text=auto", core_eol="crlf", core_safecrlf="true"), True, marks=pytest.mark.slow
        ),
        (_attribute("*.toml eol=crlf", core_safecrlf="true"), True),
        (_attribute("*.toml eol=lf", core_autocrlf="true", core_safecrlf="true"), False),
        (_attribute("*.toml -text", core_autocrlf="true", core_safecrlf="true"), False),
        pytest.param(_config(core_safecrlf="true"), False, marks=pytest.mark.slow),  # as core.eol=crlf alone
        # autocrlf=input beats core.eol=crlf for a `text` file (git's output_eol): the
        # quick case of autocrlf=input
        (_attribute("*.toml text", core_autocrlf="input", core_eol="crlf", core_safecrlf="true"), False),
    ],
    ids=[
        "autocrlf=true",
        "autocrlf=input",
        "core.eol=crlf only",
        "text + core.eol=crlf",
        "text=auto + core.eol=crlf",
        "eol=crlf",
        "eol=lf beats autocrlf",
        "-text",
        "defaults",
        "text + autocrlf=input + core.eol=crlf",
    ],
)
def test_a_new_file_has_the_line_endings_git_checks_out(
    cl: Path, run: Callable[..., Result], setup: Callable[[Path], None], crlf: bool
) -> None:
    setup(cl)
    n = commit_count(cl)
    res = run(*NEW, "--name", "Cleo", root=cl)
    assert res.code == 0, res.err
    assert commit_count(cl) == n + 1
    raw = (cl / "participants" / "P-0003.toml").read_bytes()
    assert raw.count(b"\r\n") == (raw.count(b"\n") if crlf else 0)
    assert git(cl, "status", "--porcelain") == ""
    # What git would check out is exactly what was written.
    (cl / "participants" / "P-0003.toml").unlink()
    git(cl, "checkout", "--", "participants/P-0003.toml")
    assert (cl / "participants" / "P-0003.toml").read_bytes() == raw
    # Existing files keep theirs: P-0001 was written with LF before the setting (git
    # itself would refuse to add that LF file under safecrlf, so that is switched off).
    git(cl, "config", "core.safecrlf", "false")
    assert contact(run, cl).code == 0
    assert b"\r\n" not in (cl / "participants" / "P-0001.toml").read_bytes()


def test_init_in_an_autocrlf_safecrlf_setup_works(
    run: Callable[..., Result], tmp_path: Path, hermetic_git: Path
) -> None:
    cfg = hermetic_git / "gitconfig"
    cfg.write_text(cfg.read_text() + "[core]\n\tautocrlf = true\n\tsafecrlf = true\n")
    res = run("init", str(tmp_path / "cl"))
    assert res.code == 0, res.err
    root = tmp_path / "cl"
    assert b"\r\n" in (root / "caseload.toml").read_bytes()
    assert git(root, "status", "--porcelain") == ""
    res = run(*NEW, "--name", "Cleo", root=root)
    assert res.code == 0, res.err
    assert b"\r\n" in (root / "participants" / "P-0001.toml").read_bytes()
    assert git(root, "status", "--porcelain") == ""


# ------------------------------------------------- 7. the message is exactly ours


@pytest.mark.parametrize(
    "cfg",
    [
        {"core.commentChar": "P", "commit.cleanup": "strip"},
        pytest.param({"core.commentChar": "P"}, marks=pytest.mark.slow),
        {"core.commentChar": "P", "commit.cleanup": "scissors"},
        pytest.param({"commit.cleanup": "strip", "core.commentChar": "auto"}, marks=pytest.mark.slow),
    ],
    ids=["commentChar=P strip", "commentChar=P default", "scissors", "auto"],
)
def test_the_commit_message_is_kept_verbatim(
    cl: Path, run: Callable[..., Result], cfg: dict[str, str]
) -> None:
    for key, value in cfg.items():
        git(cl, "config", key, value)
    res = contact(run, cl)
    assert res.code == 0, res.err
    printed = res.out.strip().partition(": ")[2]
    assert printed.startswith("P-0001: ")
    assert git(cl, "log", "-1", "--format=%s") == printed + "\n"
    body = git(cl, "log", "-1", "--format=%B")
    assert "Participant: P-0001" in body and "Changed: contacts" in body
    res = run(*NEW, "--name", "Cleo", root=cl)
    assert res.code == 0, res.err
    printed = res.err.strip().partition(": ")[2]
    assert git(cl, "log", "-1", "--format=%s") == printed + "\n"
    assert "Participant: P-0003" in git(cl, "log", "-1", "--format=%B")


def test_a_subject_changed_by_a_hook_is_what_is_printed_with_a_warning(
    cl: Path, run: Callable[..., Result]
) -> None:
    _hook(cl, "sed -i '1s/^/[team] /' \"$1\"\n", name="commit-msg")
    res = contact(run, cl)
    assert res.code == 0, res.err
    subject = git(cl, "log", "-1", "--format=%s").strip()
    assert subject.startswith("[team] P-0001: ")
    assert res.out.strip().endswith(subject)
    assert "warning: a commit-msg hook changed the commit's subject" in res.err


# ------------------------------------------------- 8. a hook commits more files


HOOKS = [
    ("adds stamp.txt", "date > stamp.txt\ngit add stamp.txt\n", "stamp.txt"),
    ("adds two files", "date > a.txt\ndate > b.txt\ngit add a.txt b.txt\n", "a.txt, b.txt"),
    ("removes caseload.toml",
     "rm -f README.md\ngit rm -q --cached --ignore-unmatch caseload.toml\n", "caseload.toml"),
]  # fmt: skip
"""(id, the pre-commit hook's body, what the warning names)."""


@pytest.mark.parametrize(
    "body,extra,how",
    [
        # The quick run: each hook once, the edit kinds in turn; the other pairs slow.
        pytest.param(body, extra, how, id=f"{name}-{how}",
                     marks=() if i % 2 == j else pytest.mark.slow)
        for j, how in enumerate(["contact", "new"])
        for i, (name, body, extra) in enumerate(HOOKS)
    ],
)  # fmt: skip
def test_a_hook_that_commits_more_is_reported_with_a_warning(
    cl: Path, run: Callable[..., Result], body: str, extra: str, how: str
) -> None:
    _hook(cl, body)
    res = contact(run, cl) if how == "contact" else run(*NEW, "--name", "Cleo", root=cl)
    assert res.code == 0, res.err
    head = git(cl, "rev-parse", "--short=7", "HEAD").strip()
    assert f"committed {head}" in res.out + res.err, "the save is in HEAD and said so"
    warnings = [ln for ln in res.err.splitlines() if "warning" in ln]
    assert len(warnings) == 1, res.err
    assert f"also holds {extra}, added by a git hook" in warnings[0]
    changed = git(cl, "diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD").split()
    assert len(changed) == 1 + extra.count(",") + 1


def test_a_plain_save_has_no_warning(cl: Path, run: Callable[..., Result]) -> None:
    res = contact(run, cl)
    assert res.code == 0 and "warning" not in res.err, res.err


# ------------------------------------------------- 9. small ones


def _stopped_sequence(root: Path, *pick: str) -> None:
    """A cherry-pick or revert of two commits stopped on the first, which is then
    committed by hand: CHERRY_PICK_HEAD/REVERT_HEAD are gone, .git/sequencer is not."""
    notes = root / "notes.txt"
    notes.write_text("base\n")
    git(root, "add", "notes.txt")
    git(root, "commit", "-qm", "base")
    git(root, "switch", "-q", "-c", "side")
    notes.write_text("side\n")
    git(root, "commit", "-qam", "side 1")
    (root / "other.txt").write_text("other\n")
    git(root, "add", "other.txt")
    git(root, "commit", "-qm", "side 2")
    git(root, "switch", "-q", "main")
    notes.write_text("main\n")
    git(root, "commit", "-qam", "main")
    proc = subprocess.run(["git", "-C", str(root), *pick], capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout
    notes.write_text("resolved\n")
    git(root, "add", "notes.txt")
    git(root, "commit", "-q", "--no-edit")
    assert (root / ".git" / "sequencer").is_dir()


def _stopped_revert(root: Path) -> None:
    notes = root / "notes.txt"
    for text in ("one", "two", "three"):
        notes.write_text(text + "\n")
        git(root, "add", "notes.txt")
        git(root, "commit", "-qm", text)
    # Reverting "two" conflicts with "three"; "one" would come next.
    proc = subprocess.run(
        ["git", "-C", str(root), "revert", "--no-edit", "HEAD~1", "HEAD~2"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0, proc.stdout
    notes.write_text("resolved\n")
    git(root, "add", "notes.txt")
    git(root, "commit", "-q", "--no-edit")
    assert (root / ".git" / "sequencer").is_dir()


def _stopped_cherry_pick(root: Path) -> None:
    _stopped_sequence(root, "cherry-pick", "side~1", "side")


@pytest.mark.parametrize(
    "stop", [_stopped_cherry_pick, _stopped_revert], ids=["cherry-pick", "revert"]
)
def test_a_stopped_sequence_committed_by_hand_is_still_in_progress(
    cl: Path, run: Callable[..., Result], stop: Callable[[Path], None]
) -> None:
    stop(cl)
    assert "in progress" in git(cl, "status") or "currently" in git(cl, "status")
    before = state(cl)
    assert_refused(contact(run, cl), "cherry-pick or revert of several commits", "in progress")
    assert_refused(run(*NEW, "--name", "Cleo", root=cl), "in progress")
    assert state(cl) == before


def _file_link(root: Path) -> None:
    path = root / "participants" / "P-0001.toml"
    path.unlink()
    path.symlink_to("P-0002.toml")


def _folder_link(root: Path) -> None:
    (root / "participants").rename(root / "people")
    (root / "participants").symlink_to("people", target_is_directory=True)


# (make the link, the refusal's words: the path that IS the link is named)
LINKS = [
    (_file_link, ("participants/P-0001.toml is a symbolic link", "inside the caseload")),
    (_folder_link, ("participants is a symbolic link", "not a folder")),
]


@pytest.mark.parametrize(("make", "words"), LINKS, ids=["file", "folder"])
def test_a_link_to_a_place_inside_the_caseload_is_called_a_link(
    cl: Path, run: Callable[..., Result], make: Callable[[Path], None], words: tuple[str, ...]
) -> None:
    make(cl)
    before = state(cl)
    raw = (cl / "participants" / "P-0002.toml").read_bytes()
    res = contact(run, cl)
    assert_refused(res, *words)
    assert "outside" not in res.err
    assert state(cl) == before
    assert (cl / "participants" / "P-0002.toml").read_bytes() == raw


@pytest.mark.parametrize("flag,why", [("--skip-worktree", "skip-worktree")], ids=["skip-worktree"])
def test_a_file_git_ignores_changes_to_is_refused_in_gits_words(
    cl: Path, run: Callable[..., Result], flag: str, why: str
) -> None:
    git(cl, "update-index", flag, "participants/P-0001.toml")
    before = state(cl)
    raw = (cl / "participants" / "P-0001.toml").read_bytes()
    res = contact(run, cl)
    assert_refused(res, "nothing to commit", f"marked {why}", "nothing was saved")
    assert "failed (exit" not in res.err
    assert state(cl) == before
    assert (cl / "participants" / "P-0001.toml").read_bytes() == raw
