"""Faults a new user's trial found (SPEC §9 and §13), each tested for its kind:

- a footer cut at 80×24 ends in `…`, and the help screen lists every key it shows;
- focus arriving in a text field leaves its text, with the cursor at the end;
- one English word with two meanings gets a context in the catalogs (the employer log's
  "Met" is "met in person", not a fidelity criterion met);
- every command palette entry, Textual's own too, speaks the user's language;
- the Problems screen names a file whose name is not a participant id for what it is.

The app walks here run under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes): the footer of every screen at 80 columns
(cut) and of the board and a participant at 220 (not cut) in one test, the other
screens at 220 in another (so the slow run spreads them over two workers), and the
palette in Italian, Danish and Swedish.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count
from pilot_wait import back_to, settle, step, wait_for
from textual.pilot import Pilot

from ipstui.core.i18n import _, set_language

TODAY = date(2026, 11, 16)
UI = Path(__file__).resolve().parents[1] / "ipstui" / "ui"


async def _ready(app, pilot: Pilot) -> None:
    from ipstui.ui.widgets.board import Board

    await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))


def _last_line(app) -> str:
    return "".join(s.text for s in app.screen._compositor.render_strips()[-1])


# ------------------------------------------------------------------ footer and help

SCREENS = [
    ("board", []),
    ("agenda", ["a"]),
    ("problems", ["escape", "p"]),
    ("reports", ["escape", "r"]),
    ("employers", ["escape", "e"]),
    ("fidelity", ["escape", "F"]),
    ("participant", ["escape", "enter"]),
]


WIDE_QUICK = ("board", "participant")
"""The screens whose uncut footer (220 columns) the cut footers' test checks too; the
others are checked in `test_an_uncut_footer_on_the_other_screens`."""


async def _footers(app, pilot: Pilot, board, width: int, cut: bool, screens) -> None:
    """From the board at `width` columns, each of `screens` (name, keys from the one
    before) in turn: its footer ends in `…` exactly when `cut`, and the help screen lists
    every key the footer shows."""
    from textual.widgets._footer import FooterKey

    from ipstui.ui.screens.help import help_text

    await back_to(pilot, board)
    await pilot.resize_terminal(width, 24)
    await settle(pilot)
    for name, keys in screens:
        with step(f"{name} at {width}"):
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause()
            assert app.size.width == width
            line = _last_line(app).rstrip()
            palette = line.rsplit("▏", 1)
            assert len(palette) == 2, (name, line)
            assert palette[0].rstrip().endswith("…") is cut, (name, line)
            page = help_text(app.screen).plain
            for key in app.screen.query(FooterKey):
                if "-command-palette" in key.classes:
                    continue
                shown = f"{key.key_display} "
                rows = [r for r in page.splitlines() if r.strip().startswith(shown.strip())]
                assert any(key.description in r for r in rows), (
                    name,
                    key.key_display,
                    page,
                )


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_a_cut_footer_ends_in_an_ellipsis_and_help_lists_its_keys(
    sample_caseload: Path,
) -> None:
    """Every screen of SCREENS at 80 columns (the footer cut), then the terminal widened
    to 220 (nothing cut) on the screens of WIDE_QUICK; then, at 120×40, focus arriving in
    a field (below): one app session."""
    from ipstui.ui.app import IpsApp

    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        board = app.screen
        await _footers(app, pilot, board, 80, True, SCREENS)
        wide = [(name, keys) for name, keys in SCREENS if name in WIDE_QUICK]
        await _footers(app, pilot, board, 220, False, wide)
        await back_to(pilot, board)
        await pilot.resize_terminal(120, 40)
        with step("focus keeps a field's text and typing adds to it"):
            await focus_keeps_a_fields_text_and_typing_adds_to_it(app, pilot)


@pytest.mark.slow
async def test_an_uncut_footer_on_the_other_screens(sample_caseload: Path) -> None:
    """The screens of SCREENS not in WIDE_QUICK at 220 columns: nothing cut, and help
    lists every key shown (the first test's check, on the rest of the screens)."""
    from ipstui.ui.app import IpsApp

    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(220, 24)) as pilot:
        await _ready(app, pilot)
        rest = [(name, keys) for name, keys in SCREENS if name not in WIDE_QUICK]
        await _footers(app, pilot, app.screen, 220, False, rest)


# ------------------------------------------------------------------ text fields
# (focus arriving in a field is checked in the footer's session above)


def test_every_text_field_of_the_app_is_the_one_input() -> None:
    """No screen builds Textual's `Input` itself: `OneLineInput` is the one place that
    decides how a field behaves (paste, focus)."""
    direct = []
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Input":
                direct.append(f"{path.name}:{node.lineno}")
    assert direct == []


async def focus_keeps_a_fields_text_and_typing_adds_to_it(app, pilot: Pilot) -> None:
    from textual.widgets import Input

    from ipstui.ui.screens.participant import ParticipantScreen

    app.open_participant("P-0002")
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, ParticipantScreen) and app.screen.participant is not None,
    )
    name = app.screen.query_one("#field-name").query_one(Input)
    before = name.value
    assert before
    for _i in range(10):  # tab from the tab bar to the name field, as a person does
        if app.focused is name:
            break
        await pilot.press("tab")
        await pilot.pause()
    assert app.focused is name
    assert name.selection.is_empty and name.cursor_position == len(before)
    await pilot.press("Z")
    assert name.value == before + "Z"


# ------------------------------------------------------------------ one word, two meanings


@pytest.mark.parametrize(
    "lang, in_person, criterion",
    [("it", "Incontrato", "Rispettato"), ("da", "Mødt", "Opfyldt"), ("sv", "Träffad", "Uppfyllt")],
)
def test_the_employer_logs_met_is_not_the_fidelity_criterions(
    lang: str, in_person: str, criterion: str
) -> None:
    from ipstui.core.fidelity import RECORD_HEADERS
    from ipstui.ui.screens.employers import LOG_COLUMNS
    from ipstui.ui.widgets.columns import translated

    set_language(lang)
    column = next(c for c in translated(LOG_COLUMNS) if c.header == _("In person"))
    assert column.short == in_person
    assert RECORD_HEADERS["met"] == criterion  # Labels translate at lookup


# ------------------------------------------------------------------ the palette's words

KEY_SUFFIX = re.compile(r" \([^()]*\)$")


def _catalog(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[1] / "ipstui/locale" / lang / "LC_MESSAGES/ipstui.po"
    with po.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if isinstance(m.id, str) and m.id}


async def _palette_lines(root: Path, lang: str) -> set[str]:
    from textual.command import CommandList

    from ipstui.ui.app import IpsApp

    set_language(lang)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await _ready(app, pilot)
        app.action_command_palette()
        await wait_for(
            pilot,
            lambda: (
                app.screen.query(CommandList)
                and app.screen.query_one(CommandList).option_count > 10
            ),
            "the palette's entries",
        )
        await pilot.pause(0.2)
        options = app.screen.query_one(CommandList)
        lines = set()
        for i in range(options.option_count):
            for line in options.get_option_at_index(i).prompt.plain.splitlines():
                lines.add(KEY_SUFFIX.sub("", line).strip())
        return lines


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("lang", ["it", "da", "sv"])
async def test_every_palette_entry_is_in_the_language(sample_caseload: Path, lang: str) -> None:
    """Each line of each entry (name, help) differs from the English one, unless the
    catalog translates it to the same words (`Agenda`, `palette` in Italian)."""
    english = await _palette_lines(sample_caseload, "en")
    there = await _palette_lines(sample_caseload, lang)
    catalog = _catalog(lang)
    same = {line for line in there & english if catalog.get(line) != line}
    people = {"Filter: specialist"}  # not a line: names come from caseload.toml
    assert {s for s in same if not any(p in s for p in people)} == set()


# ------------------------------------------------------------------ Problems


ODD_FILES = [
    ("P-0002 (copy).toml", "not a participant file: its name is not an id"),
    (".P-0003.toml", "not a participant file: its name is not an id"),
    ("P-0002\x1b]0;OWNED\x07.toml", "not a participant file: its name is not an id"),
    ("P-0099.toml", "changed — has errors, fix first"),
]
"""(a file put in participants/ with P-0005's text, its status in the Problems screen)"""


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_problems_names_a_file_not_named_by_an_id(sample_caseload: Path) -> None:
    """Every file of ODD_FILES at once, in one app: each row's status, and a save asked
    on each row commits nothing (and says why when it is not a participant file)."""
    from textual.widgets import DataTable

    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.problems import ProblemsScreen

    root = sample_caseload
    for name, _status in ODD_FILES:
        (root / f"participants/{name}").write_text((root / "participants/P-0005.toml").read_text())
    commits = commit_count(root)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=(160, 44)) as pilot:
        await _ready(app, pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)
        table = screen.query_one("#dirty-table", DataTable)
        for name, status in ODD_FILES:
            with step(repr(name)):
                rel = f"participants/{name}"
                assert [str(c) for c in table.get_row(rel)][1] == status
                app.clear_notifications()
                table.focus()
                table.move_cursor(row=screen._dirty.index(rel))
                await pilot.press("ctrl+s")
                await settle(pilot)
                assert app.screen is screen
                assert commit_count(root) == commits
                if status.startswith("not"):
                    (toast,) = list(app._notifications)
                    assert toast.severity == "warning"
                    assert (
                        "is not a participant file: its name is not a participant id"
                        in toast.message
                    )
                    assert "\x1b" not in toast.message
