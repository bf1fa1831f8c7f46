"""Small display helpers shared by the screens: dates, code lists and progress in the UI language."""

from __future__ import annotations

from datetime import date
from typing import Any

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.case_rules import (
    DOELGROEP_LABELS,
    HOUSEHOLD_RELATIONS,
    LITERACY_LABELS,
    SEX_LABELS,
)
from inburgering_tui.domain.forms import AnswerType, Question
from inburgering_tui.domain.intake import IntakeWalk
from inburgering_tui.domain.intake_prefill import (
    Child,
    Suggestion,
)
from inburgering_tui.domain.languages import LANGUAGES, normalise_languages
from inburgering_tui.i18n.catalogs import _, language_name, ngettext, ui_language


def show_date(value: date | None) -> str:
    return format_date(value) if value else "–"


def doelgroep_label(code: str) -> str:
    return _(DOELGROEP_LABELS.get(code, code))


def sex_label(code: str) -> str:
    return _(SEX_LABELS.get(code, code))


def literacy_label(code: str) -> str:
    return _(LITERACY_LABELS.get(code, code))


def relation_label(code: str) -> str:
    return _(HOUSEHOLD_RELATIONS.get(code, code))


def language_label(code: str) -> str:
    """'Arabisch (ar)' in the UI language; an old free-text value as it was typed."""
    if code not in LANGUAGES:
        return code
    return f"{language_name(code, ui_language())} ({code})"


def languages_label(values: list[str]) -> str:
    """A case's languages for reading: old free text that names a language shows as that
    language; what names none is marked, so the consultant chooses it again."""
    codes, unknown = normalise_languages(values)
    shown = [language_label(code) for code in codes if code not in unknown]
    if unknown:
        shown.append(
            "⚠ " + _("niet herkend, kies opnieuw: {names}").format(names=", ".join(unknown))
        )
    return ", ".join(shown) or "–"


def progress_label(walk: IntakeWalk) -> str:
    done, total = walk.progress()
    return f"{done}/{total}"


def suggestion_answer(question: Question, suggestion: Suggestion) -> Any:
    """The answer a suggestion gives, as stored; text written out in the UI language."""
    value = suggestion.value
    if suggestion.kind == "conversation.interpreter_language":
        return language_name(value, ui_language())
    if suggestion.kind == "household.children_ages":
        return ", ".join(_child_text(child) for child in value)
    return value


def suggestion_text(question: Question, suggestion: Suggestion) -> str:
    """The line beside the question: where the fact comes from and what it says."""
    if suggestion.value is None:
        if suggestion.kind == "conversation.interpreting":
            shown = _("tolk {name}").format(name=suggestion.detail)
        else:
            shown = str(suggestion.detail)
    else:
        answer = suggestion_answer(question, suggestion)
        if question.type == AnswerType.YESNO:
            shown = _("Ja") if answer else _("Nee")
        elif question.type == AnswerType.CHOICE:
            shown = _(question.option_label(answer))
            if suggestion.detail:
                shown += f" ({suggestion.detail})"
        else:
            shown = str(answer)
    if suggestion.source == "conversation":
        return _("Uit het intakegesprek: {fact}").format(fact=shown)
    return _("Uit het huishouden: {fact}").format(fact=shown)


def _child_text(child: Child) -> str:
    if child.age is None:
        return _("{name} (leeftijd onbekend)").format(name=child.name)
    return ngettext("{name} ({n} jaar)", "{name} ({n} jaar)", child.age).format(
        name=child.name, n=child.age
    )
