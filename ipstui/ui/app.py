"""The ipstui Textual app's shell: `IpsApp`'s state, bindings and start-up, the screens
its actions open (agenda, problems, reports, employers, fidelity, help, messages), which
actions apply (`check_action`), the palette's commands, the one handler of a worker's
unexpected error, and `run`. Loading, saving, syncing and watching the disk all run in
workers; the UI thread only draws.

The rest of the app is in parts, one module each, mixed into `IpsApp` (plain mixins
before `App` in its bases, each a `parts.AppPart` with a `_setup_<part>` that
`__init__` calls through `parts.set_up_parts`):

- `app_loading.LoadsCaseload`: the load worker, what settles after it, the problem
  list of each snapshot, the day change;
- `app_sync.SyncsWithRemote`: `s` (sync) and the status line's sync words;
- `app_participants.OpensParticipants`: open a participant (their file read in a
  worker), move phase, log a contact, add a participant, the employer choices;
- `app_edits.RunsEdits`: the edit pipeline (`run_edit`, `EditSaved`/`EditRefused`
  told to every screen) and quitting with unsaved edits;
- `app_disk.WatchesDisk`: the disk watch and fingerprint;
- `app_keys.RoutesKeys`: the typing guard and keys typed ahead of a screen change.

Mixins rather than controller objects: the app's public methods (`run_edit`,
`open_participant`...) and the workers stay methods of the app, and messages posted to
the app reach handlers in the parts by Textual's naming convention (`parts` says why
not `@on`, and declares what the parts use of the app and of each other)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from ipstui.core.board import Card
from ipstui.core.i18n import N_, _
from ipstui.core.service import Caseload, CaseloadError, CaseloadService
from ipstui.core.termsafe import escape, shown_lines
from ipstui.ui.app_disk import WatchesDisk
from ipstui.ui.app_edits import EDIT_WORKER, RunsEdits
from ipstui.ui.app_keys import RoutesKeys
from ipstui.ui.app_loading import LoadsCaseload
from ipstui.ui.app_participants import OpensParticipants
from ipstui.ui.app_screenshot import SavesScreenshots
from ipstui.ui.app_sync import SyncsWithRemote
from ipstui.ui.commands import ActionsProvider, Palette, ParticipantsProvider
from ipstui.ui.keys import TranslatedBindings, allow_letter_action
from ipstui.ui.messages import EditRefused
from ipstui.ui.parts import AppPart, set_up_parts
from ipstui.ui.screensafe import DropUnsafe, visible_segments

MESSAGES_KEPT = 200
"""How many notifications the messages view keeps (`IpsApp.action_messages`)."""

REPORTS = "reports"
"""Name of the installed Reports screen (one per app, kept between opens)."""
SCREEN_OF_ACTION = {
    "agenda": "AgendaScreen",
    "problems": "ProblemsScreen",
    "reports": "ReportsScreen",
    "employers": "EmployersScreen",
    "fidelity": "FidelityScreen",
}
"""The app's actions that open a screen, and the class of the screen each opens."""


class IpsApp(
    LoadsCaseload,
    SyncsWithRemote,
    OpensParticipants,
    RunsEdits,
    WatchesDisk,
    RoutesKeys,
    SavesScreenshots,
    TranslatedBindings,
    App[int],
):
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
        notices the day change within `app_loading.DATE_CHECK` seconds (`check_date`).
        The app's own state is set here, then each part's (`parts.set_up_parts`)."""
        super().__init__()
        self.root = root
        self.service = CaseloadService(root)
        """The one way to the caseload on disk: loads, edits, history, sync."""
        self._fixed_today = today
        self._clock = clock
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
        self.unsafe_filter = DropUnsafe()
        """The last choke point of SPEC §13 (`screensafe.DropUnsafe`), on every line drawn."""
        self._filters.append(self.unsafe_filter)
        self.sub_title = str(root)
        self.banner = ""
        """A line shown under the board's title when set (the demo's path and identity)."""
        self.messages: deque[tuple[str, str]] = deque(maxlen=MESSAGES_KEPT)
        """(title, message) of every notification, newest first, as given (unescaped)."""
        set_up_parts(self, AppPart)

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

    # ------------------------------------------------------------ terminal safety, messages

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Textual's toast, with `message` and `title` escaped (SPEC §13): a toast often
        quotes a file name or an error that quotes a file's text. New lines stay."""
        self.messages.appendleft((title, message))
        super().notify("\n".join(shown_lines(message)), title=escape(title), **kwargs)

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

    # ------------------------------------------------------------ time

    @property
    def today(self) -> date:
        """The date used for deadlines: fixed by --today, else read from the clock."""
        return self._fixed_today or self._clock()

    # ------------------------------------------------------------ startup

    def get_default_screen(self) -> Screen:
        """The board."""
        from ipstui.ui.screens.board import BoardScreen

        return BoardScreen()

    def on_load(self) -> None:
        """Start reading the caseload as soon as the app's loop runs, before Textual reads
        the stylesheet and lays out the first screen: the load overlaps that start-up
        instead of waiting for it (what a thread started in `__init__` did, as a worker)."""
        self.load_caseload(first=True)

    def on_mount(self) -> None:
        """The user's key settings, the day check, the disk watch."""
        from ipstui.core.config import load_keymap

        keymap, problems = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title=_("Key settings ignored"), severity="warning", timeout=10)
        self._start_day_check()
        if self._watch_disk:
            self._start_watching()

    # ------------------------------------------------------------ worker reports

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

    # ------------------------------------------------------------ which actions apply

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

    # ------------------------------------------------------------ screens and palette

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
        """Open Employers: the register and the job-development log."""
        from ipstui.ui.screens.employers import EmployersScreen

        if self.caseload is not None and not isinstance(self.screen, EmployersScreen):
            self.push_screen(EmployersScreen())

    def action_fidelity(self) -> None:
        """Open Fidelity: the IPS-25 self-review of the records."""
        from ipstui.ui.screens.fidelity import FidelityScreen

        if self.caseload is not None and not isinstance(self.screen, FidelityScreen):
            self.push_screen(FidelityScreen())


def run(root: Path, *, today: date | None = None, banner: str = "") -> int:
    """Run the app on the caseload at `root`; `banner` is shown under its title (the
    demo's path and identity). Returns its exit code."""
    app = IpsApp(root, today=today)
    app.banner = banner
    app.run()
    return app.return_code or 0
