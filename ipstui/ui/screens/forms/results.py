"""What the dialogs return: one frozen dataclass per form (dates as dates, numbers
as numbers), each a `FormResult` that also reads like a mapping of its fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


class FormResult:
    """Base of the dialogs' typed results (frozen dataclasses).

    Reading a field by name (`result["kind"]`, `result.get("by")`) also works, so the
    callers in the app's parts (ui/app_*.py) and the participant screen can move to
    attributes when their save paths move to the caseload service (issue 9), without a
    change of behaviour now."""

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        """The field `name`, or `default` when the result has no such field."""
        return getattr(self, name, default)


@dataclass(frozen=True, slots=True)
class ContactEntry(FormResult):
    """A contact to log (SPEC §2 `[[contacts]]`)."""

    kind: str
    on: date
    by: str | None
    note: str
    employer_id: str | None = None
    """The employer met, from the register (employer contacts only)."""
    face_to_face: bool = True
    """False for an employer contact by phone or e-mail."""

    def edit_args(self) -> dict[str, Any]:
        """The keyword arguments of `CaseloadService.add_contact` (all six fields)."""
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class NewParticipantEntry(FormResult):
    """A participant to add in intake; `pid` None means the next free id."""

    name: str
    specialist: str
    referral_source: str
    referred_on: date
    pid: str | None


@dataclass(frozen=True, slots=True)
class ClosureEntry(FormResult):
    """Why a participant leaves the program (a `CLOSURE_REASONS` code)."""

    reason: str


@dataclass(frozen=True, slots=True)
class JobEntry(FormResult):
    """A job to add; hours and wage are None when not given. `employer_id` names the
    register's employer picked; `new_employer` asks to add a typed one to the register;
    `job_type` is an ISCO-08 group or None."""

    employer: str
    title: str
    start: date
    hours_per_week: int | float | None
    hourly_wage: int | float | None
    competitive: bool
    employer_id: str | None = None
    new_employer: bool = False
    job_type: str | None = None


@dataclass(frozen=True, slots=True)
class JobEndEntry(FormResult):
    """The last day of a job and why it ended."""

    end: date
    reason: str


@dataclass(frozen=True, slots=True)
class TaskEntry(FormResult):
    """A task to add."""

    due: date
    what: str


@dataclass(frozen=True, slots=True)
class SuspensionEntry(FormResult):
    """A suspension to start (a `SUSPENSION_REASONS` code)."""

    since: date
    reason: str


@dataclass(frozen=True, slots=True)
class Decisions(FormResult):
    """The values chosen for fields that needed a decision (None removes the field),
    and the side each was taken from (`sides`: field -> "ours"/"theirs", what the
    service's `decide` settles)."""

    chosen: dict[str, Any]
    sides: dict[str, str] = field(default_factory=dict)

    def items(self):
        """(field, chosen value) pairs."""
        return self.chosen.items()

    def __bool__(self) -> bool:
        return bool(self.chosen)


@dataclass(frozen=True, slots=True)
class EmployerContactEntry(FormResult):
    """A contact with one employer to log in its job-development log (SPEC §11)."""

    on: date
    by: str | None
    purpose: str
    """A stored purpose code (`service.PURPOSES`)."""
    face_to_face: bool
    note: str

    def edit_args(self) -> dict[str, Any]:
        """The keyword arguments of `CaseloadService.add_employer_contact`."""
        return {
            "on": self.on,
            "by": self.by,
            "purpose": self.purpose,
            "face_to_face": self.face_to_face,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class EmployerEntry(FormResult):
    """An employer's register fields, for a new employer or an edited one (SPEC §11);
    empty text for a field left blank."""

    name: str
    sector: str
    contact_person: str
    notes: str | None = None
    """Only when an employer is edited (a new one has no notes field)."""

    def edit_args(self) -> dict[str, str]:
        """The fields as `CaseloadService.new_employer` takes them (with `notes` only
        when the dialog edited an employer)."""
        out = {"name": self.name, "sector": self.sector, "contact_person": self.contact_person}
        if self.notes is not None:
            out["notes"] = self.notes
        return out
