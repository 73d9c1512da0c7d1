"""The participant's Contacts tab never hides part of a note without a way to read it
(SPEC §9: a cut text ends in `…`, and nothing a user needs is cut off).

Before, the tab cut every note at 120 characters, with no `…` when the column was
narrower still and no way to read the rest. Now the table fits each note to the pane's
width in terminal cells (ending a cut one in `…`), and `v` (or enter) on a row opens the
contact whole in the reading view the employer log uses.

Table-driven over the kinds of note that get cut or mangled (long, many lines, wide
characters, none), at 80×24 (some cut, some whole: both branches) and 120×40 (the same
path wider), on a real caseload. Every test here runs under `pytest -m slow` (.ci/run),
outside the README's quick run (issue 12: the quick run under 2 minutes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import git
from pilot_wait import settle, wait_for
from rich.cells import cell_len
from textual.widgets import DataTable

from ipstui.core import storage
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.widgets.reading import ReadingView

TODAY = date(2026, 11, 16)
LONG = "Talked through the CV line by line and agreed to ask Coop about shelf work. " * 4

# (name, contact as stored, the note's table text before fitting, the reading view's
#  (label, text) pairs)
CASES = [
    ("short", {"kind": "phone", "note": "Called about the CV."},
     "Called about the CV.",
     [("Date", "2026-11-02"), ("Kind", "Phone call"), ("By", "anna"), ("Note", "Called about the CV.")]),
    ("long", {"kind": "meeting", "note": LONG}, LONG,
     [("Date", "2026-11-03"), ("Kind", "Meeting"), ("By", "anna"), ("Note", LONG)]),
    ("several lines", {"kind": "meeting", "note": "First line.\nSecond line.\n\nAfter a gap."},
     "First line. ⏎ Second line. ⏎  ⏎ After a gap.",
     [("Date", "2026-11-04"), ("Kind", "Meeting"), ("By", "anna"),
      ("Note", "First line.\nSecond line.\n\nAfter a gap.")]),
    ("wide characters", {"kind": "phone", "note": "王小明说" * 30}, "王小明说" * 30,
     [("Date", "2026-11-05"), ("Kind", "Phone call"), ("By", "anna"), ("Note", "王小明说" * 30)]),
    ("no note", {"kind": "phone"}, "",
     [("Date", "2026-11-06"), ("Kind", "Phone call"), ("By", "anna"), ("Note", "—")]),
    ("with an employer, by phone",
     {"kind": "employer", "employer_id": "E-0001", "face_to_face": False, "note": LONG}, LONG,
     [("Date", "2026-11-07"), ("Kind", "Employer contact"), ("By", "anna"), ("Employer", "E-0001"),
      ("Face to face", "no"), ("Note", LONG)]),
]  # fmt: skip


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    contacts = [
        {"on": date(2026, 11, 2 + i), "by": "anna", **contact}
        for i, (_name, contact, _cell, _whole) in enumerate(CASES)
    ]
    data = {
        "schema": 1,
        "id": "P-0001",
        "name": "Giulia Rossi",
        "specialist": "anna",
        "phase": "engagement",
        "phase_since": date(2026, 11, 2),
        "referral_source": "CSM",
        "referred_on": date(2026, 11, 1),
        "first_contact_on": date(2026, 11, 2),
        "notes": "",
        "contacts": contacts,
    }
    (caseload_dir / "participants/P-0001.toml").write_text(storage.dumps(data))
    (caseload_dir / "employers").mkdir(exist_ok=True)
    (caseload_dir / "employers/E-0001.toml").write_text(
        'schema = 1\nid = "E-0001"\nname = "Coop"\nnotes = ""\n'
    )
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "P-0001 with contacts")
    return caseload_dir


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_every_note_is_fitted_with_an_ellipsis_and_readable_whole(
    root: Path, size: tuple[int, int]
) -> None:
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_participant("P-0001")
        await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        screen.show_tab("contacts")
        await settle(pilot)
        table = screen.query_one("#contacts-table", DataTable)
        table.focus()
        await settle(pilot)
        assert table.row_count == len(CASES)
        assert table.cursor_row == len(CASES) - 1  # the newest in view
        note_col = list(table.columns.values())[-1]
        for row, (name, _contact, whole_cell, _entries) in enumerate(CASES):
            shown = str(table.get_row_at(row)[-1])
            width = note_col.width
            assert cell_len(shown) <= width, (name, shown)
            if cell_len(whole_cell) <= width:
                assert shown == whole_cell, name  # fits: whole, no mark
            else:
                assert shown.endswith("…"), (name, shown)  # cut: says so
                assert whole_cell.startswith(shown[:-1].rstrip()), (name, shown)
            # Every table cell fits its column: nothing runs off the pane's edge.
            for cell, column in zip(table.get_row_at(row), table.columns.values(), strict=True):
                assert cell_len(str(cell)) <= column.width, (name, str(cell))
        assert sum(c.width + 2 for c in table.columns.values()) <= size[0]

        for row, (name, _contact, _cell, entries) in enumerate(CASES):
            table.move_cursor(row=row)
            await pilot.press("v" if row % 2 == 0 else "enter")  # both open it
            await wait_for(pilot, lambda: isinstance(app.screen, ReadingView), name)
            view = app.screen
            assert isinstance(view, ReadingView)
            assert view.title_text == "P-0001 Giulia Rossi"  # the participant named
            assert view.entries == entries, name
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen, "the view closed")


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_v_is_in_the_footer_and_help_of_the_contacts_tab(root: Path) -> None:
    """The key is found where keys are: the tab's footer shows `v Read`."""
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_participant("P-0001")
        await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen), "the screen")
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        screen.show_tab("contacts")
        screen.query_one("#contacts-table", DataTable).focus()
        await settle(pilot)
        bindings = {b.binding.id: b.binding.key for b in screen.active_bindings.values()}
        assert bindings.get("participant_read_contact") == "v"
