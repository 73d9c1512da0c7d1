"""The app's words go through gettext (SPEC §13, issue 14): a test catalog installed in
`ipstui.core.i18n` changes every board column title and every key description the
footer, the help screen and the palette show; an app opened after the language changed
speaks the new one (bindings are translated per instance, not per class); and a catalog
whose every message is twice as long still fits the board at 80×24.

The catalogs are stand-ins (`gettext.NullTranslations` subclasses), so these tests say
nothing about the shipped translations; they prove the app asks for them.

The checks in the marked catalog share one app session as named steps
(`pilot_wait.step`): an app start on the sample costs more CPU than a check. With long
words that test opens the screens of LONG_QUICK (help, Reports, a participant, a dialog:
the most words), and another test the other five. Both run under `pytest -m slow`
(.ci/run), outside the README's quick run (issue 12: the quick run under 2 minutes);
split in two, the slow run spreads them over two workers."""

from __future__ import annotations

import gettext
from datetime import date
from pathlib import Path

import pytest
from catalogs import Marked
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, step, wait_for
from rich.cells import cell_len
from textual.widgets import Footer, Tab
from textual.widgets._footer import FooterKey

from ipstui.core import i18n
from ipstui.core.model import PHASE_LABELS, PHASES
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.help import HelpScreen, help_text
from ipstui.ui.widgets.board import Board, ColumnTitle

TODAY = date(2026, 11, 16)


class Doubled(gettext.NullTranslations):
    """Every message twice over (`Intake Intake`): a language with long words."""

    def gettext(self, message: str) -> str:
        return f"{message} {message}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        text = msgid1 if n == 1 else msgid2
        return f"{text} {text}"

    def pgettext(self, context: str, message: str) -> str:
        return f"{message} {message}"


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch):
    """Install a test catalog: `catalog(Marked())`; English again after the test."""

    def install(translations: gettext.NullTranslations) -> None:
        monkeypatch.setattr(i18n, "_translations", translations)

    yield install
    # monkeypatch restores the NullTranslations English catalog.


async def _ready(app: IpsApp, pilot) -> None:
    await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board), "the board")


def _footer_descriptions(app: IpsApp) -> list[str]:
    return [k.description for k in app.screen.query_one(Footer).query(FooterKey)]


async def column_titles_and_key_descriptions_go_through_gettext(app: IpsApp, pilot) -> None:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    for phase in PHASES:
        title = screen.query_one(f"#title-{phase}", ColumnTitle)
        assert title.label == f"«{PHASE_LABELS[phase]}»"
    shown = [str(t.render()) for t in screen.query(ColumnTitle) if t.display and t.parent.display]
    assert shown and all(text.startswith("«") for text in shown), shown

    # Every binding of the app, the board screen and the board widget: the footer,
    # help and palette read these.
    for node in (app, screen, screen.query_one(Board)):
        for _key, b in node._bindings:
            if b.description:
                assert b.description.startswith("«"), (node, b)
            if b.tooltip:
                assert b.tooltip.startswith("«"), (node, b)
    footer = _footer_descriptions(app)
    assert footer and all(d.startswith("«") for d in footer), footer
    assert "«Next»" in footer and "«Quit»" in footer

    help_page = help_text(screen).plain
    assert "«Keys on this screen»" in help_page
    assert "«Agenda»: «Every open deadline, overdue first»" in help_page

    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    assert "«Close help»" in [b.description for _key, b in app.screen._bindings]
    app.pop_screen()
    await pilot.pause()

    # A Textual widget's own keys (the problems table's cursor) are translated by
    # the help screen.
    await pilot.press("p")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ProblemsScreen")
    page = help_text(app.screen).plain
    assert "«Cursor down»" in page and "«Back»: «Back to the board»" in page, page
    app.pop_screen()
    await pilot.pause()

    # The participant screen: its tabs, its keys and its panes' keys.
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ParticipantScreen")
    tabs = [str(t.label) for t in app.screen.query(Tab)]
    assert tabs and all(t.startswith("«") for t in tabs), tabs
    footer = _footer_descriptions(app)
    assert "«Contact»" in footer and "«Save details»" in footer, footer
    assert all(d.startswith("«") for d in footer), footer
    await back_to(pilot, screen)


async def the_app_speaks_the_language_it_started_in(app: IpsApp, pilot) -> None:
    assert "«Quit»" in _footer_descriptions(app)


async def long_words_fit_the_board_at_80x24(app: IpsApp, pilot) -> None:
    """Twice-as-long messages: the column titles are cut with … and keep their counts,
    the footer and the header still draw, and every screen opens without an error."""
    assert app.size == (80, 24)
    board = app.screen
    data = board.query_one(Board).data
    for phase, cards in data.items():
        title = board.query_one(f"#title-{phase}", ColumnTitle)
        text = str(title.render())
        width = title.content_region.width
        assert cell_len(text) <= width, (phase, text, width)
        assert text.endswith(str(len(cards))) or text.endswith(f"({len(cards)})"), text
        if cell_len(f"{title.label} ({len(cards)})") > width:
            assert "…" in text, text
    footer = _footer_descriptions(app)
    assert "Quit Quit" in footer
    assert str(board.query_one("#title").render())
    assert "Caseloads: Caseloads:" in str(board.query_one("#caseloads").render())
    status = str(board.query_one("#status").render())
    assert cell_len(status) <= 80

    # Every screen and dialog reachable from the board opens and draws (those of
    # LONG_QUICK here; the others in `test_the_other_screens_draw_long_words`).
    await _screens_open_and_draw(app, pilot, LONG_QUICK)


LONG_WORDS_SCREENS = [
    ("question_mark", "HelpScreen"),
    ("a", "AgendaScreen"),
    ("p", "ProblemsScreen"),
    ("r", "ReportsScreen"),
    ("F", "FidelityScreen"),
    ("e", "EmployersScreen"),
    ("enter", "ParticipantScreen"),
    ("c", "ContactForm"),
    ("n", "NewParticipantForm"),
]
"""Every screen and dialog reachable from the board: (the key that opens it, its class)."""

LONG_QUICK = [s for s in LONG_WORDS_SCREENS if s[1] in (
    "HelpScreen", "ReportsScreen", "ParticipantScreen", "ContactForm"
)]  # fmt: skip
"""The screens the gettext test opens with long words (the most words: help, the
report's tables, the participant's tabs and fields, a dialog); the others are opened in
`test_the_other_screens_draw_long_words`."""


async def _screens_open_and_draw(app: IpsApp, pilot, screens: list[tuple[str, str]]) -> None:
    """Each `(key, class name)` of `screens` opens from the board and draws (its last
    frame is drawn when it leaves the top: tests/frames.py), then the board is back."""
    for key, screen_name in screens:
        await pilot.press(key)
        await wait_for(pilot, lambda name=screen_name: type(app.screen).__name__ == name)
        assert type(app.screen).__name__ == screen_name
        app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def textual_own_words_go_through_gettext(app: IpsApp, pilot) -> None:
    """Textual's English literals a person reads: the command palette's placeholder, its
    "No matches found" line and its system commands, and the tab bar's keys in the
    participant screen's help."""
    from textual.command import CommandInput, CommandList, CommandPalette
    from textual.widgets import Tabs

    board = app.screen
    titles = [c.title for c in app.get_system_commands(app.screen)]
    assert titles and all(t.startswith("«") for t in titles), titles
    helps = [c.help for c in app.get_system_commands(app.screen)]
    assert all(h.startswith("«") for h in helps), helps

    app.action_command_palette()
    await pilot.pause()
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    assert palette.query_one(CommandInput).placeholder == "«Search for commands…»"
    await pilot.press(*"qzxqzx")
    options = palette.query_one(CommandList)
    await wait_for(
        pilot,
        lambda: options.option_count and options.get_option_at_index(0).id == "--no-matches",
    )
    prompt = options.get_option_at_index(0).prompt
    assert prompt.renderable.plain == "«No matches found»"
    await pilot.press("escape")
    await pilot.pause()

    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "ParticipantScreen")
    app.screen.query_one(Tabs).focus()
    await pilot.pause()
    page = help_text(app.screen).plain
    assert "«Previous tab»" in page and "«Next tab»" in page, page
    await back_to(pilot, board)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_participant_header_gives_way_to_the_overdue_marker_at_80x24(
    caseload_dir: Path,
) -> None:
    """Danish at 80×24 with a long name: the title (id · name · phase since · specialist)
    is cut with … but keeps the whole name, the overdue marker is whole (it was cut to
    `✖ 1 o` when the title kept its full width), under the title when both do not fit."""
    from textual.widgets import Label

    from ipstui.core import edits
    from ipstui.core.caseload import load
    from ipstui.core.rules import OVERDUE
    from ipstui.core.vocab import SYMBOL

    long_name = "Maria Giuseppina Antonietta Bianchi-Rossini Lindqvist"
    # Referred on 2026-10-01: the first contact was due on 2026-10-08, overdue on TODAY.
    edits.new_participant(
        load(caseload_dir), name=long_name, specialist="anna", referral_source="CSM",
        today=date(2026, 10, 1), referred_on=date(2026, 10, 1),
    )  # fmt: skip
    i18n.set_language("da")
    marker_text = SYMBOL[OVERDUE] + " " + i18n.ngettext("{n} overdue", "{n} overdue", 1)
    marker_text = marker_text.format(n=1)
    assert "{n}" not in marker_text and "overdue" not in marker_text  # Danish words
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        app.open_participant("P-0001")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ParticipantScreen")
        screen = app.screen
        marker = screen.query_one(".marker.-overdue", Label)
        assert marker.region.right <= 80
        assert marker.content_region.width >= cell_len(marker_text), marker.content_region
        shown = "".join(s.text for s in marker.render_line(0)).strip()
        assert shown == marker_text, shown
        title = screen.query_one("#p-title", Label)
        line = "".join(s.text for s in title.render_line(0)).rstrip()
        # The name whole (trial 9: a marker beside it left `P-0057 …`): the markers go
        # under the title when they leave it no room.
        assert line.startswith(f"P-0001 · {long_name}"), line
        assert line.endswith("…"), line
        assert title.region.right <= marker.region.x or marker.region.y > title.region.y


MARKED = [
    ("column titles and key descriptions go through gettext",
     column_titles_and_key_descriptions_go_through_gettext),
    ("Textual's own words go through gettext", textual_own_words_go_through_gettext),
    ("the app speaks the language it started in", the_app_speaks_the_language_it_started_in),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_words_go_through_gettext_and_a_new_app_speaks_the_new_language(
    sample_caseload: Path, catalog
) -> None:
    """Bindings are class attributes in Textual; they are translated per instance, so
    the language in force when an app starts is the one it speaks: the app of the
    marked catalog's steps, then one started after the doubled catalog replaced it
    (no mark left in its words), which then shows that long words fit at 80×24."""
    catalog(Marked())
    first = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with first.run_test(size=(160, 44)) as pilot:
        await _ready(first, pilot)
        await run_steps(MARKED, first, pilot)
    catalog(Doubled())
    second = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with second.run_test(size=(80, 24)) as pilot:
        await _ready(second, pilot)
        with step("a new app speaks the new language"):
            footer = _footer_descriptions(second)
            assert "Quit Quit" in footer and not any("«" in d for d in footer), footer
            title = second.screen.query_one("#title-intake", ColumnTitle)
            label = PHASE_LABELS["intake"]
            assert title.label == f"{label} {label}"
        with step("long words fit the board at 80x24"):
            await long_words_fit_the_board_at_80x24(second, pilot)


@pytest.mark.slow
async def test_the_other_screens_draw_long_words(sample_caseload: Path, catalog) -> None:
    """The screens of LONG_WORDS_SCREENS not in LONG_QUICK open and draw at 80×24 with
    the doubled catalog (the gettext test's last check, on the rest of the screens)."""
    catalog(Doubled())
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
        rest = [s for s in LONG_WORDS_SCREENS if s not in LONG_QUICK]
        await _screens_open_and_draw(app, pilot, rest)
