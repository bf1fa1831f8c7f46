"""Registering a person: the case form, an import of a koppelingen list, and duplicates.

The form and an import obey the same checks: every field valid, and no V-nummer or BSN that
another case already has (one person, one case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.case_form import validate_case_fields
from inburgering_tui.domain.koppelingen import ImportPlan, plan_import, read_rows
from inburgering_tui.i18n.markers import N_
from inburgering_tui.store.models import Case
from inburgering_tui.store.repository import Store

__all__ = ["Case", "ImportOutcome", "Registration", "import_file", "register", "update"]

SAME_V_NUMMER = N_("Deze persoon is al geregistreerd (zelfde V-nummer).")
SAME_BSN = N_("Deze persoon is al geregistreerd (zelfde BSN).")


@dataclass(frozen=True)
class Registration:
    """The case registered or changed, or per field what is wrong (then nothing was written)."""

    case: Case | None
    errors: dict[str, Invalid] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportOutcome:
    created: list[str]
    plan: ImportPlan


def _duplicates(store: Store, values: dict[str, Any], own_id: str | None) -> dict[str, Invalid]:
    errors: dict[str, Invalid] = {}
    for name, msgid in (("v_nummer", SAME_V_NUMMER), ("bsn", SAME_BSN)):
        holder = store.case_with_identifier(name, values.get(name) or "")
        if holder is not None and holder != own_id:
            errors[name] = Invalid(msgid)
    return errors


def register(store: Store, raw: dict[str, Any], today: date) -> Registration:
    """A new case from the case form's fields as typed."""
    result = validate_case_fields(raw, today)
    errors = dict(result.errors) or _duplicates(store, result.values, None)
    if errors:
        return Registration(None, errors)
    return Registration(store.create_case(result.values))


def update(store: Store, case_id: str, raw: dict[str, Any], today: date) -> Registration:
    """The case's person and case fields changed on the form."""
    stored = store.get_case(case_id)
    result = validate_case_fields(
        raw, today, stored_languages=stored.languages if stored is not None else ()
    )
    errors = dict(result.errors) or _duplicates(store, result.values, case_id)
    if errors:
        return Registration(None, errors)
    return Registration(store.update_case(case_id, result.values))


def import_file(store: Store, name: str, data: bytes, today: date) -> ImportOutcome:
    """Pre-register every valid row of a koppelingen list (CSV or JSON) in one transaction.

    Raises :class:`~inburgering_tui.domain.koppelingen.ImportFileError` for a file that cannot
    be read as such a list at all."""
    rows = read_rows(name, data)
    known_v, known_bsn = store.known_identifiers()
    plan = plan_import(rows, today, known_v, known_bsn)
    # The file name, not its content, goes into the audit log.
    created = store.create_cases(plan.accepted, source=name) if plan.accepted else []
    return ImportOutcome(created, plan)
