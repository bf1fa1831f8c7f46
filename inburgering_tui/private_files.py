"""Files that carry personal data are the consultant's alone: mode 0600, in 0700 folders.

Every writer of such a file goes through here: the store and its keys, PDFs, intake reports,
CSV, bundles, receipts, backups and attachments saved out. Modes are set explicitly, never left
to the umask: a file is private from its first byte, not after a chmod that may come too late.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_folders(path: Path) -> None:
    """Create ``path`` and its missing parents as 0700 folders. Folders that are there already
    (the consultant's own Documents, /tmp) are left as they are."""
    missing: list[Path] = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():  # a file where a folder must be: say so of the folder itself
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made meanwhile by another writer: that one set its mode
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask


def private_folder(path: Path) -> None:
    """One of the app's own folders (the data directory, pki/): created as 0700, and made 0700
    if it was there already."""
    make_folders(path)
    os.chmod(path, FOLDER_MODE)


def private_opener(path: str, flags: int) -> int:
    """For ``open(..., opener=private_opener)``: the file is 0600 from its creation, and a file
    that was there before is made 0600 before anything is written into it."""
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (not atomically: for files that are written once, whole)."""
    with open(path, "wb", opener=private_opener) as handle:
        handle.write(data)


def make_private(*paths: Path) -> None:
    """Make those of ``paths`` that exist 0600 (files written by someone else: SQLite, a copy);
    a file that is 0600 already is not touched (it may lie on a read-only disk)."""
    for path in paths:
        if path.exists() and path.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(path, FILE_MODE)


def store_files(db_path: Path) -> list[Path]:
    """The store and the two files SQLite keeps beside it while it is open."""
    return [db_path] + [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]


def private_store_file(db_path: Path) -> None:
    """Before SQLite opens the store: an empty 0600 file if there is none yet (SQLite takes an
    empty file for a new database, and gives its -wal and -shm files the database file's mode),
    and an older store's files made 0600. Where neither can be done (no folder, a read-only
    disk), SQLite itself then says what it cannot do: nothing is written there either."""
    try:
        os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    except OSError:
        return
    with contextlib.suppress(OSError):
        make_private(*store_files(db_path))
