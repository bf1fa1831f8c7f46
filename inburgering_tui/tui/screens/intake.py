"""The brede intake, question by question, every answer committed the moment it is valid."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Label, OptionList, Static

from inburgering_tui.domain.answers import Invalid, validate
from inburgering_tui.domain.forms import AnswerType, Question, Section
from inburgering_tui.domain.intake import DomainStatus, IntakeWalk
from inburgering_tui.domain.languages import first_language
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
from inburgering_tui.store.repository import StoredAnswer
from inburgering_tui.tui.dialogs.reason import ReasonDialog
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.labels import facts_for, suggestion_answer, suggestion_text
from inburgering_tui.tui.messages import AnswerEdited
from inburgering_tui.tui.widgets.domains import DomainSidebar
from inburgering_tui.tui.widgets.questions import answer_widget, option_lines
from inburgering_tui.tui.widgets.script_text import ScriptText

TYPING_SAVE_DELAY = 0.4  # seconds after the last key before a valid typed answer is committed


class IntakeScreen(Screen[None]):
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
        Binding("escape", "back", N_("Terug"), id="intake.back"),
    ]

    def __init__(self, case_id: str) -> None:
        super().__init__(id="intake")
        self.case_id = case_id
        self.section: Section | None = None
        self.question: Question | None = None
        self._pending: Any = None
        self._save_timer: Timer | None = None
        self._typing_invalid = False
        self._answer_widget: Widget | None = None
        self._suggested: Any = None  # what F2 takes for the shown question

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
                yield Static("", id="save-state", markup=False)
                yield Static("", id="suggestion", markup=False)
                with Horizontal(id="help-columns", classes="language-columns"):
                    with Vertical(classes="consultant-column"):
                        yield Static("", id="question-help", markup=False)
                    with Vertical(classes="interview-column"):
                        yield ScriptText(id="interview-help", reorder=self._reorder())
                yield Static("", id="historical", markup=False)
        yield KeyHints()

    def on_mount(self) -> None:
        store = self.app.require_store()  # type: ignore[attr-defined]
        self.form = self.app.intake_form  # type: ignore[attr-defined]
        self.case = store.get_case(self.case_id)
        self.sub_title = f"{self.case.given_names} {self.case.family_name}"
        # Answers are linked to the conversation they were given in: the latest one.
        conversations = store.conversations(self.case_id)
        self.conversation = conversations[-1] if conversations else None
        self.conversation_id = conversations[-1].id if conversations else None
        # The interview language is set per conversation; without one, the case's first language.
        if conversations:
            self.interview_language = conversations[-1].interview_language
        else:
            self.interview_language = first_language(self.case.languages)
        self._reload_walk()
        section, question = self._resume_point()
        self._show(section, question)

    def refresh_language(self) -> None:
        self.query_one("#domain-legend", Static).update(DomainSidebar.legend())
        if self.section and self.question:
            self._show(self.section, self.question)

    def _reload_walk(self) -> None:
        store = self.app.require_store()  # type: ignore[attr-defined]
        self._answers: dict[str, StoredAnswer] = store.answers(self.case_id, self.form.id)
        today = self.app.today()  # type: ignore[attr-defined]
        self.walk = IntakeWalk(
            self.form,
            facts_for(self.case, today, store.household(self.case_id), self.conversation),
            self._answers,
            store.skipped_sections(self.case_id, self.form.id),
        )

    def _resume_point(self) -> tuple[Section, Question]:
        store = self.app.require_store()  # type: ignore[attr-defined]
        saved = store.position(self.case_id, self.form.id)
        if saved:
            section = self.form.section_of(saved)
            question = self.form.question(saved)
            if section and question and self.walk.is_visible(section, question):
                return section, question
        for section in self.walk.sections():
            if self.walk.status(section) in (DomainStatus.NOT_STARTED, DomainStatus.PARTLY):
                for question in self.walk.visible_questions(section):
                    answer = self.walk.answer_for(question.id)
                    if answer is None or not answer.settled:
                        return section, question
        section = self.walk.sections()[0]
        first = self.walk.first_question(section)
        assert first is not None
        return section, first

    def _show(self, section: Section, question: Question) -> None:
        self.section, self.question = section, question
        self._pending = None
        self._typing_invalid = False
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
        self.query_one("#question-help", Static).update(_(question.help) if question.help else "")
        self._show_interview_language(question)
        answer = self.walk.answer_for(question.id)
        slot = self.query_one("#answer-slot", Vertical)
        slot.remove_children()
        widget = answer_widget(question, answer.value if answer else None)
        self._answer_widget = widget
        slot.mount(widget)
        # Focus without scrolling and show the pane from its top: the question and the answer
        # stand there; scrolling to the answer could push the question out of view.
        widget.focus(scroll_visible=False)
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)
        self.query_one("#answer-error", Label).update("")
        self._show_saved_state(answer)
        self._show_suggestion(question, answer)
        self._show_historical(section)
        self.query_one(DomainSidebar).show(self.walk, section.id)
        self.app.require_store().set_position(self.case_id, self.form.id, question.id)  # type: ignore[attr-defined]

    def _reorder(self) -> bool:
        return app_reorders(self.app.settings.bidi, os.environ)  # type: ignore[attr-defined]

    def _show_interview_language(self, question: Question) -> None:
        """The same question, help and options in the person's language, for the interpreter."""
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
        self.query_one("#interview-prompt", ScriptText).set_text(
            translate(question.prompt), language
        )
        self.query_one("#interview-help", ScriptText).set_text(
            translate(question.help) if question.help else "", language
        )
        self.query_one("#interview-options", ScriptText).set_text(
            option_lines(question, translate, language), language
        )

    def _show_saved_state(self, answer: Any, saved_now: bool = False) -> None:
        state = self.query_one("#save-state", Static)
        if answer is not None and answer.not_asked_reason:
            state.update(_("Niet gevraagd: {reason}").format(reason=answer.not_asked_reason))
        elif saved_now:
            state.update(
                "✔ " + _("Opgeslagen om {time}").format(time=datetime.now().strftime("%H:%M:%S"))
            )
        elif answer is not None and answer.value is not None:
            state.update("✔ " + _("Opgeslagen"))
        else:
            state.update(_("Nog geen antwoord"))

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

    @on(AnswerEdited)
    def _edited(self, event: AnswerEdited) -> None:
        event.stop()
        if self.question is None or event.question_id != self.question.id:
            return
        value = validate(self.question, event.raw, self.app.today())  # type: ignore[attr-defined]
        error = self.query_one("#answer-error", Label)
        if isinstance(value, Invalid):
            self._typing_invalid = True
            self._cancel_timer()
            if event.final:
                error.update(_(value.msgid).format(**value.params))
                self.query_one("#save-state", Static).update(
                    "✘ " + _("Niet opgeslagen: verbeter het antwoord")
                )
            else:
                self.query_one("#save-state", Static).update("… " + _("wordt getypt"))
            return
        self._typing_invalid = False
        error.update("")
        typed = self.question.type in (AnswerType.TEXT, AnswerType.DATE, AnswerType.NUMBER)
        if typed and not event.final:
            self._pending = value
            self._cancel_timer()
            self._save_timer = self.set_timer(TYPING_SAVE_DELAY, self._flush)
            self.query_one("#save-state", Static).update("… " + _("wordt getypt"))
            return
        self._save(value)
        if event.final:
            self.action_next_question()

    def _cancel_timer(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None

    def _flush(self) -> None:
        self._cancel_timer()
        if self._pending is not None or self._current_raw_empty():
            self._save(self._pending)
        self._pending = None

    def _current_raw_empty(self) -> bool:
        widget = self._answer_widget
        raw = getattr(widget, "raw", None)
        return raw in (None, "", [])

    def _save(self, value: Any) -> None:
        assert self.section is not None and self.question is not None
        current = self.walk.answer_for(self.question.id)
        if current is not None and current.value == value and not current.not_asked_reason:
            self._show_saved_state(current)
            return
        if current is None and value is None:
            return
        store = self.app.require_store()  # type: ignore[attr-defined]
        store.save_answer(
            self.case_id,
            self.form.id,
            self.form.version,
            self.section.id,
            self.question.id,
            value,
            conversation_id=self.conversation_id,
        )
        saved = StoredAnswer(self.question.id, self.section.id, self.form.version, value, None)
        self._answers[self.question.id] = saved
        self._show_saved_state(saved, saved_now=True)
        self.query_one(DomainSidebar).show(self.walk, self.section.id)

    def _settle_current(self) -> bool:
        """Commit what is in the answer widget; False (with the error shown) when invalid."""
        if self.question is None:
            return True
        widget = self._answer_widget
        raw = getattr(widget, "raw", None)
        value = validate(self.question, raw, self.app.today())  # type: ignore[attr-defined]
        if isinstance(value, Invalid):
            self.query_one("#answer-error", Label).update(_(value.msgid).format(**value.params))
            self.query_one("#save-state", Static).update(
                "✘ " + _("Niet opgeslagen: verbeter het antwoord")
            )
            if widget is not None:
                widget.focus()
            return False
        self._cancel_timer()
        existing = self.walk.answer_for(self.question.id)
        if value is not None or (existing is not None and existing.value is not None):
            self._save(value)
        self._pending = None
        return True

    # -- moving ------------------------------------------------------------------------------

    def action_next_question(self) -> None:
        if self.section is None or self.question is None or not self._settle_current():
            return
        following = self.walk.next_question(self.section, self.question)
        if following is not None:
            self._show(self.section, following)
            return
        self._domain_finished(self.section)
        self.action_next_domain(settled=True)

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

    def action_not_asked(self) -> None:
        if self.question is None:
            return
        question, section = self.question, self.section
        current = self.walk.answer_for(question.id)

        def record(reason: str | None) -> None:
            if reason is None or section is None:
                return
            self._cancel_timer()
            self.app.require_store().save_answer(  # type: ignore[attr-defined]
                self.case_id,
                self.form.id,
                self.form.version,
                section.id,
                question.id,
                None,
                not_asked_reason=reason,
                conversation_id=self.conversation_id,
            )
            self._reload_walk()
            following = self.walk.next_question(section, question)
            if following is None:
                self.action_next_domain(settled=True)
            else:
                self._show(section, following)

        self.app.push_screen(
            ReasonDialog(
                _("Waarom is deze vraag niet gesteld?"),
                current.not_asked_reason or "" if current else "",
            ),
            record,
        )

    def action_skip_domain(self) -> None:
        section = self.section
        if section is None:
            return
        store = self.app.require_store()  # type: ignore[attr-defined]
        if section.id in self.walk.skipped:
            store.skip_section(self.case_id, self.form.id, section.id, None)
            self._reload_walk()
            self.notify(_("Onderwerp {domain} staat weer open.").format(domain=_(section.title)))
            self.query_one(DomainSidebar).show(self.walk, section.id)
            return

        def record(reason: str | None) -> None:
            if reason is None:
                return
            store.skip_section(self.case_id, self.form.id, section.id, reason)
            self._reload_walk()
            self.action_next_domain(settled=True)
            self.query_one(DomainSidebar).show(self.walk, self.section.id if self.section else None)

        self.app.push_screen(ReasonDialog(_("Waarom slaat u dit onderwerp over?")), record)

    def action_back(self) -> None:
        if self._settle_current():
            self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_question" and self._typing_invalid:
            return None  # greyed: the answer must be valid first
        if action == "take_suggestion" and self._suggested is None:
            return None
        return True
