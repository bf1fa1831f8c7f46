"""Checks across questions: warnings under an answer that does not fit the case or other answers.

The checks are data (a form's ``[[checks]]``); two more follow from every date question's
``when``: a planned date that has passed, and a past date that lies after today (an answer
made on a laptop with a wrong clock, or brought in by a bundle). They warn and never refuse:
the registered household may be out of date, and the consultant may know better.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.case_facts import as_date
from inburgering_tui.domain.deadlines import LocalPractice, t2_window
from inburgering_tui.domain.forms import (
    AnswerType,
    Check,
    ConflictCheck,
    Form,
    HouseholdCheck,
    Question,
    RuleWindowCheck,
)
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.i18n.markers import N_

DATE_PASSED = N_(
    "De geplande datum {date} is voorbij. Is het doorgegaan, of is er een nieuwe datum?"
)
DATE_IN_FUTURE = N_("De datum {date} ligt na vandaag, maar hoort in het verleden te liggen.")


@dataclass(frozen=True)
class AnswerWarning:
    """One warning under one answer: a Dutch msgid and the values for its placeholders.

    ``kind`` is the check's kind ("household", "rule_window", "conflict") or, for the rules
    that follow from a date question's ``when``, "date_passed" / "date_in_future".
    """

    question_id: str
    section_id: str
    kind: str
    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(
        self,
        translate: Callable[[str], str] = str,
        show_date: Callable[[date], str] = format_date,
    ) -> str:
        """The message translated and filled in; dates shown with ``show_date``."""
        params = {k: show_date(v) if isinstance(v, date) else v for k, v in self.params.items()}
        return translate(self.msgid).format(**params)


@dataclass(frozen=True)
class _Given:
    """An answer value in the shape IntakeWalk reads (visibility only needs the value)."""

    value: Any
    section_id: str = ""
    not_asked_reason: str | None = None
    settled: bool = True


def warnings(
    form: Form,
    answers: Mapping[str, Any],
    facts: CaseFacts,
    today: date,
    practice: LocalPractice | None = None,
    skipped: Collection[str] = (),
    question_id: str | None = None,
) -> list[AnswerWarning]:
    """The warnings on the answers, in form order.

    ``answers`` maps question ids (older ids too, through the form's ``renamed``) to stored
    values; only questions shown to this case count, and domains in ``skipped`` stay quiet.
    With ``question_id``, only that question's warnings.
    """
    practice = practice or LocalPractice()
    walk = IntakeWalk(
        form,
        facts,
        {qid: _Given(value) for qid, value in answers.items()},
        {section_id: "" for section_id in skipped},
    )
    by_question: dict[str, list[Check]] = {}
    for check in form.checks:
        by_question.setdefault(check.question, []).append(check)
    found: list[AnswerWarning] = []
    for section in walk.sections():
        if section.id in walk.skipped:
            continue
        for question in walk.visible_questions(section):
            if question_id is not None and question.id != question_id:
                continue
            value = walk.value_of(question.id)
            if value is None:
                continue
            found += _date_rules(question, section.id, value, today)
            for check in by_question.get(question.id, []):
                warning = _apply(check, section.id, value, walk, practice)
                if warning is not None:
                    found.append(warning)
    return found


def _date_rules(
    question: Question, section_id: str, value: Any, today: date
) -> list[AnswerWarning]:
    day = as_date(value) if question.type == AnswerType.DATE else None
    if day is None:
        return []
    if question.when == "future" and day < today:
        return [AnswerWarning(question.id, section_id, "date_passed", DATE_PASSED, {"date": day})]
    if question.when == "past" and day > today:
        return [
            AnswerWarning(question.id, section_id, "date_in_future", DATE_IN_FUTURE, {"date": day})
        ]
    return []


def _apply(
    check: Check, section_id: str, value: Any, walk: IntakeWalk, practice: LocalPractice
) -> AnswerWarning | None:
    def warn(**params: Any) -> AnswerWarning:
        return AnswerWarning(check.question, section_id, check.kind, check.message, params)

    if isinstance(check, HouseholdCheck):
        household = walk.facts.household
        count = household.count(check.fact) if household is not None else None
        if count is None or not isinstance(value, int | float) or isinstance(value, bool):
            return None
        fits = {
            "equal": value == count,
            "at_most": value <= count,
            "at_least": value >= count,
        }[check.expect]
        return None if fits else warn(answer=_plain(value), count=count)
    if isinstance(check, RuleWindowCheck):
        day = as_date(value)
        koppeling = walk.facts.koppelingsdatum
        if day is None or koppeling is None:
            return None  # no koppeling (not an asielstatushouder, or not yet known): no window
        start, end = t2_window(koppeling, practice)
        if start <= day <= end:
            return None
        return warn(date=day, start=start, end=end, rule=check.rule)
    if isinstance(check, ConflictCheck):
        return warn() if walk.holds(check.conditions) else None
    raise AssertionError(f"unhandled check kind {check.kind}")


def _plain(number: float) -> str:
    """3 rather than 3.0; a decimal comma as the consultant types it."""
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")
