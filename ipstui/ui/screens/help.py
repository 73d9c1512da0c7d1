"""`?`: the keys of the screen you came from, read from its live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ipstui.core.config import config_path


def describe_bindings(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for every active binding of `screen`, app keys
    included, as the keymap in the user's config has made them."""
    seen: dict[str, list[str]] = {}
    ids: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        b = active.binding
        desc = b.description or b.action
        if not desc:
            continue
        shown = screen.app.get_key_display(b.with_key(key)) if hasattr(b, "with_key") else key
        seen.setdefault(desc, [])
        if b.id:
            ids.setdefault(desc, b.id)
        if shown not in seen[desc]:
            seen[desc].append(shown)
    return [(" ".join(keys), desc, ids.get(desc, "")) for desc, keys in seen.items()]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; height: 80%; border: thick $accent; background: $surface; padding: 1 2; }
    """

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = describe_bindings(self.under)
        lines = ["[b]Keys on this screen[/b]", ""]
        lines += [
            f"  [b]{escape(keys):<18}[/b] {escape(desc):<28} [dim]{ident}[/dim]"
            for keys, desc, ident in rows
        ]
        lines += [
            "",
            "  [b]ctrl+p[/b]             Command palette: every action, every participant",
            "",
            "[b]Card marks[/b] (they do not rely on colour)",
            "  ✖ overdue   ▲ due soon (within the team's due_soon_days)   · upcoming",
            "  ⏸ suspended (only tasks stay due)   ⚑ needs a decision after a sync",
            "",
            "Every save is one git commit; `git log` shows who changed what.",
            f"Remap a key by its id (dim, right) in {escape(str(config_path()))}:",
            '  [keys]  next_phase = "right_square_bracket,greater_than_sign"',
            "Press esc to close.",
        ]
        with VerticalScroll():
            yield Static("\n".join(lines))
