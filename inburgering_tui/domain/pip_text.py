"""The PIP as plain text in any language: what the review screen (and later the PDF) shows.

Fixed parts (themes, kinds of afspraak, the leerroute) are translated; what the consultant
typed stays as typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from inburgering_tui.domain.leerroute import LEERROUTE_LABELS
from inburgering_tui.domain.pip import KIND_LABELS, RESPONSIBLE, THEME_LABELS, PipContent, Theme
from inburgering_tui.i18n.markers import N_

# Labels used inside formatted lines: marked here, outside f-strings, so Babel extracts them.
KENMERK = N_("Kenmerk")
LEERROUTE = N_("Leerroute")
FROM = N_("van")
UNTIL = N_("tot")
HOURS = N_("uur")
TARGET_LEVEL = N_("Taalniveau")
PROVIDER = N_("Taalaanbieder")
HOURS_PER_WEEK = N_("Uren per week")
CONTACT = N_("Contactpersoon")
TALKS_PER_YEAR = N_("Voortgangsgesprekken per jaar")


def pip_text(
    pip: PipContent,
    translate: Callable[[str], str],
    show_date: Callable[[date], str],
) -> str:
    t = translate
    lines: list[str] = []
    for theme in Theme:
        lines.append(t(THEME_LABELS[theme]).upper())
        if theme == Theme.INBURGERING and pip.leerroute is not None:
            route = t(LEERROUTE_LABELS[pip.leerroute])
            if pip.alfabetisering:
                route += " + " + t(N_("alfabetisering"))
            lines.append(f"- {t(LEERROUTE)}: {route}")
            if pip.target_level:
                lines.append(f"- {t(TARGET_LEVEL)}: {pip.target_level}")
            if pip.provider:
                lines.append(f"- {t(PROVIDER)}: {pip.provider}")
            if pip.intensity_hours_week:
                lines.append(f"- {t(HOURS_PER_WEEK)}: {pip.intensity_hours_week:g}")
        if theme == Theme.BEGELEIDING:
            if pip.contact_person:
                lines.append(f"- {t(CONTACT)}: {pip.contact_person}")
            lines.append(f"- {t(TALKS_PER_YEAR)}: {pip.progress_talks_per_year}")
        for afspraak in pip.of_theme(theme):
            text = t(KIND_LABELS[afspraak.kind])
            if afspraak.description:
                text += f": {afspraak.description}"
            who = afspraak.partner or t(RESPONSIBLE.get(afspraak.responsible, afspraak.responsible))
            details = [who]
            if afspraak.start:
                details.append(f"{t(FROM)} {show_date(afspraak.start)}")
            if afspraak.end:
                details.append(f"{t(UNTIL)} {show_date(afspraak.end)}")
            if afspraak.hours_total:
                details.append(f"{afspraak.hours_total:g} {t(HOURS)}")
            lines.append(f"- {text} ({', '.join(details)})")
        lines.append("")
    return "\n".join(lines).strip()
