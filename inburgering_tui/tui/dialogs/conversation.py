"""Record or correct an intake conversation: date, place, interpreter and the interview language.

The interview language is one of the person's languages, or Dutch. A language without a
catalogue is allowed: the interpreter then translates from the Dutch questions.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from inburgering_tui.domain.answers import Invalid, format_date, parse_date
from inburgering_tui.domain.languages import is_language_code, normalise_languages
from inburgering_tui.i18n.catalogs import SOURCE_LANGUAGE, _, has_catalogue
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.records import Conversation
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.labels import language_label
from inburgering_tui.tui.widgets.field import LabelledField


def interview_languages(person_languages: list[str], current: str | None = None) -> list[str]:
    """The person's languages as codes, then Dutch; a conversation's own language stays
    choosable when it is edited, even if the person's list changed since."""
    codes, _unknown = normalise_languages(person_languages)
    choices = [code for code in codes if is_language_code(code)]
    for extra in (SOURCE_LANGUAGE, current):
        if extra and extra not in choices:
            choices.append(extra)
    return choices


class ConversationDialog(AppModal[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def __init__(
        self, person_languages: list[str], conversation: Conversation | None = None
    ) -> None:
        super().__init__()
        self.conversation = conversation
        self.choices = interview_languages(
            person_languages, conversation.interview_language if conversation else None
        )

    def _option(self, code: str) -> tuple[str, str]:
        label = language_label(code)
        if not has_catalogue(code):
            label += " · " + _("tolk vertaalt vanuit het Nederlands")
        return label, code

    def compose(self) -> ComposeResult:
        today = self.app.today()
        existing = self.conversation
        title = _("Intakegesprek wijzigen") if existing else _("Nieuw intakegesprek")
        language = existing.interview_language if existing else self.choices[0]
        with Vertical(classes="dialog-box"):
            yield Static(title, classes="dialog-title")
            yield LabelledField(
                _("Datum"),
                Input(value=format_date(existing.held_on if existing else today), id="conv-date"),
                required=True,
            )
            yield LabelledField(
                _("Plaats"), Input(value=existing.place if existing else "", id="conv-place")
            )
            yield LabelledField(
                _("Naam van de tolk"),
                Input(value=existing.interpreter_name if existing else "", id="conv-interpreter"),
            )
            yield LabelledField(
                _("Taal van het gesprek"),
                Select(
                    [self._option(code) for code in self.choices],
                    value=language,
                    id="conv-language",
                    allow_blank=False,
                ),
            )
            yield Static(
                _(
                    "Staat de taal er niet bij? Kies eerst de talen van de persoon bij "
                    "Gegevens wijzigen (e)."
                ),
                classes="hint",
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
