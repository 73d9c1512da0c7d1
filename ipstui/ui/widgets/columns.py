"""Tables that fit the terminal (SPEC §9: usable at 80×24; columns shrink, and a cut text
ends in `…`). A table is described by its `Column`s; `column_widths` shares the width
there is among them, in terminal cells (`ipstui.core.vocab.cells`), and `fill_table`
puts the fitted cells into a Textual `DataTable`.

How a table gives way, in order: long headers take their short form; shrinkable columns
(free text: names, notes, measures) lose cells, the widest first, down to their minimum;
then the columns marked as droppable leave, the least needed first. A column that is
neither shrinkable nor droppable (an id, a date, a count) is never cut."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from ipstui.core.i18n import _
from ipstui.core.vocab import cells, fit


@dataclass(frozen=True)
class Column:
    """One table column.

    `header` is its label; `short` a shorter one used when the table does not fit
    (default: the header). `min` is the narrowest it may shrink to, in cells (0: it
    never shrinks below its widest cell). `drop` ranks which columns leave when
    shrinking is not enough: 0 never, higher numbers leave first. `justify` is the
    cells' alignment ("left" or "right")."""

    header: str
    short: str = ""
    min: int = 0
    drop: int = 0
    justify: str = "left"


def translated(columns: Sequence[Column]) -> list[Column]:
    """`columns` with their headers (English source marked with `N_()`) in the current
    language."""
    return [
        Column(_(c.header) if c.header else "", _(c.short) if c.short else "", c.min, c.drop, c.justify)
        for c in columns
    ]


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], room: int, padding: int = 2
) -> tuple[list[int | None], bool]:
    """The width in cells of each column of `rows` within `room` cells, and whether the
    short headers are used. A width is None for a dropped column.

    `padding` is the cells a column takes beside its text (a `DataTable` puts
    `cell_padding` on each side). When even the narrowest form does not fit, the widths
    are the narrowest form: the table then scrolls sideways rather than cutting ids."""

    def natural(short: bool) -> list[int]:
        out = []
        for i, col in enumerate(columns):
            head = (col.short or col.header) if short else col.header
            out.append(max([cells(head), *(cells(r[i]) for r in rows)]))
        return out

    def total(widths: Sequence[int | None]) -> int:
        return sum(w + padding for w in widths if w is not None)

    full = natural(False)
    if total(full) <= room:
        return list(full), False
    base = natural(True)
    dropped: set[int] = set()
    while True:
        widths: list[int | None] = [None if i in dropped else w for i, w in enumerate(base)]
        excess = total(widths) - room
        while excess > 0:
            # Take one cell from the widest column that can still give one.
            can = [
                i
                for i, w in enumerate(widths)
                if w is not None and columns[i].min and w > columns[i].min
            ]
            if not can:
                break
            i = max(can, key=lambda j: (widths[j], -j))
            widths[i] -= 1  # type: ignore[operator]
            excess -= 1
        if excess <= 0:
            return widths, True
        candidates = [i for i, c in enumerate(columns) if c.drop and i not in dropped]
        if not candidates:
            return widths, True
        dropped.add(max(candidates, key=lambda j: (columns[j].drop, j)))


def fill_table(
    table: DataTable,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    keys: Sequence[str] | None = None,
    room: int | None = None,
) -> list[int | None]:
    """Clear `table` (columns too) and fill it with `rows` fitted to `room` cells
    (default: the table's width less a vertical scrollbar's). Cut cells end in `…`.
    `keys` are the row keys. Returns the widths (None for a dropped column).

    The cells are plain strings (escaped by the caller where they come from files)."""
    if room is None:
        room = (table.size.width or table.app.size.width) - 2
    widths, short = column_widths(columns, rows, room, 2 * table.cell_padding)
    table.clear(columns=True)
    shown = [i for i, w in enumerate(widths) if w is not None]
    for i in shown:
        col = columns[i]
        head = (col.short or col.header) if short else col.header
        width = widths[i]
        assert width is not None
        table.add_column(fit(head, width, pad=False), width=width, key=f"c{i}")
    for n, row in enumerate(rows):
        table.add_row(
            *(
                Text(fit(row[i], widths[i] or 0, pad=False), justify=columns[i].justify)  # type: ignore[arg-type]
                for i in shown
            ),
            key=keys[n] if keys is not None else None,
        )
    return widths
