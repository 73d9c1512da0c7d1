"""A form never drops what was typed (issue 13, item 1; SPEC §9 "ask before losing edits").

Table-driven over every dialog that holds typed input, opened the way a user opens it:
typing then `escape` asks (the one ConfirmDialog); "keep editing" keeps the text; "discard"
closes without a commit; an untouched form closes at once; a save the service refuses
leaves the form open with what was typed and the refusal shown in it.

All of it is one journey on one app (`pilot_wait.step`; starting the app and opening a
participant cost more CPU than a case): each case is a named step that starts from the
screen the user opens its form on and leaves the app there. The cases that save run before
the ones whose refusal leaves an uncommitted hand edit (undone after each)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_count, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle
from textual.widgets import Input, Select, Static, TextArea

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.forms import ChoiceOrText, ClosureForm, ConfirmDialog, FormScreen
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.participant.jobs import JobsPane
from ipstui.ui.screens.reports import ExportCsvScreen

TODAY = date(2026, 11, 16)
PID = "P-0005"  # in the sample: a current job, not suspended, not closed


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


async def _participant(app: IpsApp, pilot) -> ParticipantScreen:
    """PID's screen: the one on top if it is shown already, else opened."""
    screen = app.screen
    if isinstance(screen, ParticipantScreen) and screen.pid == PID:
        return screen
    app.open_participant(PID)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen)
    return screen


async def _employers(app: IpsApp, pilot) -> EmployersScreen:
    """The employers screen: the one on top if it is shown already, else opened."""
    if isinstance(app.screen, EmployersScreen):
        return app.screen
    await _board(app, pilot)
    app.action_employers()
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, EmployersScreen)
    return screen


async def _board(app: IpsApp, pilot) -> BoardScreen:
    """Back to the board (every screen above it dismissed)."""
    board = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
    await back_to(pilot, board)
    return board


async def open_contact(app, pilot) -> None:
    await _board(app, pilot)
    app.add_contact_for(PID)


async def open_new_participant(app, pilot) -> None:
    await _board(app, pilot)
    app.new_participant()


async def open_job(app, pilot) -> None:
    (await _participant(app, pilot)).action_add_job()


async def open_end_job(app, pilot) -> None:
    screen = await _participant(app, pilot)
    screen.show_tab("jobs")
    await pilot.pause()
    pane = screen.query_one(JobsPane)
    jobs = screen.participant.data["jobs"]
    row = next(i for i, ref in enumerate(pane._refs) if "end" not in jobs[ref])
    pane.table.move_cursor(row=row)
    pane.action_end_job()


async def open_task(app, pilot) -> None:
    (await _participant(app, pilot)).action_add_task()


async def open_suspend(app, pilot) -> None:
    (await _participant(app, pilot)).action_suspend()


async def open_new_employer(app, pilot) -> None:
    (await _employers(app, pilot)).action_new_employer()


async def open_employer_contact(app, pilot) -> None:
    (await _employers(app, pilot)).action_log_contact()


async def open_edit_employer(app, pilot) -> None:
    (await _employers(app, pilot)).action_edit_employer()


def _set(form: FormScreen, name: str, value: Any) -> None:
    control = form.field(name).control
    if isinstance(control, ChoiceOrText):
        control.set_value(value)
    elif isinstance(control, Input):
        control.value = value
    elif isinstance(control, TextArea):
        control.load_text(value)
    elif isinstance(control, Select):
        control.value = value
    else:
        raise TypeError(control)


@dataclass(frozen=True)
class Case:
    name: str
    open: Callable
    typed: tuple[str, str]
    """(field, text typed into it) — an Input or TextArea."""
    valid: dict[str, Any]
    """What else makes the form valid (None: this case does not test a refused save)."""
    refuse: Callable[[Path], None] | None = None
    """Makes the service refuse the save (run before Save)."""


def hand_edit(root: Path) -> None:
    """An uncommitted hand edit of the participant's file: a save on it is refused."""
    path = root / "participants" / f"{PID}.toml"
    path.write_text(path.read_text().replace('notes = "', 'notes = "edited by hand. ', 1))


CASES = [
    Case(
        "contact",
        open_contact,
        ("note", "Met at the café; wants evening shifts"),
        {"kind": "meeting"},
        hand_edit,
    ),
    Case(
        "new participant",
        open_new_participant,
        ("name", "Marco Tedeschi"),
        {"specialist": "anna", "referral_source": "CSM", "pid": "P-0002"},
        lambda root: None,  # P-0002 exists: the service refuses
    ),
    Case(
        "job",
        open_job,
        ("title", "Shelf stacker"),
        # One the register knows: a new one would be committed before the job's refusal
        # (`add_job_at_new_employer`: two commits, the first stays).
        {"employer": lambda form: form.employers[0][1]},
        hand_edit,
    ),
    Case("end job", open_end_job, ("reason", "temporary contract ended"), {}, hand_edit),
    Case("task", open_task, ("what", "Call the employer about shifts"), {}, hand_edit),
    Case("suspend", open_suspend, ("since", "2026-11-10"), {"reason": "request"}, hand_edit),
    Case("new employer", open_new_employer, ("name", "Bar Roma"), {}, None),
    Case("employer contact", open_employer_contact, ("note", "asked about openings"), {}, None),
    Case("edit employer", open_edit_employer, ("sector", "hospitality"), {}, None),
]


def restore(root: Path) -> None:
    """Undo what `hand_edit` did (the next case starts from the committed file)."""
    git(root, "checkout", "--", f"participants/{PID}.toml")


async def escape_asks_and_keep_editing_keeps_the_text(app, pilot, root: Path, case: Case) -> None:
    await case.open(app, pilot)
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormScreen)
    commits = commit_count(root)
    name, text = case.typed
    form.field(name).control.focus()
    await pilot.pause()
    control = form.field(name).control
    if isinstance(control, Input):
        control.value = ""
    await pilot.press(*text)
    await pilot.pause()

    await pilot.press("escape")
    await pilot.pause()
    ask = app.screen
    assert isinstance(ask, ConfirmDialog), f"{case.name}: escape closed without asking"
    assert text not in ask.question  # names the fields, never echoes the typed text
    await pilot.press("n")  # keep editing
    await pilot.pause()
    assert app.screen is form
    assert form.raw_values()[name] == text

    await pilot.press("escape")
    await pilot.pause()
    await pilot.press("y")  # discard
    await settle(pilot)
    assert not isinstance(app.screen, FormScreen | ConfirmDialog)
    assert commit_count(root) == commits


async def refused_save_keeps_the_form_and_what_was_typed(
    app, pilot, root: Path, case: Case
) -> None:
    await case.open(app, pilot)
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormScreen)
    under = app.screen_stack[-2]
    name, text = case.typed
    for field, value in {name: text, **case.valid}.items():
        _set(form, field, value(form) if callable(value) else value)
    await pilot.pause()
    typed = form.raw_values()
    commits = commit_count(root)
    assert case.refuse is not None
    case.refuse(root)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert app.screen is form, f"{case.name}: a refused save closed the form"
    assert form.raw_values() == typed
    error = str(form.query_one("#form-error", Static).render())
    assert error.startswith("Not saved:") and "still here" in error
    assert commit_count(root) == commits
    restore(root)
    await back_to(pilot, under)


async def an_untouched_form_closes_at_once_and_a_saved_one_closes(app, pilot, root: Path) -> None:
    board = await _board(app, pilot)
    app.add_contact_for(PID)
    await pilot.pause()
    assert isinstance(app.screen, FormScreen)
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen is board
    commits = commit_count(root)
    app.add_contact_for(PID)
    await pilot.pause()
    form = app.screen
    _set(form, "kind", "phone")
    _set(form, "note", "all well")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert app.screen is board
    assert commit_count(root) == commits + 1


async def a_choice_made_counts_as_typed(app, pilot, root: Path) -> None:
    """A form of choice lists only (the closure reason) asks too once one is chosen."""
    board = await _board(app, pilot)
    app.move_participant(PID, +1)  # follow-up -> closed asks for a reason
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ClosureForm)
    _set(form, "reason", "moved")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("n")
    await pilot.pause()
    assert app.screen is form and form.raw_values()["reason"] == "moved"
    await back_to(pilot, board)


async def export_path_is_kept_when_refused_or_cancelled(
    app, pilot, root: Path, folder: Path
) -> None:
    board = await _board(app, pilot)
    app.action_reports()
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, ExportCsvScreen)
    path_input = dialog.query_one("#export-path", Input)
    path_input.value = str(folder)  # a folder: refused in the dialog
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen is dialog and path_input.value == str(folder)
    assert "folder" in str(dialog.query_one("#export-error", Static).render())
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("n")
    await pilot.pause()
    assert app.screen is dialog and path_input.value == str(folder)
    await back_to(pilot, board)


async def a_contact_dated_after_today_is_refused_in_the_form(
    app, pilot, root: Path, where: str
) -> None:
    """The app passes its date to the save: a contact dated tomorrow (a mistyped day or
    year) is refused and the form keeps what was typed; today's is saved."""
    if where == "board":
        await _board(app, pilot)
        app.add_contact_for(PID)
    else:
        (await _participant(app, pilot)).action_add_contact()
    await pilot.pause()
    form = app.screen
    assert isinstance(form, FormScreen)
    _set(form, "kind", "phone")
    _set(form, "on", "2026-11-17")
    _set(form, "note", "typed with the wrong day")
    await pilot.pause()
    commits = commit_count(root)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert app.screen is form
    error = str(form.query_one("#form-error", Static).render())
    assert "is after today (2026-11-16)" in error, error
    assert form.raw_values()["note"] == "typed with the wrong day"
    assert commit_count(root) == commits
    _set(form, "on", "2026-11-16")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert app.screen is not form
    assert commit_count(root) == commits + 1


REFUSED = [c for c in CASES if c.refuse is not None]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_no_form_drops_what_was_typed(sample_caseload: Path, tmp_path: Path) -> None:
    root = sample_caseload
    steps: list[tuple[str, Callable]] = [
        *[
            (f"escape asks, keep editing keeps the text: {c.name}",
             partial(escape_asks_and_keep_editing_keeps_the_text, case=c))
            for c in CASES
        ],
        ("a choice made counts as typed", a_choice_made_counts_as_typed),
        ("export path kept when refused or cancelled",
         partial(export_path_is_kept_when_refused_or_cancelled, folder=tmp_path)),
        ("an untouched form closes at once, a saved one closes",
         an_untouched_form_closes_at_once_and_a_saved_one_closes),
        *[
            (f"a contact dated after today is refused in the form: {where}",
             partial(a_contact_dated_after_today_is_refused_in_the_form, where=where))
            for where in ("board", "participant")
        ],
        *[
            (f"a refused save keeps the form and what was typed: {c.name}",
             partial(refused_save_keeps_the_form_and_what_was_typed, case=c))
            for c in REFUSED
        ],
    ]  # fmt: skip
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_steps(steps, app, pilot, root)
