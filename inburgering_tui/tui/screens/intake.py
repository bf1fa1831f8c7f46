"""The brede intake, question by question, every answer committed the moment it is valid.

A write the store refuses (a full disk, a read-only store) is shown as not saved, with the reason;
the typed answer stays on screen and is saved by the next Enter or PgDn once the fault is gone.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Label, OptionList, Static

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.audience import CONSULTANT_ONLY, person_view
from inburgering_tui.domain.forms import (
    DECLINED,
    DONT_KNOW,
    AnswerType,
    Question,
    Section,
    is_no_answer,
)
from inburgering_tui.domain.intake import IntakeWalk
from inburgering_tui.i18n.bidi import app_reorders
from inburgering_tui.i18n.catalogs import (
    _,
    has_catalogue,
    language_name,
    ngettext,
    translator,
    ui_language,
)
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.intake_session import IntakeSession, WriteFailed
from inburgering_tui.tui.base import AppScreen
from inburgering_tui.tui.dialogs.domain_summary import DomainSummaryDialog, SummaryChoice
from inburgering_tui.tui.dialogs.find_question import Findable, FindQuestionDialog
from inburgering_tui.tui.dialogs.note import NoteDialog
from inburgering_tui.tui.dialogs.reason import ReasonDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import suggestion_answer, suggestion_text
from inburgering_tui.tui.messages import AnswerEdited, ProseIgnored
from inburgering_tui.tui.read_only import REFUSED as READ_ONLY_REFUSED
from inburgering_tui.tui.widgets.domains import DomainSidebar
from inburgering_tui.tui.widgets.questions import (
    PROSE_WINDOW,
    answer_text,
    answer_widget,
    option_lines,
)
from inburgering_tui.tui.widgets.script_text import ScriptText

TYPING_SAVE_DELAY = 0.4  # seconds after the last key before a valid typed answer is committed
_NOTHING = object()  # no edit waiting to be saved


class IntakeScreen(AppScreen[None]):
    # In a read-only window the answer is shown but its field is off (see _show).
    WRITES = frozenset(
        {
            "not_asked",
            "skip_domain",
            "take_suggestion",
            "dont_know",
            "decline",
            "note",
            "domain_note",
        }
    )
    BINDINGS = [
        Binding("pagedown", "next_question", N_("Volgende vraag"), id="intake.next", priority=True),
        Binding(
            "pageup", "previous_question", N_("Vorige vraag"), id="intake.previous", priority=True
        ),
        Binding(
            "ctrl+down",
            "next_domain",
            N_("Volgend onderwerp"),
            id="intake.next_domain",
            priority=True,
        ),
        Binding(
            "ctrl+up",
            "previous_domain",
            N_("Vorig onderwerp"),
            id="intake.previous_domain",
            priority=True,
        ),
        Binding("ctrl+n", "not_asked", N_("Niet gevraagd"), id="intake.not_asked", priority=True),
        Binding(
            "ctrl+o",
            "skip_domain",
            N_("Onderwerp overslaan"),
            id="intake.skip_domain",
            priority=True,
        ),
        Binding("f2", "take_suggestion", N_("Overnemen"), id="intake.take", priority=True),
        Binding("f3", "dont_know", N_("Weet niet"), id="intake.dont_know", priority=True),
        Binding("f7", "decline", N_("Wil niet zeggen"), id="intake.decline", priority=True),
        Binding("f4", "note", N_("Notitie"), id="intake.note"),
        # Fewer hints in the footer: these are in F1 and Ctrl+P.
        Binding(
            "f5", "domain_note", N_("Notitie bij onderwerp"), id="intake.domain_note", show=False
        ),
        Binding("f6", "summary", N_("Samenvatting onderwerp"), id="intake.summary", show=False),
        Binding("ctrl+f", "find", N_("Vraag zoeken"), id="intake.find", priority=True, show=False),
        Binding("escape", "back", N_("Terug"), id="intake.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(id="intake")
        self.case_id = case_id
        self.section: Section | None = None
        self.question: Question | None = None
        # What the consultant entered and has not been saved yet (_NOTHING: no edit waiting);
        # only an edit made on this question is ever saved.
        self._pending: Any = _NOTHING
        self._save_timer: Timer | None = None
        self._typing_invalid = False
        self._write_failed = False  # the store refused the last write of this question
        self._answer_widget: Widget | None = None
        self._suggested: Any = None  # what F2 takes for the shown question

    @property
    def walk(self) -> IntakeWalk:
        return self.intake.walk

    @property
    def interview_language(self) -> str:
        return self.intake.interview_language

    # -- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="domain-column"):
                yield DomainSidebar(id="domains")
                yield Static(DomainSidebar.legend(), id="domain-legend")
            with VerticalScroll(id="question-pane"):
                yield Static("", id="domain-title", classes="screen-title", markup=False)
                yield Static("", id="question-count", markup=False)
                # The question and the answer first, so both are in view; the longer help
                # texts follow. Each row has the consultant's language left and the
                # person's language right.
                with Horizontal(id="question-columns", classes="language-columns"):
                    with Vertical(classes="consultant-column"):
                        yield Static("", id="question-prompt", markup=False)
                    with Vertical(classes="interview-column"):
                        yield Static(
                            "", id="interview-language", classes="column-title", markup=False
                        )
                        yield ScriptText(id="interview-prompt", reorder=self._reorder())
                        yield ScriptText(id="interview-options", reorder=self._reorder())
                yield Vertical(id="answer-slot")
                yield Label("", id="answer-error", classes="error", markup=False)
                yield Static("", id="answer-warnings", classes="warning", markup=False)
                yield Static("", id="save-state", markup=False)
                yield Static("", id="question-note", classes="consultant-note", markup=False)
                yield Static("", id="suggestion", markup=False)
                with Horizontal(id="help-columns", classes="language-columns"):
                    with Vertical(classes="consultant-column"):
                        yield Static("", id="question-help", markup=False)
                    with Vertical(classes="interview-column"):
                        yield ScriptText(id="interview-help", reorder=self._reorder())
                yield Static("", id="historical", markup=False)
        yield KeyHints()

    def on_mount(self) -> None:
        app = self.app
        self.intake = IntakeSession(app.require_store(), app.intake_form, self.case_id, app.today())
        self.form = self.intake.form
        case = self.intake.case
        self.sub_title = f"{case.given_names} {case.family_name}"
        section, question = self.intake.resume_point()
        self._show(section, question)

    def refresh_language(self) -> None:
        self.query_one("#domain-legend", Static).update(DomainSidebar.legend())
        if self.section and self.question and self._flush():
            self._show(self.section, self.question)

    def _show(self, section: Section, question: Question) -> None:
        self._cancel_timer()
        self.section, self.question = section, question
        self._pending = _NOTHING
        self._typing_invalid = False
        self._write_failed = False
        shown = self.walk.visible_questions(section)
        number = [q.id for q in shown].index(question.id) + 1 if question in shown else 0
        title = _(section.title)
        if section.special_category:
            title += "  " + _("[bijzondere persoonsgegevens]")
        if section.id in self.walk.skipped:
            reason = self.walk.skipped[section.id]
            title += "\n" + _("Overgeslagen: {reason} (Ctrl+O zet het weer open)").format(
                reason=reason
            )
        self.query_one("#domain-title", Static).update(title)
        self.query_one("#question-count", Static).update(
            _("Vraag {n} van {total}").format(n=number, total=len(shown))
            + ("  · " + _("verplicht") if question.required else "")
        )
        self.query_one("#question-prompt", Static).update(_(question.prompt))
        self.query_one("#question-help", Static).update(
            "\n\n".join(_(text) for text in (question.help, question.note) if text)
        )
        self._show_interview_language(question)
        answer = self.walk.answer_for(question.id)
        slot = self.query_one("#answer-slot", Vertical)
        slot.remove_children()
        widget = answer_widget(question, answer.value if answer else None)
        widget.disabled = self.app.read_only  # shown, not editable: another window writes
        self._answer_widget = widget
        slot.mount(widget)
        # Focus without scrolling and show the pane from its top: the question and the answer
        # stand there; scrolling to the answer could push the question out of view.
        widget.focus(scroll_visible=False)
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)
        self.query_one("#answer-error", Label).update("")
        self._show_saved_state(answer)
        self._show_note(question)
        self._show_suggestion(question, answer)
        self._show_warnings()
        self._show_historical(section)
        self.query_one(DomainSidebar).show(self.walk, section.id)
        if not self.app.read_only:
            self.intake.move_to(question)

    def _reorder(self) -> bool:
        return app_reorders(self.app.settings.bidi, os.environ)

    def _show_interview_language(self, question: Question) -> None:
        """What the person may see of the question, in their language, for the interpreter:
        never the consultant's note, and only a "not read aloud" line for their own questions."""
        language = self.interview_language
        for column in self.query(".interview-column"):
            column.display = language != "nl"
        if language == "nl":
            return
        self.query_one("#interview-language", Static).update(language_name(language, ui_language()))
        if not has_catalogue(language):
            # No questions in this language: say so, rather than show Dutch as if it were it.
            notice = _("De tolk vertaalt vanuit het Nederlands")
            self.query_one("#interview-prompt", ScriptText).set_text(notice, ui_language())
            self.query_one("#interview-help", ScriptText).set_text("", ui_language())
            self.query_one("#interview-options", ScriptText).set_text("", ui_language())
            return
        translate = translator(language)
        view = person_view(question)
        self.query_one("#interview-prompt", ScriptText).set_text(
            translate(view.prompt if view else CONSULTANT_ONLY), language
        )
        self.query_one("#interview-help", ScriptText).set_text(
            translate(view.help) if view and view.help else "", language
        )
        self.query_one("#interview-options", ScriptText).set_text(
            option_lines(view, translate, language) if view else "", language
        )

    def _show_warnings(self) -> None:
        """The form's checks on the current answer, under it: warnings, the consultant may go on."""
        if self.question is None:
            return
        found = self.intake.warnings(self.app.settings.local_practice, self.question.id)
        self.query_one("#answer-warnings", Static).update(
            "\n".join("⚠ " + warning.text(_) for warning in found)
        )

    def _show_saved_state(self, answer: Any, saved_now: bool = False) -> None:
        state = self.query_one("#save-state", Static)
        if answer is not None and answer.not_asked_reason:
            state.update(_("Niet gevraagd: {reason}").format(reason=answer.not_asked_reason))
        elif saved_now:
            state.update(
                "✔ " + _("Opgeslagen om {time}").format(time=datetime.now().strftime("%H:%M:%S"))
            )
        elif answer is not None and is_no_answer(answer.value):
            state.update(
                "✔ " + _("Vastgelegd: {what}").format(what=answer_text(self.question, answer.value))
                if self.question
                else ""
            )
        elif answer is not None and answer.value is not None:
            state.update("✔ " + _("Opgeslagen"))
        else:
            state.update(_("Nog geen antwoord"))

    def _show_note(self, question: Question) -> None:
        note = self.intake.question_note(question)
        self.query_one("#question-note", Static).update(
            "✎ " + _("Notitie (alleen voor u): {note}").format(note=note) if note else ""
        )

    def _show_suggestion(self, question: Question, answer: Any) -> None:
        """What the conversation or the household says, unless the answer already says it."""
        suggestion = self.walk.suggestion(question)
        self._suggested = None
        text = ""
        if suggestion is not None:
            value = None if suggestion.value is None else suggestion_answer(question, suggestion)
            current = answer.value if answer is not None else None
            if value is None or value != current:
                text = suggestion_text(question, suggestion)
                self._suggested = value
            if value is not None and value != current:
                differs = current is not None
                text += "  " + (
                    _("Wijkt af van het antwoord; F2 neemt dit over.")
                    if differs
                    else _("F2 neemt dit over.")
                )
        self.query_one("#suggestion", Static).update(text)
        self.refresh_bindings()

    def action_take_suggestion(self) -> None:
        """The consultant takes the suggestion: it becomes the answer as if typed and confirmed."""
        if self.question is None or self._suggested is None:
            return
        slot = self.query_one("#answer-slot", Vertical)
        slot.remove_children()
        widget = answer_widget(self.question, self._suggested)
        self._answer_widget = widget
        slot.mount(widget)
        # Taking it is the consultant's explicit act: it is saved like a typed answer.
        self._pending = widget.raw
        self.action_next_question()

    def _show_historical(self, section: Section) -> None:
        """Answers to questions this form version no longer has: shown where they were given."""
        known_sections = {s.id for s in self.form.sections}
        first = section.id == self.form.sections[0].id
        not_asked = _("niet gevraagd")
        lines = [
            f"  {qid}: {a.value if a.value is not None else not_asked}"
            for qid, a in self.walk.historical_answers().items()
            if a.section_id == section.id or (first and a.section_id not in known_sections)
        ]
        text = ""
        if lines:
            text = _("Antwoorden uit een oudere versie van het formulier (blijven bewaard):")
            text += "\n" + "\n".join(lines)
        self.query_one("#historical", Static).update(text)

    # -- answering ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A read-only window says why typing an answer does nothing."""
        if self.app.read_only and (
            event.is_printable or event.key in ("enter", "space", "delete", "backspace")
        ):
            self.query_one("#answer-error", Label).update(_(READ_ONLY_REFUSED))

    @on(AnswerEdited)
    def _edited(self, event: AnswerEdited) -> None:
        event.stop()
        if self.app.read_only:
            self.query_one("#answer-error", Label).update(_(READ_ONLY_REFUSED))
            return
        question = self.question
        if question is None or event.question_id != question.id:
            return
        value = self.intake.check(question, event.raw)
        error = self.query_one("#answer-error", Label)
        self._cancel_timer()
        if isinstance(value, Invalid):
            self._typing_invalid = True
            self._pending = _NOTHING
            if event.final:
                self._show_invalid(value)
            else:
                self.query_one("#save-state", Static).update("… " + _("wordt getypt"))
            return
        self._typing_invalid = False
        error.update("")
        if not (event.final and value is None):
            # Enter on an empty answer is "go on", not "clear": clearing is its own edit
            # (Delete on a choice, erasing typed text), which arrives as a non-final edit.
            self._pending = event.raw
        if event.final:
            held = self.intake.answer_for(question.id)
            if question.required and value is None and not (held and held.not_asked_reason):
                self.notify(_("Verplichte vraag zonder antwoord: er is niets vastgelegd."))
            self.action_next_question()
            return
        typed = question.type in (AnswerType.TEXT, AnswerType.DATE, AnswerType.NUMBER)
        # A choice waits as long as a burst of keys lasts: prose typed into a choice question
        # gives the answer back before anything was written.
        delay = TYPING_SAVE_DELAY if typed else PROSE_WINDOW
        self._save_timer = self.set_timer(delay, self._flush)
        if typed:
            self.query_one("#save-state", Static).update("… " + _("wordt getypt"))

    @on(ProseIgnored)
    def _prose_ignored(self, event: ProseIgnored) -> None:
        event.stop()
        self.query_one("#answer-error", Label).update(
            _(
                "Dit is een keuzevraag: getypte tekst verandert het antwoord niet. Kies met een cijfer, j/n of Spatie."
            )
        )

    def _cancel_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def _show_invalid(self, invalid: Invalid) -> None:
        self.query_one("#answer-error", Label).update(_(invalid.msgid).format(**invalid.params))
        self.query_one("#save-state", Static).update(
            "✘ " + _("Niet opgeslagen: verbeter het antwoord")
        )

    def _flush(self) -> bool:
        """Save the edit waiting for this question; False (with the reason shown) if invalid or
        refused by the store: then the edit stays waiting, for the next try."""
        self._cancel_timer()
        if self.question is None or self._pending is _NOTHING:
            return True
        try:
            outcome = self.intake.answer(self.question, self._pending)
        except WriteFailed as failed:
            self._show_write_failed(failed)
            return False
        if isinstance(outcome, Invalid):
            self._show_invalid(outcome)
            return False
        self._pending = _NOTHING
        if self._write_failed:
            self._write_failed = False
            self.query_one("#answer-error", Label).update("")
        self._show_saved_state(
            self.intake.answer_for(outcome.question_id), saved_now=outcome.changed
        )
        self._after_write()
        return True

    def _show_write_failed(self, failed: WriteFailed) -> None:
        """Not saved, and why; the answer widget keeps what was typed (nothing is reloaded)."""
        self._write_failed = True
        self.query_one("#save-state", Static).update(
            "✘ " + _("Niet opgeslagen: {reason}").format(reason=_(failed.reason_msgid))
        )
        self.query_one("#answer-error", Label).update(
            _("Uw antwoord staat er nog. Druk op Enter of PgDn om het opnieuw op te slaan.")
        )
        self.app.bell()

    def _refused(self, failed: WriteFailed) -> None:
        """A note, reason or skip the store refused: said above any dialog, never as saved."""
        self.notify(
            _("Niet opgeslagen: {reason}").format(reason=_(failed.reason_msgid)),
            severity="error",
        )

    def save_pending(self) -> None:
        """Save an edit still waiting (the app is about to lock or quit)."""
        self._flush()

    def has_unsaved_answer(self) -> bool:
        """Whether the answer on screen is not (yet) in the store: typed, invalid or refused."""
        return self._pending is not _NOTHING or self._typing_invalid or self._write_failed

    def _after_write(self) -> None:
        self._show_warnings()
        if self.section is not None:
            self.query_one(DomainSidebar).show(self.walk, self.section.id)

    def _settle_current(self) -> bool:
        """Save what the consultant entered here; False (with the error shown) when invalid."""
        if self.question is None:
            return True
        if self._typing_invalid:
            widget = self._answer_widget
            invalid = self.intake.check(self.question, getattr(widget, "raw", None))
            if isinstance(invalid, Invalid):
                self._show_invalid(invalid)
                if widget is not None:
                    widget.focus()
                return False
        return self._flush()

    # -- moving ------------------------------------------------------------------------------

    def action_next_question(self) -> None:
        if self.section is None or self.question is None or not self._settle_current():
            return
        following = self.walk.next_question(self.section, self.question)
        if following is not None:
            self._show(self.section, following)
            return
        self._domain_finished(self.section)
        self._show_summary(self.section, at_end=True)

    def _domain_finished(self, section: Section) -> None:
        missing = self.walk.missing_required(section)
        if missing:
            self.notify(
                ngettext(
                    "Nog open in {domain}: {n} verplichte vraag.",
                    "Nog open in {domain}: {n} verplichte vragen.",
                    len(missing),
                ).format(domain=_(section.title), n=len(missing)),
                severity="warning",
            )

    def action_previous_question(self) -> None:
        if self.section is None or self.question is None or not self._settle_current():
            return
        earlier = self.walk.previous_question(self.section, self.question)
        if earlier is not None:
            self._show(self.section, earlier)
            return
        previous = self.walk.next_section(self.section, -1)
        if previous is not None:
            shown = self.walk.visible_questions(previous)
            self._show(previous, shown[-1])

    def action_next_domain(self, settled: bool = False) -> None:
        if self.section is None or (not settled and not self._settle_current()):
            return
        following = self.walk.next_section(self.section, 1)
        if following is None:
            done, total = self.walk.progress()
            self.notify(
                ngettext(
                    "Einde van de intake: {done} van {total} onderwerp klaar.",
                    "Einde van de intake: {done} van {total} onderwerpen klaar.",
                    total,
                ).format(done=done, total=total)
            )
            return
        self._show(following, self.walk.visible_questions(following)[0])

    def action_previous_domain(self) -> None:
        if self.section is None or not self._settle_current():
            return
        previous = self.walk.next_section(self.section, -1)
        if previous is not None:
            self._show(previous, self.walk.visible_questions(previous)[0])

    @on(OptionList.OptionSelected, "#domains")
    def _domain_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not self._settle_current():
            return
        section = next(s for s in self.form.sections if s.id == event.option.id)
        shown = self.walk.visible_questions(section)
        if not shown:
            return
        open_questions = [q for q in shown if not ((a := self.walk.answer_for(q.id)) and a.settled)]
        self._show(section, (open_questions or shown)[0])

    # -- the consultant's tools ---------------------------------------------------------------

    def action_dont_know(self) -> None:
        self._record_no_answer(DONT_KNOW)

    def action_decline(self) -> None:
        self._record_no_answer(DECLINED)

    def _record_no_answer(self, kind: str) -> None:
        """The person does not know, or would rather not say: recorded as such, and on."""
        question = self.question
        if question is None:
            return
        self._cancel_timer()
        try:
            outcome = self.intake.no_answer(question, kind)
        except WriteFailed as failed:
            self._show_write_failed(failed)
            return
        self._pending = _NOTHING
        self._typing_invalid = False
        if isinstance(outcome, Invalid):
            self.notify(_(outcome.msgid).format(**outcome.params), severity="warning")
            return
        self.action_next_question()

    def action_note(self) -> None:
        question = self.question
        if question is None or not self._settle_current():
            return

        def keep(text: str | None) -> None:
            if text is None:
                return
            try:
                self.intake.note_question(question, text)
            except WriteFailed as failed:
                self._refused(failed)
                self.app.push_screen(NoteDialog(_("Notitie bij de vraag"), text), keep)
                return
            self._show_note(question)

        self.app.push_screen(
            NoteDialog(_("Notitie bij de vraag"), self.intake.question_note(question)), keep
        )

    def action_domain_note(self) -> None:
        section = self.section
        if section is None or not self._settle_current():
            return

        title = _("Notitie bij {domain}").format(domain=_(section.title))

        def keep(text: str | None) -> None:
            if text is None:
                return
            try:
                self.intake.note_domain(section, text)
            except WriteFailed as failed:
                self._refused(failed)
                self.app.push_screen(NoteDialog(title, text), keep)

        self.app.push_screen(NoteDialog(title, self.intake.domain_note(section)), keep)

    def action_summary(self) -> None:
        if self.section is not None and self._settle_current():
            self._show_summary(self.section, at_end=False)

    def _show_summary(self, section: Section, *, at_end: bool) -> None:
        """The domain's answers before leaving it; from there any answer can be opened."""

        def chosen(choice: SummaryChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "open" and choice.question is not None:
                self._show(section, choice.question)
            elif choice.action == "next":
                self.action_next_domain(settled=True)

        self.app.push_screen(
            DomainSummaryDialog(self.intake, section, self.domain_warnings(section)), chosen
        )

    def domain_warnings(self, section: Section) -> list[str]:
        """The form's checks across questions that warn in this domain, for its summary."""
        found = self.intake.warnings(self.app.settings.local_practice)
        return [warning.text(_) for warning in found if warning.section_id == section.id]

    def action_find(self) -> None:
        if not self._settle_current():
            return
        items = [
            Findable(section, question, self.walk.is_visible(section, question))
            for section in self.walk.sections()
            for question in section.all_questions
        ]

        def go(found: Findable | None) -> None:
            if found is not None and found.shown:
                self._show(found.section, found.question)

        self.app.push_screen(FindQuestionDialog(items), go)

    def action_not_asked(self) -> None:
        if self.question is None or self.section is None:
            return
        question, section = self.question, self.section
        current = self.intake.answer_for(question.id)

        title = _("Waarom is deze vraag niet gesteld?")

        def record(reason: str | None) -> None:
            if not reason:
                return
            self._cancel_timer()
            try:
                self.intake.not_asked(question, reason)
            except WriteFailed as failed:
                self._refused(failed)
                self.app.push_screen(ReasonDialog(title, reason), record)
                return
            self._pending = _NOTHING
            following = self.walk.next_question(section, question)
            if following is None:
                self.action_next_domain(settled=True)
            else:
                self._show(section, following)

        self.app.push_screen(
            ReasonDialog(title, current.not_asked_reason or "" if current else ""), record
        )

    def action_skip_domain(self) -> None:
        section = self.section
        if section is None or not self._settle_current():
            return
        if section.id in self.walk.skipped:
            try:
                self.intake.reopen_domain(section)
            except WriteFailed as failed:
                self._refused(failed)
                return
            self.notify(_("Onderwerp {domain} staat weer open.").format(domain=_(section.title)))
            self.query_one(DomainSidebar).show(self.walk, section.id)
            return

        title = _("Waarom slaat u dit onderwerp over?")

        def record(reason: str | None) -> None:
            if not reason:
                return
            try:
                self.intake.skip_domain(section, reason)
            except WriteFailed as failed:
                self._refused(failed)
                self.app.push_screen(ReasonDialog(title, reason), record)
                return
            self.action_next_domain(settled=True)
            self.query_one(DomainSidebar).show(self.walk, self.section.id if self.section else None)

        self.app.push_screen(ReasonDialog(title), record)

    def action_back(self) -> None:
        if self._settle_current():
            self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.refused_read_only(action):
            return None
        if action == "next_question" and self._typing_invalid:
            return None  # greyed: the answer must be valid first
        if action in ("dont_know", "decline"):
            question = self.question
            allowed = question is not None and (
                question.allow_dont_know if action == "dont_know" else question.allow_decline
            )
            return allowed
        # Nothing to take: "take" is not offered.
        return not (action == "take_suggestion" and self._suggested is None)
