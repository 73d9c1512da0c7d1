"""The reading view shows a note's own lines (SPEC §9), every other control character
escaped (SPEC §13).

Before, the view ran the whole text through `termsafe.escape`, which shows a new line as
`\\n`: a note typed as two lines read `first line\\nsecond line` on one. Now the text is
split at its line breaks (LF, CRLF), each line escaped, and the lines joined as lines.

Table-driven over the kinds of line break and control character a note holds, in each of
the three reading views: the Contacts tab's `v`, the employer log's entry, the messages
log (`m`). Real caseload, real app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import git
from pilot_wait import settle, wait_for
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from ipstui.core import storage
from ipstui.core.termsafe import shown_lines
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.widgets.reading import ReadingView

TODAY = date(2026, 11, 16)

# (name, the note, the lines the view shows). SPEC §2 lets a note in a file hold new
# lines (LF) and tabs only: a file with a CR, an ESC or a bidirectional override is
# refused (a problem, never shown as a record), so those reach a reading view only in a
# message (which may quote anything). FILE_NOTES are the ones a file can hold.
NOTES = [
    ("LF", "first line\nsecond line", ["first line", "second line"]),
    ("trailing new line", "only line\n", ["only line"]),
    ("blank line kept", "one\n\nthree", ["one", "", "three"]),
    ("tab", "col\tumn\nx", ["col\\tumn", "x"]),
    ("CRLF", "first line\r\nsecond line", ["first line", "second line"]),
    ("ESC inside a line", "a\x1b[2Jb\r\nc", ["a\\x1b[2Jb", "c"]),
    ("lone CR", "over\rwrite", ["over\\rwrite"]),
    ("bidi override", "left\u202eright\nend", ["left\\u202eright", "end"]),
]  # fmt: skip
FILE_NOTES = NOTES[:4]


@pytest.mark.parametrize(("name", "note", "lines"), NOTES, ids=[n[0] for n in NOTES])
def test_shown_lines(name: str, note: str, lines: list[str]) -> None:
    assert shown_lines(note) == lines, name


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    contacts = [
        {"on": date(2026, 11, 1 + i), "by": "anna", "kind": "phone", "note": note}
        for i, (_n, note, _l) in enumerate(FILE_NOTES)
    ]
    participant = {
        "schema": 1, "id": "P-0001", "name": "Giulia Rossi", "specialist": "anna",
        "phase": "engagement", "phase_since": date(2026, 11, 2), "referral_source": "CSM",
        "referred_on": date(2026, 11, 1), "first_contact_on": date(2026, 11, 2),
        "notes": "", "contacts": contacts,
    }  # fmt: skip
    (caseload_dir / "participants/P-0001.toml").write_text(storage.dumps(participant))
    employer = {
        "schema": 1, "id": "E-0001", "name": "Coop", "notes": "",
        "contacts": [
            {"on": date(2026, 11, 1 + i), "by": "anna", "face_to_face": True, "note": note}
            for i, (_n, note, _l) in enumerate(FILE_NOTES)
        ],
    }  # fmt: skip
    (caseload_dir / "employers").mkdir(exist_ok=True)
    (caseload_dir / "employers/E-0001.toml").write_text(storage.dumps(employer))
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "notes of many lines")
    return caseload_dir


def shown_note(view: ReadingView) -> str:
    """The text of the view's last entry (the note; the messages log has one entry)."""
    texts = list(view.query(".reading-text").results(Static))
    return str(texts[-1].render())


async def open_contact(app: IpsApp, pilot: Pilot[None], i: int) -> None:
    if not isinstance(app.screen, ParticipantScreen):
        app.open_participant("P-0001")
        await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen), "P-0001")
        app.screen.show_tab("contacts")  # type: ignore[attr-defined]
        await settle(pilot)
    table = app.screen.query_one("#contacts-table", DataTable)
    table.focus()
    table.move_cursor(row=i)  # oldest first: row i is contact i
    await settle(pilot)
    await pilot.press("v")


async def open_employer_entry(app: IpsApp, pilot: Pilot[None], i: int) -> None:
    if not isinstance(app.screen, EmployersScreen):
        app.action_employers()
        await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen), "Employers")
        screen = app.screen
        await wait_for(pilot, lambda: screen.register is not None, "the register")
        await settle(pilot)
    log = app.screen.query_one("#employer-log", DataTable)
    log.move_cursor(row=len(FILE_NOTES) - 1 - i)  # the log is newest first
    await settle(pilot)
    app.screen.action_read_entry()  # type: ignore[attr-defined]


async def open_message(app: IpsApp, pilot: Pilot[None], i: int) -> None:
    app.messages.clear()
    app.remember(NOTES[i][1], title="t")
    await pilot.press("m")


Opener = Callable[[IpsApp, Pilot[None], int], Awaitable[None]]
# (the view, how to open it on note i, the notes it can show)
VIEWS: list[tuple[str, Opener, list[tuple[str, str, list[str]]]]] = [
    ("contacts tab", open_contact, FILE_NOTES),
    ("employer log", open_employer_entry, FILE_NOTES),
    ("messages log", open_message, NOTES),
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(("opener", "notes"), [v[1:] for v in VIEWS], ids=[v[0] for v in VIEWS])
async def test_every_reading_view_shows_a_notes_own_lines(
    root: Path, opener: Opener, notes: list[tuple[str, str, list[str]]]
) -> None:
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for i, (name, _note, lines) in enumerate(notes):
            await opener(app, pilot, i)
            await wait_for(pilot, lambda: isinstance(app.screen, ReadingView), name)
            view = app.screen
            assert isinstance(view, ReadingView)
            await settle(pilot)
            assert shown_note(view) == "\n".join(lines), name
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, ReadingView), name)
