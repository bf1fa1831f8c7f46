"""Reading a list of persons coupled to the municipality (CSV or JSON) into validated case rows.

Every row is checked like the case form; a row is refused with its number and every reason,
and rows that repeat a V-nummer or BSN (in the file or already in the store) are refused as
duplicates, so importing the same file twice registers nobody twice.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.case_form import CASE_FIELDS as FIELDS
from inburgering_tui.domain.case_form import validate_case_fields
from inburgering_tui.i18n.markers import N_


@dataclass(frozen=True)
class Rejected:
    row: int  # 1-based data row (a CSV's header is row 0)
    problems: list[tuple[str, Invalid]]  # (field, why)


@dataclass(frozen=True)
class ImportPlan:
    accepted: list[dict[str, Any]]
    rejected: list[Rejected]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/JSON, no known columns)."""


def read_rows(name: str, data: bytes) -> list[dict[str, Any]]:
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".json"):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFileError(
                f"{name}: not valid JSON (line {exc.lineno}): {exc.msg}"
            ) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportFileError(f"{name}: expected a JSON list of objects, one per person")
        return rows
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    unknown = [c for c in reader.fieldnames or [] if c and c.strip() not in FIELDS]
    if not reader.fieldnames or "family_name" not in [c.strip() for c in reader.fieldnames]:
        raise ImportFileError(f"{name}: the first line must name the columns ({', '.join(FIELDS)})")
    if unknown:
        raise ImportFileError(f"{name}: unknown columns: {', '.join(unknown)}")
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def plan_import(
    rows: Iterable[dict[str, Any]],
    today: date,
    known_v_nummers: set[str],
    known_bsns: set[str],
) -> ImportPlan:
    accepted: list[dict[str, Any]] = []
    rejected: list[Rejected] = []
    seen_v, seen_bsn = set(known_v_nummers), set(known_bsns)
    for number, row in enumerate(rows, start=1):
        raw = dict(row)
        if isinstance(raw.get("languages"), str):
            raw["languages"] = raw["languages"].replace(";", ",")
        result = validate_case_fields(raw, today)
        problems = sorted(result.errors.items())
        values = result.values
        if not problems:
            if values["v_nummer"] and values["v_nummer"] in seen_v:
                problems.append(
                    ("v_nummer", Invalid(N_("Deze persoon is al geregistreerd (zelfde V-nummer).")))
                )
            elif values["bsn"] and values["bsn"] in seen_bsn:
                problems.append(
                    ("bsn", Invalid(N_("Deze persoon is al geregistreerd (zelfde BSN).")))
                )
            elif not values["v_nummer"] and not values["bsn"]:
                problems.append(
                    (
                        "v_nummer",
                        Invalid(
                            N_("Een V-nummer of BSN is nodig om dubbele registratie te voorkomen.")
                        ),
                    )
                )
        if problems:
            rejected.append(Rejected(number, problems))
            continue
        if values["v_nummer"]:
            seen_v.add(values["v_nummer"])
        if values["bsn"]:
            seen_bsn.add(values["bsn"])
        accepted.append(values)
    return ImportPlan(accepted, rejected)
