"""Conflicts at the back office: a case changed on two laptops since they last agreed.

Both records are kept; the office chooses which one the case goes on with. The screens see a
:class:`ConflictView` (who, when, which parts differ), never the stored records themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from inburgering_tui.store.office_sync import conflicted_case_ids, open_conflicts, resolve_conflict
from inburgering_tui.store.repository import Store


@dataclass(frozen=True)
class ConflictView:
    id: str
    case_id: str
    consultant: str
    opened_on: date
    differing_parts: list[str]  # field names of the person, else the part's name


def conflict_of(store: Store, case_id: str) -> ConflictView | None:
    """The open conflict of one case, if any."""
    found = next((c for c in open_conflicts(store) if c.case_id == case_id), None)
    if found is None:
        return None
    return ConflictView(
        id=found.id,
        case_id=found.case_id,
        consultant=found.consultant or "",
        opened_on=found.opened_at.date(),
        differing_parts=differences(found.current_record or {}, found.incoming_record["data"]),
    )


def conflicted_cases(store: Store) -> set[str]:
    """The ids of the cases with an open conflict (ids only: lists ask on every show)."""
    return set(conflicted_case_ids(store))


def resolve(store: Store, conflict_id: str, take: Literal["current", "incoming"]) -> None:
    """Go on with the office's record ("current") or the other laptop's ("incoming")."""
    resolve_conflict(store, conflict_id, take)


def differences(current: dict[str, Any], incoming: dict[str, Any]) -> list[str]:
    """Which parts of the case differ: field names of the person, else the part's name."""
    parts: list[str] = []
    for key in sorted(set(current) | set(incoming)):
        if current.get(key) == incoming.get(key):
            continue
        if key == "case":
            person_current, person_incoming = current.get(key, {}), incoming.get(key, {})
            parts.extend(
                field
                for field in sorted(set(person_current) | set(person_incoming))
                if person_current.get(field) != person_incoming.get(field) and field != "updated_at"
            )
        else:
            parts.append(key)
    return parts
