"""Write the intake report from the case screen: the full record or a copy without health data,
rendered by the dialog's work while a bar shows progress; Esc stops it before the file is
written."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inburgering_tui.export.intake_report_export import ReportResult, export_intake_report
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus

FULL, WITHOUT_HEALTH = "full", "without_health"


class IntakeReportDialog(WorkerDialog[Path | None]):
    """Dismissed with the last report written, or None."""

    WORK_FAILED = N_("De PDF kon niet worden gemaakt: {reason}")
    WORK_STOPPED = N_("Gestopt: er is geen PDF gemaakt.")

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.result: ReportResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Verslag brede intake als PDF"), classes="dialog-title")
            yield OptionList(
                Option(_("Volledig verslag, met gezondheid op aparte pagina's"), id=FULL),
                Option(_("Kopie zonder gezondheidsgegevens"), id=WITHOUT_HEALTH),
                id="report-kind",
            )
            yield WorkStatus("report")
            yield Static(_("Enter: PDF maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.choices.highlighted = 0
        self.choices.focus()

    @property
    def choices(self) -> OptionList:
        return self.query_one("#report-kind", OptionList)

    @on(OptionList.OptionSelected, "#report-kind")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        # Everything the work needs is read here, on the UI thread.
        app = self.app
        export = partial(
            export_intake_report,
            app.require_store(),
            app.intake_form,
            app.settings,
            self.case_id,
            out=None,
            today=app.today(),
            without_health=event.option.id == WITHOUT_HEALTH,
        )
        # Rendering takes a moment: never on the UI thread.
        self.start_work(
            lambda job: export(progress=job.progress, checkpoint=job.checkpoint),
            _("PDF maken..."),
        )

    def work_done(self, result: ReportResult) -> None:
        self.result = result
        self.say(_("Klaar: {path}").format(path=result.path.resolve()))
        self.ready_again()  # the other kind may follow

    def ready_again(self) -> None:
        super().ready_again()
        self.choices.focus()

    def outcome(self) -> Path | None:
        return self.result.path if self.result else None
