"""Record an intake conversation: date, place, interpreter and the interview language."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from inburgering_tui.domain.answers import Invalid, format_date, parse_date
from inburgering_tui.i18n.catalogs import _, available_languages, language_name, ui_language
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


class ConversationDialog(AppModal[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def __init__(self, default_language: str = "nl") -> None:
        super().__init__()
        self.default_language = default_language

    def compose(self) -> ComposeResult:
        today = self.app.today()
        languages = sorted({*available_languages(), self.default_language})
        options = [(f"{language_name(code, ui_language())} ({code})", code) for code in languages]
        with Vertical(classes="dialog-box"):
            yield Static(_("Nieuw intakegesprek"), classes="dialog-title")
            yield LabelledField(
                _("Datum"), Input(value=format_date(today), id="conv-date"), required=True
            )
            yield LabelledField(_("Plaats"), Input(id="conv-place"))
            yield LabelledField(_("Naam van de tolk"), Input(id="conv-interpreter"))
            yield LabelledField(
                _("Taal van het gesprek"),
                Select(options, value=self.default_language, id="conv-language", allow_blank=False),
            )
            yield Static(_("Ctrl+S: bewaren · Esc: annuleren"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#conv-date", Input).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        parsed = parse_date(self.query_one("#conv-date", Input).value)
        field = self.query_one("#field-conv-date", LabelledField)
        if isinstance(parsed, Invalid):
            field.show_error(_(parsed.msgid))
            self.query_one("#conv-date", Input).focus()
            return
        field.show_error("")
        self.dismiss(
            {
                "held_on": parsed,
                "place": self.query_one("#conv-place", Input).value.strip(),
                "interpreter_name": self.query_one("#conv-interpreter", Input).value.strip(),
                "interview_language": self.query_one("#conv-language", Select).value,
            }
        )
