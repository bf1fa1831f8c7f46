"""Opens the SQLCipher (or PostgreSQL) database behind a SQLAlchemy engine.

Each SQLite connection is keyed with the raw data key before anything else runs, then put in
WAL mode with ``synchronous=FULL``: every committed answer is on disk before the UI says saved,
so a killed process or a pulled plug loses nothing that was shown as saved.

Before an engine is made, the vault checks every page (:mod:`inburgering_tui.store.sqlcipher`).
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import QueuePool

from inburgering_tui.private_files import private_store_file
from inburgering_tui.store import problems
from inburgering_tui.store.busy import StoreBusy, busy_timeout, is_busy, use_transactions
from inburgering_tui.store.sqlcipher import connect_raw
from inburgering_tui.store.write_faults import reconnect_after_faults


class StoreLocked(Exception):
    """The database cannot be opened with this key (wrong key or not a store)."""


def sqlite_engine(path: Path, key: bytes, *, read_only: bool = False) -> Engine:
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    if not read_only:
        private_store_file(path)

    def connect() -> sqlcipher3.dbapi2.Connection:
        # The driver's timeout is SQLite's busy timeout: it waits already while keying.
        conn = connect_raw(path, key, check_same_thread=False, timeout=busy_timeout())
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            conn.close()
            if is_busy(exc):  # in use elsewhere (a restore), not a wrong key
                raise StoreBusy from None
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF != problems.SQLITE_NOTADB:
                raise
            raise StoreLocked(f"{path} cannot be opened with this key") from None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        if read_only:
            # The interpreter's follow view: SQLite itself refuses every write.
            conn.execute("PRAGMA query_only = ON")
        return conn

    engine = create_engine(
        "sqlite://",
        creator=connect,
        module=sqlcipher3.dbapi2,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        # Parameters are answers and names: keep them out of every error message.
        hide_parameters=True,
    )
    use_transactions(engine, read_only=read_only)  # see busy.py: one writer at a time
    reconnect_after_faults(engine, path)
    return engine


def server_engine(url: str) -> Engine:
    """A PostgreSQL (or other server) engine for the back office; encryption is the server's."""
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)
