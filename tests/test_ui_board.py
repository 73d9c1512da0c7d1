"""Pilot tests of the board, agenda and problems screens on real caseloads.

The checks on `people` are journeys (`pilot_wait.step`): named steps on one app session,
grouped by the state they need (one session moves P-0001, another refuses its move)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import commit_count, empty_caseload, from_template, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, run_steps, settle, wait_for

from ipstui.core import edits
from ipstui.core.board import F, urgent_state
from ipstui.core.caseload import find_root, load
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import AgendaScreen
from ipstui.ui.screens.help import help_text
from ipstui.ui.screens.problems import ProblemsScreen
from ipstui.ui.widgets.board import Board

TODAY = date(2026, 11, 16)
SIZE = (140, 44)


def _people(root: Path) -> None:
    """Three participants: P-0001 overdue first contact, P-0002 due soon, P-0003 in job search."""
    cl = load(find_root(root))
    edits.new_participant(
        cl,
        name="Giulia R.",
        specialist="anna",
        referral_source="CSM",
        today=date(2026, 11, 1),
        referred_on=date(2026, 11, 1),
    )
    cl = load(root)
    edits.new_participant(
        cl,
        name="Mads K.",
        specialist="mette",
        referral_source="Self",
        today=date(2026, 11, 12),
        referred_on=date(2026, 11, 12),
    )
    cl = load(root)
    edits.new_participant(
        cl,
        name="Elin S.",
        specialist="anna",
        referral_source="CSM",
        today=date(2026, 11, 14),
        referred_on=date(2026, 11, 14),
    )
    cl = load(root)
    edits.move(cl, "P-0003", "job_search", today=date(2026, 11, 14))


def _board_people(folder: Path) -> None:
    empty_caseload(folder)
    _people(folder)


@pytest.fixture
def people(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The empty caseload with `_people`'s three participants (built once per worker)."""
    return from_template("board-people", _board_people, tmp_path / "cl", tmp_path_factory)


async def _ready(app: IpsApp, pilot) -> None:
    await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board), "the board")


async def board_shows_columns_counts_and_urgency(app: IpsApp, pilot, caseload_dir: Path) -> None:
    board = app.screen.query_one(Board)
    intake = [c[F.ID] for c in board.data["intake"]]
    # Most urgent first: P-0001's first contact was due 2026-11-08 (overdue).
    assert intake == ["P-0001", "P-0002"]
    assert urgent_state(board.data["intake"][0]) == "overdue"
    assert urgent_state(board.data["intake"][1]) == "due_soon"  # due 11-19 = today + 3
    assert "closed" not in board.data
    title = str(app.screen.query_one("#title").render())
    assert "overdue" in title
    caseloads = str(app.screen.query_one("#caseloads").render())
    assert "anna 2/2" in caseloads and "mette 1/2" in caseloads


async def move_card_commits_and_selection_follows(app: IpsApp, pilot, caseload_dir: Path) -> None:
    before = commit_count(caseload_dir)
    board = app.screen.query_one(Board)
    assert board.selected_pid == "P-0001"
    await pilot.press("right_square_bracket")
    await wait_for(pilot, lambda: app.caseload.participants["P-0001"].phase == "engagement")
    assert app.caseload.participants["P-0001"].phase == "engagement"
    assert board.selected_pid == "P-0001"
    assert board.phases[board.cursor.column] == "engagement"
    assert commit_count(caseload_dir) == before + 1
    assert (
        git(caseload_dir, "log", "-1", "--format=%s").strip()
        == "P-0001: phase intake -> engagement"
    )
    assert git(caseload_dir, "show", "--name-only", "--format=", "HEAD").split() == [
        "participants/P-0001.toml"
    ]
    assert 'phase = "engagement"' in (caseload_dir / "participants/P-0001.toml").read_text()
    assert "phase_since = 2026-11-16" in (caseload_dir / "participants/P-0001.toml").read_text()


async def filter_by_text_and_specialist(app: IpsApp, pilot, caseload_dir: Path) -> None:
    board = app.screen.query_one(Board)
    await pilot.press("slash")
    await pilot.press(*"mads")
    await pilot.pause()
    shown = [c[F.ID] for col in board.data.values() for c in col]
    assert shown == ["P-0002"]
    await pilot.press("enter")  # back to the board, filter kept
    await pilot.pause()
    assert board.has_focus
    await pilot.press("escape")  # clears
    await pilot.pause()
    assert sorted(c[F.ID] for col in board.data.values() for c in col) == [
        "P-0001",
        "P-0002",
        "P-0003",
    ]
    await pilot.press("f")  # specialist filter: anna
    await pilot.pause()
    assert sorted(c[F.ID] for col in board.data.values() for c in col) == ["P-0001", "P-0003"]


async def goto_id(app: IpsApp, pilot, caseload_dir: Path) -> None:
    await pilot.press("g", *"P-0003", "enter")
    await pilot.pause()
    assert app.screen.query_one(Board).selected_pid == "P-0003"


async def agenda_overdue_first(app: IpsApp, pilot, caseload_dir: Path) -> None:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, AgendaScreen)
    items = app.screen.items
    states = [d.state for d in items]
    assert states[0] == "overdue"
    assert states == sorted(states, key=["overdue", "due_soon", "upcoming"].index)
    assert [d.due for d in items] == sorted(d.due for d in items)
    await pilot.press("f")  # anna only
    await pilot.pause()
    assert {d.specialist for d in app.screen.items} == {"anna"}
    await pilot.press("escape")
    await pilot.pause()
    assert not isinstance(app.screen, AgendaScreen)


async def help_lists_live_bindings(app: IpsApp, pilot, caseload_dir: Path) -> None:
    board = app.screen
    await pilot.press("question_mark")
    await pilot.pause()
    text = str(app.screen.query_one("#help-text").render())
    assert "next phase" in text and "Agenda" in text and "Filter" in text
    await back_to(pilot, board)


def broken_and_hand_edited(caseload_dir: Path) -> Path:
    """Before the app starts: P-0009 does not validate; P-0002 has a valid hand edit,
    not committed. Returns P-0009's path."""
    bad = caseload_dir / "participants" / "P-0009.toml"
    bad.write_text('schema = 1\nid = "P-0009"\nname = "X"\nphase = "nowhere"\n')
    (caseload_dir / "participants" / "P-0002.toml").write_text(
        (caseload_dir / "participants" / "P-0002.toml")
        .read_text()
        .replace('name = "Mads K."', 'name = "Mads K"')
    )
    return bad


async def broken_file_shows_in_problems_and_rest_works(
    app: IpsApp, pilot, caseload_dir: Path
) -> None:
    """On a caseload with `broken_and_hand_edited`."""
    bad = caseload_dir / "participants" / "P-0009.toml"
    assert "P-0009" not in app.caseload.participants
    assert "P-0001" in app.caseload.participants
    board = app.screen
    await pilot.press("p")
    await pilot.pause()
    assert isinstance(app.screen, ProblemsScreen)
    rows = [str(p) for p in app.caseload.problems]
    assert any(r.startswith("participants/P-0009.toml:4:1:") and "nowhere" in r for r in rows)
    assert "participants/P-0002.toml" in app.caseload.dirty
    # Commit the valid hand edit from the app: select it and press ctrl+s.
    table = app.screen.query_one("#dirty-table")
    table.focus()
    keys = [str(k.value) for k in table.rows]
    table.move_cursor(row=keys.index("participants/P-0002.toml"))
    before = commit_count(caseload_dir)
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: commit_count(caseload_dir) > before)
    await settle(pilot)
    assert commit_count(caseload_dir) == before + 1
    assert git(caseload_dir, "show", "--name-only", "--format=", "HEAD").split() == [
        "participants/P-0002.toml"
    ]
    assert "name: changed" in git(caseload_dir, "log", "-1", "--format=%B")
    assert "Mads" not in git(caseload_dir, "log", "-1", "--format=%B")
    assert bad.read_text().endswith('phase = "nowhere"\n')  # never rewritten
    await back_to(pilot, board)


async def board_refreshes_when_files_change_on_disk(app: IpsApp, pilot, caseload_dir: Path) -> None:
    # Another terminal moves P-0002 with the CLI.
    from ipstui.cli import main

    assert main(["-C", str(caseload_dir), "--today", "2026-11-16", "move", "P-0002", "plan"]) == 0
    app._check_disk()
    await wait_for(pilot, lambda: app.caseload.participants["P-0002"].phase == "plan")
    assert app.caseload.participants["P-0002"].phase == "plan"
    assert [c[F.ID] for c in app.screen.query_one(Board).data["plan"]] == ["P-0002"]


async def stale_move_is_refused_and_fresh_version_shown(
    app: IpsApp, pilot, caseload_dir: Path
) -> None:
    # Behind the app's back: a hand edit, committed with plain git.
    path = caseload_dir / "participants" / "P-0001.toml"
    path.write_text(path.read_text().replace('referral_source = "CSM"', 'referral_source = "Self"'))
    git(caseload_dir, "commit", "-qam", "P-0001: hand edit")
    before = commit_count(caseload_dir)
    await pilot.press("right_square_bracket")
    await wait_for(
        pilot, lambda: app.caseload.participants["P-0001"].data.get("referral_source") == "Self"
    )
    assert app.caseload.participants["P-0001"].data["referral_source"] == "Self"  # fresh shown
    assert app.caseload.participants["P-0001"].phase == "intake"
    assert commit_count(caseload_dir) == before
    assert 'referral_source = "Self"' in path.read_text()
    assert 'phase = "intake"' in path.read_text()


LOOK_AROUND = [
    ("the board shows columns, counts and urgency", board_shows_columns_counts_and_urgency),
    ("go to an id", goto_id),
    ("help lists the live bindings", help_lists_live_bindings),
    ("the agenda: overdue first", agenda_overdue_first),
    ("filter by text and specialist", filter_by_text_and_specialist),  # leaves a filter on
]
MOVES = [
    ("moving a card commits, the selection follows", move_card_commits_and_selection_follows),
    ("the board refreshes when files change on disk", board_refreshes_when_files_change_on_disk),
]
PROBLEMS_AND_STALE = [
    ("a broken file shows in Problems, the rest works",
     broken_file_shows_in_problems_and_rest_works),
    ("a stale move is refused, the fresh version shown",
     stale_move_is_refused_and_fresh_version_shown),
]  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "setup"),
    # the moves (each one commit) in the quick run; the other walks in .ci/run (-m slow)
    [
        pytest.param(LOOK_AROUND, None, marks=pytest.mark.slow),
        (MOVES, None),
        pytest.param(PROBLEMS_AND_STALE, broken_and_hand_edited, marks=pytest.mark.slow),
    ],
    ids=["look around", "moves", "problems and a stale move"],
)
async def test_board_journeys(people: Path, steps: list, setup) -> None:
    if setup is not None:
        setup(people)
    app = IpsApp(people, today=TODAY, watch_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        await run_steps(steps, app, pilot, people)


async def test_crash_shows_no_record_contents(caseload_dir: Path, capfd) -> None:
    """Textual's crash screen prints local variables; ours must not (they hold records)."""
    import pytest

    class Crashing(IpsApp):
        def action_help(self) -> None:
            record = {"name": "".join(["Priv", "ate Person"])}  # only at run time
            raise RuntimeError(f"boom {len(record)}")

    app = Crashing(caseload_dir, today=TODAY, watch_disk=False)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await _ready(app, pilot)
            await pilot.press("question_mark")
            await pilot.pause()
    out = capfd.readouterr()
    text = out.out + out.err
    assert "unexpected error" in text
    assert "Private Person" not in text


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_keys_remapped_from_config(people: Path, tmp_path: Path, monkeypatch) -> None:
    caseload_dir = people
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nnext_phase = "greater_than_sign"\nagenda = "A"\nbogus = 3\n')
    monkeypatch.setenv("IPSTUI_CONFIG", str(config))
    before = commit_count(caseload_dir)
    app = IpsApp(caseload_dir, today=TODAY, watch_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        await pilot.press("right_square_bracket")  # no longer bound
        await settle(pilot)  # an edit it started would be a worker
        assert commit_count(caseload_dir) == before
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: app.caseload.participants["P-0001"].phase == "engagement")
        assert app.caseload.participants["P-0001"].phase == "engagement"
        await pilot.press("question_mark")
        await pilot.pause()
        # One entry a line (the panel wraps each under its description column).
        text = help_text(app.screen.under).plain
        line = next(ln for ln in text.splitlines() if "[next_phase]" in ln)
        assert ">" in line and "next_phase" in line
        await pilot.press("escape", "A")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
    assert commit_count(caseload_dir) == before + 1
