"""What facts recorded elsewhere say an intake question's answer is: a suggestion, never an answer.

A question names the fact it can be prefilled from (``suggest`` in the form). The fact comes
from the conversation (place, interpreter, language) or the household (the children and their
ages). It is shown beside the question and recorded only when the consultant takes it, with
one key: the household list may miss a child who lives abroad, a place typed as free text may
not be one of the form's options, so the person confirms and the answer stays a statement the
consultant made in a conversation. A suggestion never counts as an answer for progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from inburgering_tui.domain.forms import NO_INTERPRETER, Question
from inburgering_tui.domain.languages import fold

SOURCE_LANGUAGE = "nl"
VVE_AGE = 6  # rule of the form: children under 6 may go to VVE (B 5.2(1))


@dataclass(frozen=True)
class ConversationFacts:
    """The conversation the answers are given in, as recorded in the conversation dialog."""

    language: str = SOURCE_LANGUAGE  # a language code
    interpreter: str = ""
    place: str = ""


@dataclass(frozen=True)
class Child:
    name: str
    age: int | None  # in years on the interview day; None when the date of birth is unknown


@dataclass(frozen=True)
class HouseholdFacts:
    """The household as recorded on the case: how many members, and the children among them."""

    members: int = 0
    children: tuple[Child, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Suggestion:
    """What a fact says. ``value`` is the answer it suggests (a choice value, a bool, a count);
    for the text questions it is the fact itself (a language code, the children), which the
    UI writes out in its language. None: a reminder of the fact, with nothing to take."""

    source: Literal["conversation", "household"]
    kind: str
    value: Any
    detail: Any = None  # what the reminder shows (the interpreter's name, the place typed)


def suggest(
    question: Question,
    conversation: ConversationFacts | None,
    household: HouseholdFacts | None,
) -> Suggestion | None:
    kind = question.suggest
    if kind is None:
        return None
    if kind.startswith("conversation."):
        return _from_conversation(question, kind, conversation) if conversation else None
    return _from_household(kind, household) if household and household.members else None


def _from_conversation(
    question: Question, kind: str, conversation: ConversationFacts
) -> Suggestion | None:
    if kind == "conversation.interpreting":
        if not conversation.interpreter and conversation.language == SOURCE_LANGUAGE:
            return Suggestion("conversation", kind, NO_INTERPRETER)
        if conversation.interpreter:
            # An interpreter is named, but not whether in the room, by phone or by video.
            return Suggestion("conversation", kind, None, conversation.interpreter)
        return None
    if kind == "conversation.interpreter_language":
        if conversation.language == SOURCE_LANGUAGE:
            return None
        return Suggestion("conversation", kind, conversation.language)
    if kind == "conversation.place":
        if not conversation.place:
            return None
        option = _place_option(question, conversation.place)
        return Suggestion("conversation", kind, option, conversation.place)
    raise AssertionError(kind)


def _place_option(question: Question, place: str) -> str | None:
    """The option the typed place names by its value ("AZC Ter Apel" -> "azc"), when exactly
    one option does; else None, and the place is shown as a reminder only."""
    words = set(fold(place).replace(",", " ").replace("-", " ").split())
    named = [option.value for option in question.options if option.value in words]
    return named[0] if len(named) == 1 else None


def _from_household(kind: str, household: HouseholdFacts) -> Suggestion | None:
    children = household.children
    if kind == "household.has_children":
        # No child in the household says nothing about children living elsewhere.
        return Suggestion("household", kind, True) if children else None
    if kind == "household.children_at_home":
        return Suggestion("household", kind, len(children))
    if kind == "household.children_under_6":
        if any(child.age is None for child in children):
            return None  # a child without a date of birth might be under 6
        young = sum(1 for child in children if child.age is not None and child.age < VVE_AGE)
        return Suggestion("household", kind, young)
    if kind == "household.children_ages":
        return Suggestion("household", kind, children) if children else None
    raise AssertionError(kind)
