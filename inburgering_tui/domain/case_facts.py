"""What the deadline engine needs to know about one case, gathered from its data.

The intake answers used here are named by their question ids in ``forms/brede_intake.toml``;
a form that renames them must keep these ids in its ``renamed`` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from inburgering_tui.domain.deadlines import DeadlineFacts, Invitation, LocalPractice
from inburgering_tui.domain.forms import is_no_answer
from inburgering_tui.domain.leerroute import RouteAdvice, RouteInputs, advise
from inburgering_tui.domain.pip import PipContext

LBT_DATE = "lbt_datum"
LBT_EXEMPT = "lbt_vrijgesteld"
LBT_OUTCOME = "lbt_uitkomst"
ON_BIJSTAND = "fin_bijstand"
BIJSTAND_START = "fin_bijstand_start"
EDUCATION_LEVEL = "opleiding_niveau"
WANTS_TO_STUDY = "opleiding_studiewens"
LITERACY = "alfa_geletterdheid"
YOUNG_CHILDREN = "kinderen_0_6"


def given(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that say something: "weet niet" and "wil niet zeggen" feed no rule."""
    return {qid: value for qid, value in answers.items() if not is_no_answer(value)}


def as_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def deadline_facts(
    case: Any,
    answers: Mapping[str, Any],
    first_conversation: date | None,
    pip: Mapping[str, Any] | None = None,
    invitations: tuple[Invitation, ...] = (),
) -> DeadlineFacts:
    """``case`` has the registered dates; ``answers`` maps question ids to answer values;
    ``pip`` is what the PIP store knows (first dagtekening, latest content, last talk)."""
    answers = given(answers)
    pip = pip or {}
    content = pip.get("content") or {}
    pvt_done = [
        as_date(a.get("end"))
        for a in content.get("afspraken", [])
        if a.get("kind") == "pvt" and a.get("status") == "afgerond"
    ]
    return DeadlineFacts(
        doelgroep=case.doelgroep,
        koppelingsdatum=case.koppelingsdatum,
        kennisgeving_date=case.kennisgeving_date,
        brp_date=case.brp_date,
        first_intake_date=first_conversation,
        invitations=invitations,
        lbt_date=as_date(answers.get(LBT_DATE)),
        lbt_exempt=answers.get(LBT_EXEMPT) is True,
        on_bijstand=answers.get(ON_BIJSTAND) is True,
        bijstand_start=as_date(answers.get(BIJSTAND_START)),
        pip_dagtekening=pip.get("dagtekening"),
        pip_waiting_since=as_date(content.get("waiting_since")),
        pip_info_received=as_date(content.get("info_received")),
        last_progress_talk=pip.get("last_talk"),
        pvt_signed=next((d for d in pvt_done if d), None),
    )


def route_inputs(case: Any, answers: Mapping[str, Any], age: int | None) -> RouteInputs:
    """What the leerroute advice needs; literacy from the intake, else from the case."""
    answers = given(answers)
    literacy = answers.get(LITERACY)
    if literacy in (None, "onbekend"):
        literacy = case.literacy
    return RouteInputs(
        doelgroep=case.doelgroep,
        lbt_outcome=answers.get(LBT_OUTCOME),
        lbt_exempt=answers.get(LBT_EXEMPT) is True,
        age=age,
        education_level=answers.get(EDUCATION_LEVEL),
        wants_to_study=answers.get(WANTS_TO_STUDY) is True,
        literacy=literacy,
    )


def has_young_children(answers: Mapping[str, Any]) -> bool:
    count = answers.get(YOUNG_CHILDREN)
    return isinstance(count, int | float) and count >= 1


def pip_inputs(
    case: Any, answers: Mapping[str, Any], age: int | None, practice: LocalPractice
) -> tuple[PipContext, RouteAdvice]:
    """The leerroute advice and what the PIP's completeness check needs, from the intake."""
    answers = given(answers)
    advice = advise(route_inputs(case, answers, age), practice.onderwijs_age_limit)
    context = PipContext(
        doelgroep=case.doelgroep,
        on_bijstand=answers.get(ON_BIJSTAND) is True,
        young_children=has_young_children(answers),
        advice=advice,
        map_hours_norm=practice.map_hours_norm,
    )
    return context, advice
