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
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static

from inburgering_tui.domain.answers import Invalid, format_date, parse_date
from inburgering_tui.domain.calendar import add_days
from inburgering_tui.domain.languages import first_language
from inburgering_tui.domain.leerroute import route_change_allowed
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
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.export_pdf import ExportPdfDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.field import LabelledField
from inburgering_tui.tui.widgets.script_text import ScriptText


class PipReviewScreen(Screen[None]):
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
    def pips(self) -> PipStore:
        return PipStore(self.app.require_store())  # type: ignore[attr-defined]

    def _version(self):  # type: ignore[no-untyped-def]
        return next(v for v in self.pips.versions(self.case_id) if v.id == self.version_id)

    def compose(self) -> ComposeResult:
        store = self.app.require_store()  # type: ignore[attr-defined]
        conversations = store.conversations(self.case_id)
        case = store.get_case(self.case_id)
        self.language = (
            conversations[-1].interview_language
            if conversations
            else first_language(case.languages)
        )
        self.interpreter = conversations[-1].interpreter_name if conversations else ""
        version = self._version()
        content = PipContent.model_validate(version.content)
        agreement = version.agreement or {}
        today = self.app.today()  # type: ignore[attr-defined]
        reorder = app_reorders(self.app.settings.bidi, os.environ)  # type: ignore[attr-defined]
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
                Input(agreement.get("consultant", self.app.settings.consultant), id="consultant"),  # type: ignore[attr-defined]
                required=True,
            )  # type: ignore[attr-defined]
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
        errors: dict[str, str] = {}
        values = {
            name: self.query_one(f"#{name}", Input).value.strip()
            for name in ("person_name", "agreed_on", "interpreter_name", "consultant")
        }
        for name in ("person_name", "consultant"):
            if not values[name]:
                errors[name] = _("Dit veld is verplicht.")
        agreed = parse_date(values["agreed_on"])
        if isinstance(agreed, Invalid):
            errors["agreed_on"] = _(agreed.msgid).format(**agreed.params)
        elif agreed > self.app.today():  # type: ignore[attr-defined]
            errors["agreed_on"] = _(
                "Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."
            )
        if self.language != "nl" and not values["interpreter_name"]:
            errors["interpreter_name"] = _(
                "Het gesprek was met een tolk: vul de naam van de tolk in."
            )
        for field in self.query(LabelledField):
            field.show_error(errors.get(str(field.control.id), ""))
        if errors:
            self.query_one("#review-state", Static).update(
                "✘ " + _("Niet vastgelegd: verbeter de velden in rood")
            )
            return False
        values["agreed_on"] = agreed.isoformat()  # type: ignore[union-attr]
        values["interpreter_language"] = str(self.query_one("#interpreter_language", Select).value)
        self.pips.record_agreement(self.version_id, values)
        self.query_one("#review-state", Static).update("✔ " + _("Akkoord vastgelegd"))
        return True

    def action_set_pip(self) -> None:
        if not self._version().agreement and not self.action_agree():
            return
        today: date = self.app.today()  # type: ignore[attr-defined]
        refusal = self._route_change_refusal(today)
        if refusal is not None:
            self.notify(refusal, severity="error", timeout=8)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                version = self.pips.set_version(self.version_id, today)
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

    def _route_change_refusal(self, today: date) -> str | None:
        """Rule T11: a later version may change the leerroute only within its window."""
        first = self.pips.first_set(self.case_id)
        latest = self.pips.latest_set(self.case_id)
        if first is None or latest is None or first.dagtekening is None:
            return None
        old = PipContent.model_validate(latest.content).leerroute
        new = PipContent.model_validate(self._version().content).leerroute
        if old is None or new is None:
            return None
        why = route_change_allowed(old, new, add_days(first.dagtekening, 1), today)
        return None if why is None else _(why.msgid).format(**why.params)

    def action_pdf(self) -> None:
        """The version under review as a PDF (a CONCEPT: it is not set yet) to read through."""
        self.app.push_screen(ExportPdfDialog(self.case_id, needs_key=False))

    def action_back(self) -> None:
        self.dismiss()
