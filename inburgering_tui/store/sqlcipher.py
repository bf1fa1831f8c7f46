"""The store's file as SQLCipher sees it: keyed connections and the check of every page.

Apart from the engine so that refusing a damaged store needs neither SQLAlchemy nor Alembic:
a command that refuses says so at once.

SQLCipher checks a page's HMAC only when it reads the page, so a damaged page would show only
when (and if) the screen that needs it is opened: :func:`verify_store` reads every page in use
once, before any engine is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

from inburgering_tui.store import problems

DB_NAME = "store.db"
# SQLCipher 4's page size, which this app never changes: a store is a whole number of pages.
PAGE_SIZE = 4096


def connect_raw(path: Path, key: bytes, **options: Any) -> sqlcipher3.dbapi2.Connection:
    """A keyed connection; SQLCipher's own log stays off, so it never prints over the TUI."""
    conn = sqlcipher3.dbapi2.connect(str(path), **options)
    # Before the key: a failed HMAC check would otherwise write "ERROR CORE ..." to stderr.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def verify_store(path: Path, key: bytes) -> None:
    """Read every page in use once; raise StoreDamaged (or a StoreProblem) and change nothing.

    Runs on its own connection before any engine: SQLite removes the -wal and -shm files it
    made for it when it closes (it is the last connection), and leaves any that were there."""
    conn = connect_raw(path, key, timeout=10)
    try:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            raise _problem(exc, path, first_page=True) from None
        try:
            # quick_check reads each page of every table and index through the pager, so it
            # sees the WAL too and is safe while the app writes; each read checks the HMAC.
            verdict = conn.execute("PRAGMA quick_check").fetchall()
        except sqlcipher3.dbapi2.DatabaseError as exc:
            raise _problem(exc, path, first_page=False) from None
        if verdict != [("ok",)]:
            raise problems.damaged_database(path)
    finally:
        conn.close()


def _problem(
    error: sqlcipher3.dbapi2.DatabaseError, path: Path, *, first_page: bool
) -> problems.StoreProblem:
    said = problems.sqlite_problem(error, path.parent, creating=False)
    if said is not None:
        return said
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if first_page and code == problems.SQLITE_NOTADB:
        return problems.foreign_database(path)
    return problems.damaged_database(path)
