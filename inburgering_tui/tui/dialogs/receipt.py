"""Read the back office's receipt on the laptop: the confirmed cases may later go (retention)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from inburgering_tui.export.bundle import apply_receipt, read_receipt
from inburgering_tui.export.pki import BACKOFFICE_CERT, CA_CERT, PKI_DIR, load_certificate
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.laptop_sync import LaptopSync
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.widgets.field import LabelledField
from inburgering_tui.tui.work import Job


@dataclass(frozen=True)
class _Read:
    confirmed: int
    purged: int | None  # None: no retention period is set, nothing is removed


class ReceiptDialog(WorkerDialog[bool]):
    WORK_FAILED = N_("Dit ontvangstbewijs is niet geldig: {reason}")

    def __init__(self) -> None:
        super().__init__()
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Ontvangstbewijs van de backoffice"), classes="dialog-title")
            yield LabelledField(_("Bestand (receipt-....p7s)"), Input(id="path"), required=True)
            yield WorkStatus("receipt")
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
        field.show_error("")
        pki = app.vault.home / PKI_DIR
        store = app.require_store()
        days = app.settings.sync_retention_days

        def work(job: Job) -> _Read:
            # Verifying the signature and certificate path takes a moment: off the UI thread.
            body = read_receipt(
                path.read_bytes(),
                load_certificate(pki / CA_CERT),
                load_certificate(pki / BACKOFFICE_CERT),
            )
            job.progress(0.5)
            job.checkpoint()  # the last moment before the store changes
            confirmed = apply_receipt(store, body)
            purged = None if days is None else len(LaptopSync(store).purge(days))
            job.progress(1.0)
            return _Read(confirmed, purged)

        self.start_work(work, _("Ontvangstbewijs controleren..."))

    def work_done(self, result: _Read) -> None:
        self.changed = True
        message = ngettext(
            "{n} zaak is door de backoffice bevestigd.",
            "{n} zaken zijn door de backoffice bevestigd.",
            result.confirmed,
        ).format(n=result.confirmed)
        if result.purged is not None:
            message += " " + ngettext(
                "{n} bevestigde zaak is van deze laptop verwijderd (bewaartermijn).",
                "{n} bevestigde zaken zijn van deze laptop verwijderd (bewaartermijn).",
                result.purged,
            ).format(n=result.purged)
        self.say(message)
        # A consultant often has several receipts to read: the next one can be typed at once.
        self.ready_again()
        self.query_one("#path", Input).value = ""

    def outcome(self) -> bool:
        return self.changed
