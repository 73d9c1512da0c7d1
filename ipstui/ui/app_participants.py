"""`OpensParticipants`, a part of `IpsApp` (ui/app.py): what the app does for one
participant from any screen.

It owns opening a participant (their file read in a worker first, never on the UI
thread; the board's selected record read ahead once the cursor rests), moving one to the
next or previous phase (closing asks why first), logging a contact, adding a new
participant, and the employer choices the contact and job dialogs offer (the register
read off the UI thread). Every change goes through the edit pipeline (`app_edits`).

A part (`parts.AppPart` says what that means for its handlers and state)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work

from ipstui.core.i18n import N_, _
from ipstui.core.model import PHASES, Participant
from ipstui.core.service import Caseload
from ipstui.core.termsafe import escape
from ipstui.core.vocab import who
from ipstui.ui.messages import EmployerChoicesRead, RecordReadToOpen
from ipstui.ui.parts import AppPart

if TYPE_CHECKING:
    from textual.timer import Timer

    from ipstui.ui.screens.forms import EmployerChoiceForm

SELECT_READ_DELAY = 0.1
"""Seconds the board's cursor rests on a card before its file is read (a summary-only
snapshot): `IpsApp.on_board_selected`."""


class OpensParticipants(AppPart):
    """Part of `IpsApp`: open, move, contact, add."""

    _selected_record: Participant | None
    """The participant selected on the board, held so its file is read once
    (`on_board_selected`)."""
    _select_timer: Timer | None
    """The pending read of the board's selected record (`on_board_selected`)."""
    _opening: str | None
    """The participant whose screen opens once its file is read (`open_participant`)."""

    def _setup_participants(self) -> None:
        """Nothing selected or opening (called from `IpsApp.__init__`,
        `parts.set_up_parts`)."""
        self._selected_record = None
        self._select_timer = None
        self._opening = None

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

    def _on_record_read_to_open(self, message: RecordReadToOpen) -> None:
        """The file of the participant asked for is read (`RecordReadToOpen`): open their
        screen, unless another participant was asked for since."""
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
                self.follow_on_save(request, pid)
                return request

            form = ClosureForm(self.today, who=who(pid, cl.participants[pid].name))
            self.push_screen(form.submitting(close))
            return
        request = self.run_edit(
            _("Move"), self.service.move, pid, target, today=self.today, from_phase=phase
        )
        self.follow_on_save(request, pid)

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
            self.push_screen(
                make([(eid, reg.employers[eid].name) for eid in sorted(reg.employers)])
            )
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
            self.follow_on_save(request, "")  # the participant it makes
            return request

        form = NewParticipantForm(team, list(cl.settings.referral_sources), self.today)
        self.push_screen(form.submitting(add))
