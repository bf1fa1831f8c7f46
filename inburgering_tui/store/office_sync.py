"""The back office's side of syncing: apply a verified bundle in one transaction.

Per case the record hash decides (docs/bundle-format.md, "Applying"):
- a case the office has never seen is new;
- a record hash the office has seen before changes nothing (a bundle imported twice, or an
  old bundle arriving late);
- a record whose base is what the office holds now is an update;
- anything else was edited elsewhere since the two last agreed: a conflict. The office keeps
  what it holds, stores the incoming record whole, and flags the case for a person.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.models import (
    CaseConflict,
    CaseRevision,
    CaseSync,
    DeviceAuditEvent,
    ImportedBundle,
    PipVersion,
    utcnow,
)
from inburgering_tui.store.records import (
    BATCH,
    CASE_TABLE,
    PARTS,
    PARTS_BY_KEY,
    part_rows,
    read_records,
    record_rows,
    row_to_json,
)
from inburgering_tui.store.repository import Store

Progress = Callable[[float], None]
NEW, UPDATED, UNCHANGED, CONFLICT = "new", "updated", "unchanged", "conflict"
IMPORT_CACHE_KIB = 256 * 1024
_LOCK_KEY = 0x1B5E  # PostgreSQL advisory lock: one bundle import at a time, across processes


class ImportRefused(Refusal):
    """The bundle does not fit what the office holds; nothing was changed."""


class ImportBusy(Refusal):
    """Another import holds the store; nothing was changed."""


@dataclass
class ImportSummary:
    bundle_id: str
    already_imported: bool = False
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)  # case -> outcome, hash
    audit_seal: dict[str, Any] | None = None  # the bundle manifest's, for the receipt

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.outcomes.values() if item["outcome"] == outcome)

    def line(self) -> str:
        if self.already_imported:
            return "already imported before; nothing changed"
        return ", ".join(f"{self.count(o)} {o}" for o in (NEW, UPDATED, UNCHANGED, CONFLICT))


def _table(model: Any) -> Any:
    return model.__table__


@contextmanager
def _large_page_cache(session: Session) -> Iterator[None]:
    """SQLite: a big page cache while importing. Audit events and answers land all over their
    indexes; with the default cache every page is read back and decrypted again and again
    (measured at 10,000 cases: 62 s for the floor's inserts with the default, 24 s with this)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        # Back to the usual size for whoever gets this pooled connection next; after a failed
        # transaction roll back first (a lost restore only costs memory, never data).
        with suppress(SQLAlchemyError):
            if (
                session.in_transaction()
                and not cast(SessionTransaction, session.get_transaction()).is_active
            ):
                session.rollback()
            session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def _take_import_lock(session: Session, bundle_id: str) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # Waits for a concurrent import to finish; READ COMMITTED then sees what it wrote.
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        return
    # SQLite: write first, so the transaction holds the write lock from the start and a
    # concurrent import waits here instead of failing halfway.
    try:
        conn.execute(
            text(
                "INSERT INTO syncstate (key, value) VALUES ('last_import', :v) "
                "ON CONFLICT (key) DO UPDATE SET value = :v"
            ),
            {"v": bundle_id},
        )
    except Exception as exc:
        if "locked" in str(exc).lower():
            raise ImportBusy(
                N_("er loopt al een import; probeer het opnieuw als die klaar is")
            ) from None
        raise


@dataclass(frozen=True)
class Incoming:
    """A bundle that passed every check of its own: what the database part applies."""

    manifest: dict[str, Any]
    records: Sequence[dict[str, Any]]
    audit_events: Sequence[dict[str, Any]]
    documents: dict[str, bytes]
    sha256: str
    rows: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # by sha256

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])


def earlier_import(store: Store, bundle_id: str, sha256: str) -> ImportSummary | None:
    """The summary of this bundle's earlier import, if there was one."""
    with store.session() as session:
        return _earlier(session.get(ImportedBundle, bundle_id), sha256)


def _earlier(done: ImportedBundle | None, sha256: str) -> ImportSummary | None:
    if done is None:
        return None
    if done.sha256 != sha256:
        # Bundle ids are random: another file under an imported id is not a repeat.
        raise ImportRefused(N_("een andere bundel met hetzelfde id is al geïmporteerd"))
    return ImportSummary(done.id, already_imported=True, outcomes=dict(done.outcomes))


def apply_bundle(
    store: Store, incoming: Incoming, progress: Progress = lambda _done: None
) -> ImportSummary:
    summary = ImportSummary(incoming.bundle_id)
    with store.session() as session, _large_page_cache(session):
        _take_import_lock(session, incoming.bundle_id)
        earlier = _earlier(session.get(ImportedBundle, incoming.bundle_id), incoming.sha256)
        if earlier is not None:
            session.rollback()  # not even the lock's bookkeeping stays
            progress(1.0)
            return earlier  # as first applied: the receipt repeats it
        try:
            summary.outcomes = _apply(store, session, incoming, progress)
        except IntegrityError:
            # A safety net behind the checks: whatever the database refuses, nothing stays.
            session.rollback()
            raise ImportRefused(
                N_("de bundel botst met gegevens die de backoffice al heeft; er is niets veranderd")
            ) from None
    progress(1.0)
    return summary


def _apply(
    store: Store, session: Session, incoming: Incoming, progress: Progress
) -> dict[str, dict[str, str]]:
    records, manifest, bundle_id = incoming.records, incoming.manifest, incoming.bundle_id
    conn = session.connection()
    plan = _classify(conn, records)
    progress(0.1)
    applying = [r for r in records if plan[r["case_id"]] in (NEW, UPDATED)]
    _check_row_ids(conn, applying)
    _replace_rows(
        conn, applying, plan, incoming.documents, progress, incoming.rows, incoming.attachments
    )
    _record_outcomes(
        session, records, plan, manifest, bundle_id, incoming.documents, incoming.attachments
    )
    _store_device_audit(conn, manifest["device_id"], bundle_id, incoming.audit_events)
    outcomes = {
        r["case_id"]: {"outcome": plan[r["case_id"]], "record_hash": r["record_hash"]}
        for r in records
    }
    session.add(
        ImportedBundle(
            id=bundle_id,
            sha256=incoming.sha256,
            device_id=manifest["device_id"],
            consultant=manifest["consultant"],
            created_at=datetime.fromisoformat(manifest["created_at"]).replace(tzinfo=UTC),
            outcomes=outcomes,
        )
    )
    store.audit_many(
        session,
        [("bundle.import", None, bundle_id)]
        + [
            (f"sync.{plan[r['case_id']]}", r["case_id"], bundle_id)
            for r in records
            if plan[r["case_id"]] != UNCHANGED
        ],
    )
    session.commit()
    return outcomes


def _check_row_ids(conn: Connection, records: Sequence[dict[str, Any]]) -> None:
    """A row id the office already holds must belong to the same case: ids are global."""
    for part in PARTS:
        if "id" not in part.table.c or "id" in part.leave_out:
            continue
        incoming = {row["id"]: r["case_id"] for r in records for row in part_rows(r["data"], part)}
        ids = list(incoming)
        for start in range(0, len(ids), BATCH):
            query = select(part.table.c.id, part.table.c.case_id).where(
                part.table.c.id.in_(ids[start : start + BATCH])
            )
            for row_id, case_id in conn.execute(query):
                if incoming[row_id] != case_id:
                    raise ImportRefused(
                        N_("{part}: id {id} hoort in de backoffice al bij een andere zaak"),
                        part=part.key,
                        id=row_id,
                    )


def _classify(conn: Connection, records: Sequence[dict[str, Any]]) -> dict[str, str]:
    ids = [r["case_id"] for r in records]
    held: dict[str, str] = {}
    existing: set[str] = set()
    seen: set[tuple[str, str]] = set()
    sync, revision = _table(CaseSync), _table(CaseRevision)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        existing.update(
            conn.execute(select(CASE_TABLE.c.id).where(CASE_TABLE.c.id.in_(batch))).scalars()
        )
        held.update(
            (case_id, hash_)
            for case_id, hash_ in conn.execute(
                select(sync.c.case_id, sync.c.record_hash).where(sync.c.case_id.in_(batch))
            )
        )
        seen.update(
            (case_id, hash_)
            for case_id, hash_ in conn.execute(
                select(revision.c.case_id, revision.c.record_hash).where(
                    revision.c.case_id.in_(batch)
                )
            )
        )
    plan: dict[str, str] = {}
    for record in records:
        case_id, incoming = record["case_id"], record["record_hash"]
        if case_id not in existing:
            plan[case_id] = NEW
        elif (case_id, incoming) in seen or held.get(case_id) == incoming:
            plan[case_id] = UNCHANGED
        elif case_id in held and record["base_hash"] == held[case_id]:
            plan[case_id] = UPDATED
        else:
            plan[case_id] = CONFLICT
    return plan


def _replace_rows(
    conn: Connection,
    records: Sequence[dict[str, Any]],
    plan: dict[str, str],
    documents: dict[str, bytes],
    progress: Progress,
    prepared: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
    attachments: dict[str, bytes] | None = None,
) -> None:
    """Write new cases and replace updated ones; set PIP versions are never touched again.
    ``prepared`` holds column values converted while the bundle was checked."""

    def rows_of(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        return (prepared or {}).get(record["case_id"]) or record_rows(record["data"])

    updated = [r["case_id"] for r in records if plan[r["case_id"]] == UPDATED]
    set_versions: set[str] = set()
    pip = _table(PipVersion)
    set_numbers: dict[tuple[str, int], str] = {}
    for start in range(0, len(updated), BATCH):
        batch = updated[start : start + BATCH]
        query = select(pip.c.id, pip.c.case_id, pip.c.number).where(
            pip.c.case_id.in_(batch), pip.c.status == "set"
        )
        for version_id, case_id, number in conn.execute(query):
            set_versions.add(version_id)
            set_numbers[(case_id, number)] = version_id
    for record in records:
        for version in record["data"]["pip_versions"]:
            held = set_numbers.get((record["case_id"], version["number"]))
            if held is not None and held != version["id"]:
                raise ImportRefused(
                    N_("zaak {case}: PIP-versie {number} is al vastgesteld, met een ander id"),
                    case=record["case_id"],
                    number=version["number"],
                )
    updated_set = set(updated)
    kept_attachments = _settle_attachments(
        conn, [r for r in records if r["case_id"] in updated_set]
    )
    for start in range(0, len(updated), BATCH):
        batch = updated[start : start + BATCH]
        # Children first, in reverse insert order (answers point to conversations, progress
        # talks to PIP versions); documents and set versions stay: they never change.
        for part in reversed(PARTS):
            if part.key in ("documents", "attachments"):
                continue
            statement = delete(part.table).where(part.table.c.case_id.in_(batch))
            if part.key == "pip_versions":
                statement = statement.where(part.table.c.status != "set")
            conn.execute(statement)
    known_documents: set[str] = set()
    documents_table = PARTS_BY_KEY["documents"].table
    for start in range(0, len(updated), BATCH):
        batch = updated[start : start + BATCH]
        known_documents.update(
            conn.execute(
                select(documents_table.c.id).where(documents_table.c.case_id.in_(batch))
            ).scalars()
        )
    new_cases = [rows_of(r)["case"][0] for r in records if plan[r["case_id"]] == NEW]
    changed_cases = [rows_of(r)["case"][0] for r in records if plan[r["case_id"]] == UPDATED]
    if new_cases:
        conn.execute(insert(CASE_TABLE), new_cases)
    if changed_cases:
        columns = [c.name for c in CASE_TABLE.columns if c.name != "id"]
        change = (
            update(CASE_TABLE)
            .where(CASE_TABLE.c.id == bindparam("case_key"))
            .values({name: bindparam(name) for name in columns})
        )
        conn.execute(change, [{**row, "case_key": row["id"]} for row in changed_cases])
    progress(0.4)
    for index, part in enumerate(PARTS):
        rows: list[dict[str, Any]] = []
        for record in records:
            for row in rows_of(record)[part.key]:
                if part.key == "pip_versions" and row["id"] in set_versions:
                    continue
                if part.key == "documents":
                    if row["id"] in known_documents:
                        continue
                    row = {**row, "content": documents[row["sha256"]]}
                if part.key == "attachments":
                    if row["id"] in kept_attachments:
                        continue
                    row = {**row, "content": (attachments or {})[row["sha256"]]}
                rows.append(row)
        if rows:
            conn.execute(insert(part.table), rows)
        progress(0.4 + 0.5 * (index + 1) / len(PARTS))


def _settle_attachments(conn: Connection, updated: Sequence[dict[str, Any]]) -> set[str]:
    """For updated cases: remove the attachments their record no longer names (removed on the
    laptop) and return the ids of those the office holds already, which stay as they are. An
    attachment never changes, so one the office holds under the same id must be the same."""
    table = PARTS_BY_KEY["attachments"].table
    incoming = {
        row["id"]: {**row, "case_id": r["case_id"]}
        for r in updated
        for row in r["data"].get("attachments", [])
    }
    ids = [r["case_id"] for r in updated]
    columns = [c for c in table.columns if c.name != "content"]
    held: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH):
        query = select(*columns).where(table.c.case_id.in_(ids[start : start + BATCH]))
        for found in conn.execute(query):
            held[found.id] = row_to_json(table, found, ("content",))
    for attachment_id, item in held.items():
        if attachment_id in incoming and incoming[attachment_id] != item:
            raise ImportRefused(
                N_("bijlage {id} is in de backoffice al anders vastgelegd"), id=attachment_id[:12]
            )
    gone = [attachment_id for attachment_id in held if attachment_id not in incoming]
    for start in range(0, len(gone), BATCH):
        conn.execute(delete(table).where(table.c.id.in_(gone[start : start + BATCH])))
    return set(held) - set(gone)


def _record_outcomes(
    session: Session,
    records: Sequence[dict[str, Any]],
    plan: dict[str, str],
    manifest: dict[str, Any],
    bundle_id: str,
    documents: dict[str, bytes],
    attachments: dict[str, bytes],
) -> None:
    conn = session.connection()
    now = utcnow()
    sync = _table(CaseSync)
    conflicts = [r for r in records if plan[r["case_id"]] == CONFLICT]
    current = read_records(conn, [r["case_id"] for r in conflicts])
    held = {
        case_id: hash_
        for case_id, hash_ in conn.execute(
            select(sync.c.case_id, sync.c.record_hash).where(
                sync.c.case_id.in_([r["case_id"] for r in conflicts] or [""])
            )
        )
    }
    for record in conflicts:
        # The incoming PDFs are kept with the record, so choosing it later loses nothing.
        pdfs = {
            d["sha256"]: base64.b64encode(documents[d["sha256"]]).decode()
            for d in record["data"]["documents"]
        }
        kept = {**record, "document_contents": pdfs}
        if record["data"].get("attachments"):
            kept["attachment_contents"] = {
                a["sha256"]: base64.b64encode(attachments[a["sha256"]]).decode()
                for a in record["data"]["attachments"]
            }
        session.add(
            CaseConflict(
                case_id=record["case_id"],
                current_hash=held.get(record["case_id"], ""),
                incoming_hash=record["record_hash"],
                incoming_record=kept,
                current_record=current.get(record["case_id"]),
                consultant=manifest["consultant"],
                bundle_id=bundle_id,
            )
        )
    fresh = [r for r in records if plan[r["case_id"]] == NEW]
    moved = [r for r in records if plan[r["case_id"]] == UPDATED]
    if fresh:
        conn.execute(
            insert(sync),
            [
                {"case_id": r["case_id"], "record_hash": r["record_hash"], "synced_at": now}
                for r in fresh
            ],
        )
    if moved:
        conn.execute(
            update(sync)
            .where(sync.c.case_id == bindparam("case_key"))
            .values(record_hash=bindparam("hash"), synced_at=now),
            [{"case_key": r["case_id"], "hash": r["record_hash"]} for r in moved],
        )
    revisions = [r for r in records if plan[r["case_id"]] != UNCHANGED]
    if revisions:
        conn.execute(
            insert(_table(CaseRevision)),
            [
                {
                    "case_id": r["case_id"],
                    "record_hash": r["record_hash"],
                    "base_hash": r["base_hash"],
                    "bundle_id": bundle_id,
                    "seen_at": now,
                }
                for r in revisions
            ],
        )


def _store_device_audit(
    conn: Connection, device_id: str, bundle_id: str, events: Sequence[dict[str, Any]]
) -> None:
    """Keep the laptop's audit events as they came; ones already held are skipped."""
    table = _table(DeviceAuditEvent)
    hashes = [event["hash"] for event in events]
    known: set[str] = set()
    for start in range(0, len(hashes), BATCH):
        known.update(
            conn.execute(
                select(table.c.hash).where(
                    table.c.device_id == device_id, table.c.hash.in_(hashes[start : start + BATCH])
                )
            ).scalars()
        )
    rows = [
        {
            "device_id": device_id,
            "seq": event["seq"],
            "at": datetime.fromisoformat(event["at"]).replace(tzinfo=UTC),
            "actor": event["actor"],
            "action": event["action"],
            "case_id": event["case_id"],
            "subject": event["subject"],
            "prev_hash": event["prev_hash"],
            "hash": event["hash"],
            "bundle_id": bundle_id,
        }
        for event in events
        if event["hash"] not in known
    ]
    if rows:
        conn.execute(insert(table), rows)


# -- conflicts ---------------------------------------------------------------------------------


def open_conflicts(store: Store) -> list[CaseConflict]:
    from sqlmodel import col
    from sqlmodel import select as sm_select

    query = sm_select(CaseConflict).where(col(CaseConflict.resolved_at).is_(None))
    with store.session() as session:
        return list(session.exec(query.order_by(col(CaseConflict.opened_at))).all())


def conflicted_case_ids(store: Store) -> dict[str, int]:
    """Open conflicts per case: ids only, never the stored records (lists ask on every show)."""
    from sqlmodel import col, func
    from sqlmodel import select as sm_select

    query = (
        sm_select(CaseConflict.case_id, func.count())
        .where(col(CaseConflict.resolved_at).is_(None))
        .group_by(CaseConflict.case_id)
    )
    with store.session() as session:
        return {case_id: count for case_id, count in session.exec(query).all()}


def resolve_conflict(store: Store, conflict_id: str, take: str) -> None:
    """``take`` is "current" (keep what the office holds) or "incoming" (continue from the
    other laptop's record). Either way both records stay in the conflict row."""
    if take not in ("current", "incoming"):
        raise ValueError(take)
    with store.session() as session:
        conflict = session.get_one(CaseConflict, conflict_id)
        if conflict.resolved_at is not None:
            raise ValueError("this conflict is already resolved")
        conn = session.connection()
        if take == "incoming":
            record = conflict.incoming_record
            pdfs = {
                sha: base64.b64decode(content)
                for sha, content in record.get("document_contents", {}).items()
            }
            attached = {
                sha: base64.b64decode(content)
                for sha, content in record.get("attachment_contents", {}).items()
            }
            _keep_dropped_attachments(conn, conflict, record)
            # Apply as an update of what the office holds now.
            _replace_rows(
                conn,
                [record],
                {record["case_id"]: UPDATED},
                pdfs,
                lambda _d: None,
                attachments=attached,
            )
            conn.execute(
                update(_table(CaseSync))
                .where(_table(CaseSync).c.case_id == record["case_id"])
                .values(record_hash=record["record_hash"], synced_at=utcnow())
            )
        conflict.resolved_at = utcnow()
        conflict.resolved_by = store.actor
        conflict.resolution = take
        session.add(conflict)
        store.audit(session, f"conflict.keep_{take}", conflict.case_id, conflict.id)
        session.commit()


def _keep_dropped_attachments(
    conn: Connection, conflict: CaseConflict, record: dict[str, Any]
) -> None:
    """Continuing from the other version removes the attachments only the current one has: their
    content goes into the conflict row first, so both versions stay whole there."""
    table = PARTS_BY_KEY["attachments"].table
    staying = {row["id"] for row in record["data"].get("attachments", [])}
    query = select(table.c.id, table.c.sha256, table.c.content).where(
        table.c.case_id == conflict.case_id
    )
    dropped = {
        sha256: base64.b64encode(bytes(content)).decode()
        for attachment_id, sha256, content in conn.execute(query)
        if attachment_id not in staying
    }
    if dropped:
        # A new dict: the JSON column notices a replaced value, not a changed one.
        conflict.current_record = {
            **(conflict.current_record or {}),
            "attachment_contents": dropped,
        }
