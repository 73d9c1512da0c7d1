"""Pilot tests of the Fidelity and Employers screens and the job form's employer and
ISCO-08 pickers, on the shipped sample as a real git caseload (dates unshifted).

Two journeys (`pilot_wait.step`), one app session each at 120×40 and at 80×24: every
check is a named step that starts from the board and goes back to it (an app start on
the sample costs more CPU than most checks). The steps that add an employer are one per
session, so each new employer is E-0019."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, palette_offers, run_steps, wait_for
from textual.widgets import DataTable

from ipstui.core import employers, fidelity
from ipstui.core.caseload import load
from ipstui.core.report import quarter_of
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.fidelity import FidelityScreen
from ipstui.ui.screens.forms import ChoiceOrText, EmployerContactForm, JobForm, NewEmployerForm
from ipstui.ui.screens.participant import ParticipantScreen

TODAY = date(2026, 11, 16)


def _app(root: Path) -> IpsApp:
    return IpsApp(root, today=TODAY, watch_disk=False)


async def _to_board(app: IpsApp, pilot) -> None:
    """Every screen above the board dismissed (between the steps of a journey)."""
    await back_to(pilot, next(s for s in app.screen_stack if isinstance(s, BoardScreen)))


def _expected(root: Path) -> fidelity.Review:
    cl = load(root)
    reg = employers.load(root, cl.settings.team)
    return fidelity.compute(
        [p.data for p in cl.participants.values()],
        [e.data for e in reg.employers.values()],
        fidelity.settings_from(cl.settings, cl.settings_data),
        quarter_of(TODAY),
        TODAY,
    )


async def fidelity_screen_shows_every_item_and_the_records_behind(
    app: IpsApp, pilot, root: Path
) -> None:
    expected = _expected(root)
    await pilot.press("F")
    await wait_for(pilot, lambda: isinstance(app.screen, FidelityScreen))
    screen = app.screen
    assert isinstance(screen, FidelityScreen)
    await wait_for(pilot, lambda: screen.review is not None)
    assert screen.review.to_json() == expected.to_json()
    items = screen.query_one("#fidelity-items", DataTable)
    assert items.row_count == 9
    assert [str(items.get_row_at(i)[0]) for i in range(9)] == list(fidelity.ITEMS)
    assert str(items.get_row_at(0)[3]).startswith(str(expected.items[0].score))
    assert f"out of {expected.out_of}" in str(screen.query_one("#fidelity-sum").render())
    # V6 highlighted: the contacts behind it, one row each.
    await pilot.press("down", "down")
    await pilot.pause()
    rows = screen.query_one("#fidelity-rows", DataTable)
    assert rows.row_count == len(expected.get("V6").rows) > 0
    # S1: enter goes to the records; enter on one opens that participant.
    await pilot.press("up", "up", "enter")
    await pilot.pause()
    assert rows.has_focus
    pid = str(rows.get_row_at(0)[1])
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen))
    assert app.screen.pid == pid
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, FidelityScreen))
    # An earlier quarter is as of its end.
    await pilot.press("left_square_bracket")
    await wait_for(
        pilot, lambda: screen.review is not None and str(screen.review.quarter) == "2026Q3"
    )
    assert screen.review.report_date == date(2026, 9, 30)
    await _to_board(app, pilot)


async def fidelity_and_employers_from_the_palette(app: IpsApp, pilot, root: Path) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*"Fidelity")
    await wait_for(pilot, lambda: palette_offers(app, "Fidelity"), "the palette's match")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, FidelityScreen))
    await wait_for(pilot, lambda: app.screen.review is not None)
    await pilot.press("escape")
    await pilot.press("ctrl+p")
    await pilot.press(*"Employers")
    await wait_for(pilot, lambda: palette_offers(app, "Employers"), "the palette's match")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen))
    await _to_board(app, pilot)


async def employers_screen_lists_and_logs_a_contact(app: IpsApp, pilot, root: Path) -> None:
    before = commit_count(root)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen))
    screen = app.screen
    assert isinstance(screen, EmployersScreen)
    await wait_for(pilot, lambda: screen.register is not None)
    table = screen.query_one("#employers-list", DataTable)
    assert table.row_count == len(list((root / "employers").glob("*.toml")))
    first = employers.load(root, ["anna", "mette", "lars", "sofia"]).get("E-0001")
    row = [str(c) for c in table.get_row_at(0)]
    last = first.last_contact()
    assert row[0] == "E-0001" and row[1] == first.name
    assert row[3:5] == [last["on"].isoformat(), last["by"]]
    assert row[6] == "1 / 1"  # the library job, still held
    log = screen.query_one("#employer-log", DataTable)
    assert log.row_count == len(first.contacts)
    assert str(log.get_row_at(0)[0]) == last["on"].isoformat()  # newest first

    await pilot.press("c")
    form = app.screen
    assert isinstance(form, EmployerContactForm)
    assert "E-0001" in form.title_text
    await pilot.press("ctrl+s")
    assert app.screen is form  # nobody chosen in "By": refused
    form.field("by").control.value = "sofia"
    form.field("note").control.load_text("note-secret: asked about spring")
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 1)
    assert git(root, "log", "-1", "--format=%s").strip() == (
        "E-0001: add contact (job_development)"
    )
    assert "note-secret" not in git(root, "log", "-1", "--format=%B")
    await wait_for(pilot, lambda: log.row_count == len(first.contacts) + 1)
    assert [str(c) for c in log.get_row_at(0)][:4] == [
        "2026-11-16",
        "sofia",
        "yes",
        "Job development",
    ]

    await pilot.press("n")
    new = app.screen
    assert isinstance(new, NewEmployerForm)
    await pilot.press(*"biblioteca LAME ")
    await pilot.press("ctrl+s")
    assert app.screen is new and new.field("name").has_class("-invalid")
    new.field("name").control.value = "Gelateria Navile"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 2)
    await wait_for(pilot, lambda: table.row_count == 19)
    assert screen.current_id() == "E-0019"
    assert git(root, "status", "--porcelain") == ""
    await _to_board(app, pilot)


async def job_form_picks_from_the_register_and_codes_isco08(app: IpsApp, pilot, root: Path) -> None:
    before = commit_count(root)
    app.open_participant("P-0050")
    await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen))
    await wait_for(pilot, lambda: app.screen.participant is not None)
    await pilot.press("j")
    form = app.screen
    assert isinstance(form, JobForm)
    picker = form.field("employer").control
    assert isinstance(picker, ChoiceOrText) and "Forno Navile" in picker.choices
    picker.set_value("Forno Navile")
    form.field("title").control.value = "Baker"
    form.field("job_type").control.value = "75"
    form.field("start").control.value = "2026-11-20"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 1)
    text = (root / "participants" / "P-0050.toml").read_text()
    assert (
        '[[jobs]]\nemployer = "Forno Navile"\nemployer_id = "E-0006"\ntitle = "Baker"\n'
        'job_type = "75"\nstart = 2026-11-20\n'
    ) in text

    # A typed employer is added to the register first (its own commit), then the job.
    await pilot.press("j")
    form = app.screen
    assert isinstance(form, JobForm)
    form.field("employer").control.set_value("Nuova Ditta Srl")
    form.field("start").control.value = "2026-11-23"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 3)
    log = git(root, "log", "-2", "--format=%s").splitlines()
    assert log == ["P-0050: add job", "E-0019: new employer"]
    assert (
        'employer = "Nuova Ditta Srl"\nemployer_id = "E-0019"'
        in (root / "participants" / "P-0050.toml").read_text()
    )
    assert git(root, "status", "--porcelain") == ""
    await _to_board(app, pilot)


async def contact_form_names_the_employer_met(app: IpsApp, pilot, root: Path) -> None:
    from ipstui.ui.screens.forms import ContactForm

    before = commit_count(root)
    app.open_participant("P-0050")
    await wait_for(pilot, lambda: isinstance(app.screen, ParticipantScreen))
    await wait_for(pilot, lambda: app.screen.participant is not None)
    await pilot.press("c")
    form = app.screen
    assert isinstance(form, ContactForm)
    form.field("kind").control.value = "phone"
    form.field("employer_id").control.value = "E-0006"
    await pilot.pause()
    await pilot.press("ctrl+s")
    assert app.screen is form and form.field("employer_id").has_class("-invalid")
    form.field("kind").control.value = "employer"
    form.field("face_to_face").control.value = False
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 1)
    text = (root / "participants" / "P-0050.toml").read_text()
    block = text[text.rindex("[[contacts]]") :]
    assert block == (
        '[[contacts]]\non = 2026-11-16\nkind = "employer"\nby = "lars"\n'
        'employer_id = "E-0006"\nface_to_face = false\n'
    )
    await _to_board(app, pilot)


async def employers_screen_edits_an_employer(app: IpsApp, pilot, root: Path) -> None:
    before = commit_count(root)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.register is not None)
    await pilot.press("down", "E")
    form = app.screen
    assert isinstance(form, NewEmployerForm) and "E-0002" in form.title_text
    assert form.field("sector").control.value == "café"
    form.field("sector").control.value = "bar"
    await pilot.pause()
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(root) == before + 1)
    assert git(root, "log", "-1", "--format=%s").strip() == "E-0002: set sector"
    await wait_for(
        pilot,
        lambda: str(screen.query_one("#employers-list", DataTable).get_row_at(1)[2]) == "bar",
    )
    await _to_board(app, pilot)


async def employers_screen_refuses_an_edit_of_an_employer_changed_since_shown(
    app: IpsApp, pilot, root: Path
) -> None:
    """The screen saves against the register it showed (the service's staleness check):
    a file changed and committed meanwhile is not overwritten; the fresh one is shown."""
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, EmployersScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.register is not None)
    path = root / "employers" / "E-0002.toml"
    path.write_text(path.read_text().replace('sector = "café"', 'sector = "bakery"'))
    git(root, "commit", "-qam", "E-0002: set sector (by hand)")
    before = commit_count(root)
    await pilot.press("down", "E")
    form = app.screen
    assert isinstance(form, NewEmployerForm)
    form.field("sector").control.value = "bar"
    await pilot.pause()
    await pilot.press("ctrl+s")
    table = screen.query_one("#employers-list", DataTable)
    await wait_for(pilot, lambda: str(table.get_row_at(1)[2]) == "bakery")
    assert commit_count(root) == before
    assert 'sector = "bakery"' in path.read_text()
    assert git(root, "status", "--porcelain") == ""
    await _to_board(app, pilot)


def _table_text(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _table_cells(table: DataTable) -> int:
    return sum(c.get_render_width(table) for c in table.columns.values())


def employers_and_fidelity_tables_fit_and_cut_with_an_ellipsis(
    size: tuple[int, int], key: str, screen_type: type, table_id: str
):
    """SPEC §9 at 80×24: the tables fit the width (no column lost off the right edge); a
    cut cell ends in `…`; ids are whole; the highlighted row's full text is under the
    table. At 120 columns the names are whole."""

    async def run(app: IpsApp, pilot, root: Path) -> None:
        assert app.size == size
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, screen_type))
        screen = app.screen
        table = screen.query_one(table_id, DataTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        assert _table_cells(table) <= size[0] - 2, (size, key)
        rows = _table_text(table)
        assert all(r[0] == r[0].rstrip("…") for r in rows)  # ids whole
        if isinstance(screen, EmployersScreen):
            reg = screen.register
            assert reg is not None
            names = [reg.employers[r[0]].name for r in rows]
            shown = [r[1] for r in rows]
            if size[0] == 80:
                cut = [(n, s) for n, s in zip(names, shown, strict=True) if n != s]
                assert cut and all(s.endswith("…") and n.startswith(s[:-1]) for n, s in cut)
                heading = str(screen.query_one("#employer-heading").render())
                assert names[0] in heading
            else:
                assert shown == names
        else:
            assert any(r[5].endswith("…") for r in rows)
            behind = str(screen.query_one("#fidelity-behind").render())
            assert "<= 20 / <= 25 / <= 30 / <= 40" in behind
        await _to_board(app, pilot)

    return run


AT_120x40 = [
    ("the fidelity screen shows every item and the records behind",
     fidelity_screen_shows_every_item_and_the_records_behind),
    ("120x40: the employers table shows whole names",
     employers_and_fidelity_tables_fit_and_cut_with_an_ellipsis(
         (120, 40), "e", EmployersScreen, "#employers-list")),
    ("the employers screen refuses an edit of an employer changed since shown",
     employers_screen_refuses_an_edit_of_an_employer_changed_since_shown),
    ("the employers screen lists and logs a contact", employers_screen_lists_and_logs_a_contact),
    ("the contact form names the employer met", contact_form_names_the_employer_met),
]  # fmt: skip

AT_80x24 = [
    ("80x24: the employers table fits and cuts with an ellipsis",
     employers_and_fidelity_tables_fit_and_cut_with_an_ellipsis(
         (80, 24), "e", EmployersScreen, "#employers-list")),
    ("80x24: the fidelity table fits and cuts with an ellipsis",
     employers_and_fidelity_tables_fit_and_cut_with_an_ellipsis(
         (80, 24), "F", FidelityScreen, "#fidelity-items")),
    ("fidelity and employers from the palette", fidelity_and_employers_from_the_palette),
    ("the employers screen edits an employer", employers_screen_edits_an_employer),
    # At 80x24 rather than with the steps above: its new employer is E-0019 here too.
    ("the job form picks from the register and codes ISCO-08",
     job_form_picks_from_the_register_and_codes_isco08),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(("size", "steps"), [((120, 40), AT_120x40), ((80, 24), AT_80x24)])
async def test_fidelity_and_employers(
    sample_caseload: Path, size: tuple[int, int], steps: list
) -> None:
    app = _app(sample_caseload)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None)
        await run_steps(steps, app, pilot, sample_caseload)
    assert git(sample_caseload, "status", "--porcelain") == ""
