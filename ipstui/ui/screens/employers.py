"""The Employers screen (SPEC §9, §11): the register with each employer's last contact
and the jobs held there (derived from the participant files), the highlighted employer's
job-development log, `c` to log a contact and `n` to add an employer. Reading and saving
run in workers; every save is one commit through the app's `CaseloadService`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ipstui.core.i18n import N_, NP_, _, ngettext
from ipstui.core.identity import HISTORY, IDENTITY, REPLACED
from ipstui.core.service import (
    CaseloadError,
    CaseloadService,
    ChangedHands,
    EmployerSaveResult,
    GitError,
    JobAt,
    Register,
)
from ipstui.core.termsafe import escape
from ipstui.core.vocab import EMPLOYER_FIELD_LABELS, NEEDS_DECISION, SYMBOL, readable, who
from ipstui.ui.keys import TranslatedBindings, key_for
from ipstui.ui.messages import (
    EmployerChangedHands,
    EmployerRefused,
    EmployerSaved,
    EmployersRead,
)
from ipstui.ui.onapp import FollowsCaseload
from ipstui.ui.screens.forms import (
    ConfirmDialog,
    ConflictForm,
    EmployerContactEntry,
    EmployerContactForm,
    EmployerEntry,
    FormScreen,
    NewEmployerForm,
    conflict_records,
)
from ipstui.ui.widgets.clamped import Clamped
from ipstui.ui.widgets.columns import Column, fill_table, translated
from ipstui.ui.widgets.footer import KeysFooter
from ipstui.ui.widgets.reading import ReadingView

EMPLOYER_TICKET = "employer"
"""Tags an employer edit's ticket, so it never equals an app edit's request number."""

PURPOSE_SHORT = {
    "job_development": N_("Job development"),
    "placement": N_("Placement"),
    "follow_along": N_("Follow-along"),
    "other": N_("Other"),
}
"""The purposes as the log table shows them (the form explains them at length)."""

REGISTER_COLUMNS = (
    Column(N_("Id")),
    Column(N_("Name"), min=16),
    Column(N_("Sector"), min=10, drop=1),
    Column(N_("Last contact"), N_("Last")),
    Column(N_("By"), drop=2),
    Column(N_("Contacts"), N_("Cont."), justify="right"),
    Column(N_("Jobs now / all"), N_("Jobs"), justify="right"),
)
"""The register table. At 80 columns the name and sector shrink (the highlighted
employer's full name is in the heading under the table); when narrower, who made the
last contact and then the sector leave."""

LOG_COLUMNS = (
    Column(N_("Date")),
    Column(N_("By"), min=6),
    Column(N_("In person"), NP_("employer log: met the employer in person", "Met")),
    Column(N_("Purpose"), min=10, drop=1),
    Column(N_("Note"), min=16),
)
"""An employer's log, newest first: the note takes the room the others leave."""


def employer_field_label(name: str) -> str:
    """The label of an employer field in the current language (`EMPLOYER_FIELD_LABELS`;
    else the name made readable), for the decision dialog."""
    return readable(name, EMPLOYER_FIELD_LABELS)


def conflicts_of(employer: Any) -> dict[str, dict[str, Any]]:
    """The employer's `[conflicts]` records (field -> record) a sync left, or {}: the
    records the decision dialog offers (`conflict_records`)."""
    return conflict_records(employer.data.get("conflicts"))


def register_choices(service: CaseloadService, caseload: Any) -> list[tuple[str, str]]:
    """The employer register as (id, name) pairs for the contact and job forms, by id
    (a small read: the file-only checks come from the cache in the git directory). It
    reads employers/: call it in a worker (`IpsApp.push_with_employer_choices`)."""
    if caseload is None:
        return []
    reg = service.employers(caseload)
    return [(eid, reg.employers[eid].name) for eid in sorted(reg.employers)]


class EmployersScreen(FollowsCaseload, TranslatedBindings, Screen):
    """The register and the highlighted employer's log."""

    BINDINGS = [
        Binding("c", "log_contact", N_("Log contact"), id="employer_contact"),
        Binding("n", "new_employer", N_("New employer"), id="employer_new"),
        Binding("E", "edit_employer", N_("Edit"), id="employer_edit"),
        Binding(
            "D",
            "decide",
            N_("Decide conflicts"),
            id="employer_decide",
            tooltip=N_("Choose between the values two edits left after a sync"),
            show=False,  # named where it applies: the heading of an employer with ⚑
        ),
        Binding("tab", "switch_table", N_("List / log"), id="employer_switch", show=False),
        Binding(
            "v",
            "read_entry",
            N_("Read"),
            id="employer_read",
            tooltip=N_("The selected log entry whole, with its whole note"),
        ),
        Binding("escape", "app.pop_screen", N_("Back"), id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.register: Register | None = None
        """The register as last read (None while it loads)."""
        self.jobs: dict[str, list[JobAt]] = {}
        self._ids: list[str] = []
        self._register_rows: list[list[str]] = []
        self._log_rows: list[list[str]] = []
        self._requests = 0
        """The number of the last employer edit started (`save`)."""

    def compose(self) -> ComposeResult:
        yield Clamped(
            _("Employers — reading the register…"), id="employers-title", classes="screen-title"
        )
        yield DataTable(id="employers-list", cursor_type="row", zebra_stripes=True)
        yield Label("", id="employer-heading")
        yield Clamped("", id="employer-jobs")
        yield DataTable(id="employer-log", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#employers-list", DataTable)
        self._fill_register([])
        self._fill_log([])
        self.follow_caseload(lambda _cl: self.reload())
        table.focus()

    # ------------------------------------------------------------ reading

    def reload(self, select: str | None = None) -> None:
        cl = getattr(self.app, "caseload", None)
        if cl is not None:
            self._read(cl, select)

    @work(
        thread=True,
        exclusive=True,
        group="employers",
        exit_on_error=False,
        description=N_("reading employers"),
    )
    def _read(self, cl: Any, select: str | None) -> None:
        service: CaseloadService = self.app.service  # type: ignore[attr-defined]
        reg = service.employers(cl, head=True)  # an edit follows its employers from HEAD
        jobs = service.employer_jobs(reg, cl)
        self.post_message(EmployersRead(reg, jobs, select, cl))

    @on(EmployersRead)
    def _show(self, message: EmployersRead) -> None:
        reg, jobs, select = message.register, message.jobs, message.select
        self.register, self.jobs = reg, jobs
        # The contact and job dialogs offer the register as last read (an employer
        # added here is offered at once, without a read on the UI thread); a read of an
        # older snapshot arriving late does not replace a newer register.
        if message.snapshot is getattr(self.app, "caseload", None):
            self.app.employer_register = reg  # type: ignore[attr-defined]
        table = self.query_one("#employers-list", DataTable)
        current = select or self.current_id()
        self._ids = sorted(reg.employers)
        rows = []
        for eid in self._ids:
            e = reg.employers[eid]
            last = e.last_contact()
            held = jobs.get(eid, [])
            mark = " " + SYMBOL[NEEDS_DECISION] if conflicts_of(e) else ""
            rows.append(
                [
                    escape(eid) + mark,
                    escape(e.name),
                    escape(str(e.data.get("sector", ""))),
                    last["on"].isoformat() if last else "—",
                    escape(str(last.get("by", ""))) if last else "",
                    str(len(e.contacts)),
                    f"{sum(j.current for j in held)} / {len(held)}",
                ]
            )
        self._fill_register(rows)
        if current in self._ids:
            table.move_cursor(row=self._ids.index(current))
        bad = len({p.path for p in reg.problems if p.severity == "error"})
        undecided = sum(1 for e in reg.employers.values() if conflicts_of(e))
        self.query_one("#employers-title", Static).update(
            Text(
                _("Employers — {n} in the register").format(n=len(self._ids))
                + (
                    "   "
                    + SYMBOL[NEEDS_DECISION]
                    + " "
                    + ngettext("{n} needs a decision", "{n} need a decision", undecided).format(
                        n=undecided
                    )
                    if undecided
                    else ""
                )
                + (
                    "   ✖ "
                    + ngettext(
                        "{n} file with errors left out (ipstui validate)",
                        "{n} files with errors left out (ipstui validate)",
                        bad,
                    ).format(n=bad)
                    if bad
                    else ""
                )
                + "   "
                + _("{contact}: log a contact   {new}: new employer   {edit}: edit").format(
                    contact=key_for(self, "employer_contact", "c"),
                    new=key_for(self, "employer_new", "n"),
                    edit=key_for(self, "employer_edit", "E"),
                )
            )
        )
        self._show_log()

    def _fill_register(self, rows: list[list[str]]) -> None:
        self._register_rows = rows
        table = self.query_one("#employers-list", DataTable)
        fill_table(table, translated(REGISTER_COLUMNS), rows, keys=self._ids or None)

    def _fill_log(self, rows: list[list[str]]) -> None:
        self._log_rows = rows
        log = self.query_one("#employer-log", DataTable)
        fill_table(
            log,
            translated(LOG_COLUMNS),
            rows,
            keys=[str(len(rows) - 1 - i) for i in range(len(rows))],
        )

    def on_resize(self) -> None:
        """Fit the tables to the new width (columns shrink or leave; SPEC §9)."""
        table = self.query_one("#employers-list", DataTable)
        row = table.cursor_row
        self._fill_register(self._register_rows)
        if 0 <= row < table.row_count:
            table.move_cursor(row=row)
        self._fill_log(self._log_rows)

    def current_id(self) -> str | None:
        table = self.query_one("#employers-list", DataTable)
        row = table.cursor_row
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def _show_log(self) -> None:
        eid = self.current_id()
        if self.register is None or eid is None:
            self._fill_log([])
            self.query_one("#employer-heading", Label).update(
                _("No employers yet: {key} adds one.").format(
                    key=key_for(self, "employer_new", "n")
                )
            )
            self.query_one("#employer-jobs", Static).update("")
            self.refresh_bindings()
            return
        e = self.register.employers[eid]
        contacts = e.contacts
        self.query_one("#employer-heading", Label).update(
            Text(
                ngettext(
                    "{id} {name}: {n} contact, newest first",
                    "{id} {name}: {n} contacts, newest first",
                    len(contacts),
                ).format(id=escape(eid), name=escape(e.name), n=len(contacts))
                + self._conflict_words(e)
            )
        )
        self.refresh_bindings()
        held = self.jobs.get(eid, [])
        jobs_text = "; ".join(
            (
                _("{id} {title} from {start} to {end}").format(
                    id=j.participant,
                    title=escape(j.title) if j.title else _("job"),
                    start=j.start.isoformat(),
                    end=j.end.isoformat(),
                )
                if j.end
                else _("{id} {title} from {start} (current)").format(
                    id=j.participant,
                    title=escape(j.title) if j.title else _("job"),
                    start=j.start.isoformat(),
                )
            )
            for j in held
        )
        self.query_one("#employer-jobs", Static).update(
            Text(_("Jobs held there: {jobs}").format(jobs=jobs_text or _("none")))
        )
        rows = []
        for c in reversed(contacts):
            on = c.get("on")
            purpose = str(c.get("purpose", ""))
            rows.append(
                [
                    on.isoformat() if isinstance(on, date) else "?",
                    escape(str(c.get("by", ""))),
                    _("no") if c.get("face_to_face") is False else _("yes"),
                    _(PURPOSE_SHORT[purpose])
                    if purpose in PURPOSE_SHORT
                    else escape(purpose or "—"),
                    escape(str(c.get("note", "")).replace("\n", " ")),
                ]
            )
        self._fill_log(rows)

    def _conflict_words(self, employer: Any) -> str:
        """After the heading: the highlighted employer's fields that need a decision,
        with the key that decides them, marked as the participant screen marks them
        ("" when there are none)."""
        fields = conflicts_of(employer)
        if not fields:
            return ""
        return (
            "   "
            + SYMBOL[NEEDS_DECISION]
            + " "
            + _("NEEDS A DECISION: {fields} ({key})").format(
                fields=", ".join(employer_field_label(str(k)) for k in fields),
                key=key_for(self, "employer_decide", "D"),
            )
        )

    @on(DataTable.RowHighlighted, "#employers-list")
    def _highlighted(self) -> None:
        self._show_log()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`D` applies only to an employer with fields that need a decision."""
        if action == "decide":
            eid = self.current_id() if self.is_mounted else None
            reg = self.register
            return reg is not None and eid in reg.employers and bool(
                conflicts_of(reg.employers[eid])
            )
        return True

    # ------------------------------------------------------------ edits

    def _team(self) -> list[tuple[str, str]]:
        cl = self.app.caseload
        return [(k, s.name) for k, s in cl.settings.team.items()] if cl else []

    def action_log_contact(self) -> None:
        eid = self.current_id()
        if self.register is None or eid is None:
            self.notify(_("Choose an employer first (n adds one)"), severity="warning")
            return
        name = self.register.employers[eid].name
        seen = self.register  # as the dialog shows it: the save checks who holds eid then

        def log(result: EmployerContactEntry) -> Hashable:
            args = result.edit_args()
            return self.save(
                _("Employer contact"),
                lambda svc, reg: svc.add_employer_contact(reg, eid, **args),
                seen,
            )

        by = self._team()[0][0] if len(self._team()) == 1 else None
        form = EmployerContactForm(f"{eid} {name}", self._team(), by, self.app.today)
        self.app.push_screen(form.submitting(log))

    def action_new_employer(self) -> None:
        names = [e.name for e in self.register.employers.values()] if self.register else []

        def add(result: EmployerEntry) -> Hashable:
            args = result.edit_args()
            return self.save(_("New employer"), lambda svc, _reg: svc.new_employer(**args))

        self.app.push_screen(NewEmployerForm(names).submitting(add))

    def action_edit_employer(self) -> None:
        eid = self.current_id()
        if self.register is None or eid is None:
            return
        e = self.register.employers[eid]
        others = [x.name for x in self.register.employers.values() if x.id != eid]
        seen = self.register

        def edit(result: EmployerEntry) -> Hashable | None:
            changed = {
                k: v
                for k, v in result.edit_args().items()
                if v != str(e.data.get(k, "")).strip()
            }
            if not changed:
                return None
            return self.save(
                _("Edit employer"),
                lambda svc, reg: svc.set_employer_fields(reg, eid, changed),
                seen,
            )

        self.app.push_screen(NewEmployerForm(others, current=dict(e.data)).submitting(edit))

    def action_decide(self) -> None:
        """Choose between the values a sync left in the highlighted employer's file (the
        participant screen's dialog), and save the choice as one commit through the
        service; refused, and the register read again, when the file changed since it
        was shown."""
        eid = self.current_id()
        if self.register is None or eid is None:
            return
        e = self.register.employers[eid]
        conflicts = conflicts_of(e)
        if not conflicts:
            return
        seen = self.register

        def decide(result: Any) -> Hashable | None:
            if not result.sides:
                return None
            sides = dict(result.sides)
            return self.save(
                _("Decide"), lambda svc, reg: svc.decide_employer(reg, eid, sides), seen
            )

        form = ConflictForm(
            conflicts, dict(e.data), who=f"{eid} {e.name}", label=employer_field_label
        )
        self.app.push_screen(form.submitting(decide))

    def save(
        self,
        label: str,
        func: Callable[[CaseloadService, Register | None], EmployerSaveResult],
        seen: Register | None = None,
    ) -> Hashable:
        """Run one employer edit off the UI thread (one commit through the service's
        save transaction), then show the result. `func(service, register)` gets `seen`,
        the register as the dialog that asked for the edit showed it (default: the one
        on screen; None while it loads): a file changed since is refused, not
        overwritten, and when another employer may hold the id now (a sync renumbered
        it, a checkout), the screen asks before saving onto that one
        (`_changed_hands`). Returns the edit's ticket, which the dialog that started it
        waits for (`FormScreen.settle`)."""
        self._requests += 1
        self._save(label, func, seen or self.register, self._requests)
        return (EMPLOYER_TICKET, self._requests)

    def _settle_forms(self, request: int, refusal: str | None) -> None:
        """Tell the dialog waiting for employer edit `request` how it ended."""
        for screen in self.app.screen_stack:
            if isinstance(screen, FormScreen):
                screen.settle((EMPLOYER_TICKET, request), refusal)

    @work(thread=True, group="edit", exit_on_error=False, description=N_("saving employer"))
    def _save(
        self,
        label: str,
        func: Callable[[CaseloadService, Register | None], EmployerSaveResult],
        register: Register | None,
        request: int,
    ) -> None:
        service: CaseloadService = self.app.service  # type: ignore[attr-defined]
        try:
            result = func(service, register)
        except ChangedHands as exc:
            self.post_message(
                EmployerChangedHands(
                    label,
                    exc,
                    register,
                    lambda reg: self._save(label, func, reg, request),
                    request,
                )
            )
            return
        except (CaseloadError, GitError, OSError, ValueError) as exc:
            self.post_message(EmployerRefused(label, str(exc), request))
            return
        self.post_message(EmployerSaved(label, result, request))

    @on(EmployerRefused)
    def _refused(self, message: EmployerRefused) -> None:
        self.notify(
            message.reason,
            title=_("{action}: not saved").format(action=message.label),
            severity="error",
            timeout=12,
        )
        self._settle_forms(message.request, message.reason)
        self.reload()

    @on(EmployerChangedHands)
    def _changed_hands(self, message: EmployerChangedHands) -> None:
        """Another employer may hold the id the dialog's edit was for (SPEC §6 "two
        people never become one", for employers as for participants): nothing was
        written. When the employer at the id now is readable and git cannot say the
        one seen went elsewhere, ask, naming both: yes saves the same edit onto the one
        at the id now; no keeps the dialog open with what was typed. Otherwise (it was
        renumbered or removed) the refusal is shown and the register read again."""
        exc, register = message.refusal, message.register
        v, fresh = exc.verdict, exc.fresh
        if v.reason not in (IDENTITY, HISTORY, REPLACED) or fresh is None or register is None:
            self._refused(EmployerRefused(message.label, str(exc), message.request))
            return
        request = message.request

        def answer(yes: bool | None) -> None:
            if yes:
                message.retry(register.with_employer(fresh))
                return
            self._settle_forms(
                request, _("nothing was saved; your unsaved values are still on the screen")
            )
            self.reload()

        if v.reason == HISTORY:
            question = _(
                "{id}'s history was replaced (a branch switch or a reset): it held the employer {was} when you opened it and now holds {now}. Save onto {now}?"
            )
        else:
            question = _(
                "{id} may be another employer now: it held {was} when you opened it and now holds {now}. Save onto {now}?"
            )
        was, now = escape(v.was or "?"), escape(v.now or "?")
        self.app.push_screen(
            ConfirmDialog(
                question.format(id=fresh.id, was=was, now=now),
                yes=_("Save onto {now}").format(now=now),
                no=_("Do not save"),
                title=_("Another employer?"),
            ),
            answer,
        )

    @on(EmployerSaved)
    def _saved(self, message: EmployerSaved) -> None:
        result = message.result
        self.notify(
            _("Saved {commit}: {subject}").format(commit=result.commit[:7], subject=result.subject),
            title=_("Committed"),
            timeout=4,
        )
        for line in result.warnings:
            self.notify(line, title=_("Committed, but"), severity="warning", timeout=10)
        self._settle_forms(message.request, None)
        self.reload(result.employer.id)

    @on(DataTable.RowSelected, "#employer-log")
    def _log_row_chosen(self) -> None:
        self.action_read_entry()

    def action_read_entry(self) -> None:
        """The highlighted log entry whole (the log cuts the note to its column with
        `…`; SPEC §9: nothing cut without a way to read it)."""
        eid = self.current_id()
        log = self.query_one("#employer-log", DataTable)
        if self.register is None or eid is None or eid not in self.register.employers:
            return
        contacts = self.register.employers[eid].contacts
        row = log.cursor_row
        if not 0 <= row < len(contacts):
            return
        c = contacts[len(contacts) - 1 - row]  # the log is newest first
        on, purpose = c.get("on"), str(c.get("purpose", ""))
        values = [
            on.isoformat() if isinstance(on, date) else "?",
            str(c.get("by", "")),
            _("no") if c.get("face_to_face") is False else _("yes"),
            _(PURPOSE_SHORT[purpose]) if purpose in PURPOSE_SHORT else purpose or "—",
            str(c.get("note", "")) or "—",
        ]
        labels = [_(col.header) for col in LOG_COLUMNS]
        name = self.register.employers[eid].name
        self.app.push_screen(ReadingView(who(eid, name), list(zip(labels, values, strict=True))))

    def action_switch_table(self) -> None:
        table = self.query_one("#employers-list", DataTable)
        log = self.query_one("#employer-log", DataTable)
        (log if table.has_focus else table).focus()
