"""`RoutesKeys`, a part of `IpsApp` (ui/app.py): where each key the app reads goes.

It owns the typing guard (a letter typed on after its field lost focus runs no command:
`keys.TypingGuard`), the re-routing of keys typed ahead of a screen change to the screen
then on top, and the wait of the keys read after a closing key (`CLOSING_KEYS`) until it
has acted. A part (`parts.AppPart`): `on_event` is an override (it calls Textual's),
and `_on_key` is a handler found by Textual's naming convention."""

from __future__ import annotations

from functools import partial
from weakref import WeakKeyDictionary

from textual import events
from textual.screen import Screen

from ipstui.core.i18n import _
from ipstui.ui.keys import TypingGuard, typing_field
from ipstui.ui.parts import AppPart

CLOSING_KEYS = frozenset({"escape", "enter"})
"""Keys that may close a screen or a dialog: the keys typed after one are read once it
has acted, so they reach the screen then on top (`_on_key`, issue 13 item 4:
`esc esc g 6 1 enter` typed at once after a dialog over Employers typed `g61` into the
closing dialog's field, and Enter opened the selected card)."""
KEY_SETTLE = 0.25
"""Seconds the keys after a closing key wait at most, when a widget kept the key (a
text area's Enter) and it never comes back to the app."""


class RoutesKeys(AppPart):
    """Part of `IpsApp`: the app's key routing."""

    typing: TypingGuard
    """Holds the command letters of a name typed on after its field lost focus."""
    _key_screens: WeakKeyDictionary[events.Key, Screen]
    """The screen on top when each key in flight was read (`_on_key`)."""
    _key_pending: events.Key | None
    """A closing key (`CLOSING_KEYS`) read and not yet acted on (`_key_acted`)."""
    _key_backlog: list[events.Key]
    """Keys read while `_key_pending` waits, read again after it."""

    def _setup_keys(self) -> None:
        """The routing's state (called from `IpsApp.__init__`, `parts.set_up_parts`)."""
        self.typing = TypingGuard()
        self._key_screens = WeakKeyDictionary()
        self._key_pending = None
        self._key_backlog = []

    async def on_event(self, event: events.Event) -> None:
        """Every key reaches the app first: a letter typed on after its field lost focus
        runs no command (`keys.TypingGuard`); the first key after a sync's account was
        shown means the user has acted, and the status line goes back to the state."""
        if isinstance(event, events.Key) and not event.is_forwarded and self._key_pending:
            self._key_backlog.append(event)  # read once the key before it has acted
            return
        if isinstance(event, events.MouseDown):
            self.typing.release()
        elif (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self.typing.hold(event.key, event.character, typing_field(self))
        ):
            self._typed_after_field(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._key_screens[event] = self.screen
            if event.key in CLOSING_KEYS:
                self._key_pending = event
                self.set_timer(KEY_SETTLE, partial(self._key_acted, event))
        if isinstance(event, events.Key):
            self._user_acted()
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """A key that reaches the app after a screen change it was typed ahead of is
        routed again, to the screen now on top (issue 13 item 4).

        Textual sends each key to the widget focused when the key is read, and checks
        the bindings when the key comes back up, by then with the new screen's focus:
        after `esc` left Employers, `g 6 1 enter` typed at once ran `g` on the board, the
        digits reached no field, and Enter opened the selected card instead of P-0061.
        Read again, each key goes where it would have gone had the app kept up."""
        sent_to = self._key_screens.pop(event, None)
        if event.is_forwarded and sent_to is not None and sent_to is not self.screen:
            # Not App._on_key too (Textual calls each class's handler in turn): it would
            # check the bindings with the new screen's focus.
            event.prevent_default()
            event.stop()
            self.post_message(events.Key(event.key, event.character))
        # The keys read after a closing key wait for it to act (its binding runs next,
        # in App._on_key, before the messages posted here are read).
        self._key_acted(event)

    def _key_acted(self, event: events.Key) -> None:
        """`event` (a closing key) has acted, or KEY_SETTLE passed (a widget kept it):
        the keys read meanwhile are read again, in order."""
        if event is not self._key_pending:
            return
        self._key_pending = None
        backlog, self._key_backlog = self._key_backlog, []
        for key in backlog:
            self.post_message(events.Key(key.key, key.character))

    binding_key: str | None = None
    """The key whose bindings Textual is running now (`_check_bindings`), else None (a
    palette entry, a button): `keys.allow_letter_action` lets a command that has a
    letter key run from its other keys (ctrl+q for Quit) while a field takes text."""

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """Textual's, noting `key` while its bindings run (`binding_key`): a command's
        check cannot tell its letter from its other keys else (trial 8, item 7: ctrl+q
        did nothing while a form had text, because `q`, also Quit, types a letter)."""
        outer, self.binding_key = self.binding_key, key
        try:
            return await super()._check_bindings(key, priority)  # type: ignore[misc]
        finally:
            self.binding_key = outer

    def _typed_after_field(self, event: events.Key) -> None:
        """A key held by the typing guard: the screen takes it back into the field it
        was typed for (`take_typed`), or it is dropped, and the first one of a burst
        says so."""
        take = getattr(self.screen, "take_typed", None)
        if take is not None and event.character and take(event.character, self.typing.field):
            return
        if not self.typing.told:
            self.typing.told = True
            self.notify(
                _(
                    "Typing after leaving a field runs no command: pause a moment or press an arrow key, then press the key again."
                ),
                severity="warning",
                timeout=5,
            )
