"""What a sync pushes is every commit, not only the last tree (SPEC §1, §6, §12).

Files beside the records (`P-0002.toml.orig`, `sub/P-0001.toml`, `notes.txt`, under
participants/ and employers/) are warned of by `validate` and refused by sync, and a
symbolic link (or such a file) committed and removed again in a later commit is refused
too, naming the commit that wrote it: git publishes every commit of a push. Each case
is made with git alone (as a hand edit would be) in a real clone of a bare remote; a
refused sync leaves the remote as it was and the clone on the user's own commit.

The quick run (issue 12) makes each kind of stray file once and each file removed
again once (through each kind of merge in turn); the others (half of each of those
three tables) are `slow`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import head, is_clean_state, isolate_git, make_team, run

from ipstui import cli
from ipstui.core import gitio, outgoing
from ipstui.core.outgoing import history_problems, is_record_name
from ipstui.core.sync import SyncError, sync
from ipstui.core.validate import stray_file_problems

EMPLOYER = 'schema = 1\nid = "E-0001"\nname = "Biblioteca Lame"\n'


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of a remote holding P-0001 and E-0001."""
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a", setup=_with_an_employer)
    return a


def _with_an_employer(clones: list[Path]) -> None:
    """E-0001 added and pushed (once per process: `make_team` copies the result)."""
    (a,) = clones
    (a / "employers").mkdir()
    (a / "employers" / "E-0001.toml").write_text(EMPLOYER)
    commit(a, "E-0001: new employer")
    assert sync(a).status == "pushed"


def commit(root: Path, message: str = "hand edit") -> str:
    run(root, "add", "-A")
    run(root, "commit", "-q", "-m", message)
    return head(root)


def copy_of(rel: str, source: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((root / source).read_bytes())

    return make


def text(rel: str, body: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body)

    return make


def link(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        outside = root.parent / "outside.toml"
        outside.write_text('schema = 1\nid = "P-0040"\n')
        os.symlink(outside, root / rel)

    return make


def folder(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).mkdir()
        (root / rel / "x").write_text("x\n")

    return make


STRAYS = [
    # (path, how it is made)
    ("participants/P-0001.toml.orig", copy_of("participants/P-0001.toml.orig", "participants/P-0001.toml")),
    ("participants/sub/P-0001.toml", copy_of("participants/sub/P-0001.toml", "participants/P-0001.toml")),
    ("participants/notes.txt", text("participants/notes.txt", "Giulia R. asked for a call\n")),
    ("employers/E-0001.toml.orig", copy_of("employers/E-0001.toml.orig", "employers/E-0001.toml")),
    ("employers/sub/E-0001.toml", copy_of("employers/sub/E-0001.toml", "employers/E-0001.toml")),
    ("employers/notes.txt", text("employers/notes.txt", "the manager's mobile\n")),
]  # fmt: skip


def _quick(cases: list, quick: set[int]) -> list:
    """`cases` as parameters (their first item names them), those at the indexes in
    `quick` in the quick run and the others `slow` (issue 12)."""
    return [
        pytest.param(*c, id=c[0], marks=() if i in quick else pytest.mark.slow)
        for i, c in enumerate(cases)
    ]


# Each kind of stray once (`.orig`, a sub-folder, another name), in both folders.
@pytest.mark.parametrize(("rel", "make"), _quick(STRAYS, {0, 2, 4}))
def test_a_stray_file_is_warned_of_and_not_pushed(
    clone: Path, capsys: pytest.CaptureFixture[str], rel: str, make: Callable[[Path], None]
) -> None:
    remote = clone.parent / "remote.git"
    before = run(remote, "rev-parse", "main").stdout
    make(clone)
    mine = commit(clone)
    assert cli.main(["validate", "-C", str(clone)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{rel}:1:1: warning: not a record file" in out
    with pytest.raises(SyncError) as info:
        sync(clone)
    message = str(info.value)
    assert message.startswith(f"{rel}:1:1: is not a record file")
    assert f"(commit {mine[:7]})" in message and "nothing was pushed" in message
    assert run(remote, "rev-parse", "main").stdout == before
    assert head(clone) == mine and is_clean_state(clone)


ONCE = [
    # (path named, made in a first commit and `git rm`ed in a second)
    ("participants/P-0040.toml", link("participants/P-0040.toml"), "symbolic link"),
    ("employers/E-0040.toml", link("employers/E-0040.toml"), "symbolic link"),
    ("participants/P-0041.toml", folder("participants/P-0041.toml"), "is a folder"),
    ("participants/P-0001.toml.orig",
     copy_of("participants/P-0001.toml.orig", "participants/P-0001.toml"), "not a record file"),
    ("employers/notes.txt", text("employers/notes.txt", "x\n"), "not a record file"),
]  # fmt: skip


# Each kind once: a link, a folder, a file not a record.
@pytest.mark.parametrize(("rel", "make", "says"), _quick(ONCE, {0, 2, 4}))
def test_a_file_removed_again_before_the_push_is_still_refused(
    clone: Path, rel: str, make: Callable[[Path], None], says: str
) -> None:
    remote = clone.parent / "remote.git"
    before = run(remote, "rev-parse", "main").stdout
    make(clone)
    wrote = commit(clone, "first")
    run(clone, "rm", "-r", "-q", "--", rel)
    mine = commit(clone, "second")
    assert run(clone, "ls-tree", "-r", "--name-only", "HEAD").stdout.count(rel) == 0
    with pytest.raises(SyncError) as info:
        sync(clone)
    message = str(info.value)
    assert message.startswith(f"{rel}:1:1: ") and says in message
    assert f"(commit {wrote[:7]})" in message
    assert "even where a later commit removed it" in message
    assert f"git rebase -i {before[:7]}" in message
    assert run(remote, "rev-parse", "main").stdout == before
    assert head(clone) == mine and is_clean_state(clone)


ALLOWED = [
    ("a placeholder", text("participants/.gitkeep", "")),
    ("a file outside the record folders", text("docs/notes.txt", "how we work\n")),
]


@pytest.mark.parametrize(("kind", "make"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_what_a_caseload_holds_is_pushed(
    clone: Path, kind: str, make: Callable[[Path], None]
) -> None:
    make(clone)
    commit(clone)
    assert history_problems(clone, None) == []
    assert sync(clone).status == "pushed"


def test_a_stray_file_the_remote_already_has_does_not_block_a_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone pushed a stray file with plain git: not this push's doing. The merge of
    it (a merge counts with what it wrote itself) and an edit of our own go out."""
    isolate_git(tmp_path, monkeypatch)
    a, b = make_team(tmp_path, "a", "b")
    (b / "participants" / "notes.txt").write_text("x\n")
    commit(b)
    run(b, "push", "-q", "origin", "HEAD:main")
    path = a / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('referral_source = "CSM"', 'referral_source = "GP"'))
    commit(a, "P-0001: referral_source")
    assert sync(a).status == "pushed"


def test_a_first_push_looks_at_the_whole_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a")
    link("participants/P-0040.toml")(a)
    wrote = commit(a, "first")
    run(a, "rm", "-q", "participants/P-0040.toml")
    commit(a, "second")
    found = history_problems(a, None)
    assert [(p.path, wrote[:7] in p.message) for p in found] == [("participants/P-0040.toml", True)]


@pytest.mark.parametrize("commits", [1, 12])
def test_one_git_call_for_all_the_commits(
    clone: Path, monkeypatch: pytest.MonkeyPatch, commits: int
) -> None:
    since = head(clone)
    for i in range(commits):
        text(f"participants/n{i}.txt", "x\n")(clone)
        commit(clone, f"n{i}")
    calls: list[tuple[str, ...]] = []
    real = gitio.git

    def counting(root: Path, *args: str, **kw: object):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(root, *args, **kw)

    monkeypatch.setattr(outgoing.gitio, "git", counting)
    found = history_problems(clone, since)
    assert len(found) == commits
    assert len(calls) == 1 and calls[0][0] == "log"


@pytest.mark.parametrize(
    ("rel", "record"),
    [
        ("participants/P-0001.toml", True),
        ("employers/E-0001.toml", True),
        ("participants/.gitkeep", True),
        ("caseload.toml", True),
        ("docs/x.txt", True),
        ("participants/P-0001.toml.orig", False),
        ("participants/sub/P-0001.toml", False),
        ("employers/notes.txt", False),
        ("participants/.P-0001.toml.swp", False),
    ],
)
def test_what_is_a_record_name(rel: str, record: bool) -> None:
    assert is_record_name(rel) is record


def test_validate_leaves_out_ignored_files(clone: Path) -> None:
    (clone / ".gitignore").write_text("*.bak\n")
    (clone / "participants" / "P-0001.toml.bak").write_text("x\n")
    (clone / "participants" / "kept.txt").write_text("x\n")
    assert [p.path for p in stray_file_problems(clone)] == ["participants/kept.txt"]
    assert stray_file_problems(clone, ["participants/kept.txt"]) == []


def _remote_moves_on(tmp_path: Path, a: Path) -> None:
    """A teammate pushes an edit of P-0001, so `a`'s sync has a merge to make."""
    b = tmp_path / "b"
    run(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(b))
    path = b / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('referral_source = "CSM"', 'referral_source = "GP"'))
    commit(b, "P-0001: referral_source")
    run(b, "push", "-q", "origin", "HEAD:main")


def _side_branch(a: Path, make: Callable[[Path], None], rel: str) -> str:
    """A side branch writes `rel` and removes it again; main merges it (with an edit of
    its own, so the merge is not a fast-forward). Returns the commit that wrote `rel`."""
    run(a, "switch", "-q", "-c", "side")
    make(a)
    wrote = commit(a, "first")
    run(a, "rm", "-r", "-q", "--", rel)
    commit(a, "second")
    run(a, "switch", "-q", "main")
    (a / "docs").mkdir(exist_ok=True)
    (a / "docs" / "how.txt").write_text("how we work\n")
    commit(a, "docs")
    run(a, "merge", "-q", "--no-ff", "-m", "merge side", "side")
    return wrote


HISTORIES = ["merged with the remote's new commit", "a side branch merged in"]


def _through_a_merge() -> list:
    """Every ONCE file × both HISTORIES; the quick run keeps each file once, the
    histories alternating (each history and each kind runs), the rest `slow`."""
    return [
        pytest.param(*o, history, id=f"{history}-{o[0]}",
                     marks=() if i % 2 == j else pytest.mark.slow)
        for j, history in enumerate(HISTORIES)
        for i, o in enumerate(ONCE)
    ]  # fmt: skip


@pytest.mark.parametrize(("rel", "make", "says", "history"), _through_a_merge())
def test_a_file_removed_again_is_refused_through_a_merge(
    clone: Path, rel: str, make: Callable[[Path], None], says: str, history: str
) -> None:
    """`git log -- <paths>` simplifies history: at a merge whose caseload files equal one
    parent's it follows that parent only, and the commits that wrote and removed the
    file would never be looked at. The merge here has the remote's caseload files (or
    main's), so without `--full-history` the file would go out unrefused."""
    tmp_path = clone.parent
    remote = tmp_path / "remote.git"
    if history == HISTORIES[0]:
        make(clone)
        wrote = commit(clone, "first")
        run(clone, "rm", "-r", "-q", "--", rel)
        commit(clone, "second")
        _remote_moves_on(tmp_path, clone)
    else:
        wrote = _side_branch(clone, make, rel)
    before = run(remote, "rev-parse", "main").stdout
    with pytest.raises(SyncError) as info:
        sync(clone)
    message = str(info.value)
    assert message.startswith(f"{rel}:1:1: ") and says in message
    assert f"(commit {wrote[:7]})" in message
    assert run(remote, "rev-parse", "main").stdout == before
    assert is_clean_state(clone)


def _invalid_record(root: Path) -> None:
    path = root / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('referral_source = "CSM"', "referral_source = 3"))


def _written_and_removed(*rels: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        for rel in rels:
            text(rel, "x\n")(root)
        commit(root, "first")
        run(root, "rm", "-q", "--", *rels)

    return make


REFUSALS = [
    # (what the push holds, what the refusal must say, what it must not say)
    ("one file in history", [_written_and_removed("employers/a.txt")],
     ["this file is not valid", "take it out of those commits (git rebase -i"],
     ["ipstui validate"]),
    ("two files in history", [_written_and_removed("employers/a.txt", "employers/b.txt")],
     ["these files are not valid", "take them out of those commits (git rebase -i"],
     ["ipstui validate", "mend them"]),
    ("an invalid record at HEAD", [_invalid_record],
     ["this file is not valid", "fix it (`ipstui validate`), commit"],
     ["rebase", "later commit removed"]),
    ("both", [_written_and_removed("employers/a.txt"), _invalid_record],
     ["employers/a.txt:1:1: is not a record file", "take it out of those commits (git rebase -i",
      "participants/P-0001.toml:", "not valid in your latest commit: fix it (`ipstui validate`)"],
     []),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "makes", "says", "never"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_the_refusal_tells_history_from_the_last_commit(
    clone: Path, kind: str, makes: list[Callable[[Path], None]], says: list[str], never: list[str]
) -> None:
    """A file some pushed commit wrote is mended only by taking it out of that commit (a
    rebase); a record that is wrong only in the last commit, by a new commit. The
    refusal gives each its own advice, in singular and plural alike."""
    for make in makes:
        make(clone)
    commit(clone, "second")
    with pytest.raises(SyncError) as info:
        sync(clone)
    message = str(info.value)
    for words in says:
        assert words in message
    for words in never:
        assert words not in message
    if kind == "both":  # the rebase advice is for the history's file, before the record's
        assert message.index("git rebase -i") < message.index("participants/P-0001.toml")


def _folder_as_file(root: Path) -> None:
    run(root, "rm", "-r", "-q", "employers")
    (root / "employers").write_text("x\n")


ENTRIES = [
    ("a symbolic link", link("participants/P-0040.toml"), "participants/P-0040.toml"),
    ("a record folder that is a file", _folder_as_file, "employers"),
    ("a folder named like a record", folder("participants/P-0041.toml"), "participants/P-0041.toml"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "make", "rel"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_history_and_head_judge_an_entry_alike(
    clone: Path, kind: str, make: Callable[[Path], None], rel: str
) -> None:
    """One rule for what a tree entry may be: the last commit's check and every
    commit's check say the same of it, the latter naming the commit."""
    since = head(clone)
    make(clone)
    wrote = commit(clone)
    at_head = [(p.path, p.message) for p in outgoing.outgoing_problems(clone, since)]
    in_history = [(p.path, p.message) for p in history_problems(clone, since)]
    assert at_head and in_history == [(path, f"{m} (commit {wrote[:7]})") for path, m in at_head]
