"""The ipstui Textual app: board, agenda, problems, help and palette. Loading,
saving, syncing and watching the disk all run in workers; the UI thread only draws."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from ipstui.core.board import Card, make_card, make_cards
from ipstui.core.i18n import N_, _
from ipstui.core.model import PHASES, Participant, Problem, changed_ids
from ipstui.core.service import (
    Caseload,
    CaseloadError,
    CaseloadService,
    GitError,
    Register,
    SaveResult,
    StaleEdit,
)
from ipstui.core.termsafe import escape
from ipstui.core.vocab import who
from ipstui.ui.commands import ActionsProvider, Palette, ParticipantsProvider
from ipstui.ui.keys import TranslatedBindings, TypingGuard, allow_letter_action, typing_field
from ipstui.ui.messages import (
    CaseloadLoaded,
    DiskChanged,
    EditRefused,
    EditSaved,
    EmployerChoicesRead,
    FilesTouched,
    LoadFailed,
    LoadProgressed,
    ProblemsRead,
    RecordReadToOpen,
    SyncFinished,
    SyncStatusRead,
    WatchFellBack,
)
from ipstui.ui.screensafe import DropUnsafe, visible_segments

if TYPE_CHECKING:
    from ipstui.ui.screens.forms.dialogs import EmployerChoiceForm

WATCH_INTERVAL = 2.0
SELECT_READ_DELAY = 0.1
"""Seconds the board's cursor rests on a card before its file is read (a summary-only
snapshot): `IpsApp.on_board_selected`."""
DATE_CHECK = 30.0
"""Seconds between two looks at the clock for a new day (`IpsApp.check_date`)."""
EDIT_WORKER = "edit:"
"""Name prefix of an edit's worker; the request number follows."""
SCREEN_MODULES = ("participant", "reports", "agenda", "problems", "employers", "fidelity", "help")
"""The screens' modules (under ipstui.ui.screens) that are imported on their first open."""


def warm_screen_modules() -> None:
    """Import every screen's module (SCREEN_MODULES), in the load worker once the board
    is up: the first open of a screen then only builds it. Measured on the demo at
    120×40: the participant screen's import was 27 ms of the first Enter, Reports' 15 ms
    of the first `r` (bench/RESULTS.md round 7: ~12 ms of a 50 ms frame budget).
    Start-up is unchanged: the app imports none of them before the board shows."""
    import importlib

    for name in SCREEN_MODULES:
        importlib.import_module(f"ipstui.ui.screens.{name}")


CLOSING_KEYS = frozenset({"escape", "enter"})
"""Keys that may close a screen or a dialog: the keys typed after one are read once it
has acted, so they reach the screen then on top (`IpsApp._on_key`, issue 13 item 4:
`esc esc g 6 1 enter` typed at once after a dialog over Employers typed `g61` into the
closing dialog's field, and Enter opened the selected card)."""
KEY_SETTLE = 0.25
"""Seconds the keys after a closing key wait at most, when a widget kept the key (a
text area's Enter) and it never comes back to the app."""

MESSAGES_KEPT = 200
"""How many notifications the messages view keeps (`IpsApp.action_messages`)."""

REPORTS = "reports"
SCREEN_OF_ACTION = {
    "agenda": "AgendaScreen",
    "problems": "ProblemsScreen",
    "reports": "ReportsScreen",
    "employers": "EmployersScreen",
    "fidelity": "FidelityScreen",
}
"""The app's actions that open a screen, and the class of the screen each opens."""
"""Name of the installed Reports screen (one per app, kept between opens)."""


class IpsApp(TranslatedBindings, App[int]):
    """The caseload app. `caseload` is an immutable snapshot, replaced after each change."""

    CSS_PATH = Path(__file__).parent / "ipstui.tcss"
    TITLE = "ipstui"
    BINDINGS = [
        Binding(
            "q",
            "quit",
            N_("Quit"),
            id="quit",
            tooltip=N_("Quit (asks first when a screen has unsaved edits)"),
        ),
        Binding(
            "question_mark",
            "help",
            N_("Help"),
            id="help",
            key_display="?",
            tooltip=N_("The keys of this screen"),
        ),
        Binding(
            "a",
            "agenda",
            N_("Agenda"),
            id="agenda",
            tooltip=N_("Every open deadline, overdue first"),
        ),
        Binding(
            "r", "reports", N_("Reports"), id="reports", tooltip=N_("Outcome figures by quarter")
        ),
        Binding(
            "p",
            "problems",
            N_("Problems"),
            id="problems",
            tooltip=N_("Invalid files and uncommitted hand edits"),
        ),
        Binding(
            "e",
            "employers",
            N_("Employers"),
            id="employers",
            tooltip=N_("The employer register and job-development log"),
        ),
        Binding(
            "F",
            "fidelity",
            N_("Fidelity"),
            id="fidelity",
            tooltip=N_("IPS-25 self-review of the records"),
        ),
        Binding(
            "m",
            "messages",
            N_("Messages"),
            id="messages",
            show=False,
            tooltip=N_("Every message of this session, whole"),
        ),
        Binding(
            "s",
            "sync",
            N_("Sync"),
            id="sync",
            tooltip=N_("Fetch, merge and push with the team's remote"),
        ),
    ]
    COMMANDS = App.COMMANDS | {ActionsProvider, ParticipantsProvider}

    caseload: reactive[Caseload | None] = reactive(None, always_update=True, init=False)
    """The loaded caseload (None until the first load finishes)."""
    cards: dict[str, Card]
    """The board card of every participant, kept in step with `caseload`."""

    def __init__(
        self,
        root: Path,
        *,
        today: date | None = None,
        clock: Callable[[], date] = date.today,
        watch_disk: bool = True,
    ) -> None:
        """`today` fixes the date (`--today`); else `clock()` is read for it, and the app
        notices the day change within DATE_CHECK seconds (`check_date`)."""
        super().__init__()
        self.root = root
        self.service = CaseloadService(root)
        """The one way to the caseload on disk: loads, edits, history, sync."""
        self._fixed_today = today
        self._clock = clock
        self._seen_today = self.today
        self._watch_disk = watch_disk
        self._lock = threading.Lock()
        self._latest: Caseload | None = None
        self._fingerprint: tuple | None = None
        self._git_file_paths: tuple[tuple[Path, ...], Path | None] | None = None
        self.cards = {}
        self.cards_delta: tuple[dict[str, Card], str] | None = None
        """(the cards before, the id that changed) after a one-participant save."""
        self.caseload_replaced: Signal[Caseload | None] = Signal(self, "caseload_replaced")
        """Published with each new snapshot, and with the same snapshot and new cards when
        the day changes (`check_date`); screens follow it through
        `onapp.FollowsCaseload`, which ends the subscription when they are removed."""
        self.employer_register: Register | None = None
        """The employer register as last read off the UI thread (for each snapshot by
        `read_findings`, and by the Employers screen): the contact and job dialogs
        offer its employers without reading employers/ on the UI thread."""
        self._selected_record: Participant | None = None
        """The participant selected on the board, held so its file is read once
        (`on_board_selected`)."""
        self._select_timer: Timer | None = None
        """The pending read of the board's selected record (`on_board_selected`)."""
        self._opening: str | None = None
        """The participant whose screen opens once its file is read (`open_participant`)."""
        self.findings: ProblemsRead | None = None
        """The one problem list (`ipstui validate`'s) of the latest snapshot read, as of
        its day: the header counts it and the Problems screen lists it."""
        self.findings_read: Signal[ProblemsRead] = Signal(self, "findings_read")
        """Published with each new `findings`."""
        self.unsafe_filter = DropUnsafe()
        """The last choke point of SPEC §13 (`screensafe.DropUnsafe`), on every line drawn."""
        self._filters.append(self.unsafe_filter)
        self.sub_title = str(root)
        self.banner = ""
        """A line shown under the board's title when set (the demo's path and identity)."""
        self.load_error: str | None = None
        self._requests = 0
        """The number of the latest edit request (`run_edit`)."""
        self.last_save: SaveResult | None = None
        """The latest edit this app saved, taken before its snapshot is published: a
        screen that sees its record's version come back as that save's knows the commit
        holding it without asking git (`ParticipantScreen._own_save`)."""
        self._follow_on_save: dict[int, str] = {}
        self._key_screens: WeakKeyDictionary[events.Key, Screen] = WeakKeyDictionary()
        """The screen on top when each key in flight was read (`_on_key`)."""
        self.messages: deque[tuple[str, str]] = deque(maxlen=MESSAGES_KEPT)
        """(title, message) of every notification, newest first, as given (unescaped)."""
        self._key_pending: events.Key | None = None
        """A closing key (`CLOSING_KEYS`) read and not yet acted on (`_key_acted`)."""
        self._key_backlog: list[events.Key] = []
        """Keys read while `_key_pending` waits, read again after it."""
        self.typing = TypingGuard()
        """Holds the command letters of a name typed on after its field lost focus."""
        """Edit request → the participant the board's cursor follows once it is saved
        ("": the one the edit made)."""
        self._watch_stop = threading.Event()
        self._status_words = ""
        """The sync state as last read without the network (`_sync_words`)."""
        self._sync_note = ""
        """The last sync's own account (a renumbering, a failure), shown in the status line
        in place of the state until the user presses a key: a reload must not wipe it."""

    def _fatal_error(self) -> None:
        """On a crash, show the stack without local variables: Textual's default prints
        them, and here they hold participants' records (health data)."""
        try:
            from rich.console import Group
            from rich.segment import Segments
            from rich.text import Text
            from rich.traceback import Traceback

            self.bell()
            note = Text(
                _(
                    "ipstui stopped on an unexpected error. Every saved change is committed "
                    "in git; an edit that was not saved is not in the files. Please report "
                    "the lines below."
                )
                + "\n",
                style="bold",
            )
            trace = Traceback(show_locals=False, width=None)
            both = Group(note, trace)  # one error: outside dev mode Textual shows only the first
            lines = self.console.render(both, self.console.options)
            self._exit_renderables.append(Segments(visible_segments(lines)))
            self._close_messages_no_wait()
        except Exception:  # noqa: BLE001 — Textual internals moved: use its own handler
            super()._fatal_error()

    # ------------------------------------------------------------ terminal safety

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Textual's toast, with `message` and `title` escaped (SPEC §13): a toast often
        quotes a file name or an error that quotes a file's text. New lines stay."""
        self.messages.appendleft((title, message))
        super().notify(escape(message, keep="\n"), title=escape(title), **kwargs)

    def remember(self, message: str, *, title: str = "") -> None:
        """Put `message` in the messages view (`action_messages`) without a toast: the
        whole text of something a screen had no room to show (the board's header at
        80×24 leaves out its sync state)."""
        self.messages.appendleft((title, message))

    def action_messages(self) -> None:
        """Every message of this session, newest first, each whole (a toast may be cut
        to its box or gone before it was read; SPEC §9)."""
        from ipstui.ui.widgets.reading import ReadingView

        if isinstance(self.screen, ReadingView):
            return
        entries = list(self.messages) or [("", _("No messages yet."))]
        self.push_screen(ReadingView(_("Messages, newest first"), entries))

    def validate_title(self, title: str) -> str:
        """The app's title, escaped (SPEC §13; it may name the caseload's folder)."""
        return escape(title)

    def validate_sub_title(self, sub_title: str) -> str:
        """The app's sub-title, escaped (SPEC §13; it is the caseload's path)."""
        return escape(sub_title)

    def watch_caseload(self, caseload: Caseload | None) -> None:
        self.caseload_replaced.publish(caseload)
        if caseload is not None:
            self.read_findings(caseload, self.today)

    @work(
        thread=True,
        exclusive=True,
        group="findings",
        exit_on_error=False,
        description=N_("reading problems"),
    )
    def read_findings(self, cl: Caseload, today: date) -> None:
        """The one problem list of `ipstui validate` for the snapshot as of `today` (the
        service reads the employer register) and which of its uncommitted files are gone
        from disk, off the UI thread; posts ProblemsRead."""
        register: Register | None = None
        try:
            register = self.service.employers(cl)
        except OSError as exc:
            # employers/ cannot be read: said once in the list, not as an error toast after
            # every save (this runs for every snapshot).
            reason = _("the employer register could not be read: {error}").format(error=exc)
            problems = [*cl.problems, Problem("employers", 0, 0, reason)]
        else:
            problems = self.service.problems(cl, register, today=today)
        gone = frozenset(rel for rel in cl.dirty if not self.service.exists(rel))
        self.post_message(ProblemsRead(cl, problems, today, gone, register))

    @on(ProblemsRead)
    def _findings_read(self, message: ProblemsRead) -> None:
        if message.snapshot is self.caseload and message.today == self.today:
            self.findings = message  # else a newer read is on its way
            if message.register is not None:
                self.employer_register = message.register
            self.findings_read.publish(message)

    # ------------------------------------------------------------ time

    @property
    def today(self) -> date:
        """The date used for deadlines: fixed by --today, else read from the clock."""
        return self._fixed_today or self._clock()

    # ------------------------------------------------------------ startup

    def get_default_screen(self):
        from ipstui.ui.screens.board import BoardScreen

        return BoardScreen()

    def on_load(self) -> None:
        """Start reading the caseload as soon as the app's loop runs, before Textual reads
        the stylesheet and lays out the first screen: the load overlaps that start-up
        instead of waiting for it (what a thread started in `__init__` did, as a worker)."""
        self.load_caseload(first=True)

    def on_mount(self) -> None:
        from ipstui.core.config import load_keymap

        keymap, problems = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title=_("Key settings ignored"), severity="warning", timeout=10)
        self.set_interval(DATE_CHECK, self.check_date)
        if self._watch_disk:
            self._start_watching()

    @work(
        thread=True,
        exclusive=True,
        group="load",
        exit_on_error=False,
        description=N_("loading caseload"),
    )
    def load_caseload(self, first: bool = False) -> None:
        """Read the caseload in a worker; posts CaseloadLoaded (or LoadFailed), then settles the sync status and the disk fingerprint."""

        def progress(done: int, total: int) -> None:
            self.post_message(LoadProgressed(done, total))

        started = time.time_ns()
        try:
            cl = self.service.load(progress=progress)
            cards = make_cards(cl.participants, cl.settings, self.today)
        except (CaseloadError, GitError, OSError) as exc:
            self.post_message(LoadFailed(str(exc)))
            return
        # Anything else ends the worker in error: `_worker_failed` says so on the board.
        with self._lock:
            self._latest = cl
            self._fingerprint = None  # taken by _settle, once the board is up
        self.post_message(CaseloadLoaded(cl, cards))
        self._settle(cl, started, first)

    def _settle(self, cl: Caseload, started: int, first: bool) -> None:
        """After a load is on screen (runs in a thread): merge driver, sync status, and the
        disk fingerprint the watcher compares against."""
        if first:
            self._ensure_driver()
            warm_screen_modules()
        self.post_message(SyncStatusRead(self._sync_words(cl)))
        fp = self._fingerprint_now()
        with self._lock:
            if self._latest is cl and self._fingerprint is None:
                self._fingerprint = fp
        if fp[-1][1] >= started:
            # A file changed while we were loading: load again so it is not missed.
            self.post_message(DiskChanged())

    def _sync_words(self, cl: Caseload) -> str:
        """ahead / behind / in sync, without touching the network (the board's header
        counts the records that need a decision from its cards)."""
        try:
            st = self.service.sync_status() if cl.is_git else None
        except Exception:  # noqa: BLE001 — the status line is informative only
            st = None
        return _("no remote") if st is None else st.words()

    def _ensure_driver(self) -> None:
        """A plain clone lacks the merge driver config; add it (SPEC §6)."""
        try:
            self.service.ensure_merge_driver()
        except Exception:  # noqa: BLE001 — never block opening the caseload on this
            pass

    # ------------------------------------------------------------ worker reports

    @on(CaseloadLoaded)
    def _caseload_loaded(self, message: CaseloadLoaded) -> None:
        self._loaded(message.caseload, message.cards)

    @on(LoadProgressed)
    def _progress(self, message: LoadProgressed) -> None:
        screen = self._board_screen()
        if screen is not None:
            screen.show_progress(message.done, message.total)

    @on(LoadFailed)
    def _load_failure(self, message: LoadFailed) -> None:
        self._load_failed(message.reason)

    @on(DiskChanged)
    def _disk_changed(self) -> None:
        self.load_caseload()

    @on(SyncStatusRead)
    def _sync_status_read(self, message: SyncStatusRead) -> None:
        self._status_words = message.words
        self._sync_status(self._sync_note or message.words)

    async def on_event(self, event: events.Event) -> None:
        """Every key reaches the app first: a letter typed on after its field lost focus
        runs no command (`keys.TypingGuard`); the first key after a sync's account was
        shown means the user has acted, and the status line goes back to the state."""
        if isinstance(event, events.Key) and not event.is_forwarded and self._key_pending:
            self._key_backlog.append(event)  # read once the key before it has acted
            return
        if isinstance(event, events.MouseDown):
            self.typing.release()
        elif (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self.typing.hold(event.key, event.character, typing_field(self))
        ):
            self._typed_after_field(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._key_screens[event] = self.screen
            if event.key in CLOSING_KEYS:
                self._key_pending = event
                self.set_timer(KEY_SETTLE, partial(self._key_acted, event))
        if isinstance(event, events.Key) and self._sync_note:
            self._sync_note = ""
            if self._status_words:
                self._sync_status(self._status_words)
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """A key that reaches the app after a screen change it was typed ahead of is
        routed again, to the screen now on top (issue 13 item 4).

        Textual sends each key to the widget focused when the key is read, and checks
        the bindings when the key comes back up, by then with the new screen's focus:
        after `esc` left Employers, `g 6 1 enter` typed at once ran `g` on the board, the
        digits reached no field, and Enter opened the selected card instead of P-0061.
        Read again, each key goes where it would have gone had the app kept up."""
        sent_to = self._key_screens.pop(event, None)
        if event.is_forwarded and sent_to is not None and sent_to is not self.screen:
            # Not App._on_key too (Textual calls each class's handler in turn): it would
            # check the bindings with the new screen's focus.
            event.prevent_default()
            event.stop()
            self.post_message(events.Key(event.key, event.character))
        # The keys read after a closing key wait for it to act (its binding runs next,
        # in App._on_key, before the messages posted here are read).
        self._key_acted(event)

    def _key_acted(self, event: events.Key) -> None:
        """`event` (a closing key) has acted, or KEY_SETTLE passed (a widget kept it):
        the keys read meanwhile are read again, in order."""
        if event is not self._key_pending:
            return
        self._key_pending = None
        backlog, self._key_backlog = self._key_backlog, []
        for key in backlog:
            self.post_message(events.Key(key.key, key.character))

    def _typed_after_field(self, event: events.Key) -> None:
        """A key held by the typing guard: the screen takes it back into the field it
        was typed for (`take_typed`), or it is dropped, and the first one of a burst
        says so."""
        take = getattr(self.screen, "take_typed", None)
        if take is not None and event.character and take(event.character, self.typing.field):
            return
        if not self.typing.told:
            self.typing.told = True
            self.notify(
                _(
                    "Typing after leaving a field runs no command: pause a moment or press an arrow key, then press the key again."
                ),
                severity="warning",
                timeout=5,
            )

    @on(FilesTouched)
    def _files_touched(self) -> None:
        self._poll_disk()

    @on(WatchFellBack)
    def _watch_fell_back(self) -> None:
        self.set_interval(WATCH_INTERVAL, self._poll_disk)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's uncaught error becomes a message on screen (the
        workers catch what they expect; this is for what they did not)."""
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error
        what = _(worker.description) if worker.description else None
        what = what or worker.name or _("a background task")
        text = f"{what}: {type(error).__name__}: {error}"
        if worker.group == "load" and self.caseload is None:
            self._load_failed(
                _("unexpected error while loading: {error}").format(
                    error=f"{type(error).__name__}: {error}"
                )
            )
            return
        if worker.group == "edit" and worker.name.startswith(EDIT_WORKER):
            # The screen that asked must hear its edit is over (it counts edits in flight).
            request = int(worker.name.removeprefix(EDIT_WORKER))
            wrapped = CaseloadError(
                _("unexpected error, nothing was saved: {error}").format(
                    error=f"{type(error).__name__}: {error}"
                )
            )
            self.post_message(EditRefused(request, what.removeprefix("saving: "), wrapped))
            return
        self.notify(text, title=_("Something went wrong"), severity="error", timeout=15)

    def _load_failed(self, message: str) -> None:
        self.load_error = message
        self.notify(message, title=_("Could not load the caseload"), severity="error", timeout=15)
        screen = self._board_screen()
        if screen is not None:
            screen.show_error(message)

    def _loaded(self, cl: Caseload, cards: dict[str, Card]) -> None:
        self.cards = cards
        self.cards_delta = None
        self.caseload = cl

    def _board_screen(self):
        from ipstui.ui.screens.board import BoardScreen

        for screen in self.screen_stack:
            if isinstance(screen, BoardScreen):
                return screen
        return None

    # ------------------------------------------------------------ the world moves

    def _start_watching(self) -> None:
        """Reload when the disk changes: the system's file events (watchfiles, in a thread
        of its own) where it has them, else a poll every WATCH_INTERVAL seconds."""
        # A thread of its own, not a worker: it lives as long as the app, and waiting for
        # the workers to finish (tests, `wait_for_complete`) must not wait for it.
        threading.Thread(target=self._watch_thread, name="ipstui-watch", daemon=True).start()

    def _watch_thread(self) -> None:
        """Posts FilesTouched for each batch of file events (the fingerprint then decides
        whether to reload), or WatchFellBack when the system has no file events."""
        from ipstui.core.diskwatch import WatchUnavailable, watch

        def changed(_changes: object) -> None:
            if not self._watch_stop.is_set():
                self.post_message(FilesTouched())

        try:
            watch(self.root, changed, self._watch_stop)
        except WatchUnavailable:
            if not self._watch_stop.is_set():
                self.post_message(WatchFellBack())

    def on_unmount(self) -> None:
        self._watch_stop.set()

    def _fingerprint_now(self) -> tuple:
        """Signature of everything a pull, a hand edit or another instance changes; taken
        after a load or an edit, and compared when the watcher reports a change: what
        diskwatch.signature adds (the branch's ref, packed-refs, employers/), then the
        service's (caseload.toml, git's index and HEAD, participants/), which ends with
        (count, newest mtime, total size) of participants/."""
        from ipstui.core.diskwatch import git_paths, signature

        if self._git_file_paths is None:
            self._git_file_paths = git_paths(self.root)
        return (*signature(self.root, *self._git_file_paths), *self.service.fingerprint())

    def _poll_disk(self) -> None:
        if self._latest is not None:
            self._check_disk()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _check_disk(self) -> None:
        if self._fingerprint is None:
            return  # a load is establishing it
        fp = self._fingerprint_now()
        if fp != self._fingerprint:
            self.post_message(DiskChanged())

    def check_date(self) -> None:
        """After midnight, the day change: every card recomputed for the new date
        (`refresh_cards`), then the snapshot published again with them, which is the one
        event everything dated follows (the board, the status line, the agenda, an open
        participant, Problems' future-date warnings through `read_findings`, Fidelity,
        Reports). Runs every DATE_CHECK seconds; a no-op on the same day."""
        if self.today != self._seen_today and self.caseload is not None:
            self._seen_today = self.today
            self.refresh_cards()

    @work(thread=True, exclusive=True, group="cards", exit_on_error=False)
    def refresh_cards(self) -> None:
        """Recompute every card for today's date (after midnight) in a worker; posts CaseloadLoaded."""
        cl = self._latest
        if cl is None:
            return
        cards = make_cards(cl.participants, cl.settings, self.today)
        self.post_message(CaseloadLoaded(cl, cards))

    # ------------------------------------------------------------ edits

    def reserve_request(self) -> int:
        """A request number for an edit that starts later (after a question): give it
        to `run_edit` or `refuse_edit` as `request`, so a dialog waiting for it learns
        the outcome."""
        self._requests += 1
        return self._requests

    def run_edit(
        self,
        label: str,
        func: Callable[..., SaveResult],
        *args: Any,
        request: int | None = None,
        **kwargs: Any,
    ) -> int:
        """Run `func(latest_snapshot, *args, **kwargs)` off the UI thread, one edit at a
        time; returns the request's number (`request` when reserved). The worker posts
        EditSaved or EditRefused with that number: the app takes the new snapshot, then
        hands the message on to every screen (`_tell_screens`), where the one that asked
        recognises its number."""
        if request is None:
            request = self.reserve_request()
        self.run_worker(
            partial(self._edit_worker, request, label, func, args, kwargs),
            name=f"{EDIT_WORKER}{request}",
            group="edit",
            description=f"saving: {label}",
            exit_on_error=False,
            thread=True,
        )
        return request

    def refuse_edit(self, label: str, error: Exception, *, request: int | None = None) -> int:
        """An edit refused before it starts, like one the worker refuses: returns its
        request number (`request` when reserved) and posts EditRefused with it (handled
        after the caller returns, so a dialog waiting for the number stays open with
        what was typed)."""
        if request is None:
            request = self.reserve_request()
        self.post_message(EditRefused(request, label, error))
        return request

    def _edit_worker(
        self,
        request: int,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        """One edit on the latest snapshot, under the app's edit lock (runs in a thread;
        an error it does not expect ends the worker, see `_worker_failed`)."""
        with self._lock:
            cl = self._latest
            if cl is None:
                exc = CaseloadError(_("the caseload is still loading; try again in a moment"))
                self.post_message(EditRefused(request, label, exc))
                return
            try:
                result = func(cl, *args, **kwargs)
            except StaleEdit as exc:
                fresh = None
                if exc.fresh is not None:
                    fresh = self._latest = cl.with_participant(exc.fresh, exc.problems)
                # Deleted or now invalid (no fresh version): load again, Problems says why.
                self.post_message(
                    EditRefused(request, label, exc, fresh=fresh, reload=exc.fresh is None)
                )
                return
            except (CaseloadError, GitError, OSError, ValueError) as exc:
                self.post_message(EditRefused(request, label, exc))
                return
            p = result.participant
            new = cl if p is None else cl.with_participant(p, result.problems)
            self._latest = new
        self.post_message(EditSaved(request, label, result, new))
        # Our own commit changed the disk: note it so the watcher does not reload for it.
        # Taken after the message is posted, as it reads every file's stat (~40 ms at 20,000).
        fp = self._fingerprint_now()
        with self._lock:
            if self._latest is new:
                self._fingerprint = fp

    @on(EditSaved)
    def _edit_saved(self, message: EditSaved) -> None:
        result, cl = message.result, message.caseload
        p = result.participant
        if p is not None:
            prev = self.cards
            self.cards = dict(prev)
            self.cards[p.id] = make_card(p, cl.settings, self.today)
            self.cards_delta = (prev, p.id)
        self.last_save = result
        self.caseload = cl
        self.notify(
            _("Saved {commit}: {subject}").format(commit=result.commit[:7], subject=result.subject),
            title=_("Committed"),
            timeout=4,
        )
        for line in result.warnings:
            self.notify(line, title=_("Committed, but"), severity="warning", timeout=10)
        follow = self._follow_on_save.pop(message.request, None)
        if follow is not None and (follow or p is not None):
            self._follow(follow or p.id)  # "": the participant the edit made
        self._tell_screens(message)

    @on(EditRefused)
    def _edit_refused(self, message: EditRefused) -> None:
        fresh = message.fresh
        if fresh is not None:
            self.cards = dict(self.cards)
            self.cards_delta = None
            held = self.caseload.participants if self.caseload else {}
            for pid in changed_ids(held, fresh.participants):
                self.cards[pid] = make_card(fresh.participants[pid], fresh.settings, self.today)
            self.caseload = fresh
        self._follow_on_save.pop(message.request, None)
        self.notify(
            str(message.error),
            title=_("{action}: not saved").format(action=message.label),
            severity="error",
            timeout=12,
        )
        if message.reload:
            self.load_caseload()
        self._tell_screens(message)

    def _tell_screens(self, message: EditSaved | EditRefused) -> None:
        """Hand each screen on the stack its own copy of an edit's outcome (they do not
        bubble back here); a screen that made the request recognises its number."""
        for screen in self.screen_stack:
            screen.post_message(replace(message))

    # ------------------------------------------------------------ leaving

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Typed letters run commands only while a list or the board has focus; a key
        that would open the screen already shown is left out of the footer (it would do
        nothing)."""
        if self.opens(action, self.screen):
            return False
        return None if not allow_letter_action(self, action) else True

    def opens(self, action: str, screen: Screen) -> bool:
        """Whether the app's `action` opens a screen of `screen`'s kind (`a` on the
        agenda): there it has nothing to do."""
        return SCREEN_OF_ACTION.get(action) == type(screen).__name__

    def unsaved_edits(self) -> list[str]:
        """What would be lost by quitting: one line per screen with unsaved edits."""
        out = []
        for screen in self.screen_stack:
            describe = getattr(screen, "unsaved_edits", None)
            if describe is not None and (text := describe()):
                out.append(text)
        return out

    async def action_quit(self) -> None:
        """Quit; with unsaved edits on any screen, ask first (SPEC §9)."""
        lost = self.unsaved_edits()
        if not lost:
            self.exit()
            return
        from ipstui.ui.screens.forms import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                _("Quit and lose your unsaved edits?") + "\n" + "\n".join(lost),
                yes=_("Quit, discard"),
                no=_("Stay"),
                title=_("Unsaved edits"),
            ),
            answer,
        )

    # ------------------------------------------------------------ navigation

    def on_board_selected(self, event: Any) -> None:
        """The board's cursor moved to a participant (`Board.Selected`, bubbled up from
        the board): read that participant's file now, off the UI thread, when the
        snapshot holds only its summary, so that opening it (`enter`) fills its screen
        without a file read on the UI thread (`Participant.data` keeps what it read; the
        app holds the selected one, as the snapshot's `Roster` keeps only those held)."""
        cl = self.caseload
        p = cl.participants.get(event.pid) if cl is not None and event.pid else None
        self._selected_record = p  # the roster keeps a Participant only while it is held
        if self._select_timer is not None:
            self._select_timer.stop()
            self._select_timer = None
        if p is not None and not p.loaded:
            # After the cursor rests (SELECT_READ_DELAY): an arrow key held down over
            # 20,000 cards starts one read, not a thread per card.
            self._select_timer = self.set_timer(SELECT_READ_DELAY, self._read_selected)

    def _read_selected(self) -> None:
        self._select_timer = None
        p = self._selected_record
        if p is not None and not p.loaded and self._opening != p.id:
            self._read_record(p)

    @work(
        thread=True,
        exclusive=True,
        group="selected-record",
        exit_on_error=False,
        description=N_("reading the selected participant"),
    )
    def _read_record(self, p: Participant) -> None:
        p.data  # noqa: B018 — read and kept by the Participant (a broken file: its summary)

    def open_participant(self, pid: str) -> None:
        """Open the participant screen of `pid` (a notice when there is no such
        participant): at once when its file is read, else once a worker has read it
        (`_read_to_open`: never on the UI thread). Not in the cursor read's exclusive
        group: a cursor read started after it would cancel it, perhaps before it ran,
        and the screen would never open; `_opening` keeps it to one read."""
        from ipstui.ui.screens.participant import ParticipantScreen

        if self.caseload is None or pid not in self.caseload.participants:
            self.notify(_("No participant {id}").format(id=pid), severity="warning")
            return
        p = self.caseload.participants[pid]
        if p.loaded:
            self._opening = None
            self.push_screen(ParticipantScreen(pid))
        elif self._opening != pid:  # a second enter while it is read opens it once
            self._opening = pid
            self._read_to_open(p)

    @work(
        thread=True,
        group="open-record",
        exit_on_error=False,
        description=N_("reading the selected participant"),
    )
    def _read_to_open(self, p: Participant) -> None:
        try:
            p.data  # noqa: B018 — read and kept by the Participant (a broken file: its summary)
        finally:
            self.post_message(RecordReadToOpen(p.id, p))

    @on(RecordReadToOpen)
    def _record_read_to_open(self, message: RecordReadToOpen) -> None:
        if self._opening != message.pid:
            return  # another participant was asked for since
        self._opening = None
        cl = self.caseload
        p = cl.participants.get(message.pid) if cl is not None else None
        if p is message.participant:
            from ipstui.ui.screens.participant import ParticipantScreen

            self.push_screen(ParticipantScreen(message.pid))
        elif p is not None:
            self.open_participant(message.pid)  # a newer snapshot since: read its version

    def action_command_palette(self) -> None:
        """Open the command palette, in the current language (`commands.Palette`)."""
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands (theme, quit, keys, screenshot...) with their title
        and help in the current language (the words are in `keys.TEXTUAL_WORDS`). Its
        Quit is left out: the app's own Quit (from the bindings) is listed, and both ran
        the same `action_quit` (trial 9: "Quit" twice in the palette)."""
        for command in super().get_system_commands(screen):
            if command.callback == self.action_quit:
                continue
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from ipstui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_agenda(self) -> None:
        """Open the agenda: every open deadline, overdue first."""
        from ipstui.ui.screens.agenda import AgendaScreen

        if self.caseload is not None and not isinstance(self.screen, AgendaScreen):
            self.push_screen(AgendaScreen())

    def action_problems(self) -> None:
        """Open Problems: invalid files and uncommitted hand edits."""
        from ipstui.ui.screens.problems import ProblemsScreen

        if self.caseload is not None and not isinstance(self.screen, ProblemsScreen):
            self.push_screen(ProblemsScreen())

    def action_reports(self) -> None:
        """Open Reports; the figures are computed by the screen's worker."""
        try:
            from ipstui.ui.screens.reports import Records, ReportsScreen
        except ImportError:
            self.notify(_("Reports are not available in this build"), severity="warning")
            return
        cl = self.caseload
        if cl is None or isinstance(self.screen, ReportsScreen):
            return
        # One screen, installed, shown again on every open (ReportsScreen says why). Its
        # worker gathers the report facts the load cached; none are read here.
        if not self.is_screen_installed(REPORTS):
            screen = ReportsScreen(
                Records(cl.participants), cl.settings, self.today, caseload_root=self.root
            )
            self.install_screen(screen, REPORTS)
        screen = self.get_screen(REPORTS, ReportsScreen)
        screen.reopen(self.today)
        self.push_screen(screen)

    def action_employers(self) -> None:
        from ipstui.ui.screens.employers import EmployersScreen

        if self.caseload is not None and not isinstance(self.screen, EmployersScreen):
            self.push_screen(EmployersScreen())

    def action_fidelity(self) -> None:
        from ipstui.ui.screens.fidelity import FidelityScreen

        if self.caseload is not None and not isinstance(self.screen, FidelityScreen):
            self.push_screen(FidelityScreen())

    def action_sync(self) -> None:
        """Fetch, merge and push with the team's remote, in a worker.

        A bare letter without a confirm, though it changes the remote: as lazygit's
        push, it never forces and never loses a commit; a letter typed as part of a
        name never reaches it (`keys.TypingGuard` says why and how)."""
        if self.caseload is None:
            return
        self.notify(_("Syncing with the remote…"), timeout=3)
        self._sync_worker()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False, description=N_("syncing"))
    def _sync_worker(self) -> None:
        """Fetch, merge and push (the service's sync); posts SyncFinished. It does not
        take the app's edit lock: the service holds the caseload's save lock only while
        the repository changes, and the network round trip runs outside it."""
        try:
            result = self.service.sync()
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message
            self.post_message(SyncFinished(False, str(exc)))
            return
        self.post_message(SyncFinished(True, result.message))

    @on(SyncFinished)
    def _sync_finished(self, message: SyncFinished) -> None:
        if message.ok:
            self.notify(message.message, title=_("Sync"), timeout=6)
            self._sync_note = message.message
            self.load_caseload()
        else:
            self.notify(message.message, title=_("Sync failed"), severity="error", timeout=15)
            self._sync_note = _("failed: {error}").format(error=message.message)
        self._sync_status(self._sync_note)

    def _sync_status(self, text: str) -> None:
        screen = self._board_screen()
        if screen is not None:
            screen.set_sync_status(text, steady=self._status_words)

    # ------------------------------------------------------------ shared edit actions

    def move_participant(self, pid: str, step: int) -> None:
        """`]` / `[`: the next or previous phase; closing asks for a reason first."""
        cl = self.caseload
        if cl is None or pid not in cl.participants:
            return
        phase = cl.participants[pid].phase
        i = PHASES.index(phase) + step if phase in PHASES else -1
        if not 0 <= i < len(PHASES):
            text = (
                _("{id} is already in the last phase")
                if step > 0
                else _("{id} is already in the first phase")
            )
            self.notify(text.format(id=pid), severity="warning")
            return
        target = PHASES[i]
        if target == "closed":
            from ipstui.ui.screens.forms import ClosureForm

            def close(result: Any) -> int:
                request = self.run_edit(
                    _("Close"),
                    self.service.move,
                    pid,
                    "closed",
                    today=self.today,
                    reason=result.reason,
                )
                self._follow_on_save[request] = pid
                return request

            form = ClosureForm(self.today, who=who(pid, cl.participants[pid].name))
            self.push_screen(form.submitting(close))
            return
        request = self.run_edit(
            _("Move"), self.service.move, pid, target, today=self.today, from_phase=phase
        )
        self._follow_on_save[request] = pid

    def _follow(self, pid: str) -> None:
        screen = self._board_screen()
        if screen is not None:
            screen.follow(pid)

    def add_contact_for(self, pid: str) -> None:
        """Ask for a contact with `pid` and log it (one commit)."""
        from ipstui.ui.screens.forms import ContactEntry, ContactForm

        cl = self.caseload
        if cl is None or pid not in cl.participants:
            return
        team = [(k, s.name) for k, s in cl.settings.team.items()]
        default_by = cl.participants[pid].specialist

        def log(result: ContactEntry) -> int:
            return self.run_edit(
                _("Contact"),
                self.service.add_contact,
                pid,
                **result.edit_args(),
                today=self.today,
            )

        name = cl.participants[pid].name
        self.push_with_employer_choices(
            lambda register: ContactForm(
                team, default_by, self.today, register, who=who(pid, name)
            ).submitting(log)
        )

    def push_with_employer_choices(
        self, make: Callable[[list[tuple[str, str]] | None], EmployerChoiceForm]
    ) -> None:
        """Open the contact or job dialog `make(choices)` builds, with the employer
        register's (id, name) pairs by id to choose from. From the register last read
        off the UI thread (`employer_register`) when there is one; else the dialog opens
        at once with None ("reading employers…", so no key typed meanwhile reaches the
        screen under it) and a worker reads the register and posts it to the dialog
        (`EmployerChoicesRead`; a register that cannot be read: the reason, in the
        dialog)."""
        reg = self.employer_register
        if reg is not None:
            self.push_screen(make([(eid, reg.employers[eid].name) for eid in sorted(reg.employers)]))
            return
        form = make(None)
        self.push_screen(form)
        cl = self.caseload
        if cl is None:
            form.post_message(EmployerChoicesRead([]))
        else:
            self._read_employer_choices(cl, form)

    @work(
        thread=True,
        group="employer-choices",
        exit_on_error=False,
        description=N_("reading employers"),
    )
    def _read_employer_choices(self, cl: Caseload, form: EmployerChoiceForm) -> None:
        from ipstui.ui.screens.employers import register_choices

        try:
            choices = register_choices(self.service, cl)
        except Exception as exc:  # any failure is shown in the dialog, not lost
            reason = _("the employer register could not be read: {error}").format(
                error=escape(str(exc))
            )
            form.post_message(EmployerChoicesRead([], reason))
            return
        form.post_message(EmployerChoicesRead(choices))  # a closed dialog drops it

    def new_participant(self) -> None:
        """Ask for a new participant and add them in intake (one commit)."""
        from ipstui.ui.screens.forms import NewParticipantForm

        cl = self.caseload
        if cl is None:
            return
        team = [(k, s.name) for k, s in cl.settings.team.items()]

        def add(result: Any) -> int:
            request = self.run_edit(
                _("New participant"),
                self.service.new_participant,
                name=result.name,
                specialist=result.specialist,
                referral_source=result.referral_source,
                today=self.today,
                referred_on=result.referred_on,
                pid=result.pid or None,
            )
            self._follow_on_save[request] = ""
            return request

        form = NewParticipantForm(team, list(cl.settings.referral_sources), self.today)
        self.push_screen(form.submitting(add))


def run(root: Path, *, today: date | None = None, banner: str = "") -> int:
    """Run the app on the caseload at `root`; `banner` is shown under its title (the
    demo's path and identity). Returns its exit code."""
    app = IpsApp(root, today=today)
    app.banner = banner
    app.run()
    return app.return_code or 0
