"""The back office: every case from every consultant with its next deadline, filters for overdue
work, conflicts and one consultant, bundle import, and the CSV for the municipal case system.

It shows the same table of cases as the consultant's list and binds only its own keys: no new
case, no bundle to write, no receipt to read."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.conflicts import conflicted_cases
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.case_table import CaseFlag, CaseTable

CONFLICTS = CaseFlag(
    key="conflicts",
    column=N_("Conflict"),
    word=N_("conflict"),
    filter_label=N_("met conflict"),
    read=conflicted_cases,
)
# Letter keys that type into the search box while it has the focus.
LETTER_ACTIONS = (
    "import_bundles", "cycle_consultant", "export_csv", "search", "cycle_sort", "cycle_filter",
)  # fmt: skip


class BackOfficeScreen(AppScreen[None]):
    WRITES = frozenset({"import_bundles"})
    BINDINGS = [
        Binding("i", "import_bundles", N_("Bundels importeren"), id="office.import"),
        Binding("slash", "search", N_("Zoeken"), id="cases.search"),
        Binding("s", "cycle_sort", N_("Sorteren"), id="cases.sort"),
        Binding("f", "cycle_filter", N_("Filter"), id="office.filter"),
        Binding("k", "cycle_consultant", N_("Consulent"), id="office.consultant"),
        Binding("x", "export_csv", N_("CSV voor zaaksysteem"), id="office.csv"),
        Binding("enter", "open_case", N_("Openen"), id="cases.open", show=False),
        Binding("escape", "clear_search", N_("Zoekterm wissen"), id="cases.clear", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="office")

    @property
    def table(self) -> CaseTable:
        return self.query_one(CaseTable)

    def compose(self) -> ComposeResult:
        yield Header()
        yield CaseTable(flag=CONFLICTS)
        yield KeyHints()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown, and after a conflict was resolved.
        self.table.reload()

    def refresh_language(self) -> None:
        self.table.refresh_language()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in LETTER_ACTIONS and isinstance(self.focused, Input))

    @on(CaseTable.Chosen)
    def _chosen(self, event: CaseTable.Chosen) -> None:
        self._open(event.case_id)

    def action_open_case(self) -> None:
        case_id = self.table.selected_id()
        if case_id is not None:
            self._open(case_id)

    def _open(self, case_id: str) -> None:
        from inburgering_tui.tui.screens.office_case import OfficeCaseScreen

        self.app.push_screen(OfficeCaseScreen(case_id))

    def action_search(self) -> None:
        self.table.focus_search()

    def action_clear_search(self) -> None:
        self.table.clear_search()

    def action_cycle_sort(self) -> None:
        self.table.cycle_sort()

    def action_cycle_filter(self) -> None:
        self.table.cycle_filter()

    def action_cycle_consultant(self) -> None:
        self.table.cycle_consultant()

    def action_import_bundles(self) -> None:
        from inburgering_tui.tui.dialogs.bundle_import import BundleImportDialog

        def imported(changed: bool | None) -> None:
            if changed:
                self.table.reload()

        self.app.push_screen(BundleImportDialog(), imported)

    def action_export_csv(self) -> None:
        from inburgering_tui.case_export import write_cases_csv
        from inburgering_tui.private_files import make_folders, private_opener

        app = self.app
        today = app.today()
        folder = app.settings.exports_dir
        make_folders(folder)
        path = folder / f"zaken-{today:%Y%m%d}.csv"
        with open(path, "w", newline="", encoding="utf-8-sig", opener=private_opener) as out:
            count = write_cases_csv(
                app.require_store(),
                app.intake_form,
                today,
                app.settings.local_practice,
                out,
            )
        self.notify(_("{n} zaken geschreven naar {path}").format(n=count, path=path.resolve()))
