"""The app's sync action goes through the same sync: it says which id moved where (its
notification) and shows both people afterwards (Pilot, real git)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sync_helpers import head, isolate_git, make_team, run

from ipstui.core import edits
from ipstui.core.caseload import load_for_edit
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
        for _ in range(200):
            await pilot.pause(0.02)
            if app.caseload is not None and app.screen.query(Board):
                break
        await pilot.press("s")
        for _ in range(500):
            await pilot.pause(0.02)
            cl = app.caseload
            if cl is not None and "P-0003" in cl.participants:
                break
        words = "your P-0002 is now P-0003 (P-0002 was taken on the remote)"
        assert any(words in m for m in said), said
        names = {pid: p.name for pid, p in app.caseload.participants.items()}
        assert names["P-0002"] == "Bea B." and names["P-0003"] == "Carl C."
    assert head(a) == run(b, "ls-remote", "origin", "refs/heads/main").stdout.split()[0]
