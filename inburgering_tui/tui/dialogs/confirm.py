"""A yes/no question in a modal dialog; labels come in as arguments, already translated."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal


class ConfirmDialog(AppModal[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", N_("Annuleren"), id="dialog.cancel")]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
