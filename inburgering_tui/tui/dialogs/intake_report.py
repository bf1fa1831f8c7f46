"""Write the intake report from the case screen: the full record or a copy without health data,
rendered in a worker while a bar shows progress."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from inburgering_tui.export.intake_report_export import (
    ReportError,
    ReportResult,
    export_intake_report,
)
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_

FULL, WITHOUT_HEALTH = "full", "without_health"


class IntakeReportDialog(ModalScreen[Path | None]):
    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self, case_id: str) -> None:
        super().__init__(classes="dialog")
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
            yield ProgressBar(total=1.0, show_eta=False, id="report-progress")
            yield Label("", id="report-state", markup=False)
            yield Static(_("Enter: PDF maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one("#report-kind", OptionList)
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected, "#report-kind")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#report-state", Label).update(_("PDF maken..."))
        event.option_list.disabled = True  # a second Enter starts nothing
        self._export(without_health=event.option.id == WITHOUT_HEALTH)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pdf")
    def _export(self, *, without_health: bool) -> None:
        # Rendering takes a moment: never on the UI thread.
        app = self.app
        bar = self.query_one("#report-progress", ProgressBar)
        try:
            result = export_intake_report(
                app.require_store(),  # type: ignore[attr-defined]
                app.intake_form,  # type: ignore[attr-defined]
                app.settings,  # type: ignore[attr-defined]
                self.case_id,
                out=None,
                today=app.today(),  # type: ignore[attr-defined]
                without_health=without_health,
                progress=lambda done: app.call_from_thread(bar.update, progress=done),
            )
        except ReportError as exc:
            app.call_from_thread(self._failed, str(exc))
        else:
            app.call_from_thread(self._done, result)

    def _failed(self, reason: str) -> None:
        self.query_one("#report-state", Label).update(
            _("De PDF kon niet worden gemaakt: {reason}").format(reason=reason)
        )
        choices = self.query_one("#report-kind", OptionList)
        choices.disabled = False
        choices.focus()

    def _done(self, result: ReportResult) -> None:
        self.result = result
        self.query_one("#report-state", Label).update(
            _("Klaar: {path}").format(path=result.path.resolve())
        )
        self.query_one("#report-kind", OptionList).disabled = False  # the other kind may follow

    def action_close(self) -> None:
        self.dismiss(self.result.path if self.result else None)
