"""Why a write to the store failed: a full disk, a read-only store, an I/O error, or another refusal.

SQLite names the kind in the error code of its OperationalError; other drivers only in the
message. The kind is all the UI gets: the message could name a path, and never says more.
"""

from __future__ import annotations

import os
import sqlite3
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

from inburgering_tui.store.busy import StoreBusy


class WriteFault(StrEnum):
    DISK_FULL = "disk_full"
    READ_ONLY = "read_only"
    IO_ERROR = "io_error"
    BUSY = "busy"  # another process held the write lock longer than we wait
    REFUSED = "refused"  # any other refusal by the database (busy, cannot open the file, ...)


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_FAULTS = {
    13: WriteFault.DISK_FULL,  # SQLITE_FULL
    8: WriteFault.READ_ONLY,  # SQLITE_READONLY
    10: WriteFault.IO_ERROR,  # SQLITE_IOERR
}
_OPERATIONAL = (sqlite3.OperationalError, sqlcipher3.dbapi2.OperationalError)


def write_fault(error: BaseException) -> WriteFault | None:
    """The kind of fault behind ``error``; None when it is no fault of the disk or the database
    (a bug: that one must not be shown as a full disk)."""
    if isinstance(error, StoreBusy):
        return WriteFault.BUSY
    original: object = error.orig if isinstance(error, DBAPIError) else error
    operational = isinstance(original, _OPERATIONAL) or (
        isinstance(error, DBAPIError) and type(original).__name__ == "OperationalError"
    )
    if not operational:
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE_FAULTS.get(code & 0xFF, WriteFault.REFUSED)
    text = str(original).lower()
    if "no space left" in text or "disk is full" in text or "disk full" in text:
        return WriteFault.DISK_FULL
    if "read-only" in text or "readonly" in text:
        return WriteFault.READ_ONLY
    if "i/o error" in text:
        return WriteFault.IO_ERROR
    return WriteFault.REFUSED


def reconnect_after_faults(engine: Engine, path: Path) -> None:
    """Once a read-only or I/O fault is gone, write through connections opened anew.

    SQLite opens a store it cannot write read-only, and such a connection stays read-only for
    good; one that met an I/O error may hold a stale view. So a connection that met either is
    dropped, and one opened while its files could not be written is replaced at its next use once
    they can be written again (cheap access() calls, only for those)."""

    @event.listens_for(engine, "handle_error")
    def _drop(context: ExceptionContext) -> None:
        if write_fault(context.original_exception) in (WriteFault.READ_ONLY, WriteFault.IO_ERROR):
            context.is_disconnect = True

    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]

    def writable() -> bool:
        return all(os.access(file, os.W_OK) for file in files if file.exists())

    @event.listens_for(engine, "connect")
    def _note_read_only(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["opened_read_only"] = not writable()

    @event.listens_for(engine, "checkout")
    def _replace_read_only(
        _dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        if record.info.get("opened_read_only") and writable():
            raise DisconnectionError("the store can be written again")  # the pool reconnects
