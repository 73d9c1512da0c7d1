"""What the app says agrees with what it shows (issue 13 follow-ups): a count equals the
length of the list it counts, words computed "as of today" follow the day when it changes
with the app open, no screen's key hides an app key the footer or help shows, the footer
drops whole keys, and Enter after a board filter lands on the first match.

One journey on one app session (`pilot_wait.run_steps`): a caseload with one of each kind
of thing the app counts, at a fixed date, on a clock the test moves.

The journey has every step, with the filters of FILTER_QUICK and the keys and footers
of every screen at 80×24 and of the board and a participant at 120×40; the other filters
and the other screens at 120×40 get the same checks in a session of their own
(`test_the_rest_of_the_filters_and_screens`). Both run under `pytest -m slow` (.ci/run),
outside the README's quick run (issue 12: the quick run under 2 minutes); split in two,
the slow run spreads them over two workers."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from conftest import VALID_PARTICIPANT, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle, step
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Static
from textual.widgets._footer import FooterKey

from ipstui.core.board import F, urgent_state
from ipstui.core.rules import DUE_SOON, OVERDUE, agenda_for
from ipstui.ui.app import IpsApp
from ipstui.ui.commands import binding_commands
from ipstui.ui.screens.agenda import AgendaScreen
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.employers import EmployersScreen
from ipstui.ui.screens.fidelity import FidelityScreen
from ipstui.ui.screens.help import help_text, shadowed_app_bindings
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.problems import ProblemsScreen
from ipstui.ui.screens.reports import ReportsScreen
from ipstui.ui.widgets.board import Board
from ipstui.ui.widgets.footer import KeysFooter

TODAY = date(2026, 11, 16)
NEXT = date(2026, 11, 19)
"""The day the clock moves to: P-0003's contact on 11-18 is no longer in the future, and
the first contacts due on 11-22 come within the team's 3 due-soon days."""


def _person(pid: str, name: str, referred: str, specialist: str = "anna", extra: str = "") -> str:
    text = VALID_PARTICIPANT.format(pid=pid)
    text = text.replace('name = "Valid Person"', f'name = "{name}"')
    text = text.replace("referred_on = 2026-11-01", f"referred_on = {referred}")
    return text.replace('specialist = "anna"', f'specialist = "{specialist}"') + extra


FILES = {
    # First contact due 7 days after referral: 11-08, overdue on TODAY.
    "P-0001": _person("P-0001", "Olga Overdue", "2026-11-01"),
    # Due 11-19: due soon on TODAY (3 days).
    "P-0002": _person("P-0002", "Sam Soon", "2026-11-12", specialist="mette"),
    # A contact dated 11-18: after TODAY, a warning until that day.
    "P-0003": _person(
        "P-0003",
        "Fay Future",
        "2026-11-14",
        extra='\n[[contacts]]\non = 2026-11-18\nkind = "phone"\nby = "anna"\nnote = ""\n',
    ),
    # A sync left a decision (a warning, and the card's ⚑); due 11-22.
    "P-0004": _person(
        "P-0004",
        "Cora Conflict",
        "2026-11-15",
        extra='\n[conflicts.name]\nours = "Cora Conflict"\ntheirs = "Cora C."\n',
    ),
    # Not TOML: an error, the file left out of the board.
    "P-0005": 'schema = 1\nid = "P-0005"\nname = \n',
    # Changed by hand after its commit: uncommitted.
    "P-0006": _person("P-0006", "Hank Handedit", "2026-11-15", specialist="mette"),
    # Deleted by hand after its commit: uncommitted, and gone.
    "P-0007": _person("P-0007", "Dora Deleted", "2026-11-15"),
}


@pytest.fixture
def root(caseload_dir: Path) -> Path:
    for pid, text in FILES.items():
        (caseload_dir / "participants" / f"{pid}.toml").write_text(text)
    git(caseload_dir, "add", "-A")
    git(caseload_dir, "commit", "-qm", "six participants")
    hand = caseload_dir / "participants" / "P-0006.toml"
    hand.write_text(hand.read_text() + "# changed by hand\n")
    (caseload_dir / "participants" / "P-0007.toml").unlink()
    return caseload_dir


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make what is on screen depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@dataclass
class Clock:
    """The app's clock, moved by the test."""

    day: date = TODAY

    def __call__(self) -> date:
        return self.day


@dataclass
class Journey:
    app: IpsApp
    pilot: object
    clock: Clock
    board: BoardScreen = field(init=False)


def _text(widget: Static) -> str:
    return str(widget.render())


def _count(pattern: str, text: str) -> int:
    """The number before `pattern` in `text` (0 when the text does not say it)."""
    found = re.search(r"(\d+) " + pattern, text)
    return int(found.group(1)) if found else 0


async def _open(j: Journey, open_it, kind: type) -> object:
    await back_to(j.pilot, j.board)
    open_it()
    await settle(j.pilot)
    assert isinstance(j.app.screen, kind)
    return j.app.screen


def _problem_rows(screen: ProblemsScreen, word: str) -> int:
    table = screen.query_one("#problem-table", DataTable)
    return sum(1 for i in range(table.row_count) if word in str(table.get_row_at(i)[1]))


def _cards(j: Journey, state: str | None = None, conflicts: bool = False) -> int:
    data = j.board.query_one(Board).data
    return sum(
        1
        for cards in data.values()
        for c in cards
        if (state is None or urgent_state(c) == state) and (not conflicts or c[F.CONFLICTS])
    )


# (what, the header's words after the number, the length of the list it stands for)
HEADER_COUNTS = [
    ("warnings", r"warnings?\b", "problems:warning"),
    ("errors", r"errors?\b", "problems:error"),
    ("uncommitted", r"uncommitted", "dirty"),
    ("needs a decision", r"needs? a decision", "cards:conflicts"),
    ("overdue participants", r"overdue", "cards:overdue"),
    ("due-soon participants", r"due soon", "cards:due_soon"),
]
EXPECTED = {
    TODAY: {
        "warnings": 2,
        "errors": 1,
        "uncommitted": 2,
        "needs a decision": 1,
        "overdue participants": 1,
        "due-soon participants": 1,
    },
    # The future contact is past (one warning less); first contacts due 11-22 now soon.
    NEXT: {
        "warnings": 1,
        "errors": 1,
        "uncommitted": 2,
        "needs a decision": 1,
        "overdue participants": 1,
        "due-soon participants": 3,
    },
}


async def _counts_agree(j: Journey) -> None:
    """Every count the board's header, the columns and the agenda show equals the length
    of the list it stands for, and has its right value for the clock's day."""
    app = j.app
    await back_to(j.pilot, j.board)
    header = _text(j.board.query_one("#title", Static))
    assert f"today {j.clock.day.isoformat()}" in header
    problems = await _open(j, app.action_problems, ProblemsScreen)
    lists = {
        "problems:warning": _problem_rows(problems, "warning"),
        "problems:error": _problem_rows(problems, "error"),
        "dirty": problems.query_one("#dirty-table", DataTable).row_count,
    }
    title = _text(problems.query_one("#problems-title", Static))
    await back_to(j.pilot, j.board)
    lists |= {
        "cards:conflicts": _cards(j, conflicts=True),
        "cards:overdue": _cards(j, OVERDUE),
        "cards:due_soon": _cards(j, DUE_SOON),
    }
    for what, words, source in HEADER_COUNTS:
        with step(what):
            shown = _count(words, header)
            assert shown == lists[source] == EXPECTED[j.clock.day][what], (header, lists)
    with step("the Problems title"):
        assert _count(r"errors?\b", title) == lists["problems:error"]
        assert _count(r"warnings?\b", title) == lists["problems:warning"]
    with step("the columns"):
        board = j.board.query_one(Board)
        for phase in board.phases:
            n = len(board.data[phase])
            assert _text(j.board.query_one(f"#title-{phase}")).endswith(f"({n})")
    with step("the agenda"):
        agenda = await _open(j, app.action_agenda, AgendaScreen)
        cl = app.caseload
        assert agenda.items == agenda_for(cl.participants, cl.settings, j.clock.day, None)
        head = _text(agenda.query_one("#agenda-title", Static))
        assert _count("overdue", head) == sum(d.state == OVERDUE for d in agenda.items)
        assert _count("due soon", head) == sum(d.state == DUE_SOON for d in agenda.items)
        assert _count("open deadlines?", head) == len(agenda.items)


async def counts_agree_today(j: Journey) -> None:
    await _counts_agree(j)


async def problems_asks_the_disk_off_the_ui_thread(j: Journey) -> None:
    """Which uncommitted files are gone is read by the worker that reads the problem
    list, never while the Problems screen draws (on the UI thread)."""
    app = j.app
    service = app.service
    threads: list[str] = []
    real = service.exists

    def exists(rel: str) -> bool:  # the real service's answer, the caller's thread noted
        threads.append(threading.current_thread().name)
        return real(rel)

    service.exists = exists  # type: ignore[method-assign]
    try:
        app.load_caseload()  # a new snapshot: its list read again
        await settle(j.pilot)
        problems = await _open(j, app.action_problems, ProblemsScreen)
        problems.redraw()
        await settle(j.pilot)
    finally:
        del service.exists
    table = problems.query_one("#dirty-table", DataTable)
    status = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(2)}
    assert status == {
        "participants/P-0006.toml": "changed — ready to commit",
        "participants/P-0007.toml": "deleted",
    }
    main = threading.main_thread().name
    assert threads and main not in threads


async def the_day_changes_under_open_screens(j: Journey) -> None:
    """The clock passes midnight with the agenda, a participant and Problems open: each
    follows the one day-change event, then the board's counts agree again."""
    app = j.app
    agenda = await _open(j, app.action_agenda, AgendaScreen)
    app.open_participant("P-0004")
    await settle(j.pilot)
    person = app.screen
    assert isinstance(person, ParticipantScreen)
    marks = " ".join(str(label.render()) for label in person.query("#p-markers Label"))
    assert "due soon" not in marks  # due 11-22: upcoming on TODAY
    app.action_problems()
    await settle(j.pilot)
    problems = app.screen
    assert isinstance(problems, ProblemsScreen)
    assert _problem_rows(problems, "warning") == 2

    j.clock.day = NEXT
    app.check_date()
    await settle(j.pilot)

    assert _problem_rows(problems, "warning") == 1  # the contact is no longer ahead
    assert "after today" not in " ".join(
        str(problems.query_one("#problem-table", DataTable).get_row_at(i)[2])
        for i in range(problems.query_one("#problem-table", DataTable).row_count)
    )
    marks = " ".join(str(label.render()) for label in person.query("#p-markers Label"))
    assert "1 due soon" in marks
    cl = app.caseload
    assert agenda.items == agenda_for(cl.participants, cl.settings, NEXT, None)
    await back_to(j.pilot, j.board)
    j.board.query_one(Board).select("P-0002")
    await settle(j.pilot)
    assert "due today (2026-11-19)" in _text(j.board.query_one("#status", Static))
    await _counts_agree(j)


# (what is typed in the filter, the participant Enter puts the cursor on)
FILTER_ENTER = [
    ("Sam", "P-0002"),  # one match
    ("hank", "P-0006"),  # any case
    ("mette", "P-0002"),  # two of mette's: the more urgent first
    ("P-000", "P-0001"),  # every one: the overdue card tops the column
]


FILTER_QUICK = {"hank", "mette"}
"""The filters of the journey (any case; two matches, the more urgent first)."""


async def enter_after_a_filter_opens_the_first_match(
    j: Journey, quick: bool = True
) -> None:
    """Each filter of FILTER_ENTER in this session (FILTER_QUICK when `quick`, the rest
    when False) and Enter: the cursor on its first match, a second Enter opens it."""
    app, pilot = j.app, j.pilot
    board = j.board.query_one(Board)
    for text, pid in FILTER_ENTER:
        if (text in FILTER_QUICK) != quick:
            continue
        with step(f"filter {text!r}"):
            await back_to(pilot, j.board)
            board.action_move_cursor(5, 0)  # a column with no match under the cursor
            assert board.selected_pid != pid
            await pilot.press("slash", *text, "enter")
            await settle(pilot)
            assert app.focused is board and board.selected_pid == pid
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ParticipantScreen) and app.screen.pid == pid
            await back_to(pilot, j.board)
            await pilot.press("escape")  # clears the filter
            await settle(pilot)
            assert not j.board.text


SCREENS = [
    ("board", None, BoardScreen),
    ("agenda", lambda app: app.action_agenda(), AgendaScreen),
    ("problems", lambda app: app.action_problems(), ProblemsScreen),
    ("reports", lambda app: app.action_reports(), ReportsScreen),
    ("employers", lambda app: app.action_employers(), EmployersScreen),
    ("fidelity", lambda app: app.action_fidelity(), FidelityScreen),
    ("participant", lambda app: app.open_participant("P-0001"), ParticipantScreen),
]
SIZES = [(80, 24), (120, 40)]
BIG_QUICK = {"board", "participant"}
"""The screens the journey checks at 120×40 (it checks every screen at 80×24)."""
OWN_KEYS_MAY_HIDE = {"reports"}
"""Screens whose keys may still hide an app key (Reports' `e` exports; another change
owns that screen): there the help must list the hidden action with the palette."""


def _footer_is_whole(screen) -> None:
    footer = screen.query_one(KeysFooter)
    shown = footer.shown_keys()
    palette = [k for k in shown if k.has_class("-command-palette")]
    keys = [k for k in shown if k not in palette]
    assert keys and keys[0].key == "question_mark", "? Help first"
    edge = palette[0].region.x if palette else footer.region.right
    every = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
    cut = len(keys) < len(every)
    more = footer.query_one("#footer-more")
    assert more.display == cut  # `…` exactly when keys were dropped
    if cut:
        edge = more.region.x
    for key in keys:
        label = f"{key.key_display} {key.description}"
        # Drawn whole: its label fits its width, which ends before the mark (or the
        # palette key), so nothing of it is cut off or drawn under them.
        assert key.region.width >= cell_len(label), label
        assert key.region.right <= edge, label


def _every_app_action_reachable(app: IpsApp, screen) -> None:
    """Each app action runs from its key here, or opens the screen shown, or the help
    lists it as hidden and the palette offers it."""
    active = screen.active_bindings
    hidden = {b.action for b in shadowed_app_bindings(screen)}
    palette = {name for name, _help, _run in binding_commands(app)}
    page = help_text(screen).plain
    for key, items in app._bindings.key_to_bindings.items():
        for b in items:
            if not b.description:
                continue
            here = active.get(key)
            if app.opens(b.action, screen):  # neither the footer nor the help offers it
                assert here is None or here.binding.action != b.action
                assert f"{b.description}: {b.tooltip}" not in page, b.action
            elif here is not None and here.node is app and here.binding.action == b.action:
                assert b.description in page
            else:
                assert b.action in hidden and b.description in palette, b.action
                assert f"{b.description}: {b.tooltip}" in page, b.action


def _in_run(name: str, size: tuple[int, int], quick: bool) -> bool:
    """Whether the screen `name` at `size` is checked in the journey (`quick`) or in the
    rest: every screen at 80×24 and those of BIG_QUICK at 120×40 are the journey's."""
    return (size == SIZES[0] or name in BIG_QUICK) == quick


async def keys_and_footers_on_every_screen(j: Journey, quick: bool = True) -> None:
    """Each screen of SCREENS at each size of SIZES in this session (`_in_run`): its
    footer whole, every app action reachable, no app key hidden; in the journey then the
    participant screen's `s` and `S`."""
    app, pilot = j.app, j.pilot
    for size in SIZES:
        await back_to(pilot, j.board)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        for name, open_it, kind in SCREENS:
            if not _in_run(name, size, quick):
                continue
            with step(f"{name} at {size[0]}×{size[1]}"):
                await back_to(pilot, j.board)
                if open_it is not None:
                    open_it(app)
                    await settle(pilot)
                screen = app.screen
                assert isinstance(screen, kind)
                await pilot.pause()
                _footer_is_whole(screen)
                _every_app_action_reachable(app, screen)
                if name not in OWN_KEYS_MAY_HIDE:
                    assert not shadowed_app_bindings(screen), name
    if not quick:
        return
    # The participant screen: `s` is the app's Sync, `S` suspends (or resumes).
    await back_to(pilot, j.board)
    app.open_participant("P-0001")
    await settle(pilot)
    active = app.screen.active_bindings
    assert active["s"].node is app and active["s"].binding.action == "sync"
    assert active["S"].binding.action == "suspend"


JOURNEY = [
    ("counts agree today", counts_agree_today),
    ("Problems asks the disk off the UI thread", problems_asks_the_disk_off_the_ui_thread),
    ("the day changes under open screens", the_day_changes_under_open_screens),
    ("enter after a filter", enter_after_a_filter_opens_the_first_match),
    ("keys and footers on every screen", keys_and_footers_on_every_screen),
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_app_says_what_it_shows(root: Path) -> None:
    clock = Clock()
    app = IpsApp(root, clock=clock, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        j = Journey(app, pilot, clock)
        j.board = app.screen
        await run_steps(JOURNEY, j)


async def the_rest_of_the_filters(j: Journey) -> None:
    await enter_after_a_filter_opens_the_first_match(j, quick=False)


async def the_rest_of_the_screens(j: Journey) -> None:
    await keys_and_footers_on_every_screen(j, quick=False)


@pytest.mark.slow
async def test_the_rest_of_the_filters_and_screens(root: Path) -> None:
    """The filters not in FILTER_QUICK and the screens not in BIG_QUICK at 120×40: the
    journey's checks on the rest of their tables."""
    clock = Clock()
    app = IpsApp(root, clock=clock, watch_disk=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        j = Journey(app, pilot, clock)
        j.board = app.screen
        await run_steps(
            [
                ("enter after a filter (the rest)", the_rest_of_the_filters),
                ("keys and footers (the rest)", the_rest_of_the_screens),
            ],
            j,
        )
