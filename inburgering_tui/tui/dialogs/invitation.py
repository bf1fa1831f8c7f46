"""Record an invitation to the brede intake, or the person's response to the last one (T3)."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from inburgering_tui.domain.answers import Invalid, format_date, parse_date
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


class InvitationDialog(AppModal[dict[str, Any] | None]):
    """``open_since`` set: ask when the person responded; otherwise a new invitation."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def __init__(self, number: int, open_since: date | None = None) -> None:
        super().__init__(classes="dialog")
        self.number = number
        self.open_since = open_since

    def compose(self) -> ComposeResult:
        today = format_date(self.app.today())
        with Vertical(classes="dialog-box"):
            if self.open_since is not None:
                yield Static(
                    _("Reactie op uitnodiging {n} van {date}").format(
                        n=self.number, date=format_date(self.open_since)
                    ),
                    classes="dialog-title",
                )
                yield LabelledField(
                    _("Datum van de reactie"), Input(today, id="responded_on"), required=True
                )
            else:
                yield Static(
                    _("Uitnodiging {n} voor de brede intake").format(n=self.number),
                    classes="dialog-title",
                )
                yield LabelledField(_("Verstuurd op"), Input(today, id="sent_on"), required=True)
                yield LabelledField(
                    _("Termijn om te reageren (dagen)"), Input("14", id="term_days"), required=True
                )
            yield Static(_("Ctrl+S: bewaren · Esc: annuleren"), classes="hint")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        today = self.app.today()
        for name in ("sent_on", "responded_on"):
            for field in self.query(f"#{name}").results(Input):
                parsed = parse_date(field.value)
                if isinstance(parsed, Invalid):
                    errors[name] = _(parsed.msgid).format(**parsed.params)
                elif parsed > today:
                    errors[name] = _(
                        "Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."
                    )
                else:
                    values[name] = parsed
        for field in self.query("#term_days").results(Input):
            if not field.value.strip().isdigit() or not 1 <= int(field.value) <= 90:
                errors["term_days"] = _("Vul een getal in van {min} tot en met {max}.").format(
                    min=1, max=90
                )
            else:
                values["term_days"] = int(field.value)
        for labelled in self.query(LabelledField):
            labelled.show_error(errors.get(str(labelled.control.id), ""))
        if not errors:
            self.dismiss(values)
