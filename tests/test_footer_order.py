"""The footer shows the most important keys first, so a narrow terminal cuts the least
important ones (trial 5 item 7: at 80×24 in Danish the board's footer hid Agenda, Sync,
Employers and Fidelity after `q Afslut`); help lists every key (SPEC §9).

The order (`footer.footer_order`): `?` Help first (it lists whatever is cut), then the
screen's own keys, then the app's daily keys (agenda, sync, problems) before the
periodic ones (reports, employers, fidelity), quit last.

The screens of one language share an app session (bindings are translated when an app
starts, so each language needs its own): an app start costs more CPU than a check.
Every language (Danish the trial's; English, Italian and Swedish the same order in
other words) runs under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, settle, step
from textual.widgets._footer import FooterKey

from ipstui.core import i18n
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.help import help_text
from ipstui.ui.widgets.footer import APP_ORDER

TODAY = date(2026, 11, 16)

# (screen opened with, the keys the footer must start with at 80×24, in order)
SCREENS = [
    ("board", None, ["question_mark", "right_square_bracket", "left_square_bracket", "c"]),
    ("participant", "P-0030", ["question_mark", "ctrl+s"]),
    ("agenda", "a", ["question_mark", "enter"]),
]


def _keys(app: IpsApp) -> list[FooterKey]:
    return [k for k in app.screen.query(FooterKey) if not k.has_class("-command-palette")]


async def _footer_in_priority(app: IpsApp, first: list[str]) -> None:
    keys = _keys(app)
    assert [k.key for k in keys[: len(first)]] == first
    actions = [k.action for k in keys]
    # The app's keys come after the screen's, in APP_ORDER.
    app_keys = [a for a in actions if a in APP_ORDER]
    assert app_keys == sorted(app_keys, key=APP_ORDER.index)
    assert actions[-1] == "quit" or "quit" not in actions
    # Help lists every key the footer shows, whatever was cut.
    page = help_text(app.screen).plain
    for k in keys:
        assert k.description in page, k.description


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("lang", ["en", "da", "it", "sv"])
async def test_help_first_then_the_screen_then_the_app_in_priority(
    sample_caseload: Path, lang: str
) -> None:
    """Each screen of SCREENS in turn, opened from the board, in one app."""
    i18n.set_language(lang)
    try:
        app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            board = app.screen
            for name, how, first in SCREENS:
                with step(name):
                    await back_to(pilot, board)
                    if how == "a":
                        await pilot.press("a")
                    elif how is not None:
                        app.open_participant(how)
                    await settle(pilot)
                    assert app.screen is not board or how is None
                    await _footer_in_priority(app, first)
    finally:
        i18n.set_language("en")
