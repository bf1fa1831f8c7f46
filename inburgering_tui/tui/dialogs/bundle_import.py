"""Import sync bundles in the back office: a file or a folder of them, verified and applied by a
worker behind a progress bar, then a summary per file (new, updated, unchanged, conflicts)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from inburgering_tui.export.bundle import FileOutcome, bundle_files, import_files
from inburgering_tui.export.pki import BACKOFFICE_P12, CA_CERT, PKI_DIR, load_certificate
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.office_sync import CONFLICT, NEW, UNCHANGED, UPDATED
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.widgets.field import LabelledField
from inburgering_tui.tui.work import Job


class BundleImportDialog(WorkerDialog[bool]):
    WORK_FAILED = N_("Niet geïmporteerd: {reason}")
    # Each bundle is applied in a transaction of its own, so a stop between two keeps the first.
    WORK_STOPPED = N_(
        "Gestopt. Bundels die al helemaal waren geïmporteerd, blijven dat; "
        "de rest is niet veranderd en kan opnieuw worden geïmporteerd."
    )

    def __init__(self) -> None:
        super().__init__()
        self.imported = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Bundels importeren"), classes="dialog-title")
            yield LabelledField(_("Bundel of map met bundels"), Input(id="path"), required=True)
            yield LabelledField(
                _("Wachtwoordzin van de backofficesleutel"),
                Input(password=True, id="key"),
                required=True,
            )
            yield WorkStatus("import")
            yield Static(_("Enter: importeren · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def _path_done(self) -> None:
        self.query_one("#key", Input).focus()

    @on(Input.Submitted, "#key")
    def _submitted(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        path = Path(raw).expanduser()
        fields = {field.control.id: field for field in self.query(LabelledField)}
        problem = ""
        if not raw:
            problem = _("Vul een bestand of map in.")
        elif not path.exists():
            problem = _("Dit bestand of deze map bestaat niet.")
        elif not bundle_files([path]):
            problem = _("In deze map staan geen bundels (*.p7m).")
        fields["path"].show_error(problem)
        if problem:
            self.query_one("#path", Input).focus()
            return
        app = self.app
        pki = app.vault.home / PKI_DIR
        batch = partial(
            import_files,
            app.require_store(),
            [path],
            office_p12=pki / BACKOFFICE_P12,
            passphrase=self.query_one("#key", Input).value,
            receipts_dir=app.settings.exports_dir,
        )

        def work(job: Job) -> list[FileOutcome]:
            ca = load_certificate(pki / CA_CERT)
            return batch(ca=ca, progress=job.progress, checkpoint=job.checkpoint)

        self.start_work(work, _("Bundels controleren en importeren..."))

    def work_stopped(self) -> None:
        self.imported = True  # some bundles may be in: the list behind reloads
        super().work_stopped()

    def work_done(self, outcomes: list[FileOutcome]) -> None:
        lines = []
        for outcome in outcomes:
            summary = outcome.summary
            if summary is None:
                lines.append(
                    _("{file}: geweigerd, er is niets veranderd ({reason})").format(
                        file=outcome.path.name, reason=outcome.refused
                    )
                )
                continue
            if summary.already_imported:
                lines.append(
                    _("{file}: al eerder geïmporteerd, er is niets veranderd").format(
                        file=outcome.path.name
                    )
                )
                continue
            self.imported = True
            text = _(
                "{file}: {new} nieuw, {updated} bijgewerkt, {unchanged} ongewijzigd, "
                "{conflicts} conflicten"
            ).format(
                file=outcome.path.name,
                new=summary.count(NEW),
                updated=summary.count(UPDATED),
                unchanged=summary.count(UNCHANGED),
                conflicts=summary.count(CONFLICT),
            )
            lines.append(text)
        self.say("\n".join(lines))

    def outcome(self) -> bool:
        return self.imported
