"""Add or edit one afspraak of the PIP: what, who, when, how many hours, and its status."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Select, SelectionList, Static

from inburgering_tui.domain.answers import (
    Invalid,
    format_date,
    format_hours,
    parse_hours,
    parse_optional_date,
)
from inburgering_tui.domain.pip import (
    FIXED_COSTS,
    KIND_LABELS,
    KIND_THEME,
    RESPONSIBLE,
    STATUS,
    Afspraak,
    Kind,
    Theme,
)
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


def kinds_for(theme: Theme) -> list[Kind]:
    return [k for k in Kind if KIND_THEME.get(k, Theme.BEGELEIDING) == theme] + [Kind.OVERIG]


class AfspraakDialog(AppModal[Afspraak | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def __init__(self, theme: Theme, afspraak: Afspraak) -> None:
        super().__init__(classes="dialog")
        self.theme = theme
        self.afspraak = afspraak

    def compose(self) -> ComposeResult:
        a = self.afspraak
        kinds = kinds_for(self.theme)
        if a.kind not in kinds:
            kinds.append(a.kind)
        with VerticalScroll(classes="dialog-box afspraak-box"):
            yield Static(_("Afspraak"), classes="dialog-title")
            yield LabelledField(
                _("Soort"),
                Select(
                    [(_(KIND_LABELS[k]), k.value) for k in kinds],
                    value=a.kind.value,
                    id="kind",
                    allow_blank=False,
                ),
                required=True,
            )
            yield LabelledField(_("Wat is afgesproken"), Input(a.description, id="description"))
            yield LabelledField(
                _("Wie doet het"),
                Select(
                    [(_(v), k) for k, v in RESPONSIBLE.items()],
                    value=a.responsible,
                    id="responsible",
                    allow_blank=False,
                ),
            )
            yield LabelledField(_("Partnerorganisatie"), Input(a.partner, id="partner"))
            yield LabelledField(
                _("Start"), Input(format_date(a.start), placeholder="dd-mm-jjjj", id="start")
            )
            yield LabelledField(
                _("Einde of uiterste datum"),
                Input(format_date(a.end), placeholder="dd-mm-jjjj", id="end"),
            )
            yield LabelledField(
                _("Uren in totaal"), Input(format_hours(a.hours_total), id="hours_total")
            )
            yield LabelledField(
                _("Uren per week"), Input(format_hours(a.hours_per_week), id="hours_per_week")
            )
            yield Checkbox(
                _("Met minstens één activiteit of excursie (PVT)"),
                a.with_excursion,
                id="with_excursion",
            )
            yield Checkbox(
                _("Met minstens één praktische activiteit (MAP)"),
                a.practical_activity,
                id="practical_activity",
            )
            yield Static(
                _("Vaste lasten die de gemeente betaalt (ontzorgen)"), classes="field-label"
            )
            yield SelectionList[str](
                *((_(label), code, code in a.costs) for code, label in FIXED_COSTS.items()),
                id="costs",
            )
            yield LabelledField(
                _("Status"),
                Select(
                    [(_(v), k) for k, v in STATUS.items()],
                    value=a.status,
                    id="status",
                    allow_blank=False,
                ),
            )
            yield LabelledField(
                _("Evaluatiemoment"),
                Input(format_date(a.review_on), placeholder="dd-mm-jjjj", id="review_on"),
            )
            yield LabelledField(
                _("Uren gedaan (ook tijdens de intakefase)"),
                Input(format_hours(a.hours_logged), id="hours_logged"),
            )
            yield Static(_("Ctrl+S: bewaren · Esc: annuleren"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#description", Input).focus()

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    def action_save(self) -> None:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in ("start", "end", "review_on"):
            parsed = parse_optional_date(self.query_one(f"#{name}", Input).value)
            if isinstance(parsed, Invalid):
                errors[name] = _(parsed.msgid).format(**parsed.params)
            else:
                values[name] = parsed
        for name in ("hours_total", "hours_per_week", "hours_logged"):
            hours = parse_hours(self.query_one(f"#{name}", Input).value)
            if isinstance(hours, Invalid):
                errors[name] = _(hours.msgid).format(**hours.params)
            else:
                values[name] = hours
        start, end = values.get("start"), values.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            errors["end"] = _("Het einde ligt voor de start.")
        for field in self.query(LabelledField):
            field.show_error(errors.get(str(field.control.id), ""))
        if errors:
            return
        self.dismiss(
            self.afspraak.model_copy(
                update={
                    **values,
                    "kind": Kind(str(self.query_one("#kind", Select).value)),
                    "description": self.query_one("#description", Input).value.strip(),
                    "responsible": self.query_one("#responsible", Select).value,
                    "partner": self.query_one("#partner", Input).value.strip(),
                    "with_excursion": self.query_one("#with_excursion", Checkbox).value,
                    "practical_activity": self.query_one("#practical_activity", Checkbox).value,
                    "costs": list(self.query_one("#costs", SelectionList).selected),
                    "status": self.query_one("#status", Select).value,
                    "confirmed": True,  # looked at and saved by the consultant
                }
            )
        )
