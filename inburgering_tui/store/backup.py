"""Backups: a consistent, still encrypted copy of the store, taken while the app may be running.

A backup is one zip file: ``store.db`` (copied page by page with SQLite's online backup, so a
running app keeps writing; the copy stays SQLCipher-encrypted under the same data key),
``keys.json`` as it was (so the passphrase of that moment opens it) and ``manifest.json``
(format, times, schema revision, the audit log's sealed head, a sha256 of the database: no
personal data).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from inburgering_tui.private_files import make_folders, private_folder, private_opener
from inburgering_tui.store.audit_anchor import Seal
from inburgering_tui.store.engine import DB_NAME
from inburgering_tui.store.instance_lock import exclusive_use
from inburgering_tui.store.keys import KEYFILE_NAME, KeyFile, KeyFileError, WrongPassphrase
from inburgering_tui.store.vault import Vault

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup cannot be written or restored; nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    created_at: str
    last_change: str
    revision: str | None
    # The copy's sealed audit head (store/audit_anchor.py): a restored store whose log ends
    # before it, or whose seal differs, was changed after this backup was taken.
    audit_seal: dict[str, Any] | None = None


def _connect(path: Path, key: bytes) -> sqlcipher3.dbapi2.Connection:
    conn = sqlcipher3.dbapi2.connect(str(path))
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def _last_change(conn: sqlcipher3.dbapi2.Connection) -> str:
    row = conn.execute("SELECT max(at) FROM auditevent").fetchone()
    return str(row[0] or "")


def _revision(conn: sqlcipher3.dbapi2.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher3.dbapi2.DatabaseError:
        return None
    return row[0] if row else None


def _audit_seal(conn: sqlcipher3.dbapi2.Connection) -> dict[str, Any] | None:
    try:
        row = conn.execute("SELECT event_id, hash, mac FROM auditseal WHERE id = 1").fetchone()
    except sqlcipher3.dbapi2.DatabaseError:
        return None  # a store from before the seal
    return Seal(*row).as_json() if row else None


def backup(vault: Vault, key: bytes, target: Path) -> BackupInfo:
    make_folders(target.parent)
    # The scratch folder is 0700 (mkdtemp): the copy in it is nobody else's while it lasts.
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        copy = Path(scratch) / DB_NAME
        source = _connect(vault.db_path, key)
        destination = _connect(copy, key)
        try:
            source.backup(destination)  # online: consistent even while the app writes
            info = BackupInfo(
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                last_change=_last_change(destination),
                revision=_revision(destination),
                audit_seal=_audit_seal(destination),
            )
        finally:
            destination.close()
            source.close()
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        manifest = {"format": FORMAT, **info.__dict__, "sha256": digest}
        partial = Path(scratch) / "backup.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive:
            archive.write(copy, DB_NAME)
            archive.write(vault.keyfile.path, KEYFILE_NAME)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    return info


def read_manifest(archive_path: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
            data = archive.read(DB_NAME)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{archive_path} is not a backup of this app: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path}: unknown backup format {manifest.get('format')!r}")
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        raise BackupError(f"{archive_path}: the database in the backup is damaged (sha256 differs)")
    return manifest


def restore(vault: Vault, archive_path: Path, passphrase: str, *, force: bool) -> BackupInfo:
    """Put a backup in place; refuses to replace a store with newer changes unless forced,
    and (even forced) a store another process has open: StoreInUse, nothing touched."""
    manifest = read_manifest(archive_path)
    here = _key_here(vault, passphrase)
    with (
        exclusive_use(vault.home, vault.db_path, here),
        tempfile.TemporaryDirectory() as scratch,
        zipfile.ZipFile(archive_path) as archive,
    ):
        archive.extractall(scratch, members=[DB_NAME, KEYFILE_NAME])
        KeyFile(Path(scratch)).unlock(passphrase)  # WrongPassphrase: nothing touched yet
        if vault.is_initialised() and vault.db_path.exists() and not force:
            _refuse_if_newer(vault, here, manifest["last_change"])
        private_folder(vault.home)
        for leftover in (
            vault.db_path.with_name(DB_NAME + "-wal"),
            vault.db_path.with_name(DB_NAME + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        for name, target in ((DB_NAME, vault.db_path), (KEYFILE_NAME, vault.keyfile.path)):
            with (
                (Path(scratch) / name).open("rb") as source,
                open(target, "wb", opener=private_opener) as copy,
            ):
                shutil.copyfileobj(source, copy)
    return BackupInfo(manifest["created_at"], manifest["last_change"], manifest.get("revision"))


def _key_here(vault: Vault, passphrase: str) -> bytes | None:
    """The data key of the store being replaced, if it opens with this passphrase."""
    if not vault.is_initialised():
        return None
    try:
        return vault.keyfile.unlock(passphrase)
    except (WrongPassphrase, KeyFileError):
        return None


def _refuse_if_newer(vault: Vault, key: bytes | None, backup_last_change: str) -> None:
    if key is None:
        raise BackupError(
            "the store here does not open with this passphrase, so its changes cannot be "
            "compared with the backup; restore with --force to replace it"
        ) from None
    conn = _connect(vault.db_path, key)
    try:
        here = _last_change(conn)
    finally:
        conn.close()
    if here > backup_last_change:
        raise BackupError(
            f"the store here has newer changes ({here}) than the backup "
            f"({backup_last_change}); restore with --force to replace them"
        )
