"""The data directory: where the encrypted store and its wrapped key live, and how to open it.

A store is two files, ``keys.json`` and ``store.db``. A new one is made only where neither
exists (nor a -wal left by a crash): one file without the other, an empty, cut-short or
undecryptable database, or a damaged key file is refused with the reason, and nothing in the
directory is created, rewritten or removed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path

from inburgering_tui.private_files import private_folder
from inburgering_tui.store import problems
from inburgering_tui.store.keys import KeyFile, KeyFileError
from inburgering_tui.store.sqlcipher import DB_NAME, PAGE_SIZE, verify_store

if TYPE_CHECKING:
    # SQLAlchemy, SQLModel and Alembic load only to open a store: a refusal needs none of them.
    from sqlalchemy import Engine

    from inburgering_tui.store.repository import Store

_SHM_REGION = 32 * 1024  # SQLite maps its -shm file in regions of this size


def data_home() -> Path:
    """``INBURGERING_HOME`` if set, else the platform's user data directory."""
    override = os.environ.get("INBURGERING_HOME")
    return Path(override) if override else user_data_path("inburgering", appauthor=False)


class Vault:
    """Creates and unlocks the store in one data directory."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or data_home()
        self.keyfile = KeyFile(self.home)
        self.db_path = self.home / DB_NAME

    @property
    def sidecars(self) -> tuple[Path, Path]:
        """SQLite's -wal and -shm files beside the database."""
        return (
            self.db_path.with_name(DB_NAME + "-wal"),
            self.db_path.with_name(DB_NAME + "-shm"),
        )

    def is_new(self) -> bool:
        """Nothing of a store is here: the only case in which one may be created."""
        return not any(p.exists() for p in (self.keyfile.path, self.db_path, self.sidecars[0]))

    def is_initialised(self) -> bool:
        """Some of a store is here (whole or not): never create one over it."""
        return not self.is_new()

    def check(self) -> None:
        """What can be known without the passphrase: raise NoStore, or StoreDamaged when a file
        is missing, empty, cut short or not a key file. Reads only."""
        if self.is_new():
            raise problems.NoStore(self.home)
        if not self.db_path.exists():
            raise problems.missing_database(self.home)
        if not self.keyfile.exists():
            raise problems.missing_keyfile(self.home)
        try:
            size = self.db_path.stat().st_size
        except OSError as exc:
            raise problems.unreadable(self.home, type(exc).__name__) from None
        if size == 0:
            raise problems.empty_database(self.db_path)
        if size % PAGE_SIZE:
            # SQLite writes whole pages only: a part of one is a file cut short.
            raise problems.truncated_database(self.db_path, size)
        self.keyfile.check()

    def create(self, passphrase: str, actor: str = "") -> Store:
        """A new store, only where there is none; a failure leaves nothing behind."""
        if not self.is_new():
            raise problems.StoreExists(self.home)
        made_home = not self.home.exists()
        try:
            private_folder(self.home)
            key = self.keyfile.create(passphrase)
            return self._open(key, actor, creating=True)
        except BaseException as error:
            self._remove_new_store(made_home)
            if isinstance(error, OSError):
                said = problems.os_problem(error, self.home, creating=True)
                if said is not None:
                    raise said from None
            raise

    def unlock(self, passphrase: str, actor: str = "", *, read_only: bool = False) -> Store:
        """Open the store; raises WrongPassphrase or a StoreProblem and touches nothing then."""
        self.check()
        key = self.keyfile.unlock(passphrase)
        if read_only:
            return self._open_read_only(key, actor)
        return self._open(key, actor)

    def _open_read_only(self, key: bytes, actor: str) -> Store:
        with self._said(creating=False):
            verify_store(self.db_path, key)
            # Only now: a damaged store is refused before SQLAlchemy and Alembic load.
            from inburgering_tui.store.audit_anchor import seal_key
            from inburgering_tui.store.engine import sqlite_engine
            from inburgering_tui.store.migrate import current_revision, head_revision
            from inburgering_tui.store.repository import Store

            engine = sqlite_engine(self.db_path, key, read_only=True)
            with _disposed_on_error(engine):
                revision = current_revision(engine)
        if revision != head_revision():
            engine.dispose()
            raise KeyFileError(f"{self.db_path}: open the app once first to update the store")
        return Store(engine, actor=actor or _default_actor(), seal_key=seal_key(key))

    def open_with_key(self, key: bytes, actor: str = "") -> Store:
        return self._open(key, actor)

    def _open(self, key: bytes, actor: str, *, creating: bool = False) -> Store:
        with self._said(creating=creating):
            if not creating:
                verify_store(self.db_path, key)
            # Only now: a damaged store is refused before SQLAlchemy and Alembic load.
            from inburgering_tui.store.audit_anchor import seal_key
            from inburgering_tui.store.engine import sqlite_engine
            from inburgering_tui.store.health import repair_on_open
            from inburgering_tui.store.migrate import upgrade
            from inburgering_tui.store.repository import Store

            engine = sqlite_engine(self.db_path, key)
            with _disposed_on_error(engine):
                upgrade(engine)
                store = Store(engine, actor=actor or _default_actor(), seal_key=seal_key(key))
                repair_on_open(store)  # a dropped trigger back, audited
        return store

    @contextmanager
    def _said(self, *, creating: bool) -> Iterator[None]:
        """SQLite's errors on the store's files (read-only, full disk) as StoreProblems; and
        what SQLite began to make beside a store it then could not open goes again."""
        absent = [path for path in self.sidecars if not path.exists()]
        try:
            yield
        except BaseException as error:
            _remove_stillborn(absent, self.sidecars[1])
            if isinstance(error, OSError):
                said = problems.os_problem(error, self.home, creating=creating)
            else:  # sqlcipher3's own errors, or SQLAlchemy's wrapping them
                said = problems.sqlite_problem(error, self.home, creating=creating)
            if said is None:
                raise
            raise said from None

    def _remove_new_store(self, made_home: bool) -> None:
        # Only after create() found none of these: they are this attempt's own, half made.
        for path in (self.db_path, *self.sidecars, self.keyfile.path):
            with suppress(OSError):
                path.unlink(missing_ok=True)
        if made_home:
            with suppress(OSError):
                self.home.rmdir()


def _remove_stillborn(absent: list[Path], shm: Path) -> None:
    """Remove a -wal or -shm that this attempt made and SQLite left (a full disk stops it
    midway): only files absent before, and only while nothing can be using them. Every
    connection in WAL mode maps at least one 32 KiB region of the -shm, so a smaller (or no)
    -shm means no one is, and an empty -wal holds no data."""
    with suppress(OSError):
        if shm.exists() and shm.stat().st_size >= _SHM_REGION:
            return  # in use, by this store's app in another window perhaps: leave all
    for path in absent:
        with suppress(OSError):
            if path == shm or path.stat().st_size == 0:
                path.unlink()


@contextmanager
def _disposed_on_error(engine: Engine) -> Iterator[None]:
    try:
        yield
    except BaseException:
        engine.dispose()
        raise


def _default_actor() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "consultant")
