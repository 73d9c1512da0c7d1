"""Waiting in Pilot tests on what the app does, not on the clock.

The app does its I/O in workers that post messages back (ipstui/ui/messages.py), so "the
app has caught up" is: every worker finished, then the messages they posted handled — in
rounds, as a handler may start another worker (a load settles the sync status, a save
reads the history). Harlequin's functional tests wait the same way. A fixed sleep is
either too short on a busy machine (a flaky test) or too long everywhere (a slow one)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager

from frames import draw_open_apps
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

TIMEOUT = 15.0
"""Seconds `wait_for` allows for what no worker tracks (a file event, a palette search)."""


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Every worker of the app done and the messages they posted handled, `rounds` times.

    A worker that failed raises WorkerFailed here, as `workers.wait_for_complete()` does.
    A worker cancelled meanwhile is done too: an exclusive worker (the load) is cancelled
    when a newer one starts (a disk change polled while the last load still ran), and the
    newer one is waited for in the next round."""
    for _ in range(rounds):
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
        await pilot.pause()


async def wait_for(pilot: Pilot, cond: Callable[[], object], what: str = "the condition") -> None:
    """Settle, then until `cond()` holds: a short pause and settle again (for what is not
    a worker: timers, the command palette's search, the disk watcher's thread).
    AssertionError naming `what` after TIMEOUT seconds."""
    await settle(pilot)
    deadline = time.monotonic() + TIMEOUT
    while not cond():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.01)
        await settle(pilot, 1)
    await pilot.pause()


def palette_offers(app: App, name: str) -> bool:
    """The command palette is open and its first command is `name` (its search runs in a
    worker of its own and shows results in batches)."""
    if not isinstance(app.screen, CommandPalette):
        return False
    options = app.screen.query_one(CommandList)
    return bool(options.option_count) and str(options.get_option_at_index(0).prompt).startswith(
        name
    )


@contextmanager
def step(name: str) -> Iterator[None]:
    """One named step of a journey: a test that drives one app session through several
    checks (an app start and a participant opened cost a second or two of CPU each, so
    checks that need the same state share them). A failure inside is reported with
    "in step: NAME" under its traceback; the steps after it do not run, as they build
    on the state this one leaves."""
    try:
        yield
    except BaseException as exc:
        exc.add_note(f"in step: {name}")
        raise


async def back_to(pilot: Pilot, screen: Screen) -> None:
    """Dismiss screens until `screen` is on top again (between the steps of a journey);
    AssertionError if `screen` is not on the stack."""
    app = pilot.app
    assert screen in app.screen_stack, f"{screen!r} is not on the screen stack"
    while app.screen is not screen:
        app.pop_screen()
        await pilot.pause()
    await settle(pilot)


async def run_steps(steps: Iterable[tuple[str, Callable[..., Awaitable[object]]]], *args) -> None:
    """Run each `(name, step)` of a journey in order as `await step(*args)`, inside
    `step(name)`: the first failure stops the journey and names its step. In a test
    with frames drawn only at checkpoints (tests/frames.py) each step's end is one: what
    it left on screen is drawn, so a widget that cannot draw fails that step."""
    for name, run in steps:
        with step(name):
            await run(*args)
            draw_open_apps()
