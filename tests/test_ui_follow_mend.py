"""Typed values never land on another person: the mends after the review of "the screen
follows its record" (SPEC §6 "Two people never become one", §5 "shows both";
`tests/test_ui_record_follows.py` is the journey they extend).

One app session (named steps), behind the app's back each time:
- a screen opened on a version read before a rename landed follows the record (its
  base is the commit that holds the version shown, never a newer HEAD);
- a dialog's save of the screen's own record asks git nothing on the UI thread;
- a record renamed to a file that does not validate, its old id then given to another
  person: the screen shows neither, and a save writes nothing;
- a dialog open while the screen's id changes hands (its file deleted, another person
  then at its id): its Save is refused, the dialog
  stays open with what was typed, and nothing lands on the other person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, settle, step

from ipstui.core import edits, storage
from ipstui.core.caseload import load
from ipstui.core.init import init_caseload
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import ContactForm
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)


def _new(root: Path, name: str) -> str:
    return edits.new_participant(
        load(root), name=name, specialist="anna", referral_source="CSM", today=TODAY
    ).participant.id


def _on_disk(root: Path, pid: str) -> dict:
    return storage.loads_bytes((root / "participants" / f"{pid}.toml").read_bytes())


def _move(root: Path, old: str, new: str, extra: str = "") -> None:
    """A renumber by hand in one commit: the file renamed, its id changed (and `extra`
    appended to its text)."""
    data = dict(_on_disk(root, old), id=new)
    git(root, "mv", f"participants/{old}.toml", f"participants/{new}.toml")
    (root / "participants" / f"{new}.toml").write_text(storage.dumps(data) + extra)
    git(root, "commit", "-qam", f"{old} -> {new}: renumbered by hand")


def _another_at(root: Path, pid: str, like: str, name: str) -> None:
    """Another person committed at `pid` (a copy of `like`'s file, renamed)."""
    data = dict(_on_disk(root, like), id=pid, name=name)
    (root / "participants" / f"{pid}.toml").write_text(storage.dumps(data))
    git(root, "add", f"participants/{pid}.toml")
    git(root, "commit", "-qm", f"{pid}: new participant")


def _banner(screen: ParticipantScreen) -> str:
    return str(screen.query_one("#p-banner").render())


async def _outside(app: IpsApp, pilot) -> None:
    app.load_caseload()  # what the disk watcher does on each change
    await settle(pilot)


def _count(service: Any, names: tuple[str, ...]) -> dict[str, int]:
    """Count the calls of `service`'s methods `names` from now on (instance attributes
    over the class's methods)."""
    calls = dict.fromkeys(names, 0)

    def counting(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return func(*args, **kwargs)

        return call

    for name in names:
        setattr(service, name, counting(name, getattr(service, name)))
    return calls


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_typed_values_never_land_on_another_person(tmp_path: Path) -> None:
    root = init_caseload(tmp_path / "cl", name="Team", specialists=["anna=Anna B."])
    for name in ("Alice Local", "Bob Local", "Carl Local"):
        _new(root, name)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app.screen

        with step("opened on a version read before a rename landed: follows the record"):
            # The app's snapshot still holds Carl at P-0003 (no reload since).
            _move(root, "P-0003", "P-0009")
            _another_at(root, "P-0003", "P-0002", "Dora Other")
            app.open_participant("P-0003")
            await settle(pilot)
            carl = app.screen
            assert isinstance(carl, ParticipantScreen) and carl.participant is not None
            assert carl.participant.name == "Carl Local"
            carl.details.field("name").control.value = "Carl typed"
            await pilot.pause()
            await _outside(app, pilot)
            assert carl.pid == "P-0009"
            assert carl.participant is not None and carl.participant.id == "P-0009"
            assert carl.details.field("name").control.value == "Carl typed"
            carl.details.field("name").control.value = "Carl Local"
            await pilot.pause()

        with step("a dialog's save of the screen's own record asks git nothing more"):
            calls = _count(app.service, ("record_base", "where_now", "commit_holding"))
            carl.details.focus_content()
            await pilot.press("c")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, ContactForm)
            form.field("kind").control.value = "phone"
            form.field("note").control.load_text("Met at the library")
            await pilot.pause()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is carl, str(form.query_one("#form-error").render())
            assert _on_disk(root, "P-0009")["contacts"][-1]["note"] == "Met at the library"
            assert calls == {"record_base": 0, "where_now": 0, "commit_holding": 0}

        with step("renamed to a file that does not validate, its id taken: neither shown"):
            await back_to(pilot, board)
            app.open_participant("P-0001")
            await settle(pilot)
            alice = app.screen
            assert isinstance(alice, ParticipantScreen) and alice.participant is not None
            alice.details.field("name").control.value = "Alice typed"
            await pilot.pause()
            _move(root, "P-0001", "P-0099", extra='name = "a second name: not TOML"\n')
            _another_at(root, "P-0001", "P-0002", "Zed Other")
            await _outside(app, pilot)
            assert "P-0099" not in app.caseload.participants  # it does not validate
            assert alice.participant is None
            assert "holds another participant" in _banner(alice)
            assert alice.details.field("name").control.value == "Alice typed"
            before = git(root, "rev-parse", "HEAD")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert git(root, "rev-parse", "HEAD") == before
            assert _on_disk(root, "P-0001")["name"] == "Zed Other"

        with step("a dialog open while its id changes hands: refused, kept as typed"):
            await back_to(pilot, board)
            app.open_participant("P-0002")
            await settle(pilot)
            bob = app.screen
            assert isinstance(bob, ParticipantScreen) and bob.participant is not None
            bob.details.focus_content()
            await pilot.press("c")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, ContactForm)
            form.field("kind").control.value = "phone"
            form.field("note").control.load_text("Bob asked about evening shifts")
            await pilot.pause()
            git(root, "rm", "-q", "participants/P-0002.toml")
            git(root, "commit", "-qm", "P-0002: remove participant file")
            _another_at(root, "P-0002", "P-0009", "Yan Other")
            await _outside(app, pilot)
            assert bob.participant is None and "holds another participant" in _banner(bob)
            before = git(root, "rev-parse", "HEAD")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert git(root, "rev-parse", "HEAD") == before
            yan = _on_disk(root, "P-0002")
            assert [c["note"] for c in yan["contacts"]] == ["Met at the library"]
            assert app.screen is form
            assert form.field("note").control.text == "Bob asked about evening shifts"
            assert "Not saved" in str(form.query_one("#form-error").render())
            assert "holds another participant" in _banner(bob)  # the screen's own word
