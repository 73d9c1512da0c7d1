"""One participant: every field editable with validation, contacts, jobs, tasks, the
open deadlines with their state, and the field-level history from git — one pane per
tab (this package's other modules), each owning the keys of what it shows.

This module is the screen itself: its layout (header, banner, the tabs' panes, the
footer), the keys that act on the participant from any tab (log a contact, add a job or
a task, suspend or resume, decide conflicts, the tab numbers, back), which of them apply
now, and leaving with unsaved edits. Its parts, mixed in (plain mixins before `Screen`,
each a `parts.ScreenPart` whose `_setup_<part>` `__init__` calls through
`parts.set_up_parts`):

- `following.FollowsRecord`: the record followed through snapshots, renames and
  outside edits (git asked in a worker);
- `saving.SavesEdits`: every edit through `app.run_edit` (a worker: one commit, never
  on the UI thread) and what the screen says when it is refused;
- `header.DrawsHeader`: the title, the state's markers and the banner.

When the file changed on disk meanwhile, the core refuses the save and the app puts
the fresh version in the snapshot: this screen then shows it, keeps the user's unsaved
edits that do not collide (`core.recordedit.rebase`), and says so plainly — nothing is
overwritten silently.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Label, Static, TabbedContent

from ipstui.core.i18n import N_, _
from ipstui.core.model import Participant
from ipstui.core.recordedit import SUSPEND_ALREADY, SUSPEND_CLOSED, why_not_suspend
from ipstui.core.vocab import field_label, who
from ipstui.ui.keys import TranslatedBindings, allow_letter_action, key_for
from ipstui.ui.onapp import FollowsCaseload, OnIpsApp
from ipstui.ui.parts import ScreenPart, set_up_parts
from ipstui.ui.screens.forms import ConfirmScreen, ConflictForm, SuspendForm
from ipstui.ui.screens.participant.base import Pane
from ipstui.ui.screens.participant.contacts import ContactsPane
from ipstui.ui.screens.participant.deadlines import DeadlinesPane
from ipstui.ui.screens.participant.details import DetailsPane
from ipstui.ui.screens.participant.following import FollowsRecord
from ipstui.ui.screens.participant.header import DrawsHeader
from ipstui.ui.screens.participant.history import HistoryPane
from ipstui.ui.screens.participant.jobs import JobsPane
from ipstui.ui.screens.participant.saving import SavesEdits
from ipstui.ui.screens.participant.tasks import TasksPane
from ipstui.ui.widgets.footer import KeysFooter

TABS = ("details", "contacts", "jobs", "tasks", "deadlines", "history")
"""The tabs, in order (the panes' `TAB`; `show_tab` takes one)."""


class ParticipantScreen(
    FollowsRecord,
    SavesEdits,
    DrawsHeader,
    FollowsCaseload,
    OnIpsApp,
    TranslatedBindings,
    Screen[None],
):
    """A participant's record, lists, deadlines and history; every edit one commit.

    The keys here act on the participant from any tab; a pane's own keys (save the
    form, end a job, mark a task done) are the pane's bindings."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            N_("Back"),
            id="participant_back",
            tooltip=N_("Back to where you came from (asks first with unsaved edits)"),
        ),
        Binding(
            "c",
            "add_contact",
            N_("Contact"),
            id="participant_contact",
            tooltip=N_("Log a contact (one commit)"),
        ),
        Binding("j", "add_job", N_("Job"), id="participant_job", tooltip=N_("Add a job")),
        Binding("t", "add_task", N_("Task"), id="participant_task", tooltip=N_("Add a task")),
        # Suspend and resume share `S` (the one that applies is active): `s` stays the
        # app's Sync on every screen, as the footer and help say.
        Binding(
            "S",
            "suspend",
            N_("Suspend"),
            id="participant_suspend",
            tooltip=N_("Suspend: the rules pause, tasks stay due"),
        ),
        Binding(
            "S", "resume", N_("Resume"), id="participant_resume", tooltip=N_("End the suspension")
        ),
        Binding(
            "D",
            "decide",
            N_("Decide conflicts"),
            id="participant_decide",
            tooltip=N_("Choose between the values two edits left after a sync"),
        ),
        Binding("1", "tab('details')", N_("Details tab"), show=False, id="participant_tab_details"),
        Binding(
            "2", "tab('contacts')", N_("Contacts tab"), show=False, id="participant_tab_contacts"
        ),
        Binding("3", "tab('jobs')", N_("Jobs tab"), show=False, id="participant_tab_jobs"),
        Binding("4", "tab('tasks')", N_("Tasks tab"), show=False, id="participant_tab_tasks"),
        Binding(
            "5", "tab('deadlines')", N_("Deadlines tab"), show=False, id="participant_tab_deadlines"
        ),
        Binding("6", "tab('history')", N_("History tab"), show=False, id="participant_tab_history"),
    ]

    def __init__(self, pid: str) -> None:
        super().__init__()
        self.pid = pid
        self.participant: Participant | None = None
        """The version the form and lists show; the one a save must find on disk."""
        set_up_parts(self, ScreenPart)

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="p-header"):
            yield Label(self.pid, id="p-title", markup=False)
            yield Horizontal(id="p-markers")
        yield Static("", id="p-banner", markup=False)
        with TabbedContent(id="p-tabs", initial="tab-details"):
            yield DetailsPane(self.pid)
            yield ContactsPane()
            yield JobsPane()
            yield TasksPane()
            yield DeadlinesPane()
            yield HistoryPane()
        yield KeysFooter(compact=True)

    def on_resize(self) -> None:
        """Narrow screens (80×24): each Details label above its field, not beside it;
        the header's markers under the title when they leave it no room."""
        self.set_class(self.size.width < 100, "-narrow")
        self._stack_header()

    def on_mount(self) -> None:
        """Follow the app's snapshot (`FollowsRecord._caseload_changed`)."""
        self.follow_caseload(self._caseload_changed)

    @property
    def details(self) -> DetailsPane:
        """The Details tab's form."""
        return self.query_one(DetailsPane)

    def panes(self) -> list[Pane]:
        """Every tab's pane, in tab order."""
        return list(self.query(Pane))

    def active_pane(self) -> Pane | None:
        """The pane of the tab shown (None before mount)."""
        try:
            active = self.query_one("#p-tabs", TabbedContent).active
            return self.query_one(f"#{active}", Pane)
        except Exception:  # noqa: BLE001 — before mount
            return None

    @property
    def _binding_chain(self) -> list[tuple[DOMNode, BindingsMap]]:
        """Textual's chain (focused widget up to the app), with the shown pane's keys
        added when focus is outside it (on the tab bar): `ctrl+s` saves the Details tab
        and `x` ends a job while the tab's title is focused, as the footer shows."""
        chain = super()._binding_chain
        pane = self.active_pane()
        if pane is None or any(node is pane for node, _map in chain):
            return chain
        bindings = pane._bindings.copy()
        keymap = self.app._keymap
        if keymap:
            bindings.apply_keymap(keymap)
        at = next((i for i, (node, _map) in enumerate(chain) if node is self), 0)
        chain.insert(at, (pane, bindings))
        return chain

    # ------------------------------------------------------------ naming, unsaved edits

    def _key(self, binding_id: str, default: str) -> str:
        """The key the user has for `binding_id` (the live bindings, keymap included)."""
        return key_for(self, binding_id, default)

    def who(self) -> str:
        """This participant as dialogs name them: `P-0007 Giulia R.`."""
        p = self.participant
        return who(self.pid, p.name if p is not None else None)

    def team(self) -> list[tuple[str, str]]:
        """(key, name) of every specialist, for a dialog's choice."""
        cl = self.caseload
        return [(k, s.name) for k, s in cl.settings.team.items()] if cl else []

    def unsaved_edits(self) -> str:
        """`P-0007 Giulia R.: name, goals` when the Details tab has unsaved edits, else ''."""
        if self.participant is None or not self.is_mounted:
            return ""
        dirty = self.details.dirty()
        if not dirty:
            return ""
        return f"{self.who()}: " + ", ".join(field_label(f.field_name) for f in dirty)

    # ------------------------------------------------------------ actions on the participant

    def action_add_contact(self) -> None:
        """Ask for a contact and log it (one commit)."""
        self.query_one(ContactsPane).add_contact()

    def action_add_job(self) -> None:
        """Ask for a job and add it (one commit)."""
        self.query_one(JobsPane).add_job()

    def action_add_task(self) -> None:
        """Ask for a task and add it (one commit)."""
        self.query_one(TasksPane).add_task()

    def action_suspend(self) -> None:
        """Ask since when and why, and suspend the participant (one commit)."""
        p = self.participant
        if p is None:
            return
        refusal = why_not_suspend(p.phase, p.suspended)
        if refusal == SUSPEND_CLOSED:
            self.notify(
                _("{id} is closed; a closed participant cannot be suspended").format(id=p.id)
            )
            return
        if refusal == SUSPEND_ALREADY:
            self.notify(
                _("{id} is already suspended; {key} resumes").format(
                    id=p.id, key=self._key("participant_resume", "S")
                ),
                severity="warning",
            )
            return

        def suspend(result: Any) -> int:
            return self.run_edit(
                _("Suspend"),
                self.ips.service.suspend,
                self.pid,
                since=result.since,
                reason=result.reason,
            )

        self.app.push_screen(SuspendForm(self.today, who=self.who()).submitting(suspend))

    def action_resume(self) -> None:
        """End the suspension (one commit)."""
        self.run_edit(_("Resume"), self.ips.service.resume, self.pid)

    def action_decide(self) -> None:
        """Choose between the values a sync left, and save the choice (one commit) the
        way `set` and `move` settle conflicts: on the record as the snapshot has it,
        refused (and the fresh version shown) when it changed on disk meanwhile."""
        p = self.participant
        if p is None or not p.has_conflicts:
            return

        def decide(result: Any) -> int | None:
            if not result.sides:
                return None
            return self.run_edit(_("Decide"), self.ips.service.decide, self.pid, dict(result.sides))

        form = ConflictForm(p.data.get("conflicts"), p.data, who=self.who())
        self.app.push_screen(form.submitting(decide))

    def action_tab(self, tab: str) -> None:
        """Show the tab `tab`."""
        self.show_tab(tab)

    def show_tab(self, tab: str) -> None:
        """Show the tab `tab` (one of TABS)."""
        self.query_one("#p-tabs", TabbedContent).active = f"tab-{tab}"

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        pane = self.active_pane()
        if pane is not None and pane.TAB != "details":
            pane.focus_content()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which actions apply now: by the participant's state; typed letters only while
        a list or the tab bar has focus (not in a field or a choice list)."""
        if not allow_letter_action(self, action):
            return None
        p = self.participant
        if action in ("add_contact", "add_job", "add_task", "suspend", "resume", "decide"):
            if p is None:
                return False
        if action == "suspend":
            # `S` suspends unless the participant is suspended (then it resumes).
            return p is not None and not p.suspended
        if action == "resume":
            return p is not None and p.suspended
        if action == "decide":
            return p is not None and p.has_conflicts
        return True

    def action_back(self) -> None:
        """Leave the screen; with unsaved edits, ask first."""
        dirty = self.details.dirty() if self.participant is not None else []
        if not dirty:
            self.app.pop_screen()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        names = ", ".join(field_label(f.field_name) for f in dirty)
        self.app.push_screen(
            ConfirmScreen(
                _("Leave {who} without saving your edits of {fields}?").format(
                    who=self.who(), fields=names
                ),
                yes=_("Discard"),
                title=_("Unsaved edits"),
            ),
            answer,
        )
