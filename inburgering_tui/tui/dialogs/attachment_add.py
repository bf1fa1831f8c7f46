"""Attach a document to the case: a path, what it is, and (if it belongs to one) the intake
question. A worker reads and checks the file; a refusal shows under the path and keeps every
field as typed."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from inburgering_tui.attachment_files import attach_file
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.tui.widgets.field import LabelledField, hold_input

PROMPT_WIDTH = 48


def question_options(form: Form) -> list[tuple[str, str]]:
    """Every question of the intake, as "domain: prompt", shortened to fit the dialog."""
    options = []
    for section in form.sections:
        for question in section.questions:
            text = f"{_(section.title)}: {_(question.prompt)}"
            if len(text) > PROMPT_WIDTH:
                text = text[: PROMPT_WIDTH - 1] + "…"
            options.append((text, question.id))
    return options


class AttachmentAddDialog(ModalScreen[str | None]):
    """Dismissed with the new attachment's id, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(classes="dialog")
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        form = self.app.intake_form  # type: ignore[attr-defined]
        limit = self.app.settings.attachment_max_mib  # type: ignore[attr-defined]
        with Vertical(classes="dialog-box"):
            yield Static(_("Bijlage toevoegen"), classes="dialog-title")
            yield Static(
                _("Een PDF, JPEG of PNG van hoogstens {limit} MiB.").format(limit=f"{limit:g}")
            )
            yield LabelledField(
                _("Bestand"), Input(placeholder=_("pad naar het bestand"), id="path"), required=True
            )
            yield LabelledField(
                _("Omschrijving"), Input(placeholder=_("bijvoorbeeld: diploma"), id="label")
            )
            yield LabelledField(
                _("Bij vraag"),
                Select(
                    question_options(form),
                    prompt=_("geen: bij de hele zaak"),
                    allow_blank=True,
                    id="question",
                ),
            )
            yield Label("", id="attach-state", markup=False)
            yield Static(
                _("Ctrl+S of Enter in de omschrijving: toevoegen · Esc: annuleren"), classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def _next_field(self) -> None:
        self.query_one("#label", Input).focus()

    @on(Input.Submitted, "#label")
    def _last_field(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        path_field = self.query_one("#field-path", LabelledField)
        if not raw:
            path_field.show_error(_("Dit veld is verplicht."))
            self.query_one("#path", Input).focus()
            return
        path_field.show_error("")
        chosen = self.query_one("#question", Select).value
        question = chosen if isinstance(chosen, str) else None
        label = self.query_one("#label", Input).value
        self.query_one("#attach-state", Label).update(_("Bestand controleren..."))
        hold_input(self, True)
        self._attach_worker(Path(raw).expanduser(), label, question)

    @work(thread=True, exclusive=True, exit_on_error=False, group="attach")
    def _attach_worker(self, path: Path, label: str, question: str | None) -> None:
        # Reading, hashing and storing megabytes in the encrypted store: off the UI thread.
        app = self.app
        try:
            attachment = attach_file(
                app.require_store(),  # type: ignore[attr-defined]
                app.intake_form,  # type: ignore[attr-defined]
                self.case_id,
                path,
                max_bytes=app.settings.attachment_max_bytes,  # type: ignore[attr-defined]
                label=label,
                question_id=question,
            )
        except Refusal as refusal:
            app.call_from_thread(self._refused, str(refusal))
        else:
            app.call_from_thread(self.dismiss, attachment.id)

    def _refused(self, reason: str) -> None:
        self.query_one("#attach-state", Label).update("")
        hold_input(self, False)
        self.query_one("#field-path", LabelledField).show_error(
            _("Niet toegevoegd: {reason}").format(reason=reason)
        )
        self.query_one("#path", Input).focus()
