"""One writer at a time: how a SQLite connection waits for the write lock, and what a person
reads when it stays taken.

Every transaction of a writing engine starts with ``BEGIN IMMEDIATE``: it takes the write lock
before its first read. A deferred ``BEGIN`` would read first (the answer row, the audit chain's
tail) and ask for the lock only at its first write; if another process committed in between,
SQLite refuses the upgrade at once, whatever the busy timeout ("database is locked"), and a
transaction that did get through could chain its audit event to a stale tail. Waiting for the
lock up front makes writers queue, so none loses the other's update.

A read-only engine (the interpreter's view, a second window) begins deferred, and so does a
session that only reads (``READS_ONLY``, see ``Store.reading``): in WAL mode it reads its
snapshot while another process writes, and never waits for the write lock nor holds it.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal

# How long a writer waits for another's transaction to end. Writes here are short (one answer,
# one import); ten seconds covers a large import's commit. Scripts may set their own.
BUSY_TIMEOUT_ENV = "INBURGERING_BUSY_TIMEOUT_SECONDS"
DEFAULT_BUSY_TIMEOUT = 10.0

_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8

# Execution options of a connection that only reads: its transactions begin deferred.
READS_ONLY: dict[str, object] = {"inburgering_reads_only": True}


class StoreBusy(Refusal):
    """Another process kept the store's write lock longer than we wait; nothing was written."""

    exit_status = 1  # the command may work once the other process is done

    def __init__(self) -> None:
        super().__init__(
            N_(
                "De opslag is bezet: een ander programma schreef er na {seconds} s wachten nog "
                "in. Er is niets veranderd; probeer het zo opnieuw."
            ),
            seconds=f"{busy_timeout():g}",
        )


class StoreReadOnly(Refusal):
    """A write reached a store opened read-only; SQLite refused it, nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            N_("Alleen lezen: in dit venster kan niets worden gewijzigd. Er is niets veranderd.")
        )


def busy_timeout() -> float:
    """Seconds a writer waits for the write lock (``INBURGERING_BUSY_TIMEOUT_SECONDS``)."""
    try:
        seconds = float(os.environ.get(BUSY_TIMEOUT_ENV, DEFAULT_BUSY_TIMEOUT))
    except ValueError:
        return DEFAULT_BUSY_TIMEOUT
    return seconds if seconds >= 0 else DEFAULT_BUSY_TIMEOUT


def is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked", in any of its codes."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(error).lower()


def _is_read_only(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == _SQLITE_READONLY


def use_transactions(engine: Engine, *, read_only: bool) -> None:
    """Explicit transactions, ``BEGIN IMMEDIATE`` for writers, and refusals a person can read."""

    # The sqlite3 driver opens transactions lazily and never for SELECT; let SQLAlchemy emit
    # BEGIN itself so reads and writes of one unit of work see one snapshot.
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        reads_only = read_only or conn.get_execution_options().get("inburgering_reads_only")
        conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _for_people(context: ExceptionContext) -> None:
        # Raised in place of SQLAlchemy's OperationalError, whose text is SQLite's English
        # and would reach the screen or the terminal as a traceback.
        original = context.original_exception
        if is_busy(original):
            raise StoreBusy from None
        if read_only and _is_read_only(original):  # elsewhere it is the file's permissions
            raise StoreReadOnly from None
