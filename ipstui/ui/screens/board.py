"""The main screen: the phase board with filters and the team's caseload sizes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from ipstui.core.board import (
    BoardSummary,
    F,
    Narrowing,
    deadline_of,
    resolve_id,
    resummarize,
    summarize,
)
from ipstui.core.findings import tally
from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import PHASES, RULE_LABELS
from ipstui.core.rules import DUE_SOON, OVERDUE
from ipstui.core.validate import left_out
from ipstui.core.vocab import ELLIPSIS, NEEDS_DECISION, PROBLEM, SYMBOL, UNCOMMITTED, cells, fit
from ipstui.ui.keys import TranslatedBindings, allow_letter_action, key_for
from ipstui.ui.onapp import OnIpsApp
from ipstui.ui.screensafe import shown
from ipstui.ui.widgets.board import Board, set_line
from ipstui.ui.widgets.footer import KeysFooter
from ipstui.ui.widgets.inputs import OneLineInput
from ipstui.ui.widgets.phrases import Phrase, fit_phrases

if TYPE_CHECKING:
    pass


TALL = 30
"""Rows from which the board's header may take two lines with its long words (SPEC §9:
at 80×24 every row counts)."""


HEADER_LINES = 2
"""The most lines the board's header takes, at any size and in every language (SPEC §9:
at 80×24 a third line costs the board a row of cards)."""

DROP_SYNC, DROP_DATE = 2, 1
"""`Phrase.drop` ranks of the header: past `HEADER_LINES`, the sync state goes first
(its whole text is in the messages log, `m`), then today's date."""


def fit_last(
    phrases: list[Phrase],
    status: str,
    steady: str,
    width: int,
    lines: int = 1,
    most: int | None = None,
    last: Sequence[Phrase] = (),
) -> Content:
    """The header: `phrases` then `sync: <status>`, packed at `width` cells
    (`phrases.fit_phrases`), `status` cut with `…` where needed so the header takes no
    more lines than it does with `sync: <steady>` (or without a sync phrase when `steady`
    is empty; left out when not even `sync: …` fits). The whole status is in a toast and
    in the messages (`app.action_messages`). `lines`: as `fit_phrases`; `most`: the
    most lines, reached by leaving out phrases by their `drop` rank (the sync phrase's
    is `DROP_SYNC`); `last`: phrases after the sync phrase."""

    def with_status(words: str) -> list[Phrase]:
        sync = shown(_("sync: {status}").format(status=words))
        return [*phrases, Phrase(sync, drop=DROP_SYNC), *last]

    def final(chosen: list[Phrase]) -> Content:
        return fit_phrases(chosen, width, lines, most)

    full = fit_phrases(with_status(status), width, lines)
    if status == steady:  # the steady words are the budget itself
        return final(with_status(status))
    without = [*phrases, *last]
    budget = len(fit_phrases(with_status(steady) if steady else without, width, lines).split())
    if len(full.split()) <= budget:
        return final(with_status(status))
    best = with_status(ELLIPSIS)
    if len(fit_phrases(best, width, lines).split()) > budget:
        return final(without)  # no room at all: the toast and the messages have it
    lo, hi = 1, cells(status) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = with_status(fit(status, mid, pad=False))
        if len(fit_phrases(candidate, width, lines).split()) <= budget:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return final(best)


class BoardScreen(OnIpsApp, TranslatedBindings, Screen):
    """Phase columns from intake to follow-up; overdue cards first in each column."""

    BINDINGS = [
        Binding(
            "right_square_bracket",
            "move(1)",
            N_("Next"),
            key_display="]",
            id="next_phase",
            tooltip=N_("Move the selected participant to the next phase (one commit)"),
        ),
        Binding(
            "left_square_bracket",
            "move(-1)",
            N_("Prev"),
            key_display="[",
            id="prev_phase",
            tooltip=N_("Move the selected participant to the previous phase (one commit)"),
        ),
        Binding(
            "c",
            "contact",
            N_("Contact"),
            id="contact",
            tooltip=N_("Log a contact with the selected participant"),
        ),
        Binding(
            "n", "new", N_("New"), id="new", show=False, tooltip=N_("Add a participant in intake")
        ),
        Binding(
            "slash",
            "filter",
            N_("Filter"),
            key_display="/",
            id="filter",
            tooltip=N_("Filter the board by id, name or specialist"),
            # Priority: run as the app reads the key, before the keys typed after it are
            # sent on (a terminal delivers "/Marco" in one read). In the field itself
            # `check_action` turns it off, so there `/` is typed.
            priority=True,
        ),
        Binding(
            "f",
            "cycle_specialist",
            N_("Specialist"),
            id="specialist",
            show=False,
            tooltip=N_("Show one specialist's caseload, then the next, then everyone"),
        ),
        Binding(
            "C",
            "toggle_closed",
            N_("Closed"),
            id="show_closed",
            show=False,
            tooltip=N_("Show or hide the Closed column"),
        ),
        Binding(
            "g",
            "goto",
            N_("Go to id"),
            id="goto",
            show=False,
            tooltip=N_("Go to a participant by id or number (60 finds P-0060)"),
            priority=True,  # as `filter`: the digits typed right after `g` go in the field
        ),
        Binding(
            "escape",
            "clear_filters",
            N_("Clear filters"),
            id="clear_filters",
            show=False,
            tooltip=N_("Clear the text and specialist filters and hide closed participants"),
        ),
    ]

    show_closed: reactive[bool] = reactive(False, init=False, repaint=False)
    """Whether the Closed column is shown (hidden by default, SPEC §3)."""
    specialist: reactive[str | None] = reactive(None, init=False, repaint=False)
    """Only this specialist's participants (None: the whole team)."""
    text: reactive[str] = reactive("", init=False, repaint=False)
    """Only participants whose id, name or specialist contains this (case-insensitive)."""

    def __init__(self) -> None:
        super().__init__()
        self._goto_mode = False
        self._summary: BoardSummary | None = None
        self._narrowing: Narrowing | None = None
        """The text filter's remembered results for the current cards."""
        self._sync = ""
        self._sync_steady = ""
        self._sync_remembered = ""
        """The sync state last put in the messages for want of room in the header."""
        self._filter_left = False
        """Whether focus left the filter by Enter (its text kept, the board focused)."""

    def compose(self) -> ComposeResult:
        yield Static("ipstui", id="title")
        banner = getattr(self.app, "banner", "")
        if banner:  # the demo's path and commit identity, under the title
            yield Static(banner, id="banner", markup=False)
        yield Static("", id="caseloads")
        with Horizontal(id="filterbar", classes="hidden"):
            yield Static(_("Filter:"), id="filter-label")
            yield OneLineInput(
                placeholder=_("id, name or specialist — enter to return to the board"),
                id="filter-input",
            )
        with Horizontal(id="loading"):
            yield Static(_("Loading caseload…"), id="loading-text")
            yield ProgressBar(total=None, show_eta=False, id="loading-bar")
        yield Board(PHASES[:-1], id="board")
        yield Static("", id="status")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "caseload", self._caseload_changed, init=True)
        # The warnings and errors counted in the header are the Problems screen's list.
        self.ips.findings_read.subscribe(self, lambda _f: self._update_header(), immediate=True)
        self.query_one(Board).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Typed letters run commands only while a list or the board has focus."""
        return None if not allow_letter_action(self, action) else True

    # ------------------------------------------------------------ loading

    def show_progress(self, done: int, total: int) -> None:
        """The loading bar: `done` of `total` files read."""
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#loading-text", Static).update(
            ngettext(
                "Loading caseload… {done}/{total} file",
                "Loading caseload… {done}/{total} files",
                total,
            ).format(done=f"{done:,}", total=f"{total:,}")
        )

    def show_error(self, message: str) -> None:
        """The load failed: say why where the loading bar was."""
        self.query_one("#loading-text", Static).update(Text(f"✖ {message}"))
        self.query_one("#loading-bar").display = False

    def set_sync_status(self, text: str, steady: str | None = None) -> None:
        """The last known sync state (ahead/behind, a sync's outcome), in the header.

        `steady`: the short state words (`in sync`, `2 ahead, 0 behind`) the header is
        sized for (None: `text` itself, shown whole): a longer `text` (a sync's outcome;
        the whole sentence is in a toast) is cut with `…` so the header keeps that
        height (SPEC §9 at 80×24)."""
        self._sync = text
        self._sync_steady = text if steady is None else steady
        self._update_header()

    # ------------------------------------------------------------ data

    def _caseload_changed(self, cl) -> None:
        if cl is None:
            return
        self.query_one("#loading").display = False
        self.redraw()

    def watch_show_closed(self) -> None:
        self.redraw()

    def watch_specialist(self) -> None:
        self.redraw()

    def watch_text(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Recompute the visible columns from the app's cards and the filters."""
        cl = self.ips.caseload
        if cl is None:
            return
        by_phase = self._derived().by_phase
        narrowing = self._narrowing
        if narrowing is None or narrowing.source is not by_phase:
            # New cards (a load, a save, a sync): results of the old ones are dropped.
            narrowing = self._narrowing = Narrowing(by_phase)
        data = narrowing(
            show_closed=self.show_closed,
            specialist=self.specialist,
            text=self.text,
        )
        self.query_one(Board).set_data(data, self.ips.today)
        self._update_header()
        self._update_status()

    def _derived(self) -> BoardSummary:
        """What depends only on the cards (not on the filters), computed once per change;
        after an edit of one participant, updated for that card alone."""
        app = self.ips
        cards = app.cards
        cached = self._summary
        if cached is not None and cached.of is cards:
            return cached
        delta = app.cards_delta
        settings = app.caseload.settings
        if cached is not None and delta is not None and delta[0] is cached.of:
            cached = resummarize(cached, cards, delta[1], settings)
        else:
            cached = summarize(cards, settings)
        self._summary = cached
        return cached

    def _update_header(self) -> None:
        cl = self.ips.caseload
        # Not composed yet: a sync state read before the board was composed (a loaded
        # machine) is kept in `_sync` and drawn when the board mounts (its caseload watch).
        if cl is None or not self.query("#title"):
            return
        derived = self._derived()
        counts = derived.counts
        title = shown(cl.settings.name or cl.root.name)
        # Phrases, each kept whole (`phrases.fit_phrases`); the short forms, highest
        # rank first, give way when they save a line (SPEC §9 at 80×24).
        parts = [
            Phrase(f"[b]{title}[/b]"),
            Phrase(ngettext("{n} open", "{n} open", derived.open).format(n=derived.open)),
            Phrase(
                _("today {date}").format(date=self.ips.today.isoformat()),
                self.ips.today.isoformat(),
                rank=1,
                drop=DROP_DATE,
            ),
        ]
        # Participants, each counted once by their most urgent deadline (the agenda
        # counts deadlines and says so).
        states = []
        if counts[OVERDUE]:
            n = counts[OVERDUE]
            words = escape(ngettext("{n} overdue", "{n} overdue", n).format(n=n))
            states.append(f"[$text-error]{SYMBOL[OVERDUE]} {words}[/]")
        if counts[DUE_SOON]:
            n = counts[DUE_SOON]
            words = escape(ngettext("{n} due soon", "{n} due soon", n).format(n=n))
            states.append(f"[$text-warning]{SYMBOL[DUE_SOON]} {words}[/]")
        if states:
            listed = ", ".join(states)
            parts.append(Phrase(_("participants {states}").format(states=listed), listed, rank=2))
        if derived.conflicts:
            n = derived.conflicts
            words = ngettext("{n} needs a decision", "{n} need a decision", n).format(n=n)
            parts.append(Phrase(f"[$text-warning]{SYMBOL[NEEDS_DECISION]} {escape(words)}[/]"))
        settings_phrase: list[Phrase] = []
        if cl.problems:
            # Files left out of the board are counted first: a board missing a participant
            # must say so (SPEC §7's exit 3, on screen). Team settings that could not be
            # read are said as such: every deadline, chip and the name use the defaults.
            missing = left_out(cl.problems)
            key = key_for(self, "problems", "p")
            if any(p.path == "caseload.toml" for p in missing):
                missing = [p for p in missing if p.path != "caseload.toml"]
                if cl.settings.unknown and not cl.settings_data:  # it did not parse
                    words = _(
                        "the team settings (caseload.toml) could not be read, so deadlines, due-soon days, caseload sizes and the team use the defaults — press {key}"
                    ).format(key=key)
                    short = _("caseload.toml unreadable: defaults used")
                else:
                    words = _(
                        "caseload.toml has an error, so the settings it could not give use the defaults — press {key}"
                    ).format(key=key)
                    short = _("caseload.toml has an error: defaults used")
                # Last in the header: the longest phrase takes a line of its own (its
                # short form where it is wider than a line; the sentence is whole on the
                # Problems screen).
                settings_phrase.append(
                    Phrase(
                        f"[$text-error]{SYMBOL[PROBLEM]} {escape(words)}[/]",
                        f"[$text-error]{SYMBOL[PROBLEM]} {escape(short)}[/]",
                    )
                )
            left = len(missing)
            if left:
                words = ngettext(
                    "{n} file left out — press {key}", "{n} files left out — press {key}", left
                ).format(n=left, key=key)
                short = ngettext("{n} file left out", "{n} files left out", left).format(n=left)
                parts.append(
                    Phrase(
                        f"[$text-error]{SYMBOL[PROBLEM]} {escape(words)}[/]",
                        f"[$text-error]{SYMBOL[PROBLEM]} {escape(short)}[/]",
                        rank=3,
                    )
                )
        # The Problems screen's own list and count (`findings.tally`), read by the
        # app's worker for the latest snapshot and day (future dates are warnings), and
        # the uncommitted files it lists: each counted, or all in one phrase when that
        # keeps the header to its lines.
        findings = self.ips.findings
        errs, warns = tally(findings.problems) if findings is not None else (0, 0)
        dirty = len(cl.dirty)
        counted = []
        if errs:
            words = ngettext("{n} error", "{n} errors", errs).format(n=errs)
            counted.append(Phrase(f"[$text-error]{SYMBOL[PROBLEM]} {escape(words)}[/]"))
        if warns:
            words = ngettext("{n} warning", "{n} warnings", warns).format(n=warns)
            counted.append(Phrase(f"[$text-warning]{SYMBOL[PROBLEM]} {escape(words)}[/]"))
        if dirty:
            words = ngettext("{n} uncommitted", "{n} uncommitted", dirty).format(n=dirty)
            counted.append(Phrase(f"[$text-warning]{SYMBOL[UNCOMMITTED]} {escape(words)}[/]"))
        together = []
        if len(counted) > 1:
            n, key = errs + warns + dirty, key_for(self, "problems", "p")
            words = ngettext(
                "{n} problem to see — press {key}", "{n} problems to see — press {key}", n
            ).format(n=n, key=key)
            short = ngettext("{n} problem to see", "{n} problems to see", n).format(n=n)
            style = "$text-error" if errs else "$text-warning"
            together = [
                Phrase(
                    f"[{style}]{SYMBOL[PROBLEM]} {escape(words)}[/]",
                    f"[{style}]{SYMBOL[PROBLEM]} {escape(short)}[/]",
                    rank=3,
                )
            ]
        title_widget = self.query_one("#title", Static)
        width = title_widget.content_size.width or max(self.app.size.width - 2, 20)
        # A tall terminal spends two lines on the long words before any gives way; at
        # 24 rows the short forms keep the header to as few lines as they can; never
        # more than HEADER_LINES (counts together, then the sync state, then the date
        # give way).
        lines = 2 if self.app.size.height >= TALL else 1

        def header(tail: list[Phrase], most: int | None) -> Content:
            if self._sync:
                return fit_last(
                    parts + tail, self._sync, self._sync_steady, width, lines, most,
                    last=settings_phrase,
                )  # fmt: skip
            return fit_phrases(parts + tail + settings_phrase, width, lines, most)

        line = header(counted, None)
        if len(line.split()) > HEADER_LINES:
            line = header(together or counted, HEADER_LINES)
        if self._sync:
            said = _("sync: {status}").format(status=self._sync)
            # Whole in the header when the phrase it was given (`shown(said)`, read as
            # markup) is in it; the log gets the text itself (its view escapes it).
            given = Content.from_markup(shown(said)).plain
            if given not in line.plain and self._sync != self._sync_remembered:
                # Left out or cut to fit: whole in the messages (`m`).
                self._sync_remembered = self._sync
                self.ips.remember(said, title=_("Sync"))
        if getattr(title_widget, "_ipstui_text", None) != line:
            # Whole phrases on each line (nothing cut but an outsized phrase, with `…`).
            title_widget._ipstui_text = line  # type: ignore[attr-defined]
            title_widget.update(line)
        chips = []
        for key, (n, mx) in derived.sizes.items():
            label = shown(f"{key} {n}/{mx}")
            if n > mx:
                label = shown(_("{chip} over").format(chip=f"{key} {n}/{mx}"))
                label = f"[$text-error]{SYMBOL[PROBLEM]} {label}[/]"
            if key == self.specialist:
                label = f"[reverse]{label}[/]"
            chips.append(label)
        filt = []
        if self.specialist:
            filt.append(shown(_("specialist={key}").format(key=self.specialist)))
        if self.text:
            filt.append(shown(_("text={text}").format(text=repr(self.text))))
        if self.show_closed:
            filt.append(escape(_("closed shown")))
        line = escape(_("Caseloads:")) + " " + "  ".join(chips)
        if filt:
            esc = key_for(self, "clear_filters", "esc")
            head = escape(_("filter:"))
            clears = escape(_("({key} clears)").format(key=esc))
            line = f"[b]{head}[/b] {', '.join(filt)} {clears}  │ " + line
        set_line(self.query_one("#caseloads", Static), line)

    def _update_status(self) -> None:
        """The selected participant's line, from the current cards (so it is never stale
        after a save or a change of day)."""
        pid = self.query_one(Board).selected_pid
        card = self.ips.cards.get(pid) if pid else None
        status = self.query_one("#status", Static)
        if card is None:
            set_line(status, _("No participant selected") if self.ips.caseload is not None else "")
            return
        today = self.ips.today
        u = deadline_of(card)
        due = (
            _("{rule} {when} ({date})").format(
                rule=RULE_LABELS.get(u.rule, u.rule), when=u.words(today), date=u.due.isoformat()
            )
            if u
            else _("nothing due")
        )
        keys = _("{open} opens, {next} {prev} move, {contact} contact").format(
            open=key_for(self, "open", "enter"),
            next=key_for(self, "next_phase", "]"),
            prev=key_for(self, "prev_phase", "["),
            contact=key_for(self, "contact", "c"),
        )
        width = max(1, status.content_region.width or self.app.size.width - 2)
        text = f"{card[F.ID]}  {card[F.NAME]}  @{card[F.SPECIALIST]}  ·  {due}  ·  {keys}"
        set_line(status, Text(fit(text, width, pad=False)))

    def follow(self, pid: str) -> None:
        """Redraw and put the cursor on `pid` (after it moved or was added)."""
        self.redraw()
        self.query_one(Board).select(pid)

    # ------------------------------------------------------------ events

    def on_board_open_requested(self, event: Board.OpenRequested) -> None:
        self.ips.open_participant(event.pid)

    def on_board_selected(self, event: Board.Selected) -> None:
        self._update_status()

    def on_resize(self) -> None:
        self.call_after_refresh(self._update_status)
        self.call_after_refresh(self._update_header)  # its phrases are packed to the width

    def on_input_changed(self, event: OneLineInput.Changed) -> None:
        if event.input.id == "filter-input" and not self._goto_mode:
            self.text = event.value

    def on_input_submitted(self, event: OneLineInput.Submitted) -> None:
        if event.input.id != "filter-input":
            return
        if self._goto_mode:
            pid = event.value.strip()
            self._goto_mode = False
            event.input.value = self.text
            self._hide_filterbar()
            if pid:
                self.goto(pid)
            return
        # Enter after a text filter: the first match (the most urgent card of the first
        # phase that has one) under the cursor, on the focused board; Enter again opens
        # it, as the status line says. Never opened at once: one match is not a choice.
        # No match: the field keeps focus and says so, so the rest of a name typed on
        # goes in it (issue 13: " Tedeschi" ran Employers, Sync and Contact). Letters
        # typed after Enter that reached the field first (one terminal read): the typing
        # goes on, the Enter is dropped.
        if event.input.value != event.value:
            return
        board = self.query_one(Board)
        if self.text:
            first = board.first_pid()
            if first is None:
                self.notify(
                    _("No participant matches {text}: the filter stays open.").format(
                        text=repr(self.text)
                    ),
                    severity="warning",
                    timeout=4,
                )
                return
            board.select(first)
        self._filter_left = True
        self.set_focus(board)  # at once: the key typed right after Enter is a board key

    def take_typed(self, character: str, field: object) -> bool:
        """A letter typed on right after Enter left the filter (`keys.TypingGuard`): it
        goes back into the filter, which takes focus again, so a name typed on in one go
        ("Marco", Enter, " Tedeschi") filters by all of it. False (not taken) for any
        other field, and after the id field or escape."""
        inp = self.query_one("#filter-input", OneLineInput)
        if field is not inp or not self._filter_left or self._goto_mode:
            return False
        self.action_filter()
        inp.insert_text_at_cursor(character)
        return True

    def goto(self, pid: str) -> bool:
        """Select the participant `pid` names (an id, or its number: `60` finds P-0060),
        clearing whatever filter hides it; False (and a notice) when there is none."""
        cl = self.ips.caseload
        if cl is None:
            return False
        match = resolve_id(pid, cl.participants)
        if match is None:
            self.notify(_("No participant with id {id}").format(id=repr(pid)), severity="warning")
            return False
        board = self.query_one(Board)
        if not board.select(match):
            # Hidden by a filter or in the closed column: clear what hides it.
            self._goto_mode = False
            self.query_one("#filter-input", OneLineInput).value = ""
            self.specialist, self.text = None, ""
            if cl.participants[match].phase == "closed":
                self.show_closed = True
            self.redraw()
            board.select(match)
        board.focus()
        return True

    def _hide_filterbar(self) -> None:
        if not self.text:
            self.query_one("#filterbar").add_class("hidden")
        self.set_focus(self.query_one(Board))

    # ------------------------------------------------------------ actions

    def _selected(self) -> str | None:
        return self.query_one(Board).selected_pid

    def action_move(self, step: int) -> None:
        """Move the selected participant one phase on (`step` 1) or back (-1)."""
        pid = self._selected()
        if pid:
            self.ips.move_participant(pid, step)

    def action_contact(self) -> None:
        """Log a contact with the selected participant."""
        pid = self._selected()
        if pid:
            self.ips.add_contact_for(pid)

    def action_new(self) -> None:
        """Add a participant."""
        self.ips.new_participant()

    def action_filter(self) -> None:
        """Show the filter bar and put the cursor in it."""
        self._goto_mode = False
        self._filter_left = False
        bar = self.query_one("#filterbar")
        bar.remove_class("hidden")
        self.query_one("#filter-label", Static).update(_("Filter:"))
        inp = self.query_one("#filter-input", OneLineInput)
        esc = key_for(self, "clear_filters", "esc")
        inp.placeholder = _(
            "id, name or specialist — enter returns to the board, {key} clears"
        ).format(key=esc)
        inp.value = self.text
        # At once, not at the next message (Widget.focus): keys typed right after `/` are
        # already queued, and would reach the board's bindings (typing "Marco" opened the
        # agenda, then reports).
        self.set_focus(inp)

    def action_goto(self) -> None:
        """Ask for an id (or a number) and go to that participant."""
        self._goto_mode = True
        self._filter_left = False
        self.query_one("#filterbar").remove_class("hidden")
        self.query_one("#filter-label", Static).update(_("Go to id:"))
        inp = self.query_one("#filter-input", OneLineInput)
        inp.placeholder = _("participant id or number (60 finds P-0060), then enter")
        inp.value = ""
        self.set_focus(inp)  # at once: the digits typed right after the key go in it

    def action_cycle_specialist(self) -> None:
        """One specialist's caseload, then the next, then the whole team."""
        cl = self.ips.caseload
        if cl is None:
            return
        keys = [None, *cl.settings.team]
        i = keys.index(self.specialist) if self.specialist in keys else 0
        self.set_specialist(keys[(i + 1) % len(keys)])

    def set_specialist(self, key: str | None) -> None:
        """Only `key`'s participants (None: everyone)."""
        self.specialist = key

    def action_toggle_closed(self) -> None:
        """Show or hide the Closed column."""
        self.show_closed = not self.show_closed

    toggle_closed = action_toggle_closed

    def action_clear_filters(self) -> None:
        """Back to the default board: no text or specialist filter, closed hidden."""
        self._goto_mode = False
        self._filter_left = False
        self.query_one("#filter-input", OneLineInput).value = ""
        self.query_one("#filterbar").add_class("hidden")
        self.set_focus(self.query_one(Board))
        self.set_reactive(BoardScreen.specialist, None)
        self.set_reactive(BoardScreen.text, "")
        self.set_reactive(BoardScreen.show_closed, False)
        self.redraw()
