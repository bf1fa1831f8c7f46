"""Backups: a consistent, still encrypted copy of the store, taken while the app may be running.

A backup is one zip file: ``store.db`` (copied page by page with SQLite's online backup, so a
running app keeps writing; the copy stays SQLCipher-encrypted under the same data key),
``keys.json`` as it was (so the passphrase of that moment opens it) and ``manifest.json``
(format, times, schema revision, the audit log's sealed head, a sha256 of the database: no
personal data).

Restoring over a damaged store removes nothing: the damaged files move into a ``damaged-<time>``
folder beside the store. When only ``keys.json`` is damaged or missing and the database here
opens with the backup's key (a store's data key never changes), only ``keys.json`` is put back,
so no work newer than the backup is lost.
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
from inburgering_tui.store.instance_lock import exclusive_use
from inburgering_tui.store.keys import KEYFILE_NAME, KeyFile, KeyFileError, WrongPassphrase
from inburgering_tui.store.problems import NoStore, StoreDamaged
from inburgering_tui.store.sqlcipher import DB_NAME, PAGE_SIZE, connect_raw, verify_store
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
    return connect_raw(path, key)


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
    except OSError:
        raise  # a missing or unreadable file: the caller says which and why
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{archive_path} is not a backup of this app: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive_path}: unknown backup format {manifest.get('format')!r}")
    if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
        raise BackupError(f"{archive_path}: the database in the backup is damaged (sha256 differs)")
    return manifest


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup put in place, and where damaged files were kept."""

    info: BackupInfo
    keys_only: bool  # only keys.json was put back; the database here stayed
    kept: Path | None  # the folder holding the damaged files it replaced


def restore(vault: Vault, archive_path: Path, passphrase: str, *, force: bool) -> Restored:
    """Put a backup in place; refuses to replace a store with newer changes unless forced,
    and (even forced) a store another process has open: StoreInUse, nothing touched."""
    manifest = read_manifest(archive_path)
    info = BackupInfo(manifest["created_at"], manifest["last_change"], manifest.get("revision"))
    here_key = _key_here(vault, passphrase)
    with (
        exclusive_use(vault.home, vault.db_path, here_key),
        tempfile.TemporaryDirectory() as scratch,
        zipfile.ZipFile(archive_path) as archive,
    ):
        archive.extractall(scratch, members=[DB_NAME, KEYFILE_NAME])
        key = KeyFile(Path(scratch)).unlock(passphrase)  # WrongPassphrase: nothing touched yet
        here = _state_here(vault, passphrase)
        if here == "whole" and not force:
            _refuse_if_newer(vault, here_key, manifest["last_change"])
        private_folder(vault.home)
        keys_only = here == "keys damaged" and not force and _opens_with(vault, key)
        replaced = [vault.keyfile.path] if keys_only else [vault.keyfile.path, vault.db_path]
        kept = _keep_aside(vault, replaced) if here.endswith("damaged") else None
        if not keys_only:
            for leftover in vault.sidecars:  # the store they belonged to is being replaced
                leftover.unlink(missing_ok=True)
            _put(Path(scratch) / DB_NAME, vault.db_path)
        _put(Path(scratch) / KEYFILE_NAME, vault.keyfile.path)
    return Restored(info, keys_only, kept)


def _state_here(vault: Vault, passphrase: str) -> str:
    """ "none", "whole", "keys damaged" (the database may be whole) or "store damaged"."""
    try:
        vault.check()
    except NoStore:
        return "none"
    except StoreDamaged:
        whole_database = vault.db_path.exists() and _database_looks_whole(vault)
        return "keys damaged" if whole_database and not _keyfile_whole(vault) else "store damaged"
    try:
        key = vault.keyfile.unlock(passphrase)
    except WrongPassphrase:
        return "whole"  # under another passphrase: _refuse_if_newer says so
    return "whole" if _opens_with(vault, key) else "store damaged"


def _keyfile_whole(vault: Vault) -> bool:
    try:
        vault.keyfile.check()
    except (StoreDamaged, KeyFileError):
        return False
    return True


def _database_looks_whole(vault: Vault) -> bool:
    size = vault.db_path.stat().st_size
    return size > 0 and size % PAGE_SIZE == 0


def _opens_with(vault: Vault, key: bytes) -> bool:
    try:
        verify_store(vault.db_path, key)
    except StoreDamaged:
        return False
    return True


def _keep_aside(vault: Vault, paths: list[Path]) -> Path:
    """Move the damaged files (and the database's -wal and -shm) into a folder of their own."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = vault.home / f"damaged-{stamp}"
    folder.mkdir(mode=0o700)
    moving = list(paths)
    if vault.db_path in paths:
        moving += list(vault.sidecars)
    for path in moving:
        if path.exists():
            os.replace(path, folder / path.name)
    return folder


def _put(source: Path, target: Path) -> None:
    # Copy beside, then rename: a crash leaves the old file or the new one, never half.
    partial = target.with_name(target.name + ".restoring")
    with source.open("rb") as original, open(partial, "wb", opener=private_opener) as copy:
        shutil.copyfileobj(original, copy)
    os.replace(partial, target)


def _key_here(vault: Vault, passphrase: str) -> bytes | None:
    """The data key of the store being replaced, if it opens with this passphrase."""
    if not vault.is_initialised():
        return None
    try:
        return vault.keyfile.unlock(passphrase)
    except (WrongPassphrase, KeyFileError, StoreDamaged):
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
