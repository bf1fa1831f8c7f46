"""A labelled form field with its own inline error line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Select


class LabelledField(Vertical):
    DEFAULT_CLASSES = "field"

    def __init__(self, label: str, control: Widget, *, required: bool = False) -> None:
        super().__init__(id=f"field-{control.id}")
        self.label_text = label + (" *" if required else "")
        self.control = control

    def compose(self) -> ComposeResult:
        yield Label(self.label_text, classes="field-label")
        yield self.control
        yield Label("", classes="error field-error", markup=False)

    def show_error(self, message: str) -> None:
        self.query_one(".field-error", Label).update(message)
        self.set_class(bool(message), "-invalid")


def hold_input(dialog: Widget, busy: bool) -> None:
    """While a worker runs, a dialog's fields take no input: a second Enter starts nothing."""
    for kind in (Input, Checkbox, Select, OptionList):
        for control in dialog.query(kind):
            control.disabled = busy
