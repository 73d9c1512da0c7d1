"""The Tasks tab: open and done tasks with their due state; `d` marks one done."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.binding import Binding

from ipstui.core.i18n import N_, _, ngettext
from ipstui.core.model import Participant
from ipstui.core.rules import DUE_SOON, OVERDUE
from ipstui.core.termsafe import escape
from ipstui.core.vocab import SYMBOL
from ipstui.ui.screens.forms import TaskEntry, TaskForm
from ipstui.ui.screens.participant.base import RowPane, cell


class TasksPane(RowPane):
    """Tasks (SPEC §2 `[[tasks]]`): due in days, overdue marked, done with its date."""

    TAB = "tasks"
    TITLE = N_("Tasks")
    COLUMNS = (N_("Due"), N_("What"), N_("Status"))
    BINDINGS = [
        Binding(
            "d",
            "complete_task",
            N_("Task done"),
            id="participant_task_done",
            tooltip=N_("Mark the selected task done today (Tasks tab)"),
        ),
    ]

    def draw(self, p: Participant) -> None:
        """One row per task; the summary counts the open ones."""
        table = self.table
        keep = table.cursor_row
        table.clear()
        refs: list[int] = []
        open_ = 0
        for i, task in enumerate(p.data.get("tasks") or []):
            if not isinstance(task, dict):
                continue
            done = task.get("done_on")
            if done is not None:
                status = _("done {date}").format(date=cell(done))
            else:
                open_ += 1
                due = task.get("due")
                status = _("open")
                if isinstance(due, date):
                    days = (due - self.today).days
                    if days < 0:
                        status = SYMBOL[OVERDUE] + " " + _("{n}d overdue").format(n=-days)
                    elif days == 0:
                        status = SYMBOL[DUE_SOON] + " " + _("due today")
                    else:
                        status = _("open, due in {n}d").format(n=days)
            table.add_row(
                cell(task.get("due")), Text(escape(task.get("what", ""))), status, key=str(i)
            )
            refs.append(i)
        self._refs = refs
        if refs:
            table.move_cursor(row=min(keep, len(refs) - 1))
        self.summary.update(
            ngettext(
                "{n} open task of {total} — {add}: add a task, {done}: mark the selected one "
                "done today",
                "{n} open tasks of {total} — {add}: add a task, {done}: mark the selected one "
                "done today",
                open_,
            ).format(
                n=open_,
                total=len(refs),
                add=self.key("participant_task", "t"),
                done=self.key("participant_task_done", "d"),
            )
        )
        self.set_label(_("Tasks ({n} open)").format(n=open_))

    def redraw_for_day(self, p: Participant) -> None:
        """Due words change with the date."""
        self.draw(p)

    def add_task(self) -> None:
        """Ask for a task and add it (one commit); shows this tab once saved."""
        owner = self.owner

        def add(result: TaskEntry) -> int:
            return owner.run_edit(
                _("Task"),
                self.ips.service.add_task,
                owner.pid,
                due=result.due,
                what=result.what,
                then_tab=self.TAB,
            )

        self.app.push_screen(TaskForm(self.today, who=owner.who()).submitting(add))

    def action_complete_task(self) -> None:
        """Mark the selected open task done today (one commit)."""
        p = self.participant
        if p is None:
            return
        index = self.selected()
        if index is None:
            self.notify(
                _("No task selected: add one with {key}").format(
                    key=self.key("participant_task", "t")
                ),
                severity="warning",
            )
            return
        if "done_on" in (p.data.get("tasks") or [])[index]:
            self.notify(_("That task is already done"), severity="warning")
            return
        owner = self.owner
        owner.run_edit(
            _("Task done"), self.ips.service.complete_task, owner.pid, index, on=self.today
        )
