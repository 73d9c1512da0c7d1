"""An employer's `[conflicts]` record is decided in the app (issue 13 loose ends, item 1;
SPEC §6 "resolved in the app (`D`)", §11): after a real sync between two clones changed
an employer's sector differently on each, the Employers screen marks the employer with
the board's ⚑ and `D` opens the participant screen's decision dialog (the one
`ConflictForm`), whose choice is saved as one commit through the service.

The module checks state (the commits, the register, what a widget holds), so frames are
drawn only at checkpoints (tests/frames.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle, wait_for
from sync_helpers import make_team, run
from textual.widgets import DataTable, Label, Select

from ipstui.core import storage
from ipstui.core.service import CaseloadService
from ipstui.core.sync import sync
from ipstui.core.vocab import NEEDS_DECISION, SYMBOL
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.forms import ConflictForm

TODAY = date(2026, 11, 16)
REL = "employers/E-0001.toml"


@pytest.fixture
def undecided(tmp_path: Path) -> Path:
    """Clone b of a team whose employer E-0001's sector was set to "food" on clone a and
    to "bakery" on clone b, then synced: b's file keeps "bakery" and records "food"."""
    a, b = make_team(tmp_path, "a", "b")
    CaseloadService(a).new_employer(name="Coop", sector="retail")
    assert sync(a).status == "pushed"
    assert sync(b).status == "pulled"
    assert (b / REL).exists()
    CaseloadService(a).set_employer_fields(None, "E-0001", {"sector": "food"})
    assert sync(a).status == "pushed"
    CaseloadService(b).set_employer_fields(None, "E-0001", {"sector": "bakery"})
    assert sync(b).status == "conflicts"
    data = storage.loads_bytes((b / REL).read_bytes())
    assert data["sector"] == "bakery" and data["conflicts"]["sector"]["theirs"] == "food"
    return b


def subjects(root: Path) -> list[str]:
    return run(root, "log", "--format=%s").stdout.splitlines()


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    ("pick", "sector"),
    [("theirs", "food"), ("ours", "bakery")],
)
async def test_d_decides_an_employer_conflict_left_by_a_sync(
    undecided: Path, pick: str, sector: str
) -> None:
    root = undecided
    before = subjects(root)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_employers()
        await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen), "Employers")
        screen = app.screen
        assert isinstance(screen, EmployersScreen)
        await wait_for(pilot, lambda: screen.register is not None, "the register")
        table = screen.query_one("#employers-list", DataTable)
        mark = SYMBOL[NEEDS_DECISION]
        assert str(table.get_row_at(0)[0]) == f"E-0001 {mark}"  # the board's mark
        heading = str(screen.query_one("#employer-heading", Label).render())
        assert f"{mark} NEEDS A DECISION: Sector (D)" in heading, heading
        title = str(screen.query_one("#employers-title").render())
        assert f"{mark} 1 needs a decision" in title, title

        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictForm), "the dialog")
        form = app.screen
        assert isinstance(form, ConflictForm)
        said = str(form.query_one("#form-title").render())
        assert said.endswith("— E-0001 Coop"), said  # the dialog names the employer
        field = form.field("sector")
        assert field.label_text == "Sector"
        field.query_one(Select).value = pick
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the dialog to close")
        await wait_for(
            pilot,
            lambda: (
                screen.register is not None
                and "conflicts" not in screen.register.employers["E-0001"].data
            ),
            "the register read again",
        )
        assert str(table.get_row_at(0)[0]) == "E-0001"
        assert mark not in str(screen.query_one("#employer-heading", Label).render())

    head = run(root, "show", f"HEAD:{REL}").stdout
    data = storage.loads_bytes(head.encode())
    assert data["sector"] == sector and "conflicts" not in data
    after = subjects(root)
    assert after[1:] == before  # exactly one commit, made by the decision
    assert after[0].startswith("E-0001: "), after[0]
    assert run(root, "status", "--porcelain").stdout == ""


@pytest.mark.parametrize(
    ("found", "records"),
    [
        (None, {}),
        ([{"ours": "a"}], {}),  # a hand edit left a list
        ({"sector": {"ours": "a", "theirs": "b"}}, {"sector": {"ours": "a", "theirs": "b"}}),
        ({"sector": {"ours": "a"}, "name": "junk"}, {"sector": {"ours": "a"}}),
    ],
)
def test_the_board_mark_and_the_dialog_read_the_same_records(found, records) -> None:
    """The Employers screen's mark (`conflicts_of`) and the decision dialog offer the
    same records: one rule (`conflict_records`)."""
    from types import SimpleNamespace

    from ipstui.ui.screens.employers import conflicts_of
    from ipstui.ui.screens.forms import ConflictForm

    data = {"id": "E-0001", "name": "Coop", "conflicts": found}
    assert conflicts_of(SimpleNamespace(data=data)) == records
    assert ConflictForm(found, data).conflicts == records
