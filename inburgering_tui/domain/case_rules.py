"""Checks on the person and case fields a municipality registers."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from inburgering_tui.i18n.markers import N_


class Doelgroep(StrEnum):
    """The three target groups of the law (W 19, B 1.1); they decide who pays and what applies."""

    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


# Keyed by code, as the store and the forms hold it: a Doelgroep is its code (StrEnum).
DOELGROEP_LABELS: dict[str, str] = {
    Doelgroep.ASIELSTATUSHOUDER: N_("Asielstatushouder"),
    Doelgroep.GEZINSMIGRANT: N_("Gezinsmigrant"),
    Doelgroep.OVERIGE_MIGRANT: N_("Overige migrant"),
}

SEX_LABELS = {
    "v": N_("Vrouw"),
    "m": N_("Man"),
    "x": N_("Anders / X"),
    "onbekend": N_("Onbekend"),
}

LITERACY_LABELS = {
    "latijns": N_("Geletterd in Latijns schrift"),
    "niet_latijns": N_("Geletterd, niet in Latijns schrift"),
    "analfabeet": N_("Niet geletterd"),
    "onbekend": N_("Onbekend"),
}

HOUSEHOLD_RELATIONS = {
    "partner": N_("Partner"),
    "kind": N_("Kind"),
    "ouder": N_("Ouder"),
    "overig": N_("Overig familielid"),
}


def bsn_problem(bsn: str) -> str | None:
    """None when ``bsn`` passes the 11-proef (9 digits, weights 9..2 and -1), else a msgid."""
    digits = bsn.strip().replace(".", "").replace(" ", "")
    if len(digits) == 8:
        digits = "0" + digits  # BSNs issued before 2007 may be written with 8 digits
    if not re.fullmatch(r"\d{9}", digits):
        return N_("Een BSN heeft 9 cijfers.")
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    if total == 0 or total % 11:
        return N_("Dit BSN klopt niet (de elfproef faalt). Controleer de cijfers.")
    return None


def normalise_bsn(bsn: str) -> str:
    digits = bsn.strip().replace(".", "").replace(" ", "")
    return digits.zfill(9)


def v_nummer_problem(v_nummer: str) -> str | None:
    """The IND's V-nummer is ten digits; people write it with spaces or dots."""
    digits = re.sub(r"[\s.]", "", v_nummer)
    if not re.fullmatch(r"\d{10}", digits):
        return N_("Een V-nummer heeft 10 cijfers.")
    return None


def normalise_v_nummer(v_nummer: str) -> str:
    return re.sub(r"[\s.]", "", v_nummer)


def age_on(date_of_birth: date | None, day: date) -> int | None:
    if date_of_birth is None:
        return None
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday
