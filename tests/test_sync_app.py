"""The app's sync action goes through the same sync: it says which id moved where (its
notification) and shows both people afterwards (Pilot, real git)."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from sync_helpers import head, isolate_git, make_team, run

from ipstui.core import edits
from ipstui.core.caseload import EditRefused, caseload_lock, load_for_edit
from ipstui.core.service import CaseloadService
from ipstui.core.sync import sync
from ipstui.ui.app import IpsApp
from ipstui.ui.widgets.board import Board

TODAY = date(2026, 11, 16)


def new(repo: Path, name: str) -> str:
    res = edits.new_participant(
        load_for_edit(repo, None),
        name=name,
        specialist="anna",
        referral_source="CSM",
        today=TODAY,
    )
    return res.participant.id


async def test_app_sync_renumbers_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    isolate_git(tmp_path, monkeypatch)
    a, b = make_team(tmp_path, "a", "b")
    assert new(b, "Bea B.") == "P-0002"
    sync(b)
    assert new(a, "Carl C.") == "P-0002"
    app = IpsApp(a, today=TODAY, watch_disk=False)
    said: list[str] = []
    notify = app.notify

    def heard(message: str, **kwargs: object) -> None:
        said.append(str(message))
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = heard  # type: ignore[method-assign]
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert app.caseload is not None and app.screen.query(Board)
        await pilot.press("s")
        await settle(pilot)  # the sync worker, its SyncFinished, then the reload it starts
        words = "your P-0002 is now P-0003 (P-0002 was taken on the remote)"
        assert any(words in m for m in said), said
        names = {pid: p.name for pid, p in app.caseload.participants.items()}
        assert names["P-0002"] == "Bea B." and names["P-0003"] == "Carl C."
        # The status line keeps the sync's account through the reload it started...
        board = app._board_screen()
        assert words in board._sync
        # ... until the user acts: then it shows the state again.
        await pilot.press("down")
        await pilot.pause()
        assert words not in board._sync and "in sync" in board._sync
    assert head(a) == run(b, "ls-remote", "origin", "refs/heads/main").stdout.split()[0]


def test_the_network_fetch_does_not_hold_the_save_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit made while the sync talks to the remote is not held up (or refused) by
    the sync: the first fetch runs before the save lock is taken."""
    import ipstui.core.sync as core_sync

    isolate_git(tmp_path, monkeypatch)
    a, b = make_team(tmp_path, "a", "b")
    new(b, "Bea B.")
    sync(b)
    real = core_sync._fetch
    free: list[bool] = []

    def fetch(run_: object, target: object) -> str | None:
        got: list[bool] = []

        def edit() -> None:  # another thread, as an edit worker is
            try:
                with caseload_lock(a / ".git", timeout=0.5):
                    got.append(True)
            except EditRefused:
                got.append(False)

        t = threading.Thread(target=edit)
        t.start()
        t.join()
        free.append(got == [True])
        return real(run_, target)  # type: ignore[arg-type]

    monkeypatch.setattr(core_sync, "_fetch", fetch)
    result = CaseloadService(a).sync()
    assert free == [True]  # one fetch, made with the lock free
    assert result.status == "pulled"
    assert (a / "participants" / "P-0002.toml").exists()  # pulled


@pytest.mark.slow  # the app's view of what this module's quick tests check: .ci/run (-m slow)
async def test_app_header_on_a_worktree_branch_with_no_upstream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Trial 9 item 3: a worktree branch made from main, 1 commit of its own. The header
    says `no upstream, 1 ahead` (not the length of the history); `s` refuses to publish
    it as a new branch and says why; the remote gets no branch."""
    isolate_git(tmp_path, monkeypatch)
    (a,) = make_team(tmp_path, "a")
    wt = tmp_path / "wt1"
    run(a, "worktree", "add", "-q", "-b", "wtb", str(wt))
    new(wt, "Dana D.")
    app = IpsApp(wt, today=TODAY, watch_disk=False)
    said: list[str] = []
    notify = app.notify

    def heard(message: str, **kwargs: object) -> None:
        said.append(str(message))
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = heard  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app._board_screen()
        assert board is not None and board._sync == "no upstream, 1 ahead"
        await pilot.press("s")
        await settle(pilot)
        assert any("wtb has no upstream and origin has no branch wtb" in m for m in said), said
    branches = run(tmp_path / "remote.git", "branch", "--format=%(refname:short)").stdout.split()
    assert branches == ["main"]
