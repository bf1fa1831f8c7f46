"""What the deadline engine needs to know about one case, gathered from its data.

The intake answers used here are named by their question ids in ``forms/brede_intake.toml``;
a form that renames them must keep these ids in its ``renamed`` table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from inburgering_tui.domain.deadlines import DeadlineFacts

LBT_DATE = "lbt_datum"
LBT_EXEMPT = "lbt_vrijgesteld"
ON_BIJSTAND = "fin_bijstand"
BIJSTAND_START = "fin_bijstand_start"


def _date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, date) else None


def deadline_facts(
    case: Any, answers: Mapping[str, Any], first_conversation: date | None
) -> DeadlineFacts:
    """``case`` has the registered dates; ``answers`` maps question ids to answer values."""
    return DeadlineFacts(
        doelgroep=case.doelgroep,
        koppelingsdatum=case.koppelingsdatum,
        kennisgeving_date=case.kennisgeving_date,
        brp_date=case.brp_date,
        first_intake_date=first_conversation,
        lbt_date=_date(answers.get(LBT_DATE)),
        lbt_exempt=answers.get(LBT_EXEMPT) is True,
        on_bijstand=answers.get(ON_BIJSTAND) is True,
        bijstand_start=_date(answers.get(BIJSTAND_START)),
    )
