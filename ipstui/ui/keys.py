"""Key hints read from the live bindings, so a message says the key the user really has
(SPEC §9: keys are remappable; the footer, help and every hint show the live ones), and
the rule that keeps typed letters from firing commands.

`key_for(node, "participant_contact")` gives `c`, or the key the user's keymap put there.

Binding descriptions and tooltips are English source text marked with `N_()` in the
classes' `BINDINGS`; `TranslatedBindings` translates them when a screen, widget or the
app is created (SPEC §13), so the footer, the help screen and the palette show them in
the current language, and a language set between two apps applies to the second.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual.app import App
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select, TextArea

from ipstui.core.i18n import N_, _


def translate_bindings(node: DOMNode) -> None:
    """Replace `node`'s own bindings (`node._bindings`, which Textual copies from the
    class's merged `BINDINGS` in `DOMNode.__init__`) with copies whose description and
    tooltip are translated into the current language. Keys, actions and ids are
    untouched, so keymaps and `key_for` work as before. Call once per node."""
    table = node._bindings.key_to_bindings
    for key, items in list(table.items()):
        table[key] = [
            replace(
                b,
                description=_(b.description) if b.description else b.description,
                tooltip=_(b.tooltip) if b.tooltip else b.tooltip,
            )
            for b in items
        ]


TEXTUAL_WORDS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Copy selected text"),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Page Up"),
    N_("Scroll Down"),
    N_("Scroll End"),
    N_("Scroll Home"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Up"),
    N_("Bottom"),
    N_("Cursor down"),
    N_("Cursor left"),
    N_("Cursor right"),
    N_("Cursor up"),
    N_("End"),
    N_("Home"),
    N_("Page down"),
    N_("Page up"),
    N_("Select"),
    N_("Top"),
    N_("Previous tab"),
    N_("Next tab"),
    # The command palette's own words (`ipstui.ui.commands.Palette`) and the system
    # commands it lists (`IpsApp.get_system_commands`).
    N_("Search for commands…"),
    N_("No matches found"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
"""Textual's own words a person can read, copied here (same msgids) so the catalogs carry
them: descriptions of its bindings that the footer or the help screen can show (the
command palette's key, screen focus keys, scrolling, table and tab keys), translated like
ours (`translate_bindings`, or the help screen for the bindings of Textual's widgets);
the command palette's placeholder and "no matches" line, and its system commands."""


class TranslatedBindings:
    """Mixin, placed before the Textual base (`class X(TranslatedBindings, Screen)`):
    the instance's bindings are translated when it is created (see `translate_bindings`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)  # type: ignore[arg-type]


def live_bindings(node: DOMNode) -> BindingsMap:
    """`node`'s own bindings with the user's keymap applied (as Textual applies it)."""
    bindings = node._bindings.copy()
    keymap = getattr(node.app, "_keymap", None)
    if keymap:
        bindings.apply_keymap(keymap)
    return bindings


def key_for(node: DOMNode, binding_id: str, default: str = "") -> str:
    """The key display of the binding with id `binding_id`, searched from `node` up to the
    app (the first match wins, as a key press would); `default` when none is bound."""
    app = node.app
    for n in [*node.ancestors_with_self, app]:
        for key, items in live_bindings(n).key_to_bindings.items():
            for b in items:
                if b.id == binding_id:
                    return app.get_key_display(b.with_key(key))
    return default


def text_entry_or_none(app: App) -> bool:
    """True when a typed letter should not run a command: nothing has focus, or the
    focused widget takes typed text (an input, a text area, an open choice list, which
    jumps to the option typed).

    Why: when focus leaves a field (a dialog closed, a click elsewhere), a person who
    goes on typing a name must not open Agenda on `a` and Reports on `r`. A closed
    choice list, a checkbox or a button takes no letters, and shows its focus (SPEC §9):
    there `?`, `c` and the other keys keep working (issue 13: with a choice focused
    they did nothing, and the letters typed vanished); in a dialog (a modal screen)
    they still do nothing, as the app's screens would open over it."""
    focused = app.focused
    if focused is None:
        return True
    in_dialog = isinstance(focused.screen, ModalScreen)
    node: DOMNode | None = focused
    while isinstance(node, Widget):
        if isinstance(node, Input | TextArea):
            return True
        if isinstance(node, Select | Checkbox | Button):
            # In a dialog, the app's keys (agenda, reports...) would open over it.
            return in_dialog or (isinstance(node, Select) and node.expanded)
        node = node.parent
    return False


def types_a_character(key: str) -> bool:
    """True for a key that types a visible character (`a`, `C`, `question_mark`, `[`);
    False for escape, tab, enter, space, backspace and keys with ctrl or alt, though
    Textual maps some of those to a character too."""
    if key in _PRINTABLE_KEYS:
        return True
    char = key_to_character(key)
    return char is not None and char.isprintable() and not char.isspace()


def _printable_keys() -> frozenset[str]:
    """Textual's names of the keys that type a visible ASCII character (`slash`, `minus`):
    `key_to_character` does not know every one of them."""
    try:
        from textual.keys import _character_to_key
    except ImportError:  # a Textual without it: key_to_character alone
        return frozenset()
    return frozenset(_character_to_key(ch) for ch in string.printable if not ch.isspace())


_PRINTABLE_KEYS = _printable_keys()


def letter_actions(node: DOMNode) -> frozenset[str]:
    """The actions of `node`'s own bindings that are bound to a typed character (after
    the keymap), e.g. `agenda` for `a`, `quit` for `q`."""
    out = set()
    for key, items in live_bindings(node).key_to_bindings.items():
        if types_a_character(key):
            for b in items:
                out.add(b.action.split("(")[0].removeprefix("app.").removeprefix("screen."))
    return frozenset(out)


def allow_letter_action(node: DOMNode, action: str) -> bool:
    """False when `action` is one of `node`'s typed-character bindings and the app is
    in a state where typing must not run commands (see `text_entry_or_none`).

    Textual asks `check_action` before it runs a key's binding; a palette entry calls
    its function directly, so the palette is never blocked. The same action run from a
    key that types no character (ctrl+q for Quit beside `q`; the app's `binding_key`)
    is never blocked either: only the letter would have been text."""
    if action not in letter_actions(node):
        return True
    key = getattr(node.app, "binding_key", None)
    if key is not None and not types_a_character(key):
        return True
    return not text_entry_or_none(node.app)


TYPING_PAUSE = 1.0
"""Seconds without a key after which a typed letter is a command again (`TypingGuard`):
people type a name at 3 to 8 keys a second; after leaving a field they look at the
screen for longer than this before they press a command key."""


def typing_field(app: App) -> Widget | None:
    """The focused widget that takes typed text (an input, a text area, or the widget
    holding one), else None."""
    node: DOMNode | None = app.focused
    while isinstance(node, Widget):
        if isinstance(node, Input | TextArea):
            return node
        node = node.parent
    return None


def continues_typing(key: str, character: str | None) -> bool:
    """True for a key that goes on typing text: a visible character, space, backspace.
    False for keys nobody types inside a word: arrows, enter, escape, tab, page keys,
    function keys, ctrl and alt combinations."""
    if key == "backspace":
        return True
    return character is not None and len(character) == 1 and character.isprintable()


def _monotonic() -> float:
    return time.monotonic()


typing_clock: Callable[[], float] = _monotonic
"""The clock a new `TypingGuard` reads, in seconds (tests put a stopped one here)."""


class TypingGuard:
    """Holds command keys typed as part of text whose field has just lost focus.

    Why (issue 13, trial 9): focus leaves a field in many ways, and a person who goes
    on typing then sends the rest of a name to the board's one-letter commands: after
    `/Marco` Enter, " Tedeschi" opened Employers on `e`, ran a sync that pushed five
    commits on `s`, and opened a dialog on `c`. Guarding each way out separately
    missed some, so the rule is about the keys, not about the ways out:

    - A key pressed while a text field has focus starts (or continues) a typing burst.
    - While the burst lasts, a key that goes on typing (`continues_typing`: letters,
      digits, space, backspace) and reaches something that is not a text field is held:
      it runs no command. The screen may take it back into the field it came from
      (the board's filter does: `BoardScreen.take_typed`); else it is dropped, and the
      first one of a burst says so.
    - The burst ends, and letters are commands again, on escape (anywhere: it leaves
      on purpose), on a pause of `pause` seconds since the last key, on a key nobody
      types inside a word pressed outside a field (an arrow, enter, tab;
      `continues_typing`), or on a mouse press. Enter and tab inside a field do not end
      it: a name is typed on after both.

    The ways focus leaves a field, and what the next typed letter does:

    | way out | focus goes to | the next letter, typed at once |
    |---|---|---|
    | Enter in the filter, no match | stays in the filter ("no match") | typed in the filter |
    | Enter in the filter, a match | the board, first match selected | back into the filter |
    | `g` id field, Enter | the board, the participant selected | held (dropped, said once) |
    | escape in a field (filter, id, dialog, form) | the board or the screen below | a command |
    | a dialog closes on Enter, ctrl+s or tab and Enter on a button | where it opened | held |
    | a dialog's button clicked | where it opened | a command (the mouse ended it) |
    | a worker's result (save, sync, load) | never moves focus out of a field | typed in the field |

    Sync (`s`) pushes to the team's remote, yet it stays a bare letter without a confirm:
    lazygit pushes on a bare `P` and asks only before a force push, which ipstui never
    does; a sync only adds the team's and the user's commits to both sides. The danger
    was a letter meant as text, which this guard holds for every command alike.

    `clock` returns seconds (default `typing_clock`, `time.monotonic`)."""

    def __init__(
        self, clock: Callable[[], float] | None = None, pause: float = TYPING_PAUSE
    ) -> None:
        self.clock = clock or typing_clock
        self.pause = pause
        self.field: Widget | None = None
        """The text field the last burst was typed in (None before any)."""
        self.holding = False
        """Whether a typing burst is on: typed letters run no command."""
        self.told = False
        """Whether this burst's held letters were already reported."""
        self._last = float("-inf")

    def hold(self, key: str, character: str | None, field: Widget | None) -> bool:
        """Note a key the app received while `field` (the focused text field, or None)
        had focus; True when it must run no command (see the class)."""
        now = self.clock()
        paused = now - self._last >= self.pause
        self._last = now
        if key == "escape":  # leaving on purpose, even from inside a field
            self.holding = False
            return False
        if field is not None:
            if not self.holding or field is not self.field:
                self.told = False
            self.field, self.holding = field, True
            return False
        if not self.holding:
            return False
        if paused or not continues_typing(key, character):
            self.holding = False
            return False
        return True

    def release(self) -> None:
        """End the burst (a mouse press: the person has turned to the screen)."""
        self.holding = False
