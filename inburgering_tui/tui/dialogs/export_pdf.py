"""Write the PIP PDF from the screen: a worker renders and signs it while a bar shows progress."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from inburgering_tui.export.pip_export import ExportResult, export_pip
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus


class ExportPdfDialog(WorkerDialog[Path | None]):
    # Without a key to type there is no Input: Enter on the dialog itself tries again.
    BINDINGS = [Binding("enter", "again", show=False)]
    WORK_FAILED = N_("De PDF kon niet worden gemaakt: {reason}")
    WORK_STOPPED = N_("Gestopt: er is geen PDF gemaakt.")

    def __init__(self, case_id: str, *, needs_key: bool) -> None:
        super().__init__()
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
            yield WorkStatus("pdf")
            yield Static(_("Enter: PDF maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        if self.needs_key:
            self.query_one("#key", Input).focus()
        else:
            self._start("")

    @on(Input.Submitted, "#key")
    def _submitted(self, event: Input.Submitted) -> None:
        self._start(event.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "again":
            return not (self.needs_key or self.busy or self.result)
        return super().check_action(action, parameters)

    def action_again(self) -> None:
        self._start("")

    def _start(self, passphrase: str) -> None:
        # Everything the thread needs is read here, on the UI thread.
        app = self.app
        export = partial(
            export_pip,
            app.require_store(),
            app.intake_form,
            app.settings,
            self.case_id,
            home=app.vault.home,
            out=None,
            today=app.today(),
            key_passphrase=lambda: passphrase,
        )
        # Rendering and signing take seconds: never on the UI thread.
        self.start_work(
            lambda job: export(progress=job.progress, checkpoint=job.checkpoint),
            _("PDF maken..."),
        )

    def work_done(self, result: ExportResult) -> None:
        self.result = result
        self.say(_("Klaar: {path}").format(path=result.path.resolve()))

    def outcome(self) -> Path | None:
        return self.result.path if self.result else None
