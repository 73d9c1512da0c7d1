"""The participant screen: `ParticipantScreen` (screen.py) and one pane per tab
(details, contacts, jobs, tasks, deadlines, history), each owning its keys."""

from ipstui.ui.screens.participant.detail_specs import DETAIL_SPECS, DetailSpec, raws_of, to_raw
from ipstui.ui.screens.participant.screen import TABS, ParticipantScreen

__all__ = ["DETAIL_SPECS", "TABS", "DetailSpec", "ParticipantScreen", "raws_of", "to_raw"]
