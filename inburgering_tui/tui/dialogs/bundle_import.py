"""Import sync bundles in the back office: a file or a folder of them, verified and applied by a
worker behind a progress bar, then a summary per file (new, updated, unchanged, conflicts)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar, Static

from inburgering_tui.export.bundle import FileOutcome, bundle_files, import_files
from inburgering_tui.export.pki import BACKOFFICE_P12, CA_CERT, PKI_DIR, PkiError, load_certificate
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.office_sync import CONFLICT, NEW, UNCHANGED, UPDATED, ImportBusy
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField, hold_input


class BundleImportDialog(AppModal[bool]):
    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")
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
            yield ProgressBar(total=1.0, show_eta=False, id="import-progress")
            yield Label("", id="import-state", markup=False)
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
        self.query_one("#import-state", Label).update(_("Bundels controleren en importeren..."))
        hold_input(self, True)
        self._import(path, self.query_one("#key", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def _import(self, path: Path, passphrase: str) -> None:
        app = self.app
        pki = app.vault.home / PKI_DIR
        bar = self.query_one("#import-progress", ProgressBar)
        try:
            outcomes = import_files(
                app.require_store(),
                [path],
                office_p12=pki / BACKOFFICE_P12,
                passphrase=passphrase,
                ca=load_certificate(pki / CA_CERT),
                receipts_dir=app.settings.exports_dir,
                progress=lambda done: app.call_from_thread(bar.update, progress=done),
            )
        except (PkiError, ImportBusy) as exc:
            app.call_from_thread(self._failed, str(exc))
        else:
            app.call_from_thread(self._done, outcomes)

    def _failed(self, reason: str) -> None:
        self.query_one("#import-state", Label).update(
            _("Niet geïmporteerd: {reason}").format(reason=reason)
        )
        hold_input(self, False)
        key = self.query_one("#key", Input)
        key.value = ""
        key.focus()

    def _done(self, outcomes: list[FileOutcome]) -> None:
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
        self.query_one("#import-state", Label).update("\n".join(lines))

    def action_close(self) -> None:
        self.dismiss(self.imported)
