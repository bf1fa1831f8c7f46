"""Validates the person and case fields as typed on the case form (or read from an import)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import Invalid, parse_date
from inburgering_tui.domain.case_rules import (
    LITERACY_LABELS,
    SEX_LABELS,
    Doelgroep,
    bsn_problem,
    normalise_bsn,
    normalise_v_nummer,
    v_nummer_problem,
)
from inburgering_tui.domain.languages import normalise_languages
from inburgering_tui.i18n.markers import N_

# The person and case fields a municipality registers, in form order (also an import's columns).
CASE_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "nationality",
    "languages",
    "literacy",
    "v_nummer",
    "bsn",
    "doelgroep",
    "azc_location",
    "koppelingsdatum",
    "kennisgeving_date",
    "brp_date",
    "consultant",
)
DATE_FIELDS = ("date_of_birth", "koppelingsdatum", "kennisgeving_date", "brp_date")
TEXT_FIELDS = ("given_names", "family_name", "nationality", "azc_location", "consultant")


@dataclass(frozen=True)
class CaseFormResult:
    values: dict[str, Any]
    errors: dict[str, Invalid]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_case_fields(
    raw: dict[str, Any], today: date, *, stored_languages: Iterable[str] = ()
) -> CaseFormResult:
    """``stored_languages``: what the case held before this edit. An old free-text language
    that names no known language may stay (it is shown with a warning to choose again);
    a new one is refused, so nothing but codes comes in."""
    values: dict[str, Any] = {}
    errors: dict[str, Invalid] = {}
    for name in TEXT_FIELDS:
        text = str(raw.get(name) or "").strip()
        if len(text) > 200:
            errors[name] = Invalid(N_("Gebruik hoogstens {max} tekens."), {"max": 200})
        values[name] = text
    for name in ("given_names", "family_name"):
        if not values[name]:
            errors[name] = Invalid(N_("Dit veld is verplicht."))
    for name in DATE_FIELDS:
        text = str(raw.get(name) or "").strip()
        if not text:
            values[name] = None
            continue
        parsed = parse_date(text)
        if isinstance(parsed, Invalid):
            errors[name] = parsed
        elif parsed > today:
            errors[name] = Invalid(
                N_("Deze datum ligt in de toekomst; vul een datum in tot en met vandaag.")
            )
        elif parsed.year < 1900:
            errors[name] = Invalid(N_("Deze datum bestaat niet."))
        else:
            values[name] = parsed
    doelgroep = str(raw.get("doelgroep") or "")
    if doelgroep not in {d.value for d in Doelgroep}:
        errors["doelgroep"] = Invalid(N_("Kies een doelgroep."))
    values["doelgroep"] = doelgroep
    sex = str(raw.get("sex") or "onbekend")
    values["sex"] = sex if sex in SEX_LABELS else "onbekend"
    literacy = str(raw.get("literacy") or "onbekend")
    values["literacy"] = literacy if literacy in LITERACY_LABELS else "onbekend"
    languages = raw.get("languages") or []
    if isinstance(languages, str):
        languages = [part.strip() for part in languages.split(",")]
    values["languages"], unknown = normalise_languages([str(lang) for lang in languages])
    new_unknown = [lang for lang in unknown if lang not in set(stored_languages)]
    if new_unknown:
        errors["languages"] = Invalid(
            N_("Onbekende taal: {names}. Kies een taal uit de lijst of gebruik een taalcode."),
            {"names": ", ".join(new_unknown)},
        )
    v_nummer = str(raw.get("v_nummer") or "").strip()
    if v_nummer and (problem := v_nummer_problem(v_nummer)):
        errors["v_nummer"] = Invalid(problem)
    values["v_nummer"] = normalise_v_nummer(v_nummer) if v_nummer else None
    bsn = str(raw.get("bsn") or "").strip()
    # Optional: at the AZC a person often has no BSN yet.
    if bsn and (problem := bsn_problem(bsn)):
        errors["bsn"] = Invalid(problem)
    values["bsn"] = normalise_bsn(bsn) if bsn else None
    birth = values.get("date_of_birth")
    for name in ("koppelingsdatum", "kennisgeving_date", "brp_date"):
        if birth and values.get(name) and values[name] < birth:
            errors[name] = Invalid(N_("Deze datum ligt voor de geboortedatum."))
    return CaseFormResult(values, errors)
