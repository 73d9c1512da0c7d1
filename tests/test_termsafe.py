"""SPEC §13: text from the files reaches a terminal only through one escaping function.

The escaping function itself (table of unsafe characters), then real `ipstui` processes
and the app, fed hostile names, notes, history and file names: no byte below 0x20 other
than a new line, no DEL, C1 or bidirectional override reaches the output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import empty_caseload, from_template, git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import wait_for
from rich.text import Text

from ipstui.core import edits
from ipstui.core.caseload import load
from ipstui.core.termsafe import escape, escape_lines

HOSTILE = "N\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\x7f"
UNSAFE_BYTES = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("plain text, ümlauts, 漢字 and emoji 🙂", "plain text, ümlauts, 漢字 and emoji 🙂"),
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("clear\x1b[2J", "clear\\x1b[2J"),
        ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
        ("nul\x00 del\x7f", "nul\\x00 del\\x7f"),
        ("csi\x9b c1\x85", "csi\\x9b c1\\x85"),
        ("bidi \u202aa\u202eb\u2066c\u2069", "bidi \\u202aa\\u202eb\\u2066c\\u2069"),
        ("not bidi \u200f\u2028", "not bidi \u200f\u2028"),
    ],
)
def test_escape_shows_every_unsafe_character(text: str, shown: str) -> None:
    assert escape(text) == shown


def test_escape_keeps_what_it_is_told_to_keep() -> None:
    assert escape_lines("one\ntwo\x1b") == "one\ntwo\\x1b"
    assert escape("a\tb\nc\x07", keep="\n\t") == "a\tb\nc\\x07"
    assert escape(3) == "3"


def _hostile_caseload(root: Path) -> None:
    """Hostile text everywhere a user or a teammate's commit can put it."""
    for name in ("Giulia R.", "Mads K."):
        edits.new_participant(
            load(root),
            name=name,
            specialist="anna",
            referral_source="CSM",
            today=date(2026, 11, 1),
            referred_on=date(2026, 11, 1),
        )
    # A teammate's commit (as if arriving by sync) with escapes in a name, a note and a
    # referral source; then a fix: the history holds both versions.
    path = root / "participants" / "P-0001.toml"
    good = path.read_text()
    path.write_text(
        good.replace('"Giulia R."', json.dumps(HOSTILE).replace("\x7f", "\\u007f"))
        .replace('referral_source = "CSM"', 'referral_source = "CSM\\u001b[2J"')
        .replace('notes = ""', 'notes = "call\\u001b]0;x\\u0007"')
    )
    git(root, "commit", "-qam", "hand edit")
    path.write_text(good)
    git(root, "commit", "-qam", "fix")
    # Still broken, left out: a file whose name and content hold escapes.
    (root / "participants" / "X\x1b]0;pwned\x07.toml").write_text('name = "\\u001b[2J"\n')
    second = root / "participants" / "P-0002.toml"
    second.write_text(second.read_text().replace('"Mads K."', '"\\u001b[2J"'))


@pytest.fixture
def hostile(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test caseload made hostile (`_hostile_caseload`), built once per worker and
    copied for each test."""

    def build(folder: Path) -> None:
        from_template("empty", empty_caseload, folder, tmp_path_factory)
        _hostile_caseload(folder)

    return from_template("termsafe-hostile", build, tmp_path / "cl", tmp_path_factory)


def _ipstui(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    return subprocess.run(
        [sys.executable, "-m", "ipstui", "-C", str(root), "--today", "2026-11-16", *args],
        capture_output=True,
        env=env,
    )


@pytest.mark.parametrize(
    "args, code",
    [
        (("validate",), 1),
        (("due",), 3),
        (("log", "P-0001"), 0),
        (("report",), 3),
        (("report", "--format", "csv"), 3),
        (("report", "--format", "json"), 3),
        (("due", "--json"), 3),
    ],
)
def test_no_control_byte_reaches_the_terminal(
    hostile: Path, capsys: pytest.CaptureFixture[str], args: tuple, code: int
) -> None:
    """`validate` as a real `python -m ipstui` process; the other commands through
    `cli.main` in this process, the same stream and choke point (every command's real
    process is in tests/test_termsafe_everywhere.py; issue 12: a process start was most
    of each case's time)."""
    if args == ("validate",):
        proc = _ipstui(hostile, *args)
        returncode, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    else:
        from ipstui import cli

        capsys.readouterr()
        returncode = cli.main(["-C", str(hostile), "--today", "2026-11-16", *args])
        out, err = capsys.readouterr()
        stdout, stderr = out.encode(), err.encode()
    assert returncode == code, stderr
    for stream in (stdout, stderr):
        assert UNSAFE_BYTES.search(stream) is None, stream
    if args == ("log", "P-0001"):
        assert b"\\x1b]0;pwned\\x07" in stdout  # shown, visibly
    if args == ("validate",):
        assert b"participants/X\\x1b]0;pwned\\x07.toml:1:1:" in stdout


def _cells(table) -> list[str]:
    out = []
    for row in table.ordered_rows:
        for cell in table.get_row(row.key):
            out.append(cell.plain if isinstance(cell, Text) else str(cell))
    return out


async def test_the_app_shows_hostile_text_escaped(hostile: Path) -> None:
    from ipstui.ui.app import IpsApp
    from ipstui.ui.screens.participant import ParticipantScreen
    from ipstui.ui.screens.problems import ProblemsScreen
    from ipstui.ui.widgets.board import Board

    app = IpsApp(hostile, today=date(2026, 11, 16), watch_disk=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_for(pilot, lambda: app.caseload is not None and app.screen.query(Board))
        await pilot.pause()
        title = str(app.screen.query_one("#title").render())
        assert "2 files left out" in title
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        cells = _cells(app.screen.query_one("#problem-table"))
        assert any("X\\x1b]0;pwned\\x07.toml" in c for c in cells)
        assert not any(re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", c) for c in cells)
        await pilot.press("escape")
        app.open_participant("P-0001")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ParticipantScreen) and app.screen.participant is not None
            ),
        )
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        screen.query_one("#p-tabs").active = "tab-history"
        table = screen.query_one("#history-table")
        await wait_for(pilot, lambda: table.row_count)
        cells = _cells(table)
        assert any("\\x1b]0;pwned\\x07" in c for c in cells), cells
        assert not any(re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", c) for c in cells)
