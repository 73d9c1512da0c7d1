"""`OnIpsApp`: the typed view of the app that screens and panes share (the app, its
current caseload snapshot, and today), instead of each class repeating the properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

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


class FollowsCaseload:
    """Mixin for a screen of `IpsApp` that redraws when the app's caseload snapshot is
    replaced (a save, a sync, a reload): `follow_caseload(callback)` once mounted, and
    the subscription ends when the screen is removed.

    Why not `self.watch(self.app, "caseload", ...)`: Textual keeps such a watcher, and
    with it the closed screen and everything it holds, until the watched value next
    changes; at 20,000 participants three agendas opened and closed without a save kept
    about 145,000 objects alive, for every full garbage collection to walk (issue 13)."""

    def follow_caseload(self, callback: Callable[[Any], object], *, init: bool = True) -> None:
        """Call `callback(snapshot)` now (when `init`) and on every replacement."""
        app = cast("IpsApp", self.app)  # type: ignore[attr-defined]
        app.caseload_replaced.subscribe(self, callback, immediate=True)  # type: ignore[arg-type]
        if init:
            callback(app.caseload)

    def follow_findings(self, callback: Callable[[Any], object]) -> None:
        """Call `callback(findings)` with the app's problem list now (when it has read
        one) and on every new one (`IpsApp.findings_read`: a new snapshot or a new day)."""
        app = cast("IpsApp", self.app)  # type: ignore[attr-defined]
        app.findings_read.subscribe(self, callback, immediate=True)  # type: ignore[arg-type]
        if app.findings is not None:
            callback(app.findings)

    def on_unmount(self) -> None:
        """Stop following: nothing of the app holds a removed screen."""
        for name in ("caseload_replaced", "findings_read"):
            signal = getattr(self.app, name, None)  # type: ignore[attr-defined]
            if signal is not None:  # not in a test's bare host app
                signal.unsubscribe(self)
