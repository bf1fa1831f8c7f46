"""The laptop's side of syncing: what goes into the next bundle, what the back office has
confirmed, and what retention may then remove. Nothing here deletes unsent work: a case is only
purged when its record is exactly the one a receipt confirmed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, delete
from sqlalchemy import select as select_rows  # Core rows; sqlmodel's select gives models
from sqlmodel import Session, col, select

from inburgering_tui.store.audit_anchor import read_seal
from inburgering_tui.store.models import (
    AuditEvent,
    Case,
    CaseSync,
    ExportedBundle,
    SyncState,
    new_id,
    utcnow,
)
from inburgering_tui.store.records import BATCH, read_records, record_hash, row_to_json
from inburgering_tui.store.repository import Store

AUDIT_TABLE: Table = cast(Any, AuditEvent).__table__  # set by SQLModel, unseen by the checker
DEVICE_ID = "device_id"
LAST_EXPORTED_SEQ = "last_exported_audit_seq"


@dataclass(frozen=True)
class Pending:
    """What the next bundle carries."""

    records: list[dict[str, Any]]
    loose_audit: list[dict[str, Any]]
    last_seq: int
    complete_audit: bool
    # The audit chain's sealed head, read in the same snapshot as the events (audit_anchor.py).
    audit_seal: dict[str, Any] | None = None


def _audit_json(row: Any) -> dict[str, Any]:
    item = row_to_json(AUDIT_TABLE, row)
    item["seq"] = item.pop("id")
    return item


class LaptopSync:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _state(self, session: Session, key: str) -> str | None:
        row = session.get(SyncState, key)
        return row.value if row else None

    def device_id(self) -> str:
        """A random id for this store, made the first time it is asked for."""
        with self.store.session() as session:
            value = self._state(session, DEVICE_ID)
            if value is None:
                value = new_id()
                session.add(SyncState(key=DEVICE_ID, value=value))
                session.commit()
            return value

    def pending(self, *, everything: bool = False) -> Pending:
        """The cases changed since the last export (every case with ``everything``), with the
        audit events since then (the whole log with ``everything``)."""
        with self.store.session() as session:
            after = 0 if everything else int(self._state(session, LAST_EXPORTED_SEQ) or 0)
            conn: Connection = session.connection()
            events = conn.execute(
                select_rows(AUDIT_TABLE).where(AUDIT_TABLE.c.id > after).order_by(AUDIT_TABLE.c.id)
            ).all()
            case_ids = _changed_cases(session, [e.case_id for e in events], everything)
            bases: dict[str, str] = {}
            sync: Table = cast(Any, CaseSync).__table__
            for start in range(0, len(case_ids), BATCH):
                query = select_rows(sync.c.case_id, sync.c.record_hash).where(
                    sync.c.case_id.in_(case_ids[start : start + BATCH])
                )
                bases.update((case_id, hash_) for case_id, hash_ in conn.execute(query))
            data = read_records(conn, case_ids)
            seal = read_seal(conn)
        by_case: dict[str, list[dict[str, Any]]] = {case_id: [] for case_id in case_ids}
        loose: list[dict[str, Any]] = []
        for event in events:
            (by_case.get(event.case_id or "", loose)).append(_audit_json(event))
        records = [
            {
                "case_id": case_id,
                "base_hash": bases.get(case_id),
                "record_hash": record_hash(data[case_id]),
                "data": data[case_id],
                "audit": by_case[case_id],
            }
            for case_id in case_ids
        ]
        last_seq = events[-1].id if events else after
        return Pending(
            records,
            loose,
            int(last_seq or 0),
            complete_audit=after == 0,
            audit_seal=seal.as_json() if seal else None,
        )

    def changed_case_ids(self) -> list[str]:
        """The cases the next bundle would carry (their ids only, for a status line)."""
        with self.store.session() as session:
            after = int(self._state(session, LAST_EXPORTED_SEQ) or 0)
            query = select(AuditEvent.case_id).where(col(AuditEvent.id) > after).distinct()
            return _changed_cases(session, list(session.exec(query).all()), everything=False)

    def mark_exported(self, bundle_id: str, sha256: str, file_name: str, pending: Pending) -> None:
        """After the bundle file is safely written: these records are the new agreed bases."""
        now = utcnow()
        with self.store.session() as session:
            for record in pending.records:
                row = session.get(CaseSync, record["case_id"]) or CaseSync(
                    case_id=record["case_id"], record_hash=record["record_hash"]
                )
                row.record_hash = record["record_hash"]
                row.synced_at = now
                session.add(row)
            session.add(
                ExportedBundle(
                    id=bundle_id,
                    sha256=sha256,
                    file_name=file_name,
                    cases=len(pending.records),
                    last_audit_seq=pending.last_seq,
                )
            )
            state = session.get(SyncState, LAST_EXPORTED_SEQ) or SyncState(
                key=LAST_EXPORTED_SEQ, value="0"
            )
            state.value = str(max(pending.last_seq, int(state.value)))
            session.add(state)
            self.store.audit(session, "bundle.export", None, bundle_id)
            session.commit()

    def exported_bundles(self) -> list[ExportedBundle]:
        with self.store.session() as session:
            query = select(ExportedBundle).order_by(col(ExportedBundle.created_at))
            return list(session.exec(query).all())

    def confirm(self, bundle_id: str, held: dict[str, str]) -> int:
        """A verified receipt: the back office holds these cases at these record hashes."""
        now = utcnow()
        confirmed = 0
        with self.store.session() as session:
            bundle = session.get(ExportedBundle, bundle_id)
            if bundle is None:
                raise KeyError(bundle_id)
            bundle.confirmed_at = now
            session.add(bundle)
            for case_id, hash_ in held.items():
                row = session.get(CaseSync, case_id)
                if row is None:
                    continue
                row.confirmed_hash = hash_
                row.confirmed_at = now
                session.add(row)
                confirmed += 1
            self.store.audit(session, "bundle.confirmed", None, bundle_id)
            session.commit()
        return confirmed

    def purge(self, retention_days: int, now: datetime | None = None) -> list[str]:
        """Remove cases confirmed at least ``retention_days`` ago whose record has not changed
        since: only work the back office is known to hold goes."""
        cutoff = (now or utcnow()) - timedelta(days=retention_days)
        purged: list[str] = []
        with self.store.session() as session:
            candidates = {
                row.case_id: row.confirmed_hash
                for row in session.exec(select(CaseSync)).all()
                if row.confirmed_hash
                and row.confirmed_at
                and _naive(row.confirmed_at) <= _naive(cutoff)
            }
            data = read_records(session.connection(), sorted(candidates))
            for case_id, confirmed_hash in candidates.items():
                if case_id not in data or record_hash(data[case_id]) != confirmed_hash:
                    continue  # changed after the receipt (or gone): never purge unsent work
                marker = SyncState(key=f"purging:{case_id}", value="1")
                session.add(marker)
                session.flush()
                session.execute(delete(Case).where(col(Case.id) == case_id))
                session.execute(delete(CaseSync).where(col(CaseSync.case_id) == case_id))
                session.delete(marker)
                self.store.audit(session, "case.purge", case_id, "retention")
                purged.append(case_id)
            session.commit()
        return purged


def _changed_cases(
    session: Session, event_cases: Sequence[str | None], everything: bool
) -> list[str]:
    """Every case with ``everything``, else the cases these audit events name that still exist
    (a purged case's events travel as loose events)."""
    existing = set(session.exec(select(Case.id)).all())
    if everything:
        return sorted(existing)
    return sorted({case_id for case_id in event_cases if case_id in existing})


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
