"""The consultant's note on a question or a life domain: several lines, never read aloud."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.intake_session import NOTE_MAX_LENGTH
from inburgering_tui.tui.base import AppModal


class NoteDialog(AppModal[str | None]):
    """Returns the note's new text ("" removes it), or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "keep", N_("Bewaren"), id="note.keep", priority=True),
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
    ]

    def __init__(self, title: str, current: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box note-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(
                _("Alleen voor de consulent: niet voorlezen, niet voor de tolk."), classes="hint"
            )
            yield TextArea(self.current, id="note-text", soft_wrap=True)
            yield Label("", classes="error", id="note-error", markup=False)
            yield Static(_("Ctrl+S: bewaren · Esc: annuleren · leeg: notitie weg"), classes="hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_keep(self) -> None:
        text = self.query_one("#note-text", TextArea).text.strip()
        if len(text) > NOTE_MAX_LENGTH:
            self.query_one("#note-error", Label).update(
                _("Gebruik hoogstens {max} tekens.").format(max=NOTE_MAX_LENGTH)
            )
            return
        self.dismiss(text)
