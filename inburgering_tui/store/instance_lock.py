"""Who else uses this store: the app's instance lock, and the check before a restore.

The app takes ``store.lock`` in the data directory with ``flock`` for as long as it runs: one
window writes, a second one on the same store opens read-only (it would otherwise save over
the first one's answers). The kernel drops the lock when its process ends, however it ends,
so a lock left by a crashed or killed app is simply taken by the next one: there is no stale
lock to clear by hand. The file says which process holds it (its pid and since when); nothing
personal. It stays in place: removing it while another process waits on it would let two
processes each hold a lock on a different file.

flock (not fcntl's record locks) because it belongs to the open file, not to the process: a
second lock in the same process conflicts too, and closing some other descriptor of the file
never drops it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.busy import is_busy

LOCK_NAME = "store.lock"


@dataclass(frozen=True)
class Holder:
    """The process that holds the lock, as its lock file says (None where it says nothing)."""

    pid: int | None
    since: str | None

    @property
    def pid_text(self) -> str:
        return str(self.pid) if self.pid is not None else "?"


class StoreInUse(Refusal):
    """The store is open in another process: a restore or recovery would pull it from under it."""

    exit_status = 1  # the command may work once the other process is done


class InstanceLock:
    """The lock one running app holds on its data directory."""

    def __init__(self, home: Path) -> None:
        self.path = home / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> Holder | None:
        """Take the lock: None once it is ours, else who holds it (nothing is waited for)."""
        if self._fd is not None:
            return None
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            return holder
        except BaseException:
            os.close(fd)
            raise
        since = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}\nsince {since}\n".encode("ascii"), 0)
        except OSError:  # a full disk: no lock, and the caller hears why
            os.close(fd)
            raise
        # Held through a read-only descriptor from here on: the app keeps no file open for
        # writing but SQLite's own, so a folder can still be remounted read-only under it.
        reader = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        try:
            fcntl.flock(reader, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # another process took it in that instant: it holds it
            holder = _read_holder(reader)
            os.close(reader)
            return holder
        self._fd = reader
        return None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:  # what it said is no longer true; the file itself stays
            writer = os.open(self.path, os.O_WRONLY | os.O_CLOEXEC)
        except OSError:
            pass  # a read-only folder: the pid line stays, the lock goes all the same
        else:
            os.ftruncate(writer, 0)
            os.close(writer)
        os.close(fd)  # closing the only descriptor drops the flock


def holder(home: Path) -> Holder | None:
    """Who holds the store's instance lock right now, or None when nobody does."""
    probe = InstanceLock(home)
    if not probe.path.exists():
        return None
    found = probe.acquire()
    probe.release()
    return found


def _read_holder(fd: int) -> Holder:
    # The holder writes its lines just after taking the lock: read as much as is there.
    fields: dict[str, str] = {}
    for line in os.pread(fd, 256, 0).decode("ascii", "replace").splitlines():
        name, _, value = line.partition(" ")
        fields[name] = value.strip()
    pid = fields.get("pid", "")
    return Holder(int(pid) if pid.isdigit() else None, fields.get("since") or None)


def _database_open_elsewhere(db_path: Path, key: bytes | None) -> bool:
    """Whether any other connection has the database open, even idle.

    In WAL mode every open connection keeps a shared lock on the database file, and SQLite
    grants an exclusive one only when there is none: asking for it (without waiting) tells.
    Without the data key SQLite cannot read the file far enough to see WAL mode, and then
    notices only a connection with changes not yet in the file (a writer, a running app).
    """
    if not db_path.exists():
        return False
    conn = sqlcipher3.dbapi2.connect(str(db_path), timeout=0, isolation_level=None)
    try:
        if key is not None:
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlcipher3.dbapi2.DatabaseError as error:
        return is_busy(error)
    finally:
        conn.close()
    return False


@contextmanager
def exclusive_use(home: Path, db_path: Path, key: bytes | None) -> Iterator[None]:
    """Hold the instance lock while the store or its key is replaced (a restore, a recovery).

    Refused with StoreInUse, before anything is touched, while another process has the store
    open (``key``, the store's data key where known, lets that be seen of every connection);
    and no app starts writing to it until this is done."""
    lock = InstanceLock(home)
    found = lock.acquire()
    if found is not None:
        raise StoreInUse(
            N_(
                "De opslag is in gebruik door een ander venster (pid {pid}): sluit dat eerst. "
                "Er is niets veranderd."
            ),
            pid=found.pid_text,
        )
    try:
        if _database_open_elsewhere(db_path, key):
            raise StoreInUse(
                N_(
                    "De opslag is geopend door een ander programma (een venster, een "
                    "tolkweergave of een opdracht): sluit dat eerst. Er is niets veranderd."
                )
            )
        yield
    finally:
        lock.release()
