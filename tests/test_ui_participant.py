"""Pilot tests of the participant screen and its forms on a real git caseload.

Every edit is driven by key presses and checked where it lands: the file, the commit
(`git log`), and the screen redrawn from the app's new snapshot. The date is fixed;
git runs in the hermetic environment of conftest (no $HOME, no global config).

The checks are journeys (`pilot_wait.step`): a table of named steps run in order on one
app session and one opened participant, each step building on the record the steps
before it left (starting the app and opening a participant cost more CPU than most
checks). A failure names its step; the steps after it do not run.
"""

from __future__ import annotations

import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, empty_caseload, from_template, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle
from textual.widgets import DataTable, Select, Static, TextArea
from textual.widgets._footer import FooterKey
from textual.worker import WorkerFailed

from ipstui.core import edits
from ipstui.core.caseload import load
from ipstui.core.vocab import field_word
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.forms import (
    ClosureForm,
    ConfirmScreen,
    ConflictForm,
    ContactForm,
    EndJobForm,
    FormField,
    JobForm,
    NewParticipantEntry,
    NewParticipantForm,
    SuspendForm,
    TaskForm,
)
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.widgets.footer import KeysFooter, footer_order

TODAY = date(2026, 11, 16)
SIZE = (120, 40)
FILE = "participants/P-0001.toml"


def _participant(root: Path) -> None:
    """P-0001: referred 11-01, first met 11-03 (so first_contact_on is set), undecided."""
    cl = load(root)
    edits.new_participant(
        cl,
        name="Giulia R.",
        specialist="anna",
        referral_source="CSM",
        today=date(2026, 11, 1),
        referred_on=date(2026, 11, 1),
    )
    edits.add_contact(
        load(root), "P-0001", kind="meeting", on=date(2026, 11, 3), by="anna", note="First meeting"
    )
    edits.set_fields(load(root), "P-0001", {"disclosure": "undecided"}, today=date(2026, 11, 3))


def _caseload_with_participant(folder: Path) -> None:
    empty_caseload(folder)
    _participant(folder)


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The empty caseload with P-0001 (built once per worker, copied for each test)."""
    return from_template("p-0001", _caseload_with_participant, tmp_path / "cl", tmp_path_factory)


def _file(root: Path) -> str:
    return (root / FILE).read_text(encoding="utf-8")


def _subject(root: Path) -> str:
    return git(root, "log", "-1", "--format=%s").strip()


def _files_of_head(root: Path) -> list[str]:
    return git(root, "show", "--name-only", "--format=", "HEAD").split()


async def _wait(pilot, cond: Callable[[], bool]) -> None:
    """`cond` holds once the app's workers are done and their messages handled."""
    await settle(pilot)
    assert cond(), "not so after every worker finished"


async def _open(app: IpsApp, pilot, pid: str = "P-0001") -> ParticipantScreen:
    await settle(pilot)
    assert app.caseload is not None
    app.open_participant(pid)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen)
    assert screen.participant is not None
    return screen


async def _commit(pilot, root: Path, before: int) -> None:
    """The edit worker finished: exactly one new commit, and the app took the snapshot."""
    await settle(pilot)
    assert commit_count(root) == before + 1


def _app(root: Path) -> IpsApp:
    return IpsApp(root, today=TODAY, watch_disk=False)


def _table(screen: ParticipantScreen, name: str) -> DataTable:
    return screen.query_one(f"#{name}-table", DataTable)


def _row(table: DataTable, index: int) -> list[str]:
    return [str(c) for c in table.get_row_at(index)]


def _banner(screen: ParticipantScreen) -> str:
    return str(screen.query_one("#p-banner", Static).render())


def _footer(screen: ParticipantScreen) -> list[FooterKey]:
    return list(screen.query_one(KeysFooter).query(FooterKey))


def _keys_due(screen: ParticipantScreen) -> list[tuple[str, str, bool]]:
    """What the footer shows for the screen's bindings now: per action, its first shown
    binding (key, description, disabled), in the footer's order (`footer_order`)."""
    return [
        (binding.key, binding.description, not enabled)
        for _node, binding, enabled, _tip in footer_order(
            screen.active_bindings.values(), screen.app
        )
    ]


@dataclass
class Journey:
    """What every step of a journey gets: the one app session and its caseload."""

    app: IpsApp
    pilot: object
    root: Path
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    screen: ParticipantScreen | None = None
    """The participant screen the journey opened (steps before the open see None)."""

    @property
    def opened(self) -> ParticipantScreen:
        assert self.screen is not None, "no participant opened yet"
        return self.screen


Step = Callable[[Journey], Awaitable[None]]


async def _letters_live(j: Journey) -> None:
    """Focus out of any Details field, so the screen's letter keys run commands again."""
    j.opened.details.focus_content()
    await j.pilot.pause()


# ================================================================ one record, every form
# P-0001 (with the team's own key `x_badge`) opened once; the steps add, edit, refuse and
# close in this order (a contact is appended last in the file before any job or task is).


async def new_participant_form_returns_typed_values(j: Journey) -> None:
    app, pilot = j.app, j.pilot
    results: list[NewParticipantEntry | None] = []
    board = app.screen
    app.push_screen(
        NewParticipantForm(
            [("anna", "Anna Bianchi"), ("mette", "Mette Hansen")],
            ["CSM", "Self"],
            TODAY,
            taken=["P-0001"],
        ),
        results.append,
    )
    await pilot.pause()
    form = app.screen
    assert isinstance(form, NewParticipantForm)
    await pilot.press(*"Mads K.")
    form.field("specialist").control.value = "mette"
    source = form.field("referral_source").control
    source.select.value = source.OTHER
    await pilot.pause()
    source.input.value = "Job centre"
    form.field("pid").control.value = "P-0001"
    await pilot.pause()
    await pilot.press("ctrl+s")
    assert app.screen is form and form.field("pid").has_class("-invalid")
    form.field("pid").control.value = ""
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert results == [
        NewParticipantEntry(
            name="Mads K.",
            specialist="mette",
            referral_source="Job centre",
            referred_on=TODAY,
            pid=None,
        )
    ]
    assert app.screen is board


async def open_the_participant(j: Journey) -> None:
    j.screen = await _open(j.app, j.pilot)


async def footer_follows_the_keys_and_is_rebuilt_only_when_they_change(j: Journey) -> None:
    app, pilot, screen = j.app, j.pilot, j.opened

    def shown() -> list[tuple[str, str, bool]]:
        keys = [k for k in _footer(screen) if not k.has_class("-command-palette")]
        return [(k.key, k.description, k.disabled) for k in keys]

    assert ("c", "Contact", False) in shown()
    assert shown() == _keys_due(screen)
    # Into a field: the letter keys go, so the footer is rebuilt without them.
    screen.details.field("referred_on").control.focus()
    await settle(pilot)
    assert "c" not in [key for key, _d, _off in shown()]
    assert shown() == _keys_due(screen)
    # To the next date field: the same keys, the same footer (no rebuild).
    before = _footer(screen)
    await pilot.press("tab")
    await settle(pilot)
    assert app.focused is screen.details.field("first_contact_on").control
    after = _footer(screen)
    assert len(after) == len(before) and all(a is b for a, b in zip(after, before, strict=True))
    assert shown() == _keys_due(screen)
    # Back to the form: the letters return.
    screen.details.focus_content()
    await settle(pilot)
    assert ("c", "Contact", False) in shown()
    assert shown() == _keys_due(screen)


async def contact_form_validates_inline_and_escape_cancels(j: Journey) -> None:
    app, pilot, root = j.app, j.pilot, j.root
    before = commit_count(root)
    await pilot.press("c")
    form = app.screen
    assert isinstance(form, ContactForm)
    await pilot.press("ctrl+s")  # no kind chosen: refused
    assert app.screen is form
    assert form.field("kind").has_class("-invalid")
    date_field = form.field("on")
    date_field.control.value = "2026-13-01"
    await pilot.pause()
    assert date_field.has_class("-invalid")
    assert "not a date" in str(date_field.query_one(".field-error", Static).render())
    date_field.control.value = "2026-11-15"
    await pilot.pause()
    assert not date_field.has_class("-invalid")
    await pilot.press("escape")  # the date was edited: asked first (issue 13)
    await pilot.press("y")
    assert isinstance(app.screen, ParticipantScreen)
    await settle(pilot)
    assert commit_count(root) == before


async def contact_note_from_editor(j: Journey) -> None:
    app, pilot, root = j.app, j.pilot, j.root
    script = j.tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf "Long note\\nsecond line\\n" > "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    j.monkeypatch.setenv("EDITOR", str(script))
    await pilot.press("c")
    form = app.screen
    assert isinstance(form, ContactForm)
    await pilot.press("ctrl+e")
    await pilot.pause()
    assert form.field("note").control.text == "Long note\nsecond line"
    # A failing editor keeps the text and says so.
    j.monkeypatch.setenv("EDITOR", "false")
    await pilot.press("ctrl+e")
    await pilot.pause()
    assert form.field("note").control.text == "Long note\nsecond line"
    assert any("exited with status" in n.message for n in app._notifications)
    j.monkeypatch.delenv("EDITOR")
    # The temporary file went to the caseload's git directory and was removed.
    assert not list((root / ".git").glob("ipstui-note-*"))
    await back_to(pilot, j.opened)


async def add_contact_through_the_form_is_one_commit_of_one_file(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    before = commit_count(root)
    assert _table(screen, "contacts").row_count == 1
    await pilot.press("c")
    form = app.screen
    assert isinstance(form, ContactForm)
    assert app.focused is form.field("kind").control  # first field focused
    # Kind: open the list, type to find "Phone call", pick it.
    await pilot.press("enter", "p", "h", "enter")
    assert form.field("kind").control.value == "phone"
    await pilot.press("tab", "tab", "tab")  # date, by, note
    assert isinstance(app.focused, TextArea)
    await pilot.press(*"Asked about the CV")
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)

    assert app.screen is screen
    assert _subject(root) == "P-0001: add contact (phone)"
    assert _files_of_head(root) == [FILE]
    assert git(root, "status", "--porcelain").strip() == ""
    text = _file(root)
    assert text.rstrip().endswith(
        '[[contacts]]\non = 2026-11-16\nkind = "phone"\nby = "anna"\nnote = "Asked about the CV"'
    )
    table = _table(screen, "contacts")
    assert table.row_count == 2
    assert _row(table, 1)[:3] == ["2026-11-16", "Phone call", "anna"]
    assert table.cursor_row == 1  # the newest is selected and in view


async def edit_a_field_on_details_is_one_commit(j: Journey) -> None:
    pilot, root, screen = j.pilot, j.root, j.opened
    before = commit_count(root)
    screen.show_tab("details")
    await pilot.pause()
    select = screen.query_one("#field-disclosure Select", Select)
    assert select.value == "undecided"
    select.focus()
    await pilot.press("enter", "y", "enter")
    assert select.value == "yes"
    field = screen.query_one("#field-disclosure", FormField)
    assert field.has_class("-changed")
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)

    message = git(root, "log", "-1", "--format=%B")
    assert _subject(root) == "P-0001: set disclosure"  # the value stays out (SPEC §5)
    assert "disclosure: changed" in message.splitlines()
    assert "Changed: disclosure" in message
    assert _files_of_head(root) == [FILE]
    text = _file(root)
    assert 'disclosure = "yes"' in text
    assert 'x_badge = "blue"' in text  # the team's own key survives the rewrite
    assert not field.has_class("-changed")
    assert screen.participant is not None and screen.participant.data["disclosure"] == "yes"
    # Saving again with nothing changed makes no commit.
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert commit_count(root) == before + 1


async def history_tab_shows_field_changes_newest_first(j: Journey) -> None:
    """After the disclosure save of the step before: undecided -> yes, newest first."""
    pilot, screen = j.pilot, j.opened
    await _letters_live(j)
    await pilot.press("6")
    table = _table(screen, "history")
    # Fields are named by their labels in the language shown (trial 7 item 11).
    disclosure, contact = field_word("disclosure"), field_word("contacts") + "[0]"
    await _wait(pilot, lambda: table.row_count > 0 and _row(table, 0)[3] == disclosure)
    when, who, signed, field, change = _row(table, 0)
    assert who == "Anna Bianchi"
    assert signed == "unsigned"
    assert change == "undecided → yes"
    fields = [_row(table, i)[3] for i in range(table.row_count)]
    assert contact in fields and field_word("first_contact_on") in fields
    assert fields.index(disclosure) < fields.index(contact)  # newest first
    await pilot.press("1")
    await pilot.pause()


async def details_inline_validation_refuses_then_saves(j: Journey) -> None:
    pilot, root, screen = j.pilot, j.root, j.opened
    before = commit_count(root)
    enrolled = screen.query_one("#field-enrolled_on", FormField)
    enrolled.control.focus()
    await pilot.press(*"2026-11-1x")
    assert enrolled.has_class("-invalid")
    assert "not a date" in str(enrolled.query_one(".field-error", Static).render())
    goals = screen.query_one("#field-goals", FormField)
    goals.control.value = "warehouse work, gardening"
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert commit_count(root) == before  # refused
    await pilot.press("backspace", "0")
    assert not enrolled.has_class("-invalid")
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)
    text = _file(root)
    assert "enrolled_on = 2026-11-10" in text
    assert 'goals = ["warehouse work", "gardening"]' in text
    message = git(root, "log", "-1", "--format=%B")
    assert "enrolled_on: (none) -> 2026-11-10" in message
    # A required field cannot be blanked.
    name = screen.query_one("#field-name", FormField)
    name.control.value = "  "
    await pilot.pause()
    assert name.has_class("-invalid")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert commit_count(root) == before + 1
    name.control.value = "Giulia R."  # as it was, for the steps after this one
    await pilot.pause()
    assert not name.has_class("-invalid") and not name.has_class("-changed")


def details_refuse_an_event_dated_after_today(field: str) -> Step:
    """The Details tab keeps the rule the CLI keeps (edits.not_after_today)."""

    async def run(j: Journey) -> None:
        pilot, root, screen = j.pilot, j.root, j.opened
        before = commit_count(root)
        control = screen.query_one(f"#field-{field}", FormField)
        control.control.value = "2026-11-17"  # TODAY + 1
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert commit_count(root) == before
        assert control.error is not None
        assert f"{field_word(field)}: 2026-11-17 is after today (2026-11-16)" in control.error
        control.control.value = "2026-11-16"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await _commit(pilot, root, before)

    return run


async def add_and_end_a_job(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    await _letters_live(j)
    before = commit_count(root)
    await pilot.press("j")
    form = app.screen
    assert isinstance(form, JobForm)
    await pilot.press(*"Coop", "tab", *"Shelf")
    form.field("start").control.value = "2026-11-02"
    form.field("hours_per_week").control.value = "lots"
    await pilot.pause()
    assert form.field("hours_per_week").has_class("-invalid")
    await pilot.press("ctrl+s")
    assert app.screen is form  # refused
    form.field("hours_per_week").control.value = "20"
    form.field("hourly_wage").control.value = "9,5"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)
    assert _subject(root) == "P-0001: add job"
    text = _file(root)
    assert (
        '[[jobs]]\nemployer = "Coop"\ntitle = "Shelf"\nstart = 2026-11-02\n'
        "hours_per_week = 20\nhourly_wage = 9.5\ncompetitive = true"
    ) in text
    assert screen.query_one("#p-tabs").active == "tab-jobs"
    table = _table(screen, "jobs")
    assert table.row_count == 1 and _row(table, 0)[-1] == "current"

    await pilot.press("x")
    end = app.screen
    assert isinstance(end, EndJobForm)
    end.field("end").control.value = "2026-10-01"  # before the start: refused
    await pilot.pause()
    await pilot.press("ctrl+s")
    assert app.screen is end and end.field("end").has_class("-invalid")
    end.field("end").control.value = "2026-11-16"
    await pilot.press("tab", *"trial", "ctrl+s")
    await _commit(pilot, root, before + 1)
    assert _subject(root) == "P-0001: end job"
    assert (
        "start = 2026-11-02\nend = 2026-11-16\nhours_per_week = 20\nhourly_wage = 9.5\n"
        'competitive = true\nend_reason = "trial"'
    ) in _file(root)
    assert _row(table, 0)[-1] == "ended: trial"
    await pilot.press("x")  # the only job has ended
    await pilot.pause()
    assert app.screen is screen
    assert commit_count(root) == before + 2


async def add_and_complete_a_task(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    before = commit_count(root)
    await pilot.press("t")
    form = app.screen
    assert isinstance(form, TaskForm)
    form.field("what").control.value = "Call the employer"
    form.field("due").control.value = "2026-11-12"
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)
    assert _subject(root) == "P-0001: add task"
    assert '[[tasks]]\ndue = 2026-11-12\nwhat = "Call the employer"' in _file(root)
    assert screen.query_one("#p-tabs").active == "tab-tasks"
    table = _table(screen, "tasks")
    assert _row(table, 0)[-1] == "✖ 4d overdue"

    # The overdue task shows on the Deadlines tab with a symbol and words.
    await pilot.press("5")
    deadlines = _table(screen, "deadlines")
    rows = [_row(deadlines, i) for i in range(deadlines.row_count)]
    assert ["✖", "Task", "2026-11-12", "4d overdue", "overdue", "Call the employer"] in rows

    await pilot.press("4", "d")
    await _commit(pilot, root, before + 1)
    assert _subject(root) == "P-0001: complete task"
    assert "done_on = 2026-11-16" in _file(root)
    assert _row(table, 0)[-1] == "done 2026-11-16"
    rows = [_row(deadlines, i) for i in range(deadlines.row_count)]
    assert not any(r[1] == "Task" for r in rows)


async def suspend_and_resume(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    before = commit_count(root)
    await pilot.press("S")
    assert isinstance(app.screen, SuspendForm)
    await pilot.press("enter", "r", "e", "l", "enter", "ctrl+s")
    await _commit(pilot, root, before)
    assert _subject(root) == "P-0001: suspend"  # never the reason (SPEC §5)
    assert "suspension.reason: changed" in git(root, "log", "-1", "--format=%B")
    assert "relapse" not in git(root, "log", "-1", "--format=%B")
    assert "SUSPENDED" in str(screen.query_one(".marker.-suspended").render())
    # Suspend and resume share `S`, the one that applies active; `s` is the app's Sync.
    assert screen.active_bindings["S"].binding.action == "resume"
    assert screen.active_bindings["s"].binding.action == "sync"
    await pilot.press("S")
    await _commit(pilot, root, before + 1)
    assert _subject(root) == "P-0001: resume"
    assert "[suspension]" not in _file(root)
    assert not screen.query(".marker.-suspended")


async def an_unexpected_error_in_an_edit_reaches_the_screen_that_asked(j: Journey) -> None:
    """A bug in an edit ends its worker in error; the app's one worker-error handler
    turns it into EditRefused for that request, so the screen says so and stops waiting."""
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    before = commit_count(root)

    def broken(_snapshot: object, *_args: object) -> None:
        raise RuntimeError("boom")

    assert "boom" not in _banner(screen)
    screen.run_edit("Resume", broken)  # type: ignore[arg-type]
    with pytest.raises(WorkerFailed, match="boom"):
        await app.workers.wait_for_complete()
    await settle(pilot)
    assert not screen._requests
    assert "unexpected error" in _banner(screen) and "boom" in _banner(screen)
    assert commit_count(root) == before


async def phase_change_to_closed_asks_a_reason(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    before = commit_count(root)
    screen.show_tab("details")
    await pilot.pause()
    screen.query_one("#field-phase Select", Select).value = "closed"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ClosureForm)
    await pilot.press("enter", "m", "o", "enter", "ctrl+s")
    await _commit(pilot, root, before)
    assert _subject(root) == "P-0001: phase intake -> closed (moved)"
    text = _file(root)
    assert 'phase = "closed"' in text and "phase_since = 2026-11-16" in text
    assert '[closure]\non = 2026-11-16\nreason = "moved"' in text
    assert "CLOSED" in str(screen.query_one("#p-markers").query_one(".marker").render())


async def escape_with_unsaved_edits_asks_first(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    await _letters_live(j)
    screen.query_one("#field-name", FormField).control.value = "Giulia"
    await pilot.pause()
    await pilot.press("escape")
    assert isinstance(app.screen, ConfirmScreen)
    await pilot.press("n")
    assert app.screen is screen
    await pilot.press("escape")
    await pilot.press("y")
    await pilot.pause()
    assert not isinstance(app.screen, ParticipantScreen)
    await settle(pilot)
    assert 'name = "Giulia R."' in _file(root)


ONE_RECORD: list[tuple[str, Step]] = [
    ("new participant form returns typed values", new_participant_form_returns_typed_values),
    ("open P-0001", open_the_participant),
    ("footer follows the keys", footer_follows_the_keys_and_is_rebuilt_only_when_they_change),
    ("contact form validates inline; escape cancels", contact_form_validates_inline_and_escape_cancels),
    ("contact note from $EDITOR", contact_note_from_editor),
    ("add contact: one commit of one file", add_contact_through_the_form_is_one_commit_of_one_file),
    ("edit a field on Details: one commit", edit_a_field_on_details_is_one_commit),
    ("History tab: field changes newest first", history_tab_shows_field_changes_newest_first),
    ("Details inline validation refuses, then saves", details_inline_validation_refuses_then_saves),
    *[
        (f"Details refuse {field} after today", details_refuse_an_event_dated_after_today(field))
        for field in ("enrolled_on", "first_contact_on", "referred_on")
    ],
    ("add and end a job", add_and_end_a_job),
    ("add and complete a task", add_and_complete_a_task),
    ("suspend and resume", suspend_and_resume),
    ("an unexpected error reaches the screen", an_unexpected_error_in_an_edit_reaches_the_screen_that_asked),
    ("phase change to closed asks a reason", phase_change_to_closed_asks_a_reason),
    ("escape with unsaved edits asks first", escape_with_unsaved_edits_asks_first),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_one_record_through_every_form(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The team's own key and an unknown key must survive the app's rewrite untouched.
    text = _file(root).replace('notes = ""', 'notes = ""\nx_badge = "blue"')
    (root / FILE).write_text(text, encoding="utf-8")
    git(root, "commit", "-qam", "hand edit: x_badge")
    app = _app(root)
    async with app.run_test(size=SIZE) as pilot:
        await _wait(pilot, lambda: app.caseload is not None)
        await run_steps(ONE_RECORD, Journey(app, pilot, root, tmp_path, monkeypatch))


# ================================================================ stale edits
# P-0001 opened once; each step changes the file behind the app's back first.


def _outside_edit(root: Path, old: str, new: str, file: str = FILE) -> None:
    """Another terminal (or a pull) changes the file and commits it behind the app's back."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    git(root, "commit", "-qam", "outside edit")


def _no_refusal_shown(screen: ParticipantScreen) -> None:
    """The banner does not say NOT SAVED yet (so the step's own refusal is what shows it)."""
    assert "NOT SAVED" not in _banner(screen), _banner(screen)


async def stale_edit_is_refused_and_fresh_data_shown(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    _no_refusal_shown(screen)
    _outside_edit(root, 'disclosure = "undecided"', 'disclosure = "no"')
    outside = commit_count(root)
    select = screen.query_one("#field-disclosure Select", Select)
    select.value = "yes"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _wait(pilot, lambda: "NOT SAVED" in _banner(screen))

    assert commit_count(root) == outside  # nothing written
    assert 'disclosure = "no"' in _file(root)  # the outside change is intact
    assert _subject(root) == "outside edit"
    banner = _banner(screen)
    assert "changed on disk" in banner and "Disclosure" in banner  # the field's label
    assert any("changed on disk" in n.message for n in app._notifications)
    # The fresh version is saved; the colliding edit stays in the form, both shown.
    assert select.value == "yes"
    note = screen.details.field("disclosure").query_one(".field-note", Static)
    assert "saved meanwhile" in str(note.render())
    assert screen.participant is not None and screen.participant.data["disclosure"] == "no"
    # A new save now builds on the fresh version.
    await pilot.press("ctrl+s")
    await _commit(pilot, root, outside)
    assert _subject(root) == "P-0001: set disclosure"


async def stale_edit_keeps_unrelated_unsaved_edits(j: Journey) -> None:
    pilot, root, screen = j.pilot, j.root, j.opened
    _no_refusal_shown(screen)
    _outside_edit(root, 'disclosure = "yes"', 'disclosure = "no"')  # the step before: yes
    outside = commit_count(root)
    goals = screen.query_one("#field-goals", FormField)
    goals.control.value = "gardening"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _wait(pilot, lambda: "NOT SAVED" in _banner(screen))
    assert commit_count(root) == outside
    assert "Goals" in _banner(screen)  # the field's label
    assert goals.control.value == "gardening"  # still in the form
    assert screen.query_one("#field-disclosure Select", Select).value == "no"
    await pilot.press("ctrl+s")
    await _commit(pilot, root, outside)
    text = _file(root)
    assert 'disclosure = "no"' in text and 'goals = ["gardening"]' in text


async def stale_contact_is_refused(j: Journey) -> None:
    pilot, root, screen = j.pilot, j.root, j.opened
    _no_refusal_shown(screen)
    _outside_edit(root, 'name = "Giulia R."', 'name = "Giulia Rossi"')
    outside = commit_count(root)
    await _letters_live(j)
    await pilot.press("c")
    await pilot.press("enter", "p", "h", "enter", "ctrl+s")
    await _wait(pilot, lambda: "NOT SAVED" in _banner(screen))
    assert commit_count(root) == outside
    assert 'name = "Giulia Rossi"' in _file(root)
    assert 'kind = "phone"' not in _file(root)
    assert "Giulia Rossi" in str(screen.query_one("#p-title").render())
    await back_to(pilot, screen)


async def reload_from_disk_shows_the_new_version_and_keeps_edits(j: Journey) -> None:
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    assert "changed outside" not in _banner(screen)
    goals = screen.query_one("#field-goals", FormField)
    goals.control.value = "cooking"  # the step before saved "gardening"
    await pilot.pause()
    _outside_edit(root, 'name = "Giulia Rossi"', 'name = "Giulia Romano"')
    app.load_caseload()  # what the app's disk watcher does
    await _wait(pilot, lambda: "changed outside" in _banner(screen))
    assert screen.query_one("#field-name", FormField).control.value == "Giulia Romano"
    assert goals.control.value == "cooking" and goals.has_class("-changed")
    assert "Giulia Romano" in str(screen.query_one("#p-title").render())


STALE: list[tuple[str, Step]] = [
    ("open P-0001", open_the_participant),
    ("a stale edit is refused, the fresh data shown", stale_edit_is_refused_and_fresh_data_shown),
    ("a stale edit keeps unrelated unsaved edits", stale_edit_keeps_unrelated_unsaved_edits),
    ("a stale contact is refused", stale_contact_is_refused),
    ("reload from disk shows the new version, keeps edits", reload_from_disk_shows_the_new_version_and_keeps_edits),
]  # fmt: skip


async def test_edits_on_a_record_changed_on_disk(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(root)
    async with app.run_test(size=SIZE) as pilot:
        await run_steps(STALE, Journey(app, pilot, root, tmp_path, monkeypatch))


# ================================================================ conflicts, user text
# One app on a caseload whose settings list no referral sources, with P-0002 (a name and
# a source in markup) and a conflict left by a sync in each of P-0001 and P-0002.

FILE2 = "participants/P-0002.toml"


async def user_text_is_shown_literally_and_unlisted_values_kept(j: Journey) -> None:
    # A listed referral_sources makes any other source an error (SPEC §2): this team
    # lists none, so the form offers the sources in use and keeps an unlisted one.
    screen = await _open(j.app, j.pilot, "P-0002")
    j.screen = screen
    assert "Jo [b]bold[/b]" in str(screen.query_one("#p-title").render())
    source = screen.query_one("#field-referral_source", FormField).control
    assert source.value == "Job centre [north]"  # not in the team's list: under Other…
    assert source.input.value == "Job centre [north]"


async def decide_on_a_stale_record_is_refused_like_set_and_move(j: Journey) -> None:
    """`D` settles through the save transaction, as `set` and `move` do: a file changed
    since it was shown is not overwritten; the fresh version is shown and nothing saved."""
    app, pilot, root, screen = j.app, j.pilot, j.root, j.opened
    _no_refusal_shown(screen)
    _outside_edit(root, 'name = "Jo [b]bold[/b]"', 'name = "Jo Rossi"', FILE2)
    outside = commit_count(root)
    await _letters_live(j)
    await pilot.press("D")
    form = app.screen
    assert isinstance(form, ConflictForm)
    form.field("disclosure").control.value = "theirs"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _wait(pilot, lambda: "NOT SAVED" in _banner(screen))
    assert commit_count(root) == outside
    assert "[conflicts.disclosure]" in (root / FILE2).read_text()
    assert "Jo Rossi" in str(screen.query_one("#p-title").render())
    # Decided again on the fresh version, it is saved (one commit).
    await pilot.press("D")
    app.screen.field("disclosure").control.value = "theirs"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _commit(pilot, root, outside)
    text = (root / FILE2).read_text()
    assert 'disclosure = "yes"' in text and "[conflicts" not in text
    await back_to(pilot, app.screen_stack[1])  # the board


async def decide_a_conflict_left_by_a_sync(j: Journey) -> None:
    app, pilot, root = j.app, j.pilot, j.root
    before = commit_count(root)
    screen = await _open(app, pilot)
    marker = str(screen.query_one(".marker.-conflict").render())
    assert "NEEDS A DECISION" in marker and "Disclosure" in marker
    note = screen.query_one("#field-disclosure .field-note", Static)
    assert "yes" in str(note.render())
    await pilot.press("D")
    form = app.screen
    assert isinstance(form, ConflictForm)
    form.field("disclosure").control.value = "theirs"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await _commit(pilot, root, before)
    assert _subject(root).startswith("P-0001: resolve")
    subject = _subject(root)  # the value is hidden (SPEC §5)
    assert subject.startswith("P-0001: resolve ") and subject.endswith("; set disclosure")
    assert "yes" not in subject and "undecided" not in subject
    text = _file(root)
    assert "[conflicts" not in text and 'disclosure = "yes"' in text
    assert not screen.query(".marker.-conflict")


CONFLICTS: list[tuple[str, Step]] = [
    ("user text shown literally, unlisted values kept", user_text_is_shown_literally_and_unlisted_values_kept),
    ("D on a stale record is refused like set and move", decide_on_a_stale_record_is_refused_like_set_and_move),
    ("decide a conflict left by a sync", decide_a_conflict_left_by_a_sync),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_conflicts_and_user_text(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = (root / "caseload.toml").read_text()
    (root / "caseload.toml").write_text(
        settings.replace('referral_sources = ["CSM", "Self"]\n', "")
    )
    git(root, "commit", "-qam", "no list of referral sources")
    edits.new_participant(
        load(root),
        name="Jo [b]bold[/b]",
        specialist="mette",
        referral_source="Job centre [north]",
        today=date(2026, 11, 2),
    )
    edits.set_fields(load(root), "P-0002", {"disclosure": "undecided"}, today=date(2026, 11, 3))
    conflict = (
        '\n[conflicts.disclosure]\nours = "undecided"\ntheirs = "yes"\nbase = "no"\n'
        'theirs_commit = "3f2c9a1"\n'
    )
    text = _file(root).replace("\n[[contacts]]", conflict + "\n[[contacts]]", 1)
    (root / FILE).write_text(text, encoding="utf-8")
    stale = '\n[conflicts.disclosure]\nours = "undecided"\ntheirs = "yes"\n'
    (root / FILE2).write_text((root / FILE2).read_text() + stale, encoding="utf-8")
    git(root, "commit", "-qam", "merge left a conflict")
    app = _app(root)
    async with app.run_test(size=SIZE) as pilot:
        await _wait(pilot, lambda: app.caseload is not None)
        await run_steps(CONFLICTS, Journey(app, pilot, root, tmp_path, monkeypatch))


def test_forms_module_has_no_storage_code() -> None:
    import ipstui.ui.screens.forms as forms
    import ipstui.ui.screens.participant as participant

    for mod in (forms, participant):
        for path in Path(mod.__file__).parent.glob("*.py"):
            src = path.read_text(encoding="utf-8")
            assert "gitio" not in src and 'subprocess.run(["git' not in src, path
            assert "storage." not in src, path
