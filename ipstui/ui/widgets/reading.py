"""A read-only view of one whole entry or message: where a list cuts a text with `…`,
this shows all of it (SPEC §9: nothing a user needs is cut off without a way to read it).

Used by the employer log (a contact's whole note) and the app's messages (every toast
of the session, whole: `ipstui.ui.app.IpsApp.action_messages`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ipstui.core.i18n import N_, _
from ipstui.core.termsafe import shown_lines
from ipstui.ui.keys import TranslatedBindings, key_for


class ReadingView(TranslatedBindings, ModalScreen[None]):
    """`title` over (label, text) pairs, each text whole and wrapped, in a scrolling box;
    escape (or enter) closes it. Text from files is shown as its own lines (LF or CRLF),
    each escaped (`termsafe.shown_lines`), so a note's line breaks are line breaks while
    every other control character stays visible (SPEC §13)."""

    BINDINGS = [
        Binding("escape,enter", "close", N_("Close"), id="reading_close"),
    ]

    def __init__(self, title: str, entries: Sequence[tuple[str, str]]) -> None:
        """`title` already translated; `entries` (label, text): labels translated, texts
        as stored (escaped when shown)."""
        super().__init__()
        self.title_text = title
        self.entries = list(entries)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="reading") as box:
            box.border_title = self.title_text
            box.border_subtitle = _("{key} closes").format(
                key=key_for(self, "reading_close", "esc")
            )
            for label, text in self.entries:
                if label:
                    yield Static(Text(label), classes="reading-label")
                yield Static(Text("\n".join(shown_lines(text))), classes="reading-text")

    def on_mount(self) -> None:
        self.query_one("#reading", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the view."""
        self.dismiss(None)
