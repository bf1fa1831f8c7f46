"""The audit log as a hash chain: each event's hash covers its content and the previous hash,
so an edited, deleted or reordered event breaks the chain at that point.

The database already refuses UPDATE and DELETE on the log (triggers); the chain is what still
tells when someone with the key worked around them, and it lets a bundle's audit events be
checked after they travel (issue: sync bundles).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from inburgering_tui.i18n.markers import N_

GENESIS = "0" * 64


class Event(Protocol):
    id: int | None
    at: datetime
    actor: str
    action: str
    case_id: str | None
    subject: str
    prev_hash: str
    hash: str


def event_hash(
    prev_hash: str, at: datetime, actor: str, action: str, case_id: str | None, subject: str
) -> str:
    # Unit separators keep fields apart, so ("ab", "c") and ("a", "bc") never hash alike.
    if at.tzinfo is not None:
        # One instant, one hash: PostgreSQL hands timestamps back in the session's time zone.
        at = at.astimezone(UTC)
    stamp = at.isoformat(timespec="microseconds").replace("+00:00", "")
    fields = [prev_hash, stamp, actor, action, case_id or "", subject]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    event_id: int | None
    why: str
    msgid: str = ""  # the same in the UI language's words, for `inburgering check`


def first_broken_link(events: Iterable[Event]) -> BrokenLink | None:
    """Walk the log in order; None when every link holds."""
    previous = GENESIS
    previous_id: int | None = None
    for event in events:
        if event.prev_hash != previous:
            where = f"after event {previous_id}" if previous_id is not None else "at the start"
            return BrokenLink(
                event.id,
                f"does not follow on the event before it ({where}): deleted or reordered",
                N_("volgt niet op de gebeurtenis ervoor: verwijderd of verplaatst"),
            )
        expected = event_hash(
            event.prev_hash, event.at, event.actor, event.action, event.case_id, event.subject
        )
        if event.hash != expected:
            return BrokenLink(
                event.id,
                "its content does not match its hash: edited",
                N_("de inhoud past niet bij de hash: gewijzigd"),
            )
        previous, previous_id = event.hash, event.id
    return None
