"""Add a household member: name, relation, date of birth (children's ages matter for VVE)."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from inburgering_tui.domain.answers import Invalid, parse_date
from inburgering_tui.domain.case_rules import HOUSEHOLD_RELATIONS
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


class HouseholdDialog(AppModal[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Lid van het huishouden toevoegen"), classes="dialog-title")
            yield LabelledField(_("Naam"), Input(id="member-name"), required=True)
            options = [(_(label), code) for code, label in HOUSEHOLD_RELATIONS.items()]
            yield LabelledField(
                _("Relatie"),
                Select(options, id="member-relation", allow_blank=False),
                required=True,
            )
            yield LabelledField(
                _("Geboortedatum"), Input(placeholder="dd-mm-jjjj", id="member-dob")
            )
            yield Static(
                _("Ctrl+S of Enter in het laatste veld: bewaren · Esc: annuleren"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#member-name", Input).focus()

    @on(Input.Submitted, "#member-dob")
    def _last_field(self) -> None:
        self.action_save()

    @on(Input.Submitted, "#member-name")
    def _next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        name = self.query_one("#member-name", Input).value.strip()
        dob_text = self.query_one("#member-dob", Input).value.strip()
        name_field = self.query_one("#field-member-name", LabelledField)
        dob_field = self.query_one("#field-member-dob", LabelledField)
        name_field.show_error("" if name else _("Dit veld is verplicht."))
        dob: date | None = None
        dob_error = ""
        if dob_text:
            parsed = parse_date(dob_text)
            today = self.app.today()
            if isinstance(parsed, Invalid):
                dob_error = _(parsed.msgid)
            elif parsed > today:
                dob_error = _(
                    "Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."
                )
            else:
                dob = parsed
        dob_field.show_error(dob_error)
        if name and not dob_error:
            relation = self.query_one("#member-relation", Select).value
            self.dismiss({"name": name, "relation": relation, "date_of_birth": dob})
