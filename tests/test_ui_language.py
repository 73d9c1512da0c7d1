"""The app's words go through gettext (SPEC §13, issue 14): a test catalog installed in
`ipstui.core.i18n` changes every board column title and every key description the
footer, the help screen and the palette show; an app opened after the language changed
back speaks English again (bindings are translated per instance, not per class); and a
catalog whose every message is twice as long still fits the board at 80×24.

The catalogs are stand-ins (`gettext.NullTranslations` subclasses), so these tests say
nothing about the shipped translations; they prove the app asks for them."""

from __future__ import annotations

import gettext
from datetime import date
from pathlib import Path

import pytest
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


class Marked(gettext.NullTranslations):
    """Every message comes back as «message»: what went through gettext is visible."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"

    def pgettext(self, context: str, message: str) -> str:
        return f"«{message}»"


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
    for _ in range(300):
        await pilot.pause(0.02)
        if app.caseload is not None and app.screen.query(Board):
            break
    await pilot.pause()


def _footer_descriptions(app: IpsApp) -> list[str]:
    return [k.description for k in app.screen.query_one(Footer).query(FooterKey)]


async def test_column_titles_and_key_descriptions_go_through_gettext(
    sample_caseload: Path, catalog
) -> None:
    catalog(Marked())
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(160, 44)) as pilot:
        await _ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        for phase in PHASES:
            title = screen.query_one(f"#title-{phase}", ColumnTitle)
            assert title.label == f"«{PHASE_LABELS[phase]}»"
        shown = [
            str(t.render()) for t in screen.query(ColumnTitle) if t.display and t.parent.display
        ]
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
        for _ in range(100):
            await pilot.pause(0.02)
            if type(app.screen).__name__ == "ProblemsScreen":
                break
        page = help_text(app.screen).plain
        assert "«Cursor down»" in page and "«Back»: «Back to the board»" in page, page
        app.pop_screen()
        await pilot.pause()

        # The participant screen: its tabs, its keys and its panes' keys.
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if type(app.screen).__name__ == "ParticipantScreen":
                break
        await pilot.pause(0.1)
        tabs = [str(t.label) for t in app.screen.query(Tab)]
        assert tabs and all(t.startswith("«") for t in tabs), tabs
        footer = _footer_descriptions(app)
        assert "«Contact»" in footer and "«Save details»" in footer, footer
        assert all(d.startswith("«") for d in footer), footer


async def test_an_app_opened_after_the_language_changed_speaks_the_new_one(
    sample_caseload: Path, catalog
) -> None:
    """Bindings are class attributes in Textual; they are translated per instance, so
    the language in force when an app starts is the one it speaks."""
    catalog(Marked())
    first = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with first.run_test(size=(160, 44)) as pilot:
        await _ready(first, pilot)
        assert "«Quit»" in _footer_descriptions(first)
    catalog(gettext.NullTranslations())
    second = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with second.run_test(size=(160, 44)) as pilot:
        await _ready(second, pilot)
        footer = _footer_descriptions(second)
        assert "Quit" in footer and not any("«" in d for d in footer), footer
        title = second.screen.query_one("#title-intake", ColumnTitle)
        assert title.label == PHASE_LABELS["intake"]


async def test_long_words_fit_the_board_at_80x24(sample_caseload: Path, catalog) -> None:
    """Twice-as-long messages: the column titles are cut with … and keep their counts,
    the footer and the header still draw, and every screen opens without an error."""
    catalog(Doubled())
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(app, pilot)
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

        # Every screen and dialog reachable from the board opens and draws.
        for key, screen_name in (
            ("question_mark", "HelpScreen"),
            ("a", "AgendaScreen"),
            ("p", "ProblemsScreen"),
            ("r", "ReportsScreen"),
            ("F", "FidelityScreen"),
            ("e", "EmployersScreen"),
            ("enter", "ParticipantScreen"),
            ("c", "ContactForm"),
            ("n", "NewParticipantForm"),
        ):
            await pilot.press(key)
            for _ in range(100):
                await pilot.pause(0.02)
                if type(app.screen).__name__ == screen_name:
                    break
            assert type(app.screen).__name__ == screen_name
            await pilot.pause(0.1)
            app.pop_screen()
            await pilot.pause()
            assert isinstance(app.screen, BoardScreen)
