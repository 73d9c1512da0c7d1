"""The phase board. Each column is a ScrollView that draws only its visible lines,
so 20,000 participants cost no more to show than 20 (no widget per card).

Every column is composed once, the Closed one included; showing or hiding closed
participants only changes which columns are displayed (no recompose, no lost cards).
Text is fitted in terminal cells (`ipstui.core.vocab.fit`), so wide names keep the
column borders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil
from operator import itemgetter

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ipstui.core.board import Card, F, deadline_of, urgent_state
from ipstui.core.i18n import N_, _
from ipstui.core.model import PHASE_LABELS, PHASE_SHORT_LABELS, PHASES, RULE_LABELS
from ipstui.core.termsafe import escape
from ipstui.core.vocab import (
    NEEDS_DECISION,
    SUSPENDED,
    SYMBOL,
    cells,
    deadline_line,
    fit,
    short_words,
)
from ipstui.ui.keys import TranslatedBindings

_card_id = itemgetter(F.ID)

CARD_H = 5
"""Lines per card: id and marks, name, specialist, deadline, a blank separator."""


def set_line(widget: Static, text: str | Text) -> None:
    """Update a one-line Static only when its text changes, without a layout pass
    (its size never depends on its text), so typing in a filter stays cheap."""
    key = text.markup if isinstance(text, Text) else text
    if getattr(widget, "_ipstui_text", None) != key:
        widget._ipstui_text = key  # type: ignore[attr-defined]
        widget.update(text, layout=False)


def column_title(label: str, count: int, width: int, short: str = "") -> str:
    """`Career profile (12)`, in one form at every width: when it does not fit in `width`
    cells the phase's `short` label is shown (`model.PHASE_SHORT_LABELS`: `Profile (12)`,
    a word of its own rather than a cut one: trial 8, item 11), and when that does not
    fit either it is cut with `…` right after its last letter and the count kept,
    `Prof… (12)`. The count is never the part that is lost; below `… (12)` only `(12)` is
    left (issue 13: titles used to switch to `Name 12` when narrow, beside `Name (6)` in
    the next column)."""
    tail = f" ({count})"
    for form in (label, short):
        if form and cells(form + tail) <= width:
            return form + tail
    room = width - cells(tail)
    if room >= 1:
        return fit(short or label, room, pad=False) + tail
    return tail.lstrip()


def deadline_text(card: Card, today: date, width: int) -> str:
    """The card's deadline line in `width` cells, worded by the width alone
    (`vocab.deadline_line`): every card of a column reads alike."""
    u = deadline_of(card)
    if u is None:
        full = "  " + _("nothing due")
        return full if cells(full) <= width else fit("– " + _("none"), width, pad=False)
    days = (u.due - today).days
    return deadline_line(
        SYMBOL[u.state],
        u.words(today),
        short_words(u.due, today),
        RULE_LABELS.get(u.rule, u.rule).lower(),
        card[F.OPEN_DEADLINES] - 1,
        days,
        width,
    )


class ColumnTitle(Widget):
    """A column's heading: its label and count, fitted to its width."""

    def __init__(self, phase: str) -> None:
        super().__init__(id=f"title-{phase}", classes="column-title")
        self.label = _(PHASE_LABELS[phase])
        self.short = PHASE_SHORT_LABELS[phase]
        self.count = 0

    def set_count(self, count: int) -> None:
        """Show `count` participants (repaints only when it changed)."""
        if count != self.count:
            self.count = count
            self.refresh()

    def render(self) -> Text:
        width = self.content_region.width or cells(self.label) + 8
        return Text(column_title(self.label, self.count, width, self.short), no_wrap=True, end="")


class PhaseColumn(ScrollView, can_focus=False):
    """The cards of one phase, drawn line by line."""

    COMPONENT_CLASSES = {
        "card--id",
        "card--text",
        "card--muted",
        "card--overdue",
        "card--soon",
        "card--upcoming",
        "card--flag",
        "card--selected",
        "card--bar",
    }

    STRIP_SCREENS = 3
    """Card lines kept drawn per column, in screen heights (a move or a scroll back
    repaints from them). Few on purpose: every Strip carries about a dozen objects the
    garbage collector tracks, and a full collection walks them all (issue 13); 4,000 per
    column made up to 300,000 of them."""

    def __init__(self, phase: str) -> None:
        super().__init__(id=f"col-{phase}")
        self.phase = phase
        self.cards: list[Card] = []
        self.selected: int | None = None
        self._strips: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] = {}
        self._base = Style()
        self.today = date.today()

    def set_cards(self, cards: list[Card], today: date) -> None:
        """Show `cards` (most urgent first) as of `today`; no repaint when they are the same."""
        if today == self.today and (
            cards is self.cards
            or (
                len(cards) == len(self.cards)
                and all(a is b for a, b in zip(cards, self.cards, strict=True))
            )
        ):
            return  # the same cards: nothing to redraw (most columns, most keystrokes)
        self.cards = cards
        self.today = today
        self._set_virtual_height(len(cards) * CARD_H)
        self.refresh()

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scrollable area without a layout pass of the whole screen.

        The vertical scrollbar is always shown (CSS), so no size change can alter the
        layout; a layout reactive here cost ~60 ms per filter keystroke at 20,000 cards."""
        size = Size(self.size.width, height)
        if size == self.virtual_size:
            return
        before = self.virtual_size.height
        self.set_reactive(PhaseColumn.virtual_size, size)
        max_y = max(0, height - self.scrollable_content_region.height)
        if self.scroll_y <= max_y and self._bar_looks_alike(before, height):
            # The scrollbar would be drawn the same (most columns at 20,000 cards: a
            # one-cell thumb at the top): keep its numbers right without drawing it
            # again. Each redraw of a column's bar was about as costly as the column's
            # own lines, on every filter keystroke (issue 13, round 8).
            self.vertical_scrollbar.set_reactive(ScrollBar.window_virtual_size, height)
            return
        self._scroll_update(size)
        if self.scroll_y > max_y:
            self.scroll_to(y=max_y, animate=False, immediate=True)

    def _bar_looks_alike(self, before: int, after: int) -> bool:
        """Whether the vertical scrollbar draws the same for a virtual height of `before`
        and `after` lines at its present size and position, by Textual's own drawing
        (`ScrollBarRender.render_bar`, with the arguments `ScrollBar` gives it)."""
        bar = self.vertical_scrollbar
        height = bar.size.height
        if height <= 0:
            return False

        def look(virtual: int) -> list[Segment]:
            window = bar.window_size if bar.window_size < virtual else 0
            drawn = bar.renderer.render_bar(
                size=height,
                virtual_size=ceil(virtual),
                window_size=ceil(window),
                position=bar.position,
            )
            return list(drawn.segments)

        return look(before) == look(after)

    def set_selected(self, index: int | None, *, force: bool = False) -> None:
        """Move the highlight; repaints only when it moved (or the cards changed: `force`)."""
        if index == self.selected and not force:
            return
        self.selected = index
        if index is not None:
            self.scroll_to_region(
                Region(0, index * CARD_H, 1, CARD_H), animate=False, force=True, immediate=True
            )
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.cards) * CARD_H)
        self._strips.clear()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """As ScrollView's, with the cards' virtual size (`_set_virtual_height`) instead
        of the one a layout passes (the content region: never the cards' height), so a
        layout that leaves the column's size alone does not update and redraw its
        scrollbar. Every layout of the board redrew them all (e.g. opening the filter)."""
        return super()._size_updated(size, self.virtual_size, container_size, layout)

    def notify_style_update(self) -> None:
        # The theme or the stylesheet changed: read the card styles again at the next paint.
        """Drop the cached card styles (the theme or the stylesheet changed)."""
        self._styles_of = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles once per style change, not per paint (a filter keystroke repaints every
        # column); notify_style_update drops them when the theme or the CSS changes.
        key = (self.app.theme, self.app.current_theme)
        if getattr(self, "_styles_of", None) != key:
            self._styles = {
                cls: self.get_component_rich_style(cls) for cls in self.COMPONENT_CLASSES
            }
            self._base = self.rich_style
            self._styles_of = key
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        line = y + scroll_y
        width = self.scrollable_content_region.width
        base = self._base
        index, row = divmod(line, CARD_H)
        if index >= len(self.cards) or row == CARD_H - 1:
            return Strip.blank(width, base)
        card = self.cards[index]
        selected = index == self.selected
        key = (card, row, selected, width, self.today, base, self.app.theme)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        styles = self._styles
        sel = styles["card--selected"] if selected else Style()
        bar = Segment("▌" if selected else " ", base + styles["card--bar"] + sel)
        segs = self._row(card, row, width - 1)
        strip = Strip([bar] + [Segment(t, base + s + sel) for t, s in segs], width)
        if len(self._strips) >= self.STRIP_SCREENS * max(self.size.height, CARD_H):
            self._strips.clear()
        self._strips[key] = strip
        return strip

    def _row(self, card: Card, row: int, width: int) -> list[tuple[str, Style]]:
        style = self._styles.__getitem__
        if row == 0:
            flags = []
            if card[F.SUSPENDED]:
                flags.append(SYMBOL[SUSPENDED] + " " + _("suspended"))
            if card[F.CONFLICTS]:
                flags.append(SYMBOL[NEEDS_DECISION] + " " + _("decide"))
            left = card[F.ID]
            right = " ".join(flags)
            if right and cells(left) + 1 + cells(right) <= width:
                return [
                    (left + " ", style("card--id")),
                    (fit(right, width - cells(left) - 1), style("card--flag")),
                ]
            if right:  # narrow: the marks alone say it, without their words
                right = "".join(f[0] for f in flags)
            return [(fit(left + (" " + right if right else ""), width), style("card--id"))]
        if row == 1:
            return [(fit(escape(card[F.NAME]), width), style("card--text"))]
        if row == 2:
            return [(fit("@" + card[F.SPECIALIST], width), style("card--muted"))]
        state = urgent_state(card)
        if state is None:
            return [(fit(deadline_text(card, self.today, width), width), style("card--muted"))]
        cls = {"overdue": "card--overdue", "due_soon": "card--soon"}.get(state, "card--upcoming")
        return [(fit(deadline_text(card, self.today, width), width), style(cls))]


@dataclass
class Cursor:
    """Where the keyboard cursor is: a column of the shown phases and a row in it."""

    column: int = 0
    row: int = 0


class Board(TranslatedBindings, Widget, can_focus=True):
    """Columns of cards with a keyboard cursor; the selection follows its participant.

    `phases` are the columns shown, in order; every phase's column exists (composed
    once) and the others are hidden."""

    BINDINGS = [
        Binding(
            "left,h",
            "move_cursor(-1, 0)",
            N_("Left"),
            show=False,
            id="card_left",
            tooltip=N_("The card beside, in the previous phase"),
        ),
        Binding(
            "right,l",
            "move_cursor(1, 0)",
            N_("Right"),
            show=False,
            id="card_right",
            tooltip=N_("The card beside, in the next phase"),
        ),
        Binding(
            "up,k",
            "move_cursor(0, -1)",
            N_("Up"),
            show=False,
            id="card_up",
            tooltip=N_("The card above"),
        ),
        Binding(
            "down,j",
            "move_cursor(0, 1)",
            N_("Down"),
            show=False,
            id="card_down",
            tooltip=N_("The card below"),
        ),
        Binding("pageup", "move_cursor(0, -5)", N_("Page up"), show=False, id="card_page_up"),
        Binding("pagedown", "move_cursor(0, 5)", N_("Page down"), show=False, id="card_page_down"),
        Binding("home", "move_cursor(0, -1000000)", N_("First card"), show=False, id="card_first"),
        Binding("end", "move_cursor(0, 1000000)", N_("Last card"), show=False, id="card_last"),
        Binding(
            "enter",
            "open",
            N_("Open"),
            id="open",
            show=False,  # the status line says it; the footer keeps room for Sync
            tooltip=N_("Open the selected participant"),
        ),
    ]

    class Selected(Message):
        """The cursor moved to another participant (None: an empty board)."""

        def __init__(self, pid: str | None) -> None:
            super().__init__()
            self.pid = pid

    class OpenRequested(Message):
        """The user asked to open the selected participant."""

        def __init__(self, pid: str) -> None:
            super().__init__()
            self.pid = pid

    def __init__(self, phases: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.phases: tuple[str, ...] = tuple(phases)
        """The phases shown as columns, in order."""
        self.data: dict[str, list[Card]] = {ph: [] for ph in phases}
        self.today = date.today()
        self.cursor = Cursor()
        self.selected_pid: str | None = None

    def compose(self):
        # The columns sit in the board itself (`layout: horizontal` in the stylesheet), not
        # in a Horizontal inside it: a container the columns cover whole is still drawn
        # and cut at every column edge, line by line, and those pieces stay cached for
        # the garbage collector to walk (about 8,000 objects at 160×50, issue 13).
        for ph in PHASES:
            with Vertical(classes="column", id=f"wrap-{ph}") as wrap:
                wrap.display = ph in self.phases
                yield ColumnTitle(ph)
                yield PhaseColumn(ph)

    def on_mount(self) -> None:
        self._redraw()

    # ------------------------------------------------------------ data

    def set_data(self, data: dict[str, list[Card]], today: date) -> None:
        """Show new columns (the keys of `data`, in order), keeping the cursor on the same
        participant if it is still shown."""
        self.data = data
        self.today = today
        phases = tuple(data)
        if phases != self.phases:
            column = self.phases[self.cursor.column] if self.phases else None
            self.phases = phases
            if column in phases:
                self.cursor = Cursor(phases.index(column), self.cursor.row)
            for ph in PHASES:
                self.query_one(f"#wrap-{ph}").display = ph in phases
        self._redraw()

    def _columns(self) -> list[PhaseColumn]:
        """The shown columns, in the order of `phases`."""
        return [self.query_one(f"#col-{ph}", PhaseColumn) for ph in self.phases]

    def _redraw(self) -> None:
        if not self.phases:
            return
        cols = self._columns()
        self._locate(self.selected_pid)
        for i, col in enumerate(cols):
            cards = self.data.get(col.phase, [])
            col.set_cards(cards, self.today)
            self.query_one(f"#title-{col.phase}", ColumnTitle).set_count(len(cards))
            self.query_one(f"#wrap-{col.phase}").set_class(i == self.cursor.column, "-active")
        self._apply_cursor(announce=False)

    def _locate(self, pid: str | None) -> None:
        """Put the cursor on `pid` if shown; else keep the column and clamp the row."""
        if pid is not None and self.phases:
            # The cursor's column first: a filter keystroke keeps the card in its phase,
            # so the other columns (thousands of cards at 20,000) are rarely searched;
            # the ids are compared in C (`list.index`), not in a Python loop.
            first = min(self.cursor.column, len(self.phases) - 1)
            order = [first, *(i for i in range(len(self.phases)) if i != first)]
            for ci in order:
                ids = list(map(_card_id, self.data.get(self.phases[ci], [])))
                try:
                    self.cursor = Cursor(ci, ids.index(pid))
                    return
                except ValueError:
                    continue
        ci = min(self.cursor.column, max(0, len(self.phases) - 1))
        n = len(self.data.get(self.phases[ci], [])) if self.phases else 0
        self.cursor = Cursor(ci, max(0, min(self.cursor.row, n - 1)))

    def _apply_cursor(self, announce: bool = True) -> None:
        if not self.phases:
            return
        cols = self._columns()
        for i, col in enumerate(cols):
            active = i == self.cursor.column
            col.set_selected(self.cursor.row if active and col.cards else None)
            self.query_one(f"#wrap-{col.phase}").set_class(active, "-active")
        col = cols[self.cursor.column]
        pid = col.cards[self.cursor.row][F.ID] if col.cards else None
        changed = pid != self.selected_pid
        self.selected_pid = pid
        if announce or changed:
            self.post_message(self.Selected(pid))

    def select(self, pid: str) -> bool:
        """Move the cursor to `pid`; False when it is not on the board (filtered or closed)."""
        for ci, ph in enumerate(self.phases):
            for ri, card in enumerate(self.data.get(ph, [])):
                if card[F.ID] == pid:
                    self.cursor = Cursor(ci, ri)
                    self._apply_cursor()
                    return True
        return False

    def first_pid(self) -> str | None:
        """The id of the first card shown: the top of the first column that has one
        (None when every column is empty)."""
        for ph in self.phases:
            cards = self.data.get(ph)
            if cards:
                return cards[0][F.ID]
        return None

    @property
    def selected_card(self) -> Card | None:
        """The card under the cursor (None on an empty column)."""
        if not self.phases:
            return None
        cards = self.data.get(self.phases[self.cursor.column], [])
        return cards[self.cursor.row] if cards else None

    # ------------------------------------------------------------ keys

    def action_move_cursor(self, dx: int, dy: int) -> None:
        """Move the cursor `dx` columns and `dy` cards (clamped to the board)."""
        if not self.phases:
            return
        ci = max(0, min(len(self.phases) - 1, self.cursor.column + dx))
        n = len(self.data.get(self.phases[ci], []))
        row = self.cursor.row + dy
        if dx:
            # Keep the visual height when moving sideways.
            row = self.cursor.row
        self.cursor = Cursor(ci, max(0, min(row, n - 1)))
        self._apply_cursor()

    def action_open(self) -> None:
        """Ask to open the selected participant (the screen handles OpenRequested)."""
        card = self.selected_card
        if card is not None:
            self.post_message(self.OpenRequested(card[F.ID]))
