"""One case in the back office, read-only: the details the consultant's case screen shows too,
every PIP version that arrived, and, when two laptops disagree, the conflict to resolve. Its keys
are its own: resolve the conflict, write the intake report, save an attachment, go back."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from inburgering_tui.domain.pip import THEME_LABELS, PipContent, Theme
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.services.conflicts import ConflictView, conflict_of, resolve
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import show_date
from inburgering_tui.tui.widgets.case_details import CaseDetails


class OfficeCaseScreen(AppScreen[None]):
    # The office's own writes: a resolution, and the exports (each one is audited).
    WRITES = frozenset({"keep_current", "take_incoming", "intake_report", "save_attachment"})
    BINDINGS = [
        Binding("h", "keep_current", N_("Conflict: huidige houden"), id="office.keep"),
        Binding("o", "take_incoming", N_("Conflict: andere versie overnemen"), id="office.take"),
        Binding("r", "intake_report", N_("Verslag intake"), id="case.intake_report"),
        Binding("w", "save_attachment", N_("Bijlage opslaan"), id="case.attachment_save"),
        Binding("escape", "back", N_("Terug"), id="case.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(id="office-case")
        self.case_id = case_id
        self.conflict: ConflictView | None = None

    @property
    def details(self) -> CaseDetails:
        return self.query_one(CaseDetails)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield CaseDetails(self.case_id, pip_key=False)
            yield Static(_("PIP-versies"), classes="section-title")
            yield DataTable(id="pip-versions", cursor_type="row")
            yield Static(_("Conflict"), classes="section-title", id="conflict-title")
            yield Static("", id="conflict", markup=False)
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
        store = self.app.store
        if store is None:
            return
        if not self.details.show():
            self.dismiss()
            return
        self._show_pip_versions(store)
        # Read once per reload: check_action runs on every key and refresh.
        self.conflict = conflict = conflict_of(store, self.case_id)
        self.query_one("#conflict-title", Static).display = conflict is not None
        self.query_one("#conflict", Static).update(self._describe(conflict) if conflict else "")
        self.refresh_bindings()

    def _show_pip_versions(self, store: Store) -> None:
        table = self.query_one("#pip-versions", DataTable)
        table.clear(columns=True)
        table.add_columns(_("Versie"), _("Status"), _("Dagtekening"), _("Reden"), _("Afspraken"))
        for version in PipStore(store).versions(self.case_id):
            content = PipContent.model_validate(version.content)
            table.add_row(
                str(version.number),
                _("vastgesteld") if version.status == "set" else _("concept"),
                show_date(version.dagtekening),
                Text(version.reason or "–"),
                " · ".join(
                    f"{_(THEME_LABELS[theme])} {len(content.of_theme(theme))}" for theme in Theme
                ),
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        if action in ("keep_current", "take_incoming"):
            return self.conflict is not None
        if action == "save_attachment":
            details = self.query_one_optional(CaseDetails)  # absent while (re)composing
            return bool(details and details.attachments) or None  # shown, greyed, if none
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_intake_report(self) -> None:
        from inburgering_tui.tui.dialogs.intake_report import IntakeReportDialog

        self.app.push_screen(IntakeReportDialog(self.case_id))

    def action_save_attachment(self) -> None:
        from inburgering_tui.tui.dialogs.attachment_save import AttachmentSaveDialog

        attachment = self.details.selected_attachment()
        if attachment is not None:
            self.app.push_screen(AttachmentSaveDialog(attachment))

    def _describe(self, conflict: ConflictView) -> str:
        changed = conflict.differing_parts
        return "\n".join(
            [
                _(
                    "Deze zaak is op twee laptops gewijzigd sinds die het laatst overeenkwamen. "
                    "Beide versies zijn bewaard; kies met welke de zaak verdergaat."
                ),
                _("Andere versie van: {consultant}, binnengekomen {date}").format(
                    consultant=conflict.consultant or "–", date=show_date(conflict.opened_on)
                ),
                _("Verschilt in: {parts}").format(parts=", ".join(changed) or "–"),
                _("h: huidige versie houden · o: andere versie overnemen"),
            ]
        )

    def action_keep_current(self) -> None:
        self._resolve("current", _("De huidige versie houden? De andere blijft bewaard."))

    def action_take_incoming(self) -> None:
        self._resolve("incoming", _("De andere versie overnemen? De huidige blijft bewaard."))

    def _resolve(self, take: Literal["current", "incoming"], question: str) -> None:
        from inburgering_tui.tui.dialogs.confirm import ConfirmDialog

        conflict = self.conflict
        if conflict is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                resolve(self.app.require_store(), conflict.id, take)
            except Refusal as refusal:
                self.notify(str(refusal), severity="error")
                return
            self.notify(_("Conflict opgelost."))
            self.reload()

        self.app.push_screen(ConfirmDialog(question, _("Ja"), _("Nee")), answered)
