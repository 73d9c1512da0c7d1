"""Reports shown again after a dialog closed over it (Textual resumes the page without
restyling it, `refresh_styles=False`): what the page's styles were last applied from is
not recorded then, so a later reopen after the app's styles changed under the dialog
restyles the page (issue 13, round 9; s8mend2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import settle
from test_ui_reports_resume import assert_styled_as_a_full_restyle_would, open_reports
from textual import events
from textual.screen import ModalScreen
from textual.widgets import Static

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.reports import ReportsScreen

TODAY = date(2026, 11, 16)


class Dialog(ModalScreen[None]):
    def compose(self):  # noqa: ANN201
        yield Static("a dialog")


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_a_dialog_closed_over_the_page_records_no_styles(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resumes: list[bool] = []
    real = ReportsScreen.on_screen_resume

    def seen(self: ReportsScreen, event: events.ScreenResume) -> None:
        resumes.append(event.refresh_styles)
        real(self, event)

    monkeypatch.setattr(ReportsScreen, "on_screen_resume", seen)
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_reports(pilot)
        before = screen._styled
        app.push_screen(Dialog())
        await settle(pilot)
        # The terminal loses focus under the dialog: Textual restyles the top screen
        # only (the dialog), not the page under it.
        app.app_focus = not app.app_focus
        await settle(pilot)
        resumes.clear()
        app.pop_screen()
        await settle(pilot)
        assert resumes == [False]  # resumed without a restyle
        assert screen._styled is before  # so nothing recorded
        await pilot.press("escape")
        await settle(pilot)
        app.action_reports()  # as the palette opens it: a key would refocus the terminal
        await settle(pilot)
        assert app.screen is screen
        assert resumes[-1] is True
        await assert_styled_as_a_full_restyle_would(pilot, screen)
