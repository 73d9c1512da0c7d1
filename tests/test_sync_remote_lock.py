"""A lock file left on the remote (`remote.git/refs/heads/main.lock`) is named once the
push's retries are spent, instead of "kept moving on ... sync again in a moment"
forever (s8fixB review, item 3). A real bare remote, a real lock file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sync_helpers import commit_participant, head, isolate_git, make_team, participant, run

from ipstui.core.sync import SyncError, sync

LOCKS: list[tuple[str, str, str | None]] = [
    # (case, lock file under the remote, what sync says; None: the push goes through)
    (
        "the branch's ref lock left behind",
        "refs/heads/main.lock",
        "origin/main refused the push because a lock file exists on the remote "
        "({remote}/refs/heads/main.lock): another push may be running there, or one "
        "stopped and left the lock behind; nothing was lost, your local commits are kept",
    ),
    ("another branch's lock", "refs/heads/other.lock", None),
]


@pytest.mark.parametrize(("case", "lock", "says"), LOCKS, ids=[c[0] for c in LOCKS])
def test_a_lock_left_on_the_remote_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, lock: str, says: str | None
) -> None:
    isolate_git(tmp_path, monkeypatch)
    a, _b = make_team(tmp_path, "a", "b")
    remote = Path(run(a, "remote", "get-url", "origin").stdout.strip()).resolve()
    commit_participant(a, participant(notes="from a"), "notes")
    (remote / lock).write_text("")
    mine = head(a)
    if says is None:
        sync(a)
        assert run(a, "ls-remote", "origin", "main").stdout.split()[0] == mine
        return
    with pytest.raises(SyncError) as info:
        sync(a)
    msg = str(info.value)
    assert says.format(remote=remote) in msg, msg
    assert "kept moving on" not in msg and "\n" not in msg
    assert head(a) == mine
