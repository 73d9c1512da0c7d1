"""The one yes/no dialog of the app (modelled on posting's `ConfirmationModal`)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ipstui.core.i18n import N_, _
from ipstui.ui.keys import TranslatedBindings, key_for


class ConfirmDialog(TranslatedBindings, ModalScreen[bool]):
    """A yes/no question → True for yes; escape and `n` answer no."""

    BINDINGS = [
        Binding("n,escape", "answer(False)", N_("No"), id="confirm_no"),
        Binding("y", "answer(True)", N_("Yes"), id="confirm_yes"),
    ]

    def __init__(
        self,
        question: str,
        *,
        yes: str | None = None,
        no: str | None = None,
        title: str | None = None,
    ) -> None:
        """`question`, `yes`, `no` and `title` already translated; the defaults are
        "Yes", "No" and "Confirm" in the current language."""
        super().__init__()
        self.question = question
        self.yes = yes or _("Yes")
        self.no = no or _("No")
        self.title_text = title or _("Confirm")

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
