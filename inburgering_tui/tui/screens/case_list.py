"""The case list: search by name or V-nummer, sort, filter on deadlines, open, create."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from inburgering_tui.domain.deadlines import Deadline, LocalPractice, Status, is_due_soon
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.overview import CaseOverview, case_overviews
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import doelgroep_label, progress_label, show_date

SORTS = ("name", "updated", "created", "koppeling")
SORT_LABELS = {
    "name": N_("naam"),
    "updated": N_("laatst gewijzigd"),
    "created": N_("nieuwste eerst"),
    "koppeling": N_("koppelingsdatum"),
}
SEARCH_DELAY = 0.25  # seconds after the last key before the list is searched
FILTERS = ("all", "overdue", "due_soon")
FILTER_LABELS = {
    "all": N_("alle zaken"),
    "overdue": N_("termijn verlopen"),
    "due_soon": N_("termijn verloopt binnenkort"),
}


class CaseListScreen(AppScreen[None]):
    WRITES = frozenset({"new_case", "export_bundle", "read_receipt"})
    FILTERS: tuple[str, ...] = FILTERS
    BINDINGS = [
        Binding("n", "new_case", N_("Nieuwe zaak"), id="cases.new"),
        Binding("b", "export_bundle", N_("Bundel voor backoffice"), id="cases.bundle"),
        Binding("o", "read_receipt", N_("Ontvangstbewijs inlezen"), id="cases.receipt"),
        Binding("slash", "search", N_("Zoeken"), id="cases.search"),
        Binding("s", "cycle_sort", N_("Sorteren"), id="cases.sort"),
        Binding("f", "cycle_filter", N_("Filter termijnen"), id="cases.filter"),
        Binding("enter", "open_case", N_("Openen"), id="cases.open", show=False),
        Binding("escape", "clear_search", N_("Zoekterm wissen"), id="cases.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="cases")
        self.sort = "name"
        self.filter = "all"
        self.search_text = ""
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=_("Zoek op naam of V-nummer"), id="case-search")
        yield Static("", id="case-count", markup=False)
        yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)
        yield KeyHints()

    def on_mount(self) -> None:
        self._columns()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load, not two.
        self.reload()

    def refresh_language(self) -> None:
        self.query_one("#case-search", Input).placeholder = _("Zoek op naam of V-nummer")
        self._columns()
        self.reload()

    def column_labels(self) -> list[tuple[str, str]]:
        return [
            (_("Naam"), "name"),
            (_("V-nummer"), "v"),
            (_("Doelgroep"), "doelgroep"),
            (_("Koppeling"), "koppeling"),
            (_("Intake"), "intake"),
            (_("Volgende termijn"), "deadline"),
            (_("Consulent"), "consultant"),
        ]

    def extra_cells(self, item: CaseOverview) -> list[Text]:
        """Cells after the standard ones, for screens that add columns."""
        return []

    def _columns(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for label, key in self.column_labels():
            table.add_column(label, key=key)

    def reload(self) -> None:
        app = self.app
        store = app.store
        if store is None:
            return
        today = app.today()
        practice = app.settings.local_practice
        form = app.intake_form
        self.before_reload()
        overviews = case_overviews(
            store, form, today, practice, search=self.search_text, sort=self.sort
        )
        shown = [item for item in overviews if self._passes(item, today, practice)]
        table = self.query_one(DataTable)
        selected = self._selected_id()
        table.clear()
        for item in shown:
            case = item.case
            cells = (
                f"{case.family_name}, {case.given_names}",
                case.v_nummer or "–",
                doelgroep_label(case.doelgroep),
                show_date(case.koppelingsdatum),
                progress_label(item.walk),
            )
            # Text, not markup: a name may contain "[" and must show as typed.
            table.add_row(
                *(Text(cell) for cell in cells),
                self._deadline_cell(item.next_deadline, today, practice),
                Text(case.consultant or "–"),
                *self.extra_cells(item),
                key=case.id,
            )
        if selected is not None and selected in {item.case.id for item in shown}:
            table.move_cursor(row=table.get_row_index(selected))
        count = ngettext(
            "{n} zaak, gesorteerd op {sort}", "{n} zaken, gesorteerd op {sort}", len(shown)
        ).format(n=len(shown), sort=_(SORT_LABELS[self.sort]))
        for label in self.filter_labels():
            count += " · " + label
        self.query_one("#case-count", Static).update(count)

    def before_reload(self) -> None:
        """Read what extra_cells and _passes need, once per reload."""

    def filter_labels(self) -> list[str]:
        return [] if self.filter == "all" else [_(FILTER_LABELS[self.filter])]

    def _passes(self, item: CaseOverview, today: date, practice: LocalPractice) -> bool:
        if self.filter == "all":
            return True
        if self.filter == "overdue":
            return any(d.status == Status.OVERDUE for d in item.deadlines)
        return any(is_due_soon(d, today, practice) for d in item.deadlines)

    def _deadline_cell(
        self, deadline: Deadline | None, today: date, practice: LocalPractice
    ) -> Text:
        if deadline is None or deadline.due is None:
            return Text("–")
        text = f"{show_date(deadline.due)} {deadline.rule} {_(deadline.title)}"
        if deadline.status == Status.OVERDUE:
            return Text(text, style="bold red")
        if is_due_soon(deadline, today, practice):
            return Text(text, style="bold yellow")
        return Text(text)

    def _selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    @on(Input.Changed, "#case-search")
    def _search_changed(self, event: Input.Changed) -> None:
        # Each reload computes progress and deadlines of every match: wait for a typing pause.
        self.search_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.reload)

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

    def action_cycle_filter(self) -> None:
        self.filter = self.FILTERS[(self.FILTERS.index(self.filter) + 1) % len(self.FILTERS)]
        self.reload()

    def action_export_bundle(self) -> None:
        from inburgering_tui.tui.dialogs.bundle_export import BundleExportDialog

        self.app.push_screen(BundleExportDialog())

    def action_read_receipt(self) -> None:
        from inburgering_tui.tui.dialogs.receipt import ReceiptDialog

        def read(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(ReceiptDialog(), read)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        # Letters type into the search box while it has focus.
        return not (
            action in ("new_case", "cycle_sort", "search", "export_bundle", "read_receipt")
            and isinstance(self.focused, Input)
        )
