"""Turns what the consultant typed into a typed answer value, or a message saying why not.

Messages are Dutch msgids with ``{placeholders}``; the UI translates and fills them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inburgering_tui.domain.forms import (
    DECLINED,
    DONT_KNOW,
    NO_ANSWER,
    AnswerType,
    Question,
    is_no_answer,
)
from inburgering_tui.i18n.markers import N_


@dataclass(frozen=True)
class Invalid:
    """Why an input is not a valid answer: a msgid and the values for its placeholders."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


YES, NO = N_("Ja"), N_("Nee")
NO_ANSWER_LABELS = {DONT_KNOW: N_("weet niet"), DECLINED: N_("wil niet zeggen")}
_DATE_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_date(text: str) -> date | Invalid:
    """Accept dd-mm-jjjj (what a Dutch consultant types) and ISO jjjj-mm-dd."""
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _DATE_ISO.match(text)
        if not match:
            return Invalid(N_("Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 05-03-2024."))
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return Invalid(N_("Deze datum bestaat niet."))


def format_date(value: date | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d-%m-%Y")


def validate(question: Question, raw: Any, today: date) -> Any | Invalid:
    """The stored value for ``raw`` (a string, a bool, or a list for multi-choice), or Invalid.

    An empty answer is None, which is allowed here: whether a required question may stay
    empty is decided when the domain is completed, so a consultant can move on and come back.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    if is_no_answer(raw):
        kind_of = raw[NO_ANSWER]
        if (kind_of == DONT_KNOW and question.allow_dont_know) or (
            kind_of == DECLINED and question.allow_decline
        ):
            return {NO_ANSWER: kind_of}
        return Invalid(N_("Bij deze vraag kan dat niet: geef een antwoord of kies Niet gevraagd."))
    kind = question.type
    if kind == AnswerType.TEXT:
        text = str(raw).strip()
        if len(text) > question.max_length:
            return Invalid(N_("Gebruik hoogstens {max} tekens."), {"max": question.max_length})
        return text
    if kind == AnswerType.YESNO:
        if isinstance(raw, bool):
            return raw
        return Invalid(N_("Kies ja of nee."))
    if kind == AnswerType.CHOICE:
        if raw in {o.value for o in question.options}:
            return raw
        return Invalid(N_("Kies een van de mogelijkheden."))
    if kind == AnswerType.MULTI:
        allowed = [o.value for o in question.options]
        chosen = list(raw) if isinstance(raw, list | tuple | set) else [raw]
        if any(v not in allowed for v in chosen):
            return Invalid(N_("Kies een van de mogelijkheden."))
        return [v for v in allowed if v in chosen]  # form order, no duplicates
    if kind == AnswerType.SCALE:
        try:
            score = int(str(raw).strip())
        except ValueError:
            return Invalid(N_("Kies een score van 1 tot en met 5."))
        if not 1 <= score <= 5:
            return Invalid(N_("Kies een score van 1 tot en met 5."))
        return score
    if kind == AnswerType.NUMBER:
        return _number(question, str(raw))
    if kind == AnswerType.DATE:
        return _date(question, str(raw), today)
    raise AssertionError(f"unhandled answer type {kind}")


def _number(question: Question, text: str) -> float | int | Invalid:
    cleaned = text.strip().replace(" ", "")
    # Dutch writes a decimal comma; a dot is accepted too.
    cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return Invalid(N_("Vul een getal in."))
    if question.integer:
        if not number.is_integer():
            return Invalid(N_("Vul een heel getal in."))
        number = int(number)
    low, high = question.min, question.max
    if (low is not None and number < low) or (high is not None and number > high):
        return Invalid(
            N_("Vul een getal in van {min} tot en met {max}."),
            {"min": _plain(low), "max": _plain(high)},
        )
    return number


def _plain(bound: float | None) -> str:
    if bound is None:
        return "…"
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _date(question: Question, text: str, today: date) -> str | Invalid:
    parsed = parse_date(text)
    if isinstance(parsed, Invalid):
        return parsed
    if question.when == "past" and parsed > today:
        return Invalid(N_("Deze datum ligt in de toekomst; vul een datum in tot en met vandaag."))
    if question.when == "future" and parsed < today:
        return Invalid(N_("Deze datum ligt in het verleden; vul een datum vanaf vandaag in."))
    if parsed.year < 1900:
        return Invalid(N_("Deze datum bestaat niet."))
    return parsed.isoformat()


def display_value(question: Question, value: Any) -> str:
    """The stored value as the consultant typed it, for putting back into an input."""
    if value is None or is_no_answer(value):
        return ""
    if question.type == AnswerType.DATE:
        return format_date(value)
    if question.type == AnswerType.NUMBER:
        return _plain(value).replace(".", ",")
    return str(value)


def answer_text(question: Question, value: Any) -> str:
    """The stored value as a Dutch reader sees it (the intake report): the form's option labels,
    Ja/Nee, a score out of 5; everything else as :func:`display_value` writes it."""
    if value is None:
        return ""
    if is_no_answer(value):
        return NO_ANSWER_LABELS[value[NO_ANSWER]]
    if question.type == AnswerType.YESNO:
        return YES if value else NO
    if question.type == AnswerType.CHOICE:
        return question.option_label(str(value))
    if question.type == AnswerType.MULTI:
        values = value if isinstance(value, list) else [value]
        return ", ".join(question.option_label(str(v)) for v in values)
    if question.type == AnswerType.SCALE:
        label = question.point_label(int(value))
        return f"{value} van 5" + (f" ({label})" if label else "")
    return display_value(question, value)


def parse_optional_date(text: str) -> date | Invalid | None:
    """Empty is None; otherwise a date as :func:`parse_date` reads it."""
    return parse_date(text) if text.strip() else None


def parse_hours(text: str) -> float | Invalid | None:
    """Hours as typed (decimal comma or dot); empty is None; never negative."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        hours = float(cleaned)
    except ValueError:
        return Invalid(N_("Vul een getal in."))
    if hours < 0 or hours > 10000:
        return Invalid(N_("Vul een getal in van {min} tot en met {max}."), {"min": 0, "max": 10000})
    return hours


def format_hours(value: float | None) -> str:
    """Hours as a Dutch consultant writes them: 12, 2,5."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")
