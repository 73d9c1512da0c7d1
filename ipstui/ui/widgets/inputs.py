"""The app's one-line text field: it keeps every line of a paste, and focus leaves its
text as it is; a key typed ahead of a screen change is not typed into it once its screen
is gone.

Textual's `Input` keeps only the first line of pasted text, so pasting "Via Roma 1\n
40100 Bologna" silently lost the town. A single-line field here joins the pasted lines
with one space instead (blank lines and the spaces around each line dropped), and says
so, so nothing typed or pasted disappears without a word.

Textual's `Input` also selects all its text when focus arrives, so a person who tabs
into a name and types replaces the whole name. Here the cursor goes to the end of the
text instead (`select_on_focus=False`), as in most forms; every field of the app is a
`OneLineInput`."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Size
from textual.widgets import Input

from ipstui.core.i18n import ngettext


def join_lines(text: str) -> str:
    """Pasted text as one line: its non-blank lines stripped and joined by one space."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


class OneLineInput(Input):
    """An `Input` whose paste keeps every line, joined with a space, whose typing costs
    no layout pass of the screen, and which does not select its text on focus (the
    cursor is at the end). Takes Textual's `Input` arguments."""

    def __init__(
        self, *args: Any, select_on_focus: bool = False, classes: str | None = None, **kwargs: Any
    ) -> None:
        # No field here has validators, so Input marks every value valid the first time
        # it is set, and that class change restyles the field (a tenth of a second of CPU
        # per participant opened). Start valid: the first value then changes no class.
        classes = f"{classes} -valid" if classes else "-valid"
        super().__init__(*args, select_on_focus=select_on_focus, classes=classes, **kwargs)

    def _watch_value(self, value: str) -> None:
        # Input re-sets its virtual size on every change; that reactive asks for a layout
        # of the whole screen (a third of a filter keystroke at 20,000 participants). The
        # field's size never depends on its text here, so set it without a layout.
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)

    async def _on_key(self, event: events.Key) -> None:
        # A key typed ahead of the screen change that left this field behind (a dialog
        # closed by the escape read just before it): read it again on the screen now on
        # top, instead of typing it into a field no one sees (issue 13 item 4).
        if self.screen is not self.app.screen:
            event.prevent_default()  # not Input._on_key as well
            event.stop()
            self.app.post_message(events.Key(event.key, event.character))

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Input's own handler would insert the first line again
        if event.text:
            lines = [x for x in event.text.splitlines() if x.strip()]
            line = join_lines(event.text) if len(lines) > 1 else event.text.splitlines()[0]
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
            if len(lines) > 1:
                self.notify(
                    ngettext(
                        "Pasted {n} line into a one-line field: joined with spaces",
                        "Pasted {n} lines into a one-line field: joined with spaces",
                        len(lines),
                    ).format(n=len(lines)),
                    timeout=4,
                )
        event.stop()
