"""Write a sync bundle from the case list: a worker signs and encrypts it behind a progress bar."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from inburgering_tui.export.bundle import BundleWritten, NothingToExport, export_bundle
from inburgering_tui.export.pki import BACKOFFICE_CERT, CONSULTANT_P12, PKI_DIR, load_certificate
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.work import Job


class BundleExportDialog(WorkerDialog[BundleWritten | None]):
    WORK_FAILED = N_("De bundel kon niet worden gemaakt: {reason}")
    WORK_STOPPED = N_("Gestopt: er is geen bundel gemaakt en er is niets veranderd.")

    def __init__(self) -> None:
        super().__init__()
        self.written: BundleWritten | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Bundel voor de backoffice"), classes="dialog-title")
            yield Static(
                _(
                    "De zaken die sinds de vorige bundel zijn gewijzigd, ondertekend met uw "
                    "sleutel en versleuteld voor de backoffice. Niets wordt van deze laptop "
                    "verwijderd voordat de backoffice de ontvangst bevestigt."
                )
            )
            yield Checkbox(_("Alle zaken, ook ongewijzigde"), id="everything")
            yield Input(password=True, placeholder=_("Wachtwoordzin van uw sleutel"), id="key")
            yield WorkStatus("bundle")
            yield Static(_("Enter: bundel maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#key", Input).focus()

    @on(Input.Submitted, "#key")
    def _submitted(self, event: Input.Submitted) -> None:
        app = self.app
        pki = app.vault.home / PKI_DIR
        export = partial(
            export_bundle,
            app.require_store(),
            consultant_p12=pki / CONSULTANT_P12,
            key_passphrase=event.value,
            out_dir=app.settings.exports_dir,
            everything=self.query_one("#everything", Checkbox).value,
        )

        def work(job: Job) -> BundleWritten | None:
            try:
                return export(
                    recipient=load_certificate(pki / BACKOFFICE_CERT),
                    progress=job.progress,
                    checkpoint=job.checkpoint,
                )
            except NothingToExport:
                return None  # not a failure: there is simply nothing to send

        self.start_work(work, _("Bundel maken..."))

    def work_done(self, result: BundleWritten | None) -> None:
        if result is None:
            self.say(_("Er is niets gewijzigd sinds de vorige bundel."))
            self.ready_again()
            self.query_one("#everything", Checkbox).focus()  # "all cases" is the way on
            return
        self.written = result
        self.say(
            ngettext(
                "Klaar: {n} zaak in {path}", "Klaar: {n} zaken in {path}", result.cases
            ).format(n=result.cases, path=result.path.resolve())
        )

    def outcome(self) -> BundleWritten | None:
        return self.written
