"""The main screen: the phase board with filters and the team's caseload sizes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static

from ipstui.core.board import by_phase, caseload_sizes, filtered, replace_card, state_counts
from ipstui.core.model import PHASES
from ipstui.ui.widgets.board import Board, set_line


class BoardScreen(Screen):
    """Phase columns from intake to follow-up; overdue cards first in each column."""

    BINDINGS = [
        Binding("right_square_bracket", "move(1)", "Next phase", key_display="]", id="next_phase"),
        Binding("left_square_bracket", "move(-1)", "Prev phase", key_display="[", id="prev_phase"),
        Binding("c", "contact", "Contact", id="contact"),
        Binding("n", "new", "New", id="new"),
        Binding("slash", "filter", "Filter", key_display="/", id="filter"),
        Binding("f", "cycle_specialist", "Specialist", id="specialist"),
        Binding("g", "goto", "Go to id", id="goto", show=False),
        Binding("escape", "clear_filters", "Clear filters", show=False),
    ]

    show_closed = False
    specialist: str | None = None
    text = ""
    _goto_mode = False

    def compose(self) -> ComposeResult:
        yield Static("ipstui", id="title")
        banner = getattr(self.app, "banner", "")
        if banner:  # the demo's path and commit identity, under the title
            yield Static(banner, id="banner", markup=False)
        yield Static("", id="caseloads")
        with Horizontal(id="filterbar", classes="hidden"):
            yield Static("Filter:", id="filter-label")
            yield Input(
                placeholder="id, name or specialist — enter to return to the board",
                id="filter-input",
            )
        with Horizontal(id="loading"):
            yield Static("Loading caseload…", id="loading-text")
            yield ProgressBar(total=None, show_eta=False, id="loading-bar")
        yield Board(PHASES[:-1], id="board")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "caseload", self._caseload_changed, init=True)
        self.query_one(Board).focus()

    # ------------------------------------------------------------ loading

    def show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#loading-text", Static).update(
            f"Loading caseload… {done:,}/{total:,} files"
        )

    def show_error(self, message: str) -> None:
        self.query_one("#loading-text", Static).update(f"✖ {message}")
        self.query_one("#loading-bar").display = False

    def set_sync_status(self, text: str) -> None:
        self._sync = text
        self._update_header()

    # ------------------------------------------------------------ data

    def _caseload_changed(self, cl) -> None:
        if cl is None:
            return
        self.query_one("#loading").display = False
        self.redraw()

    def redraw(self) -> None:
        """Recompute the visible columns from the app's cards and the filters."""
        cl = self.app.caseload
        if cl is None:
            return
        derived = self._derived()
        data = filtered(
            derived["by_phase"],
            show_closed=self.show_closed,
            specialist=self.specialist,
            text=self.text,
        )
        self.query_one(Board).set_data(data, self.app.today)
        self._update_header()

    def _derived(self) -> dict:
        """What depends only on the cards (not on the filters), computed once per change;
        after an edit of one participant, updated for that card alone."""
        cards = self.app.cards
        cached = getattr(self, "_derived_cache", None)
        if cached is not None and cached["of"] is cards:
            return cached
        delta = getattr(self.app, "cards_delta", None)
        cl = self.app.caseload
        if cached is not None and delta is not None and delta[0] is cached["of"]:
            prev, pid = delta
            old, new = prev.get(pid), cards.get(pid)
            counts = dict(cached["counts"])
            sizes = dict(cached["sizes"])
            for sign, card in ((-1, old), (1, new)):
                if card is None:
                    continue
                for k, n in state_counts([card]).items():
                    counts[k] += sign * n
                if card.phase != "closed":
                    n, mx = sizes.get(card.specialist, (0, cl.settings.max_for(card.specialist)))
                    sizes[card.specialist] = (n + sign, mx)
            opened = cached["open"] + sum(
                s * (c is not None and c.phase != "closed") for s, c in ((-1, old), (1, new))
            )
            cached = {
                "of": cards,
                "by_phase": replace_card(cached["by_phase"], old, new),
                "counts": counts,
                "sizes": sizes,
                "open": opened,
            }
        else:
            values = list(cards.values())
            cached = {
                "of": cards,
                "by_phase": by_phase(values),
                "counts": state_counts(values),
                "sizes": caseload_sizes(values, cl.settings),
                "open": sum(1 for c in values if c.phase != "closed"),
            }
        self._derived_cache = cached
        return cached

    def _update_header(self) -> None:
        cl = self.app.caseload
        if cl is None:
            return
        derived = self._derived()
        counts = derived["counts"]
        n_open = derived["open"]
        title = escape(cl.settings.name or cl.root.name)
        parts = [
            f"[b]{title}[/b]",
            f"{n_open} open participants",
            f"today {self.app.today.isoformat()}",
        ]
        if counts["overdue"]:
            parts.append(f"[$text-error]✖ {counts['overdue']} overdue[/]")
        if counts["due_soon"]:
            parts.append(f"[$text-warning]▲ {counts['due_soon']} due soon[/]")
        if cl.problems:
            errs = sum(1 for p in cl.problems if p.severity == "error")
            parts.append(
                f"[$text-warning]⚠ {len(cl.problems)} problem(s){' — press p' if errs else ''}[/]"
            )
        if cl.dirty:
            parts.append(f"[$text-warning]✎ {len(cl.dirty)} uncommitted file(s)[/]")
        sync = getattr(self, "_sync", "")
        if sync:
            parts.append(f"sync: {sync}")
        set_line(self.query_one("#title", Static), "  ·  ".join(parts))
        sizes = derived["sizes"]
        chips = []
        for key, (n, mx) in sizes.items():
            over = n > mx
            label = f"{key} {n}/{mx}"
            if over:
                label = f"[$text-error]⚠ {label} over[/]"
            if key == self.specialist:
                label = f"[reverse]{label}[/]"
            chips.append(label)
        filt = []
        if self.specialist:
            filt.append(f"specialist={self.specialist}")
        if self.text:
            filt.append(f"text={escape(repr(self.text))}")
        if self.show_closed:
            filt.append("closed shown")
        line = "Caseloads: " + "  ".join(chips)
        if filt:
            line += "   │ filter: " + ", ".join(filt) + " (esc clears)"
        set_line(self.query_one("#caseloads", Static), line)

    def follow(self, pid: str) -> None:
        self.redraw()
        self.query_one(Board).select(pid)

    # ------------------------------------------------------------ events

    def on_board_open_requested(self, event: Board.OpenRequested) -> None:
        self.app.open_participant(event.pid)

    def on_board_selected(self, event: Board.Selected) -> None:
        card = self.app.cards.get(event.pid) if event.pid else None
        status = self.query_one("#status", Static)
        if card is None:
            set_line(status, "No participant selected" if self.app.caseload is not None else "")
            return
        u = card.urgent
        due = f"{u.rule} {u.words(self.app.today)} ({u.due.isoformat()})" if u else "nothing due"
        set_line(
            status,
            f"{card.id}  {escape(card.name)}  @{escape(card.specialist)}  ·  {due}  ·  enter opens, ] [ move, c contact",
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter-input" and not self._goto_mode:
            self.text = event.value
            self.redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter-input":
            return
        if self._goto_mode:
            pid = event.value.strip()
            self._goto_mode = False
            event.input.value = ""
            self._hide_filterbar()
            if pid:
                self.goto(pid)
            return
        self.query_one(Board).focus()

    def goto(self, pid: str) -> bool:
        cl = self.app.caseload
        if cl is None:
            return False
        match = (
            pid
            if pid in cl.participants
            else next((k for k in cl.participants if k.lower() == pid.lower()), None)
        )
        if match is None:
            self.notify(f"No participant with id {pid!r}", severity="warning")
            return False
        board = self.query_one(Board)
        if not board.select(match):
            # Hidden by a filter or in the closed column: clear what hides it.
            self.specialist, self.text = None, ""
            self.query_one("#filter-input", Input).value = ""
            if cl.participants[match].phase == "closed":
                self.show_closed = True
                board.phases = tuple(PHASES)
            self.redraw()
            self.call_after_refresh(board.select, match)
        board.focus()
        return True

    def _hide_filterbar(self) -> None:
        if not self.text:
            self.query_one("#filterbar").add_class("hidden")
        self.query_one(Board).focus()

    # ------------------------------------------------------------ actions

    def _selected(self) -> str | None:
        return self.query_one(Board).selected_pid

    def action_move(self, step: int) -> None:
        pid = self._selected()
        if pid:
            self.app.move_participant(pid, step)

    def action_contact(self) -> None:
        pid = self._selected()
        if pid:
            self.app.add_contact_for(pid)

    def action_new(self) -> None:
        self.app.new_participant()

    def action_filter(self) -> None:
        self._goto_mode = False
        bar = self.query_one("#filterbar")
        bar.remove_class("hidden")
        self.query_one("#filter-label", Static).update("Filter:")
        inp = self.query_one("#filter-input", Input)
        inp.placeholder = "id, name or specialist — enter returns to the board, esc clears"
        inp.value = self.text
        inp.focus()

    def action_goto(self) -> None:
        self._goto_mode = True
        self.query_one("#filterbar").remove_class("hidden")
        self.query_one("#filter-label", Static).update("Go to id:")
        inp = self.query_one("#filter-input", Input)
        inp.placeholder = "participant id, then enter"
        inp.value = ""
        inp.focus()

    def action_cycle_specialist(self) -> None:
        cl = self.app.caseload
        if cl is None:
            return
        keys = [None, *cl.settings.team]
        i = keys.index(self.specialist) if self.specialist in keys else 0
        self.set_specialist(keys[(i + 1) % len(keys)])

    def set_specialist(self, key: str | None) -> None:
        self.specialist = key
        self.redraw()

    def toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        board = self.query_one(Board)
        board.phases = tuple(PHASES) if self.show_closed else PHASES[:-1]
        self.call_after_refresh(self.redraw)

    def action_clear_filters(self) -> None:
        self._goto_mode = False
        self.specialist = None
        self.text = ""
        self.query_one("#filter-input", Input).value = ""
        self.query_one("#filterbar").add_class("hidden")
        self.query_one(Board).focus()
        self.redraw()
