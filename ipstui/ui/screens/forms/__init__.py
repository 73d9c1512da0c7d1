"""Forms: dialogs that return typed results, their fields and checks, the confirm dialog
and the hand-over to $EDITOR. Import from here; the modules are the parts:

- `results`: what each dialog returns (frozen dataclasses);
- `base`: `FormScreen` (validate as typed, save or cancel, never drop what was typed),
  `DatedForm`, `EmployerChoiceForm`, the date and team widgets;
- `contact`, `jobs` (job, end job), `status` (task, suspend, closure),
  `newparticipant`, `conflict`, `employer` (employer contact, new or edited employer):
  the dialogs;
- `fields`: the field widgets and checks (shared with the Details tab);
- `confirm`: the one confirm dialog; `editor`: the hand-over to `$EDITOR`."""

from ipstui.ui.screens.forms.base import (
    DatedForm,
    EmployerChoiceForm,
    FormScreen,
    Submit,
    date_input,
    team_choices,
)
from ipstui.ui.screens.forms.confirm import ConfirmDialog, ConfirmScreen
from ipstui.ui.screens.forms.conflict import ConflictForm, conflict_records
from ipstui.ui.screens.forms.contact import ContactForm
from ipstui.ui.screens.forms.editor import editor_dir, run_editor
from ipstui.ui.screens.forms.employer import PURPOSE_LABELS, EmployerContactForm, NewEmployerForm
from ipstui.ui.screens.forms.fields import (
    DATE_HINT,
    Check,
    ChoiceOrText,
    FormField,
    check_area,
    check_choice,
    check_date,
    check_id,
    check_list,
    check_number,
    check_text,
    field_of,
    parse_date_text,
    plain,
    raw_value,
    shown_options,
)
from ipstui.ui.screens.forms.jobs import EndJobForm, JobForm
from ipstui.ui.screens.forms.newparticipant import NewParticipantForm
from ipstui.ui.screens.forms.results import (
    ClosureEntry,
    ContactEntry,
    Decisions,
    EmployerContactEntry,
    EmployerEntry,
    FormResult,
    JobEndEntry,
    JobEntry,
    NewParticipantEntry,
    SuspensionEntry,
    TaskEntry,
)
from ipstui.ui.screens.forms.status import ClosureForm, SuspendForm, TaskForm

__all__ = [
    "DATE_HINT",
    "PURPOSE_LABELS",
    "Check",
    "ChoiceOrText",
    "ClosureEntry",
    "ClosureForm",
    "ConfirmDialog",
    "ConfirmScreen",
    "ConflictForm",
    "ContactEntry",
    "ContactForm",
    "DatedForm",
    "Decisions",
    "EmployerChoiceForm",
    "EmployerContactEntry",
    "EmployerContactForm",
    "EmployerEntry",
    "EndJobForm",
    "FormField",
    "FormResult",
    "FormScreen",
    "JobEndEntry",
    "JobEntry",
    "JobForm",
    "NewEmployerForm",
    "NewParticipantEntry",
    "NewParticipantForm",
    "Submit",
    "SuspendForm",
    "SuspensionEntry",
    "TaskEntry",
    "TaskForm",
    "check_area",
    "check_choice",
    "check_date",
    "check_id",
    "check_list",
    "check_number",
    "check_text",
    "conflict_records",
    "date_input",
    "editor_dir",
    "field_of",
    "parse_date_text",
    "plain",
    "raw_value",
    "run_editor",
    "shown_options",
    "team_choices",
]
