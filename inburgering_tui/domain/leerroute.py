"""Leerroute advice (DOMAIN.md §5, rules L1-L5): the college decides, the tool advises and flags.

The advice lists every rule that fired, so the consultant can explain it; choosing otherwise
is allowed but needs a written reason (checked where the PIP is completed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from inburgering_tui.domain.calendar import add_months
from inburgering_tui.domain.case_rules import Doelgroep
from inburgering_tui.i18n.markers import N_


class Leerroute(StrEnum):
    B1 = "b1"
    ONDERWIJS = "onderwijs"
    Z = "z"


LEERROUTE_LABELS = {
    Leerroute.B1: N_("B1-route"),
    Leerroute.ONDERWIJS: N_("Onderwijsroute"),
    Leerroute.Z: N_("Z-route"),
}

# Education levels from which a diploma after the taalschakeltraject is realistic (L1).
_STUDY_READY = {"middelbaar", "beroeps", "hoger_deels", "bachelor", "master"}
# Z-route hours (B 3.14): asielstatushouders also do 800 participation hours (rule L3).
Z_COURSE_HOURS = 800
Z_PARTICIPATION_HOURS = 800


@dataclass(frozen=True)
class RouteInputs:
    doelgroep: str
    lbt_outcome: str | None = None  # "ja" (B1 reachable in 3 years), "nee", "onbekend"
    lbt_exempt: bool = False
    age: int | None = None  # on the day of the decision
    education_level: str | None = None
    wants_to_study: bool = False
    literacy: str | None = None  # latijns / niet_latijns / analfabeet / onbekend


@dataclass(frozen=True)
class FiredRule:
    rule: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RouteAdvice:
    route: Leerroute
    alfabetisering: bool
    fired: list[FiredRule]
    flags: list[FiredRule]


def advise(inputs: RouteInputs, onderwijs_age_limit: int = 28) -> RouteAdvice:
    fired: list[FiredRule] = []
    flags: list[FiredRule] = []
    if inputs.lbt_exempt:
        flags.append(
            FiredRule(
                "L5",
                N_(
                    "Vrijstelling of ontheffing is een besluit van DUO: leg het vast, beslis het niet."
                ),
            )
        )
    if inputs.lbt_outcome == "nee":
        route = Leerroute.Z
        fired.append(
            FiredRule("L3", N_("De leerbaarheidstoets zegt dat B1 binnen 3 jaar niet haalbaar is."))
        )
        hours = (
            N_("Asielstatushouder: 800 uur les en 800 uur participatie, en een eindgesprek.")
            if inputs.doelgroep == Doelgroep.ASIELSTATUSHOUDER
            else N_("800 uur les en een eindgesprek.")
        )
        fired.append(FiredRule("L3", hours))
    elif inputs.wants_to_study and inputs.education_level in _STUDY_READY:
        route = Leerroute.ONDERWIJS
        fired.append(
            FiredRule(
                "L1", N_("Wil studeren in Nederland en heeft een opleiding die daar goed bij past.")
            )
        )
        if inputs.age is not None and inputs.age >= onderwijs_age_limit:
            flags.append(
                FiredRule(
                    "L1",
                    N_(
                        "Let op: {age} jaar, de gemeente hanteert voor de onderwijsroute 'jonger dan {limit}'. Dit is beleid, geen wet."
                    ),
                    {"age": inputs.age, "limit": onderwijs_age_limit},
                )
            )
    else:
        route = Leerroute.B1
        fired.append(FiredRule("L2", N_("De B1-route is de standaardroute.")))
        if inputs.wants_to_study:
            fired.append(
                FiredRule(
                    "L1",
                    N_(
                        "Wil studeren, maar de opleiding maakt een diploma na het schakeltraject nog niet waarschijnlijk."
                    ),
                )
            )
    if inputs.lbt_outcome in (None, "onbekend") and not inputs.lbt_exempt:
        flags.append(
            FiredRule(
                "T2", N_("De leerbaarheidstoets is nog niet gedaan: dit advies is voorlopig.")
            )
        )
    alfabetisering = inputs.literacy in ("analfabeet", "niet_latijns")
    if alfabetisering:
        fired.append(
            FiredRule(
                "L4",
                N_(
                    "Niet geletterd, of alleen in een ander schrift dan het Latijnse: met alfabetisering."
                ),
            )
        )
    return RouteAdvice(route, alfabetisering, fired, flags)


def route_change_allowed(
    old: Leerroute, new: Leerroute, termijn_start: date | None, on: date
) -> FiredRule | None:
    """None when the change is allowed on ``on``; otherwise why not (rule T11)."""
    if old == new or termijn_start is None:
        return None
    if old == Leerroute.ONDERWIJS and new == Leerroute.B1:
        return None  # W 17(2): from the onderwijsroute to B1 at any time
    limit = add_months(termijn_start, 18)
    if on > limit:
        return FiredRule(
            "T11",
            N_(
                "Een andere leerroute kan alleen binnen 1,5 jaar na de start van de termijn (tot {limit})."
            ),
            {"limit": limit.strftime("%d-%m-%Y")},
        )
    return None
