"""The participant screen never saves its unsaved edits onto another person when the id
changes hands in a way git does not show as a rename (SPEC §6 "Two people never become
one", §9 "ask before losing edits"; s7ident).

One app session (named steps), real git commits behind the app's back, each kind of
change: two files' contents swapped in one commit; a `git mv` plus a new person at the
old path in one commit; a save sent before the app saw a swap; a `git checkout` of a
branch where the id is another person; and the outside edits that must still save (a
typo fixed in the name, another field). When the screen cannot tell, it keeps the
typed values, says so naming both people, and every save asks first (the one confirm
dialog); "no" writes nothing, "yes" saves onto the person at the id now.

The module checks state (the files, the commits, the typed values), so frames are drawn
only at checkpoints (tests/frames.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, settle, step
from sync_helpers import participant

from ipstui.core import storage
from ipstui.core.init import init_caseload
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import ConfirmDialog
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)


def _write(root: Path, data: dict) -> None:
    (root / "participants" / f"{data['id']}.toml").write_text(storage.dumps(data))


def _on_disk(root: Path, pid: str) -> dict:
    return storage.loads_bytes((root / "participants" / f"{pid}.toml").read_bytes())


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def _caseload(tmp_path: Path) -> Path:
    """P-0001 Zoe, P-0002 Anna, P-0003 Lars, P-0009 Marco on main; a branch `other`
    from the first commit where P-0001 is another person."""
    root = init_caseload(tmp_path / "c", name="Team", specialists=["anna=Anna B."])
    git(root, "checkout", "-qb", "other")
    _write(root, participant("P-0001", name="Other Branch Person", referral_source="Other service"))
    _commit(root, "P-0001: new participant")
    git(root, "checkout", "-q", "main")
    _write(root, participant("P-0001", name="Zoe Keller", referred_on=date(2026, 7, 1)))
    _write(root, participant("P-0002", name="Anna Bianchi"))
    _write(root, participant("P-0003", name="Lars Holm", referral_source="Self",
                             referred_on=date(2026, 8, 3), contacts=[]))  # fmt: skip
    _write(root, participant("P-0009", name="Marco Rossi", referral_source="Other service"))
    _commit(root, "four participants")
    return root


def _swap(root: Path) -> None:
    """P-0002 and P-0003 swap contents and ids in ONE commit (git mv via a temp name)."""
    anna, lars = _on_disk(root, "P-0002"), _on_disk(root, "P-0003")
    git(root, "mv", "participants/P-0002.toml", "participants/tmp.toml")
    git(root, "mv", "participants/P-0003.toml", "participants/P-0002.toml")
    git(root, "mv", "participants/tmp.toml", "participants/P-0003.toml")
    _write(root, dict(lars, id="P-0002"))
    _write(root, dict(anna, id="P-0003"))
    _commit(root, "swap P-0002 and P-0003")


async def _typed(pilot, screen: ParticipantScreen, field: str, value: str) -> None:
    screen.details.field(field).control.value = value
    await pilot.pause()


async def _outside(app: IpsApp, pilot) -> None:
    app.load_caseload()  # what the disk watcher does on each change
    await settle(pilot)


def _banner(screen: ParticipantScreen) -> str:
    return str(screen.query_one("#p-banner").render())


async def _open(app: IpsApp, pilot, pid: str) -> ParticipantScreen:
    await back_to(pilot, app.screen_stack[0])  # the board
    app.open_participant(pid)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen) and screen.pid == pid
    return screen


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_a_screen_never_saves_onto_another_person(tmp_path: Path) -> None:
    root = _caseload(tmp_path)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        with step("swap in one commit: shown, the typed name kept, both named"):
            screen = await _open(app, pilot, "P-0002")
            await _typed(pilot, screen, "name", "Anna Bianchi EDIT")
            _swap(root)
            await _outside(app, pilot)
            assert screen.details.field("name").control.value == "Anna Bianchi EDIT"
            banner = _banner(screen)
            assert "may be another participant" in banner
            assert "Anna Bianchi" in banner and "Lars Holm" in banner

        with step("ctrl+s asks, naming both; no writes nothing and keeps the typed name"):
            before = git(root, "rev-parse", "HEAD")
            await pilot.press("ctrl+s")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ConfirmDialog)
            assert "Anna Bianchi" in dialog.question and "Lars Holm" in dialog.question
            await pilot.press("n")
            await settle(pilot)
            assert app.screen is screen
            assert git(root, "rev-parse", "HEAD") == before
            assert _on_disk(root, "P-0002")["name"] == "Lars Holm"
            assert _on_disk(root, "P-0003")["name"] == "Anna Bianchi"
            assert screen.details.field("name").control.value == "Anna Bianchi EDIT"

        with step("asked again, yes saves onto the person at the id now (the user's call)"):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("y")
            await settle(pilot)
            assert git(root, "log", "-1", "--format=%s").strip() == "P-0002: set name"
            assert _on_disk(root, "P-0002")["name"] == "Anna Bianchi EDIT"
            assert _on_disk(root, "P-0002")["referral_source"] == "Self"  # Lars's record
            assert _on_disk(root, "P-0003")["name"] == "Anna Bianchi"

        with step("a save sent before the app saw a swap: refused, nothing written"):
            await _typed(pilot, screen, "benefits_counseling_on", "2026-11-10")
            _swap(root)  # P-0002 is Anna's record again, P-0003 the other
            before = git(root, "rev-parse", "HEAD")
            await pilot.press("ctrl+s")  # the app has not reloaded: the save checks
            await settle(pilot)
            assert git(root, "rev-parse", "HEAD") == before
            assert "benefits_counseling_on" not in _on_disk(root, "P-0002")
            banner = _banner(screen)
            assert "NOT SAVED" in banner and "P-0002" in banner
            assert screen.details.field("benefits_counseling_on").control.value == "2026-11-10"
            await pilot.press("ctrl+s")  # now it asks
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await pilot.press("n")
            await settle(pilot)
            assert git(root, "rev-parse", "HEAD") == before

        with step("git mv and a new person at the old path in one commit: followed"):
            screen = await _open(app, pilot, "P-0009")
            await _typed(pilot, screen, "name", "Marco Rossi EDIT")
            marco = _on_disk(root, "P-0009")
            git(root, "mv", "participants/P-0009.toml", "participants/P-0010.toml")
            _write(root, dict(marco, id="P-0010"))
            _write(root, participant("P-0009", name="Yuri Petrov", referral_source="Self",
                                     referred_on=date(2026, 10, 1), contacts=[]))  # fmt: skip
            _commit(root, "P-0009 -> P-0010, new P-0009")
            await _outside(app, pilot)
            assert screen.pid == "P-0010"
            assert "P-0009 is now P-0010" in _banner(screen)
            assert screen.details.field("name").control.value == "Marco Rossi EDIT"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert _on_disk(root, "P-0010")["name"] == "Marco Rossi EDIT"
            assert _on_disk(root, "P-0009")["name"] == "Yuri Petrov"

        with step("a typo fixed outside, another field typed here: saved, no question"):
            screen = await _open(app, pilot, "P-0001")
            await _typed(pilot, screen, "benefits_counseling_on", "2026-11-11")
            _write(root, dict(_on_disk(root, "P-0001"), name="Zoë Keller"))
            _commit(root, "P-0001: set name")
            await _outside(app, pilot)
            assert "may be another" not in _banner(screen)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmDialog)
            saved = _on_disk(root, "P-0001")
            assert saved["name"] == "Zoë Keller"
            assert saved["benefits_counseling_on"] == date(2026, 11, 11)

        with step("another field edited outside: rebased and saved as before"):
            await _typed(pilot, screen, "name", "Zoë Keller-Berg")
            _write(root, dict(_on_disk(root, "P-0001"), support_mode="behind_the_scenes"))
            _commit(root, "P-0001: set support_mode")
            await _outside(app, pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmDialog)
            saved = _on_disk(root, "P-0001")
            assert saved["name"] == "Zoë Keller-Berg"
            assert saved["support_mode"] == "behind_the_scenes"

        with step("git checkout other (P-0001 another person there): asks, no saves nothing"):
            await _typed(pilot, screen, "benefits_counseling_on", "2026-11-12")
            git(root, "checkout", "-q", "other")
            before = git(root, "rev-parse", "HEAD")
            await _outside(app, pilot)
            banner = _banner(screen)
            assert "history was replaced" in banner and "Other Branch Person" in banner
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert "Other Branch Person" in app.screen.question
            await pilot.press("n")
            await settle(pilot)
            assert git(root, "rev-parse", "HEAD") == before
            assert _on_disk(root, "P-0001")["name"] == "Other Branch Person"
            assert screen.details.field("benefits_counseling_on").control.value == "2026-11-12"
