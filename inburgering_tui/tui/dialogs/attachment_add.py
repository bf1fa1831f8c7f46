"""Attach a document to the case: a path, what it is, and (if it belongs to one) the intake
question. The dialog's work reads and checks the file (Esc stops it before the store changes); a
refusal shows under the path and keeps every field as typed."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from inburgering_tui.attachment_files import attach_file
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.records import Attachment
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.widgets.field import LabelledField

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


class AttachmentAddDialog(WorkerDialog[str | None]):
    """Dismissed with the new attachment's id, or None when cancelled."""

    BINDINGS = [
        # Esc as in every worker dialog, but said as what it does here: nothing is added.
        Binding("escape", "stop_work", N_("Stoppen"), id="dialog.stop"),
        Binding("escape", "close", N_("Annuleren"), id="dialog.cancel"),
        Binding("ctrl+s", "save", N_("Bewaren"), id="dialog.save", priority=True),
    ]
    FAILURE_FIELD = "path"
    WORK_FAILED = N_("Niet toegevoegd: {reason}")
    WORK_STOPPED = N_("Gestopt: er is niets toegevoegd.")

    def __init__(self, case_id: str) -> None:
        super().__init__()
        self.case_id = case_id

    def compose(self) -> ComposeResult:
        form = self.app.intake_form
        limit = self.app.settings.attachment_max_mib
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
            yield WorkStatus("attach")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return not self.busy  # greyed while the file is checked: a second one starts nothing
        return super().check_action(action, parameters)

    def action_save(self) -> None:
        if self.busy:
            return
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.path_field.show_error(_("Dit veld is verplicht."))
            self.query_one("#path", Input).focus()
            return
        self.path_field.show_error("")
        chosen = self.query_one("#question", Select).value
        # Everything the work needs is read here, on the UI thread.
        app = self.app
        attach = partial(
            attach_file,
            app.require_store(),
            app.intake_form,
            self.case_id,
            Path(raw).expanduser(),
            max_bytes=app.settings.attachment_max_bytes,
            label=self.query_one("#label", Input).value,
            question_id=chosen if isinstance(chosen, str) else None,
        )
        # Reading, hashing and storing megabytes in the encrypted store: off the UI thread.
        self.start_work(lambda job: attach(checkpoint=job.checkpoint), _("Bestand controleren..."))

    def work_done(self, result: Attachment) -> None:
        self.dismiss(result.id)

    @property
    def path_field(self) -> LabelledField:
        return self.query_one("#field-path", LabelledField)
