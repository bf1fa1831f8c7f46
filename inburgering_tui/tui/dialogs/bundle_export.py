"""Write a sync bundle from the laptop: a worker builds, signs and encrypts it behind a bar."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, ProgressBar, Static

from inburgering_tui.export.bundle import BundleWritten, NothingToExport, export_bundle
from inburgering_tui.export.cms import CmsError
from inburgering_tui.export.pki import (
    BACKOFFICE_CERT,
    CONSULTANT_P12,
    PKI_DIR,
    PkiError,
    load_certificate,
)
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import hold_input


class BundleExportDialog(AppModal[BundleWritten | None]):
    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")
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
            yield ProgressBar(total=1.0, show_eta=False, id="bundle-progress")
            yield Label("", id="bundle-state", markup=False)
            yield Static(_("Enter: bundel maken · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#key", Input).focus()

    @on(Input.Submitted, "#key")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_one("#bundle-state", Label).update(_("Bundel maken..."))
        hold_input(self, True)
        self._export(event.value, self.query_one("#everything", Checkbox).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bundle")
    def _export(self, passphrase: str, everything: bool) -> None:
        app = self.app
        pki = app.vault.home / PKI_DIR
        bar = self.query_one("#bundle-progress", ProgressBar)
        try:
            written = export_bundle(
                app.require_store(),
                consultant_p12=pki / CONSULTANT_P12,
                key_passphrase=passphrase,
                recipient=load_certificate(pki / BACKOFFICE_CERT),
                out_dir=app.settings.exports_dir,
                everything=everything,
                progress=lambda done: app.call_from_thread(bar.update, progress=done),
            )
        except NothingToExport:
            app.call_from_thread(
                self._failed, _("Er is niets gewijzigd sinds de vorige bundel."), retry=False
            )
        except (PkiError, CmsError, OSError) as exc:
            app.call_from_thread(
                self._failed, _("De bundel kon niet worden gemaakt: {reason}").format(reason=exc)
            )
        else:
            app.call_from_thread(self._done, written)

    def _failed(self, message: str, *, retry: bool = True) -> None:
        self.query_one("#bundle-state", Label).update(message)
        hold_input(self, False)
        key = self.query_one("#key", Input)
        key.value = ""
        if retry:
            key.focus()

    def _done(self, written: BundleWritten) -> None:
        self.written = written
        self.query_one("#bundle-state", Label).update(
            ngettext(
                "Klaar: {n} zaak in {path}", "Klaar: {n} zaken in {path}", written.cases
            ).format(n=written.cases, path=written.path.resolve())
        )

    def action_close(self) -> None:
        self.dismiss(self.written)
