"""The data directory: where the encrypted store and its wrapped key live, and how to open it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from inburgering_tui.private_files import private_folder
from inburgering_tui.store.audit_anchor import seal_key
from inburgering_tui.store.engine import DB_NAME, sqlite_engine
from inburgering_tui.store.health import repair_on_open
from inburgering_tui.store.keys import KeyFile, KeyFileError
from inburgering_tui.store.migrate import current_revision, head_revision, upgrade
from inburgering_tui.store.repository import Store


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

    def is_initialised(self) -> bool:
        return self.keyfile.exists()

    def create(self, passphrase: str, actor: str = "") -> Store:
        private_folder(self.home)
        key = self.keyfile.create(passphrase)
        return self._open(key, actor)

    def unlock(self, passphrase: str, actor: str = "", *, read_only: bool = False) -> Store:
        """Open the store; raises WrongPassphrase and touches nothing when it is wrong."""
        key = self.keyfile.unlock(passphrase)
        if read_only:
            return self._open_read_only(key, actor)
        return self._open(key, actor)

    def _open_read_only(self, key: bytes, actor: str) -> Store:
        engine = sqlite_engine(self.db_path, key, read_only=True)
        if current_revision(engine) != head_revision():
            engine.dispose()
            raise KeyFileError(f"{self.db_path}: open the app once first to update the store")
        return Store(engine, actor=actor or _default_actor(), seal_key=seal_key(key))

    def open_with_key(self, key: bytes, actor: str = "") -> Store:
        return self._open(key, actor)

    def _open(self, key: bytes, actor: str) -> Store:
        engine = sqlite_engine(self.db_path, key)
        upgrade(engine)
        store = Store(engine, actor=actor or _default_actor(), seal_key=seal_key(key))
        repair_on_open(store)  # a dropped trigger back, audited
        return store


def _default_actor() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER", "consultant")
