"""The consultant's case list: search by name or V-nummer, sort, filter on deadlines, open,
create, write the bundle for the back office and read its receipt."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input

from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.case_table import CaseTable

# Letter keys that type into the search box while it has the focus.
LETTER_ACTIONS = (
    "new_case", "export_bundle", "read_receipt", "search", "cycle_sort", "cycle_filter",
)  # fmt: skip


class CaseListScreen(AppScreen[None]):
    WRITES = frozenset({"new_case", "export_bundle", "read_receipt"})
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

    @property
    def table(self) -> CaseTable:
        return self.query_one(CaseTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield CaseTable()
        yield KeyHints()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load, not two.
        self.table.reload()

    def refresh_language(self) -> None:
        self.table.refresh_language()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        # Letters type into the search box while it has focus.
        return not (action in LETTER_ACTIONS and isinstance(self.focused, Input))

    @on(CaseTable.Chosen)
    def _chosen(self, event: CaseTable.Chosen) -> None:
        self._open(event.case_id)

    def action_open_case(self) -> None:
        case_id = self.table.selected_id()
        if case_id is not None:
            self._open(case_id)

    def _open(self, case_id: str) -> None:
        from inburgering_tui.tui.screens.case import CaseScreen

        self.app.push_screen(CaseScreen(case_id))

    def action_new_case(self) -> None:
        from inburgering_tui.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen(None))

    def action_export_bundle(self) -> None:
        from inburgering_tui.tui.dialogs.bundle_export import BundleExportDialog

        self.app.push_screen(BundleExportDialog())

    def action_read_receipt(self) -> None:
        from inburgering_tui.tui.dialogs.receipt import ReceiptDialog

        def read(changed: bool | None) -> None:
            if changed:
                self.table.reload()

        self.app.push_screen(ReceiptDialog(), read)

    def action_search(self) -> None:
        self.table.focus_search()

    def action_clear_search(self) -> None:
        self.table.clear_search()

    def action_cycle_sort(self) -> None:
        self.table.cycle_sort()

    def action_cycle_filter(self) -> None:
        self.table.cycle_filter()
