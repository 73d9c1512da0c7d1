"""The ipstui Textual app: board, agenda, problems, help and palette. Loading,
saving, syncing and watching the disk all run in workers; the UI thread only draws."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from ipstui.core.board import Card, make_cards
from ipstui.core.i18n import N_, _
from ipstui.core.model import Problem
from ipstui.core.service import (
    Caseload,
    CaseloadError,
    CaseloadService,
    GitError,
    Register,
)
from ipstui.core.termsafe import escape
from ipstui.ui.app_disk import WatchesDisk
from ipstui.ui.app_edits import EDIT_WORKER, RunsEdits
from ipstui.ui.app_keys import RoutesKeys
from ipstui.ui.app_participants import ParticipantFlows
from ipstui.ui.commands import ActionsProvider, Palette, ParticipantsProvider
from ipstui.ui.keys import TranslatedBindings, allow_letter_action
from ipstui.ui.messages import (
    CaseloadLoaded,
    DiskChanged,
    EditRefused,
    LoadFailed,
    LoadProgressed,
    ProblemsRead,
    SyncFinished,
    SyncStatusRead,
)
from ipstui.ui.screensafe import DropUnsafe, visible_segments

if TYPE_CHECKING:
    pass

DATE_CHECK = 30.0
"""Seconds between two looks at the clock for a new day (`IpsApp.check_date`)."""
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


class IpsApp(ParticipantFlows, RunsEdits, WatchesDisk, RoutesKeys, TranslatedBindings, App[int]):
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
        self.messages: deque[tuple[str, str]] = deque(maxlen=MESSAGES_KEPT)
        """(title, message) of every notification, newest first, as given (unescaped)."""
        self._setup_keys()
        self._setup_disk()
        self._setup_edits()
        self._setup_flows()
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

    @on(SyncStatusRead)
    def _sync_status_read(self, message: SyncStatusRead) -> None:
        self._status_words = message.words
        self._sync_status(self._sync_note or message.words)

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

    # ------------------------------------------------------------ navigation

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


def run(root: Path, *, today: date | None = None, banner: str = "") -> int:
    """Run the app on the caseload at `root`; `banner` is shown under its title (the
    demo's path and identity). Returns its exit code."""
    app = IpsApp(root, today=today)
    app.banner = banner
    app.run()
    return app.return_code or 0
