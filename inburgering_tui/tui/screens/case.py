"""One case at a glance for the consultant, with every key that changes it: intake, person,
household, conversations, invitations, PIP, progress talks and attachments."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header

from inburgering_tui.domain.attachments import KIND_NAMES
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import ConversationInUse
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.attachment_add import AttachmentAddDialog
from inburgering_tui.tui.dialogs.attachment_save import AttachmentSaveDialog
from inburgering_tui.tui.dialogs.confirm import ConfirmDialog
from inburgering_tui.tui.dialogs.conversation import ConversationDialog
from inburgering_tui.tui.dialogs.household import HouseholdDialog
from inburgering_tui.tui.dialogs.invitation import InvitationDialog
from inburgering_tui.tui.dialogs.progress import ProgressDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import show_date
from inburgering_tui.tui.read_only import REFUSED as READ_ONLY_REFUSED
from inburgering_tui.tui.widgets.case_details import CaseDetails


class CaseScreen(AppScreen[None]):
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

    @property
    def details(self) -> CaseDetails:
        return self.query_one(CaseDetails)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield CaseDetails(self.case_id, pip_key=True)
        yield KeyHints()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: one load, not two.
        self.reload()

    def refresh_language(self) -> None:
        self.call_later(self._relabel)

    async def _relabel(self) -> None:
        await self.recompose()
        self.reload()

    def reload(self) -> None:
        if self.app.store is None:
            return
        if not self.details.show():
            self.dismiss()
            return
        self.refresh_bindings()  # whether there are attachments to save or remove

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        if action in ("save_attachment", "remove_attachment"):
            details = self.query_one_optional(CaseDetails)  # absent while (re)composing
            return bool(details and details.attachments) or None  # shown, greyed, if none
        return True

    def action_add_attachment(self) -> None:
        def added(attachment_id: str | None) -> None:
            if attachment_id:
                self.notify(_("Bijlage toegevoegd."))
                self.reload()

        self.app.push_screen(AttachmentAddDialog(self.case_id), added)

    def action_save_attachment(self) -> None:
        attachment = self.details.selected_attachment()
        if attachment is not None:
            self.app.push_screen(AttachmentSaveDialog(attachment))

    def action_remove_attachment(self) -> None:
        attachment = self.details.selected_attachment()
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

    @on(DataTable.RowSelected, "#conversations")
    def _edit_conversation(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.app.read_only:
            self.notify(_(READ_ONLY_REFUSED), severity="warning")
            return
        conversation = self.details.chosen_conversation()
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
        conversation = self.details.chosen_conversation()
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
