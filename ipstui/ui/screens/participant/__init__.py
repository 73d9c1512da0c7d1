"""The participant screen: `ParticipantScreen` (screen.py: layout, keys, leaving) with
its parts (following.py: the record followed through changes; saving.py: edits and
their outcome; header.py: title, markers, banner), and one pane per tab (details,
contacts, jobs, tasks, deadlines, history), each owning its keys; base.py is what the
panes share, detail_specs.py how each Details field is edited."""

from ipstui.ui.screens.participant.detail_specs import DETAIL_SPECS, DetailSpec, raws_of, to_raw
from ipstui.ui.screens.participant.screen import TABS, ParticipantScreen

__all__ = ["DETAIL_SPECS", "TABS", "DetailSpec", "ParticipantScreen", "raws_of", "to_raw"]
