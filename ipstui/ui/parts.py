"""The bases of the parts `IpsApp` (ui/app.py) and `ParticipantScreen`
(screens/participant/screen.py) are built from: `AppPart` and `ScreenPart`.

A part is a plain mixin in a module of its own (issue 13: a 1,185-line app.py no reader
could hold), put before the Textual base in its host's bases. Two rules follow from it
being a plain class, not one Textual builds:

- its message handlers are named by Textual's convention (`_on_<message>`, or
  `on_<message>`) and found along the host's MRO (`MessagePump._get_dispatch_methods`);
  a reactive's watcher (`watch_<name>`) is found by name too. `@on(...)` is never used
  in a part: Textual's message-pump metaclass (`textual.message_pump._MessagePumpMeta`)
  collects decorated handlers only in the classes it builds, so one here would silently
  never fire (tests/test_ui_parts_dispatch.py holds the parts to both rules);
- its state is set in its own `_setup_<part>` method, which the host's `__init__` calls
  with every other part's through `set_up_parts` (one forgotten would otherwise fail
  only at the first use of the state).

What a part uses of its host, and of the other parts, is declared once, here, for type
checkers only (`if TYPE_CHECKING:`; at run time the bases are plain classes): the host's
own state and methods, and each method one part calls in another, with the signature of
the part that defines it. A part's own state is declared and documented in the part."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from datetime import date
    from pathlib import Path
    from typing import Any

    from textual.app import App
    from textual.screen import Screen
    from textual.signal import Signal

    from ipstui.core.board import Card
    from ipstui.core.identity import Seen, Verdict
    from ipstui.core.model import Participant
    from ipstui.core.service import Caseload, CaseloadService, Register, SaveResult
    from ipstui.ui.onapp import OnIpsApp
    from ipstui.ui.screens.board import BoardScreen
    from ipstui.ui.screens.participant.base import Pane
    from ipstui.ui.screens.participant.details import DetailsPane
    from ipstui.ui.screens.participant.following import Located

    _AppBase = App[int]

    class _ScreenBase(OnIpsApp, Screen[None]):
        """The screen's typed view of the app (`ips`, `caseload`, `today`)."""

else:
    _AppBase = _ScreenBase = object


def set_up_parts(host: object, part: type) -> list[str]:
    """Call, on `host`, the `_setup_*` method each of its parts defines (its classes
    made directly on `part`, `AppPart` or `ScreenPart`), in the order of the host's MRO
    (its bases' order); returns their names. Called once from the host's `__init__`,
    after the host's own state is set (a part's setup may read it)."""
    called = []
    for cls in type(host).__mro__:
        if part not in cls.__bases__:
            continue
        for name, method in vars(cls).items():
            if name.startswith("_setup_") and callable(method):
                method(host)
                called.append(name)
    return called


class AppPart(_AppBase):
    """Base of a part of `IpsApp` (app_loading, app_sync, app_participants, app_edits,
    app_disk, app_keys, app_screenshot): a plain mixin before `App` in the app's bases."""

    if TYPE_CHECKING:
        # The app's own state and methods (IpsApp.__init__, ui/app.py).
        root: Path
        service: CaseloadService
        caseload: Caseload | None
        cards: dict[str, Card]
        cards_delta: tuple[dict[str, Card], str] | None
        caseload_replaced: Signal[Caseload | None]
        _lock: threading.Lock
        _latest: Caseload | None

        @property
        def today(self) -> date: ...

        # app_loading.LoadsCaseload
        employer_register: Register | None

        def load_caseload(self, first: bool = False) -> None: ...

        def _board_screen(self) -> BoardScreen | None: ...

        # app_sync.SyncsWithRemote
        def _sync_words(self, cl: Caseload) -> str: ...

        def _user_acted(self) -> None: ...

        # app_edits.RunsEdits
        def run_edit(
            self,
            label: str,
            func: Callable[..., SaveResult],
            *args: Any,
            request: int | None = None,
            **kwargs: Any,
        ) -> int: ...

        def follow_on_save(self, request: int, pid: str) -> None: ...

        # app_disk.WatchesDisk
        def _fingerprint_now(self) -> tuple: ...

        def _forget_fingerprint(self) -> None: ...

        def _note_fingerprint(
            self, snapshot: Caseload, fp: tuple, *, unless_noted: bool = False
        ) -> None: ...


class ScreenPart(_ScreenBase):
    """Base of a part of `ParticipantScreen` (following, saving, header): a plain mixin
    before `Screen` in the screen's bases."""

    if TYPE_CHECKING:
        # The screen's own state and methods (screen.py).
        pid: str
        participant: Participant | None

        @property
        def details(self) -> DetailsPane: ...

        def panes(self) -> list[Pane]: ...

        def show_tab(self, tab: str) -> None: ...

        def _key(self, binding_id: str, default: str) -> str: ...

        # following.FollowsRecord
        _base: str | None
        _seen: Seen | None
        _doubt: Verdict | None
        _other_person: bool

        def show_participant(
            self, p: Participant, *, reset: bool = False, renumbered: str = ""
        ) -> dict[str, Any]: ...

        def _arrived(
            self, p: Participant | None, located: Located | None = None
        ) -> dict[str, Any]: ...

        # saving.SavesEdits
        _requests: dict[int, tuple[str | None, bool]]

        # header.DrawsHeader
        _banner_kind: str

        def banner(self, text: str, kind: str = "info") -> None: ...

        def _draw_header(self, p: Participant) -> None: ...
