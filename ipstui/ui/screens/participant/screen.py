"""One participant: every field editable with validation, contacts, jobs, tasks, the
open deadlines with their state, and the field-level history from git — one pane per
tab (this package's other modules), each owning the keys of what it shows.

Every edit goes through `app.run_edit` (a worker: one commit, never on the UI thread)
and the screen redraws from the new snapshot it watches on the app. When the file
changed on disk meanwhile, the core refuses the save and the app puts the fresh
version in the snapshot: this screen then shows it, keeps the user's unsaved edits
that do not collide (`core.recordedit.rebase`), and says so plainly — nothing is
overwritten silently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Label, Static, TabbedContent
from textual.worker import get_current_worker

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.identity import HISTORY, IDENTITY, Seen, Verdict
from ipstui.core.model import PHASE_LABELS, Participant
from ipstui.core.recordedit import SUSPEND_ALREADY, SUSPEND_CLOSED, changed_tops, why_not_suspend
from ipstui.core.rules import DUE_SOON, OVERDUE, deadlines
from ipstui.core.service import (
    Caseload,
    CaseloadError,
    CaseloadService,
    ChangedHands,
    SaveResult,
    StaleEdit,
)
from ipstui.core.termsafe import escape
from ipstui.core.vocab import (
    CLOSURE_REASON_LABELS,
    NEEDS_DECISION,
    SUSPENDED,
    SUSPENSION_REASON_LABELS,
    SYMBOL,
    cells,
    field_label,
    readable,
    who,
)
from ipstui.ui.keys import TranslatedBindings, allow_letter_action, key_for
from ipstui.ui.messages import EditRefused, EditSaved, RecordLocated
from ipstui.ui.onapp import FollowsCaseload, OnIpsApp
from ipstui.ui.screens.forms import ConfirmScreen, ConflictForm, SuspendForm
from ipstui.ui.screens.participant.base import Pane, cell
from ipstui.ui.screens.participant.contacts import ContactsPane
from ipstui.ui.screens.participant.deadlines import DeadlinesPane
from ipstui.ui.screens.participant.details import DetailsPane
from ipstui.ui.screens.participant.history import HistoryPane
from ipstui.ui.screens.participant.jobs import JobsPane
from ipstui.ui.screens.participant.tasks import TasksPane
from ipstui.ui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from ipstui.core.follow import Whereabouts

TABS = ("details", "contacts", "jobs", "tasks", "deadlines", "history")


class Located(NamedTuple):
    """git's answer to where a record seen went (`locate`): `where`
    (`follow.Whereabouts`; None when git failed: the screen keeps to the path, and a
    save is checked under the lock all the same) and, when it moved, the record at its
    new id (`moved`; None when invalid or unreadable there)."""

    where: Whereabouts | None
    moved: Participant | None


def locate(service: CaseloadService, cl: Caseload | None, seen: Seen) -> Located:
    """Where the record `seen` is now (`service.where_now` with the blob seen, so a
    record that may be another person is DOUBTFUL), and the record at its new id when
    it moved (from the snapshot `cl`, else read from disk). Runs git: call it from a
    worker, never the UI thread."""
    from ipstui.core.follow import MOVED

    try:
        where = service.where_now(seen.commit, seen.rel, seen_blob=seen.blob)
    except Exception:  # noqa: BLE001 — git cannot tell: keep to the path
        return Located(None, None)
    moved = None
    if where.state == MOVED and cl is not None:
        new_pid = where.rel.rpartition("/")[2].removesuffix(".toml")
        moved = cl.participants.get(new_pid)
        if moved is None:
            try:
                moved = service.read_participant(cl, new_pid)
            except Exception:  # noqa: BLE001 — invalid there: shown as not available
                moved = None
    return Located(where, moved)


class ParticipantScreen(FollowsCaseload, OnIpsApp, TranslatedBindings, Screen[None]):
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
        self._requests: dict[int, tuple[str | None, bool]] = {}
        """Edits of this screen in flight, by request number: (tab to show, reload the
        form) once saved. A snapshot change meanwhile is (likely) ours."""
        self._banner_kind = ""
        self._gone: Participant | None = None
        """The version the form showed when the file went away (deleted, broken,
        renamed): the one a returning file is rebased from, so nothing typed is lost."""
        self._outside: list[str] = []
        """Fields changed by outside commits since the form last agreed with the file
        (no unsaved edits, or a save), each named in the banner."""
        self._base: str | None = None
        """The HEAD commit at which the shown version was the committed one: where git's
        rename detection follows the record from when its file changes (`_follow`)."""
        self._other_person = False
        self._header_cells = (0, 0)
        """(the cells of the title's id and name, the markers' cells) as last drawn
        (`_stack_header`)."""
        """The record's path now holds another record (its file was deleted or renamed
        away and the id was taken): nothing typed here is moved onto it, ever."""
        self._seen: Seen | None = None
        """The record as the user saw it (commit, path, blob) while the screen agreed it
        is the same person: every edit carries it (`service.seen_by`), so the save
        refuses (ChangedHands) when the record at the id is no longer that person."""
        self._locating: Seen | None = None
        """The version a `_locate` worker follows now; its answer is shown only while
        this is still it (a newer change or a refused save's answer comes first)."""
        self._doubt: Verdict | None = None
        """The record at the id may be another person than the one the unsaved edits
        were made for (`identity`: its identity fields changed, or its history was
        replaced): an edit asks first, naming both (`run_edit`)."""

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
        # Narrow screens (80×24): each Details label above its field, not beside it.
        self.set_class(self.size.width < 100, "-narrow")
        self._stack_header()

    def _stack_header(self) -> None:
        """The markers (suspended, needs a decision, overdue...) under the title when
        they leave no room for the id and name (trial 9: `P-0057 …   ⚑ DA DECIDERE` lost
        the name to the marker at 80 columns); the rest of the title may be cut."""
        title, markers = self._header_cells
        width = self.size.width - 2  # the header's padding
        self.query_one("#p-header").set_class(markers > 0 and title + markers > width, "-stacked")

    def on_mount(self) -> None:
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

    # ------------------------------------------------------------ snapshot → screen

    def _caseload_changed(self, cl: Caseload | None) -> None:
        if cl is None or self._other_person:
            return
        self._arrived(cl.participants.get(self.pid))

    def _follow_from(self, prev: Participant, p: Participant | None) -> Seen | None:
        """The version to follow with git when the path now holds `p` in place of the
        shown `prev` (what the user saw, `_seen`); None when no git call is needed: no
        commit to follow from, the app's own save came back (the form's or a dialog's)."""
        if self._base is None or (p is not None and p.data == self.details.submitted):
            return None
        if p is not None and self._own_save(p) is not None:
            return None
        seen = self._seen
        if seen is None or seen.rel != prev.rel_path:
            seen = Seen(self._base, prev.rel_path, prev.blob)
        return seen

    def _arrived(
        self, p: Participant | None, located: Located | None = None
    ) -> dict[str, Any]:
        """Show what the record's path holds now (`p`, None when nothing valid): the
        record itself, or where it went when it was renamed (`_follow`); returns what
        moved underneath the user's unsaved edits, as `show_participant` does.

        Where the record went is git's answer (`locate`, a walk of the commits since
        the version seen): given as `located` when a worker already asked (a refused
        save's), else asked in a worker (`_locate`) and shown when it answers
        (`_located`); the screen keeps the version it shows meanwhile, and a save sent
        meanwhile is checked under the save lock all the same."""
        prev = self.participant
        was_gone = prev is None and self._gone is not None
        if was_gone:
            prev = self._gone  # the version shown when the file went away
        doubt = self._doubt
        if prev is not None and (p is None or p.blob != prev.blob):
            seen = self._follow_from(prev, p)
            if seen is not None and located is None:
                self._locating = seen
                self._locate(seen, p)
                return {}
            self._locating = None
            followed = self._follow(prev, p, was_gone=was_gone, located=located)
            if self._other_person:
                return {}
            if followed is None:
                p = None  # renamed, and invalid where it is now: not available
            elif followed is not p:
                old, self.pid = self.pid, followed.id
                self.details.pid = followed.id
                return self.show_participant(followed, renumbered=old)
        if p is None:
            self._show_missing()
            return {}
        summary = self.show_participant(p)
        if self._doubt is not None and self._doubt is not doubt:
            self._doubted(self._doubt)
        return summary

    def _unsaved_work(self) -> bool:
        """Whether something typed here waits to be saved: the Details form's edits, or
        a dialog open over this screen."""
        return bool(self.details.dirty()) or self.app.screen is not self

    def _doubted(self, doubt: Verdict) -> None:
        """The record at the id may be another person now (`_follow`): with nothing
        typed, the screen simply shows who it holds and later edits are made on that;
        with unsaved edits, a warning naming both, and every save asks (`run_edit`)."""
        if not self._unsaved_work():
            self._doubt = None
            if doubt.head is not None and doubt.blob is not None:
                self._seen = Seen(doubt.head, doubt.rel, doubt.blob)
            self.banner(
                _(
                    "{id} was changed outside this screen and now holds {now}; it held {was} before."
                ).format(id=self.pid, now=doubt.now, was=doubt.was),
                "warning",
            )
            return
        if doubt.reason == HISTORY:
            text = _(
                "{id}'s history was replaced outside this screen (a branch switch or a reset): it held {was} and now holds {now}, and it cannot be told whether this is the same participant. Your unsaved values are kept; {key} asks before saving them onto {now}."
            )
        else:
            text = _(
                "{id} may be another participant now: it held {was} when you started editing and now holds {now} (changed outside this screen). Your unsaved values are kept; {key} asks before saving them onto {now}."
            )
        key = key_for(self.details, "participant_save", "ctrl+s")
        self.banner(text.format(id=self.pid, was=doubt.was, now=doubt.now, key=key), "warning")

    def show_participant(
        self, p: Participant, *, reset: bool = False, renumbered: str = ""
    ) -> dict[str, Any]:
        """Show `p`; returns what moved underneath the user's unsaved edits, if anything.
        `renumbered`: the id the shown record had before it was renamed to `p.id`."""
        if p.id != self.pid or self._other_person:
            return {}  # another record's version (the one that took this path): not ours
        self._locating = None  # what a pending `_locate` would answer is settled here
        prev = self.participant
        details = self.details
        summary: dict[str, Any] = {}
        back = prev is None and self._gone is not None
        if back:
            prev = self._gone  # the file is back: rebase what was typed meanwhile
        self._gone = None
        same = prev is not None and prev.blob == p.blob and prev.data == p.data
        if self.participant is None and self._banner_kind == "error":
            self.banner("")  # it is back (see _show_missing)
        if prev is None or reset:
            details.load(p)
            self._outside = []
        elif not same or back:
            if details.submitted is not None and p.data == details.submitted:
                details.load(p)  # our own save came back
                self._outside = []
            else:
                if not details.dirty():
                    self._outside = []  # the form agreed with the file until now
                summary = details.rebase(prev, p)
                self._outside += [f for f in summary["underneath"] if f not in self._outside]
                if not self._requests and summary["underneath"]:
                    self.banner(*self._rebase_banner(p, summary))
                elif back and details.dirty():
                    self.banner(
                        _(
                            "{id}'s file is back, unchanged. Your unsaved edits are still "
                            "in the form."
                        ).format(id=p.id),
                        "info",
                    )
        self.participant = p
        if same and not reset and not back:
            # Same record (a reload or a new day): only what depends on the date.
            self._draw_header(p)
            for pane in self.panes():
                pane.redraw_for_day(p)
            return summary
        self._note_base(p)
        if renumbered:
            self.banner(
                _(
                    "{old} is now {new}: its id was taken by another participant (a sync renumbered it, or its file was renamed). This screen follows it to {new}; your unsaved values are kept and a save writes them to {new}."
                ).format(old=renumbered, new=p.id),
                "warning",
            )
        self._draw_header(p)
        for pane in self.panes():
            pane.draw(p)
        self.refresh_bindings()
        return summary

    def _note_base(self, p: Participant) -> None:
        """Remember the commit the shown version `p` is followed from: HEAD when it
        holds `p` at its path (the app's own save needs no git call); on first open of a
        version read before newer commits landed, the newest commit that holds it
        (`commit_holding`), never HEAD: a rename in between is not missed. A version
        read before a newer commit landed keeps the older commit it had."""
        own = self._own_save(p)
        if own is not None:
            self._set_base(own, p)  # the app's own commit holds `p`: no git call needed
            return
        try:
            head, blob = self.ips.service.record_base(p.rel_path)
        except Exception:  # noqa: BLE001 — no git, or git failed: keep what we had
            return
        if head is not None and blob == p.blob:
            self._set_base(head, p)
        elif head is not None and self._base is None:
            # Opened on a version read before newer commits landed: HEAD would hide a
            # rename in between, so follow from the commit that holds `p` (none for an
            # uncommitted version: the screen keeps to its path then).
            cl = self.caseload
            if cl is not None and p.rel_path in cl.dirty:
                return
            try:
                holding = self.ips.service.commit_holding(p.rel_path, p.blob)
            except Exception:  # noqa: BLE001 — git failed: keep to the path
                return
            if holding is not None:
                self._set_base(holding, p)

    def _set_base(self, commit: str, p: Participant) -> None:
        """`commit` holds the shown version `p`: follow from it; and, unless the record
        may be another person than the one the unsaved edits were made for (`_doubt`),
        it is what the user saw (`_seen`)."""
        self._base = commit
        if self._doubt is None:
            self._seen = Seen(commit, p.rel_path, p.blob)

    def _own_save(self, p: Participant) -> str | None:
        """The commit of the app's latest save when it wrote exactly `p` (same path and
        blob), else None: such a version needs no git call to be followed."""
        saved = self.ips.last_save
        mine = saved.participant if saved is not None else None
        if mine is not None and mine.rel_path == p.rel_path and mine.blob == p.blob:
            return saved.commit
        return None

    @work(thread=True, exclusive=True, group="participant-follow", exit_on_error=False)
    def _locate(self, seen: Seen, p: Participant | None) -> None:
        """Ask git where the record seen went (`locate`), off the UI thread; posts
        RecordLocated for `_located`. A newer change cancels this one (exclusive)."""
        located = locate(self.ips.service, self.caseload, seen)
        if not get_current_worker().is_cancelled:
            self.post_message(RecordLocated(seen, p, located))

    @on(RecordLocated)
    def _located(self, message: RecordLocated) -> None:
        """git answered where the record went: show it, unless the screen moved on
        since it asked (a newer change, a refused save that answered first)."""
        if message.seen is not self._locating or self._other_person:
            return
        self._arrived(message.p, message.located)

    def _follow(
        self,
        prev: Participant,
        p: Participant | None,
        *,
        was_gone: bool = False,
        located: Located | None = None,
    ) -> Participant | None:
        """The version to show when the file of the shown record `prev` now holds `p`:
        `p` when it is the same record (git's rename detection from `_base`, core
        `follow.where_now`); the record at its new id when it was renamed (a sync's
        renumber, `git mv`: `_arrived` makes it this screen's); None when the
        path now holds another record, which is never shown in this form (the screen
        says so and refuses every save: typed values never land on another person).
        `was_gone`: `prev` is the version shown when the file went away; a different
        file at the path after a rewritten history (an erasure) is then taken for
        another person too, as git cannot say it is the same one.

        `located`: git's answer (`locate`), None when no git call was needed
        (`_follow_from`)."""
        from ipstui.core.follow import DOUBTFUL, HISTORY_DOUBT, MOVED, REPLACED, UNKNOWN

        if located is None or located.where is None:
            return p  # no git call needed, or git could not tell: the save checks again
        where = located.where
        if where.state == DOUBTFUL and p is not None and not was_gone:
            # Maybe another person: shown, the typed values kept, but nothing is saved
            # onto them before the user says so (`run_edit` asks).
            reason = HISTORY if where.doubt == HISTORY_DOUBT else IDENTITY
            was = self._doubt.was if self._doubt is not None else prev.name
            self._doubt = Verdict(reason, p.rel_path, was, p.name, where.head, p.blob)
            return p
        if where.state == MOVED:
            if located.moved is not None:
                return located.moved
            if not where.replaced_path:
                return None  # renamed and invalid there: not available, never `p`
        other = (
            where.state == REPLACED
            or (where.state == MOVED and where.replaced_path)
            or (where.state in (UNKNOWN, DOUBTFUL) and was_gone)
        )
        if not other or p is None:
            return p
        self._other_person = True
        self._gone = None
        self.participant = None
        self.query_one("#p-title", Label).update(_("{id} — not available").format(id=prev.id))
        self.banner(
            _(
                "{id}'s file now holds another participant: this record was removed or renamed and its id taken. Your unsaved values were not moved onto the other person, and nothing here can be saved; go back ({key}) and open the participant again."
            ).format(id=prev.id, key=self._key("participant_back", "escape")),
            "error",
        )
        self.refresh_bindings()
        return None

    def _rebase_banner(self, p: Participant, summary: dict[str, Any]) -> tuple[str, str]:
        """(text, kind) of the banner after an outside change moved the form: a warning
        while any unsaved value differs from a newer saved one (named with both values,
        however many changes came since), else a notice. It names the fields of every
        outside commit since the form last agreed with the file."""
        fields = ", ".join(map(field_label, self._outside or summary["underneath"]))
        collided = summary.get("collided") or []
        if collided:
            details = self.details
            both = "; ".join(
                _("{field}: yours {value}, saved {saved}").format(
                    field=field_label(n),
                    value=details.shown(n, details.yours(n)),
                    saved=details.shown(n, details.baseline.get(n)),
                )
                for n in collided
            )
            text = _(
                "{id} was changed outside this screen ({fields}). Your unsaved values are "
                "kept; where the saved version differs, both are shown under the field and "
                "you decide: {both}"
            ).format(id=p.id, fields=fields, both=both)
            return text, "warning"
        if summary["kept"]:
            text = _(
                "{id} was changed outside this screen ({fields}); the new version "
                "is shown and your unsaved edits are kept."
            )
        else:
            text = _("{id} was changed outside this screen ({fields}); the new version is shown.")
        return text.format(id=p.id, fields=fields), "info"

    def _show_missing(self) -> None:
        if self.participant is not None:
            self._gone = self.participant
        self.participant = None
        self.query_one("#p-title", Label).update(_("{id} — not available").format(id=self.pid))
        self.banner(
            _(
                "{id} is not in the caseload any more: its file was removed or does not "
                "validate (see Problems, {key}). Nothing here can be saved."
            ).format(id=self.pid, key=self._key("problems", "p")),
            "error",
        )
        self.refresh_bindings()

    def _draw_header(self, p: Participant) -> None:
        cl = self.caseload
        data = p.data
        spec = cl.settings.team.get(p.specialist) if cl else None
        by = f"{spec.name} ({p.specialist})" if spec and spec.name != p.specialist else p.specialist
        since = data.get("phase_since")
        phase = _(PHASE_LABELS[p.phase]) if p.phase in PHASE_LABELS else p.phase
        if isinstance(since, date):
            phase = _("{phase} since {date}").format(phase=phase, date=since.isoformat())
        title = f"{p.id} · {p.name} · {phase} · {by}"
        self.query_one("#p-title", Label).update(Text(escape(title)))
        markers = self.query_one("#p-markers", Horizontal)
        markers.remove_children()
        labels: list[Label] = []
        sus = data.get("suspension")
        if isinstance(sus, dict):
            reason = _(readable(str(sus.get("reason", "")), SUSPENSION_REASON_LABELS))
            labels.append(
                Label(
                    SYMBOL[SUSPENDED]
                    + " "
                    + _("SUSPENDED since {date} ({reason})").format(
                        date=cell(sus.get("since")), reason=reason
                    ),
                    classes="marker -suspended",
                    markup=False,
                )
            )
        closure = data.get("closure")
        if isinstance(closure, dict):
            reason = _(readable(str(closure.get("reason", "")), CLOSURE_REASON_LABELS))
            labels.append(
                Label(
                    _("CLOSED on {date} ({reason})").format(
                        date=cell(closure.get("on")), reason=reason
                    ),
                    classes="marker -closed",
                    markup=False,
                )
            )
        if p.has_conflicts:
            names = ", ".join(field_label(str(k)) for k in data.get("conflicts") or {})
            labels.append(
                Label(
                    SYMBOL[NEEDS_DECISION]
                    + " "
                    + _("NEEDS A DECISION: {fields} ({key})").format(
                        fields=names, key=self._key("participant_decide", "D")
                    ),
                    classes="marker -conflict",
                    markup=False,
                )
            )
        if cl is not None:
            ds = deadlines(data, cl.settings, self.today)
            over = sum(1 for d in ds if d.state == OVERDUE)
            soon = sum(1 for d in ds if d.state == DUE_SOON)
            if over:
                words = ngettext("{n} overdue", "{n} overdue", over).format(n=over)
                text = SYMBOL[OVERDUE] + " " + words
                labels.append(Label(text, classes="marker -overdue", markup=False))
            if soon:
                words = ngettext("{n} due soon", "{n} due soon", soon).format(n=soon)
                text = SYMBOL[DUE_SOON] + " " + words
                labels.append(Label(text, classes="marker -soon", markup=False))
        markers.mount_all(labels)
        # A marker's cells: its text, padding 1 each side and a margin of 2 (the .tcss).
        # Only the id and name must stay whole: the phase and specialist may be cut with
        # `…` (both are whole in the Details tab), which keeps the header one line.
        named = cells(escape(f"{p.id} · {p.name} · "))
        self._header_cells = (named, sum(cells(str(x.content)) + 4 for x in labels))
        self._stack_header()

    def banner(self, text: str, kind: str = "info") -> None:
        """The line under the header: `kind` error, warning or info; '' hides it."""
        banner = self.query_one("#p-banner", Static)
        self._banner_kind = kind if text else ""
        banner.update(escape(text, keep="\n"))
        for k in ("error", "warning", "info"):
            banner.set_class(k == kind and bool(text), f"-{k}")
        banner.set_class(bool(text), "-shown")

    # ------------------------------------------------------------ edits

    def run_edit(
        self,
        label: str,
        func: Callable[..., SaveResult],
        *args: Any,
        then_tab: str | None = None,
        then_reset: bool = False,
        **kwargs: Any,
    ) -> int:
        """One edit through the app's worker; once saved (EditSaved with its number),
        show the tab `then_tab`, or reload the form from the saved record (`then_reset`);
        a refusal (EditRefused) is shown here. Refused at once (EditRefused, this
        screen's banner left as it is) while the screen shows no record of its own
        (`_other_person`, or nothing valid at its id). Returns the request's number (a dialog
        that started the edit waits for it: `FormScreen.submitting`)."""
        if self._other_person or self.participant is None:
            # The edit names the record by id, and the id may now be another person's
            # (or nothing valid): refused like a stale save, a dialog keeps what was typed.
            error = CaseloadError(
                _(
                    "{id} is not available on this screen (its file was removed, no longer validates or now holds another participant); nothing was saved."
                ).format(id=self.pid)
            )
            self.details.submitted = None
            return self.ips.refuse_edit(label, error)
        if self._doubt is not None:
            return self._ask_first(self._doubt, label, func, args, kwargs, then_tab, then_reset)
        return self._start_edit(None, label, func, args, kwargs, then_tab, then_reset)

    def _start_edit(
        self,
        request: int | None,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        then_tab: str | None,
        then_reset: bool,
    ) -> int:
        """Run the edit through the app's worker, carrying the record as the user saw it
        (`_seen`): the save refuses (ChangedHands) when the id changed hands meanwhile."""
        seen = self._seen
        service = self.ips.service
        shown = self.participant
        follow = seen
        if shown is not None and (follow is None or follow.rel != shown.rel_path):
            follow = Seen(self._base, shown.rel_path, shown.blob) if self._base else None

        def edit(cl: Caseload, *a: Any, **k: Any) -> SaveResult:
            try:
                return func(service.seen_by(cl, seen), *a, **k)
            except StaleEdit as exc:
                # Where the record went, asked here in the edit's worker: the screen
                # shows the answer with the refusal (`_edit_failed`), no git on the UI.
                fresh = exc.fresh
                if follow is not None and fresh is not None and fresh.blob != follow.blob:
                    exc.located = locate(service, cl, follow)  # type: ignore[attr-defined]
                raise

        request = self.ips.run_edit(label, edit, *args, request=request, **kwargs)
        self._requests[request] = (then_tab, then_reset)
        return request

    def _ask_first(
        self,
        doubt: Verdict,
        label: str,
        func: Callable[..., SaveResult],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        then_tab: str | None,
        then_reset: bool,
    ) -> int:
        """The record at the id may be another person (`_doubt`): ask, naming both,
        before the edit runs; yes saves onto the one at the id now (and the screen
        takes them as its record), no saves nothing and keeps what was typed. Returns
        the request number reserved for the edit (a dialog waits for it)."""
        request = self.ips.reserve_request()

        def answer(yes: bool | None) -> None:
            if yes and self._doubt is doubt and doubt.head is not None and doubt.blob:
                self._doubt = None
                self._seen = Seen(doubt.head, doubt.rel, doubt.blob)
                self._start_edit(request, label, func, args, kwargs, then_tab, then_reset)
                return
            self.details.submitted = None
            error = CaseloadError(
                _("nothing was saved; your unsaved values are still on the screen")
            )
            self.ips.refuse_edit(label, error, request=request)
            self._requests[request] = (None, False)

        if doubt.reason == HISTORY:
            question = _(
                "{id}'s history was replaced (a branch switch or a reset): it held {was} when you started editing and now holds {now}. Save your edits onto {now}?"
            )
        else:
            question = _(
                "{id} may be another participant now: it held {was} when you started editing and now holds {now}. Save your edits onto {now}?"
            )
        text = question.format(id=self.pid, was=escape(doubt.was), now=escape(doubt.now))
        self.app.push_screen(
            ConfirmScreen(
                text,
                yes=_("Save onto {now}").format(now=escape(doubt.now)),
                no=_("Do not save"),
                title=_("Another participant?"),
            ),
            answer,
        )
        return request

    @on(EditSaved)
    def _edit_saved(self, message: EditSaved) -> None:
        then = self._requests.pop(message.request, None)
        if then is None:
            return  # another screen's edit
        then_tab, then_reset = then
        if self._banner_kind in ("error", "info"):
            self.banner("")  # an earlier failure or notice is over
        p = message.result.participant
        if then_reset and p is not None:
            self.show_participant(p, reset=True)
        if self._banner_kind == "warning" and not self.details.collided:
            self.banner("")  # the values it named both ways are saved now
        if then_tab is not None:
            self.show_tab(then_tab)

    @on(EditRefused)
    def _edit_refused(self, message: EditRefused) -> None:
        if self._requests.pop(message.request, None) is None:
            return
        self.details.submitted = None
        self._edit_failed(message.label, message.error)

    def _edit_failed(self, label: str, exc: Exception) -> None:
        if not isinstance(exc, StaleEdit):
            self.banner(_("{action}: not saved — {error}").format(action=label, error=exc), "error")
            return
        old = self.participant
        details = self.details
        if exc.fresh is None:
            self.banner(
                _(
                    "{action}: NOT SAVED. {id}'s file was deleted or no longer validates on "
                    "disk since it was loaded; see Problems ({key}). Nothing was written."
                ).format(action=label, id=self.pid, key=self._key("problems", "p")),
                "error",
            )
            return
        # The app normally put the fresh version in the snapshot already (this call is a
        # no-op then, and the rebase it did is remembered).
        asked = exc.fresh.id
        summary = self._arrived(exc.fresh, getattr(exc, "located", None))
        if self._other_person:
            return
        if asked != self.pid:
            # The save was made against the record's old id; the screen follows it now.
            self.banner(
                _(
                    "{action}: NOT SAVED. {old} is now {new}: its id was taken by another participant (a sync renumbered it, or its file was renamed). This screen follows it to {new}, your unsaved values are still in the form, and {key} saves them to {new}."
                ).format(
                    action=label,
                    old=asked,
                    new=self.pid,
                    key=key_for(details, "participant_save", "ctrl+s"),
                ),
                "error",
            )
            return
        if isinstance(exc, ChangedHands):
            self._changed_hands(label, exc)
            return
        if not summary and details.last_rebase and details.last_rebase[0] == exc.fresh.blob:
            summary = details.last_rebase[1]
        underneath = summary.get("underneath") or (
            changed_tops(old.data, exc.fresh.data) if old else []
        )
        kept = [f.field_name for f in details.dirty()]
        collided = summary.get("collided") or []
        # One sentence per fact, each translated whole.
        if underneath:
            text = _(
                "{action}: NOT SAVED. {id}'s file changed on disk since it was loaded "
                "(another terminal, a pull or a hand edit). The version on disk is shown "
                "now; it changed: {fields}."
            ).format(action=label, id=self.pid, fields=", ".join(map(field_label, underneath)))
        else:
            text = _(
                "{action}: NOT SAVED. {id}'s file changed on disk since it was loaded "
                "(another terminal, a pull or a hand edit). The version on disk is shown now."
            ).format(action=label, id=self.pid)
        if collided:
            text += " " + _(
                "Your values of {fields} differ from the saved ones: both are shown under "
                "each field; you decide."
            ).format(fields=", ".join(map(field_label, collided)))
        if kept:
            text += " " + _(
                "Your unsaved edits of {fields} are still in the form: {key} saves them."
            ).format(
                fields=", ".join(map(field_label, kept)),
                key=key_for(details, "participant_save", "ctrl+s"),
            )
        elif label != _("Save details"):
            text += " " + _("Do it again on the fresh version.")
        self.banner(text, "error")

    def _changed_hands(self, label: str, exc: ChangedHands) -> None:
        """The save found that the record at the id is not, or may not be, the one the
        edits were made for (the change landed before this screen saw it): nothing was
        written; the typed values stay, and the next save asks, naming both."""
        v = exc.verdict
        if self._doubt is None:
            reason = v.reason if v.reason == HISTORY else IDENTITY
            self._doubt = Verdict(reason, v.rel, v.was, v.now, v.head, v.blob)
        key = key_for(self.details, "participant_save", "ctrl+s")
        self.banner(
            _(
                "{action}: NOT SAVED — {why}. Your unsaved values are still on the screen; {key} asks before saving them onto {now}."
            ).format(action=label, why=exc, key=key, now=self._doubt.now),
            "error",
        )

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
