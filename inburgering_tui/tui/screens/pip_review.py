"""Review the whole PIP with the person, record their agreement, and set it (vaststellen).

The dagtekening given here starts the inburgeringstermijn (rule T6); a set version never
changes again.
"""

from __future__ import annotations

import os
from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Select, Static

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.languages import first_language
from inburgering_tui.domain.pip import PipContent
from inburgering_tui.domain.pip_text import pip_text
from inburgering_tui.i18n.bidi import app_reorders
from inburgering_tui.i18n.catalogs import (
    _,
    available_languages,
    has_catalogue,
    language_name,
    translator,
    ui_language,
)
from inburgering_tui.i18n.formatting import format_day
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.pip_workflow import PipVersion, PipWorkflow
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.export_pdf import ExportPdfDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.field import LabelledField
from inburgering_tui.tui.widgets.script_text import ScriptText


class PipReviewScreen(AppScreen[None]):
    WRITES = frozenset({"agree", "set_pip", "pdf"})
    BINDINGS = [
        Binding("ctrl+s", "agree", N_("Akkoord vastleggen"), id="review.agree", priority=True),
        Binding("f7", "pdf", N_("PDF"), id="review.pdf"),
        Binding("f9", "set_pip", N_("Vaststellen"), id="review.set"),
        Binding("escape", "back", N_("Terug"), id="review.back"),
    ]

    def __init__(self, case_id: str, version_id: str) -> None:
        super().__init__(id="pip-review")
        self.case_id = case_id
        self.version_id = version_id

    @property
    def workflow(self) -> PipWorkflow:
        return self.app.pip_workflow(self.case_id)

    def _version(self) -> PipVersion:
        return self.workflow.version(self.version_id)

    def compose(self) -> ComposeResult:
        store = self.app.require_store()
        conversations = store.conversations(self.case_id)
        case = store.get_case(self.case_id)
        assert case is not None
        self.language = (
            conversations[-1].interview_language
            if conversations
            else first_language(case.languages)
        )
        self.interpreter = conversations[-1].interpreter_name if conversations else ""
        version = self._version()
        content = PipContent.model_validate(version.content)
        agreement = version.agreement or {}
        today = self.app.today()
        reorder = app_reorders(self.app.settings.bidi, os.environ)
        yield Header()
        with VerticalScroll():
            yield Static(
                _("PIP versie {n} bekijken met de persoon").format(n=version.number),
                classes="screen-title",
            )
            with Horizontal(id="review-columns"):
                with Vertical(classes="review-column"):
                    yield Static(_("Nederlands"), classes="column-title")
                    yield Static(pip_text(content, translator("nl"), format_date), markup=False)
                if self.language != "nl":
                    with Vertical(classes="review-column"):
                        yield Static(
                            language_name(self.language, ui_language()), classes="column-title"
                        )
                        if has_catalogue(self.language):
                            yield ScriptText(
                                pip_text(
                                    content,
                                    translator(self.language),
                                    lambda d: format_day(d, self.language, style="medium"),
                                ),
                                self.language,
                                reorder=reorder,
                            )
                        else:
                            # No catalogue: say so, rather than show Dutch under this name.
                            yield Static(_("De tolk vertaalt vanuit het Nederlands"))
            yield Static(_("Akkoord van de persoon"), classes="section-title")
            yield LabelledField(
                _("Naam zoals de persoon die typt"),
                Input(agreement.get("person_name", ""), id="person_name"),
                required=True,
            )
            yield LabelledField(
                _("Datum"),
                Input(agreement.get("agreed_on", format_date(today)), id="agreed_on"),
                required=True,
            )
            yield LabelledField(
                _("Naam van de tolk"),
                Input(agreement.get("interpreter_name", self.interpreter), id="interpreter_name"),
            )
            languages = sorted({*available_languages(), self.language})
            yield LabelledField(
                _("Taal van de tolk"),
                Select(
                    [(language_name(code, ui_language()), code) for code in languages],
                    value=agreement.get("interpreter_language", self.language),
                    id="interpreter_language",
                    allow_blank=False,
                ),
            )
            yield LabelledField(
                _("Consulent"),
                Input(agreement.get("consultant", self.app.settings.consultant), id="consultant"),
                required=True,
            )
            yield Static("", id="review-state", markup=False)
            yield Static(
                _(
                    "Ctrl+S: akkoord vastleggen · F9: vaststellen (daarna kan deze versie niet meer veranderen)"
                ),
                classes="hint",
            )
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#person_name", Input).focus()
        if self._version().agreement:
            self.query_one("#review-state", Static).update("✔ " + _("Akkoord vastgelegd"))

    def action_agree(self) -> bool:
        raw = {
            name: self.query_one(f"#{name}", Input).value
            for name in ("person_name", "agreed_on", "interpreter_name", "consultant")
        }
        raw["interpreter_language"] = str(self.query_one("#interpreter_language", Select).value)
        errors = self.workflow.record_agreement(self.version_id, raw, self.language)
        for field in self.query(LabelledField):
            field.show_error(errors.get(str(field.control.id), ""))
        if errors:
            self.query_one("#review-state", Static).update(
                "✘ " + _("Niet vastgelegd: verbeter de velden in rood")
            )
            return False
        self.query_one("#review-state", Static).update("✔ " + _("Akkoord vastgelegd"))
        return True

    def action_set_pip(self) -> None:
        if not self._version().agreement and not self.action_agree():
            return
        today: date = self.app.today()
        workflow = self.workflow
        refusals = workflow.refusals(self.version_id, today)
        if refusals:
            self.notify("\n".join(refusals), severity="error", timeout=8)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                version = workflow.set(self.version_id, today)
                self.notify(
                    _("PIP versie {n} vastgesteld op {date}.").format(
                        n=version.number, date=format_date(today)
                    )
                )
                self.dismiss()

        self.app.push_screen(
            ConfirmDialog(
                _(
                    "PIP vaststellen met dagtekening {date}? Daarna kan deze versie niet meer veranderen."
                ).format(date=format_date(today)),
                _("Vaststellen"),
                _("Nog niet"),
            ),
            confirmed,
        )

    def action_pdf(self) -> None:
        """The version under review as a PDF (a CONCEPT: it is not set yet) to read through."""
        self.app.push_screen(ExportPdfDialog(self.case_id, needs_key=False))

    def action_back(self) -> None:
        self.dismiss()
