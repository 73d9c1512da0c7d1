"""A line cut at the screen's edge ends in `…`, measured in terminal cells (SPEC §9;
trial 5 item 7: at 80×24 in Danish, a long CJK/emoji name cut the board's status line
and the participant header at the edge with no `…`).

The board's status line and the participant header × English and Danish × names of
wide characters (CJK, emoji with a variation selector, flags, a family joined by
zero-width joiners): the line drawn is at most the widget's width in cells, and ends in
`…` when the text did not fit.

The names of one language share an app session (each saved from outside, then loaded
again, as on a disk change): an app start on the sample costs more CPU than a check.
Both languages run under `pytest -m slow` (.ci/run), outside the README's quick run
(issue 12: the quick run under 2 minutes; a name costs about half a second of CPU).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import git
from frames import frames_at_checkpoints  # noqa: F401 - autouse fixture
from pilot_wait import back_to, settle, step
from rich.cells import cell_len
from textual.geometry import Region

from ipstui.core import edits, i18n
from ipstui.core.caseload import load
from ipstui.ui.app import IpsApp

TODAY = date(2026, 11, 16)
PID = "P-0030"
NAMES = [
    "陈大文陈大文陈大文陈大文陈大文陈大文陈大文陈大文陈大文陈大文",
    "Søren ❤️☀️✌️❤️☀️✌️ 🇩🇰🇮🇹 陈大文陈大文 Østergård-Lindqvist Karlsen-Møller",
    "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦 Família Østergård-Lindqvist 陈大文陈大文陈大文陈大文",
]


def _line(widget) -> str:
    """The first line the widget draws (padding included), as text."""
    width = widget.outer_size.width
    strip = widget.render_lines(Region(0, 0, width, 1))[0]
    assert strip.cell_length <= width
    return strip.text.strip()


async def a_cut_line_ends_in_an_ellipsis(app: IpsApp, pilot, name: str) -> None:
    root = app.root
    edits.set_fields(load(root), PID, {"name": name}, today=TODAY)
    assert git(root, "status", "--porcelain") == ""
    app.load_caseload()  # what the disk watcher does on a change
    await settle(pilot)
    board = app.screen
    assert app.caseload is not None and app.caseload.participants[PID].data["name"] == name
    assert board.goto(PID)
    await settle(pilot)
    status = board.query_one("#status")
    line = _line(status)
    assert PID in line
    assert name[:2] in line, line  # this name, not the one shown before the reload
    assert line.endswith("…"), line
    assert cell_len(line) <= status.size.width  # the content width

    app.open_participant(PID)
    await settle(pilot)
    title = app.screen.query_one("#p-title")
    line = _line(title)
    assert line.startswith(PID)
    assert name[:2] in line, line
    assert line.endswith("…"), line
    await back_to(pilot, board)


KINDS = ("cjk", "emoji and flags", "zwj family")
"""The kind of each name of NAMES."""


@pytest.mark.slow  # a whole-app walk: run by .ci/run (pytest -m slow), not the README's quick run
@pytest.mark.parametrize("lang", ["da", "en"])
async def test_a_cut_line_ends_in_an_ellipsis(sample_caseload: Path, lang: str) -> None:
    """Each name of NAMES in turn, in one app."""
    i18n.set_language(lang)
    try:
        app = IpsApp(sample_caseload, today=TODAY, watch_disk=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for kind, name in zip(KINDS, NAMES, strict=True):
                with step(kind):
                    await a_cut_line_ends_in_an_ellipsis(app, pilot, name)
    finally:
        i18n.set_language("en")
