"""The store's health: the checks `inburgering check` runs (all of them read-only), and the one
repair every writable open makes (a dropped trigger restored, and audited).

Each check says in one line what holds or what is wrong, as msgids shown in the UI language.
A check that cannot even read what it checks reports that as its problem; the others still run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, inspect, select
from sqlalchemy.exc import DBAPIError

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.message import Message
from inburgering_tui.store.audit_anchor import (
    PENDING,
    complete_pending,
    read_log,
    read_seal,
    seal_problem,
)
from inburgering_tui.store.audit_chain import first_broken_link
from inburgering_tui.store.engine import StoreLocked
from inburgering_tui.store.migrate import head_revision
from inburgering_tui.store.models import Attachment, SignedDocument
from inburgering_tui.store.repository import Store
from inburgering_tui.store.triggers import inspect_triggers, restore_triggers

_SHOWN = 5  # ids named in one line; the count says how many more


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, and what is wrong (None: it holds)."""

    label: str  # msgid
    problem: Message | None = None
    detail: Message | None = None  # what was seen when it holds ("12 gecontroleerd")

    @property
    def ok(self) -> bool:
        return self.problem is None


def repair_on_open(store: Store) -> list[str]:
    """Called each time the store opens for writing: seal the head a migration left unsealed,
    and put back any missing or changed trigger, audited as ``store.triggers_restored`` with
    the triggers' names. Returns those names.

    Looked at in a reading unit of work first: a store with nothing to repair opens without
    waiting for another process's write lock (opening only reads)."""
    with store.reading() as session:
        conn = session.connection()
        seal = read_seal(conn)
        pending = store.seal_key is not None and seal is not None and seal.mac == PENDING
        state = inspect_triggers(conn)
    if not pending and state.whole:
        return []
    with store.session() as session:
        conn = session.connection()
        try:
            if store.seal_key is not None:
                complete_pending(conn, store.seal_key)
            restored = restore_triggers(conn, inspect_triggers(conn))
            if restored:
                store.audit(session, "store.triggers_restored", None, ",".join(restored))
            session.commit()
        except DBAPIError:
            # E.g. a server role without the right to create triggers: the store still opens
            # (nothing of the work depends on the repair), and `check` keeps naming the gap.
            session.rollback()
            return []
    return restored


def run_checks(store: Store) -> list[Finding]:
    """Every check, in the order `inburgering check` prints them."""
    checks: list[tuple[str, Callable[[Connection], Finding]]] = [
        (N_("Database intact"), _integrity),
        (N_("Verwijzingen tussen tabellen"), _foreign_keys),
        (N_("Schema op de nieuwste versie"), _schema),
        (N_("Beveiligingstriggers aanwezig"), _triggers),
        (N_("Auditlogboek (keten en zegel)"), lambda conn: _audit(conn, store.seal_key)),
        (N_("Ondertekende PDF's (sha256)"), lambda conn: _blobs(conn, SignedDocument)),
        (N_("Bijlagen (sha256 en grootte)"), lambda conn: _blobs(conn, Attachment)),
    ]
    findings = []
    for label, check in checks:
        try:
            with _reading(store) as conn:
                findings.append(_labelled(label, check(conn)))
        except StoreLocked as exc:
            findings.append(
                Finding(label, Message(N_("kan niet worden geopend: {reason}"), {"reason": exc}))
            )
        except DBAPIError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            problem = Message(N_("kan niet worden gelezen: {reason}"), {"reason": reason})
            findings.append(Finding(label, problem))
    return findings


@contextmanager
def _reading(store: Store) -> Iterator[Connection]:
    # One transaction per check: what a check compares (the log and its seal) is one snapshot.
    with store.engine.connect() as conn, conn.begin() as transaction:
        yield conn
        transaction.rollback()  # nothing was written; nothing to keep


def _labelled(label: str, finding: Finding) -> Finding:
    return Finding(label, finding.problem, finding.detail)


def _holds(msgid: str = "", **params: Any) -> Finding:
    return Finding("", detail=Message(msgid, params) if msgid else None)


def _wrong(msgid: str, **params: Any) -> Finding:
    return Finding("", problem=Message(msgid, params))


def _first(rows: list[Any]) -> str:
    return ", ".join(str(row) for row in rows[:_SHOWN]) + (" …" if len(rows) > _SHOWN else "")


# -- the database itself ----------------------------------------------------------------------


def _integrity(conn: Connection) -> Finding:
    if conn.dialect.name == "postgresql":
        return _postgres_integrity(conn)
    # SQLCipher first: every page's HMAC (a changed byte anywhere in the file), then SQLite's
    # own structure (b-trees, indexes against their tables).
    pages = [row[0] for row in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
    if pages:
        return _wrong(
            N_("pagina's kloppen niet met hun versleuteling (aantal: {count}): {first}"),
            count=len(pages),
            first=_first(pages),
        )
    problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if problems != ["ok"]:
        return _wrong(
            N_("PRAGMA integrity_check meldt problemen (aantal: {count}): {first}"),
            count=len(problems),
            first=_first(problems),
        )
    return _holds(N_("integrity_check en cipher_integrity_check zonder meldingen"))


def _postgres_integrity(conn: Connection) -> Finding:
    # The server keeps its own pages; what can go wrong under us is an index left invalid (a
    # failed CREATE INDEX CONCURRENTLY) or a constraint added NOT VALID and never validated.
    invalid = list(
        conn.exec_driver_sql(
            "SELECT CAST(indexrelid AS regclass) FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid WHERE NOT i.indisvalid "
            "AND c.relnamespace = CAST(current_schema() AS regnamespace)"
        ).scalars()
    ) + list(
        conn.exec_driver_sql(
            "SELECT conname FROM pg_constraint WHERE NOT convalidated "
            "AND connamespace = CAST(current_schema() AS regnamespace)"
        ).scalars()
    )
    if invalid:
        return _wrong(
            N_("ongeldige indexen of niet gecontroleerde constraints: {names}"),
            names=_first(invalid),
        )
    return _holds(N_("indexen geldig, constraints gecontroleerd"))


def _foreign_keys(conn: Connection) -> Finding:
    if conn.dialect.name == "postgresql":
        orphans = _postgres_orphans(conn)
    else:
        orphans = [
            f"{row[0]} → {row[2]}" for row in conn.exec_driver_sql("PRAGMA foreign_key_check")
        ]
    if orphans:
        return _wrong(
            N_("verwijzingen naar een rij die er niet is (aantal: {count}): {first}"),
            count=len(orphans),
            first=_first(orphans),
        )
    return _holds()


def _postgres_orphans(conn: Connection) -> list[str]:
    # PostgreSQL enforces its foreign keys unless someone wrote with them switched off
    # (session_replication_role = replica): look for rows whose parent is gone.
    found: list[str] = []
    inspector = inspect(conn)
    for table in inspector.get_table_names():
        for key in inspector.get_foreign_keys(table):
            pairs = list(zip(key["constrained_columns"], key["referred_columns"], strict=True))
            join = " AND ".join(f'p."{parent}" = c."{child}"' for child, parent in pairs)
            present = " AND ".join(f'c."{child}" IS NOT NULL' for child, _ in pairs)
            missing = f'p."{pairs[0][1]}" IS NULL'
            count = conn.exec_driver_sql(
                f'SELECT count(*) FROM "{table}" c LEFT JOIN "{key["referred_table"]}" p '
                f"ON {join} WHERE {present} AND {missing}"
            ).scalar()
            found.extend([f"{table} → {key['referred_table']}"] * int(count or 0))
    return found


def _schema(conn: Connection) -> Finding:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(conn).get_current_revision()
    head = head_revision()
    if current != head:
        return _wrong(
            N_("het schema is op versie {current}, de nieuwste is {head}: open de app één keer"),
            current=current or "-",
            head=head,
        )
    return _holds(N_("versie {head}"), head=head)


def _triggers(conn: Connection) -> Finding:
    state = inspect_triggers(conn)
    missing, changed = ", ".join(state.missing), ", ".join(state.changed)
    if missing and changed:
        return _wrong(
            N_("ontbreekt: {missing}; gewijzigd of uitgeschakeld: {changed}"),
            missing=missing,
            changed=changed,
        )
    if missing:
        return _wrong(N_("ontbreekt: {names}"), names=missing)
    if changed:
        return _wrong(N_("gewijzigd of uitgeschakeld: {names}"), names=changed)
    return _holds()


# -- the audit log and the documents ---------------------------------------------------------


def _audit(conn: Connection, key: bytes | None) -> Finding:
    events, seal = read_log(conn)
    broken = first_broken_link(events)
    if broken is not None:
        return _wrong(
            N_("gebeurtenis {event}: {why}"), event=broken.event_id, why=Message(broken.msgid)
        )
    if key is None:
        return Finding(
            "",
            detail=Message(
                N_(
                    "keten heel (aantal gebeurtenissen: {count}); niet gezegeld: een serveropslag "
                    "heeft geen gegevenssleutel"
                ),
                {"count": len(events)},
            ),
        )
    problem = seal_problem(events, seal, key)
    if problem is not None:
        return Finding("", problem=problem)
    return _holds(
        N_("keten heel en gezegeld tot en met gebeurtenis {last} (aantal: {count})"),
        count=len(events),
        last=events[-1].id if events else 0,
    )


def _blobs(conn: Connection, model: Any) -> Finding:
    table = model.__table__
    columns = [table.c.id, table.c.sha256, table.c.content]
    sized = "size" in table.c
    if sized:
        columns.append(table.c.size)
    # Streamed: a store may hold gigabytes of scans, never all in memory at once.
    rows = conn.execution_options(stream_results=True, yield_per=16).execute(
        select(*columns).order_by(table.c.id)
    )
    damaged: list[str] = []
    total = 0
    for row in rows:
        total += 1
        content = bytes(row.content)
        if hashlib.sha256(content).hexdigest() != row.sha256 or (
            sized and len(content) != row.size
        ):
            damaged.append(str(row.id)[:8])
    if damaged:
        return _wrong(
            N_("beschadigd, de sha256 klopt niet (aantal: {count} van {total}): {ids}"),
            count=len(damaged),
            total=total,
            ids=_first(damaged),
        )
    return _holds(N_("{total} gecontroleerd"), total=total)
