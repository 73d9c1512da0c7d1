"""sync never pushes a caseload file the outgoing commits make invalid (trial 7 item 7;
SPEC §6: "the merged caseload must be valid as a whole before it is pushed").

Each kind is committed with git alone (as a hand edit would be), then `sync` runs:
refused kinds leave the remote as it was, the local branch on the user's own commit
and the repository clean, and the message names the file; allowed kinds (warnings,
files that are not the caseload's, a problem the remote already had) are pushed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_helpers import (
    commit_participant,
    head,
    is_clean_state,
    isolate_git,
    make_team,
    participant,
    run,
)

from ipstui.core.erasures import id_hash
from ipstui.core.sync import SyncError, sync


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_git(tmp_path, monkeypatch)
    return tmp_path


def _commit(root: Path, message: str = "hand edit") -> None:
    run(root, "add", "-A")
    run(root, "commit", "-q", "-m", message)


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
        _commit(root)

    return make


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        text = (root / rel).read_text(encoding="utf-8")
        assert old in text
        (root / rel).write_text(text.replace(old, new), encoding="utf-8")
        _commit(root)

    return make


def _symlink(root: Path) -> None:
    outside = root.parent / "outside.toml"
    outside.write_text('schema = 1\nid = "P-0009"\n', encoding="utf-8")
    os.symlink(outside, root / "participants" / "P-0009.toml")
    _commit(root)


def _folder(root: Path) -> None:
    folder = root / "participants" / "P-0010.toml"
    folder.mkdir()
    (folder / "x").write_text("x\n")
    _commit(root)


def _new_participant(**fields: object) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        commit_participant(root, participant("P-0031", **fields), "new participant")

    return make


ERASED = f'[[erasure]]\non = 2026-11-01\nby = "x"\nid_sha256 = "{id_hash("P-0099")}"\nrequest = ""\n'
REFUSED = [
    # (kind, make it, the file named, words of the refusal)
    ("participant not TOML", _write("participants/P-0030.toml", "broken = = \n"),
     "participants/P-0030.toml", "TOML syntax error"),
    ("participant a symbolic link", _symlink, "participants/P-0009.toml", "symbolic link"),
    ("a folder named like a participant", _folder, "participants/P-0010.toml", "folder"),
    ("participant with an unknown phase", _new_participant(phase="dreaming"),
     "participants/P-0031.toml", "phase"),
    ("participant of no team member", _new_participant(specialist="ghost"),
     "participants/P-0031.toml", "unknown specialist"),
    ("employer not TOML", _write("employers/E-0001.toml", "name = \n"),
     "employers/E-0001.toml", "TOML syntax error"),
    ("caseload.toml with a bad value", _replace("caseload.toml", "max_caseload = 20", "max_caseload = -5"),
     "caseload.toml", "max_caseload"),
    ("erasures.toml not TOML", _write("erasures.toml", "bad = = x\n"), "erasures.toml",
     "TOML syntax error"),
    ("erasures.toml with a bad hash",
     _write("erasures.toml", '[[erasure]]\nid_sha256 = "abc"\n'), "erasures.toml", "id_sha256"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "make", "rel", "says"), REFUSED, ids=[k[0] for k in REFUSED]
)
def test_an_invalid_outgoing_file_is_not_pushed(
    env: Path, kind: str, make: Callable[[Path], None], rel: str, says: str
) -> None:
    (a,) = make_team(env, "a")
    remote = env / "remote.git"
    before = run(remote, "rev-parse", "main").stdout
    make(a)
    mine = head(a)
    with pytest.raises(SyncError) as info:
        sync(a)
    message = str(info.value)
    assert message.startswith(rel) and says in message
    assert "nothing was pushed" in message
    assert run(remote, "rev-parse", "main").stdout == before
    assert head(a) == mine and is_clean_state(a)


def test_every_invalid_file_is_named_in_one_message(env: Path) -> None:
    (a,) = make_team(env, "a")
    _symlink(a)
    _write("participants/P-0030.toml", "broken = = \n")(a)
    with pytest.raises(SyncError) as info:
        sync(a)
    message = str(info.value)
    assert "participants/P-0009.toml" in message and "participants/P-0030.toml" in message
    # The link (a commit wrote it) and the broken record (HEAD only) get their own advice.
    assert "git rebase -i" in message and "not valid in your latest commit" in message


PUSHED = [
    ("a warning only (an unknown key)", _new_participant(favourite_colour="blue")),
    ("a file that is not the caseload's", _write("docs/README.md", "notes\n")),
    ("a valid erasure register", _write("erasures.toml", "# register\n\n" + ERASED)),
    ("a register of comments only", _write("erasures.toml", "# nothing erased yet\n")),
]


@pytest.mark.parametrize(("kind", "make"), PUSHED, ids=[k[0] for k in PUSHED])
def test_a_valid_outgoing_change_is_pushed(
    env: Path, kind: str, make: Callable[[Path], None]
) -> None:
    (a,) = make_team(env, "a")
    make(a)
    assert sync(a).status == "pushed"
    assert run(env / "remote.git", "rev-parse", "main").stdout.strip() == head(a)


def test_a_problem_the_remote_already_had_does_not_block_an_edit_of_the_file(
    env: Path,
) -> None:
    """The team's own old problem is not this push's: editing that file is pushed."""
    a, b = make_team(env, "a", "b", participants=[participant(), participant("P-0005")])
    broken = participant("P-0005", specialist="ghost")
    commit_participant(a, broken, "hand edit")
    run(a, "push", "-q", "origin", "HEAD")  # git alone: the remote has the problem now
    run(b, "pull", "-q")
    commit_participant(b, participant("P-0005", specialist="ghost", notes="b"), "set notes")
    assert sync(b).status == "pushed"
