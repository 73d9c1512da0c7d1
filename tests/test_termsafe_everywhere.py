"""SPEC §13, by mechanism: a caseload with hostile text in every text field, file name,
git author and commit subject (tests/hostile.py), then every CLI command's output and
every screen, dialog, toast, palette entry and title of the app. No control character
(but the new line), DEL, C1 control or bidirectional override may reach the output.

The app is checked with its last choke point (`screensafe.DropUnsafe`) switched off, so
a screen that forgot to escape fails here rather than being silently cleaned; the choke
point itself is checked on its own.

Every command runs once as a real `python -m ipstui` process; the other runs of a command
(`EXTRA_RUNS`) go through `cli.main` in this process, the same stream and choke point."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import build_sample, from_template
from hostile import HOSTILE, HOSTILE_FILES, HOSTILE_KEY, UNSAFE, UNSAFE_BYTES, make_hostile
from pilot_wait import settle, wait_for
from rich.segment import Segment
from textual.color import Color
from textual.pilot import Pilot

TODAY = "2026-11-16"


@pytest.fixture
def hostile(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample made hostile (`make_hostile`), built once per worker and copied for
    each test (making it is three commits)."""

    def build(folder: Path) -> None:
        from_template("sample", build_sample, folder, tmp_path_factory)
        make_hostile(folder)

    return from_template("hostile", build, tmp_path / "demo", tmp_path_factory)


# ------------------------------------------------------------------ the hostile data


def test_the_hostile_caseload_reaches_every_text_field() -> None:
    from hostile import poison, text_paths

    paths = text_paths("participant.schema.json")
    for want in [("name",), ("notes",), ("contacts", "*", "note"), ("jobs", "*", "employer")]:
        assert want in paths
    assert ("contact_person",) in text_paths("employer.schema.json")
    data = {"name": "A", "goals": ["x", "y"], "contacts": [{"note": "n"}, {"on": 1}]}
    assert poison(data, "participant.schema.json") == 7  # referral_source and notes added
    assert data["goals"] == ["x" + HOSTILE, "y" + HOSTILE]
    assert data["contacts"][1]["note"] == HOSTILE


# ------------------------------------------------------------------ the CLI

COMMAND_ARGS: dict[str, tuple[str, ...]] = {
    "demo": ("demo", "--no-open", "{tmp}/demo"),
    "init": ("init", "{tmp}/new", "--name", "T"),
    "validate": ("validate",),
    "due": ("due",),
    "log": ("log", "P-0002"),
    "report": ("report",),
    "sync": ("sync",),
    "new": ("new", "--name", "Zed", "--specialist", "anna", "--referral-source", "CSM"),
    "move": ("move", "P-0003", "engagement"),
    "contact": ("contact", "P-0003", "--kind", "phone", "--note", "hi"),
    "set": ("set", "P-0003", "notes=hello"),
    "resolve": ("resolve", "P-0003", "disclosure", "--ours"),
    "audit": ("audit",),
    "import": ("import", "{tmp}/in.csv"),
    "export": ("export",),
    "erase": ("erase", "P-0002"),
    "fidelity": ("fidelity",),
    "employer": ("employer", "list"),
}
"""Each command's human output, with arguments that reach the hostile text or a
refusal that quotes it. Every command of the parser must have a row (checked below)."""

EXTRA_RUNS = [
    ("audit", "--participant", "P-0002"),
    ("report", "--format", "csv"),
    ("fidelity", "--format", "csv"),
    ("employer", "contact", "E-0002", "--by", HOSTILE_KEY),
    ("employer", "set", "E-0004", "sector=x"),
    ("new", "--name", "Zed", "--specialist", HOSTILE_KEY, "--referral-source", "CSM"),
    ("log", "P-0004"),
    ("due", "--specialist", HOSTILE_KEY),
    ("move", "P-0004", "engagement"),
]


def test_every_command_has_a_row() -> None:
    from ipstui.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) - {"merge-driver"} == set(COMMAND_ARGS)


def _ipstui(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run(
        [sys.executable, "-m", "ipstui", "-C", str(root), "--today", TODAY, *args],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("args", COMMAND_ARGS.values(), ids=lambda a: " ".join(a)[:40])
def test_no_command_prints_a_control_character(
    hostile: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    (tmp_path / "in.csv").write_text("name,specialist\nX" + HOSTILE + "," + HOSTILE_KEY + "\n")
    proc = _ipstui(hostile, *(a.format(tmp=tmp_path) for a in args))
    assert proc.returncode != 2 or args[0] == "erase", proc.stderr  # not a usage error
    for stream in (proc.stdout, proc.stderr):
        assert UNSAFE_BYTES.search(stream) is None, stream[-2000:]


@pytest.mark.parametrize("args", EXTRA_RUNS, ids=lambda a: " ".join(a)[:40])
def test_no_other_run_of_a_command_prints_a_control_character(
    hostile: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """Other arguments of commands run above as a real process: in this process
    (`cli.main`, the same stream and choke point as `python -m ipstui`; issue 12: a
    process start per run was most of each case's time)."""
    from ipstui import cli

    capsys.readouterr()
    try:
        code = cli.main(["-C", str(hostile), "--today", TODAY, *args])
    except SystemExit as exc:  # argparse's usage error
        code = exc.code
    out, err = capsys.readouterr()
    assert code != 2, err  # not a usage error
    for stream in (out, err):
        assert UNSAFE.search(stream) is None, stream[-2000:]


def test_the_cli_shows_hostile_text_visibly(hostile: Path) -> None:
    proc = _ipstui(hostile, "fidelity")
    assert b"\\x1b]0;OWNED\\x07\\x1b[31m\\x9b1m\\u202eevil\\x7f" in proc.stdout.splitlines()[0]


def test_the_cli_stream_escapes_what_a_command_forgot(capsys: pytest.CaptureFixture) -> None:
    from ipstui.core.termsafe import SafeStream

    out = SafeStream(sys.stdout)
    print("a" + HOSTILE, "b\n", file=out)  # type: ignore[arg-type]
    assert capsys.readouterr().out == "a\\x1b]0;OWNED\\x07\\x1b[31m\\x9b1m\\u202eevil\\x7f b\n\n"


# ------------------------------------------------------------------ the app


def test_the_choke_point_removes_what_a_screen_forgot() -> None:
    from rich.style import Style

    from ipstui.ui.screensafe import DropUnsafe

    red = Style(color="red")
    segs = [Segment("ok "), Segment("x" + HOSTILE, red), Segment("\x1b", red)]
    out = DropUnsafe().apply(segs, Color(0, 0, 0))
    assert out == [Segment("ok "), Segment("x]0;OWNED[31m1mevil", red)]
    assert sum(s.cell_length for s in out) == sum(s.cell_length for s in segs)


class Leaks:
    """What reached the screen unescaped, by the place it was seen."""

    def __init__(self) -> None:
        self.found: list[str] = []

    @staticmethod
    def shows_hostile(pilot: Pilot) -> bool:
        """True when the screen or a toast shows the hostile text, escaped."""
        app = pilot.app
        shown = "x1b]0;OWNED"
        screen = "".join(
            s.text for strip in app.screen._compositor.render_strips() for s in strip
        )
        return shown in screen or any(shown in n.message for n in app._notifications)

    def scan(self, pilot: Pilot, where: str) -> None:
        app = pilot.app
        svg = app.export_screenshot()
        if UNSAFE.search(svg):
            for y, strip in enumerate(app.screen._compositor.render_strips()):
                text = "".join(s.text for s in strip)
                if UNSAFE.search(text):
                    self.found.append(f"{where}: line {y}: {text.strip()!r}")
        for n in app._notifications:
            if UNSAFE.search(n.message.replace("\n", "") + n.title):
                self.found.append(f"{where}: toast {n.title!r}: {n.message!r}")
        for t in (app.title, app.sub_title, app.screen.title, app.screen.sub_title):
            if t and UNSAFE.search(t):
                self.found.append(f"{where}: title {t!r}")


Step = Callable[[Pilot], Awaitable[object]]


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot) -> None:
        for k in pressed:
            await pilot.press(k)
            await settle(pilot)

    return step


def call(fn: Callable[[object], object]) -> Step:
    async def step(pilot: Pilot) -> None:
        fn(pilot.app)
        await settle(pilot)

    return step


def palette(query: str) -> Step:
    async def step(pilot: Pilot) -> None:
        from textual.command import CommandList

        await pilot.press("ctrl+p")
        await settle(pilot)
        for ch in query:
            await pilot.press(ch)
        await wait_for(
            pilot, lambda: pilot.app.screen.query(CommandList) and pilot.app.screen.query_one(
                CommandList).option_count, "palette hits"
        )

    return step


def _open(pid: str) -> Step:
    async def step(pilot: Pilot) -> None:
        from ipstui.ui.screens.participant import ParticipantScreen

        pilot.app.open_participant(pid)
        await wait_for(
            pilot,
            lambda: isinstance(pilot.app.screen, ParticipantScreen)
            and pilot.app.screen.participant is not None,
            pid,
        )

    return step


def _to_dirty(rel: str) -> Step:
    async def step(pilot: Pilot) -> None:
        from textual.widgets import DataTable

        table = pilot.app.screen.query_one("#dirty-table", DataTable)
        table.focus()
        table.move_cursor(row=pilot.app.screen._dirty.index(rel))
        await settle(pilot)

    return step


def expand(field: str) -> Step:
    """Open the choice list of the dialog's field `field` (its options show)."""

    async def step(pilot: Pilot) -> None:
        from textual.widgets import Select

        pilot.app.screen.query_one(f"#field-{field}").query(Select).first().expanded = True
        await settle(pilot)

    return step


def _filter_specialist(app) -> None:
    app.screen.set_specialist(HOSTILE_KEY)


VISITS: list[tuple[str, list[Step], str, bool]] = [
    # (where, how to get there from the previous visit, the screen then, whether the
    # hostile text must be on it, escaped: proof the visit reached it)
    ("board", [], "BoardScreen", True),
    ("board filtered by the hostile key", [call(_filter_specialist)], "BoardScreen", True),
    ("sync without a remote", [keys("s")], "BoardScreen", True),
    ("palette, every action", [keys("escape"), palette("")], "Palette", False),
    ("palette, a specialist filter", [keys("escape"), palette("Filter")], "Palette", True),
    ("palette, participants", [keys("escape"), palette("P-000")], "Palette", False),
    ("agenda", [keys("escape", "a")], "AgendaScreen", False),
    ("problems", [keys("escape", "escape", "p")], "ProblemsScreen", True),
    ("problems, the hostile file name", [_to_dirty(HOSTILE_FILES[0])], "ProblemsScreen", True),
    ("problems, its commit refused", [keys("ctrl+s")], "ProblemsScreen", True),
    (
        "problems, the hostile content",
        [_to_dirty("participants/P-0004.toml"), keys("ctrl+s")],
        "ProblemsScreen",
        True,
    ),
    ("reports", [keys("escape", "r")], "ReportsScreen", True),
    ("fidelity", [keys("escape", "F")], "FidelityScreen", True),
    ("employers", [keys("escape", "e")], "EmployersScreen", False),
    ("an employer's log", [keys("down", "tab")], "EmployersScreen", False),
    ("employer contact dialog", [keys("c")], "EmployerContactForm", False),
    ("its specialists", [expand("by")], "EmployerContactForm", True),
    ("new employer dialog", [keys("escape", "escape", "n")], "NewEmployerForm", False),
    ("help", [keys("escape", "escape", "question_mark")], "HelpScreen", False),
    ("new participant dialog", [keys("escape", "n")], "NewParticipantForm", False),
    ("its specialists", [expand("specialist")], "NewParticipantForm", True),
    ("its referral sources", [keys("escape"), expand("referral_source")], "NewParticipantForm", True),
    ("participant", [keys("escape", "escape"), _open("P-0002")], "ParticipantScreen", True),
    ("participant specialists", [expand("specialist")], "ParticipantScreen", True),
    ("participant contacts", [keys("escape", "2")], "ParticipantScreen", False),
    ("participant jobs", [keys("3")], "ParticipantScreen", False),
    ("participant tasks", [keys("4")], "ParticipantScreen", False),
    ("participant deadlines", [keys("5")], "ParticipantScreen", False),
    ("participant history", [keys("6")], "ParticipantScreen", True),
    ("contact dialog", [keys("c")], "ContactForm", True),
    ("job dialog", [keys("escape", "j")], "JobForm", False),
    ("task dialog", [keys("escape", "t")], "TaskForm", False),
    ("suspend dialog", [keys("escape", "S")], "SuspendForm", False),
    ("participant help", [keys("escape", "question_mark")], "HelpScreen", False),
]


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
async def test_no_screen_shows_a_control_character(hostile: Path) -> None:
    from ipstui.ui.app import IpsApp
    from ipstui.ui.widgets.board import Board

    app = IpsApp(hostile, today=date.fromisoformat(TODAY), watch_disk=False)
    app.unsafe_filter.enabled = False
    leaks = Leaks()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))
        for where, steps, screen, must_show in VISITS:
            for step in steps:
                await step(pilot)
            await settle(pilot)
            await pilot.pause()
            assert type(app.screen).__name__ == screen, where
            leaks.scan(pilot, where)
            if must_show:
                assert leaks.shows_hostile(pilot), where
    assert not leaks.found, "\n".join(leaks.found)
