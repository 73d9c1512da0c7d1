"""A contact or job dialog opens at once, before the employer register is read (the
review of the UI changes, item 1): keys typed while the register is read reach the
dialog, never the screen under it; the list arrives in the open dialog with what was
typed kept; a register that cannot be read says why in the dialog.

The read is held on an Event (monkeypatched `register_choices`), so each case is the
slow read the fault needed, without a clock. The cases share one app session as named
steps (`pilot_wait.run_steps`), each from the board with the register not read yet: an
app start costs more CPU than a case."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle
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


class Reads:
    """The register reads of the session (`register_choices` replaced): held on `release`
    until the test sets it, or failing with `failure` when one is given."""

    def __init__(self, read: Any) -> None:
        self.read = read
        self.release = threading.Event()
        self.failure: Exception | None = None

    def __call__(self, service: Any, caseload: Any) -> list[tuple[str, str]]:
        self.release.wait()
        if self.failure is not None:
            raise self.failure
        return self.read(service, caseload)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """The register reads, released at once until a step holds them (set at teardown
    too, so no read waits on a finished test)."""
    reads = Reads(employers_screen.register_choices)
    reads.release.set()
    monkeypatch.setattr(employers_screen, "register_choices", reads)
    yield reads
    reads.release.set()


def _contacts(root: Path) -> list[dict]:
    data = storage.loads_bytes((root / "participants" / "P-0001.toml").read_bytes())
    return list(data.get("contacts") or [])


def _forms(app: IpsApp, kind: type) -> list[Any]:
    return [s for s in app.screen_stack if isinstance(s, kind)]


async def _board_unread(app: IpsApp, pilot: Any, reads: Reads | None = None) -> None:
    """The board shown, and the register not read yet (as before the first findings);
    the reads held from here when `reads` is given."""
    await back_to(pilot, app.screen_stack[0])
    await settle(pilot)
    app.employer_register = None
    if reads is not None:
        reads.release.clear()


async def c_twice_while_reading_opens_one_form_and_saves_once(
    app: IpsApp, pilot: Any, root: Path, reads: Reads
) -> None:
    await _board_unread(app, pilot, reads)
    board = app.screen
    await pilot.press("c", "c")
    await pilot.pause()
    assert len(_forms(app, ContactForm)) == 1 and app.screen is not board
    form = app.screen
    assert isinstance(form, ContactForm)
    select = form.field("employer_id").control
    assert isinstance(select, Select) and select.disabled
    reads.release.set()
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


async def esc_while_reading_leaves_no_form(
    app: IpsApp, pilot: Any, root: Path, reads: Reads
) -> None:
    await _board_unread(app, pilot, reads)
    board = app.screen
    await pilot.press("c")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()
    reads.release.set()
    await settle(pilot)
    assert app.screen is board and not _forms(app, ContactForm)


async def a_register_read_that_fails_says_so_in_the_form(
    app: IpsApp, pilot: Any, root: Path, reads: Reads
) -> None:
    await _board_unread(app, pilot)
    reads.failure = ValueError("employers/E-0001.toml: bad entry")
    try:
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactForm)
        note = str(form.field("employer_id").query_one(".field-note").render())
        assert "could not be read" in note and "bad entry" in note
    finally:
        reads.failure = None


async def a_job_employer_typed_while_reading_is_kept(
    app: IpsApp, pilot: Any, root: Path, reads: Reads
) -> None:
    await _board_unread(app, pilot, reads)
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
    reads.release.set()
    await settle(pilot)
    control = form.field("employer").control
    assert isinstance(control, ChoiceOrText)
    assert control.choices == ["Bakery Rossi"] and control.value == "Cafe Verdi"
    assert "Employer" in form.unsaved_edits()


async def a_late_read_of_an_older_snapshot_keeps_the_newer_register(
    app: IpsApp, pilot: Any, root: Path, reads: Reads
) -> None:
    """The Employers screen's read of a snapshot the app has since replaced does not
    overwrite the register the dialogs offer (review item 3). (The last step: it adds
    an employer.)"""
    await back_to(pilot, app.screen_stack[0])
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


CASES = [
    ("c twice while reading opens one form and saves once",
     c_twice_while_reading_opens_one_form_and_saves_once),
    ("esc while reading leaves no form", esc_while_reading_leaves_no_form),
    ("a register read that fails says so in the form",
     a_register_read_that_fails_says_so_in_the_form),
    ("a job employer typed while reading is kept", a_job_employer_typed_while_reading_is_kept),
    ("a late read of an older snapshot keeps the newer register",
     a_late_read_of_an_older_snapshot_keeps_the_newer_register),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_dialogs_before_the_register_is_read(root: Path, reads: Reads) -> None:
    """Each case of CASES in order, in one app at 120×40."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_steps(CASES, app, pilot, root, reads)
