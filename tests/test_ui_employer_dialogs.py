"""The Employers screen's two dialogs save through the real app (SPEC §11): a new
employer and an edited one (`NewEmployerForm` → `EmployerEntry`) and a contact with an
employer (`EmployerContactForm` → `EmployerContactEntry`), each typed into the dialog,
saved with ctrl+s, and found in the employer's file at HEAD as exactly one commit whose
message holds no free text (a note, the notes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import git
from pilot_wait import settle, wait_for
from textual.widgets import Checkbox, Select, TextArea
from tiers import slow_except

from ipstui.core import storage
from ipstui.core.service import CaseloadService
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.forms import EmployerContactForm, FormScreen, NewEmployerForm
from ipstui.ui.widgets.inputs import OneLineInput

TODAY = date(2026, 11, 16)
REL = "employers/E-0001.toml"
NOTE = "Asked Giulia's health history — must stay out of git log"


def coop(root: Path) -> None:
    """Employer E-0001 Coop in the register (one commit), before the app opens."""
    CaseloadService(root).new_employer(name="Coop", sector="retail")


def nothing(_root: Path) -> None:
    """An empty register."""


def type_new(form: FormScreen) -> None:
    form.field("name").query_one(OneLineInput).value = "Bakery Rossi"
    form.field("sector").query_one(OneLineInput).value = "food"
    form.field("contact_person").query_one(OneLineInput).value = "store manager"


def type_edit(form: FormScreen) -> None:
    form.field("sector").query_one(OneLineInput).value = "groceries"
    form.field("notes").query_one(TextArea).text = NOTE


def type_contact(form: FormScreen) -> None:
    form.field("on").query_one(OneLineInput).value = "2026-11-12"
    form.field("by").query_one(Select).value = "mette"
    form.field("purpose").query_one(Select).value = "placement"
    form.field("face_to_face").query_one(Checkbox).value = False
    form.field("note").query_one(TextArea).text = NOTE


@dataclass(frozen=True)
class Case:
    before: Callable[[Path], None]
    key: str
    dialog: type[FormScreen]
    fill: Callable[[FormScreen], None]
    expect: dict[str, Any]
    """Values the employer's file holds at HEAD after the save."""
    subject: str


CASES = {
    "new employer": Case(
        nothing,
        "n",
        NewEmployerForm,
        type_new,
        {
            "id": "E-0001",
            "name": "Bakery Rossi",
            "sector": "food",
            "contact_person": "store manager",
        },
        "E-0001: new employer",
    ),
    "edited employer": Case(
        coop,
        "E",
        NewEmployerForm,
        type_edit,
        {"id": "E-0001", "name": "Coop", "sector": "groceries", "notes": NOTE},
        "E-0001: set sector, notes",
    ),
    "employer contact": Case(
        coop,
        "c",
        EmployerContactForm,
        type_contact,
        {
            "name": "Coop",
            "sector": "retail",
            "contacts": [
                {
                    "on": date(2026, 11, 12),
                    "by": "mette",
                    "purpose": "placement",
                    "face_to_face": False,
                    "note": NOTE,
                }
            ],
        },
        "E-0001: add contact (placement)",
    ),
}


def commits(root: Path) -> list[str]:
    return git(root, "log", "--format=%H").split()


@pytest.mark.parametrize(
    # a new employer in the quick run; every dialog in .ci/run (pytest -m slow)
    "case",
    slow_except(
        [pytest.param(c, id=k) for k, c in CASES.items()], keep=lambda c: c is CASES["new employer"]
    ),
)
async def test_a_dialog_of_the_employers_screen_saves_one_commit(
    caseload_dir: Path, case: Case
) -> None:
    root = caseload_dir
    case.before(root)
    before = commits(root)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_employers()
        await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen), "Employers")
        screen = app.screen
        assert isinstance(screen, EmployersScreen)
        await wait_for(pilot, lambda: screen.register is not None, "the register")

        await pilot.press(case.key)
        await wait_for(pilot, lambda: isinstance(app.screen, case.dialog), "the dialog")
        form = app.screen
        assert isinstance(form, FormScreen)
        case.fill(form)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        await wait_for(
            pilot,
            lambda: (
                screen.register is not None
                and "E-0001" in screen.register.employers
                and screen.register.employers["E-0001"].data.get("sector")
                == case.expect.get("sector", "retail")
                and len(screen.register.employers["E-0001"].contacts)
                == len(case.expect.get("contacts", []))
            ),
            "the register read again",
        )
        assert screen.current_id() == "E-0001"

    data = storage.loads_bytes(git(root, "show", f"HEAD:{REL}").encode())
    assert {k: data.get(k) for k in case.expect} == case.expect
    after = commits(root)
    assert after[1:] == before  # exactly one commit, made by the dialog's save
    message = git(root, "log", "-1", "--format=%B")
    assert message.splitlines()[0] == case.subject
    assert "Employer: E-0001" in message
    assert "Giulia" not in message and "health" not in message  # no free text in git log
    assert git(root, "status", "--porcelain") == ""
