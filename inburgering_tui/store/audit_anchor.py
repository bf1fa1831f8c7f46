"""The audit chain's anchor: its head (the newest event's id and hash) sealed with an HMAC only
the store's owner can make, kept in the store and moved on in the transaction of every append.

The chain alone finds an event edited, removed or moved in the middle. It cannot find the last
events removed, nor a chain whose hashes were all recomputed after an edit: both leave a chain
that holds. The seal names the head the store last wrote, so a log that ends before it, a head
with another hash, or a seal that does not verify is what those leave behind.

The seal key comes from the data key through HKDF under its own label: the seal never exposes
the data key, and no seal of one store verifies on another. A server store (PostgreSQL) holds
no data key and is not sealed. The seal only moves on from a seal that holds: after tampering
it stays where it was, so the gap stays visible to `inburgering check` and `audit verify`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    func,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlmodel import Session as ModelSession
from sqlmodel import col
from sqlmodel import select as select_models

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.message import Message
from inburgering_tui.store.audit_chain import GENESIS, Event
from inburgering_tui.store.models import AuditEvent

SEAL_INFO = b"inburgering-tui audit seal v1"
SEAL_ROW = 1
PENDING = ""  # the migration's seal, written without the key; completed when the store opens
# session.info keys: the key to seal with (set by Store.audit), and the head the transaction
# found before its first append (set by repository._audit_tail).
SEALING = "audit_seal_key"
BASE = "audit_base"
LAST_EVENT = "audit_last_event"  # the newest event appended, whose id the flush fills in

SEAL_TABLE = Table(
    "auditseal",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, nullable=False),
    Column("hash", String, nullable=False),
    Column("mac", String, nullable=False),
)
_AUDIT = Table("auditevent", MetaData(), Column("id", Integer, primary_key=True))
_ADVANCE = (
    SEAL_TABLE.update()
    .where(
        SEAL_TABLE.c.id == SEAL_ROW,
        SEAL_TABLE.c.event_id == bindparam("base_id"),
        SEAL_TABLE.c.hash == bindparam("base_hash"),
        SEAL_TABLE.c.mac == bindparam("base_mac"),
    )
    .values(event_id=bindparam("new_id"), hash=bindparam("new_hash"), mac=bindparam("new_mac"))
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def seal_key(data_key: bytes) -> bytes:
    """The seal's own key: HKDF-SHA256 of the data key with the seal's label."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_INFO).derive(data_key)


def seal_mac(key: bytes, event_id: int, hash_: str) -> str:
    message = b"\x1f".join([SEAL_INFO, str(event_id).encode("ascii"), hash_.encode("ascii")])
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Seal:
    event_id: int
    hash: str
    mac: str

    def holds(self, key: bytes) -> bool:
        return self.mac != PENDING and hmac.compare_digest(
            self.mac, seal_mac(key, self.event_id, self.hash)
        )

    def names(self, head: tuple[int, str]) -> bool:
        return (self.event_id, self.hash) == head

    def as_json(self) -> dict[str, Any] | None:
        """For a bundle, receipt or backup manifest; None when it is not a whole seal (pending,
        or a row damaged into something no schema would take)."""
        whole = isinstance(self.event_id, int) and self.event_id >= 0
        for text in (self.hash, self.mac):
            whole = whole and isinstance(text, str) and bool(_HEX64.match(text))
        if not whole:
            return None
        return {"event_id": self.event_id, "hash": self.hash, "mac": self.mac}


def read_seal(conn: Connection) -> Seal | None:
    """The stored seal; None when there is none (or the table itself is gone)."""
    try:
        row = conn.execute(
            select(SEAL_TABLE.c.event_id, SEAL_TABLE.c.hash, SEAL_TABLE.c.mac).where(
                SEAL_TABLE.c.id == SEAL_ROW
            )
        ).first()
    except DBAPIError:
        return None
    if row is None:
        return None
    event_id, hash_, mac = row
    if not isinstance(event_id, int) or not isinstance(hash_, str) or not isinstance(mac, str):
        return Seal(-1, "", "damaged")  # holds for no key, and is not pending either
    return Seal(event_id, hash_, mac)


def read_log(conn: Connection) -> tuple[list[AuditEvent], Seal | None]:
    """Every event in id order and the seal, read on one connection: in one transaction they
    are one snapshot, so an append in between cannot look like a gap."""
    with ModelSession(bind=conn) as session:
        events = list(session.exec(select_models(AuditEvent).order_by(col(AuditEvent.id))).all())
    return events, read_seal(conn)


def head(conn: Connection) -> tuple[int, str]:
    """The newest event's (id, hash), (0, GENESIS) for an empty log."""
    row = conn.exec_driver_sql("SELECT id, hash FROM auditevent ORDER BY id DESC LIMIT 1").first()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def write_seal(conn: Connection, key: bytes, sealed: tuple[int, str]) -> None:
    event_id, hash_ = sealed
    conn.execute(
        SEAL_TABLE.update()
        .where(SEAL_TABLE.c.id == SEAL_ROW)
        .values(event_id=event_id, hash=hash_, mac=seal_mac(key, event_id, hash_))
    )


def complete_pending(conn: Connection, key: bytes) -> bool:
    """Seal the head the migration recorded, once, when the store first opens with its key; only
    while that is still the head (else the seal stays pending and `check` names it)."""
    seal = read_seal(conn)
    if seal is None or seal.mac != PENDING or not seal.names(head(conn)):
        return False
    write_seal(conn, key, (seal.event_id, seal.hash))
    return True


@event.listens_for(Session, "before_commit")
def _advance_seal(session: Session) -> None:
    """At the end of every transaction that appended events: seal the new head, if the seal
    named the head the transaction started from. Costs two HMACs and a one-row update by
    primary key (and a max(id) on the log's primary key after a bulk append)."""
    key = session.info.pop(SEALING, None)
    base = session.info.get(BASE)
    tail = session.info.get("audit_tail")
    if key is None or base is None or tail is None:
        return
    last = session.info.pop(LAST_EVENT, None)
    session.flush()
    conn = session.connection()
    newest = getattr(last, "id", None) if getattr(last, "hash", None) == tail else None
    if newest is None:  # a bulk append: its ids come back from no one
        newest = conn.execute(select(func.max(_AUDIT.c.id))).scalar()
    sealed = (int(newest or 0), str(tail))
    # One statement checks and moves: a seal that names the base with a MAC that holds has
    # exactly the MAC computed here (HMAC is deterministic), so the WHERE is the verification.
    moved = conn.execute(
        _ADVANCE,
        {
            "base_id": base[0],
            "base_hash": base[1],
            "base_mac": seal_mac(key, *base),
            "new_id": sealed[0],
            "new_hash": sealed[1],
            "new_mac": seal_mac(key, *sealed),
        },
    )
    if moved.rowcount == 1:  # else leave it be: the gap it shows is what `check` reports
        session.info[BASE] = sealed  # a session that appends again starts from here


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    # Nothing of the rolled-back appends stays: the next append reads the head again.
    for name in (SEALING, BASE, LAST_EVENT, "audit_tail"):
        session.info.pop(name, None)


# -- verifying --------------------------------------------------------------------------------


def seal_problem(events: Sequence[Event], seal: Seal | None, key: bytes) -> Message | None:
    """What is wrong between the log (in id order, its links already checked) and its seal."""
    if seal is None:
        return Message(N_("het auditlogboek heeft geen zegel (verwijderd?)"))
    if seal.mac == PENDING:
        return Message(N_("het zegel van het auditlogboek is nog niet gezet: open de app één keer"))
    if not seal.holds(key):
        return Message(
            N_(
                "het zegel klopt niet: het is gewijzigd of niet met de sleutel van deze opslag "
                "gemaakt"
            )
        )
    last = events[-1].id if events else 0
    sealed = next((e for e in events if e.id == seal.event_id), None)
    if seal.event_id and sealed is None:
        return Message(
            N_(
                "het logboek eindigt bij gebeurtenis {last}, maar het zegel noemt gebeurtenis "
                "{sealed}: de laatste gebeurtenissen zijn verwijderd"
            ),
            {"last": last, "sealed": seal.event_id},
        )
    sealed_hash = sealed.hash if sealed is not None else GENESIS
    if sealed_hash != seal.hash:
        return Message(
            N_(
                "gebeurtenis {sealed} heeft niet de hash die het zegel noemt: het logboek is "
                "ingekort of herschreven"
            ),
            {"sealed": seal.event_id},
        )
    if (last or 0) > seal.event_id:
        return Message(
            N_(
                "de gebeurtenissen na {sealed} (tot en met {last}) zijn buiten het zegel om "
                "geschreven"
            ),
            {"sealed": seal.event_id, "last": last},
        )
    return None
