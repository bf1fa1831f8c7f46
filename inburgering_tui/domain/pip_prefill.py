"""A first PIP draft proposed from the advice and the intake; the consultant confirms each part.

Proposed afspraken carry ``confirmed=False``: the completeness check lists them until the
consultant has looked at them, so nothing pre-filled is set by accident.
"""

from __future__ import annotations

import uuid
from datetime import date

from inburgering_tui.domain.calendar import add_months
from inburgering_tui.domain.case_rules import Doelgroep
from inburgering_tui.domain.leerroute import Leerroute, RouteAdvice
from inburgering_tui.domain.pip import Afspraak, Kind, PipContent, PipContext, ontzorgen_applies


def _proposal(kind: Kind, **fields: object) -> Afspraak:
    return Afspraak(id=uuid.uuid4().hex[:12], kind=kind, confirmed=False, **fields)


def prefill(
    advice: RouteAdvice,
    context: PipContext,
    *,
    bijstand_start: date | None,
    today: date,
    progress_interval_months: int,
) -> PipContent:
    route = advice.route
    afspraken = [
        _proposal(
            Kind.LES,
            description="NT2 en KNM" + (", met alfabetisering" if advice.alfabetisering else ""),
        ),
        _proposal(Kind.PVT, hours_total=12, responsible="gemeente"),
    ]
    if route != Leerroute.ONDERWIJS:  # W 8(3): no MAP in the onderwijsroute
        afspraken.append(
            _proposal(Kind.MAP, hours_total=context.map_hours_norm, responsible="gemeente")
        )
    if route == Leerroute.Z and context.doelgroep == Doelgroep.ASIELSTATUSHOUDER:
        afspraken.append(_proposal(Kind.Z_PARTICIPATIE, hours_total=800))
    if context.young_children:
        afspraken.append(_proposal(Kind.VVE, responsible="persoon"))
    evaluation = None
    if ontzorgen_applies(context):
        start = bijstand_start or today
        evaluation = add_months(start, 3)
        afspraken.append(
            _proposal(
                Kind.ONTZORGEN,
                responsible="gemeente",
                start=start,
                end=add_months(start, 6),
                costs=["huur", "zorgverzekering", "energie", "water"],
            )
        )
    if context.doelgroep == Doelgroep.ASIELSTATUSHOUDER:
        afspraken.append(
            _proposal(Kind.BEGELEIDING, responsible="partner", partner="Vluchtelingenwerk")
        )
    return PipContent(
        leerroute=route,
        alfabetisering=advice.alfabetisering,
        target_level="B1" if route != Leerroute.Z else "",
        progress_talks_per_year=max(1, 12 // progress_interval_months),
        ontzorgen_evaluation=evaluation,
        afspraken=afspraken,
    )
