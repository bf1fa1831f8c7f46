"""Walking an intake: which questions are shown, where next is, how complete each domain is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from inburgering_tui.domain.case_rules import age_on
from inburgering_tui.domain.forms import Condition, Form, Question, Section
from inburgering_tui.domain.intake_prefill import (
    ConversationFacts,
    HouseholdFacts,
    Suggestion,
    suggest,
)


class Answered(Protocol):
    @property
    def section_id(self) -> str: ...

    @property
    def value(self) -> Any: ...

    @property
    def not_asked_reason(self) -> str | None: ...

    @property
    def settled(self) -> bool: ...


class Member(Protocol):
    """A household member as the case registers it (store.models.HouseholdMember fits)."""

    @property
    def relation(self) -> str: ...

    @property
    def date_of_birth(self) -> date | None: ...


@dataclass(frozen=True)
class Household:
    """The household registered in the case, counted the way the form's checks compare it."""

    members: int  # everyone in the household, the person included
    children: int
    children_under_6: int | None  # None when a child's date of birth is not registered

    @classmethod
    def of(cls, members: Iterable[Member], today: date) -> Household:
        registered = list(members)
        children = [m for m in registered if m.relation == "kind"]
        ages = [age_on(m.date_of_birth, today) for m in children]
        under_6 = None if None in ages else sum(1 for a in ages if a is not None and a < 6)
        return cls(members=len(registered) + 1, children=len(children), children_under_6=under_6)

    def count(self, fact: str) -> int | None:
        return {
            "members": self.members,
            "children": self.children,
            "children_under_6": self.children_under_6,
        }.get(fact)


@dataclass(frozen=True)
class CaseFacts:
    """What skip logic, suggestions and the form's checks may know about the case besides the
    answers."""

    doelgroep: str
    age: int | None = None
    household: Household | None = None  # None: not looked up, so household checks stay quiet
    koppelingsdatum: date | None = None
    conversation: ConversationFacts | None = None  # the one the answers are given in
    members: HouseholdFacts | None = None  # who is in the household, for suggestions


class DomainStatus(StrEnum):
    DONE = "done"
    PARTLY = "partly"
    NOT_STARTED = "not_started"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"


class IntakeWalk:
    """The form as it applies to one case with its current answers.

    Answers are looked up through the form's ``renamed`` table, so a draft begun under an
    older form version continues under the new one.
    """

    def __init__(
        self,
        form: Form,
        facts: CaseFacts,
        answers: Mapping[str, Answered],
        skipped: Mapping[str, str],
    ) -> None:
        self.form = form
        self.facts = facts
        self.answers = answers
        self.skipped = skipped

    def answer_for(self, question_id: str) -> Answered | None:
        found = self.answers.get(question_id)
        if found is not None:
            return found
        for old, new in self.form.renamed.items():
            if new == question_id and old in self.answers:
                return self.answers[old]
        return None

    def value_of(self, question_id: str) -> Any:
        found = self.answer_for(question_id)
        return None if found is None else found.value

    def holds(self, conditions: list[Condition]) -> bool:
        """Whether every condition holds for this case and its answers (skip logic, checks)."""
        for condition in conditions:
            if condition.case == "doelgroep":
                subject: Any = self.facts.doelgroep
            elif condition.case == "age":
                subject = self.facts.age
            else:
                assert condition.question is not None
                subject = self.value_of(condition.question)
            if not condition.holds(subject):
                return False
        return True

    def section_applies(self, section: Section) -> bool:
        return self.holds(section.show_if)

    def is_visible(self, section: Section, question: Question) -> bool:
        return self.section_applies(section) and self.holds(question.show_if)

    def visible_questions(self, section: Section) -> list[Question]:
        if not self.section_applies(section):
            return []
        return [q for q in section.all_questions if self.holds(q.show_if)]

    def sections(self) -> list[Section]:
        return [s for s in self.form.sections if self.section_applies(s)]

    def status(self, section: Section) -> DomainStatus:
        if not self.section_applies(section):
            return DomainStatus.NOT_APPLICABLE
        if section.id in self.skipped:
            return DomainStatus.SKIPPED
        if not self.answers:  # most cases in a list: nothing asked yet, nothing to walk
            return DomainStatus.NOT_STARTED
        shown = self.visible_questions(section)
        settled = {q.id for q in shown if (a := self.answer_for(q.id)) is not None and a.settled}
        if not settled:
            return DomainStatus.NOT_STARTED
        if len(settled) < len(shown):  # a required one missing is among these
            return DomainStatus.PARTLY
        return DomainStatus.DONE

    def missing_required(self, section: Section) -> list[Question]:
        if section.id in self.skipped:
            return []
        return [
            q
            for q in self.visible_questions(section)
            if q.required and not ((a := self.answer_for(q.id)) is not None and a.settled)
        ]

    def progress(self) -> tuple[int, int]:
        """(domains done or skipped, domains that apply)."""
        applicable = self.sections()
        finished = [
            s for s in applicable if self.status(s) in (DomainStatus.DONE, DomainStatus.SKIPPED)
        ]
        return len(finished), len(applicable)

    def suggestion(self, question: Question) -> Suggestion | None:
        """What the conversation or the household says this question's answer is (shown for
        the consultant to take; it settles nothing by itself)."""
        return suggest(question, self.facts.conversation, self.facts.members)

    def historical_answers(self) -> dict[str, Answered]:
        """Stored answers whose question the current form no longer has (shown, never dropped)."""
        return {
            qid: answer for qid, answer in self.answers.items() if self.form.question(qid) is None
        }

    # -- moving ---------------------------------------------------------------------------

    def first_question(self, section: Section) -> Question | None:
        shown = self.visible_questions(section)
        return shown[0] if shown else None

    def next_question(self, section: Section, question: Question) -> Question | None:
        """The next shown question in the domain; None at its end."""
        shown = self.visible_questions(section)
        ids = [q.id for q in shown]
        if question.id in ids:
            index = ids.index(question.id)
            return shown[index + 1] if index + 1 < len(shown) else None
        # The current question was just hidden by its own answer's effect elsewhere:
        # continue with the first shown question after its place in the form.
        order = [q.id for q in section.all_questions]
        after = order.index(question.id) if question.id in order else -1
        for candidate in shown:
            if order.index(candidate.id) > after:
                return candidate
        return None

    def previous_question(self, section: Section, question: Question) -> Question | None:
        shown = self.visible_questions(section)
        order = [q.id for q in section.all_questions]
        at = order.index(question.id) if question.id in order else len(order)
        earlier = [q for q in shown if order.index(q.id) < at]
        return earlier[-1] if earlier else None

    def next_section(self, section: Section, step: int = 1) -> Section | None:
        shown = self.sections()
        ids = [s.id for s in shown]
        if section.id not in ids:
            return shown[0] if shown else None
        index = ids.index(section.id) + step
        return shown[index] if 0 <= index < len(shown) else None
