"""The interview form model: sections (life domains), questions, answer types and skip logic.

Forms are data (``forms/*.toml``); this module only describes and checks their shape.
Every prompt, help text, note, option and scale label and check message is a Dutch gettext
msgid, translated at display time. Each text says for whom it is: ``help`` is read aloud and
translated for the person, ``note`` is for the consultant only, and a question with
``audience = "consultant"`` (an observation, a record that something was explained) is not put
to the person at all.
"""

from __future__ import annotations

import string
from enum import StrEnum
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from inburgering_tui.i18n.markers import N_

IDENT = r"^[a-z][a-z0-9_]*$"

# Every life domain ends with these two questions (000: "samenvatting" and the 1-5 score of the
# Zelfredzaamheidsmatrix, 003), so forms need not repeat them and translators see them once.
SUMMARY_SUFFIX = "__samenvatting"
SCORE_SUFFIX = "__score"
SUMMARY_PROMPT = N_("Samenvatting van de consulent voor dit onderwerp")
SCORE_PROMPT = N_("Hoe zelfredzaam is de persoon op dit onderwerp?")
SCORE_NOTE = N_("Uw eigen inschatting met de Zelfredzaamheidsmatrix; niet voorlezen.")
# The five points of the Zelfredzaamheidsmatrix (003): they belong to the score questions only;
# every other scale question names its own points in the form.
SCORE_LABELS = {
    1: N_("acute problematiek"),
    2: N_("niet zelfredzaam"),
    3: N_("beperkt zelfredzaam"),
    4: N_("voldoende zelfredzaam"),
    5: N_("volledig zelfredzaam"),
}
SCALE_POINTS = (1, 2, 3, 4, 5)


class AnswerType(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MULTI = "multi"
    YESNO = "yesno"
    DATE = "date"
    NUMBER = "number"
    SCALE = "scale"


# Facts recorded elsewhere that a question may be prefilled from (``suggest``), each with the
# answer type it fits; domain/intake_prefill.py reads them. A suggestion is shown, never
# recorded until the consultant takes it.
SUGGESTIONS: dict[str, AnswerType] = {
    "conversation.interpreting": AnswerType.CHOICE,
    "conversation.interpreter_language": AnswerType.TEXT,
    "conversation.place": AnswerType.CHOICE,
    "household.has_children": AnswerType.YESNO,
    "household.children_at_home": AnswerType.NUMBER,
    "household.children_under_6": AnswerType.NUMBER,
    "household.children_ages": AnswerType.TEXT,
}
NO_INTERPRETER = "geen"  # the option conversation.interpreting suggests when nobody interprets


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormReferenceError(ValueError):
    """A reference in a form that does not resolve; ``loc`` is where it stands in the form data
    (as pydantic would name it), so the loader can give the line of the entry at fault."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


class Option(_Strict):
    value: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    # "Iets anders": choosing it asks "Anders, namelijk:" right after (a generated question).
    other: bool = False


# An answer that is no answer: the person does not know, or would rather not say. Stored as
# {"no_answer": ...}, a shape no other answer has, so no skip logic or rule takes it for one.
NO_ANSWER = "no_answer"
DONT_KNOW, DECLINED = "dont_know", "declined"
OTHER_SUFFIX = "__anders"
OTHER_PROMPT = N_("Anders, namelijk:")


def no_answer(kind: str) -> dict[str, str]:
    return {NO_ANSWER: kind}


def is_no_answer(value: object) -> bool:
    return isinstance(value, dict) and value.get(NO_ANSWER) in (DONT_KNOW, DECLINED)


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
        if value is None or is_no_answer(value):
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


Audience = Literal["person", "consultant"]


class Question(_Strict):
    id: str = Field(pattern=IDENT)
    type: AnswerType
    prompt: str = Field(min_length=1)
    help: str = Field("", description="For the person: read aloud and translated.")
    note: str = Field("", description="For the consultant only: never shown to the person.")
    audience: Audience = Field(
        "person", description="'consultant': an observation or record, not put to the person."
    )
    scale_labels: dict[int, str] = Field(
        default_factory=dict, description="What the points of a scale mean (1 and 5 at least)."
    )
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    integer: bool = False
    when: Literal["past", "future", "any"] = "any"
    max_length: int = 2000
    multiline: bool = False
    show_if: list[Condition] = Field(default_factory=list)
    suggest: str | None = None  # a fact of SUGGESTIONS this question can be prefilled from
    allow_dont_know: bool = False  # "weet niet" is an answer here
    allow_decline: bool = False  # "wil niet zeggen" is an answer here

    @model_validator(mode="after")
    def _suggestion_fits(self) -> Question:
        if self.suggest is None:
            return self
        if self.suggest not in SUGGESTIONS:
            raise ValueError(
                f"unknown suggest '{self.suggest}'; known: {', '.join(sorted(SUGGESTIONS))}"
            )
        if SUGGESTIONS[self.suggest] != self.type:
            raise ValueError(
                f"suggest '{self.suggest}' is for {SUGGESTIONS[self.suggest]} questions"
            )
        values = {o.value for o in self.options}
        if self.suggest == "conversation.interpreting" and NO_INTERPRETER not in values:
            raise ValueError(f"suggest '{self.suggest}' needs an option '{NO_INTERPRETER}'")
        return self

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
        if sum(o.other for o in self.options) > 1:
            raise ValueError("at most one option can be 'other'")
        if (self.min is not None or self.max is not None) and self.type != AnswerType.NUMBER:
            raise ValueError("'min' and 'max' are for number questions")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is larger than 'max'")
        return self

    @model_validator(mode="after")
    def _scale_says_what_its_points_mean(self) -> Question:
        # "3" means nothing to the person unless the ends are named: never borrow the
        # Zelfredzaamheidsmatrix's words for a question about sleep or contacts.
        if self.type != AnswerType.SCALE:
            if self.scale_labels:
                raise ValueError("'scale_labels' are for scale questions")
            return self
        missing = [n for n in (SCALE_POINTS[0], SCALE_POINTS[-1]) if n not in self.scale_labels]
        if missing:
            raise ValueError(
                "a scale question needs 'scale_labels' for at least points 1 and 5, "
                'e.g. scale_labels = { 1 = "heel slecht", 5 = "heel goed" }'
            )
        wrong = sorted(n for n in self.scale_labels if n not in SCALE_POINTS)
        if wrong:
            raise ValueError(f"'scale_labels' has points {wrong}; a scale runs from 1 to 5")
        if any(not label.strip() for label in self.scale_labels.values()):
            raise ValueError("a scale label may not be empty")
        return self

    @model_validator(mode="after")
    def _consultant_text_is_a_note(self) -> Question:
        if self.audience == "consultant" and self.help:
            # 'help' is what the person hears; a question not put to them has none.
            raise ValueError("a consultant-only question keeps its help text in 'note', not 'help'")
        return self

    @property
    def consultant_only(self) -> bool:
        return self.audience == "consultant"

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value

    def point_label(self, point: int) -> str:
        """The msgid saying what a scale point means; "" for a point the form leaves unnamed."""
        return self.scale_labels.get(point, "")


class Section(_Strict):
    id: str = Field(pattern=IDENT)
    title: str = Field(min_length=1)
    help: str = Field("", description="For the person: read aloud and translated.")
    note: str = Field("", description="For the consultant only: never shown to the person.")
    basis: str = ""
    special_category: bool = False
    closing: bool = True
    show_if: list[Condition] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)

    @cached_property
    def all_questions(self) -> list[Question]:
        """The section's questions including the closing summary and score (made once: the
        case list asks for them for every domain of every case)."""
        asked = [follow for question in self.questions for follow in _with_other(question)]
        if not self.closing:
            return asked
        return [
            *asked,
            Question(
                id=self.id + SUMMARY_SUFFIX,
                type=AnswerType.TEXT,
                prompt=SUMMARY_PROMPT,
                audience="consultant",
                multiline=True,
                required=True,
            ),
            Question(
                id=self.id + SCORE_SUFFIX,
                type=AnswerType.SCALE,
                prompt=SCORE_PROMPT,
                note=SCORE_NOTE,
                audience="consultant",
                scale_labels=SCORE_LABELS,
                required=True,
            ),
        ]


def _with_other(question: Question) -> list[Question]:
    """The question, and after it "Anders, namelijk:" when it has an 'other' option."""
    other = next((o for o in question.options if o.other), None)
    if other is None:
        return [question]
    follow = Question(
        id=question.id + OTHER_SUFFIX,
        type=AnswerType.TEXT,
        prompt=OTHER_PROMPT,
        audience=question.audience,
        max_length=500,
        show_if=[*question.show_if, Condition(question=question.id, any_of=[other.value])],
    )
    return [question, follow]


# -- checks across questions ----------------------------------------------------------------


class _CheckBase(_Strict):
    """A warning the consultant sees under an answer; they may go on regardless."""

    question: str = Field(pattern=IDENT, description="The question the warning is shown under.")
    message: str = Field(min_length=1, description="Dutch msgid with {placeholders}.")

    # The placeholders a message of this kind may use (filled by domain/checks.py).
    PLACEHOLDERS: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _placeholders_known(self) -> _CheckBase:
        used = {name for _text, name, _spec, _conv in string.Formatter().parse(self.message)}
        unknown = sorted(n for n in used if n is not None and n not in self.PLACEHOLDERS)
        if unknown:
            allowed = ", ".join("{" + p + "}" for p in sorted(self.PLACEHOLDERS)) or "none"
            raise FormReferenceError(
                f"message uses {unknown}; this kind of check knows {allowed}", ("message",)
            )
        return self


class HouseholdCheck(_CheckBase):
    """A count answer compared with the household registered in the case."""

    kind: Literal["household"]
    fact: Literal["members", "children", "children_under_6"]
    expect: Literal["equal", "at_most", "at_least"] = "equal"
    PLACEHOLDERS = frozenset({"answer", "count"})


class RuleWindowCheck(_CheckBase):
    """A date answer outside the window a deadline rule sets (T2: 8-12 weeks after koppeling)."""

    kind: Literal["rule_window"]
    rule: Literal["T2"]
    PLACEHOLDERS = frozenset({"date", "start", "end", "rule"})


class ConflictCheck(_CheckBase):
    """An answer given while other answers say it does not fit: all ``conditions`` hold and
    ``question`` is answered (a condition may test ``question`` itself)."""

    kind: Literal["conflict"]
    conditions: list[Condition] = Field(min_length=1)


Check = Annotated[HouseholdCheck | RuleWindowCheck | ConflictCheck, Field(discriminator="kind")]


class Form(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    title: str
    renamed: dict[str, str] = Field(default_factory=dict)
    sections: list[Section] = Field(min_length=1)
    checks: list[Check] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Form:
        seen: dict[str, Question] = {}
        section_ids: set[str] = set()
        for s_index, section in enumerate(self.sections):
            where: tuple[str | int, ...] = ("sections", s_index)
            if section.id in section_ids:
                raise FormReferenceError(f"section id '{section.id}' is used twice", where)
            section_ids.add(section.id)
            _check_conditions(section.show_if, seen, f"section '{section.id}'", where)
            entries = {q.id: index for index, q in enumerate(section.questions)}
            for question in section.all_questions:
                # Generated questions ("anders, namelijk", the closing ones) have no entry of
                # their own: point at the section.
                q_index = entries.get(question.id)
                at = (*where, "questions", q_index) if q_index is not None else where
                if question.id in seen:
                    raise FormReferenceError(f"question id '{question.id}' is used twice", at)
                _check_conditions(question.show_if, seen, f"question '{question.id}'", at)
                seen[question.id] = question
        for old, new in self.renamed.items():
            if new not in seen:
                raise FormReferenceError(
                    f"renamed '{old}' points to unknown question '{new}'", ("renamed",)
                )
        for index, check in enumerate(self.checks):
            _check_check(check, seen, ("checks", index))
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
    conditions: list[Condition],
    earlier: dict[str, Question],
    owner: str,
    loc: tuple[str | int, ...],
    field: str = "show_if",
    known: str = "an earlier question",
) -> None:
    """Skip logic may only look back: a condition on a later question could never be met."""
    for condition in conditions:
        if condition.question is None:
            continue
        subject = earlier.get(condition.question)
        if subject is None:
            raise FormReferenceError(
                f"{owner}: {field} refers to '{condition.question}', which is not {known}",
                (*loc, field),
            )
        allowed = {o.value for o in subject.options}
        wanted = condition.any_of or (
            [condition.equals] if isinstance(condition.equals, str) else []
        )
        unknown = [v for v in wanted if allowed and v not in allowed]
        if unknown:
            raise FormReferenceError(
                f"{owner}: {field} uses {unknown} which '{subject.id}' has not as an option",
                (*loc, field),
            )


_CHECKED_TYPES = {"household": AnswerType.NUMBER, "rule_window": AnswerType.DATE}


def _check_check(check: Check, questions: dict[str, Question], loc: tuple[str | int, ...]) -> None:
    """A check must name questions the form has, of a type its kind can compare."""
    subject = questions.get(check.question)
    if subject is None:
        raise FormReferenceError(
            f"check '{check.kind}' names unknown question '{check.question}'", (*loc, "question")
        )
    wanted = _CHECKED_TYPES.get(check.kind)
    if wanted is not None and subject.type != wanted:
        raise FormReferenceError(
            f"a '{check.kind}' check needs a {wanted} question; '{subject.id}' is {subject.type}",
            (*loc, "question"),
        )
    if isinstance(check, ConflictCheck):
        # Any question of the form may be tested, earlier or later: the warning shows wherever
        # the consultant is when both answers are there.
        _check_conditions(
            check.conditions,
            questions,
            f"check on '{check.question}'",
            loc,
            field="conditions",
            known="a question of this form",
        )
