"""The board header's phrases: a tall terminal keeps the long words when they fit in two
lines (the board's `participants ✖ 8 overdue` says it counts people, the agenda counts
deadlines: issue 13 item 7); at 24 rows short forms give way while they save a line."""

from __future__ import annotations

import pytest

from ipstui.ui.widgets.phrases import Phrase, fit_phrases

PHRASES = [
    Phrase("IPS team Bologna Nord"),
    Phrase("54 open"),
    Phrase("today 2026-11-16", "2026-11-16", rank=1),
    Phrase("participants ✖ 8 overdue, ▲ 9 due soon", "✖ 8 overdue, ▲ 9 due soon", rank=2),
    Phrase("sync: 15 ahead, 0 behind"),
]


# (width, lines allowed, lines used, the participants label kept, today's word kept)
CASES = [
    (200, 1, 1, True, True),  # everything long on one line
    (118, 1, 1, False, True),  # one line only by the participants' short form
    (118, 2, 2, True, True),  # tall: two lines of long words
    (78, 1, 2, True, True),  # 80×24: no short form saves a line, so none is used
    (78, 2, 2, True, True),
    (40, 1, 3, False, False),  # short forms save a line: both give way
    (40, 2, 3, False, False),  # nothing fits two lines: every short form
    (30, 2, 4, False, True),  # a long form wider than the line: its short form, no `…`
]


@pytest.mark.parametrize(("width", "lines", "used", "label", "today"), CASES)
def test_long_words_kept_within_the_lines_allowed(
    width: int, lines: int, used: int, label: bool, today: bool
) -> None:
    text = fit_phrases(PHRASES, width, lines).plain
    assert len(text.split("\n")) == used
    assert ("participants ✖" in text) is label
    assert ("today 2026" in text) is today
    assert all(len(line) <= width for line in text.split("\n"))
    assert "…" not in text
