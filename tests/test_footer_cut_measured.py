"""The key bar's cut is measured from the keys' labels and styles, not from their
laid-out sizes (ipstui/ui/widgets/footer.py `KeysFooter._mark_cut`).

A rebuild mounts new keys, which have no size until the next layout; a cut measured in
between (a loaded machine ran it there, about one snapshot run in four at load 9) took
the palette key as 0 cells wide and let the last kept key run under it, cut mid-word
(`e Emp▏^p palet…`) with no `…` mark: SPEC §9 wants whole keys dropped and `…` shown.
Here the cut is run at once after a rebuild, before any layout, and must equal the cut
made after the layout, on every screen whose keys do not all fit, at 80 columns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pilot_wait import back_to, settle

from ipstui.ui.app import IpsApp
from ipstui.ui.widgets.footer import KeysFooter

TODAY = date(2026, 11, 16)

SCREENS = [("board", None), ("agenda", "a"), ("reports", "r"), ("employers", "e")]
"""Screens whose keys overflow 80 columns on the sample, and the key that opens each."""


def _cut(footer: KeysFooter) -> tuple[tuple[str, ...], bool, int]:
    """What the cut left: the keys shown, whether `…` shows, and its offset."""
    mark = footer.query_one("#footer-more")
    return (
        tuple(key.action for key in footer.shown_keys()),
        not mark.has_class("hidden"),
        mark.styles.offset.x.value,
    )


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("size", [(80, 24)], ids=["80x24"])
async def test_a_cut_before_layout_equals_the_cut_after(
    sample_caseload: Path, size: tuple[int, int]
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        board = app.screen
        for name, key in SCREENS:
            await back_to(pilot, board)
            if key:
                await pilot.press(key)
                await settle(pilot)
            footer = app.screen.query_one(KeysFooter)
            await footer.recompose()
            palette = footer.query_one(".-command-palette")
            assert palette.outer_size.width == 0, f"{name}: the new keys are laid out already"
            footer._mark_cut()
            before_layout = _cut(footer)
            await settle(pilot)
            footer._mark_cut()
            after_layout = _cut(footer)
            assert before_layout == after_layout, name
            assert after_layout[1], f"{name}: the keys fit, so this case tests nothing"
