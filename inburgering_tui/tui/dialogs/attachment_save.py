"""Write one attachment out of the store, on request: the path comes filled in with a name made
of the attachment's id and type (never the original name); the file is readable by its owner
only."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from inburgering_tui.attachment_files import default_name, save_attachment
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.services.records import Attachment
from inburgering_tui.tui.widgets.field import LabelledField, hold_input


class AttachmentSaveDialog(ModalScreen[Path | None]):
    """Dismissed with the file written, or None."""

    BINDINGS = [Binding("escape", "close", N_("Sluiten"), id="dialog.cancel")]

    def __init__(self, attachment: Attachment) -> None:
        super().__init__(classes="dialog")
        self.attachment = attachment
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        exports = Path(self.app.settings.exports_dir)  # type: ignore[attr-defined]
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
            yield Label("", id="save-state", markup=False)
            yield Static(_("Enter: opslaan · Esc: sluiten"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#out", Input).focus()

    @on(Input.Submitted, "#out")
    def _submitted(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        field = self.query_one("#field-out", LabelledField)
        field.show_error("" if raw else _("Dit veld is verplicht."))
        if not raw:
            return
        self.query_one("#save-state", Label).update(_("Opslaan..."))
        hold_input(self, True)
        self._save(Path(raw).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="attachment-save")
    def _save(self, out: Path) -> None:
        app = self.app
        try:
            written = save_attachment(app.require_store(), self.attachment.id, out)  # type: ignore[attr-defined]
        except Refusal as refusal:
            app.call_from_thread(self._failed, str(refusal))
        else:
            app.call_from_thread(self._done, written)

    def _failed(self, reason: str) -> None:
        self.query_one("#save-state", Label).update("")
        self.query_one("#field-out", LabelledField).show_error(reason)
        hold_input(self, False)
        self.query_one("#out", Input).focus()

    def _done(self, written: Path) -> None:
        self.written = written
        self.query_one("#save-state", Label).update(
            _("Opgeslagen: {path}").format(path=written.resolve())
        )

    def action_close(self) -> None:
        self.dismiss(self.written)
