"""Small display helpers shared by the screens: dates, code lists and progress in the UI language."""

from __future__ import annotations

from datetime import date
from typing import cast

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.case_rules import (
    DOELGROEP_LABELS,
    HOUSEHOLD_RELATIONS,
    LITERACY_LABELS,
    SEX_LABELS,
    age_on,
)
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.store.models import Case


def show_date(value: date | None) -> str:
    return format_date(value) if value else "–"


def doelgroep_label(code: str) -> str:
    return _(cast("dict[str, str]", DOELGROEP_LABELS).get(code, code))  # keys are StrEnum


def sex_label(code: str) -> str:
    return _(SEX_LABELS.get(code, code))


def literacy_label(code: str) -> str:
    return _(LITERACY_LABELS.get(code, code))


def relation_label(code: str) -> str:
    return _(HOUSEHOLD_RELATIONS.get(code, code))


def progress_label(walk: IntakeWalk) -> str:
    done, total = walk.progress()
    return f"{done}/{total}"


def facts_for(case: Case, today: date) -> CaseFacts:
    """What the intake's skip logic may know about the case."""
    return CaseFacts(
        doelgroep=case.doelgroep,
        age=age_on(case.date_of_birth, today),
    )
