"""A contact or job dialog opens at once, before the employer register is read (the
review of the UI changes, item 1): keys typed while the register is read reach the
dialog, never the screen under it; the list arrives in the open dialog with what was
typed kept; a register that cannot be read says why in the dialog.

The read is held on an Event (monkeypatched `register_choices`), so each case is the
slow read the fault needed, without a clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from textual.widgets import Select

from ipstui.core import edits, storage
from ipstui.core.caseload import load
from ipstui.core.employers import new_employer
from ipstui.core.init import init_caseload
from ipstui.ui.app import IpsApp
from ipstui.ui.messages import EmployersRead
from ipstui.ui.screens import employers as employers_screen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.forms import ContactForm, JobForm
from ipstui.ui.screens.forms.fields import ChoiceOrText
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.participant.jobs import JobsPane

TODAY = date(2026, 11, 16)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = init_caseload(tmp_path / "cl", name="Team", specialists=["anna=Anna B."])
    edits.new_participant(
        load(root), name="Alice Local", specialist="anna", referral_source="CSM", today=TODAY
    )
    new_employer(load(root), name="Bakery Rossi")
    return root


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The register read waits until the test sets the Event (set at teardown too)."""
    release = threading.Event()
    read = employers_screen.register_choices

    def slow(service: Any, caseload: Any) -> list[tuple[str, str]]:
        release.wait()
        return read(service, caseload)

    monkeypatch.setattr(employers_screen, "register_choices", slow)
    yield release
    release.set()


def _contacts(root: Path) -> list[dict]:
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    return list(data.get("contacts") or [])


def _forms(app: IpsApp, kind: type) -> list[Any]:
    return [s for s in app.screen_stack if isinstance(s, kind)]


async def _board_unread(app: IpsApp, pilot: Any) -> None:
    """The board shown, and the register not read yet (as before the first findings)."""
    await settle(pilot)
    app.employer_register = None


async def test_c_twice_while_reading_opens_one_form_and_saves_once(
    root: Path, held: threading.Event
) -> None:
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _board_unread(app, pilot)
        board = app.screen
        await pilot.press("c", "c")
        await pilot.pause()
        assert len(_forms(app, ContactForm)) == 1 and app.screen is not board
        form = app.screen
        assert isinstance(form, ContactForm)
        select = form.field("employer_id").control
        assert isinstance(select, Select) and select.disabled
        held.set()
        await settle(pilot)
        assert len(_forms(app, ContactForm)) == 1
        assert not select.disabled
        assert [v for _label, v in select._options if v != Select.NULL] == ["E-0001"]
        form.field("kind").control.value = "phone"
        form.field("note").control.load_text("Called about the interview")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is board
        assert len(_contacts(root)) == 1


async def test_esc_while_reading_leaves_no_form(root: Path, held: threading.Event) -> None:
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _board_unread(app, pilot)
        board = app.screen
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        held.set()
        await settle(pilot)
        assert app.screen is board and not _forms(app, ContactForm)


async def test_a_register_read_that_fails_says_so_in_the_form(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(service: Any, caseload: Any) -> list[tuple[str, str]]:
        raise ValueError("employers/E-0001.toml: bad entry")

    monkeypatch.setattr(employers_screen, "register_choices", broken)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _board_unread(app, pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        note = str(form.field("employer_id").query_one(".field-note").render())
        assert "could not be read" in note and "bad entry" in note


async def test_a_job_employer_typed_while_reading_is_kept(
    root: Path, held: threading.Event
) -> None:
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _board_unread(app, pilot)
        app.open_participant("P-0001")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        app.employer_register = None
        screen.query_one(JobsPane).add_job()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, JobForm)
        await pilot.press(*"Cafe Verdi")
        assert form.field("employer").control.value == "Cafe Verdi"
        held.set()
        await settle(pilot)
        control = form.field("employer").control
        assert isinstance(control, ChoiceOrText)
        assert control.choices == ["Bakery Rossi"] and control.value == "Cafe Verdi"
        assert "Employer" in form.unsaved_edits()


async def test_a_late_read_of_an_older_snapshot_keeps_the_newer_register(root: Path) -> None:
    """The Employers screen's read of a snapshot the app has since replaced does not
    overwrite the register the dialogs offer (review item 3)."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        old = app.caseload
        app.action_employers()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EmployersScreen)
        new_employer(load(root), name="Cafe Verdi")
        app.load_caseload()
        await settle(pilot)
        current = app.employer_register
        assert current is not None and len(current.employers) == 2
        stale = app.service.employers(old)  # read as of the old snapshot, another object
        assert stale is not current
        screen.post_message(EmployersRead(stale, {}, None, old))
        await settle(pilot)
        assert app.employer_register is current
        screen.post_message(EmployersRead(current, {}, None, app.caseload))
        await settle(pilot)
        assert app.employer_register is current
