"""One case's brede intake: the only way an answer is written, cleared or marked not asked.

Every write is an explicit act of the consultant (a chosen option, a typed and valid value, a
clearing, a reason) and commits before the method returns: what the screen calls saved is on disk.
A write the disk or the database refuses raises :class:`WriteFailed` and changes nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import Invalid, validate
from inburgering_tui.domain.case_facts import given
from inburgering_tui.domain.case_rules import age_on
from inburgering_tui.domain.checks import AnswerWarning, warnings
from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.domain.forms import Form, Question, Section, no_answer
from inburgering_tui.domain.intake import CaseFacts, DomainStatus, Household, IntakeWalk
from inburgering_tui.domain.intake_prefill import Child, ConversationFacts, HouseholdFacts
from inburgering_tui.domain.languages import first_language
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.models import Case, Conversation, HouseholdMember
from inburgering_tui.store.repository import Store, StoredAnswer
from inburgering_tui.store.write_faults import WriteFault, write_fault

QUESTION, DOMAIN = "question", "domain"  # what a note is about
NOTE_MAX_LENGTH = 4000


class UnknownQuestion(LookupError):
    """A question id the form does not have."""


# Why a write failed, as the consultant reads it; each names what to do about it.
WRITE_FAULT_REASONS = {
    WriteFault.DISK_FULL: N_("De schijf is vol. Maak ruimte vrij op de schijf."),
    WriteFault.READ_ONLY: N_("De opslag is alleen-lezen: er kan niets in worden geschreven."),
    WriteFault.IO_ERROR: N_("De schijf gaf een fout bij het schrijven (I/O-fout)."),
    WriteFault.BUSY: N_("Een ander programma schrijft nu in de opslag; probeer het zo opnieuw."),
    WriteFault.REFUSED: N_("De opslag weigerde het schrijven."),
}


class WriteFailed(Exception):
    """The store refused a write (a full disk, a read-only store, an I/O error): nothing of it
    was saved, and the session still holds what the store holds."""

    def __init__(self, fault: WriteFault) -> None:
        super().__init__(fault.value)
        self.fault = fault

    @property
    def reason_msgid(self) -> str:
        return WRITE_FAULT_REASONS[self.fault]


@contextmanager
def _writing() -> Iterator[None]:
    """Turn the database's refusals into WriteFailed; anything else (a bug) goes on up."""
    try:
        yield
    except Exception as error:
        fault = write_fault(error)
        if fault is None:
            raise
        raise WriteFailed(fault) from error


@dataclass(frozen=True)
class Saved:
    """The outcome of a write: ``changed`` is False when the store already held this."""

    question_id: str
    value: Any
    changed: bool


def case_facts(
    case: Case,
    today: date,
    household: Sequence[HouseholdMember] | None = None,
    conversation: Conversation | None = None,
) -> CaseFacts:
    """What the intake's skip logic, suggestions and checks may know about the case besides
    the answers: the household (counted only when its members are given) and the
    conversation the answers are given in."""
    members = None
    if household is not None:
        members = HouseholdFacts(
            members=len(household),
            children=tuple(
                Child(member.name, age_on(member.date_of_birth, today))
                for member in household
                if member.relation == "kind"
            ),
        )
    talk = None
    if conversation is not None:
        talk = ConversationFacts(
            language=conversation.interview_language,
            interpreter=conversation.interpreter_name,
            place=conversation.place,
        )
    return CaseFacts(
        doelgroep=case.doelgroep,
        age=age_on(case.date_of_birth, today),
        household=None if household is None else Household.of(household, today),
        koppelingsdatum=case.koppelingsdatum,
        conversation=talk,
        members=members,
    )


class IntakeSession:
    """The intake of one case with one form, as the consultant walks it."""

    def __init__(self, store: Store, form: Form, case_id: str, today: date) -> None:
        case = store.get_case(case_id)
        if case is None:
            raise LookupError(case_id)
        self.store, self.form, self.case, self.today = store, form, case, today
        conversations = store.conversations(case_id)
        # Answers are linked to the conversation they were given in: the latest one.
        self.conversation = conversations[-1] if conversations else None
        self.conversation_id = self.conversation.id if self.conversation else None
        # The interview language is set per conversation; without one, the case's first language.
        if self.conversation is not None:
            self.interview_language = self.conversation.interview_language
        else:
            self.interview_language = first_language(case.languages)
        self.reload()

    @property
    def case_id(self) -> str:
        return self.case.id

    def reload(self) -> None:
        """Read the answers and skipped domains again (after a write by this session or another)."""
        self.answers: dict[str, StoredAnswer] = self.store.answers(self.case.id, self.form.id)
        self.notes: dict[tuple[str, str], str] = self.store.notes(self.case.id, self.form.id)
        self.walk = IntakeWalk(
            self.form,
            case_facts(
                self.case, self.today, self.store.household(self.case.id), self.conversation
            ),
            self.answers,
            self.store.skipped_sections(self.case.id, self.form.id),
        )

    # -- reading -------------------------------------------------------------------------------

    def section_of(self, question: Question) -> Section:
        section = self.form.section_of(question.id)
        if section is None:
            raise UnknownQuestion(question.id)
        return section

    def question(self, question_id: str) -> Question:
        question = self.form.question(question_id)
        if question is None:
            raise UnknownQuestion(question_id)
        return question

    def answer_for(self, question_id: str) -> StoredAnswer | None:
        return self.answers.get(question_id)

    def resume_point(self) -> tuple[Section, Question]:
        """Where the consultant was; else the first open question of the first open domain."""
        saved = self.store.position(self.case.id, self.form.id)
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
        assert first is not None  # a section has at least one question (the form model says so)
        return section, first

    def warnings(
        self, practice: LocalPractice | None = None, question_id: str | None = None
    ) -> list[AnswerWarning]:
        """The form's checks on the answers as they stand (one question's with ``question_id``),
        against the household registered in the case: warnings, never refusals."""
        facts = self.walk.facts
        values = given({qid: answer.value for qid, answer in self.answers.items()})
        return warnings(
            self.form, values, facts, self.today, practice, self.walk.skipped, question_id
        )

    def move_to(self, question: Question) -> bool:
        """Remember where the consultant is (not an answer: not audited). False when the store
        refused it: a lost place is no lost answer, and moving on must still work."""
        try:
            with _writing():
                self.store.set_position(self.case.id, self.form.id, question.id)
        except WriteFailed:
            return False
        return True

    def question_note(self, question: Question) -> str:
        return self.notes.get((QUESTION, question.id), "")

    def domain_note(self, section: Section) -> str:
        return self.notes.get((DOMAIN, section.id), "")

    # -- writing -------------------------------------------------------------------------------

    def note_question(self, question: Question, text: str) -> None:
        """The consultant's own note on a question (empty: no note). Never read aloud."""
        self._note(QUESTION, question.id, text)

    def note_domain(self, section: Section, text: str) -> None:
        """The consultant's own note on a life domain (empty: no note). Never read aloud."""
        self._note(DOMAIN, section.id, text)

    def _note(self, kind: str, subject: str, text: str) -> None:
        text = text.strip()
        if len(text) > NOTE_MAX_LENGTH:
            raise ValueError(f"a note holds at most {NOTE_MAX_LENGTH} characters")
        if self.notes.get((kind, subject), "") == text:
            return
        with _writing():
            self.store.set_note(self.case.id, self.form.id, kind, subject, text)
        if text:
            self.notes[(kind, subject)] = text
        else:
            self.notes.pop((kind, subject), None)

    def check(self, question: Question, raw: Any) -> Any:
        """The value ``raw`` stands for, or :class:`Invalid` with the reason."""
        return validate(question, raw, self.today)

    def answer(self, question: Question, raw: Any) -> Saved | Invalid:
        """Record what the person answered; an empty ``raw`` clears the answer. Raises
        :class:`WriteFailed` (as every write here does) when the store refused it."""
        value = self.check(question, raw)
        if isinstance(value, Invalid):
            return value
        return self._write(question, value, None)

    def clear(self, question: Question) -> Saved:
        """Take an answer (or a "not asked") back: saved and audited like any answer."""
        return self._write(question, None, None)

    def no_answer(self, question: Question, kind: str) -> Saved | Invalid:
        """Record that the person does not know (``DONT_KNOW``) or would rather not say
        (``DECLINED``), where the form allows it."""
        return self.answer(question, no_answer(kind))

    def not_asked(self, question: Question, reason: str) -> Saved:
        reason = reason.strip()
        if not reason:
            raise ValueError("a question not asked needs its reason")
        return self._write(question, None, reason)

    def skip_domain(self, section: Section, reason: str) -> None:
        reason = reason.strip()
        if not reason:
            raise ValueError("a skipped domain needs its reason")
        with _writing():
            self.store.skip_section(self.case.id, self.form.id, section.id, reason)
        self.reload()

    def reopen_domain(self, section: Section) -> None:
        with _writing():
            self.store.skip_section(self.case.id, self.form.id, section.id, None)
        self.reload()

    def _write(self, question: Question, value: Any, reason: str | None) -> Saved:
        current = self.answers.get(question.id)
        held = (current.value, current.not_asked_reason) if current else (None, None)
        if held == (value, reason):
            return Saved(question.id, value, changed=False)
        section = self.section_of(question)
        with _writing():
            self.store.save_answer(
                self.case.id,
                self.form.id,
                self.form.version,
                section.id,
                question.id,
                value,
                not_asked_reason=reason,
                conversation_id=self.conversation_id,
            )
        # Only after the commit: the walk, the sidebar and the summary count what is on disk.
        self.answers[question.id] = StoredAnswer(
            question.id, section.id, self.form.version, value, reason
        )
        return Saved(question.id, value, changed=True)
