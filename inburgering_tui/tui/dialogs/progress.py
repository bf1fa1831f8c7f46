"""Record a voortgangsgesprek: per theme how it goes and what is in the way (B 5.3(4))."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Static

from inburgering_tui.domain.answers import Invalid, format_date, parse_date
from inburgering_tui.domain.pip import THEME_LABELS, Theme
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


class ProgressDialog(AppModal[dict[str, Any] | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def compose(self) -> ComposeResult:
        today = self.app.today()
        with VerticalScroll(classes="dialog-box afspraak-box"):
            yield Static(_("Voortgangsgesprek"), classes="dialog-title")
            yield LabelledField(_("Datum"), Input(format_date(today), id="held_on"), required=True)
            for theme in Theme:
                label = _(THEME_LABELS[theme])
                yield LabelledField(
                    _("{theme}: hoe gaat het").format(theme=label),
                    Input(id=f"progress-{theme.value}"),
                )
                yield LabelledField(
                    _("{theme}: wat zit in de weg").format(theme=label),
                    Input(id=f"problems-{theme.value}"),
                )
            yield Checkbox(_("Leidt tot een nieuwe versie van het PIP"), id="amend")
            yield LabelledField(_("Reden voor de nieuwe versie"), Input(id="amend_reason"))
            yield Static(_("Ctrl+S: bewaren · Esc: annuleren"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#held_on", Input).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        errors: dict[str, str] = {}
        held_on = parse_date(self.query_one("#held_on", Input).value)
        if isinstance(held_on, Invalid):
            errors["held_on"] = _(held_on.msgid).format(**held_on.params)
        elif held_on > self.app.today():
            errors["held_on"] = _(
                "Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."
            )
        amend = self.query_one("#amend", Checkbox).value
        reason = self.query_one("#amend_reason", Input).value.strip()
        if amend and len(reason) < 3:
            errors["amend_reason"] = _("Schrijf een reden van minstens 3 tekens.")
        for field in self.query(LabelledField):
            field.show_error(errors.get(str(field.control.id), ""))
        if errors:
            return
        notes = {
            t.value: {
                "progress": self.query_one(f"#progress-{t.value}", Input).value.strip(),
                "problems": self.query_one(f"#problems-{t.value}", Input).value.strip(),
            }
            for t in Theme
        }
        self.dismiss(
            {"held_on": held_on, "notes": notes, "amend_reason": reason if amend else None}
        )
