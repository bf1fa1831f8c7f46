"""The interview form model: sections (life domains), questions, answer types and skip logic.

Forms are data (``forms/*.toml``); this module only describes and checks their shape.
Every prompt, help text and option label is a Dutch gettext msgid, translated at display time.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from inburgering_tui.i18n.markers import N_

IDENT = r"^[a-z][a-z0-9_]*$"

# Every life domain ends with these two questions (000: "samenvatting" and the 1-5 score of the
# Zelfredzaamheidsmatrix, 003), so forms need not repeat them and translators see them once.
SUMMARY_SUFFIX = "__samenvatting"
SCORE_SUFFIX = "__score"
SUMMARY_PROMPT = N_("Samenvatting van de consulent voor dit onderwerp")
SCORE_PROMPT = N_(
    "Hoe zelfredzaam is de persoon op dit onderwerp? (1 = acute problemen, 5 = volledig zelfredzaam)"
)
SCORE_HELP = N_(
    "1 = acute problematiek, 2 = niet zelfredzaam, 3 = beperkt zelfredzaam, "
    "4 = voldoende zelfredzaam, 5 = volledig zelfredzaam."
)


class AnswerType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MULTI = "multi"
    YESNO = "yesno"
    DATE = "date"
    NUMBER = "number"
    SCALE = "scale"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    value: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)


class Condition(_Strict):
    """One test of skip logic; a question or section is shown when all its conditions hold.

    The subject is either an earlier question (``question``) or a fact of the case
    (``case``: the doelgroep or the person's age in years on the interview day).
    """

    question: str | None = None
    case: Literal["doelgroep", "age"] | None = None
    equals: str | bool | int | float | None = None
    not_equals: str | bool | int | float | None = None
    any_of: list[str] | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_subject_one_test(self) -> Condition:
        if (self.question is None) == (self.case is None):
            raise ValueError("a condition needs exactly one of 'question' or 'case'")
        tests = [
            self.equals,
            self.not_equals,
            self.any_of,
            self.at_least,
            self.at_most,
        ]
        if sum(t is not None for t in tests) != 1:
            raise ValueError(
                "a condition needs exactly one of 'equals', 'not_equals', 'any_of', "
                "'at_least', 'at_most'"
            )
        return self

    def holds(self, value: object) -> bool:
        """Whether the condition holds for the subject's current value (None: unanswered)."""
        if value is None:
            # An unanswered subject never satisfies a test: follow-up questions stay hidden
            # until the consultant has answered what they depend on.
            return False
        if self.equals is not None:
            return value == self.equals
        if self.not_equals is not None:
            return value != self.not_equals
        if self.any_of is not None:
            values = value if isinstance(value, list) else [value]
            return any(v in self.any_of for v in values)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        if self.at_least is not None:
            return value >= self.at_least
        return self.at_most is not None and value <= self.at_most


class Question(_Strict):
    id: str = Field(pattern=IDENT)
    type: AnswerType
    prompt: str = Field(min_length=1)
    help: str = ""
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    integer: bool = False
    when: Literal["past", "future", "any"] = "any"
    max_length: int = 2000
    multiline: bool = False
    show_if: list[Condition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _options_fit_type(self) -> Question:
        has_options = self.type in (AnswerType.CHOICE, AnswerType.MULTI)
        if has_options and len(self.options) < 2:
            raise ValueError(f"a {self.type} question needs at least two options")
        if not has_options and self.options:
            raise ValueError(f"a {self.type} question takes no options")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        if len(self.options) > 9:
            # Number keys 1-9 pick an option; a tenth could not be reached that way.
            raise ValueError("at most 9 options (number keys 1-9 choose them)")
        if (self.min is not None or self.max is not None) and self.type != AnswerType.NUMBER:
            raise ValueError("'min' and 'max' are for number questions")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value


class Section(_Strict):
    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    help: str = ""
    basis: str = ""
    special_category: bool = False
    closing: bool = True
    show_if: list[Condition] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @cached_property
    def all_questions(self) -> list[Question]:
        """The section's questions including the closing summary and score (made once: the
        case list asks for them for every domain of every case)."""
        if not self.closing:
            return list(self.questions)
        return [
            *self.questions,
            Question(
                id=self.id + SUMMARY_SUFFIX,
                type=AnswerType.TEXT,
                prompt=SUMMARY_PROMPT,
                multiline=True,
                required=True,
            ),
            Question(
                id=self.id + SCORE_SUFFIX,
                type=AnswerType.SCALE,
                prompt=SCORE_PROMPT,
                help=SCORE_HELP,
                required=True,
            ),
        ]


class Form(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    title: str
    renamed: dict[str, str] = Field(default_factory=dict)
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> Form:
        seen: dict[str, Question] = {}
        section_ids: set[str] = set()
        for section in self.sections:
            if section.id in section_ids:
                raise ValueError(f"section id '{section.id}' is used twice")
            section_ids.add(section.id)
            _check_conditions(section.show_if, seen, f"section '{section.id}'")
            for question in section.all_questions:
                if question.id in seen:
                    raise ValueError(f"question id '{question.id}' is used twice")
                _check_conditions(question.show_if, seen, f"question '{question.id}'")
                seen[question.id] = question
        for old, new in self.renamed.items():
            if new not in seen:
                raise ValueError(f"renamed '{old}' points to unknown question '{new}'")
        return self

    def question(self, question_id: str) -> Question | None:
        question_id = self.renamed.get(question_id, question_id)
        for section in self.sections:
            for question in section.all_questions:
                if question.id == question_id:
                    return question
        return None

    def section_of(self, question_id: str) -> Section | None:
        question_id = self.renamed.get(question_id, question_id)
        for section in self.sections:
            if any(q.id == question_id for q in section.all_questions):
                return section
        return None


def _check_conditions(
    conditions: list[Condition], earlier: dict[str, Question], owner: str
) -> None:
    """Skip logic may only look back: a condition on a later question could never be met."""
    for condition in conditions:
        if condition.question is None:
            continue
        subject = earlier.get(condition.question)
        if subject is None:
            raise ValueError(
                f"{owner}: show_if refers to '{condition.question}', "
                "which is not an earlier question"
            )
        allowed = {o.value for o in subject.options}
        wanted = condition.any_of or (
            [condition.equals] if isinstance(condition.equals, str) else []
        )
        unknown = [v for v in wanted if allowed and v not in allowed]
        if unknown:
            raise ValueError(
                f"{owner}: show_if uses {unknown} which '{subject.id}' has not as an option"
            )
