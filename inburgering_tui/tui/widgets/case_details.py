"""One case, read-only, as the consultant's case screen and the back office both show it: the
person, intake progress, the PIP in a line, household, intake conversations, the deadlines
T1-T14 and the attached documents. It offers no keys: each screen binds its own."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from inburgering_tui.domain.attachments import KIND_NAMES
from inburgering_tui.domain.deadlines import (
    STATUS_LABELS,
    Deadline,
    LocalPractice,
    Status,
    is_due_soon,
)
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import _, language_name, ngettext, ui_language
from inburgering_tui.i18n.formatting import format_size
from inburgering_tui.overview import one_case
from inburgering_tui.services.records import Attachment, Case, Conversation
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store
from inburgering_tui.tui.labels import (
    doelgroep_label,
    languages_label,
    literacy_label,
    relation_label,
    sex_label,
    show_date,
)

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp


class CaseDetails(Vertical):
    """Everything about one case that is read, not changed, on sight."""

    DEFAULT_CSS = "CaseDetails { height: auto; }"

    if TYPE_CHECKING:
        app: getters.app[InburgeringApp]

    def __init__(self, case_id: str, *, pip_key: bool) -> None:
        """``pip_key``: whether the screen offers ``p`` to draw up a PIP, said when there is none."""
        super().__init__(id="case-view")
        self.case_id = case_id
        self.pip_key = pip_key
        self.attachments: list[Attachment] = []
        self.conversations: list[Conversation] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="case-title", classes="screen-title", markup=False)
        yield Static("", id="intake-progress", markup=False)
        yield Static("", id="pip-summary", markup=False)
        yield Static("", id="case-details", markup=False)
        yield Static(_("Huishouden"), classes="section-title")
        yield DataTable(id="household", cursor_type="row")
        yield Static(_("Intakegesprekken"), classes="section-title")
        yield DataTable(id="conversations", cursor_type="row")
        yield Static(_("Termijnen"), classes="section-title")
        yield DataTable(id="deadlines", cursor_type="row")
        yield Static(_("Bijlagen"), classes="section-title")
        yield DataTable(id="attachments", cursor_type="row")

    def show(self) -> bool:
        """Read the case again and show it; False when it is gone (or the store is locked)."""
        store = self.app.store
        if store is None:
            return False
        case = store.get_case(self.case_id)
        if case is None:
            return False
        today = self.app.today()
        form = self.app.intake_form
        practice = self.app.settings.local_practice
        item = one_case(store, form, self.case_id, today, practice)
        assert item is not None
        self.query_one("#case-title", Static).update(f"{case.given_names} {case.family_name}")
        self._show_person(case)
        self._show_household(store)
        self._show_conversations(store)
        self._show_deadlines(item.deadlines, today, practice)
        self._show_pip(store)
        self._show_attachments(store, form)
        done, total = item.walk.progress()
        self.query_one("#intake-progress", Static).update(
            ngettext(
                "Brede intake: {done} van {total} onderwerp klaar",
                "Brede intake: {done} van {total} onderwerpen klaar",
                total,
            ).format(done=done, total=total)
        )
        return True

    def _show_person(self, case: Case) -> None:
        rows = [
            (_("Geboortedatum"), show_date(case.date_of_birth)),
            (_("Geslacht"), sex_label(case.sex)),
            (_("Nationaliteit"), case.nationality or "–"),
            (_("Talen"), languages_label(case.languages)),
            (_("Geletterdheid"), literacy_label(case.literacy)),
            (_("Doelgroep"), doelgroep_label(case.doelgroep)),
            (_("V-nummer"), case.v_nummer or "–"),
            (_("BSN"), case.bsn or "–"),
            (_("AZC-locatie"), case.azc_location or "–"),
            (_("Koppelingsdatum"), show_date(case.koppelingsdatum)),
            (_("Datum kennisgeving DUO"), show_date(case.kennisgeving_date)),
            (_("Datum inschrijving BRP"), show_date(case.brp_date)),
            (_("Consulent"), case.consultant or "–"),
        ]
        width = max(len(label) for label, _value in rows)
        self.query_one("#case-details", Static).update(
            "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
        )

    def _show_household(self, store: Store) -> None:
        household = self.query_one("#household", DataTable)
        household.clear(columns=True)
        household.add_columns(_("Naam"), _("Relatie"), _("Geboortedatum"))
        for member in store.household(self.case_id):
            household.add_row(
                Text(member.name),
                relation_label(member.relation),
                show_date(member.date_of_birth),
            )

    def _show_conversations(self, store: Store) -> None:
        self.conversations = store.conversations(self.case_id)
        table = self.query_one("#conversations", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Datum"), _("Plaats"), _("Tolk"), _("Taal"))
        for conversation in self.conversations:
            table.add_row(
                show_date(conversation.held_on),
                Text(conversation.place or "–"),
                Text(conversation.interpreter_name or "–"),
                language_name(conversation.interview_language, ui_language()),
                key=conversation.id,
            )

    def _show_deadlines(
        self, deadlines: list[Deadline], today: date, practice: LocalPractice
    ) -> None:
        table = self.query_one("#deadlines", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Regel"), _("Termijn"), _("Datum"), _("Status"), _("Waarom"))
        for deadline in deadlines:
            style = ""
            if deadline.status == Status.OVERDUE:
                style = "bold red"
            elif is_due_soon(deadline, today, practice):
                style = "bold yellow"
            elif deadline.status in (Status.NOT_APPLICABLE, Status.DONE):
                style = "dim"
            params = {k: _(v) if isinstance(v, str) else v for k, v in deadline.params.items()}
            table.add_row(
                Text(f"{deadline.rule} ({deadline.source})", style=style),
                Text(_(deadline.title), style=style),
                Text(show_date(deadline.due), style=style),
                Text(_(STATUS_LABELS[deadline.status]), style=style),
                Text(_(deadline.reason).format(**params) if deadline.reason else "", style=style),
            )

    def _show_pip(self, store: Store) -> None:
        versions = PipStore(store).versions(self.case_id)
        if not versions:
            text = (
                _("PIP: nog niet opgesteld (p)") if self.pip_key else _("PIP: nog niet opgesteld")
            )
        else:
            latest = versions[-1]
            state = (
                _("vastgesteld op {date}").format(date=show_date(latest.dagtekening))
                if latest.status == "set"
                else _("concept")
            )
            text = _("PIP: versie {n}, {state}").format(n=latest.number, state=state)
        self.query_one("#pip-summary", Static).update(text)

    def _show_attachments(self, store: Store, form: Form) -> None:
        """Type, size, date, label and question of each attachment: never its original name."""
        self.attachments = AttachmentStore(store).list(self.case_id)
        table = self.query_one("#attachments", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Soort"), _("Grootte"), _("Datum"), _("Omschrijving"), _("Bij vraag"))
        for attachment in self.attachments:
            question = form.question(attachment.question_id) if attachment.question_id else None
            asked = _(question.prompt) if question else attachment.question_id or "–"
            table.add_row(
                KIND_NAMES.get(attachment.content_type, "?"),
                format_size(attachment.size, ui_language()),
                show_date(attachment.created_at.date()),
                Text(attachment.label or "–"),
                Text(asked if len(asked) <= 50 else asked[:49] + "…"),
                key=attachment.id,
            )

    def selected_attachment(self) -> Attachment | None:
        """The attachment under the list's cursor (the first one until the cursor moves)."""
        if not self.attachments:
            return None
        row = self.query_one("#attachments", DataTable).cursor_row
        return self.attachments[min(max(row, 0), len(self.attachments) - 1)]

    def chosen_conversation(self) -> Conversation | None:
        """The conversation under the cursor, while the conversations table has the focus."""
        table = self.query_one("#conversations", DataTable)
        if not table.has_focus or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.conversations if c.id == key), None)
