"""The board's header takes at most two rows, at 80×24 and 120×40, in every language
(SPEC §9: at 80×24 a third header row costs the board a row of cards).

Before, with a file left out, errors, warnings, uncommitted files and a sync state, the
header took three rows at 80 columns in Italian, Danish and Swedish (and in English with
all of them). Now the counts the Problems screen lists are said in one phrase when
that keeps two rows (`⚠ 4 problems to see`), then the sync state and then today's date
give way (`Phrase.drop`); a sync state left out or cut is whole in the messages (`m`).

Table-driven over languages, sizes and header states, on the real app and the sample.
The quick run has one of the 32 app cases (`QUICK`: the longest sync outcome in Danish
at 80×24); the other 31 take the same path with other words and run with `-m slow`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pilot_wait import settle, wait_for
from textual.widgets import Static

from ipstui.core.i18n import _, ngettext, set_language
from ipstui.ui.app import IpsApp
from ipstui.ui.screens.board import BoardScreen
from ipstui.ui.widgets.board import Board
from ipstui.ui.widgets.phrases import Phrase, fit_phrases

TODAY = date(2026, 11, 16)
LONG_OUTCOME = (
    "pulled 3 commits from origin/main and pushed 2; P-0012 and P-0031 were merged field by field"
)


def _break(root: Path) -> None:
    """A file left out (an error), a stray file (a warning), a hand edit (uncommitted)."""
    (root / "participants/P-0999.toml").write_text('schema = 1\nid = "P-0999"\nname = \n')
    (root / "participants/notes.txt").write_text("call Marco back")
    first = sorted((root / "participants").glob("P-00*.toml"))[0]
    first.write_text(first.read_text().replace('notes = ""', 'notes = "hand edit"', 1))


# (name, broken files, the sync text set after the load (None: the app's own), steady)
STATES = [
    ("problems and the sync state", "files", None),
    ("problems and a long sync outcome", "files", LONG_OUTCOME),
    ("team settings unreadable and problems", "settings", None),
    ("a clean caseload", "", None),
]


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}

# The quick run (issue 12): one of the 32 (state, size, language) cases; the other 31
# take the same code path (`fit_phrases` with the header's phrases; only the words'
# widths differ) and run with `pytest -m slow`: the counts said together and the sync
# state moved to the messages (the long sync outcome in Danish at 80x24).
QUICK = {
    ("problems and a long sync outcome", "80x24", "da"),
}


def _cases() -> list:
    """Every (state, size, language) case, those not in QUICK marked slow."""
    return [
        pytest.param(
            broken,
            outcome,
            SIZES[size],
            lang,
            id=f"{name}-{size}-{lang}",
            marks=() if (name, size, lang) in QUICK else pytest.mark.slow,
        )
        for lang in ("en", "it", "da", "sv")
        for size in SIZES
        for name, broken, outcome in STATES
    ]


@pytest.mark.parametrize(("broken", "outcome", "size", "lang"), _cases())
async def test_the_header_takes_at_most_two_rows(
    sample_caseload: Path, lang: str, size: tuple[int, int], broken: str, outcome: str | None
) -> None:
    root = sample_caseload
    if broken:
        _break(root)
    if broken == "settings":  # the longest sentence the header has
        (root / "caseload.toml").write_text("schema = \n")
    set_language(lang)
    app = IpsApp(root, today=TODAY, watch_disk=False)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), "the board")
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await wait_for(pilot, lambda: app.findings is not None, "the problem list")
        await wait_for(pilot, lambda: bool(screen._sync), "the sync state")
        steady = screen._sync
        if outcome is not None:
            screen.set_sync_status(outcome, steady=steady)
        await settle(pilot)
        title = screen.query_one("#title", Static)
        text = str(title._ipstui_text.plain)  # type: ignore[attr-defined]
        rows = text.split("\n")
        assert len(rows) <= 2, text
        assert title.size.height == len(rows), (title.size.height, text)
        assert all(len(r) <= size[0] for r in rows), text
        if broken == "settings":
            assert "caseload.toml" in text and "…" not in text, text
        else:
            # What the header always says: the team, how many are open, who is late.
            assert "IPS team Bologna Nord" in text
            assert ngettext("{n} open", "{n} open", 54).format(n=54) in text
            assert ngettext("{n} overdue", "{n} overdue", 8).format(n=8) in text
        if broken == "files":
            # The file left out always; the Problems screen's counts, apart or together.
            assert ngettext("{n} file left out", "{n} files left out", 1).format(n=1) in text
            apart = [
                ngettext("{n} error", "{n} errors", 1).format(n=1),
                ngettext("{n} warning", "{n} warnings", 1).format(n=1),
                ngettext("{n} uncommitted", "{n} uncommitted", 2).format(n=2),
            ]
            together = ngettext("{n} problem to see", "{n} problems to see", 4).format(n=4)
            assert all(a in text for a in apart) or together in text, text
        # The sync state whole in the header, or whole in the messages.
        said = _("sync: {status}").format(status=screen._sync)
        assert said in text or (_("Sync"), said) in list(app.messages), text
        # The board has every row the header does not take.
        board = screen.query_one(Board)
        assert board.size.height >= size[1] - 2 - 6, board.size.height


# Phrases left out in order: nothing droppable leaves more than `most` lines only when
# the undroppable ones alone take more.
PHRASES = [
    Phrase("Team with a name"),
    Phrase("54 open"),
    Phrase("today 2026-11-16", "2026-11-16", rank=1, drop=1),
    Phrase("participants ✖ 8 overdue", "✖ 8 overdue", rank=2),
    Phrase("sync: 15 ahead, 0 behind", drop=2),
]

# (width, most, left out, lines)
DROPS = [
    (200, 2, [], 1),
    (60, 2, [], 2),  # two lines hold it all
    # The sync state goes first, and the date gets its long form back.
    (34, 2, ["sync: 15 ahead, 0 behind"], 2),
    (22, 2, ["sync: 15 ahead, 0 behind", "2026-11-16"], 2),  # then the date
    (16, 2, ["sync: 15 ahead, 0 behind", "2026-11-16"], 3),  # the rest cannot go
    (34, None, [], 3),  # no most: nothing left out
]


@pytest.mark.parametrize(("width", "most", "gone", "lines"), DROPS)
def test_phrases_give_way_by_their_drop_rank(
    width: int, most: int | None, gone: list[str], lines: int
) -> None:
    text = fit_phrases(PHRASES, width, 1, most).plain
    assert len(text.split("\n")) == lines, text
    for words in ("Team with a name", "54 open", "8 overdue"):
        assert words in text
    for words in ("sync: 15 ahead, 0 behind", "2026-11-16"):
        assert (words not in text) is (words in gone), text
    if width == 34 and most == 2:
        assert "today 2026-11-16" in text
