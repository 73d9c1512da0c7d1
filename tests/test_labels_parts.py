"""Every key of a participant file reaches a sentence by its translated label (trial 7,
item 11): "changed outside this screen (…, Contacts)" said Contacts in Italian and
Swedish, because the lists and tables had no label and fell back to the key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, from_template
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import run_steps, settle
from textual.widgets import DataTable, Static

from ipstui.core import edits
from ipstui.core.caseload import load
from ipstui.core.i18n import set_language
from ipstui.core.model import KNOWN_KEYS
from ipstui.core.vocab import FIELD_LABELS, PART_LABELS, field_label
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)
SAME_IN = {("id", "it"), ("id", "da"), ("id", "sv")}
"""(key, language) whose label is spelled as in English."""


@pytest.fixture
def english_after() -> object:
    yield
    set_language("en")


@pytest.mark.parametrize("lang", ["it", "da", "sv"])
@pytest.mark.parametrize("key", sorted(KNOWN_KEYS))
def test_every_key_has_a_translated_label(english_after: object, key: str, lang: str) -> None:
    assert key in FIELD_LABELS or key in PART_LABELS
    set_language("en")
    english = field_label(key)
    set_language(lang)
    shown = field_label(key)
    assert shown and (shown != english or (key, lang) in SAME_IN), (key, lang, shown)


def _participant(folder: Path) -> None:
    empty_caseload(folder)
    edits.new_participant(
        load(folder), name="Paola B.", specialist="anna", referral_source="CSM",
        today=date(2026, 11, 1), referred_on=date(2026, 11, 1),
    )  # fmt: skip


@pytest.fixture
def root(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return from_template("paola", _participant, tmp_path / "cl", tmp_path_factory)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_outside_change_notice_names_lists_in_the_language(
    root: Path, english_after: object
) -> None:
    """One Italian session: a contact, a job and a task logged in another terminal while
    the participant is open; each notice names the list as the tab does."""
    set_language("it")
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_participant("P-0001")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)

        async def outside(change, word: str, english: str) -> None:
            change()
            app.load_caseload()  # what the disk watcher does on a change
            await settle(pilot)
            banner = str(screen.query_one("#p-banner", Static).render())
            assert word in banner and english not in banner, banner

        def contact() -> None:
            edits.add_contact(load(root), "P-0001", kind="phone", on=TODAY, today=TODAY)

        def job() -> None:
            edits.add_job(load(root), "P-0001", employer="Bakery", start=TODAY)

        def task() -> None:
            edits.add_task(load(root), "P-0001", due=TODAY, what="Call back")

        async def logged_contact() -> None:
            await outside(contact, "Contatti", "Contacts")

        async def added_job() -> None:
            await outside(job, "Lavori", "Jobs")

        async def added_task() -> None:
            await outside(task, "Attività", "Tasks")

        async def history_tab() -> None:
            await pilot.press("6")
            await settle(pilot)
            table = screen.query_one("#history-table", DataTable)
            fields = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
            assert "Contatti[0]" in fields and "Note" in fields, fields
            assert not {"contacts[0]", "notes", "name"} & fields, fields

        await run_steps(
            [
                ("a contact logged outside", logged_contact),
                ("a job added outside", added_job),
                ("a task added outside", added_task),
                ("the History tab names fields by their labels", history_tab),
            ]
        )
