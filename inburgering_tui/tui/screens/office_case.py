"""One case in the back office, read-only: what the case screen shows, plus every PIP version,
the signed PDFs that arrived, and, when two laptops disagree, the conflict to resolve."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from inburgering_tui.domain.pip import THEME_LABELS, PipContent, Theme
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.services.conflicts import ConflictView, conflict_of, resolve
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.tui.labels import show_date
from inburgering_tui.tui.screens.case import CaseScreen


class OfficeCaseScreen(CaseScreen):
    editable = False
    # Read-only: the consultant's editing actions are off here.
    NEVER_OFFERED = (
        "intake", "edit", "add_member", "add_conversation", "remove_conversation", "invitation",
        "pip", "progress_talk", "add_attachment", "remove_attachment",
    )  # fmt: skip
    WRITES = frozenset({*CaseScreen.WRITES, "keep_current", "take_incoming"})
    BINDINGS = [
        Binding("h", "keep_current", N_("Conflict: huidige houden"), id="office.keep"),
        Binding("o", "take_incoming", N_("Conflict: andere versie overnemen"), id="office.take"),
    ]

    conflict: ConflictView | None = None

    def more_sections(self) -> ComposeResult:
        yield Static(_("PIP-versies"), classes="section-title")
        yield DataTable(id="pip-versions", cursor_type="row")
        yield Static(_("Conflict"), classes="section-title", id="conflict-title")
        yield Static("", id="conflict", markup=False)

    def reload(self) -> None:
        super().reload()
        store = self.app.store
        if store is None or store.get_case(self.case_id) is None:
            return
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
        # Read once per reload: check_action runs on every key and refresh.
        self.conflict = conflict = self._conflict()
        self.query_one("#conflict-title", Static).display = conflict is not None
        self.query_one("#conflict", Static).update(self._describe(conflict) if conflict else "")
        self.refresh_bindings()

    def _conflict(self) -> ConflictView | None:
        return conflict_of(self.app.require_store(), self.case_id)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.NEVER_OFFERED:
            return False
        if action in ("keep_current", "take_incoming"):
            return self.conflict is not None
        return super().check_action(action, parameters)

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
