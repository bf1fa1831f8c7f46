"""One case at a glance: the person, household, intake conversations, intake progress, deadlines
and the attached documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

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
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.overview import one_case
from inburgering_tui.services.records import Attachment, Conversation
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import ConversationInUse, Store
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.attachment_add import AttachmentAddDialog
from inburgering_tui.tui.dialogs.attachment_save import AttachmentSaveDialog
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.conversation import ConversationDialog
from inburgering_tui.tui.dialogs.household import HouseholdDialog
from inburgering_tui.tui.dialogs.invitation import InvitationDialog
from inburgering_tui.tui.dialogs.progress import ProgressDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import (
    doelgroep_label,
    languages_label,
    literacy_label,
    relation_label,
    sex_label,
    show_date,
)
from inburgering_tui.tui.read_only import REFUSED as READ_ONLY_REFUSED


class CaseScreen(AppScreen[None]):
    editable = True  # the back office's read-only view says False
    # Also the PIP (its first opening proposes a draft) and the exports (each one is audited).
    WRITES = frozenset(
        {
            "edit", "add_member", "add_conversation", "remove_conversation", "invitation",
            "pip", "progress_talk", "intake_report", "add_attachment", "save_attachment",
            "remove_attachment",
        }
    )  # fmt: skip
    BINDINGS = [
        Binding("i", "intake", N_("Intake"), id="case.intake"),
        Binding("e", "edit", N_("Gegevens wijzigen"), id="case.edit"),
        Binding("h", "add_member", N_("Huishouden +"), id="case.household"),
        Binding("g", "add_conversation", N_("Gesprek +"), id="case.conversation"),
        Binding("delete", "remove_conversation", N_("Gesprek weg"), id="case.conversation_remove"),
        Binding("u", "invitation", N_("Uitnodiging"), id="case.invitation"),
        Binding("p", "pip", N_("PIP"), id="case.pip"),
        Binding("v", "progress_talk", N_("Voortgangsgesprek"), id="case.progress"),
        Binding("r", "intake_report", N_("Verslag intake"), id="case.intake_report"),
        Binding("b", "add_attachment", N_("Bijlage +"), id="case.attachment_add"),
        Binding("w", "save_attachment", N_("Bijlage opslaan"), id="case.attachment_save"),
        Binding("x", "remove_attachment", N_("Bijlage verwijderen"), id="case.attachment_remove"),
        Binding("escape", "back", N_("Terug"), id="case.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(id="case")
        self.case_id = case_id
        self.attachments: list[Attachment] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
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
            yield from self.more_sections()
        yield KeyHints()

    def more_sections(self) -> ComposeResult:
        """Sections after the deadlines, for screens built on this one."""
        yield from ()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load, not two.
        self.reload()

    def refresh_language(self) -> None:
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        await self.recompose()
        self.reload()

    def reload(self) -> None:
        store = self.app.store
        if store is None:
            return
        case = store.get_case(self.case_id)
        if case is None:
            self.dismiss()
            return
        today = self.app.today()
        self.query_one("#case-title", Static).update(f"{case.given_names} {case.family_name}")
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
        household = self.query_one("#household", DataTable)
        household.clear(columns=True)
        household.add_columns(_("Naam"), _("Relatie"), _("Geboortedatum"))
        for member in store.household(self.case_id):
            household.add_row(
                Text(member.name),
                relation_label(member.relation),
                show_date(member.date_of_birth),
            )
        conversations = self.query_one("#conversations", DataTable)
        conversations.clear(columns=True)
        conversations.add_columns(_("Datum"), _("Plaats"), _("Tolk"), _("Taal"))
        for conversation in store.conversations(self.case_id):
            conversations.add_row(
                show_date(conversation.held_on),
                Text(conversation.place or "–"),
                Text(conversation.interpreter_name or "–"),
                language_name(conversation.interview_language, ui_language()),
                key=conversation.id,
            )
        form = self.app.intake_form
        practice = self.app.settings.local_practice
        item = one_case(store, form, self.case_id, today, practice)
        assert item is not None
        walk = item.walk
        self._show_deadlines(item.deadlines, today, practice)
        self._show_pip()
        self._show_attachments(store, form)
        done, total = walk.progress()
        self.query_one("#intake-progress", Static).update(
            ngettext(
                "Brede intake: {done} van {total} onderwerp klaar",
                "Brede intake: {done} van {total} onderwerpen klaar",
                total,
            ).format(done=done, total=total)
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
        self.refresh_bindings()

    def selected_attachment(self) -> Attachment | None:
        """The attachment under the list's cursor (the first one until the cursor moves)."""
        if not self.attachments:
            return None
        row = self.query_one("#attachments", DataTable).cursor_row
        return self.attachments[min(max(row, 0), len(self.attachments) - 1)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        if action in ("save_attachment", "remove_attachment"):
            return bool(self.attachments) or None  # shown, greyed, while there are none
        return True

    def action_add_attachment(self) -> None:
        def added(attachment_id: str | None) -> None:
            if attachment_id:
                self.notify(_("Bijlage toegevoegd."))
                self.reload()

        self.app.push_screen(AttachmentAddDialog(self.case_id), added)

    def action_save_attachment(self) -> None:
        attachment = self.selected_attachment()
        if attachment is not None:
            self.app.push_screen(AttachmentSaveDialog(attachment))

    def action_remove_attachment(self) -> None:
        from inburgering_tui.tui.dialogs.confirm import ConfirmDialog

        attachment = self.selected_attachment()
        if attachment is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                AttachmentStore(self.app.require_store()).remove(attachment.id)
            except Refusal as refusal:
                self.notify(str(refusal), severity="error")
            else:
                self.notify(_("Bijlage verwijderd."))
            self.reload()

        what = attachment.label or KIND_NAMES.get(attachment.content_type, "")
        question = _(
            "Bijlage '{what}' verwijderen? Ze verdwijnt uit de zaak en, met de volgende bundel, "
            "ook uit de backoffice."
        ).format(what=what)
        self.app.push_screen(ConfirmDialog(question, _("Verwijderen"), _("Nee")), answered)

    def _show_pip(self) -> None:
        versions = PipStore(self.app.require_store()).versions(self.case_id)
        if not versions:
            text = (
                _("PIP: nog niet opgesteld (p)")
                if self.editable and not self.app.read_only
                else _("PIP: nog niet opgesteld")
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

    def action_invitation(self) -> None:
        """A new invitation, or, while the last one is unanswered, the response to it."""
        store = self.app.require_store()
        invitations = store.invitations(self.case_id)
        last = invitations[-1] if invitations else None
        waiting = last is not None and last.responded_on is None

        def recorded(values: dict[str, Any] | None) -> None:
            if not values:
                return
            if waiting and last is not None:
                store.record_response(last.id, values["responded_on"])
            else:
                store.add_invitation(self.case_id, values["sent_on"], values["term_days"])
            self.reload()

        number = len(invitations) if waiting else len(invitations) + 1
        self.app.push_screen(
            InvitationDialog(number, last.sent_on if waiting and last else None), recorded
        )

    def action_pip(self) -> None:
        from inburgering_tui.tui.screens.pip import PipScreen

        self.app.push_screen(PipScreen(self.case_id))

    def action_progress_talk(self) -> None:
        pips = PipStore(self.app.require_store())
        if pips.latest_set(self.case_id) is None:
            self.notify(
                _("Een voortgangsgesprek kan pas als het PIP is vastgesteld."), severity="warning"
            )
            return

        def recorded(result: dict[str, Any] | None) -> None:
            if result:
                pips.add_progress_talk(
                    self.case_id, result["held_on"], result["notes"], result["amend_reason"]
                )
                self.notify(_("Voortgangsgesprek vastgelegd."))
                self.reload()

        self.app.push_screen(ProgressDialog(), recorded)

    def action_intake_report(self) -> None:
        from inburgering_tui.tui.dialogs.intake_report import IntakeReportDialog

        self.app.push_screen(IntakeReportDialog(self.case_id))

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from inburgering_tui.tui.screens.case_form import CaseFormScreen

        self.app.push_screen(CaseFormScreen(self.case_id))

    def action_intake(self) -> None:
        from inburgering_tui.tui.screens.intake import IntakeScreen

        self.app.push_screen(IntakeScreen(self.case_id))

    def action_add_member(self) -> None:
        def added(member: dict[str, Any] | None) -> None:
            if member:
                self.app.require_store().add_household_member(self.case_id, **member)
                self.reload()

        self.app.push_screen(HouseholdDialog(), added)

    def action_add_conversation(self) -> None:
        store = self.app.require_store()
        case = store.get_case(self.case_id)

        def added(fields: dict[str, Any] | None) -> None:
            if fields:
                store.add_conversation(self.case_id, **fields)
                self.reload()

        self.app.push_screen(ConversationDialog(case.languages if case else []), added)

    def _chosen_conversation(self) -> Conversation | None:
        """The conversation under the cursor, when the conversations table has the focus."""
        table = self.query_one("#conversations", DataTable)
        if self.focused is not table or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        store = self.app.require_store()
        return next((c for c in store.conversations(self.case_id) if c.id == key), None)

    @on(DataTable.RowSelected, "#conversations")
    def _edit_conversation(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.editable:
            return
        if self.app.read_only:
            self.notify(_(READ_ONLY_REFUSED), severity="warning")
            return
        conversation = self._chosen_conversation()
        if conversation is None:
            return
        store = self.app.require_store()
        case = store.get_case(self.case_id)

        def edited(fields: dict[str, Any] | None) -> None:
            if fields:
                store.update_conversation(conversation.id, **fields)
                self.notify(_("Gesprek gewijzigd."))
                self.reload()

        self.app.push_screen(
            ConversationDialog(case.languages if case else [], conversation), edited
        )

    def action_remove_conversation(self) -> None:
        if not self.editable:
            return
        conversation = self._chosen_conversation()
        if conversation is None:
            self.notify(
                _("Ga eerst met Tab naar de intakegesprekken en kies het gesprek."),
                severity="warning",
            )
            return
        store = self.app.require_store()

        def remove(yes: bool | None) -> None:
            if not yes:
                return
            try:
                store.remove_conversation(conversation.id)
            except ConversationInUse as refused:
                self.notify(str(refused), severity="error", timeout=10)
                return
            self.notify(_("Gesprek verwijderd."))
            self.reload()

        self.app.push_screen(
            ConfirmDialog(
                _("Het gesprek van {date} verwijderen?").format(
                    date=show_date(conversation.held_on)
                ),
                _("Verwijderen"),
                _("Houden"),
            ),
            remove,
        )
