"""Read the back office's receipt on the laptop: the confirmed cases may later go (retention)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from inburgering_tui.export.bundle import apply_receipt, read_receipt
from inburgering_tui.export.bundle_format import BundleError
from inburgering_tui.export.cms import CmsError
from inburgering_tui.export.pki import BACKOFFICE_CERT, CA_CERT, PKI_DIR, PkiError, load_certificate
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.laptop_sync import LaptopSync
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.field import LabelledField


class ReceiptDialog(AppModal[bool]):
    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Ontvangstbewijs van de backoffice"), classes="dialog-title")
            yield LabelledField(_("Bestand (receipt-....p7s)"), Input(id="path"), required=True)
            yield Label("", id="receipt-state", markup=False)
            yield Static(_("Enter: inlezen · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        app = self.app
        field = self.query_one(LabelledField)
        path = Path(event.value.strip()).expanduser()
        if not event.value.strip() or not path.is_file():
            field.show_error(_("Dit bestand bestaat niet."))
            return
        pki = app.vault.home / PKI_DIR
        try:
            body = read_receipt(
                path.read_bytes(),
                load_certificate(pki / CA_CERT),
                load_certificate(pki / BACKOFFICE_CERT),
            )
            store = app.require_store()
            confirmed = apply_receipt(store, body)
        except (BundleError, CmsError, PkiError, OSError) as exc:
            field.show_error(_("Dit ontvangstbewijs is niet geldig: {reason}").format(reason=exc))
            return
        field.show_error("")
        message = ngettext(
            "{n} zaak is door de backoffice bevestigd.",
            "{n} zaken zijn door de backoffice bevestigd.",
            confirmed,
        ).format(n=confirmed)
        days = app.settings.sync_retention_days
        if days is not None:
            purged = LaptopSync(store).purge(days)
            message += " " + ngettext(
                "{n} bevestigde zaak is van deze laptop verwijderd (bewaartermijn).",
                "{n} bevestigde zaken zijn van deze laptop verwijderd (bewaartermijn).",
                len(purged),
            ).format(n=len(purged))
        self.query_one("#receipt-state", Label).update(message)
        self.changed = True

    def action_close(self) -> None:
        self.dismiss(self.changed)
