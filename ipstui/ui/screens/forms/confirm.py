"""The one yes/no dialog of the app (modelled on posting's `ConfirmationModal`)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ipstui.ui.keys import key_for


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question → True for yes; escape and `n` answer no."""

    BINDINGS = [
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
    ]

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", title: str = "Confirm"
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.title_text
            yield Static(self.question, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button(
                    f"{self.yes} ({key_for(self, 'confirm_yes', 'y')})", variant="warning", id="yes"
                )
                yield Button(
                    f"{self.no} ({key_for(self, 'confirm_no', 'n')})", variant="primary", id="no"
                )

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        """Close the dialog with the answer (True: yes)."""
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


ConfirmScreen = ConfirmDialog
"""The earlier name of `ConfirmDialog`."""
