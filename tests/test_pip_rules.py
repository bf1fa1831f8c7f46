"""What a PIP must contain before it can be set (DOMAIN.md §4), rule by rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from inburgering_tui.domain.leerroute import RouteInputs, advise
from inburgering_tui.domain.pip import Afspraak, Kind, PipContent, PipContext, missing
from inburgering_tui.domain.pip_prefill import prefill

ASIEL = "asielstatushouder"


def complete(**changes: object) -> PipContent:
    base = PipContent(
        leerroute="b1",
        target_level="B1",
        provider="Taalschool",
        intensity_hours_week=10,
        contact_person="J. de Vries",
        afspraken=[
            Afspraak(id="pvt", kind=Kind.PVT, hours_total=12, with_excursion=True),
            Afspraak(id="map", kind=Kind.MAP, hours_total=40, practical_activity=True),
            Afspraak(id="beg", kind=Kind.BEGELEIDING, partner="Vluchtelingenwerk"),
        ],
    )
    return base.model_copy(update=changes)


def context(doelgroep: str = ASIEL, **changes: object) -> PipContext:
    values: dict[str, Any] = {
        "doelgroep": doelgroep,
        "on_bijstand": False,
        "young_children": False,
        "advice": advise(RouteInputs(doelgroep, lbt_outcome="ja")),
    }
    values.update(changes)
    return PipContext(**values)


def targets(pip: PipContent, ctx: PipContext) -> set[str]:
    return {m.target for m in missing(pip, ctx)}


def test_a_complete_b1_plan_lacks_nothing() -> None:
    assert missing(complete(), context()) == []


def test_pvt_needs_twelve_hours_and_an_excursion() -> None:
    short = complete(
        afspraken=[Afspraak(id="p", kind=Kind.PVT, hours_total=11, with_excursion=True)]
    )
    assert "afspraak:pvt" in targets(short, context())
    no_trip = complete(afspraken=[Afspraak(id="p", kind=Kind.PVT, hours_total=12)])
    assert "afspraak:pvt" in targets(no_trip, context())


def test_map_has_a_norm_but_not_in_the_onderwijsroute() -> None:
    little = complete(afspraken=[a for a in complete().afspraken if a.kind != Kind.MAP]
                      + [Afspraak(id="m", kind=Kind.MAP, hours_total=39, practical_activity=True)])  # fmt: skip
    assert "afspraak:map" in targets(little, context())
    assert "afspraak:map" not in targets(little, context(map_hours_norm=30))
    onderwijs = complete(leerroute="onderwijs", deviation_reason="Wil naar de hogeschool, past goed",
                         afspraken=[a for a in complete().afspraken if a.kind != Kind.MAP])  # fmt: skip
    assert "afspraak:map" not in targets(onderwijs, context())


def test_z_route_participation_hours_only_for_asielstatushouders() -> None:
    z = complete(leerroute="z", deviation_reason="Toets en praktijk wijzen op de Z-route")
    assert "afspraak:z_participatie" in targets(z, context(ASIEL))
    assert "afspraak:z_participatie" not in targets(z, context("gezinsmigrant"))


def test_choosing_otherwise_than_advised_needs_a_reason() -> None:
    assert "deviation_reason" in targets(complete(leerroute="z"), context())
    assert "deviation_reason" not in targets(
        complete(leerroute="z", deviation_reason="Uitslag toets komt niet overeen met de praktijk"),
        context(),
    )


def test_vve_when_young_children_and_ontzorgen_for_asielstatushouders_on_bijstand() -> None:
    assert "afspraak:vve" in targets(complete(), context(young_children=True))
    assert "afspraak:ontzorgen" in targets(complete(), context(on_bijstand=True))
    assert "afspraak:ontzorgen" not in targets(
        complete(), context("gezinsmigrant", on_bijstand=True)
    )
    start = date(2026, 1, 31)
    too_short = Afspraak(
        id="o", kind=Kind.ONTZORGEN, costs=["huur"], start=start, end=date(2026, 7, 30)
    )
    pip = complete(
        afspraken=[*complete().afspraken, too_short], ontzorgen_evaluation=date(2026, 4, 30)
    )
    assert "afspraak:ontzorgen" in targets(pip, context(on_bijstand=True))
    six_months = too_short.model_copy(update={"end": date(2026, 7, 31)})
    pip = complete(
        afspraken=[*complete().afspraken, six_months], ontzorgen_evaluation=date(2026, 4, 30)
    )
    assert "afspraak:ontzorgen" not in targets(pip, context(on_bijstand=True))


def test_prefill_proposes_what_the_intake_implies_but_leaves_it_unconfirmed() -> None:
    ctx = context(on_bijstand=True, young_children=True)
    assert ctx.advice is not None
    proposal = prefill(ctx.advice, ctx, bijstand_start=date(2026, 9, 1), today=date(2026, 11, 1),
                       progress_interval_months=3)  # fmt: skip
    kinds = {a.kind for a in proposal.afspraken}
    assert {Kind.LES, Kind.PVT, Kind.MAP, Kind.VVE, Kind.ONTZORGEN, Kind.BEGELEIDING} <= kinds
    ontzorgen = next(a for a in proposal.afspraken if a.kind == Kind.ONTZORGEN)
    assert (ontzorgen.start, ontzorgen.end) == (date(2026, 9, 1), date(2027, 3, 1))
    assert proposal.ontzorgen_evaluation == date(2026, 12, 1)
    assert proposal.progress_talks_per_year == 4
    assert all(not a.confirmed for a in proposal.afspraken)
    assert any(m.msgid.startswith("Bevestig") for m in missing(proposal, ctx))
