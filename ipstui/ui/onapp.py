"""`OnIpsApp`: the typed view of the app that screens and panes share (the app, its
current caseload snapshot, and today), instead of each class repeating the properties."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ipstui.core.service import Caseload
    from ipstui.ui.app import IpsApp


class OnIpsApp:
    """Mixin for a Textual widget or screen of `IpsApp` (put it before the Textual base)."""

    @property
    def ips(self) -> IpsApp:
        """The app, typed."""
        return cast("IpsApp", self.app)  # type: ignore[attr-defined]

    @property
    def caseload(self) -> Caseload | None:
        """The app's current snapshot (None while loading)."""
        return self.ips.caseload

    @property
    def today(self) -> date:
        """The date deadlines are computed for."""
        return self.ips.today
