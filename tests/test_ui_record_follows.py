"""A participant screen with unsaved edits follows its record, never its path (trial 7
item 1; SPEC §6 "Two people never become one", §5 "shows both").

One app session (named steps), one participant open with a typed value; behind the
app's back, each kind of change that puts another record at the screen's path or moves
the record away: a real `sync` that renumbers the local participant because the remote
took its id, a hand `git mv`, a file deleted and then re-created as another person, and
an erasure (history rewritten) followed by another person at the erased id.
The screen follows a rename to the new id (saying so, keeping the typed value, a save
writing it there; a save sent before the app saw the change is refused and says where
the record went) and refuses, with the typed value never written, when its path holds
another person.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from conftest import git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, settle, step

from ipstui.core import edits, storage
from ipstui.core.caseload import load
from ipstui.core.erase import erase, plan
from ipstui.core.init import init_caseload
from ipstui.core.service import CaseloadService
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)


def _new(root: Path, name: str, source: str) -> str:
    return edits.new_participant(
        load(root), name=name, specialist="anna", referral_source=source, today=TODAY
    ).participant.id


def _on_disk(root: Path, pid: str) -> dict:
    return storage.loads_bytes((root / "participants" / f"{pid}.toml").read_bytes())


def _team(tmp_path: Path) -> tuple[Path, Path]:
    """A bare remote and two clones of it: `mine` (the app's) and `theirs`."""
    seed = init_caseload(tmp_path / "seed", name="Team", specialists=["anna=Anna B."])
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    for clone in (mine, theirs):
        git(tmp_path, "clone", "-q", str(remote), str(clone))
    return mine, theirs


def _move(root: Path, old: str, new: str) -> None:
    """A renumber by hand: the file renamed and its id changed, in one commit."""
    data = dict(_on_disk(root, old), id=new)
    git(root, "mv", f"participants/{old}.toml", f"participants/{new}.toml")
    (root / "participants" / f"{new}.toml").write_text(storage.dumps(data))
    git(root, "commit", "-qam", f"{old} -> {new}: renumbered by hand")


async def _typed(pilot, screen: ParticipantScreen, value: str) -> None:
    screen.details.field("name").control.value = value
    await pilot.pause()


async def _outside(app: IpsApp, pilot) -> None:
    app.load_caseload()  # what the disk watcher does on each change
    await settle(pilot)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_open_screen_follows_its_record_never_its_path(tmp_path: Path) -> None:
    mine, theirs = _team(tmp_path)
    _new(theirs, "Bob Remote", "Self")
    edits.set_fields(load(theirs), "P-0001", {"notes": "Bob private note"}, today=TODAY)
    CaseloadService(theirs).sync()
    _new(mine, "Alice Local", "CSM")  # not pushed: the remote took P-0001 meanwhile
    app = IpsApp(mine, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_participant("P-0001")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)

        with step("a sync renumbers the open participant: the screen follows to P-0002"):
            await _typed(pilot, screen, "Alice Local (edited)")
            said = CaseloadService(mine).sync()
            assert [(r.old, r.new) for r in said.renumbered] == [("P-0001", "P-0002")]
            assert _on_disk(mine, "P-0001")["name"] == "Bob Remote"
            await _outside(app, pilot)
            assert screen.pid == "P-0002"
            assert screen.participant is not None and screen.participant.id == "P-0002"
            assert screen.details.field("name").control.value == "Alice Local (edited)"
            banner = str(screen.query_one("#p-banner").render())
            assert "P-0001 is now P-0002" in banner

        with step("a save writes the typed value to P-0002; Bob's P-0001 is untouched"):
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert _on_disk(mine, "P-0002")["name"] == "Alice Local (edited)"
            assert _on_disk(mine, "P-0001")["name"] == "Bob Remote"
            assert _on_disk(mine, "P-0001")["notes"] == "Bob private note"

        with step("saved before the app saw the change: refused, then saved at the new id"):
            await _typed(pilot, screen, "Alice before the reload")
            _move(mine, "P-0002", "P-0008")
            dora = dict(_on_disk(mine, "P-0008"), id="P-0002", name="Dora Other")
            (mine / "participants" / "P-0002.toml").write_text(storage.dumps(dora))
            git(mine, "add", "participants/P-0002.toml")
            git(mine, "commit", "-qm", "P-0002: new participant")
            await pilot.press("ctrl+s")  # no reload yet: the save names P-0002
            await settle(pilot)
            assert _on_disk(mine, "P-0002")["name"] == "Dora Other"
            banner = str(screen.query_one("#p-banner").render())
            assert "NOT SAVED" in banner and "P-0002 is now P-0008" in banner
            assert screen.pid == "P-0008"
            assert screen.details.field("name").control.value == "Alice before the reload"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert _on_disk(mine, "P-0008")["name"] == "Alice before the reload"
            assert _on_disk(mine, "P-0002")["name"] == "Dora Other"

        with step("a hand `git mv` of the open record: the screen follows to P-0007"):
            await _typed(pilot, screen, "Alice typed again")
            data = _on_disk(mine, "P-0008")
            git(mine, "mv", "participants/P-0008.toml", "participants/P-0007.toml")
            data["id"] = "P-0007"
            (mine / "participants" / "P-0007.toml").write_text(storage.dumps(data))
            git(mine, "commit", "-qam", "P-0008 -> P-0007: renumbered by hand")
            await _outside(app, pilot)
            assert screen.pid == "P-0007"
            assert screen.details.field("name").control.value == "Alice typed again"

        with step("deleted, then another person at the same id: refused, nothing written"):
            git(mine, "rm", "-q", "participants/P-0007.toml")
            git(mine, "commit", "-qm", "P-0007: remove participant file")
            other = dict(data, name="Carla Other", notes="Carla's note")
            (mine / "participants" / "P-0007.toml").write_text(storage.dumps(other))
            git(mine, "add", "participants/P-0007.toml")
            git(mine, "commit", "-qm", "P-0007: new participant")
            await _outside(app, pilot)
            assert screen.participant is None
            banner = str(screen.query_one("#p-banner").render())
            assert "holds another participant" in banner
            before = git(mine, "rev-parse", "HEAD")
            await _typed(pilot, screen, "Alice typed a third time")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert git(mine, "rev-parse", "HEAD") == before
            assert _on_disk(mine, "P-0007")["name"] == "Carla Other"
            await _outside(app, pilot)  # a later reload does not show Carla here either
            assert screen.participant is None

        with step("erased (history rewritten), then another person at the id: refused"):
            if importlib.util.find_spec("git_filter_repo") is None:
                pytest.skip("erasing needs git-filter-repo (extra 'erase')")
            board = app.screen_stack[0]  # the board, under every screen
            await back_to(pilot, board)
            app.open_participant("P-0001")  # Bob
            await settle(pilot)
            bob = app.screen
            assert isinstance(bob, ParticipantScreen) and bob.participant is not None
            await _typed(pilot, bob, "Bob typed")
            erase(mine, plan(mine, "P-0001"), today=TODAY)
            await _outside(app, pilot)
            assert bob.participant is None  # gone: not available, the typed value kept
            assert bob.details.field("name").control.value == "Bob typed"
            eve = dict(data, id="P-0001", name="Eve Other", notes="Eve's note")
            (mine / "participants" / "P-0001.toml").write_text(storage.dumps(eve))
            git(mine, "add", "participants/P-0001.toml")
            git(mine, "commit", "-qm", "P-0001: new participant")
            await _outside(app, pilot)
            assert bob.participant is None
            assert "holds another participant" in str(bob.query_one("#p-banner").render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert _on_disk(mine, "P-0001")["name"] == "Eve Other"
