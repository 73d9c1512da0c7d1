"""Reports shown again (issue 13, round 9): the page is restyled only when something its
styles depend on changed while it was hidden, and the kept figures of the current quarter
are put back without being built or measured again; what the page shows is the same as
when every step ran."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from rich.cells import cell_len
from textual.widgets import Static

import ipstui.ui.screens.reports as reports
from ipstui.core.report import quarter_of
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.reports import ReportsScreen

TODAY = date(2026, 11, 16)  # the sample's as-of date
TABLES = ("#report-specialists", "#report-referrals")
TEXTS = ("#report-title", "#report-team", "#report-rate-chart", "#report-rapid", *TABLES)


def other_theme(app: IpsApp, screen: ReportsScreen) -> None:
    app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"


def stylesheet_read_again(app: IpsApp, screen: ReportsScreen) -> None:
    app.stylesheet.reparse()


def ansi_colours(app: IpsApp, screen: ReportsScreen) -> None:
    app.ansi_color = not app.ansi_color


def terminal_blurred(app: IpsApp, screen: ReportsScreen) -> None:
    app.app_focus = not app.app_focus


def nothing(app: IpsApp, screen: ReportsScreen) -> None:
    pass


def narrow_toggled(app: IpsApp, screen: ReportsScreen) -> None:
    # A class of the page's own: Textual restyles the page as it changes, hidden or not.
    screen.toggle_class("-narrow")


# (what happens while Reports is hidden, whether the reopened page must be restyled)
WHILE_HIDDEN: list[tuple[Callable[[IpsApp, ReportsScreen], None], bool]] = [
    (nothing, False),
    (narrow_toggled, False),
    (other_theme, True),
    (stylesheet_read_again, True),
    (ansi_colours, True),
    (terminal_blurred, True),
]


def styles_of(screen: ReportsScreen) -> dict[int, tuple[str, object]]:
    """Every node of the page: its computed CSS and the Rich style it is drawn with."""
    return {
        id(node): (node.styles.css, node.rich_style)
        for node in screen.walk_children(with_self=True)
    }


async def assert_styled_as_a_full_restyle_would(pilot, screen: ReportsScreen) -> None:
    """Whether restyled on resume or not, every node of the page has the styles a full
    restyle (every node matched against the stylesheet again) gives it now."""
    kept = styles_of(screen)
    pilot.app.update_styles(screen, animate=False)
    await pilot.pause()
    assert styles_of(screen) == kept


def shown(screen: ReportsScreen) -> dict[str, str]:
    return {sel: str(screen.query_one(sel, Static).render()) for sel in TEXTS}


async def open_reports(pilot) -> ReportsScreen:
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize(
    ("change", "restyled"), WHILE_HIDDEN, ids=lambda v: getattr(v, "__name__", str(v))
)
async def test_a_reopened_page_is_restyled_only_when_its_styles_can_have_changed(
    sample_caseload: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[IpsApp, ReportsScreen], None],
    restyled: bool,
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_reports(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_reports(pilot)  # the styles' key is known from here on
        await pilot.press("escape")
        await settle(pilot)

        restyles: list[object] = []
        real = ReportsScreen.update_node_styles

        def counted(self: ReportsScreen, animate: bool = True) -> None:
            restyles.append(self)
            real(self, animate=animate)

        monkeypatch.setattr(ReportsScreen, "update_node_styles", counted)
        change(app, screen)
        await settle(pilot)
        restyles.clear()  # what Textual itself restyles as it changes is not the resume's
        # As the palette opens it, not by a key: a key gives the terminal focus back,
        # and typed letters run no command while nothing has focus.
        app.action_reports()
        await settle(pilot)
        assert app.screen is screen
        assert bool(restyles) is restyled

        await assert_styled_as_a_full_restyle_would(pilot, screen)


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_putting_the_kept_quarter_back_builds_and_measures_nothing_again(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[object] = []
    measured: list[object] = []
    real_build, real_room = reports.build_page, reports.room

    def build(message):
        built.append(message.quarter)
        return real_build(message)

    def room(widget, content):
        measured.append(widget.id)
        return real_room(widget, content)

    monkeypatch.setattr(reports, "build_page", build)
    monkeypatch.setattr(reports, "room", room)
    # No loading indicator on a slow machine: the widgets under it have no width, so
    # whether texts were measured would hang on the machine's speed.
    monkeypatch.setattr(ReportsScreen, "LOADING_AFTER", 60.0)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    current = quarter_of(TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_reports(pilot)
        first = shown(screen)
        for _ in range(2):  # every text measured once in the size it is drawn at
            await pilot.press("left_square_bracket")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert await open_reports(pilot) is screen
        assert built.count(current) == 1

        # Another quarter looked at, then back: the kept figures are put back, nothing
        # of them built or measured again, and the page reads as it did.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert shown(screen) != first
        await pilot.press("escape")
        await settle(pilot)
        built.clear()
        measured.clear()
        assert await open_reports(pilot) is screen
        assert built == []
        assert measured == []
        assert shown(screen) == first

        # Closed and opened with the same figures on the page: no widget is touched.
        contents = {sel: screen.query_one(sel, Static).content for sel in TEXTS}
        await pilot.press("escape")
        await settle(pilot)
        assert await open_reports(pilot) is screen
        assert {sel: screen.query_one(sel, Static).content for sel in TEXTS} == contents
        assert all(screen.query_one(sel, Static).content is c for sel, c in contents.items())


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_a_terminal_resized_while_reports_is_hidden_gets_the_tables_fitted_again(
    sample_caseload: Path,
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_reports(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert await open_reports(pilot) is screen
        await pilot.pause()
        assert screen.has_class("-narrow")
        for selector in TABLES:
            table = screen.query_one(selector, Static)
            lines = str(table.render()).splitlines()
            assert max(cell_len(line) for line in lines) <= table.content_size.width
