"""The back office: every case from every consultant with its next deadline, filters for overdue
work, conflicts and one consultant, bundle import, and the CSV for the municipal case system."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.binding import Binding

from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.overview import CaseOverview
from inburgering_tui.services.conflicts import conflicted_cases
from inburgering_tui.tui.screens.case_list import CaseListScreen

CONFLICTS = "conflicts"


class BackOfficeScreen(CaseListScreen):
    FILTERS = ("all", "overdue", "due_soon", CONFLICTS)
    # The laptop's own actions (new case, bundle, receipt) are not the back office's.
    NEVER_OFFERED = ("new_case", "export_bundle", "read_receipt")
    BINDINGS = [
        Binding("i", "import_bundles", N_("Bundels importeren"), id="office.import"),
        Binding("f", "cycle_filter", N_("Filter"), id="office.filter"),
        Binding("k", "cycle_consultant", N_("Consulent"), id="office.consultant"),
        Binding("x", "export_csv", N_("CSV voor zaaksysteem"), id="office.csv"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.consultant: str | None = None
        self._conflicted: set[str] = set()

    def column_labels(self) -> list[tuple[str, str]]:
        return [*super().column_labels(), (_("Conflict"), "conflict")]

    def before_reload(self) -> None:
        self._conflicted = conflicted_cases(self.app.require_store())

    def extra_cells(self, item: CaseOverview) -> list[Text]:
        if item.case.id in self._conflicted:
            return [Text(_("conflict"), style="bold magenta")]
        return [Text("")]

    def filter_labels(self) -> list[str]:
        labels = [] if self.filter in ("all", CONFLICTS) else super().filter_labels()
        if self.filter == CONFLICTS:
            labels.append(_("met conflict"))
        if self.consultant is not None:
            labels.append(_("consulent {name}").format(name=self.consultant or "–"))
        return labels

    def _passes(self, item: CaseOverview, today: date, practice: LocalPractice) -> bool:
        if self.consultant is not None and item.case.consultant != self.consultant:
            return False
        if self.filter == CONFLICTS:
            return item.case.id in self._conflicted
        return super()._passes(item, today, practice)

    def action_cycle_consultant(self) -> None:
        """All consultants, then each one in turn."""
        store = self.app.require_store()
        names: list[str | None] = [None, *sorted({c.consultant for c in store.list_cases()})]
        position = names.index(self.consultant) if self.consultant in names else 0
        self.consultant = names[(position + 1) % len(names)]
        self.reload()

    def _open(self, case_id: str) -> None:
        from inburgering_tui.tui.screens.office_case import OfficeCaseScreen

        self.app.push_screen(OfficeCaseScreen(case_id))

    def action_import_bundles(self) -> None:
        from inburgering_tui.tui.dialogs.bundle_import import BundleImportDialog

        def imported(changed: bool | None) -> None:
            if changed:
                self.reload()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        from textual.widgets import Input

        if action in self.NEVER_OFFERED:
            return False
        if action in ("import_bundles", "cycle_consultant", "export_csv") and isinstance(
            self.focused, Input
        ):
            return False
        return super().check_action(action, parameters)
