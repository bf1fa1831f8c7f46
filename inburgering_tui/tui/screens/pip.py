"""The PIP with its four themes: fields and afspraken, saved as a draft the moment they are valid.

A set version is shown read-only; changing it makes a new version with a reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import (
    Checkbox,
    DataTable,
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from inburgering_tui.domain.answers import format_date, format_hours
from inburgering_tui.domain.leerroute import LEERROUTE_LABELS
from inburgering_tui.domain.pip import (
    KIND_LABELS,
    RESPONSIBLE,
    STATUS,
    THEME_LABELS,
    Afspraak,
    Kind,
    Missing,
    PipContent,
    Theme,
    ontzorgen_applies,
)
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.pip_workflow import (
    DATE_FIELDS,
    TEXT_FIELDS,
    PipVersion,
    PipWorkflow,
    check_fields,
)
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.afspraak import AfspraakDialog
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.export_pdf import ExportPdfDialog
from inburgering_tui.tui.dialogs.missing import MissingDialog
from inburgering_tui.tui.dialogs.reason import ReasonDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import show_date
from inburgering_tui.tui.widgets.field import LabelledField

SAVE_DELAY = 0.4


class PipScreen(AppScreen[None]):
    WRITES = frozenset({"add_afspraak", "remove_afspraak", "amend", "pdf", "review"})
    BINDINGS = [
        Binding("f2", "add_afspraak", N_("Afspraak +"), id="pip.add"),
        Binding("f3", "check", N_("Controleren"), id="pip.check"),
        Binding("f4", "review", N_("Bekijken en vaststellen"), id="pip.review"),
        Binding("f6", "amend", N_("Nieuwe versie"), id="pip.amend"),
        Binding("f7", "pdf", N_("PDF"), id="pip.pdf"),
        Binding(
            "ctrl+right", "next_theme", N_("Volgend thema"), id="pip.next_theme", priority=True
        ),
        Binding(
            "ctrl+left", "previous_theme", N_("Vorig thema"), id="pip.previous_theme", priority=True
        ),
        Binding("delete", "remove_afspraak", N_("Afspraak weg"), id="pip.remove"),
        Binding("escape", "back", N_("Terug"), id="pip.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(id="pip")
        self.case_id = case_id
        self.version: PipVersion | None = None
        self.content = PipContent()
        self._timer: Timer | None = None
        self._loading = False

    # -- data --------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.version is not None and self.version.status == "draft"

    def _workflow(self) -> PipWorkflow:
        return self.app.pip_workflow(self.case_id)

    def _load(self) -> None:
        self.workflow = self._workflow()
        self.pip_context, self.advice = self.workflow.context, self.workflow.advice
        self.version, self.versions = self.workflow.open()
        self.content = PipContent.model_validate(self.version.content)

    # -- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pip-title", classes="screen-title", markup=False)
        yield Static("", id="pip-advice", markup=False)
        with TabbedContent(id="themes"):
            with (
                TabPane(_(THEME_LABELS[Theme.INBURGERING]), id="tab-inburgering"),
                VerticalScroll(),
            ):
                options = [(_(label), route.value) for route, label in LEERROUTE_LABELS.items()]
                yield LabelledField(_("Leerroute"), Select(options, id="leerroute"), required=True)
                yield Checkbox(_("Met alfabetisering"), id="alfabetisering")
                yield LabelledField(
                    _("Reden als de keuze afwijkt van het advies"), Input(id="deviation_reason")
                )
                yield LabelledField(
                    _("Taalniveau dat de persoon wil halen"),
                    Input(id="target_level"),
                    required=True,
                )
                yield LabelledField(_("Taalaanbieder"), Input(id="provider"), required=True)
                yield LabelledField(
                    _("Intensiteit (uren per week)"),
                    Input(id="intensity_hours_week"),
                    required=True,
                )
                yield DataTable(id="afspraken-inburgering", cursor_type="row", classes="afspraken")
            with (
                TabPane(_(THEME_LABELS[Theme.PARTICIPATIE]), id="tab-participatie"),
                VerticalScroll(),
            ):
                yield Static(
                    _(
                        "PVT, MAP, Z-route-uren en VVE. F2 voegt een afspraak toe; Enter opent er een."
                    ),
                    classes="hint",
                )
                yield DataTable(id="afspraken-participatie", cursor_type="row", classes="afspraken")
            with TabPane(_(THEME_LABELS[Theme.ONTZORGEN]), id="tab-ontzorgen"), VerticalScroll():
                yield Static("", id="ontzorgen-note", markup=False)
                yield LabelledField(
                    _("Evaluatie ontzorgen op"),
                    Input(placeholder="dd-mm-jjjj", id="ontzorgen_evaluation"),
                )
                yield LabelledField(
                    _("Reden voor verlengen of korter dan 6 maanden"),
                    Input(id="ontzorgen_extension_reason"),
                )
                yield DataTable(id="afspraken-ontzorgen", cursor_type="row", classes="afspraken")
            with (
                TabPane(_(THEME_LABELS[Theme.BEGELEIDING]), id="tab-begeleiding"),
                VerticalScroll(),
            ):
                yield LabelledField(_("Contactpersoon"), Input(id="contact_person"), required=True)
                yield LabelledField(
                    _("Voortgangsgesprekken per jaar"),
                    Input(id="progress_talks_per_year"),
                    required=True,
                )
                yield LabelledField(
                    _("Wacht op informatie van een derde sinds"),
                    Input(placeholder="dd-mm-jjjj", id="waiting_since"),
                )
                yield LabelledField(
                    _("Informatie ontvangen op"),
                    Input(placeholder="dd-mm-jjjj", id="info_received"),
                )
                yield DataTable(id="afspraken-begeleiding", cursor_type="row", classes="afspraken")
        yield Static("", id="pip-state", markup=False)
        yield Static("", id="pip-history", markup=False)
        yield KeyHints()

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_first_in_pane)

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load, not two.
        self._load()
        self._fill()

    def _fill(self) -> None:
        self._loading = True
        c = self.content
        version = self.version
        assert version is not None
        state = (
            _("concept")
            if version.status == "draft"
            else _("vastgesteld op {date}").format(date=show_date(version.dagtekening))
        )
        self.query_one("#pip-title", Static).update(
            _("PIP versie {n} ({state})").format(n=version.number, state=state)
        )
        advice = self.advice
        lines = [
            _("Advies leerroute: {route}").format(
                route=_(LEERROUTE_LABELS[advice.route])
                + (" + " + _("alfabetisering") if advice.alfabetisering else "")
            )
        ]
        lines += [f"  {f.rule}: {_(f.msgid).format(**f.params)}" for f in advice.fired]
        lines += [f"  ⚑ {f.rule}: {_(f.msgid).format(**f.params)}" for f in advice.flags]
        self.query_one("#pip-advice", Static).update("\n".join(lines))
        self.query_one("#leerroute", Select).value = (
            c.leerroute.value if c.leerroute else Select.NULL
        )
        self.query_one("#alfabetisering", Checkbox).value = c.alfabetisering
        for name in TEXT_FIELDS:
            self.query_one(f"#{name}", Input).value = getattr(c, name)
        self.query_one("#intensity_hours_week", Input).value = format_hours(c.intensity_hours_week)
        self.query_one("#progress_talks_per_year", Input).value = str(c.progress_talks_per_year)
        for name in DATE_FIELDS:
            self.query_one(f"#{name}", Input).value = format_date(getattr(c, name))
        self.query_one("#ontzorgen-note", Static).update(
            _("Ontzorgen: asielstatushouder met bijstand (Pw 56a).")
            if ontzorgen_applies(self.pip_context)
            else _("Ontzorgen is niet van toepassing: alleen voor asielstatushouders met bijstand.")
        )
        for widget in self.query("Input, Select, Checkbox"):
            widget.disabled = not self.editable
        self._fill_tables()
        history = [
            f"v{v.number} · "
            + (
                _("vastgesteld {date}").format(date=show_date(v.dagtekening))
                if v.status == "set"
                else _("concept")
            )
            + (f" · {_(v.reason)}" if v.reason else "")
            for v in self.versions
        ]
        self.query_one("#pip-history", Static).update(_("Versies") + ": " + "  |  ".join(history))
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False

    def _fill_tables(self) -> None:
        for theme in Theme:
            table = self.query_one(f"#afspraken-{theme.value}", DataTable)
            table.clear(columns=True)
            table.add_columns(
                _("Afspraak"), _("Wie"), _("Van"), _("Tot"), _("Uren"), _("Status"), _("Basis")
            )
            for a in self.content.of_theme(theme):
                style = "" if a.confirmed else "italic yellow"
                label = _(KIND_LABELS[a.kind]) + (f": {a.description}" if a.description else "")
                if not a.confirmed:
                    label = "? " + label
                who = a.partner or _(RESPONSIBLE.get(a.responsible, a.responsible))
                table.add_row(
                    Text(label, style=style),
                    Text(who, style=style),
                    show_date(a.start),
                    show_date(a.end),
                    # Hours done so far against the agreed total, e.g. "5/12".
                    "/".join(
                        format_hours(h) for h in (a.hours_logged, a.hours_total) if h is not None
                    ),
                    _(STATUS.get(a.status, a.status)),
                    a.legal_basis + (" · W 23" if a.fineable else ""),
                    key=a.id,
                )

    # -- editing -----------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        if self._loading or not self.editable:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self._save_fields)

    def _raw_fields(self) -> dict[str, Any]:
        route = self.query_one("#leerroute", Select).value
        raw: dict[str, Any] = {
            "leerroute": None if route is Select.NULL else str(route),
            "alfabetisering": self.query_one("#alfabetisering", Checkbox).value,
        }
        for name in (*TEXT_FIELDS, *DATE_FIELDS, "intensity_hours_week", "progress_talks_per_year"):
            raw[name] = self.query_one(f"#{name}", Input).value
        return raw

    def _save_fields(self) -> None:
        checked = check_fields(self._raw_fields())
        for field in self.query(LabelledField):
            field.show_error(checked.errors.get(str(field.control.id), ""))
        if checked.errors:
            self.query_one("#pip-state", Static).update(
                "✘ " + _("Niet opgeslagen: verbeter de velden in rood")
            )
            return
        self.content = self.content.model_copy(update=checked.values)
        self._store_content()

    def _store_content(self) -> None:
        assert self.version is not None
        self.version = self.workflow.save(self.content)
        self.query_one("#pip-state", Static).update("✔ " + _("Concept opgeslagen"))

    def _current_theme(self) -> Theme:
        active = self.query_one(TabbedContent).active or "tab-inburgering"
        return Theme(active.removeprefix("tab-"))

    def action_add_afspraak(self) -> None:
        if not self.editable:
            return
        theme = self._current_theme()
        default = {Theme.INBURGERING: Kind.LES, Theme.PARTICIPATIE: Kind.PVT,
                   Theme.ONTZORGEN: Kind.ONTZORGEN, Theme.BEGELEIDING: Kind.BEGELEIDING}[theme]  # fmt: skip
        self._edit_afspraak(theme, Afspraak(id=uuid.uuid4().hex[:12], kind=default))

    def _edit_afspraak(self, theme: Theme, afspraak: Afspraak) -> None:
        def saved(result: Afspraak | None) -> None:
            if result is None:
                return
            # Replaced where it stood, so the table keeps its order and the cursor its row.
            afspraken = list(self.content.afspraken)
            ids = [a.id for a in afspraken]
            if result.id in ids:
                afspraken[ids.index(result.id)] = result
            else:
                afspraken.append(result)
            self.content = self.content.model_copy(update={"afspraken": afspraken})
            self._store_content()
            table = self.query_one(f"#afspraken-{theme.value}", DataTable)
            row = table.cursor_row
            self._fill_tables()
            table.move_cursor(row=row)

        self.app.push_screen(AfspraakDialog(theme, afspraak), saved)

    @on(DataTable.RowSelected, ".afspraken")
    def _open_afspraak(self, event: DataTable.RowSelected) -> None:
        if not self.editable:
            return
        chosen = next((a for a in self.content.afspraken if a.id == event.row_key.value), None)
        if chosen is not None:
            self._edit_afspraak(self._current_theme(), chosen)

    def action_remove_afspraak(self) -> None:
        table = self.focused
        if not self.editable or not isinstance(table, DataTable) or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

        def remove(yes: bool | None) -> None:
            if yes:
                kept = [a for a in self.content.afspraken if a.id != key]
                self.content = self.content.model_copy(update={"afspraken": kept})
                self._store_content()
                self._fill_tables()

        self.app.push_screen(
            ConfirmDialog(_("Deze afspraak weghalen?"), _("Weghalen"), _("Houden")), remove
        )

    # -- checking, reviewing, amending --------------------------------------------------------

    def missing(self) -> list[Missing]:
        self._save_fields_now()
        return self.workflow.missing(self.content)

    def _save_fields_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            if self.editable:
                self._save_fields()

    def action_check(self) -> None:
        found = self.missing()
        if not found:
            self.notify(_("Het PIP is compleet."))
            return

        def jump(item: Missing | None) -> None:
            if item is not None:
                self.jump_to(item)

        self.app.push_screen(MissingDialog(found), jump)

    def jump_to(self, item: Missing) -> None:
        self.query_one(TabbedContent).active = f"tab-{item.theme.value}"
        if item.target.startswith("afspraak:"):
            table = self.query_one(f"#afspraken-{item.theme.value}", DataTable)
            wanted = item.target.removeprefix("afspraak:")
            for row, a in enumerate(self.content.of_theme(item.theme)):
                if a.id == wanted or a.kind.value == wanted:
                    table.move_cursor(row=row)
                    break
            self.call_after_refresh(table.focus)
        else:
            self.call_after_refresh(self.query_one(f"#{item.target}").focus)

    def action_review(self) -> None:
        if not self.editable:
            self.notify(_("Deze versie is al vastgesteld."), severity="warning")
            return
        if self.missing():
            self.action_check()
            return
        from inburgering_tui.tui.screens.pip_review import PipReviewScreen

        assert self.version is not None
        self.app.push_screen(PipReviewScreen(self.case_id, self.version.id))

    def action_pdf(self) -> None:
        """The current version as a PDF: signed when it is set, a CONCEPT while it is a draft."""
        self._save_fields_now()
        self.app.push_screen(ExportPdfDialog(self.case_id, needs_key=not self.editable))

    def action_amend(self) -> None:
        if self.editable:
            self.notify(_("Er is al een conceptversie."), severity="warning")
            return

        def amend(reason: str | None) -> None:
            if reason:
                self.workflow.amend(reason)
                self._load()
                self._fill()
                self.query_one(TabbedContent).active = "tab-inburgering"
                self.call_after_refresh(self._focus_first_in_pane)

        self.app.push_screen(ReasonDialog(_("Waarom een nieuwe versie van het PIP?")), amend)

    def action_next_theme(self) -> None:
        self._step_theme(1)

    def action_previous_theme(self) -> None:
        self._step_theme(-1)

    def _step_theme(self, step: int) -> None:
        themes = list(Theme)
        index = (themes.index(self._current_theme()) + step) % len(themes)
        self.query_one(TabbedContent).active = f"tab-{themes[index].value}"
        self.call_after_refresh(self._focus_first_in_pane)

    def _focus_first_in_pane(self) -> None:
        pane = self.query_one(f"#tab-{self._current_theme().value}", TabPane)
        focusable = [w for w in pane.query("Input, Select, Checkbox, DataTable") if w.focusable]
        if focusable:
            focusable[0].focus()

    def action_back(self) -> None:
        self._save_fields_now()
        self.dismiss()
