"""Lines made of whole phrases: a header that wraps between its phrases, never inside one.

SPEC §9 (every screen usable at 80×24, a cut text ends in `…`): the board's header is a
row of phrases (`54 open`, `sync: 3 ahead, 0 behind`). Wrapped as one text it broke in
the middle of a phrase (`sync: 3 ahead, 0` / `behind`; Swedish `synk: i` / `synk`) and,
with problems counted, took 3 of 24 rows at 80 columns. Here each phrase is kept whole
or shortened whole: a phrase has a long and a short form (`participants ✖ 8 overdue` and
`✖ 8 overdue`), the short forms are used, least important first, while they save a line,
and only a phrase wider than the whole line is cut, with `…`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.content import Content

SEPARATOR = "  ·  "
"""Between two phrases on one line, where the width allows (`NARROW_SEPARATOR` else)."""
NARROW_SEPARATOR = " · "
NARROW = 100
"""Below this many cells a line's phrases are joined by `NARROW_SEPARATOR`."""


@dataclass(frozen=True)
class Phrase:
    """One phrase of a header: `long` and `short` Textual content markup (`short` None:
    it has no shorter form); `rank` orders the phrases that give way first (highest
    rank shortened first)."""

    long: str
    short: str | None = None
    rank: int = 0
    drop: int = 0
    """Above 0: the phrase may be left out, highest `drop` first, when even the short
    forms take more than `fit_phrases`'s `most` lines; what it says must be found
    elsewhere (the board's sync state in the messages log, its counts on the Problems
    screen)."""


def pack(phrases: Sequence[str], width: int) -> list[Content]:
    """`phrases` (content markup) as lines of at most `width` cells, greedily, each
    phrase whole on one line; a phrase wider than `width` alone on its line, cut with
    `…`. Returns the lines (at least one)."""
    sep = Content(SEPARATOR if width >= NARROW else NARROW_SEPARATOR)
    lines: list[Content] = []
    line: Content | None = None
    for markup in phrases:
        piece = Content.from_markup(markup)
        if piece.cell_length > width:
            piece = piece.truncate(width, ellipsis=True)
        if line is not None and line.cell_length + sep.cell_length + piece.cell_length <= width:
            line = line + sep + piece
            continue
        if line is not None:
            lines.append(line)
        line = piece
    lines.append(line if line is not None else Content(""))
    return lines


def fit_phrases(
    phrases: Sequence[Phrase], width: int, lines: int = 1, most: int | None = None
) -> Content:
    """The phrases packed at `width` (`pack`) with as few lines as their short forms
    allow: short forms replace long ones, highest `rank` first, only while that lowers
    the number of lines and the phrases take more than `lines` lines (so a wide screen
    keeps the long words, and a tall one may spend `lines` lines on them: the board's
    `participants ✖ 8 overdue` says what it counts, unlike the agenda's deadlines).

    `most`: the most lines the phrases may take (the board's header: 2, so that at
    80×24 it never costs the board a card row, in any language). When even every short
    form takes more, phrases with a `drop` rank are left out, highest first, one at a
    time (the others get their long forms back where they then fit). Only phrases
    without a `drop` rank may still take more than `most` lines.
    Lines joined by newlines."""
    width = max(width, 1)
    if most is not None:
        fitted = fit_phrases(phrases, width, lines)
        droppable = [p for p in phrases if p.drop > 0]
        if len(fitted.split()) <= most or not droppable:
            return fitted
        victim = max(droppable, key=lambda p: p.drop)  # the first of the highest rank
        return fit_phrases([p for p in phrases if p is not victim], width, lines, most)
    # A long form wider than a whole line would be cut with `…`: its short form first.
    chosen = [
        p.short if p.short and Content.from_markup(p.long).cell_length > width else p.long
        for p in phrases
    ]
    best = pack(chosen, width)
    order = sorted(
        (i for i, p in enumerate(phrases) if p.short is not None),
        key=lambda i: -phrases[i].rank,
    )
    shortest = pack([p.short or p.long for p in phrases], width)
    for i in order:
        if len(best) <= max(len(shortest), lines):
            break
        chosen[i] = phrases[i].short or chosen[i]
        best = pack(chosen, width)
    return Content("\n").join(best)
