"""Tables that fit the terminal (`ipstui.ui.widgets.columns`, SPEC §9 at 80×24): how a
table gives way when it is too wide, in terminal cells, with the right widths."""

from __future__ import annotations

import pytest

from ipstui.core.vocab import cells, fit
from ipstui.ui.widgets.columns import Column, column_widths

ID = Column("Id")
NAME = Column("Name", min=6)
NOTE = Column("Note", min=6)
SECTOR = Column("Sector", min=6, drop=1)
BY = Column("By", drop=2)
JOBS = Column("Jobs now / all", "Jobs")

ROW = ["E-0001", "Biblioteca Lame", "public library", "anna", "1 / 2"]
COLS = [ID, NAME, SECTOR, BY, JOBS]
# natural widths: 6, 15, 14, 4, 14 (header) / 5 (short); padding 2 per column


@pytest.mark.parametrize(
    ("room", "widths", "short"),
    [
        # Everything fits: natural widths, full headers.
        (63, [6, 15, 14, 4, 14], False),
        # One cell short: the short header is enough, nothing shrinks.
        (62, [6, 15, 14, 4, 5], True),
        # Shrinking: the widest shrinkable column gives a cell first (the leftmost of
        # equals), then they take turns.
        (52, [6, 13, 14, 4, 5], True),
        (48, [6, 11, 12, 4, 5], True),
        (39, [6, 7, 7, 4, 5], True),
        (37, [6, 6, 6, 4, 5], True),
        # Below the minimums the least needed column leaves (the highest `drop`: By),
        # and the others grow back before shrinking again.
        (36, [6, 8, 9, None, 5], True),
        # Then the sector; the id and the counts are never cut.
        (26, [6, 9, None, None, 5], True),
        # Narrower than the narrowest form: the narrowest form (the table scrolls).
        (10, [6, 6, None, None, 5], True),
    ],
)
def test_a_table_gives_way_in_order(room: int, widths: list[int | None], short: bool) -> None:
    got, got_short = column_widths(COLS, [ROW], room)
    assert (got, got_short) == (widths, short)
    if room >= 26:
        assert sum(w + 2 for w in got if w is not None) <= room


def test_widths_are_cells_not_characters() -> None:
    """A CJK name is two cells a character; a cut one ends in `…` within its width."""
    name = "山田太郎山田太郎"  # 8 characters, 16 cells
    got, _ = column_widths([ID, NAME], [["E-0001", name]], 20)
    assert got == [6, 10]
    cut = fit(name, 10, pad=False)
    assert cut.endswith("…") and cells(cut) <= 10


def test_no_rows_measures_the_headers() -> None:
    assert column_widths([ID, NOTE], [], 80) == ([2, 4], False)
