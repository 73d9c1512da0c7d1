"""The app and the participant screen are built from parts, plain mixins in their own
modules (issue 13: "a reader cannot hold" a 1,185-line app.py). A message handler in a
plain mixin fires only when it is named by Textual's convention (`_on_<message>`):
Textual's message-pump metaclass collects `@on(...)` handlers only in the classes it
builds (`textual.message_pump._MessagePumpMeta`), and looks a named handler up along the
MRO (`MessagePump._get_dispatch_methods`). These tests hold the parts to that: no `@on`
where it would never fire, no handler named for a message that does not exist, and each
message the parts handle reaches its part's handler on the real classes. And each part's
state is set when its host is made (`parts.set_up_parts`), not at its first use.

They rely on Textual's private `MessagePump._get_dispatch_methods` (`dispatched`) and
the `_textual_on` mark `@on` leaves on a method: check both when Textual is upgraded (a
rename fails these tests; a changed lookup is what they are for)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

import ipstui.ui
from ipstui.ui import messages as m
from ipstui.ui.app import IpsApp
from ipstui.ui.app_disk import WatchesDisk
from ipstui.ui.app_edits import RunsEdits
from ipstui.ui.app_keys import RoutesKeys
from ipstui.ui.app_loading import LoadsCaseload
from ipstui.ui.app_participants import OpensParticipants
from ipstui.ui.app_sync import SyncsWithRemote
from ipstui.ui.parts import AppPart, ScreenPart, set_up_parts
from ipstui.ui.screens.participant import ParticipantScreen
from ipstui.ui.screens.participant.following import FollowsRecord
from ipstui.ui.screens.participant.saving import SavesEdits
from ipstui.ui.widgets.board import Board

TODAY = date(2026, 11, 16)


def ui_classes() -> list[type]:
    """Every class defined in a module of ipstui.ui (all of them imported)."""
    found = []
    for info in pkgutil.walk_packages(ipstui.ui.__path__, "ipstui.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                found.append(cls)
    assert IpsApp in found and ParticipantScreen in found  # the walk sees the UI
    return found


def all_subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | all_subclasses(sub)
    return out


def test_no_decorated_handler_in_a_class_textual_does_not_collect_from() -> None:
    """`@on` in a plain mixin is never collected: the handler would silently not fire."""
    lost = [
        f"{cls.__module__}.{cls.__qualname__}.{name}"
        for cls in ui_classes()
        if not issubclass(cls, MessagePump)
        for name, value in vars(cls).items()
        if callable(value) and hasattr(value, "_textual_on")
    ]
    assert lost == []


def test_every_named_handler_of_a_part_names_a_message() -> None:
    """A typo in `_on_<message>` is a handler that never fires: each one in a plain
    mixin of ipstui.ui is the handler name of a Message class (ours, Textual's events,
    or a widget's)."""
    ui_classes()  # every message class of ours defined
    names = {c.handler_name for c in all_subclasses(Message)} | {
        c.handler_name for c in all_subclasses(events.Event)
    }
    stray = [
        f"{cls.__qualname__}.{name}"
        for cls in ui_classes()
        if not issubclass(cls, MessagePump)
        for name, value in vars(cls).items()
        if callable(value)
        and name.lstrip("_").startswith("on_")
        and name != "on_event"  # an override of MessagePump.on_event, not a handler
        and name.lstrip("_") not in names
    ]
    assert stray == []


def _worker_state() -> Worker.StateChanged:
    return Worker.StateChanged(None, WorkerState.ERROR)  # type: ignore[arg-type]


APP_HANDLERS = [
    (events.Key("a", "a"), [RoutesKeys._on_key, App._on_key]),  # the part's first
    (events.Unmount(), WatchesDisk.on_unmount),
    (Board.Selected("P-0001"), OpensParticipants.on_board_selected),
    (m.CaseloadLoaded(None, {}), LoadsCaseload._on_caseload_loaded),  # type: ignore[arg-type]
    (m.LoadProgressed(1, 2), LoadsCaseload._on_load_progressed),
    (m.LoadFailed("no caseload.toml"), LoadsCaseload._on_load_failed),
    (m.ProblemsRead(None, []), LoadsCaseload._on_problems_read),  # type: ignore[arg-type]
    (m.SyncStatusRead("in sync"), SyncsWithRemote._on_sync_status_read),
    (m.SyncFinished(True, "pushed 1 commit"), SyncsWithRemote._on_sync_finished),
    (m.DiskChanged(), WatchesDisk._on_disk_changed),
    (m.FilesTouched(), WatchesDisk._on_files_touched),
    (m.WatchFellBack(), WatchesDisk._on_watch_fell_back),
    (m.EditSaved(1, "Save", None, None), RunsEdits._on_edit_saved),  # type: ignore[arg-type]
    (m.EditRefused(1, "Save", ValueError("x")), RunsEdits._on_edit_refused),
    (m.RecordReadToOpen("P-0001", None), OpensParticipants._on_record_read_to_open),
    (_worker_state(), IpsApp._worker_failed),  # the shell's own, with @on (a MessagePump)
]

SCREEN_HANDLERS = [
    (m.EditSaved(1, "Save", None, None), SavesEdits._on_edit_saved),  # type: ignore[arg-type]
    (m.EditRefused(1, "Save", ValueError("x")), SavesEdits._on_edit_refused),
    (m.RecordLocated(None, None, None), FollowsRecord._on_record_located),
]


def dispatched(host: MessagePump, message: Message) -> list[object]:
    """The functions Textual calls for `message` on `host`, in order (Textual's private
    lookup: see the module's docstring)."""
    return [
        method.__func__
        for _cls, method in host._get_dispatch_methods(message.handler_name, message)
    ]


def handlers(expected: object) -> list[object]:
    """A table's handler, or its handlers in the order they are called."""
    return expected if isinstance(expected, list) else [expected]


@pytest.mark.parametrize(
    ("message", "handler"), APP_HANDLERS, ids=[type(x).__name__ for x, _h in APP_HANDLERS]
)
def test_the_app_dispatches_each_message_to_its_part(
    message: Message, handler: object, tmp_path: Path
) -> None:
    app = IpsApp(tmp_path, today=TODAY, watch_disk=False)
    assert dispatched(app, message) == handlers(handler)


@pytest.mark.parametrize(
    ("message", "handler"), SCREEN_HANDLERS, ids=[type(x).__name__ for x, _h in SCREEN_HANDLERS]
)
def test_the_participant_screen_dispatches_each_message_to_its_part(
    message: Message, handler: object
) -> None:
    assert dispatched(ParticipantScreen("P-0001"), message) == [handler]


def test_a_plain_mixin_with_on_would_not_fire() -> None:
    """Control for the first test: Textual collects `@on` only in its own classes."""
    from textual import on

    class Plain:
        @on(m.DiskChanged)
        def _changed(self) -> None: ...

    class Host(Plain, MessagePump):
        pass

    assert dispatched(Host(), m.DiskChanged()) == []


@pytest.mark.parametrize(
    ("host", "part"),
    [
        (lambda root: IpsApp(root, today=TODAY, watch_disk=False), AppPart),
        (lambda _root: ParticipantScreen("P-0001"), ScreenPart),
    ],
    ids=["IpsApp", "ParticipantScreen"],
)
def test_every_part_has_its_state_once_its_host_is_made(host, part, tmp_path: Path) -> None:
    """Each part of the app and of the participant screen has one `_setup_<part>`,
    which the host's `__init__` ran (`set_up_parts`): every attribute the part declares
    as its own state is set before anything uses it."""
    made = host(tmp_path)
    parts = [cls for cls in type(made).__mro__ if part in cls.__bases__]
    assert len(parts) == {AppPart: 7, ScreenPart: 3}[part]
    unset = []
    for cls in parts:
        setups = [name for name in vars(cls) if name.startswith("_setup_")]
        assert len(setups) == 1, (cls.__name__, setups)
        unset += [
            f"{cls.__name__}.{name}"
            for name in vars(cls).get("__annotations__", {})
            if not hasattr(made, name)
        ]
    assert unset == []


def test_set_up_parts_calls_each_part_setup_in_the_host_bases_order() -> None:
    """A part's setup is called without the host naming it (one forgotten in
    `__init__` was an AttributeError at the state's first use)."""
    calls = []

    class One(AppPart):
        def _setup_one(self) -> None:
            calls.append("one")

    class Two(AppPart):
        def _setup_two(self) -> None:
            calls.append("two")

    class Host(One, Two):
        pass

    assert set_up_parts(Host(), AppPart) == ["_setup_one", "_setup_two"]
    assert calls == ["one", "two"]
