"""Why the store in a data directory cannot be opened as it is, in sentences a person acts on.

Each problem is a Refusal (a Dutch msgid, translated where it is shown) and each means the same:
nothing was created, rewritten or removed. A damaged store is never taken for a new one: a new
store is made only where neither of its files exists.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any, TypeVar

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal

# What to do, said at the end of each refusal of damage (a backup holds both files).
RESTORE = N_("Zet een back-up terug met `inburgering restore BESTAND`.")
RESTORE_OR_RECOVER = N_(
    "Zet een back-up terug met `inburgering restore BESTAND`, of herstel de sleutel met "
    "`inburgering recover --key BESTAND.p12`."
)

# SQLite's primary result codes that say something a person can act on.
SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT = 3, 8, 10, 11
SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 13, 14, 26


class StoreProblem(Refusal):
    """The store cannot be opened or made here; nothing was created or changed."""


class NoStore(StoreProblem):
    """Neither file of a store exists in the data directory."""

    def __init__(self, home: Path) -> None:
        super().__init__(
            N_("Hier is nog geen opslag ({home}); start `inburgering` om er een aan te maken."),
            home=home,
        )


class StoreExists(StoreProblem):
    """Creating was asked where a store (or part of one) already is."""

    def __init__(self, home: Path) -> None:
        super().__init__(
            N_("In {home} staat al een opslag (of een deel ervan); er wordt niets overschreven."),
            home=home,
        )


class StoreDamaged(StoreProblem):
    """A file of the store is missing, cut short or does not hold what it must."""

    def __init__(self, msgid: str, *, todo: str = RESTORE, **params: Any) -> None:
        super().__init__(msgid, todo=Refusal(todo), **params)


DamagedT = TypeVar("DamagedT", bound=StoreDamaged)


class StoreUnwritable(StoreProblem):
    """The data directory is read-only, or its disk is full."""


def missing_database(home: Path) -> StoreDamaged:
    return StoreDamaged(
        N_(
            "De opslag in {home} is onvolledig: store.db ontbreekt, keys.json is er wel. "
            "Er is niets aangemaakt of veranderd. {todo}"
        ),
        home=home,
    )


def missing_keyfile(home: Path) -> StoreDamaged:
    return StoreDamaged(
        N_(
            "De opslag in {home} is onvolledig: keys.json ontbreekt, store.db is er wel. "
            "Er is niets aangemaakt of veranderd. {todo}"
        ),
        home=home,
    )


def empty_database(path: Path) -> StoreDamaged:
    return StoreDamaged(
        N_("Het databasebestand {file} is leeg (0 bytes). Er is niets veranderd. {todo}"),
        file=path,
    )


def truncated_database(path: Path, size: int) -> StoreDamaged:
    return StoreDamaged(
        N_(
            "Het databasebestand {file} is afgekapt ({size} bytes): een deel ervan ontbreekt. "
            "Er is niets veranderd. {todo}"
        ),
        file=path,
        size=size,
    )


def damaged_database(path: Path) -> StoreDamaged:
    return StoreDamaged(
        N_(
            "Het databasebestand {file} is beschadigd: een deel ervan is niet meer te lezen of "
            "te ontsleutelen. Er is niets veranderd. {todo}"
        ),
        file=path,
    )


def foreign_database(path: Path) -> StoreDamaged:
    # The key was unwrapped (the passphrase is right), yet page 1 does not decrypt: its first
    # page is damaged, or the file belongs to another key. Both look the same from here.
    return StoreDamaged(
        N_(
            "De wachtwoordzin klopt, maar het databasebestand {file} is beschadigd of hoort "
            "niet bij deze sleutel. Er is niets veranderd. {todo}"
        ),
        file=path,
    )


def damaged_keyfile(
    path: Path, why: Refusal, *, recoverable: bool, kind: type[DamagedT]
) -> DamagedT:
    return kind(
        N_("Het sleutelbestand {file} is beschadigd ({why}). Er is niets veranderd. {todo}"),
        todo=RESTORE_OR_RECOVER if recoverable else RESTORE,
        file=path,
        why=why,
    )


def unwritable(home: Path, error_number: int, *, creating: bool) -> StoreUnwritable:
    """A read-only directory or a full disk, said as what it means for the store."""
    if error_number == errno.ENOSPC:
        if creating:
            msgid = N_(
                "De schijf is vol: in {home} is geen opslag aangemaakt. Maak ruimte vrij en "
                "probeer het opnieuw."
            )
        else:
            msgid = N_(
                "De schijf is vol: de opslag in {home} kan zo niet worden geopend. Er is niets "
                "veranderd. Maak ruimte vrij en probeer het opnieuw."
            )
    elif creating:
        msgid = N_(
            "In de map {home} kan niet worden geschreven (alleen lezen of geen toestemming): "
            "er is geen opslag aangemaakt. Kies een map waarin u mag schrijven "
            "(INBURGERING_HOME of --home)."
        )
    else:
        msgid = N_(
            "In de map {home} kan niet worden geschreven (alleen lezen of geen toestemming), "
            "en de opslag opent alleen waar dat wel kan. Er is niets veranderd."
        )
    return StoreUnwritable(msgid, home=home)


def unreadable(home: Path, code: str) -> StoreProblem:
    return StoreProblem(
        N_(
            "De opslag in {home} kon niet worden gelezen of geschreven ({code}). "
            "Er is niets veranderd."
        ),
        home=home,
        code=code,
    )


_UNWRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC}


def os_problem(error: OSError, home: Path, *, creating: bool) -> StoreProblem | None:
    """A file error on the store's own files as a StoreProblem; None for other errors."""
    if error.errno in _UNWRITABLE:
        return unwritable(home, error.errno or 0, creating=creating)
    return None


def sqlite_problem(error: BaseException, home: Path, *, creating: bool) -> StoreProblem | None:
    """SQLite's result code (from sqlcipher3, or wrapped by SQLAlchemy) as a StoreProblem."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary == SQLITE_FULL or (primary == SQLITE_IOERR and _disk_full(home)):
        return unwritable(home, errno.ENOSPC, creating=creating)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_PERM) and not _writable(home):
        return unwritable(home, errno.EROFS, creating=creating)
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return None  # damage: the caller knows which file, and says so
    name = getattr(original, "sqlite_errorname", None) or f"SQLITE {code}"
    return unreadable(home, str(name))


def _disk_full(home: Path) -> bool:
    # SQLite says only "I/O error" when the -shm cannot grow; the free space says why.
    try:
        stats = os.statvfs(home)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 64 * 1024


def _writable(home: Path) -> bool:
    # os.access sees a read-only mount even for root; statvfs's flag is the mount's own word.
    try:
        read_only_mount = bool(os.statvfs(home).f_flag & os.ST_RDONLY)
    except OSError:
        return False
    return os.access(home, os.W_OK) and not read_only_mount
