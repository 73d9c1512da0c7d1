"""One participant: every field editable with validation, contacts, jobs, tasks, the
open deadlines with their state, and the field-level history from git.

Every edit goes through `app.run_edit` (a worker: one commit, never on the UI thread)
and the screen redraws from the new snapshot it watches on the app. When the file
changed on disk meanwhile, the core refuses the save and the app puts the fresh
version in the snapshot: this screen then shows it, keeps the user's unsaved edits
that do not collide, and says so plainly — nothing is overwritten silently.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from ipstui.core.changes import diff
from ipstui.core.model import (
    DISCLOSURE,
    PHASE_LABELS,
    PHASES,
    RULE_LABELS,
    SETTABLE_FIELDS,
    SUPPORT_MODES,
    TOP_KEYS,
    Participant,
)
from ipstui.core.rules import DUE_SOON, OVERDUE, Deadline, deadlines
from ipstui.core.service import Caseload, Revision, SaveResult, StaleEdit, show_value
from ipstui.core.vocab import (
    CLOSURE_REASON_LABELS,
    CONTACT_KIND_LABELS,
    DISCLOSURE_LABELS,
    NEEDS_DECISION,
    STATE_WORD,
    SUPPORT_MODE_LABELS,
    SUSPENDED,
    SUSPENSION_REASON_LABELS,
    SYMBOL,
    options,
    readable,
    who,
)
from ipstui.ui.keys import allow_letter_action, key_for
from ipstui.ui.screens.forms import (
    ChoiceOrText,
    ClosureForm,
    ConfirmScreen,
    ConflictForm,
    ContactForm,
    EndJobForm,
    FormField,
    JobForm,
    SuspendForm,
    TaskForm,
    check_area,
    check_choice,
    check_date,
    check_list,
    check_text,
    editor_dir,
    field_of,
    plain,
    raw_value,
    run_editor,
)
from ipstui.ui.widgets.inputs import OneLineInput

TABS = ("details", "contacts", "jobs", "tasks", "deadlines", "history")


@dataclass(frozen=True, slots=True)
class DetailSpec:
    """How one scalar field is edited on the Details tab."""

    name: str
    label: str
    kind: str  # text | date | select | choice | list | area
    required: bool = False


_SPECS: dict[str, DetailSpec] = {
    s.name: s
    for s in (
        DetailSpec("name", "Name (or pseudonym)", "text", True),
        DetailSpec("specialist", "Employment specialist", "select", True),
        DetailSpec("phase", "Phase", "select", True),
        DetailSpec("phase_since", "In this phase since", "date", True),
        DetailSpec("referral_source", "Referred by", "choice"),
        DetailSpec("referred_on", "Referred on", "date"),
        DetailSpec("first_contact_on", "First contact on", "date"),
        DetailSpec("enrolled_on", "Enrolled on (starts job-search clock)", "date"),
        DetailSpec("first_employer_contact_on", "First employer contact on", "date"),
        DetailSpec("benefits_counseling_on", "Latest benefits counselling", "date"),
        DetailSpec("career_profile_updated_on", "Career profile updated on", "date"),
        DetailSpec("disclosure", "Disclosure (the participant decides)", "select"),
        DetailSpec("support_mode", "Type of support", "select"),
        DetailSpec("goals", "Goals (comma-separated)", "list"),
        DetailSpec("strengths", "Strengths (comma-separated)", "list"),
        DetailSpec("notes", "Notes", "area"),
    )
}
if TYPE_CHECKING:
    from ipstui.ui.app import IpsApp

DETAIL_SPECS: tuple[DetailSpec, ...] = tuple(
    _SPECS.get(name) or DetailSpec(name, readable(name), "text") for name in SETTABLE_FIELDS
)


def to_raw(spec: DetailSpec, value: Any) -> Any:
    """A stored value as its control shows it (what `raw_value` reads back)."""
    if spec.kind in ("select", "choice"):
        return None if value is None else str(value)
    if value is None:
        return ""
    if spec.kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if spec.kind == "list":
        return ", ".join(str(x) for x in value) if isinstance(value, list) else str(value)
    return str(value)


def raws_of(data: dict[str, Any]) -> dict[str, Any]:
    """Every Details field of `data` as its control shows it."""
    return {s.name: to_raw(s, data.get(s.name)) for s in DETAIL_SPECS}


def _cell(value: Any, width: int = 50) -> str:
    return "" if value is None else show_value(value, width)


def _job_label(job: dict[str, Any]) -> str:
    title = job.get("title")
    return f"{job.get('employer', '?')}" + (f" ({title})" if title else "")


class ParticipantScreen(Screen[None]):
    """A participant's record, lists, deadlines and history; every edit one commit."""

    BINDINGS = [
        Binding(
            "escape",
            "back",
            "Back",
            id="participant_back",
            tooltip="Back to where you came from (asks first with unsaved edits)",
        ),
        Binding(
            "ctrl+s",
            "save",
            "Save details",
            id="participant_save",
            tooltip="Save the Details tab (one commit)",
        ),
        Binding(
            "c",
            "add_contact",
            "Contact",
            id="participant_contact",
            tooltip="Log a contact (one commit)",
        ),
        Binding("j", "add_job", "Job", id="participant_job", tooltip="Add a job"),
        Binding(
            "x",
            "end_job",
            "End job",
            id="participant_end_job",
            tooltip="End the selected current job (Jobs tab)",
        ),
        Binding("t", "add_task", "Task", id="participant_task", tooltip="Add a task"),
        Binding(
            "d",
            "complete_task",
            "Task done",
            id="participant_task_done",
            tooltip="Mark the selected task done today (Tasks tab)",
        ),
        Binding(
            "s",
            "suspend",
            "Suspend",
            id="participant_suspend",
            tooltip="Suspend: the rules pause, tasks stay due",
        ),
        Binding("S", "resume", "Resume", id="participant_resume", tooltip="End the suspension"),
        Binding(
            "D",
            "decide",
            "Decide conflicts",
            id="participant_decide",
            tooltip="Choose between the values two edits left after a sync",
        ),
        Binding(
            "ctrl+e",
            "edit_notes",
            "Notes in $EDITOR",
            id="participant_editor",
            priority=True,
            tooltip="Write the notes in your $EDITOR",
        ),
        Binding("1", "tab('details')", "Details tab", show=False, id="participant_tab_details"),
        Binding("2", "tab('contacts')", "Contacts tab", show=False, id="participant_tab_contacts"),
        Binding("3", "tab('jobs')", "Jobs tab", show=False, id="participant_tab_jobs"),
        Binding("4", "tab('tasks')", "Tasks tab", show=False, id="participant_tab_tasks"),
        Binding(
            "5", "tab('deadlines')", "Deadlines tab", show=False, id="participant_tab_deadlines"
        ),
        Binding("6", "tab('history')", "History tab", show=False, id="participant_tab_history"),
    ]

    def __init__(self, pid: str) -> None:
        super().__init__()
        self.pid = pid
        self.participant: Participant | None = None
        """The version the form and lists show; the one a save must find on disk."""
        self._baseline: dict[str, Any] = {}
        """Each Details field as its control showed it when loaded from `participant`."""
        self._submitted: dict[str, Any] | None = None
        """Data of a Details save in flight, to recognise our own save coming back."""
        self._history_blob: str | None = None
        self._pending = 0
        """Edits of this screen in flight: a snapshot change meanwhile is (likely) ours."""
        self._banner_kind = ""
        self._last_rebase: tuple[str, dict[str, Any]] | None = None
        """(blob, what moved) of the latest rebase, for the stale-edit message."""
        self._row_refs: dict[str, list[int]] = {"jobs": [], "tasks": []}

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="p-header"):
            yield Label(self.pid, id="p-title", markup=False)
            yield Horizontal(id="p-markers")
        yield Static("", id="p-banner", markup=False)
        with TabbedContent(id="p-tabs", initial="tab-details"):
            with TabPane("Details", id="tab-details"):
                with VerticalScroll(id="details"):
                    yield from self._detail_fields()
                    yield Static("", id="details-problems", markup=False)
                    yield Static("", id="details-extra", markup=False)
            with TabPane("Contacts", id="tab-contacts"):
                yield Static("", classes="tab-summary", markup=False, id="contacts-summary")
                yield DataTable(id="contacts-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Jobs", id="tab-jobs"):
                yield Static("", classes="tab-summary", markup=False, id="jobs-summary")
                yield DataTable(id="jobs-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Tasks", id="tab-tasks"):
                yield Static("", classes="tab-summary", markup=False, id="tasks-summary")
                yield DataTable(id="tasks-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Deadlines", id="tab-deadlines"):
                yield Static("", classes="tab-summary", markup=False, id="deadlines-summary")
                yield DataTable(id="deadlines-table", cursor_type="row", zebra_stripes=True)
            with TabPane("History", id="tab-history"):
                yield Static("", classes="tab-summary", markup=False, id="history-summary")
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def _detail_fields(self) -> list[FormField]:
        out = []
        cl = self.caseload
        current = cl.participants.get(self.pid) if cl else None
        data = current.data if current else {}
        selects: dict[str, list[tuple[str | Text, str]]] = {}
        for spec in DETAIL_SPECS:
            control: Widget
            if spec.kind == "select":
                value = data.get(spec.name)
                opts = selects[spec.name] = self._select_options(spec.name, value)
                control = Select(
                    opts,
                    allow_blank=not spec.required or not opts,
                    prompt="(not set)",
                    compact=True,
                )
                check = check_choice(required=spec.required, what=spec.label.lower())
            elif spec.kind == "choice":
                control = ChoiceOrText([], placeholder="type a new value", compact=True)
                check = check_choice(required=spec.required)
            elif spec.kind == "date":
                control = OneLineInput(
                    placeholder="YYYY-MM-DD" + ("" if spec.required else ", or blank"),
                    compact=True,
                )
                check = check_date(required=spec.required)
            elif spec.kind == "list":
                control = OneLineInput(placeholder="first, second, …", compact=True)
                check = check_list()
            elif spec.kind == "area":
                control = TextArea()
                check = check_area()
            else:
                control = OneLineInput(compact=True)
                check = check_text(required=spec.required, what=spec.label.lower())
            editor = self._key("participant_editor", "ctrl+e")
            hint = f"{editor}: write the notes in your $EDITOR" if spec.kind == "area" else ""
            f = FormField(spec.name, spec.label, control, check, hint=hint)
            if spec.name in selects:
                f._opts = selects[spec.name]  # type: ignore[attr-defined]
            out.append(f)
        return out

    def on_resize(self) -> None:
        # Narrow screens (80×24): each Details label above its field, not beside it.
        self.set_class(self.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.query_one("#contacts-table", DataTable).add_columns("Date", "Kind", "By", "Note")
        self.query_one("#jobs-table", DataTable).add_columns(
            "Employer", "Title", "Start", "End", "Hours/wk", "Wage/h", "Competitive", "Status"
        )
        self.query_one("#tasks-table", DataTable).add_columns("Due", "What", "Status")
        self.query_one("#deadlines-table", DataTable).add_columns(
            "", "Deadline", "Due", "When", "State", "About"
        )
        self.query_one("#history-table", DataTable).add_columns(
            "When", "Who", "Signed", "Field", "Old → New"
        )
        self.watch(self.app, "caseload", self._caseload_changed, init=True)

    # ------------------------------------------------------------ snapshot → screen

    @property
    def ips(self) -> IpsApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def caseload(self) -> Caseload | None:
        """The app's current snapshot (None while loading)."""
        return self.ips.caseload

    @property
    def today(self) -> date:
        """The date deadlines are computed for."""
        return self.ips.today

    def _caseload_changed(self, cl: Caseload | None) -> None:
        if cl is None:
            return
        p = cl.participants.get(self.pid)
        if p is None:
            self._show_missing()
            return
        self.show_participant(p)

    def show_participant(self, p: Participant, *, reset: bool = False) -> dict[str, Any]:
        """Show `p`; returns what moved underneath the user's unsaved edits, if anything."""
        prev = self.participant
        summary: dict[str, Any] = {}
        same = prev is not None and prev.blob == p.blob and prev.data == p.data
        if prev is None and self._banner_kind == "error":
            self._banner("")  # it is back (see _show_missing)
        if prev is None or reset:
            self._load_details(p)
        elif not same:
            if self._submitted is not None and p.data == self._submitted:
                self._load_details(p)  # our own save came back
            else:
                summary = self._rebase_details(prev, p)
                if not self._pending and not summary["replaced"] and summary["underneath"]:
                    self._banner(
                        f"{p.id} was changed outside this screen "
                        f"({', '.join(summary['underneath'])}); the new version is shown"
                        + (" and your unsaved edits are kept." if summary["kept"] else "."),
                        "info",
                    )
        self.participant = p
        if same and not reset:
            # Same record (a reload or a new day): only what depends on the date.
            self._draw_header(p)
            self._draw_deadlines(p)
            self._draw_tasks(p)
            return summary
        self._draw(p)
        if self._history_blob != p.blob:
            self._history_blob = p.blob
            self.load_history()
        self.refresh_bindings()
        return summary

    def _show_missing(self) -> None:
        self.participant = None
        self.query_one("#p-title", Label).update(f"{self.pid} — not available")
        self._banner(
            f"{self.pid} is not in the caseload any more: its file was removed or does not "
            f"validate (see Problems, {self._key('problems', 'p')}). Nothing here can be saved.",
            "error",
        )
        self.refresh_bindings()

    def _draw(self, p: Participant) -> None:
        self._draw_header(p)
        self._draw_contacts(p)
        self._draw_jobs(p)
        self._draw_tasks(p)
        self._draw_deadlines(p)
        self._draw_extra(p)

    def _draw_header(self, p: Participant) -> None:
        cl = self.caseload
        data = p.data
        spec = cl.settings.team.get(p.specialist) if cl else None
        who = (
            f"{spec.name} ({p.specialist})" if spec and spec.name != p.specialist else p.specialist
        )
        since = data.get("phase_since")
        phase = PHASE_LABELS.get(p.phase, p.phase)
        title = f"{p.id} · {p.name} · {phase}"
        if isinstance(since, date):
            title += f" since {since.isoformat()}"
        title += f" · {who}"
        self.query_one("#p-title", Label).update(title)
        markers = self.query_one("#p-markers", Horizontal)
        markers.remove_children()
        labels: list[Label] = []
        sus = data.get("suspension")
        if isinstance(sus, dict):
            reason = readable(str(sus.get("reason", "")), SUSPENSION_REASON_LABELS)
            labels.append(
                Label(
                    f"{SYMBOL[SUSPENDED]} SUSPENDED since {_cell(sus.get('since'))} ({reason})",
                    classes="marker -suspended",
                    markup=False,
                )
            )
        closure = data.get("closure")
        if isinstance(closure, dict):
            reason = readable(str(closure.get("reason", "")), CLOSURE_REASON_LABELS)
            labels.append(
                Label(
                    f"CLOSED on {_cell(closure.get('on'))} ({reason})",
                    classes="marker -closed",
                    markup=False,
                )
            )
        if p.has_conflicts:
            names = ", ".join(str(k) for k in data.get("conflicts") or {})
            labels.append(
                Label(
                    f"{SYMBOL[NEEDS_DECISION]} NEEDS A DECISION: {names} ({key_for(self, 'participant_decide', 'D')})",
                    classes="marker -conflict",
                    markup=False,
                )
            )
        if cl is not None:
            ds = deadlines(data, cl.settings, self.today)
            over = sum(1 for d in ds if d.state == OVERDUE)
            soon = sum(1 for d in ds if d.state == DUE_SOON)
            if over:
                labels.append(Label(f"{SYMBOL[OVERDUE]} {over} overdue", classes="marker -overdue"))
            if soon:
                labels.append(Label(f"{SYMBOL[DUE_SOON]} {soon} due soon", classes="marker -soon"))
        markers.mount_all(labels)

    def _draw_contacts(self, p: Participant) -> None:
        table = self.query_one("#contacts-table", DataTable)
        table.clear()
        contacts = [c for c in p.data.get("contacts") or () if isinstance(c, dict)]
        for i, c in enumerate(contacts):
            note = str(c.get("note", "")).replace("\n", " ⏎ ")
            table.add_row(
                _cell(c.get("on")),
                readable(str(c.get("kind", "")), CONTACT_KIND_LABELS),
                str(c.get("by", "")),
                Text(note[:120] + ("…" if len(note) > 120 else "")),
                key=str(i),
            )
        if contacts:
            table.move_cursor(row=len(contacts) - 1)  # the newest, in view
        self.query_one("#contacts-summary", Static).update(
            f"{len(contacts)} contact{'s' if len(contacts) != 1 else ''}, oldest first"
            f" — {self._key('participant_contact', 'c')}: log a contact"
        )
        self._tab_label("contacts", f"Contacts ({len(contacts)})")

    def _draw_jobs(self, p: Participant) -> None:
        table = self.query_one("#jobs-table", DataTable)
        keep = table.cursor_row if table.row_count else None
        table.clear()
        jobs = p.data.get("jobs") or []
        refs: list[int] = []
        current = 0
        for i, job in enumerate(jobs):
            if not isinstance(job, dict):
                continue
            ended = "end" in job
            current += not ended
            status = f"ended: {job.get('end_reason', '')}" if ended else "current"
            table.add_row(
                Text(str(job.get("employer", ""))),
                Text(str(job.get("title", ""))),
                _cell(job.get("start")),
                _cell(job.get("end")),
                _cell(job.get("hours_per_week")),
                _cell(job.get("hourly_wage")),
                "yes" if job.get("competitive") else "no",
                Text(status),
                key=str(i),
            )
            refs.append(i)
        self._row_refs["jobs"] = refs
        if refs:
            table.move_cursor(row=len(refs) - 1 if keep is None else min(keep, len(refs) - 1))
        self.query_one("#jobs-summary", Static).update(
            f"{len(refs)} job{'s' if len(refs) != 1 else ''}, {current} current"
            f" — {self._key('participant_job', 'j')}: add a job, "
            f"{self._key('participant_end_job', 'x')}: end the selected current job"
        )
        self._tab_label("jobs", f"Jobs ({current} current)" if current else f"Jobs ({len(refs)})")

    def _draw_tasks(self, p: Participant) -> None:
        table = self.query_one("#tasks-table", DataTable)
        keep = table.cursor_row
        table.clear()
        refs: list[int] = []
        open_ = 0
        for i, task in enumerate(p.data.get("tasks") or []):
            if not isinstance(task, dict):
                continue
            done = task.get("done_on")
            if done is not None:
                status = f"done {_cell(done)}"
            else:
                open_ += 1
                due = task.get("due")
                status = "open"
                if isinstance(due, date):
                    days = (due - self.today).days
                    if days < 0:
                        status = f"{SYMBOL[OVERDUE]} {-days}d overdue"
                    elif days == 0:
                        status = f"{SYMBOL[DUE_SOON]} due today"
                    else:
                        status = f"open, due in {days}d"
            table.add_row(
                _cell(task.get("due")), Text(str(task.get("what", ""))), status, key=str(i)
            )
            refs.append(i)
        self._row_refs["tasks"] = refs
        if refs:
            table.move_cursor(row=min(keep, len(refs) - 1))
        self.query_one("#tasks-summary", Static).update(
            f"{open_} open task{'s' if open_ != 1 else ''} of {len(refs)}"
            f" — {self._key('participant_task', 't')}: add a task, "
            f"{self._key('participant_task_done', 'd')}: mark the selected one done today"
        )
        self._tab_label("tasks", f"Tasks ({open_} open)")

    def _draw_deadlines(self, p: Participant) -> None:
        cl = self.caseload
        table = self.query_one("#deadlines-table", DataTable)
        table.clear()
        if cl is None:
            return
        today = self.today
        ds: list[Deadline] = deadlines(p.data, cl.settings, today)
        colours = self.app.get_css_variables()
        style = {OVERDUE: colours.get("error", "red"), DUE_SOON: colours.get("warning", "yellow")}
        for d in ds:
            st = style.get(d.state, "")
            table.add_row(
                Text(SYMBOL.get(d.state, " "), style=f"bold {st}".strip()),
                RULE_LABELS.get(d.rule, d.rule),
                d.due.isoformat(),
                Text(d.words(today), style=st),
                STATE_WORD.get(d.state, d.state),
                Text(d.what),
            )
        over = sum(1 for d in ds if d.state == OVERDUE)
        soon = sum(1 for d in ds if d.state == DUE_SOON)
        if p.phase == "closed":
            text = "Closed: no deadlines."
        elif not ds:
            text = "No open deadlines."
        else:
            text = (
                f"{len(ds)} open: ✖ {over} overdue, ▲ {soon} due soon (as of {today.isoformat()})"
            )
        if p.suspended and p.phase != "closed":
            text += "  Suspended: the rules pause, only tasks stay due."
        summary = self.query_one("#deadlines-summary", Static)
        summary.update(text)
        summary.set_class(bool(over), "-alert")
        mark = f" ✖ {over}" if over else (f" ▲ {soon}" if soon else "")
        self._tab_label("deadlines", f"Deadlines ({len(ds)}{mark})")

    def _draw_extra(self, p: Participant) -> None:
        others = [k for k in p.data if k not in TOP_KEYS and not isinstance(p.data[k], dict | list)]
        text = ""
        if others:
            text = "Other fields, kept as they are: " + ", ".join(
                f"{k} = {show_value(p.data[k], 30)}" for k in others
            )
        self.query_one("#details-extra", Static).update(text)
        conflicts = p.data.get("conflicts") or {}
        for f in self._fields():
            rec = conflicts.get(f.field_name)
            if isinstance(rec, dict):
                note = (
                    f"⚑ needs a decision: the other edit says {show_value(rec.get('theirs'), 40)}"
                )
                if "base" in rec:
                    note += f" (both started from {show_value(rec['base'], 30)})"
                f.set_note(note + f" — {self._key('participant_decide', 'D')} to decide")
            else:
                f.set_note("")

    def _tab_label(self, tab: str, label: str) -> None:
        try:
            self.query_one("#p-tabs", TabbedContent).get_tab(f"tab-{tab}").label = label
        except Exception:  # noqa: BLE001 — a label is cosmetic
            pass

    def _banner(self, text: str, kind: str = "info") -> None:
        banner = self.query_one("#p-banner", Static)
        self._banner_kind = kind if text else ""
        banner.update(text)
        for k in ("error", "warning", "info"):
            banner.set_class(k == kind and bool(text), f"-{k}")
        banner.set_class(bool(text), "-shown")

    # ------------------------------------------------------------ Details form

    def _fields(self) -> list[FormField]:
        return list(self.query_one("#details").query(FormField))

    def _field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def _select_options(self, name: str, current: Any) -> list[tuple[str | Text, str]]:
        cl = self.caseload
        if name == "specialist":
            team = cl.settings.team if cl else {}
            opts: list[tuple[str | Text, str]] = [
                (plain(f"{s.name} ({k})" if s.name and s.name != k else k), k)
                for k, s in team.items()
            ]
        elif name == "phase":
            opts = [(PHASE_LABELS[ph], ph) for ph in PHASES]
        elif name == "disclosure":
            opts = list(options(DISCLOSURE, DISCLOSURE_LABELS))
        elif name == "support_mode":
            opts = list(options(SUPPORT_MODES, SUPPORT_MODE_LABELS))
        else:
            opts = []
        if current is not None and current not in [v for _, v in opts]:
            opts.append((plain(f"{current} (not in the list)"), str(current)))
        return opts

    def _set_control(self, f: FormField, raw: Any) -> None:
        control = f.control
        if isinstance(control, ChoiceOrText):
            control.set_value(raw)
        elif isinstance(control, Select):
            opts = self._select_options(f.field_name, raw)
            if getattr(f, "_opts", None) != opts:
                control.set_options(opts)
                f._opts = opts  # type: ignore[attr-defined]
            if raw is None:
                if not control.is_blank():
                    control.clear()
            else:
                control.value = raw
        elif isinstance(control, TextArea):
            if control.text != raw:
                control.load_text(raw)
        elif isinstance(control, Input):
            control.value = raw

    def _load_details(self, p: Participant) -> None:
        """Show `p` in every field, discarding unsaved edits."""
        cl = self.caseload
        sources = list(cl.settings.referral_sources) if cl else []
        choice = self._field("referral_source").control
        if isinstance(choice, ChoiceOrText) and choice.choices != sources:
            choice.set_choices(sources)
        self._baseline = raws_of(p.data)
        self._submitted = None
        for f in self._fields():
            self._set_control(f, self._baseline[f.field_name])
            f.show_error(None)
            f.set_changed(False)
        self._show_problems([])

    def _rebase_details(self, old: Participant, new: Participant) -> dict[str, Any]:
        """Move the form onto `new`, keeping unsaved edits unless that field changed too."""
        old_base, new_base = self._baseline, raws_of(new.data)
        kept: list[str] = []
        replaced: list[tuple[str, Any, Any]] = []
        for f in self._fields():
            name = f.field_name
            current = raw_value(f.control)
            if current == old_base[name]:
                if new_base[name] != old_base[name]:
                    self._set_control(f, new_base[name])
            elif new_base[name] != old_base[name]:
                if current != new_base[name]:
                    replaced.append((name, current, new_base[name]))
                self._set_control(f, new_base[name])
            else:
                kept.append(name)
        self._baseline = new_base
        underneath = list(dict.fromkeys(c.top for c in diff(old.data, new.data)))
        self.call_after_refresh(self._mark_changed)
        if replaced:
            lost = "; ".join(f"{n}: yours {show_value(y, 30)!s}" for n, y, _ in replaced)
            self._banner(
                f"{new.id} changed meanwhile ({', '.join(underneath)}). Where you had also "
                f"edited a field, the newer saved value is now shown and your edit was "
                f"NOT applied — enter it again if it is still right: {lost}",
                "warning",
            )
        summary = {"underneath": underneath, "kept": kept, "replaced": replaced}
        self._last_rebase = (new.blob, summary)
        return summary

    def _dirty(self) -> list[FormField]:
        return [
            f for f in self._fields() if raw_value(f.control) != self._baseline.get(f.field_name)
        ]

    def _mark_changed(self) -> None:
        dirty = {f.field_name for f in self._dirty()}
        for f in self._fields():
            f.set_changed(f.field_name in dirty)

    @on(Input.Changed, "#details Input")
    @on(Select.Changed, "#details Select")
    @on(TextArea.Changed, "#details TextArea")
    def _detail_edited(self, event: Any) -> None:
        f = field_of(event.control)
        if f is None or not self._baseline:
            return
        changed = raw_value(f.control) != self._baseline.get(f.field_name)
        f.set_changed(changed)
        if changed:
            f.validate_field()
        else:
            f.show_error(None)

    def _show_problems(self, lines: list[str]) -> None:
        box = self.query_one("#details-problems", Static)
        box.update("\n".join(f"✖ {x}" for x in lines))
        box.set_class(bool(lines), "-shown")

    def action_save(self) -> None:
        """Validate the edited Details fields and save them (one commit); closing asks a reason first."""
        p = self.participant
        cl = self.caseload
        if p is None or cl is None:
            return
        dirty = self._dirty()
        if not dirty:
            self.notify("Nothing changed on the Details tab; no commit made")
            return
        data = copy.deepcopy(p.data)
        bad: list[FormField] = []
        for f in dirty:
            value, error = f.validate_field()
            if error:
                bad.append(f)
                continue
            if f.field_name == "notes":
                data["notes"] = value or ""
            elif value is None:
                data.pop(f.field_name, None)
            else:
                data[f.field_name] = value
        if bad:
            self._tab("details")
            bad[0].control.focus()
            self.notify(
                f"Not saved: fix {', '.join(f.field_name for f in bad)} first", severity="error"
            )
            return
        names = {f.field_name for f in dirty}
        new_phase, old_phase = data.get("phase"), p.phase
        if new_phase != old_phase:
            if "phase_since" not in names:
                data["phase_since"] = self.today
            if old_phase == "closed":
                data.pop("closure", None)
        check = dict(data)
        if new_phase == "closed" and old_phase != "closed":
            # The reason is asked next; validate with a stand-in closure meanwhile.
            check["closure"] = {"on": self.today, "reason": "other"}
            check.pop("suspension", None)
        problems = self.app.service.validate_data(cl, check)
        if problems:
            self._show_problems([x.message for x in problems])
            self.notify("Not saved: the record would not be valid (see Details)", severity="error")
            return
        self._show_problems([])
        if new_phase == "closed" and old_phase != "closed":

            def closed(result: dict[str, Any] | None) -> None:
                if not result:
                    self.notify("Not closed: a closure needs a reason; nothing was saved")
                    return
                data["closure"] = {"on": self.today, "reason": result["reason"]}
                data.pop("suspension", None)
                self._submit_details(p, data)

            self.app.push_screen(ClosureForm(self.today, who=self._who()), closed)
            return
        self._submit_details(p, data)

    def _submit_details(self, p: Participant, data: dict[str, Any]) -> None:
        self._submitted = data
        self._run(
            "Save details",
            self.app.service.set_data,
            p,
            data,
            on_done=lambda r: self.show_participant(r.participant, reset=True),
        )

    # ------------------------------------------------------------ edits

    def _run(
        self,
        label: str,
        func: Callable[..., SaveResult],
        *args: Any,
        on_done: Callable[[SaveResult], None] | None = None,
        **kwargs: Any,
    ) -> None:
        """One edit through the app's worker; the outcome is shown here too."""

        def done(result: SaveResult) -> None:
            self._pending -= 1
            if not self.is_attached:
                return
            if self._banner_kind in ("error", "info"):
                self._banner("")  # an earlier failure or notice is over
            if on_done is not None:
                on_done(result)

        def failed(exc: Exception) -> None:
            self._pending -= 1
            self._submitted = None
            if self.is_attached:
                self._edit_failed(label, exc)

        self._pending += 1
        self.app.run_edit(  # type: ignore[attr-defined]
            label, func, *args, on_done=done, on_error=failed, **kwargs
        )

    def _edit_failed(self, label: str, exc: Exception) -> None:
        if not isinstance(exc, StaleEdit):
            self._banner(f"{label}: not saved — {exc}", "error")
            return
        old = self.participant
        if exc.fresh is None:
            self._banner(
                f"{label}: NOT SAVED. {self.pid}'s file was deleted or no longer validates on "
                f"disk since it was loaded; see Problems ({self._key('problems', 'p')}). Nothing was written.",
                "error",
            )
            return
        # The app normally put the fresh version in the snapshot already (this call is a
        # no-op then, and the rebase it did is remembered).
        summary = self.show_participant(exc.fresh)
        if not summary and self._last_rebase and self._last_rebase[0] == exc.fresh.blob:
            summary = self._last_rebase[1]
        underneath = summary.get("underneath") or (
            list(dict.fromkeys(c.top for c in diff(old.data, exc.fresh.data))) if old else []
        )
        kept = summary.get("kept") or [f.field_name for f in self._dirty()]
        replaced = summary.get("replaced") or []
        text = (
            f"{label}: NOT SAVED. {self.pid}'s file changed on disk since it was loaded "
            "(another terminal, a pull or a hand edit). The version on disk is shown now"
        )
        text += f"; it changed: {', '.join(underneath)}." if underneath else "."
        if replaced:
            text += " Your edits of " + ", ".join(
                f"{n} ({show_value(y, 30)})" for n, y, _ in replaced
            )
            text += " collided with it and were dropped: enter them again if still right."
        if kept:
            text += (
                f" Your unsaved edits of {', '.join(kept)} are still in the form: "
                f"{self._key('participant_save', 'ctrl+s')} saves them."
            )
        elif label != "Save details":
            text += " Do it again on the fresh version."
        self._banner(text, "error")

    def _key(self, binding_id: str, default: str) -> str:
        """The key the user has for `binding_id` (the live bindings, keymap included)."""
        return key_for(self, binding_id, default)

    def _who(self) -> str:
        """This participant as dialogs name them: `P-0007 Giulia R.`."""
        p = self.participant
        return who(self.pid, p.name if p is not None else None)

    def unsaved_edits(self) -> str:
        """`P-0007 Giulia R.: name, goals` when the Details tab has unsaved edits, else ''."""
        if self.participant is None or not self.is_mounted:
            return ""
        dirty = self._dirty()
        if not dirty:
            return ""
        return f"{self._who()}: " + ", ".join(f.field_name for f in dirty)

    def _team(self) -> list[tuple[str, str]]:
        cl = self.caseload
        return [(k, s.name) for k, s in cl.settings.team.items()] if cl else []

    def action_add_contact(self) -> None:
        """Ask for a contact and log it (one commit)."""
        p = self.participant
        if p is None:
            return

        def done(result: dict[str, Any] | None) -> None:
            if result:
                self._run(
                    "Contact",
                    self.app.service.add_contact,
                    self.pid,
                    kind=result["kind"],
                    on=result["on"],
                    by=result.get("by"),
                    note=result.get("note") or "",
                    employer_id=result.get("employer_id"),
                    face_to_face=result.get("face_to_face", True),
                    on_done=lambda r: self._tab("contacts"),
                )

        from ipstui.ui.screens.employers import register_choices

        register = register_choices(self.app.service, self.app.caseload)
        self.app.push_screen(
            ContactForm(self._team(), p.specialist or None, self.today, register, who=self._who()),
            done,
        )

    def action_add_job(self) -> None:
        """Ask for a job and add it (one commit)."""
        from ipstui.ui.screens.employers import register_choices

        register = register_choices(self.app.service, self.app.caseload)

        def done(result: dict[str, Any] | None) -> None:
            if result:
                job = dict(
                    employer=result["employer"],
                    start=result["start"],
                    competitive=result["competitive"],
                    title=result["title"],
                    hours_per_week=result["hours_per_week"],
                    hourly_wage=result["hourly_wage"],
                    job_type=result["job_type"],
                )
                if result["new_employer"]:
                    func = self.app.service.add_job_at_new_employer
                else:
                    func = self.app.service.add_job
                    job["employer_id"] = result["employer_id"]
                self._run("Job", func, self.pid, **job, on_done=lambda r: self._tab("jobs"))

        self.app.push_screen(JobForm(self.today, register, who=self._who()), done)

    def _selected(self, kind: str) -> int | None:
        refs = self._row_refs[kind]
        table = self.query_one(f"#{kind}-table", DataTable)
        if not refs or not 0 <= table.cursor_row < len(refs):
            return None
        return refs[table.cursor_row]

    def action_end_job(self) -> None:
        """Ask when and why the selected current job ended, and end it (one commit)."""
        p = self.participant
        if p is None:
            return
        index = self._selected("jobs")
        jobs = p.data.get("jobs") or []
        if index is None:
            self.notify(
                f"No job selected: add one with {self._key('participant_job', 'j')}",
                severity="warning",
            )
            return
        job = jobs[index]
        if "end" in job:
            self.notify("That job has already ended; select a current one", severity="warning")
            return
        start = job.get("start") if isinstance(job.get("start"), date) else None

        def done(result: dict[str, Any] | None) -> None:
            if result:
                self._run(
                    "End job",
                    self.app.service.end_job,
                    self.pid,
                    index,
                    end=result["end"],
                    reason=result["reason"],
                )

        self.app.push_screen(
            EndJobForm(self.today, start=start, job=_job_label(job), who=self._who()), done
        )

    def action_add_task(self) -> None:
        """Ask for a task and add it (one commit)."""

        def done(result: dict[str, Any] | None) -> None:
            if result:
                self._run(
                    "Task",
                    self.app.service.add_task,
                    self.pid,
                    due=result["due"],
                    what=result["what"],
                    on_done=lambda r: self._tab("tasks"),
                )

        self.app.push_screen(TaskForm(self.today, who=self._who()), done)

    def action_complete_task(self) -> None:
        """Mark the selected open task done today (one commit)."""
        p = self.participant
        if p is None:
            return
        index = self._selected("tasks")
        if index is None:
            self.notify(
                f"No task selected: add one with {self._key('participant_task', 't')}",
                severity="warning",
            )
            return
        if "done_on" in (p.data.get("tasks") or [])[index]:
            self.notify("That task is already done", severity="warning")
            return
        self._run("Task done", self.app.service.complete_task, self.pid, index, on=self.today)

    def action_suspend(self) -> None:
        """Ask since when and why, and suspend the participant (one commit)."""
        p = self.participant
        if p is None:
            return
        if p.phase == "closed":
            self.notify(f"{p.id} is closed; a closed participant cannot be suspended")
            return
        if p.suspended:
            self.notify(
                f"{p.id} is already suspended; {self._key('participant_resume', 'S')} resumes",
                severity="warning",
            )
            return

        def done(result: dict[str, Any] | None) -> None:
            if result:
                self._run(
                    "Suspend",
                    self.app.service.suspend,
                    self.pid,
                    since=result["since"],
                    reason=result["reason"],
                )

        self.app.push_screen(SuspendForm(self.today, who=self._who()), done)

    def action_resume(self) -> None:
        """End the suspension (one commit)."""
        self._run("Resume", self.app.service.resume, self.pid)

    def action_decide(self) -> None:
        """Choose between the values a sync left, and save the choice (one commit)."""
        p = self.participant
        if p is None or not p.has_conflicts:
            return

        def done(result: dict[str, Any] | None) -> None:
            if not result or self.participant is None:
                return
            data = copy.deepcopy(self.participant.data)
            conflicts = data.get("conflicts") or {}
            for name, value in result.items():
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = value
                conflicts.pop(name, None)
            if not conflicts:
                data.pop("conflicts", None)
            self._run("Decide", self.app.service.set_data, self.participant, data)

        self.app.push_screen(
            ConflictForm(dict(p.data.get("conflicts") or {}), p.data, who=self._who()), done
        )

    def action_edit_notes(self) -> None:
        """Write the notes in $EDITOR (saved with the Details tab)."""
        area = self._field("notes").control
        assert isinstance(area, TextArea)
        self._tab("details")
        text = run_editor(self.app, area.text, work_dir=editor_dir(self.app))
        if text is not None and text != area.text:
            area.load_text(text)
        area.focus()

    def action_tab(self, tab: str) -> None:
        """Show the tab `tab`."""
        self._tab(tab)

    def _tab(self, tab: str) -> None:
        self.query_one("#p-tabs", TabbedContent).active = f"tab-{tab}"

    def _active_tab(self) -> str:
        try:
            return self.query_one("#p-tabs", TabbedContent).active.removeprefix("tab-")
        except Exception:  # noqa: BLE001 — before mount
            return "details"

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        tab = self._active_tab()
        if tab in ("contacts", "jobs", "tasks", "deadlines", "history"):
            self.query_one(f"#{tab}-table", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which actions apply now: by tab and by the participant's state; typed letters
        only while a list or the tab bar has focus (not in a field or a choice list)."""
        if not allow_letter_action(self, action):
            return None
        p = self.participant
        edit_actions = {
            "save",
            "add_contact",
            "add_job",
            "end_job",
            "add_task",
            "complete_task",
            "suspend",
            "resume",
            "decide",
            "edit_notes",
        }
        if action in edit_actions and p is None:
            return False
        tab = self._active_tab()
        if action == "end_job":
            return tab == "jobs"
        if action == "complete_task":
            return tab == "tasks"
        if action in ("save", "edit_notes"):
            return tab == "details"
        if action == "suspend":
            # Always ours on this screen, so `s` never falls through to the app's sync.
            return p is not None
        if action == "resume":
            return p is not None and p.suspended
        if action == "decide":
            return p is not None and p.has_conflicts
        return True

    def action_back(self) -> None:
        """Leave the screen; with unsaved edits, ask first."""
        dirty = self._dirty() if self.participant is not None else []
        if not dirty:
            self.app.pop_screen()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        names = ", ".join(f.field_name for f in dirty)
        self.app.push_screen(
            ConfirmScreen(
                f"Leave {who(self.pid, self.participant.name)} without saving your edits of {names}?",
                yes="Discard",
                title="Unsaved edits",
            ),
            answer,
        )

    # ------------------------------------------------------------ history

    @work(thread=True, exclusive=True, group="participant-history", exit_on_error=False)
    def load_history(self) -> None:
        """Read the participant's field-level history from git in a worker."""
        cl = self.caseload
        if cl is None:
            return
        try:
            revisions = self.app.service.history(self.pid)
            signed = self.app.service.signatures(r.commit for r in revisions)
        except Exception as exc:  # noqa: BLE001 — shown in the tab, never fatal
            self.app.call_from_thread(self._history_failed, str(exc))
            return
        self.app.call_from_thread(self._show_history, revisions, signed)

    def _history_failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#history-summary", Static).update(f"History unavailable: {message}")

    def _show_history(self, revisions: list[Revision], signed: dict[str, str]) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#history-table", DataTable)
        table.clear()
        rows = 0
        for rev in revisions:
            when = rev.when.strftime("%Y-%m-%d %H:%M")
            sig = signed.get(rev.commit, "")
            if rev.note:
                table.add_row(when, Text(rev.author), sig, "", Text(rev.note))
                rows += 1
            for change in rev.changes:
                table.add_row(
                    when,
                    Text(rev.author),
                    sig,
                    Text(change.field),
                    Text(f"{show_value(change.old, 40)} → {show_value(change.new, 40)}"),
                )
                rows += 1
        self.query_one("#history-summary", Static).update(
            f"{len(revisions)} commit{'s' if len(revisions) != 1 else ''}, "
            f"{rows} field change{'s' if rows != 1 else ''}, newest first (from git log)"
        )
