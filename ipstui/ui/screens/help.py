"""`?`: the keys of the screen you came from, read from its live bindings.

Built from `rich.text.Text`, never from markup: a key such as `[` or a user's remapped
key is shown as it is, and never read as a markup tag."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from ipstui.core.config import config_path
from ipstui.core.i18n import N_, _
from ipstui.core.rules import DUE_SOON, OVERDUE, UPCOMING
from ipstui.core.termsafe import escape
from ipstui.core.vocab import NEEDS_DECISION, SUSPENDED, SYMBOL, fit
from ipstui.ui.keys import TranslatedBindings, live_bindings

KEY_CELLS = 16
"""Width of the keys column, in terminal cells."""


def describe_bindings(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for every active binding of `screen`, app keys
    included (but the one that opens `screen` itself), as the keymap in the user's
    config has made them. The description is the
    binding's tooltip when it has one (the footer shows the short one)."""
    seen: dict[str, list[str]] = {}
    ids: dict[str, str] = {}
    opens = getattr(screen.app, "opens", None)
    for key, active in screen.active_bindings.items():
        b = active.binding
        short = b.description or b.action
        if not short:
            continue
        if opens is not None and active.node is screen.app and opens(b.action, screen):
            continue  # the key of the screen shown (`IpsApp.opens`): nothing to do here
        tooltip = b.tooltip
        if not isinstance(active.node, TranslatedBindings):
            # A Textual widget's own keys (a table's cursor keys): translated here.
            short = _(b.description) if b.description else short
            tooltip = _(tooltip) if tooltip else tooltip
        desc = f"{short}: {tooltip}" if tooltip and tooltip != short else short
        shown = screen.app.get_key_display(b.with_key(key))
        seen.setdefault(desc, [])
        if b.id:
            ids.setdefault(desc, b.id)
        if shown not in seen[desc]:
            seen[desc].append(shown)
    return [(" ".join(keys), desc, ids.get(desc, "")) for desc, keys in seen.items()]


def shadowed_app_bindings(screen: Screen) -> list[Binding]:
    """The app's bindings (with a description) that no key runs on `screen`: the
    screen binds their key to something of its own (Reports' `e` exports, so Employers
    is not on `e` there). The command palette still runs each of them, and the help
    says so; an app action that opens the screen shown (Agenda on the agenda,
    `IpsApp.opens`) is not listed."""
    app = screen.app
    active = screen.active_bindings
    out = []
    for key, items in live_bindings(app).key_to_bindings.items():
        for b in items:
            if not b.description:
                continue
            opens = getattr(app, "opens", None)
            if opens is not None and opens(b.action, screen):
                continue
            here = active.get(key)
            if here is None or here.node is not app or here.binding.action != b.action:
                out.append(b)
    return out


_MEASURE = Console(file=io.StringIO(), width=1000, color_system=None, legacy_windows=False)
"""Only for `Text.wrap`'s measuring (tabs, cell widths); never printed to."""


def _row(out: Text, lead: Text, body: Text, width: int | None) -> None:
    """Append `lead` then `body` as one entry: with a `width` (cells) the body wraps
    in the column after `lead`, each further line indented by `lead`'s width (a hanging
    indent: trial 8, item 10, where a long description went on at the panel's left edge);
    a word longer than that column is cut with `…`. Without one, a single line."""
    room = (width or 0) - lead.cell_len
    if width is None or room < 8 or body.cell_len <= room:
        out.append_text(lead)
        out.append_text(body)
        out.append("\n")
        return
    lines = body.wrap(_MEASURE, room, overflow="ellipsis", no_wrap=False)
    for i, line in enumerate(lines):
        line.rstrip()
        out.append_text(lead if i == 0 else Text(" " * lead.cell_len))
        out.append_text(line)
        out.append("\n")


def _key_lead(keys: str) -> Text:
    lead = Text("  ")
    lead.append(fit(keys, KEY_CELLS), style="bold")
    lead.append(" ")
    return lead


def help_text(screen: Screen, width: int | None = None) -> Text:
    """The whole help page for `screen`, as plain styled text. `width`: the panel's
    width in cells; each key's description then wraps under its own column (hanging
    under the description, not at the panel's left edge); None: one line per key."""
    out = Text()
    out.append(_("Keys on this screen") + "\n\n", style="bold")
    for keys, desc, ident in describe_bindings(screen):
        body = Text(desc)
        if ident:
            body.append(f"  [{ident}]", style="dim")
        _row(out, _key_lead(keys), body, width)
    out.append("\n")
    _row(out, _key_lead("ctrl+p"), Text(_("Command palette: every action, every participant")), width)
    shadowed = shadowed_app_bindings(screen)
    if shadowed:
        out.append(_("Not on a key on this screen, in the command palette:") + "\n")
        for b in shadowed:
            body = Text(f"{b.description}: {b.tooltip}" if b.tooltip else b.description)
            if b.id:
                body.append(f"  [{b.id}]", style="dim")
            _row(out, Text("  " + " " * (KEY_CELLS + 1)), body, width)
    out.append("\n")
    out.append(_("Marks"), style="bold")
    out.append(" " + _("(they do not rely on colour)") + "\n")
    legend = [
        (OVERDUE, _("overdue")),
        (DUE_SOON, _("due soon (within the team's due_soon_days)")),
        (UPCOMING, _("upcoming")),
        (SUSPENDED, _("suspended (only tasks stay due)")),
        (NEEDS_DECISION, _("needs a decision after a sync")),
    ]
    for state, words in legend:
        # One mark a line: translated words are often longer (and wrap under the words).
        _row(out, Text(f"  {SYMBOL[state]} "), Text(words), width)
    out.append("\n")
    out.append(_("Every save is one git commit; `git log` shows who changed what.") + "\n")
    out.append(
        _("Remap a key by its id (in brackets, dim) in {path}:").format(
            path=escape(config_path())  # the home folder's name: SPEC §13
        )
        + "\n"
    )
    out.append('  [keys]  next_phase = "right_square_bracket,greater_than_sign"\n')
    out.append(_("Press {key} to close.").format(key="esc"))
    return out


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """The keys of the screen under it, from its live bindings, and the marks' legend."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", N_("Close help"), id="help_close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield HelpPage(self.under)


class HelpPage(Widget):
    """The help page (`help_text`) laid out for the width it is given: a key's long
    description wraps under the description column, at every panel width."""

    DEFAULT_CSS = "HelpPage { height: auto; }"

    def __init__(self, under: Screen) -> None:
        super().__init__(id="help-text")
        self.under = under

    def render(self) -> Text:
        return help_text(self.under, self.content_region.width or None)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(help_text(self.under, width).wrap(_MEASURE, max(width, 1)))

    def on_resize(self) -> None:
        self.refresh(layout=True)
