"""Write one attachment out of the store, on request: the path comes filled in with a name made
of the attachment's id and type (never the original name); the file is readable by its owner
only. Esc stops the writing before the file is there."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from inburgering_tui.attachment_files import default_name, save_attachment
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.records import Attachment
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.widgets.field import LabelledField


class AttachmentSaveDialog(WorkerDialog[Path | None]):
    """Dismissed with the file written, or None."""

    FAILURE_FIELD = "out"
    WORK_FAILED = N_("Niet opgeslagen: {reason}")
    WORK_STOPPED = N_("Gestopt: er is geen bestand geschreven.")

    def __init__(self, attachment: Attachment) -> None:
        super().__init__()
        self.attachment = attachment
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        exports = Path(self.app.settings.exports_dir)
        with Vertical(classes="dialog-box"):
            yield Static(_("Bijlage opslaan als bestand"), classes="dialog-title")
            yield Static(
                _(
                    "Het bestand staat daarna onversleuteld op schijf, alleen leesbaar voor u. "
                    "Ruim het op als u het niet meer nodig hebt."
                )
            )
            yield LabelledField(
                _("Bestand"),
                Input(str(exports / default_name(self.attachment)), id="out"),
                required=True,
            )
            yield WorkStatus("save")
            yield Static(_("Enter: opslaan · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#out", Input).focus()

    @on(Input.Submitted, "#out")
    def _submitted(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        self.out_field.show_error("" if raw else _("Dit veld is verplicht."))
        if not raw:
            return
        # Everything the work needs is read here, on the UI thread.
        save = partial(
            save_attachment, self.app.require_store(), self.attachment.id, Path(raw).expanduser()
        )
        self.start_work(lambda job: save(checkpoint=job.checkpoint), _("Opslaan..."))

    def work_done(self, result: Path) -> None:
        self.written = result
        self.say(_("Opgeslagen: {path}").format(path=result.resolve()))

    @property
    def out_field(self) -> LabelledField:
        return self.query_one("#field-out", LabelledField)

    def outcome(self) -> Path | None:
        return self.written
