"""Write the PIP PDF from the screen: a worker renders and signs it while a bar shows progress."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Static

from inburgering_tui.export.pip_export import ExportError, ExportResult, export_pip
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import hold_input


class ExportPdfDialog(AppModal[Path | None]):
    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self, case_id: str, *, needs_key: bool) -> None:
        super().__init__(classes="dialog")
        self.case_id = case_id
        self.needs_key = needs_key
        self.result: ExportResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("PIP als PDF"), classes="dialog-title")
            if self.needs_key:
                yield Static(_("Het PIP is vastgesteld: de PDF wordt ondertekend met uw sleutel."))
                yield Input(password=True, placeholder=_("Wachtwoordzin van uw sleutel"), id="key")
            else:
                yield Static(
                    _(
                        "Het PIP is nog niet vastgesteld: de PDF wordt een CONCEPT, niet ondertekend."
                    )
                )
            yield ProgressBar(total=1.0, show_eta=False, id="pdf-progress")
            yield Label("", id="pdf-state", markup=False)
            yield Static(_("Enter: PDF maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        if self.needs_key:
            self.query_one("#key", Input).focus()
        else:
            self._start("")

    @on(Input.Submitted, "#key")
    def _submitted(self, event: Input.Submitted) -> None:
        self._start(event.value)

    def _start(self, passphrase: str) -> None:
        self.query_one("#pdf-state", Label).update(_("PDF maken..."))
        hold_input(self, True)
        self._export(passphrase)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pdf")
    def _export(self, passphrase: str) -> None:
        # Rendering and signing take seconds: never on the UI thread.
        app = self.app
        bar = self.query_one("#pdf-progress", ProgressBar)
        try:
            result = export_pip(
                app.require_store(),
                app.intake_form,
                app.settings,
                self.case_id,
                home=app.vault.home,
                out=None,
                today=app.today(),
                key_passphrase=lambda: passphrase,
                progress=lambda done: app.call_from_thread(bar.update, progress=done),
            )
        except ExportError as exc:
            app.call_from_thread(self._failed, str(exc))
        else:
            app.call_from_thread(self._done, result)

    def _failed(self, reason: str) -> None:
        self.query_one("#pdf-state", Label).update(
            _("De PDF kon niet worden gemaakt: {reason}").format(reason=reason)
        )
        hold_input(self, False)
        for field in self.query(Input):
            field.value = ""
            field.focus()

    def _done(self, result: ExportResult) -> None:
        self.result = result
        self.query_one("#pdf-state", Label).update(
            _("Klaar: {path}").format(path=result.path.resolve())
        )

    def action_close(self) -> None:
        self.dismiss(self.result.path if self.result else None)
