"""Pilot tests of what a new user met (issue 13, "What was seen, as a user"), each on a
real git caseload at a fixed date, at the sizes the user had (120×40 and 80×24).

The tests wait for the app's workers and the messages they post (`settle`), never for
git or a clock. The Pilot checks are journeys (`pilot_wait.step`): named steps run in
order on one app session per caseload and size, each step starting from the board and
leaving the app on it (an app start costs more CPU than most checks); the checks that
end the app are the last step of a journey. A failure names its step."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import commit_count
from frames import draw, frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, palette_offers, run_steps, settle, wait_for
from rich.cells import cell_len
from textual.widgets import Button, Input, Select, Static

from ipstui.core import edits
from ipstui.core.board import F, deadline_of, resolve_id, urgent_state
from ipstui.core.caseload import load
from ipstui.core.rules import DUE_SOON, OVERDUE, agenda_for
from ipstui.core.vocab import SYMBOL, fit
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.agenda import AgendaScreen, agenda_columns
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.screens.forms import ClosureForm, ConfirmScreen, ContactForm, SuspendForm
from ipstui.ui.screens.help import HelpScreen
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.problems import ProblemsScreen
from ipstui.ui.widgets.board import Board, PhaseColumn, column_title, deadline_text
from ipstui.ui.widgets.inputs import OneLineInput, join_lines

TODAY = date(2026, 11, 16)
BIG, SMALL = (120, 40), (80, 24)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make what is on screen depend on timing."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def _app(root: Path, today: date = TODAY) -> IpsApp:
    return IpsApp(root, today=today, watch_disk=False)


def _board(app: IpsApp) -> BoardScreen:
    screen = app.screen
    assert isinstance(screen, BoardScreen)
    return screen


def _text(widget: Static) -> str:
    return str(widget.render())


def _column_lines(col: PhaseColumn) -> list[str]:
    """The column's lines as drawn: the app's screen drawn first (tests/frames.py)."""
    draw(col.app)
    return [col.render_line(y).text for y in range(col.size.height)]


async def _to_board(app: IpsApp, pilot) -> BoardScreen:
    """Every screen above the board dismissed (between the steps of a journey)."""
    board = next(s for s in app.screen_stack if isinstance(s, BoardScreen))
    await back_to(pilot, board)
    return board


# ---------------------------------------------------------------- 1. closed participants


async def show_closed_keeps_every_column_and_escape_clears_it(app: IpsApp, pilot) -> None:
    screen = _board(app)
    board = screen.query_one(Board)
    before = {ph: [c[F.ID] for c in cards] for ph, cards in board.data.items()}
    assert "closed" not in board.phases and all(before.values())

    await pilot.press("C")  # the key that toggles it
    await settle(pilot)
    assert board.phases[-1] == "closed"
    closed = [c[F.ID] for c in board.data["closed"]]
    assert closed and all(app.cards[pid][F.PHASE] == "closed" for pid in closed)
    for ph, ids in before.items():  # nothing emptied
        assert [c[F.ID] for c in board.data[ph]] == ids
        title = _text(screen.query_one(f"#title-{ph}"))
        assert title.endswith(str(len(ids))) or f"({len(ids)})" in title
    assert screen.query_one("#col-closed", PhaseColumn).cards
    assert "closed shown" in _text(screen.query_one("#caseloads"))

    await pilot.press("j")  # the cursor moves, a participant is selected
    await pilot.pause()
    status = _text(screen.query_one("#status"))
    assert "No participant selected" not in status and board.selected_pid in status

    screen.toggle_closed()  # what the palette's "Hide closed participants" runs
    await settle(pilot)
    assert "closed" not in board.phases
    assert {ph: [c[F.ID] for c in cards] for ph, cards in board.data.items()} == before

    await pilot.press("C")
    await settle(pilot)
    assert "closed" in board.phases
    await pilot.press("escape")  # clears it, as the header says
    await settle(pilot)
    assert not screen.show_closed and "closed" not in board.phases
    assert "closed shown" not in _text(screen.query_one("#caseloads"))
    assert all(board.data[ph] for ph in before)


# ---------------------------------------------------------------- 2. leaving with unsaved edits


async def _dirty_participant(app: IpsApp, pilot, pid: str) -> ParticipantScreen:
    app.open_participant(pid)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ParticipantScreen)
    field = screen.query_one("#field-name").control
    assert isinstance(field, Input)
    field.value = field.value + " (edited)"
    await pilot.pause()
    screen.query_one("#p-tabs").focus()  # not in a field: the letter keys are live
    await pilot.pause()
    return screen


async def q_and_the_palette_quit_ask_before_losing_edits(app: IpsApp, pilot) -> None:
    """The last step of its journey: it quits the app."""
    screen = await _dirty_participant(app, pilot, "P-0057")
    await pilot.press("q")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ConfirmScreen)
    assert "P-0057" in dialog.question and "Name" in dialog.question  # the field's label
    box = dialog.query_one("#dialog").region  # styled by the one stylesheet: centred
    assert box.x > 0 and box.y > 0 and box.right < BIG[0]
    await pilot.press("n")
    await pilot.pause()
    assert app.screen is screen and app.is_running
    # The palette's "Quit the application" runs the same action.
    await app.run_action("quit")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    await pilot.press("y")
    await pilot.pause()
    assert not app.is_running and app.return_code == 0


async def q_without_edits_quits_at_once(app: IpsApp, pilot) -> None:
    """The last step of its journey: it quits the app."""
    app.open_participant("P-0057")
    await settle(pilot)
    app.screen.query_one("#p-tabs").focus()
    await pilot.press("q")
    await pilot.pause()
    assert not app.is_running


# ---------------------------------------------------------------- 3. help


async def help_shows_keys_without_markup(app: IpsApp, pilot) -> None:
    await pilot.press("question_mark")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    text = _text(app.screen.query_one("#help-text"))
    assert "[/" not in text and "[b]" not in text
    # An entry's description may wrap under its column (a line that starts further in):
    # each entry is its first line with its continuations joined.
    entries: list[str] = []
    for line in text.splitlines():
        if entries and line.startswith("    ") and line.strip():
            entries[-1] += " " + line.strip()
        elif line.strip():
            entries.append(line)
    prev = next(entry for entry in entries if "[prev_phase]" in entry)
    assert prev.lstrip().startswith("[ ") and "Prev" in prev
    closed = next(entry for entry in entries if "[show_closed]" in entry)
    assert closed.lstrip().startswith("C ")
    await _to_board(app, pilot)


# ---------------------------------------------------------------- 4. the status line


async def test_status_line_follows_a_save_and_a_new_day(caseload_dir: Path) -> None:
    cl = load(caseload_dir)
    edits.new_participant(
        cl, name="Giulia R.", specialist="anna", referral_source="CSM",
        today=date(2026, 11, 9), referred_on=date(2026, 11, 9),
    )  # fmt: skip
    app = _app(caseload_dir)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        status = _board(app).query_one("#status", Static)
        # The rule's readable label, never its stored code (SPEC §13).
        assert "First contact due today" in _text(status)
        assert "first_contact" not in _text(status)
        # A new day: the clock moves, the status line moves with it.
        app._fixed_today = TODAY + timedelta(days=1)
        app.check_date()
        await settle(pilot)
        assert "First contact 1d overdue" in _text(status)
        # Saving first_contact_on on the participant screen satisfies the rule: back on
        # the board, the card and the status line agree.
        before = commit_count(caseload_dir)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        screen.query_one("#field-first_contact_on").control.value = "2026-11-16"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert commit_count(caseload_dir) == before + 1
        await pilot.press("escape")
        await pilot.pause()
        assert app.cards["P-0001"][F.URGENT] is None
        assert "nothing due" in _text(status) and "First contact" not in _text(status)


# ---------------------------------------------------------------- 5. sizes


async def header_columns_and_footer_are_whole_at_120x40(app: IpsApp, pilot) -> None:
    screen = _board(app)
    screen.set_sync_status("15 ahead, 0 behind")
    await pilot.pause()
    title = screen.query_one("#title", Static)
    assert "sync: 15 ahead, 0 behind" in _text(title)
    assert title.size.height >= len(_text(title).splitlines())
    n = len(screen.query_one(Board).data["assessment"])
    assert _text(screen.query_one("#title-assessment")).endswith(f"({n})")
    palette = next(k for k in screen.query("FooterKey") if k.has_class("-command-palette"))
    whole = {
        k.key
        for k in screen.query("FooterKey")
        if k is not palette and k.region.width and k.region.right <= palette.region.x
    }
    assert {"p", "s", "question_mark", "q"} <= whole


async def cards_keep_their_day_counts_at_80x24(app: IpsApp, pilot) -> None:
    board = _board(app).query_one(Board)
    for ph in board.phases:
        col = board.query_one(f"#col-{ph}", PhaseColumn)
        lines = _column_lines(col)
        for i, card in enumerate(col.cards[: col.size.height // 5]):
            line = lines[i * 5 + 3]
            u = deadline_of(card)
            if u is not None:
                days = abs((u.due - TODAY).days)
                assert SYMBOL[u.state] in line
                assert f"{days}d" in line or "today" in line, line
        assert _text(board.query_one(f"#title-{ph}")).split()[-1].strip("()").isdigit()


@pytest.mark.parametrize(
    ("width", "text"),
    [
        (40, "✖ 4d overdue · first contact"),
        (28, "✖ 4d overdue · first contact"),
        (27, "✖ 4d overdue"),  # a rule label gets 12 cells here, or none
        (13, "✖ 4d overdue"),
        # By the width alone (trial 9: `✖ 4d late` beside `✖ 4d overdue` in one column):
        # at 12 a two-digit `✖ 40d overdue` would not fit, so every card says `late`.
        (12, "✖ 4d late"),
        (10, "✖ 4d late"),
        (9, "✖ 4d"),
        (5, "✖ 4d"),
    ],
)
def test_deadline_line_shortens_but_keeps_the_days(width: int, text: str) -> None:
    """The wording by the width alone (`vocab.deadline_line`), the day count always."""
    from ipstui.core.board import make_card
    from ipstui.core.model import Participant, Settings

    data = {"schema": 1, "id": "P-1", "name": "A", "specialist": "anna", "phase": "intake",
            "phase_since": date(2026, 11, 5), "referred_on": date(2026, 11, 5)}  # fmt: skip
    p = Participant("P-1", data, "participants/P-1.toml", "0" * 40)
    card = make_card(p, Settings.from_dict({"team": {"anna": {}}}), TODAY)
    assert deadline_text(card, TODAY, width) == text


@pytest.mark.parametrize(
    ("label", "count", "width", "shown"),
    [("Career profile", 12, 30, "Career profile (12)"), ("Career profile", 12, 12, "Career… (12)"),
     ("Engagement", 6, 10, "Engag… (6)"), ("Plan", 6, 8, "Plan (6)")],
)  # fmt: skip
def test_column_titles_keep_their_count(label: str, count: int, width: int, shown: str) -> None:
    assert column_title(label, count, width) == shown
    assert cell_len(column_title(label, count, width)) <= width


async def agenda_what_column_is_usable_at_80x24(app: IpsApp, pilot) -> None:
    await pilot.press("a")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AgendaScreen)
    cols = agenda_columns(SMALL[0] - 2, 6)
    assert cols["what"] >= 24
    long = next(i for i, d in enumerate(screen.items) if d.what and len(d.what) > 30)
    for _ in range(long):
        await pilot.press("down")
    await pilot.pause()
    detail = _text(screen.query_one("#agenda-detail"))
    assert screen.items[long].what in detail.replace("\n", " ")
    await _to_board(app, pilot)


async def contact_form_buttons_are_on_screen_at_80x24(app: IpsApp, pilot) -> None:
    await pilot.press("c")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, ContactForm)
    for button in form.query(Button):
        region = button.region
        assert region.height and region.bottom <= SMALL[1], button.id
    await pilot.press("ctrl+s")  # refused (no kind yet), and the dialog stays usable
    await pilot.pause()
    assert app.screen is form
    await _to_board(app, pilot)


LONG_PHASE = "phase: " + "nowhere-near-any-known-phase-name-" * 3


def broken_participant(root: Path) -> None:
    """P-0099 with a phase too long for any message line (before the app starts)."""
    (root / "participants" / "P-0099.toml").write_text(
        'schema = 1\nid = "P-0099"\nname = "Broken"\nspecialist = "anna"\n'
        f'phase = "{LONG_PHASE}"\nphase_since = 2026-01-01\n'
    )


async def problems_messages_end_in_an_ellipsis(app: IpsApp, pilot) -> None:
    """On the caseload with `broken_participant`."""
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ProblemsScreen)
    table = screen.query_one("#problem-table")
    messages = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
    cut = [m for m in messages if m.endswith("…")]
    assert cut, messages
    assert all(cell_len(m) <= SMALL[0] for m in messages)
    full = _text(screen.query_one("#problem-detail"))
    assert full and not full.endswith("…")
    await _to_board(app, pilot)


SMALL_SAMPLE = [
    ("80x24: cards keep their day counts", cards_keep_their_day_counts_at_80x24),
    ("80x24: the agenda's What column is usable", agenda_what_column_is_usable_at_80x24),
    ("80x24: the contact form's buttons are on screen", contact_form_buttons_are_on_screen_at_80x24),
    ("80x24: problems' messages end in an ellipsis", problems_messages_end_in_an_ellipsis),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_sample_at_80x24(sample_caseload: Path) -> None:
    broken_participant(sample_caseload)
    app = _app(sample_caseload)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await run_steps(SMALL_SAMPLE, app, pilot)


# ---------------------------------------------------------------- 6. cells, not characters


@pytest.mark.parametrize(
    "name",
    ["王小明", "👨‍👩‍👧 Rossi Famiglia", "Ólafur Þórðarson-Ægisdóttir", "李 " * 20, "🇮🇹" * 12],
)
@pytest.mark.parametrize("width", [4, 9, 17, 30])
def test_fit_measures_cells_and_never_breaks_a_grapheme(name: str, width: int) -> None:
    out = fit(name, width)
    assert cell_len(out) == width
    if cell_len(name) > width:
        assert out.rstrip().endswith("…")
    assert "\u200d…" not in out and not out.rstrip("… ").endswith("\u200d")


async def test_wide_names_keep_card_and_agenda_borders(caseload_dir: Path) -> None:
    for name in ("王小明 陈大文", "👨‍👩‍👧 Famiglia Rossi"):
        edits.new_participant(
            load(caseload_dir), name=name, specialist="anna", referral_source="CSM",
            today=date(2026, 11, 9), referred_on=date(2026, 11, 9),
        )  # fmt: skip
    app = _app(caseload_dir)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        col = _board(app).query_one("#col-intake", PhaseColumn)
        width = col.scrollable_content_region.width
        for line in _column_lines(col):
            assert cell_len(line) == width
        names = [line for line in _column_lines(col) if "王" in line or "👨" in line]
        assert len(names) == 2
        await pilot.press("a")
        await settle(pilot)
        agenda = app.screen.query_one("#agenda-list")
        draw(app)
        for y in range(2):
            assert cell_len(agenda.render_line(y).text) == agenda.scrollable_content_region.width


async def pasting_two_lines_into_a_one_line_field_keeps_both(app: IpsApp, pilot) -> None:
    await pilot.press("slash")
    await pilot.pause()
    field = app.screen.query_one("#filter-input", OneLineInput)
    assert app.focused is field
    from textual import events

    field.post_message(events.Paste("Giulia\n  R.\n\n"))
    await pilot.pause()
    assert field.value == "Giulia R."
    assert _board(app).text == "Giulia R."
    field.value = ""  # the filter cleared for the steps after this one
    _board(app).query_one(Board).focus()
    await settle(pilot)
    assert _board(app).text == ""


@pytest.mark.parametrize(
    ("pasted", "line"),
    [("a\nb", "a b"), ("  Via Roma 1 \r\n40100 Bologna\n", "Via Roma 1 40100 Bologna"),
     ("\n\nonly\n", "only"), ("one line", "one line")],
)  # fmt: skip
def test_join_lines(pasted: str, line: str) -> None:
    assert join_lines(pasted) == line


# ---------------------------------------------------------------- 7. focus, typing, dialogs, ids


async def focused_field_is_visible_without_colour(app: IpsApp, pilot) -> None:
    await pilot.press("c")
    await pilot.pause()
    form = app.screen
    date_field = form.query_one("#field-on").control
    kind_field = form.query_one("#field-kind").control
    assert isinstance(kind_field, Select) and kind_field.has_focus
    # The focused control's border has another shape, its label is reversed.
    assert date_field.styles.border_top[0] != "heavy"
    label = form.query_one("#field-kind .field-label")
    assert label.styles.text_style.reverse
    date_field.focus()
    await pilot.pause()
    assert date_field.styles.border_top[0] == "heavy"
    assert not label.styles.text_style.reverse
    await _to_board(app, pilot)


async def typing_with_no_focus_runs_no_command(app: IpsApp, pilot) -> None:
    screen = _board(app)
    app.set_focus(None)
    await pilot.pause()
    await pilot.press(*"Marco Tedeschi")
    await pilot.pause()
    assert app.screen is screen  # no Agenda, no Reports, no dialog
    screen.query_one(Board).focus()
    await pilot.press("a")  # with the board focused, the key works
    await settle(pilot)
    assert isinstance(app.screen, AgendaScreen)
    await _to_board(app, pilot)


async def every_dialog_names_the_participant(app: IpsApp, pilot) -> None:
    pid = _board(app).query_one(Board).selected_pid
    name = app.caseload.participants[pid].name
    await pilot.press("c")
    await pilot.pause()
    assert isinstance(app.screen, ContactForm)
    assert f"{pid} {name}" in _text(app.screen.query_one("#form-title"))
    await pilot.press("escape")
    app.move_participant("P-0009", 1)  # follow-up -> closed asks a reason
    await pilot.pause()
    assert isinstance(app.screen, ClosureForm)
    assert "P-0009" in _text(app.screen.query_one("#form-title"))
    await pilot.press("escape")
    app.open_participant(pid)
    await settle(pilot)
    app.screen.query_one("#p-tabs").focus()
    await pilot.press("S")
    await pilot.pause()
    assert isinstance(app.screen, SuspendForm)
    assert f"{pid} {name}" in _text(app.screen.query_one("#form-title"))
    await _to_board(app, pilot)


@pytest.mark.parametrize(
    ("typed", "found"),
    [("60", "P-0060"), ("0060", "P-0060"), ("p-0060", "P-0060"), ("P-0060", "P-0060"),
     ("7", "P-0007"), (" 12 ", "P-0012"), ("600", None), ("", None), ("P-60", None)],
)  # fmt: skip
def test_resolve_id(typed: str, found: str | None) -> None:
    ids = [f"P-{n:04d}" for n in range(1, 61)]
    assert resolve_id(typed, ids) == found


def test_resolve_id_refuses_an_ambiguous_number() -> None:
    assert resolve_id("60", ["P-0060", "E-0060"]) is None
    assert resolve_id("E-0060", ["P-0060", "E-0060"]) == "E-0060"


async def g_60_goes_to_p_0060(app: IpsApp, pilot) -> None:
    await pilot.press("g", "6", "0", "enter")
    await pilot.pause()
    assert _board(app).query_one(Board).selected_pid == "P-0060"


async def due_soon_is_counted_and_labelled_per_screen(app: IpsApp, pilot) -> None:
    """The board counts participants (each once, by the most urgent deadline), the agenda
    deadlines; each says which, and each number matches its own definition."""
    cl = app.caseload
    people = [c for c in app.cards.values() if c[F.PHASE] != "closed" and c[F.URGENT]]
    soon_people = sum(1 for c in people if urgent_state(c) == DUE_SOON)
    over_people = sum(1 for c in people if urgent_state(c) == OVERDUE)
    header = _text(_board(app).query_one("#title"))
    assert (
        f"participants {SYMBOL[OVERDUE]} {over_people} overdue, "
        f"{SYMBOL[DUE_SOON]} {soon_people} due soon" in header.replace("\n", " ")
    )
    await pilot.press("a")
    await settle(pilot)
    deadlines = agenda_for(cl.participants.values(), cl.settings, TODAY, None)
    soon = sum(1 for d in deadlines if d.state == DUE_SOON)
    title = _text(app.screen.query_one("#agenda-title"))
    assert f"{len(deadlines)} open deadlines" in title
    assert f"{SYMBOL[DUE_SOON]} {soon} due soon" in title
    await _to_board(app, pilot)


async def escape_still_works_from_a_field(app: IpsApp, pilot) -> None:
    """The typed-letter rule must not catch escape: from the filter field it clears the
    filter, from a Details field it asks before leaving."""
    await pilot.press("slash", "z", "z")
    await settle(pilot)
    screen = _board(app)
    assert screen.text == "zz"
    await pilot.press("escape")
    await settle(pilot)
    assert screen.text == "" and isinstance(app.focused, Board)
    app.open_participant("P-0057")
    await settle(pilot)
    field = app.screen.query_one("#field-name").control
    field.focus()
    await pilot.press("end", "X")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    await _to_board(app, pilot)  # the edit is dropped with its screen


BIG_SAMPLE = [
    ("show closed keeps every column; escape clears it", show_closed_keeps_every_column_and_escape_clears_it),
    ("help shows keys without markup", help_shows_keys_without_markup),
    ("120x40: header, columns and footer are whole", header_columns_and_footer_are_whole_at_120x40),
    ("due soon is counted and labelled per screen", due_soon_is_counted_and_labelled_per_screen),
    ("typing with no focus runs no command", typing_with_no_focus_runs_no_command),
    ("g 60 goes to P-0060", g_60_goes_to_p_0060),
    ("every dialog names the participant", every_dialog_names_the_participant),
    ("the focused field is visible without colour", focused_field_is_visible_without_colour),
    ("pasting two lines into a one-line field keeps both", pasting_two_lines_into_a_one_line_field_keeps_both),
    ("escape still works from a field", escape_still_works_from_a_field),
    ("q and the palette's quit ask before losing edits", q_and_the_palette_quit_ask_before_losing_edits),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_sample_at_120x40(sample_caseload: Path) -> None:
    app = _app(sample_caseload)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await run_steps(BIG_SAMPLE, app, pilot)


@pytest.mark.parametrize(
    ("key", "typed"),
    [("a", True), ("C", True), ("question_mark", True), ("left_square_bracket", True),
     ("slash", True), ("1", True), ("escape", False), ("tab", False), ("enter", False),
     ("space", False), ("backspace", False), ("delete", False), ("ctrl+s", False),
     ("ctrl+p", False), ("up", False), ("f1", False)],
)  # fmt: skip
def test_types_a_character(key: str, typed: bool) -> None:
    from ipstui.ui.keys import types_a_character

    assert types_a_character(key) is typed


async def palette_actions_come_from_the_live_bindings(app: IpsApp, pilot) -> None:
    """The palette lists each bound action with the key the user has (remapped here),
    and running "Show closed participants" from it shows the Closed column."""
    from ipstui.ui.commands import binding_commands

    commands = {name: text for name, text, _ in binding_commands(app)}
    assert commands["Agenda"].endswith("(A)")
    assert {"Quit", "Help", "Reports", "Problems", "Sync"} <= set(commands)
    board_commands = {name for name, _, _ in binding_commands(_board(app))}
    assert {"Next", "Prev", "Contact", "Filter", "Go to id"} <= board_commands
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Show closed")
    await wait_for(pilot, lambda: palette_offers(app, "Show closed"), "the palette's match")
    await pilot.press("enter")
    await settle(pilot)
    assert _board(app).show_closed and "closed" in _board(app).query_one(Board).phases


REMAPPED = [
    ("the palette's actions come from the live bindings", palette_actions_come_from_the_live_bindings),
    ("q without edits quits at once", q_without_edits_quits_at_once),
]  # fmt: skip


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_the_sample_with_a_remapped_key(
    sample_caseload: Path, tmp_path: Path, monkeypatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keys]\nagenda = "A"\n')
    monkeypatch.setenv("IPSTUI_CONFIG", str(config))
    app = _app(sample_caseload)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await run_steps(REMAPPED, app, pilot)
