"""Create or edit the person and case details; every field validated in the UI language."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Select, Static

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.case_rules import DOELGROEP_LABELS, LITERACY_LABELS, SEX_LABELS
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.case_registration import Case, register, update
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.field import LabelledField
from inburgering_tui.tui.widgets.language_picker import LanguagePicker

DATE_HINT = "dd-mm-jjjj"


class CaseFormScreen(AppScreen[None]):
    WRITES = frozenset({"save"})
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Bewaren"), id="caseform.save", priority=True),
        Binding("escape", "cancel", N_("Terug"), id="caseform.cancel"),
    ]

    def __init__(self, case_id: str | None) -> None:
        super().__init__(id="case-form")
        self.case_id = case_id
        self._initial: dict[str, Any] = {}

    def _text(
        self, name: str, label: str, *, required: bool = False, hint: str = ""
    ) -> LabelledField:
        return LabelledField(label, Input(placeholder=hint, id=name), required=required)

    def _select(
        self, name: str, label: str, labels: dict[str, str], *, required: bool = False
    ) -> LabelledField:
        options = [(_(text), code) for code, text in labels.items()]
        # A required choice starts blank, so forgetting it is an error instead of a silent default.
        select = Select(options, id=name, allow_blank=required, prompt=_("Kies..."))
        return LabelledField(label, select, required=required)

    def compose(self) -> ComposeResult:
        yield Header()
        title = _("Nieuwe zaak") if self.case_id is None else _("Gegevens wijzigen")
        with VerticalScroll(id="case-form-fields"):
            yield Static(title, classes="screen-title")
            yield self._text("given_names", _("Voornamen"), required=True)
            yield self._text("family_name", _("Achternaam"), required=True)
            yield self._text("date_of_birth", _("Geboortedatum"), hint=DATE_HINT)
            yield self._select("sex", _("Geslacht"), SEX_LABELS)
            yield self._text("nationality", _("Nationaliteit"))
            yield LabelledField(_("Talen die de persoon spreekt"), LanguagePicker(id="languages"))
            yield self._select("literacy", _("Geletterdheid"), LITERACY_LABELS)
            yield self._select(
                "doelgroep",
                _("Doelgroep"),
                {str(code): label for code, label in DOELGROEP_LABELS.items()},
                required=True,
            )
            yield self._text("v_nummer", _("V-nummer"), hint="1234567890")
            yield self._text("bsn", _("BSN (mag nog leeg zijn op het AZC)"))
            yield self._text("azc_location", _("AZC-locatie"))
            yield self._text("koppelingsdatum", _("Koppelingsdatum"), hint=DATE_HINT)
            yield self._text("kennisgeving_date", _("Datum kennisgeving DUO"), hint=DATE_HINT)
            yield self._text("brp_date", _("Datum inschrijving BRP"), hint=DATE_HINT)
            yield self._text("consultant", _("Consulent"))
            yield Static(_("Ctrl+S: bewaren · Esc: terug"), classes="hint")
        yield KeyHints()

    def on_mount(self) -> None:
        store = self.app.require_store()
        case = store.get_case(self.case_id) if self.case_id else None
        if case is not None:
            self._fill(case)
        else:
            self.query_one("#consultant", Input).value = self.app.settings.consultant
            self.query_one("#sex", Select).value = "onbekend"
            self.query_one("#literacy", Select).value = "onbekend"
        self._initial = self._raw()
        self.query_one("#given_names", Input).focus()

    def _fill(self, case: Case) -> None:
        for name in ("given_names", "family_name", "nationality", "azc_location", "consultant"):
            self.query_one(f"#{name}", Input).value = getattr(case, name) or ""
        for name in ("date_of_birth", "koppelingsdatum", "kennisgeving_date", "brp_date"):
            value: date | None = getattr(case, name)
            self.query_one(f"#{name}", Input).value = format_date(value) if value else ""
        self.query_one("#languages", LanguagePicker).value = case.languages
        self.query_one("#v_nummer", Input).value = case.v_nummer or ""
        self.query_one("#bsn", Input).value = case.bsn or ""
        for name in ("sex", "literacy", "doelgroep"):
            self.query_one(f"#{name}", Select).value = getattr(case, name)

    def _raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {field.id: field.value for field in self.query(Input) if field.id}
        for select in self.query(Select):
            raw[str(select.id)] = None if select.value is Select.NULL else select.value
        raw["languages"] = self.query_one("#languages", LanguagePicker).value
        return raw

    def action_save(self) -> None:
        store, today = self.app.require_store(), self.app.today()
        if self.case_id is None:
            result = register(store, self._raw(), today)
        else:
            result = update(store, self.case_id, self._raw(), today)
        first_bad = None
        for field in self.query(LabelledField):
            name = str(field.control.id)
            problem = result.errors.get(name)
            field.show_error(_(problem.msgid).format(**problem.params) if problem else "")
            if problem and first_bad is None:
                first_bad = field.control
        if result.case is None:
            if first_bad is not None:
                first_bad.focus()
            self.notify(_("Niet bewaard: verbeter de velden in rood."), severity="error")
            return
        if self.case_id is None:
            self.notify(_("Zaak aangemaakt."))
            from inburgering_tui.tui.screens.case import CaseScreen

            self.app.switch_screen(CaseScreen(result.case.id))
        else:
            self.notify(_("Gegevens bewaard."))
            self.dismiss()

    def action_cancel(self) -> None:
        if self._raw() == self._initial:
            self.dismiss()
            return

        def leave(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(
            ConfirmDialog(
                _("U heeft wijzigingen die niet bewaard zijn. Weggooien?"),
                _("Weggooien"),
                _("Blijven"),
            ),
            leave,
        )
