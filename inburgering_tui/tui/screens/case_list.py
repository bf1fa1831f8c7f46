"""The case list: search by name or V-nummer, sort, open, create."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from inburgering_tui.domain.intake import IntakeWalk
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import doelgroep_label, facts_for, progress_label, show_date

SORTS = ("name", "updated", "created", "koppeling")
SORT_LABELS = {
    "name": N_("naam"),
    "updated": N_("laatst gewijzigd"),
    "created": N_("nieuwste eerst"),
    "koppeling": N_("koppelingsdatum"),
}


class CaseListScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new_case", N_("Nieuwe zaak"), id="cases.new"),
        Binding("slash", "search", N_("Zoeken"), id="cases.search"),
        Binding("s", "cycle_sort", N_("Sorteren"), id="cases.sort"),
        Binding("enter", "open_case", N_("Openen"), id="cases.open", show=False),
        Binding("escape", "clear_search", N_("Zoekterm wissen"), id="cases.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="cases")
        self.sort = "name"
        self.search_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Zoek op naam of V-nummer"), id="case-search")
        yield Static("", id="case-count")
        yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)
        yield KeyHints()

    def on_mount(self) -> None:
        self._columns()
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def refresh_language(self) -> None:
        self.query_one("#case-search", Input).placeholder = _("Zoek op naam of V-nummer")
        self._columns()
        self.reload()

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label, key in (
            (_("Naam"), "name"),
            (_("V-nummer"), "v"),
            (_("Doelgroep"), "doelgroep"),
            (_("Koppeling"), "koppeling"),
            (_("Intake"), "intake"),
            (_("Consulent"), "consultant"),
        ):
            table.add_column(label, key=key)

    def reload(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        if store is None:
            return
        form = self.app.intake_form  # type: ignore[attr-defined]
        today = self.app.today()  # type: ignore[attr-defined]
        cases = store.list_cases(self.search_text, self.sort)
        summaries = store.intake_summaries(form.id)
        table = self.query_one(DataTable)
        selected = self._selected_id()
        table.clear()
        for case in cases:
            summary = summaries.get(case.id, {"answers": {}, "skipped": {}})
            walk = IntakeWalk(form, facts_for(case, today), summary["answers"], summary["skipped"])
            table.add_row(
                f"{case.family_name}, {case.given_names}",
                case.v_nummer or "–",
                doelgroep_label(case.doelgroep),
                show_date(case.koppelingsdatum),
                progress_label(walk),
                case.consultant or "–",
                key=case.id,
            )
        if selected is not None and selected in {c.id for c in cases}:
            table.move_cursor(row=table.get_row_index(selected))
        count = ngettext(
            "{n} zaak, gesorteerd op {sort}", "{n} zaken, gesorteerd op {sort}", len(cases)
        ).format(n=len(cases), sort=_(SORT_LABELS[self.sort]))
        self.query_one("#case-count", Static).update(count)

    def _selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    @on(Input.Changed, "#case-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self.reload()

    @on(Input.Submitted, "#case-search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open_case(self) -> None:
        case_id = self._selected_id()
        if case_id is not None:
            self._open(case_id)

    def _open(self, case_id: str) -> None:
        from inburgering_tui.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(case_id))

    def action_new_case(self) -> None:
        from inburgering_tui.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen(None))

    def action_search(self) -> None:
        self.query_one("#case-search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#case-search", Input)
        search.value = ""
        self.query_one(DataTable).focus()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Letters type into the search box while it has focus.
        return not (
            action in ("new_case", "cycle_sort", "search") and isinstance(self.focused, Input)
        )
