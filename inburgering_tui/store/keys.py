"""The store's data key: random, and kept on disk only wrapped by keys derived from secrets.

The passphrase never encrypts the database itself. It derives (argon2id) a key-encryption key
that wraps the random 32-byte data key with AES-256-GCM, so changing the passphrase rewrites
one small file, and a recovery key (the back office's) can wrap the same data key beside it.
``keys.json`` holds salts, parameters and wrapped keys only: nothing personal.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.private_files import private_folder, private_opener
from inburgering_tui.store.problems import StoreDamaged, damaged_keyfile

KEYFILE_NAME = "keys.json"
_FORMAT = 1
_SALT_BYTES, _NONCE_BYTES, _WRAPPED_BYTES = 16, 12, 48  # 32-byte key + 16-byte GCM tag
# Bounds on a stored KDF cost: a damaged number must not make unlocking take forever.
_TIME_COST = range(1, 17)
_MEMORY_KIB = range(8 * 1024, 1024 * 1024 + 1)
_PARALLELISM = range(1, 65)
_AAD = b"inburgering-tui data key v1"
MIN_PASSPHRASE_LENGTH = 10
_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class WrongPassphrase(Refusal):
    """The passphrase does not unwrap the data key; nothing was changed."""

    def __init__(self) -> None:
        super().__init__(N_("Deze wachtwoordzin klopt niet. Er is niets veranderd."))


class KeyFileError(Exception):
    """keys.json cannot be used for what was asked (no recovery wrap, a wrong certificate)."""


class KeyFileDamaged(StoreDamaged, KeyFileError):
    """keys.json is unreadable, not JSON, of an unknown format, or fails its checksum."""


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost; stored per wrap so stronger defaults never lock out an old store."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2

    @classmethod
    def from_env(cls) -> KdfParams:
        # Scripts and the test suite may lower the cost; the default follows RFC 9106's
        # second recommended option scaled to a laptop (64 MiB, 3 passes).
        memory = int(os.environ.get("INBURGERING_KDF_MEMORY_KIB", cls.memory_kib))
        return cls(memory_kib=max(memory, 8 * 1024))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _wrap_with_passphrase(data_key: bytes, passphrase: str, params: KdfParams) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    kek = _derive(passphrase, salt, params)
    return {
        "kdf": "argon2id",
        "time_cost": params.time_cost,
        "memory_kib": params.memory_kib,
        "parallelism": params.parallelism,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped_key": _b64(AESGCM(kek).encrypt(nonce, data_key, _AAD)),
    }


def _digest(entry: Any) -> str:
    # Over the canonical JSON of one wrap: damage to any of its fields shows, and an old file
    # without digests still opens.
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _problem(
    name: str, wraps: dict[str, Any], digests: dict[str, Any], check: Callable[[Any], object]
) -> Refusal | None:
    """What is wrong with one wrap, or None when it is whole."""
    if name not in wraps:
        return Refusal(N_("het veld {field} ontbreekt of klopt niet"), field=name)
    try:
        check(wraps[name])
    except _Invalid as invalid:
        return Refusal(N_("het veld {field} ontbreekt of klopt niet"), field=invalid.field)
    if name in digests and digests[name] != _digest(wraps[name]):
        return Refusal(N_("de controlesom klopt niet"))
    return None


def _bytes_field(entry: dict[str, Any], name: str, sizes: range) -> bytes:
    value = entry.get(name)
    try:
        decoded = _unb64(value) if isinstance(value, str) else None
    except ValueError:
        decoded = None
    if decoded is None or len(decoded) not in sizes:
        raise _Invalid(name)
    return decoded


def _int_field(entry: dict[str, Any], name: str, allowed: range) -> int:
    value = entry.get(name)
    if type(value) is not int or value not in allowed:
        raise _Invalid(name)
    return value


class _Invalid(Exception):
    """One field of a wrap is missing or holds what it cannot."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class _PassphraseWrap:
    params: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    @classmethod
    def parse(cls, entry: Any) -> _PassphraseWrap:
        if not isinstance(entry, dict):
            raise _Invalid("passphrase")
        if entry.get("kdf") != "argon2id":
            raise _Invalid("kdf")
        params = KdfParams(
            _int_field(entry, "time_cost", _TIME_COST),
            _int_field(entry, "memory_kib", _MEMORY_KIB),
            _int_field(entry, "parallelism", _PARALLELISM),
        )
        return cls(
            params,
            _bytes_field(entry, "salt", range(_SALT_BYTES, 65)),
            _bytes_field(entry, "nonce", range(_NONCE_BYTES, _NONCE_BYTES + 1)),
            _bytes_field(entry, "wrapped_key", range(_WRAPPED_BYTES, _WRAPPED_BYTES + 1)),
        )


def _check_recovery(entry: Any) -> None:
    if not isinstance(entry, dict) or entry.get("kind") != "rsa-oaep-sha256":
        raise _Invalid("recovery")
    if not isinstance(entry.get("certificate"), str):
        raise _Invalid("certificate")
    _bytes_field(entry, "wrapped_key", range(1, 4097))


class KeyFile:
    """Reads and writes ``keys.json`` in the data directory.

    Every read checks the whole file (its JSON, its format, each field of each wrap, and each
    wrap's sha256) before anything is derived from it, so a damaged file is named as damaged,
    not taken for a wrong passphrase, and a damaged KDF cost cannot make unlocking hang."""

    def __init__(self, home: Path) -> None:
        self.path = home / KEYFILE_NAME

    def exists(self) -> bool:
        return self.path.exists()

    def check(self) -> None:
        """Raise KeyFileDamaged unless keys.json is whole; reads only."""
        self._read()

    def create(self, passphrase: str, params: KdfParams | None = None) -> bytes:
        """Make a new random data key, wrap it with the passphrase, return the data key."""
        if self.exists():
            raise KeyFileError(f"{self.path} already exists; refusing to replace a store key")
        data_key = secrets.token_bytes(32)
        self._write(
            {
                "passphrase": _wrap_with_passphrase(
                    data_key, passphrase, params or KdfParams.from_env()
                )
            }
        )
        return data_key

    def unlock(self, passphrase: str) -> bytes:
        wrap = _PassphraseWrap.parse(self._read()["passphrase"])
        kek = _derive(passphrase, wrap.salt, wrap.params)
        try:
            return AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped_key, _AAD)
        except InvalidTag:
            raise WrongPassphrase() from None

    def add_recovery(self, data_key: bytes, certificate_pem: bytes) -> None:
        """Wrap the data key for the back office's certificate (RSA-OAEP, SHA-256), so a
        consultant who forgets the passphrase loses nothing."""
        certificate = x509.load_pem_x509_certificate(certificate_pem)
        public_key = certificate.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise KeyFileError("the recovery certificate needs an RSA key")
        wraps = self._read()
        wraps["recovery"] = {
            "kind": "rsa-oaep-sha256",
            "certificate": certificate_pem.decode("ascii"),
            "wrapped_key": _b64(public_key.encrypt(data_key, _OAEP)),
        }
        self._write(wraps)

    def has_recovery(self) -> bool:
        return "recovery" in self._read()

    def recover(self, private_key: rsa.RSAPrivateKey, new_passphrase: str) -> bytes:
        """Unwrap the data key with the back office's key and set a new passphrase.

        Works too when the passphrase's wrap is damaged: only the recovery wrap must be whole,
        and a new passphrase wrap replaces the damaged one."""
        wraps = self._read(need_passphrase=False)
        data_key = self.recovery_key(private_key)
        wraps["passphrase"] = _wrap_with_passphrase(data_key, new_passphrase, KdfParams.from_env())
        self._write(wraps)
        return data_key

    def recovery_key(self, private_key: rsa.RSAPrivateKey) -> bytes:
        """The data key, unwrapped with the back office's key; reads only."""
        entry = self._read(need_passphrase=False).get("recovery")
        if entry is None:
            raise KeyFileError(f"{self.path} has no recovery wrap for the back office")
        try:
            return private_key.decrypt(_unb64(entry["wrapped_key"]), _OAEP)
        except ValueError:
            raise KeyFileError("this back-office key does not unwrap the store's key") from None

    def change_passphrase(self, old: str, new: str) -> None:
        data_key = self.unlock(old)
        wraps = self._read()
        wraps["passphrase"] = _wrap_with_passphrase(data_key, new, KdfParams.from_env())
        self._write(wraps)

    def _read(self, *, need_passphrase: bool = True) -> dict[str, Any]:
        """The wraps, each checked; ``need_passphrase=False`` lets a damaged passphrase wrap
        through (recovery replaces it), never a damaged recovery wrap."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyFileError(f"{self.path} does not exist") from None
        except UnicodeDecodeError:
            raise self._damaged(Refusal(N_("geen geldige JSON"))) from None
        except OSError as exc:
            raise KeyFileError(f"{self.path} cannot be read: {exc.strerror}") from None
        try:
            document = json.loads(text)
        except ValueError:
            raise self._damaged(Refusal(N_("geen geldige JSON"))) from None
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise self._damaged(Refusal(N_("onbekend formaat")))
        wraps, digests = document.get("wraps"), document.get("sha256", {})
        if not isinstance(wraps, dict) or not isinstance(digests, dict):
            raise self._damaged(Refusal(N_("onbekend formaat")))
        recovery = _problem("recovery", wraps, digests, _check_recovery)
        if "recovery" in wraps and recovery is not None:
            raise self._damaged(recovery)
        passphrase = _problem("passphrase", wraps, digests, _PassphraseWrap.parse)
        recoverable = "recovery" in wraps
        if passphrase is not None and (need_passphrase or not recoverable):
            raise self._damaged(passphrase, recoverable=recoverable)
        return dict(wraps)

    def _damaged(self, why: Refusal, *, recoverable: bool = False) -> KeyFileDamaged:
        return damaged_keyfile(self.path, why, recoverable=recoverable, kind=KeyFileDamaged)

    def _write(self, wraps: dict[str, Any]) -> None:
        # Write-then-rename so a crash leaves either the old or the new file, never half of one.
        private_folder(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        document = {
            "format": _FORMAT,
            "wraps": wraps,
            "sha256": {name: _digest(entry) for name, entry in wraps.items()},
        }
        try:
            with open(tmp, "w", encoding="utf-8", opener=private_opener) as handle:
                handle.write(json.dumps(document, indent=2))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
            raise
