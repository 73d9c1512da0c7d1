"""The board under Reports (issue 13, round 8): a footer whose screen is covered by an
opaque screen is not rebuilt, a rebuilt footer leaves its old keys to the garbage
collector, and a layout of the board that leaves a column's size alone does not redraw
the column's scrollbar.

Opening Reports hid the `r` key in the board's footer under it and closing brought it
back: two rebuilds, each mounting a dozen keys and laying out the board (whose column
scrollbars were then drawn again, ~130 ms of the UI thread at 20,000 participants). And
every rebuild kept its removed keys alive, held by a watcher of the footer's `compact`
that Textual drops only when `compact` changes. A layout passed each column the content
region as its virtual size (never the cards' height), so every layout updated and redrew
every column's scrollbar."""

from __future__ import annotations

import gc
import weakref
from datetime import date
from pathlib import Path

import pytest
from pilot_wait import settle
from textual.scrollbar import ScrollBar
from textual.widgets._footer import FooterKey

from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.reports import ReportsScreen
from ipstui.ui.widgets.board import PhaseColumn
from ipstui.ui.widgets.footer import KeysFooter

TODAY = date(2026, 11, 16)


def keys_of(footer: KeysFooter) -> list[FooterKey]:
    return list(footer.query(FooterKey))


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_board_under_reports_keeps_its_footer_and_scrollbars(
    sample_caseload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        footer = board.query_one(KeysFooter)
        before = keys_of(footer)
        assert "reports" in {key.action for key in before}

        # Reports over the board, twice: the board's footer keeps its very widgets.
        for _ in range(2):
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ReportsScreen)
            assert keys_of(footer) == before, "the covered board's footer was rebuilt"
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is board
            assert keys_of(footer) == before, "the board's footer was rebuilt on return"
        # ... and shows what it would show if built now.
        assert footer._keys() == footer._shown

        # A rebuild (keys that changed) leaves the removed keys to the collector.
        old = [weakref.ref(key) for key in before]
        del before
        footer.refresh(recompose=True)
        await settle(pilot)
        new = keys_of(footer)
        assert new and all(key.has_class("-compact") for key in new)
        gc.collect()
        alive = [ref() for ref in old if ref() is not None]
        assert not alive, f"{len(alive)} removed footer keys are still referenced"

        # The keys still follow the footer's `compact`, as a data binding made them.
        footer.compact = False
        await pilot.pause()
        assert not any(key.compact or key.has_class("-compact") for key in keys_of(footer))
        footer.compact = True
        await settle(pilot)

        # A layout of the board that changes no column's size updates no scrollbar.
        updated: list[str | None] = []
        real = PhaseColumn._scroll_update

        def counted(self: PhaseColumn, virtual_size) -> None:  # type: ignore[no-untyped-def]
            updated.append(self.id)
            real(self, virtual_size)

        monkeypatch.setattr(PhaseColumn, "_scroll_update", counted)
        sizes = {col.id: col.size for col in board.query(PhaseColumn)}
        board.refresh(layout=True)
        await settle(pilot)
        assert {col.id: col.size for col in board.query(PhaseColumn)} == sizes
        assert updated == []

        # A filter keystroke: a column whose scrollbar would be drawn the same (here:
        # shorter than the window, before and after) keeps it as drawn, and the bar's
        # numbers follow the cards.
        drawn: list[str | None] = []
        real_refresh = ScrollBar.refresh

        def spy(self: ScrollBar, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(self.parent, PhaseColumn):
                drawn.append(self.parent.id)
            return real_refresh(self, *args, **kwargs)

        await pilot.press("slash")
        await settle(pilot)
        columns = [col for col in board.query(PhaseColumn) if col.size.height]
        heights = {col.id: col.virtual_size.height for col in columns}
        monkeypatch.setattr(ScrollBar, "refresh", spy)
        await pilot.press("a")
        await settle(pilot)
        window = {col.id: col.scrollable_content_region.height for col in columns}
        plain = [
            col.id
            for col in columns
            if col.virtual_size.height != heights[col.id]
            and max(heights[col.id], col.virtual_size.height) <= window[col.id]
        ]
        assert plain, "no column changed height within its window: the check says nothing"
        assert not set(plain) & set(drawn)
        for col in columns:
            assert col.vertical_scrollbar.window_virtual_size == col.virtual_size.height
