"""The Jobs tab: every job, current and ended; `x` ends the selected one."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.binding import Binding

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import Participant
from ipstui.core.termsafe import escape
from ipstui.ui.screens.forms import EndJobForm, JobEndEntry, JobEntry, JobForm
from ipstui.ui.screens.participant.base import RowPane, cell


def job_label(job: dict[str, Any]) -> str:
    """`Employer (title)` for a dialog naming the job."""
    title = job.get("title")
    return f"{job.get('employer', '?')}" + (f" ({title})" if title else "")


class JobsPane(RowPane):
    """Jobs held (SPEC §2 `[[jobs]]`); the row cursor stays where it was on a redraw."""

    TAB = "jobs"
    TITLE = N_("Jobs")
    COLUMNS = (
        N_("Employer"),
        N_("Title"),
        N_("Start"),
        N_("End"),
        N_("Hours/wk"),
        N_("Wage/h"),
        N_("Competitive"),
        N_("Status"),
    )
    BINDINGS = [
        Binding(
            "x",
            "end_job",
            N_("End job"),
            id="participant_end_job",
            tooltip=N_("End the selected current job (Jobs tab)"),
        ),
    ]

    def draw(self, p: Participant) -> None:
        """One row per job; the summary counts the current ones."""
        table = self.table
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
            status = (
                _("ended: {reason}").format(reason=job.get("end_reason", ""))
                if ended
                else _("current")
            )
            table.add_row(
                Text(escape(job.get("employer", ""))),
                Text(escape(job.get("title", ""))),
                cell(job.get("start")),
                cell(job.get("end")),
                cell(job.get("hours_per_week")),
                cell(job.get("hourly_wage")),
                _("yes") if job.get("competitive") else _("no"),
                Text(status),
                key=str(i),
            )
            refs.append(i)
        self._refs = refs
        if refs:
            table.move_cursor(row=len(refs) - 1 if keep is None else min(keep, len(refs) - 1))
        self.summary.update(
            ngettext(
                "{n} job, {current} current — {add}: add a job, {end}: end the selected "
                "current job",
                "{n} jobs, {current} current — {add}: add a job, {end}: end the selected "
                "current job",
                len(refs),
            ).format(
                n=len(refs),
                current=current,
                add=self.key("participant_job", "j"),
                end=self.key("participant_end_job", "x"),
            )
        )
        self.set_label(
            _("Jobs ({n} current)").format(n=current)
            if current
            else _("Jobs ({n})").format(n=len(refs))
        )

    def add_job(self) -> None:
        """Ask for a job and add it (one commit); shows this tab once saved."""
        owner = self.owner
        service = self.ips.service

        def add(result: JobEntry) -> int:
            job = dict(
                employer=result.employer,
                start=result.start,
                competitive=result.competitive,
                title=result.title,
                hours_per_week=result.hours_per_week,
                hourly_wage=result.hourly_wage,
                job_type=result.job_type,
            )
            if result.new_employer:
                func = service.add_job_at_new_employer
            else:
                func = service.add_job
                job["employer_id"] = result.employer_id
            return owner.run_edit(_("Job"), func, owner.pid, **job, then_tab=self.TAB)

        def open_form(register: list[tuple[str, str]]) -> None:
            form = JobForm(self.today, register, who=owner.who())
            self.app.push_screen(form.submitting(add))

        self.ips.with_employer_choices(open_form)  # the register is read off the UI thread

    def action_end_job(self) -> None:
        """Ask when and why the selected current job ended, and end it (one commit)."""
        p = self.participant
        if p is None:
            return
        owner = self.owner
        index = self.selected()
        jobs = p.data.get("jobs") or []
        if index is None:
            self.notify(
                _("No job selected: add one with {key}").format(
                    key=self.key("participant_job", "j")
                ),
                severity="warning",
            )
            return
        job = jobs[index]
        if "end" in job:
            self.notify(_("That job has already ended; select a current one"), severity="warning")
            return
        start = job.get("start") if isinstance(job.get("start"), date) else None

        def end(result: JobEndEntry) -> int:
            return owner.run_edit(
                _("End job"),
                self.ips.service.end_job,
                owner.pid,
                index,
                end=result.end,
                reason=result.reason,
            )

        form = EndJobForm(self.today, start=start, job=job_label(job), who=owner.who())
        self.app.push_screen(form.submitting(end))
