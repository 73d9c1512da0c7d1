"""Frames drawn at a Pilot test's checkpoints, not at every refresh (opt-in).

A headless app (`App.run_test`) renders a frame of its screen at every refresh (up to 60
a second: after each key, each pause, each message that changed a widget) and throws it
away (`App._display` returns early when headless): about 40% of a Pilot test's CPU went
to frames nobody sees (tests/test_ui_board.py and test_ui_outside_commits.py: 27.7 s of
CPU with them, 16.1 s without). A test module that checks state only (the app's data,
the files, the git log, what a widget holds: `widget.render()`, `render_line`) opts in with

    from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture

and then its headless app's top screen only collects what changed, and draws it at the
checkpoints: the end of each step of `pilot_wait.run_steps` and the end of each app
session (`run_test`'s block left without an error). A widget that cannot draw itself
still fails the test there; the frames in between are not drawn. Never for a test of
what a terminal shows (snapshots, screenshots, frames taken under load): those keep
Textual's own frames, and they draw every screen of the app (tests/test_snapshots.py,
test_termsafe_everywhere.py, test_screen_faults.py). A real terminal's app (not
headless) is untouched either way.

This replaces one method of Textual 8.2.8 (`Screen._compositor_refresh`) for the test's
duration; tests/test_frames.py fails loudly when Textual's code it mirrors changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from textual._context import visible_screen_stack
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

_textual_frame = Screen._compositor_refresh
"""Textual's own `Screen._compositor_refresh` (renders and displays a frame)."""

_textual_run_test = App.run_test
"""Textual's own `App.run_test`."""

_open_apps: list[App] = []
"""The apps inside `run_test` in the running test, when it opted in (else empty)."""


def _collect_changes(self: Screen) -> None:
    """`Screen._compositor_refresh` for a headless app's top screen: the changed regions
    stay in the compositor (`_dirty_regions`) for `draw`; everything else as Textual does
    it (an inline app, a background screen, a terminal's app)."""
    app = self.app
    if app.is_headless and not app.is_inline and self is app.screen:
        self._dirty_widgets.clear()
        app._update_mouse_over(self)
        return
    _textual_frame(self)


def draw(app: App) -> None:
    """Draw what changed on `app`'s screen since it was last drawn, as Textual's frame
    would (`Compositor.render_update`), and throw it away as a headless app does. A
    widget that fails to draw raises here, in the test. Nothing to draw (no screen, or
    nothing changed since the last frame): nothing done.

    Textual keeps the screens behind the top one in a context variable while it draws;
    drawn here, from the test's own task, that would keep a closed screen alive in the
    test's context, so the variable is put back as it was."""
    if not app._screen_stack:
        return
    screen = app.screen
    if not screen._compositor._dirty_regions:
        return
    before = visible_screen_stack.get(None)
    try:
        screen._compositor.render_update(screen_stack=app._background_screens)
    finally:
        visible_screen_stack.set([] if before is None else before)


def draw_open_apps() -> None:
    """`draw` every app of the running test that is inside `run_test` (none when the
    test did not opt in: Textual drew every frame already)."""
    for app in _open_apps:
        draw(app)


@asynccontextmanager
async def _run_test_drawn_at_end(self: App, *args, **kwargs) -> AsyncIterator[Pilot]:
    """`App.run_test`, and the last state drawn when the block ends without an error."""
    async with _textual_run_test(self, *args, **kwargs) as pilot:
        _open_apps.append(self)
        try:
            yield pilot
            draw(self)
        finally:
            _open_apps.remove(self)


@pytest.fixture(autouse=True)
def frames_at_checkpoints(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For the test's duration a headless app's top screen draws only at checkpoints
    (module docstring), not at every refresh."""
    monkeypatch.setattr(Screen, "_compositor_refresh", _collect_changes)
    monkeypatch.setattr(App, "run_test", _run_test_drawn_at_end)
    yield
    _open_apps.clear()
