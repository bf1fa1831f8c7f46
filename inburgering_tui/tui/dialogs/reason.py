"""Asks for a short reason (not asked, domain skipped); empty reasons are refused."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal


class ReasonDialog(AppModal[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel")]

    def __init__(self, title: str, current: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(value=self.current, placeholder=_("Reden"), id="reason")
            yield Label("", classes="error", id="reason-error", markup=False)
            yield Static(_("Enter: bewaren · Esc: annuleren"), classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if len(reason) < 3:
            self.query_one("#reason-error", Label).update(
                _("Schrijf een reden van minstens 3 tekens.")
            )
            return
        self.dismiss(reason[:500])
