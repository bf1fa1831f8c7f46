"""A life domain's answers at a glance before the consultant leaves it; any line opens its
question again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inburgering_tui.domain.forms import Question, Section
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.intake_session import IntakeSession, WriteFailed
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.widgets.questions import answer_text


@dataclass(frozen=True)
class SummaryChoice:
    """What the consultant chose: go on to the next domain, or open one question."""

    action: Literal["next", "open"]
    question: Question | None = None


def summary_lines(intake: IntakeSession, section: Section) -> list[tuple[Question, str]]:
    """Per question shown: its prompt with the answer, "not asked" and its reason, the note."""
    lines: list[tuple[Question, str]] = []
    for question in intake.walk.visible_questions(section):
        answer = intake.walk.answer_for(question.id)
        if answer is not None and answer.not_asked_reason:
            shown = _("niet gevraagd: {reason}").format(reason=answer.not_asked_reason)
        elif answer is not None and answer.value is not None:
            shown = answer_text(question, answer.value)
        else:
            shown = "–" + ("  ⚠ " + _("verplicht") if question.required else "")
        text = f"{_(question.prompt)}\n    → {shown}"
        note = intake.question_note(question)
        if note:
            text += "\n    ✎ " + note
        lines.append((question, text))
    return lines


class DomainSummaryDialog(AppModal[SummaryChoice | None]):
    WRITES = frozenset({"domain_note"})
    BINDINGS = [
        Binding(
            "pagedown", "next_domain", N_("Volgend onderwerp"), id="summary.next", priority=True
        ),
        Binding("f5", "domain_note", N_("Notitie bij onderwerp"), id="summary.note"),
        Binding("escape", "dismiss(None)", N_("Terug naar het onderwerp"), id="dialog.cancel"),
    ]

    def __init__(self, intake: IntakeSession, section: Section, warnings: list[str]) -> None:
        super().__init__(classes="dialog")
        self.intake = intake
        self.section = section
        self.warnings = warnings
        self.lines = summary_lines(intake, section)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box summary-box"):
            yield Static(
                _("Samenvatting: {domain}").format(domain=_(self.section.title)),
                classes="dialog-title",
                markup=False,
            )
            yield Static(self._domain_note_text(), id="summary-domain-note", markup=False)
            if self.warnings:
                yield Static(
                    "\n".join("⚠ " + warning for warning in self.warnings),
                    id="summary-warnings",
                    classes="warning",
                    markup=False,
                )
            yield OptionList(*(Option(text, id=q.id) for q, text in self.lines), id="summary-lines")
            yield Static(
                _(
                    "Enter: vraag openen · PgDn: volgend onderwerp · F5: notitie bij onderwerp · Esc: terug"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#summary-lines", OptionList).focus()

    def _domain_note_text(self) -> str:
        note = self.intake.domain_note(self.section)
        return ("✎ " + note) if note else _("Geen notitie bij dit onderwerp (F5).")

    @on(OptionList.OptionSelected, "#summary-lines")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(SummaryChoice("open", self.lines[event.option_index][0]))

    def action_next_domain(self) -> None:
        self.dismiss(SummaryChoice("next"))

    def action_domain_note(self) -> None:
        from inburgering_tui.tui.dialogs.note import NoteDialog

        title = _("Notitie bij {domain}").format(domain=_(self.section.title))

        def keep(text: str | None) -> None:
            if text is None:
                return
            try:
                self.intake.note_domain(self.section, text)
            except WriteFailed as failed:
                # Refused by the store: said so, and the note comes back to be tried again.
                self.notify(
                    _("Niet opgeslagen: {reason}").format(reason=_(failed.reason_msgid)),
                    severity="error",
                )
                self.app.push_screen(NoteDialog(title, text), keep)
                return
            self.query_one("#summary-domain-note", Static).update(self._domain_note_text())

        self.app.push_screen(NoteDialog(title, self.intake.domain_note(self.section)), keep)
