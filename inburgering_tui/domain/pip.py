"""The PIP (Plan Inburgering en Participatie): four themes, their afspraken, and what a PIP
must contain before it can be set (DOMAIN.md §4; W 15, B 5.3(4), B 3.1, 3.2, 3.14, Pw 56a).

A PIP version's content is one :class:`PipContent`, stored as JSON; set versions never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from inburgering_tui.domain.calendar import add_months
from inburgering_tui.domain.case_rules import Doelgroep
from inburgering_tui.domain.leerroute import Z_PARTICIPATION_HOURS, Leerroute, RouteAdvice
from inburgering_tui.i18n.markers import N_


class Theme(StrEnum):
    INBURGERING = "inburgering"
    PARTICIPATIE = "participatie"
    ONTZORGEN = "ontzorgen"
    BEGELEIDING = "begeleiding"


THEME_LABELS = {
    Theme.INBURGERING: N_("Inburgering"),
    Theme.PARTICIPATIE: N_("Participatie"),
    Theme.ONTZORGEN: N_("Ontzorgen"),
    Theme.BEGELEIDING: N_("Begeleiding"),
}


class Kind(StrEnum):
    """What an afspraak is for; decides which norms its hours count towards."""

    LES = "les"  # the leerroute's course (NT2, alfabetisering, KNM)
    PVT = "pvt"  # participatieverklaringstraject, B 3.1
    MAP = "map"  # module arbeidsmarkt en participatie, B 3.2
    Z_PARTICIPATIE = "z_participatie"  # Z-route participation hours, B 3.14
    VVE = "vve"
    ONTZORGEN = "ontzorgen"  # Pw 56a
    BEGELEIDING = "begeleiding"  # maatschappelijke begeleiding, B 5.1
    OVERIG = "overig"


KIND_LABELS = {
    Kind.LES: N_("Lessen van de leerroute"),
    Kind.PVT: N_("Participatieverklaringstraject (PVT)"),
    Kind.MAP: N_("Module arbeidsmarkt en participatie (MAP)"),
    Kind.Z_PARTICIPATIE: N_("Participatie-uren Z-route"),
    Kind.VVE: N_("Voor- en vroegschoolse educatie (VVE)"),
    Kind.ONTZORGEN: N_("Ontzorgen: vaste lasten betalen"),
    Kind.BEGELEIDING: N_("Maatschappelijke begeleiding"),
    Kind.OVERIG: N_("Andere afspraak"),
}
KIND_THEME = {
    Kind.LES: Theme.INBURGERING,
    Kind.PVT: Theme.PARTICIPATIE,
    Kind.MAP: Theme.PARTICIPATIE,
    Kind.Z_PARTICIPATIE: Theme.PARTICIPATIE,
    Kind.VVE: Theme.PARTICIPATIE,
    Kind.ONTZORGEN: Theme.ONTZORGEN,
    Kind.BEGELEIDING: Theme.BEGELEIDING,
}
LEGAL_BASIS = {
    Kind.LES: "W 7-9",
    Kind.PVT: "B 3.1",
    Kind.MAP: "B 3.2",
    Kind.Z_PARTICIPATIE: "B 3.14",
    Kind.VVE: "W 15; B 5.2(1)",
    Kind.ONTZORGEN: "Pw 56a",
    Kind.BEGELEIDING: "B 5.1",
}
# Agreements whose breach can be fined (W 23): the route's lessons, PVT and MAP.
FINEABLE = {Kind.LES, Kind.PVT, Kind.MAP}

RESPONSIBLE = {
    "persoon": N_("De persoon"),
    "gemeente": N_("De gemeente"),
    "partner": N_("Partnerorganisatie"),
}
STATUS = {
    "gepland": N_("Gepland"),
    "loopt": N_("Loopt"),
    "afgerond": N_("Afgerond"),
    "gestopt": N_("Gestopt"),
}
FIXED_COSTS = {
    "huur": N_("Huur"),
    "zorgverzekering": N_("Zorgverzekering"),
    "energie": N_("Gas en elektriciteit"),
    "water": N_("Water"),
}


class Afspraak(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: Kind
    description: str = ""
    responsible: str = "persoon"
    partner: str = ""
    start: date | None = None
    end: date | None = None
    hours_per_week: float | None = None
    hours_total: float | None = None
    with_excursion: bool = False  # PVT: at least one activity or excursion (B 3.1)
    practical_activity: bool = False  # MAP: at least one practical activity (000)
    costs: list[str] = Field(default_factory=list)  # ontzorgen: which fixed costs
    status: str = "gepland"
    review_on: date | None = None  # when the afspraak is looked at again
    hours_logged: float | None = None  # hours done so far (may include the intake phase)
    confirmed: bool = True  # False while it is only a proposal pre-filled from the intake

    @property
    def theme(self) -> Theme:
        return KIND_THEME.get(self.kind, Theme.BEGELEIDING)

    @property
    def fineable(self) -> bool:
        return self.kind in FINEABLE

    @property
    def legal_basis(self) -> str:
        return LEGAL_BASIS.get(self.kind, "")


class PipContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leerroute: Leerroute | None = None
    alfabetisering: bool = False
    deviation_reason: str = ""  # required when the route differs from the advice
    target_level: str = ""  # e.g. B1, A2, B2
    provider: str = ""  # taalaanbieder
    intensity_hours_week: float | None = None
    contact_person: str = ""
    progress_talks_per_year: int = 2  # B 5.3(4): the number is fixed in the PIP
    ontzorgen_evaluation: date | None = None
    ontzorgen_extension_reason: str = ""
    waiting_since: date | None = None  # T5: waiting on a third party
    info_received: date | None = None
    afspraken: list[Afspraak] = Field(default_factory=list)

    def of_kind(self, kind: Kind) -> list[Afspraak]:
        return [a for a in self.afspraken if a.kind == kind]

    def of_theme(self, theme: Theme) -> list[Afspraak]:
        return [a for a in self.afspraken if a.theme == theme]


@dataclass(frozen=True)
class PipContext:
    """What the completeness check needs to know besides the PIP itself."""

    doelgroep: str
    on_bijstand: bool
    young_children: bool
    advice: RouteAdvice | None
    map_hours_norm: int = 40  # 000; a setting


@dataclass(frozen=True)
class Missing:
    theme: Theme
    target: str  # where to jump: a field id, "afspraak:<kind>" or "afspraak:<id>"
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


def ontzorgen_applies(context: PipContext) -> bool:
    return context.doelgroep == Doelgroep.ASIELSTATUSHOUDER and context.on_bijstand


def missing(pip: PipContent, context: PipContext) -> list[Missing]:
    """Everything a PIP lacks before it can be set; empty when it is complete."""
    found: list[Missing] = []
    found += _inburgering(pip, context)
    found += _participatie(pip, context)
    found += _ontzorgen(pip, context)
    found += _begeleiding(pip, context)
    found += [
        Missing(
            a.theme,
            f"afspraak:{a.id}",
            N_("Bevestig de voorgestelde afspraak: {what}."),
            {"what": KIND_LABELS[a.kind]},
        )
        for a in pip.afspraken
        if not a.confirmed
    ]
    return found


def _inburgering(pip: PipContent, context: PipContext) -> list[Missing]:
    theme = Theme.INBURGERING
    found = []
    if pip.leerroute is None:
        found.append(Missing(theme, "leerroute", N_("Kies de leerroute (W 15).")))
    advice = context.advice
    differs = (
        advice is not None
        and pip.leerroute is not None
        and (pip.leerroute != advice.route or pip.alfabetisering != advice.alfabetisering)
    )
    if differs and len(pip.deviation_reason.strip()) < 10:
        found.append(
            Missing(
                theme,
                "deviation_reason",
                N_("De keuze wijkt af van het advies: schrijf de reden op."),
            )
        )
    if not pip.target_level.strip():
        found.append(
            Missing(theme, "target_level", N_("Vul het taalniveau in dat de persoon wil halen."))
        )
    if not pip.provider.strip():
        found.append(Missing(theme, "provider", N_("Vul de taalaanbieder in.")))
    if not pip.intensity_hours_week:
        found.append(
            Missing(theme, "intensity_hours_week", N_("Vul de intensiteit in (uren per week)."))
        )
    return found


def _hours(afspraken: list[Afspraak]) -> float:
    return sum(a.hours_total or 0 for a in afspraken)


def _participatie(pip: PipContent, context: PipContext) -> list[Missing]:
    theme = Theme.PARTICIPATIE
    found = []
    pvt = pip.of_kind(Kind.PVT)
    if not pvt:
        found.append(Missing(theme, "afspraak:pvt", N_("Maak een afspraak over het PVT (B 3.1).")))
    else:
        if _hours(pvt) < 12:
            found.append(
                Missing(theme, "afspraak:pvt", N_("Het PVT heeft minstens 12 uur nodig (B 3.1)."))
            )
        if not any(a.with_excursion for a in pvt):
            found.append(
                Missing(
                    theme,
                    "afspraak:pvt",
                    N_("Het PVT heeft minstens één activiteit of excursie nodig (B 3.1)."),
                )
            )
    if pip.leerroute != Leerroute.ONDERWIJS:
        maps = pip.of_kind(Kind.MAP)
        if not maps:
            found.append(
                Missing(theme, "afspraak:map", N_("Maak een afspraak over de MAP (B 3.2)."))
            )
        else:
            if _hours(maps) < context.map_hours_norm:
                found.append(
                    Missing(
                        theme,
                        "afspraak:map",
                        N_("De MAP heeft minstens {hours} uur nodig."),
                        {"hours": context.map_hours_norm},
                    )
                )
            if not any(a.practical_activity for a in maps):
                found.append(
                    Missing(
                        theme,
                        "afspraak:map",
                        N_("De MAP heeft minstens één praktische activiteit nodig."),
                    )
                )
    z_route_asiel = (
        pip.leerroute == Leerroute.Z and context.doelgroep == Doelgroep.ASIELSTATUSHOUDER
    )
    if z_route_asiel and _hours(pip.of_kind(Kind.Z_PARTICIPATIE)) < Z_PARTICIPATION_HOURS:
        found.append(
            Missing(
                theme,
                "afspraak:z_participatie",
                N_("De Z-route vraagt {hours} participatie-uren (L3)."),
                {"hours": Z_PARTICIPATION_HOURS},
            )
        )
    if context.young_children and not pip.of_kind(Kind.VVE):
        found.append(
            Missing(
                theme, "afspraak:vve", N_("Er zijn jonge kinderen: maak een afspraak over VVE.")
            )
        )
    return found


def _ontzorgen(pip: PipContent, context: PipContext) -> list[Missing]:
    if not ontzorgen_applies(context):
        return []
    theme = Theme.ONTZORGEN
    found = []
    items = pip.of_kind(Kind.ONTZORGEN)
    if not items:
        return [
            Missing(theme, "afspraak:ontzorgen", N_("Maak de afspraak over ontzorgen (Pw 56a)."))
        ]
    item = items[0]
    if not item.costs:
        found.append(
            Missing(theme, "afspraak:ontzorgen", N_("Kies welke vaste lasten de gemeente betaalt."))
        )
    if item.start is None or item.end is None:
        found.append(
            Missing(
                theme,
                "afspraak:ontzorgen",
                N_("Vul in vanaf wanneer en tot wanneer ontzorgd wordt."),
            )
        )
    elif item.end < add_months(item.start, 6) and not pip.ontzorgen_extension_reason:
        found.append(
            Missing(theme, "afspraak:ontzorgen", N_("Ontzorgen duurt minstens 6 maanden (Pw 56a)."))
        )
    if pip.ontzorgen_evaluation is None:
        found.append(
            Missing(
                theme,
                "ontzorgen_evaluation",
                N_("Plan de evaluatie van het ontzorgen (na 3 maanden)."),
            )
        )
    return found


def _begeleiding(pip: PipContent, context: PipContext) -> list[Missing]:
    theme = Theme.BEGELEIDING
    found = []
    if not pip.contact_person.strip():
        found.append(Missing(theme, "contact_person", N_("Vul de contactpersoon in.")))
    if context.doelgroep == Doelgroep.ASIELSTATUSHOUDER and not pip.of_kind(Kind.BEGELEIDING):
        found.append(
            Missing(
                theme,
                "afspraak:begeleiding",
                N_("Maak een afspraak over maatschappelijke begeleiding (B 5.1)."),
            )
        )
    if pip.progress_talks_per_year < 1:
        found.append(
            Missing(
                theme,
                "progress_talks_per_year",
                N_("Leg vast hoe vaak er een voortgangsgesprek is (B 5.3(4))."),
            )
        )
    return found
