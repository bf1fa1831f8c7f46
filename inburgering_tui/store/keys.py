"""The store's data key: random, and kept on disk only wrapped by keys derived from secrets.

The passphrase never encrypts the database itself. It derives (argon2id) a key-encryption key
that wraps the random 32-byte data key with AES-256-GCM, so changing the passphrase rewrites
one small file, and a recovery key (the back office's) can wrap the same data key beside it.
``keys.json`` holds salts, parameters and wrapped keys only: nothing personal.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from inburgering_tui.private_files import private_folder, private_opener

KEYFILE_NAME = "keys.json"
_FORMAT = 1
_AAD = b"inburgering-tui data key v1"
MIN_PASSPHRASE_LENGTH = 10
_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class WrongPassphrase(Exception):
    """The passphrase does not unwrap the data key; nothing was changed."""


class KeyFileError(Exception):
    """keys.json is missing, unreadable or of an unknown format."""


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


class KeyFile:
    """Reads and writes ``keys.json`` in the data directory."""

    def __init__(self, home: Path) -> None:
        self.path = home / KEYFILE_NAME

    def exists(self) -> bool:
        return self.path.exists()

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
        entry = self._read()["passphrase"]
        params = KdfParams(entry["time_cost"], entry["memory_kib"], entry["parallelism"])
        kek = _derive(passphrase, _unb64(entry["salt"]), params)
        try:
            return AESGCM(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped_key"]), _AAD)
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

    def unwrap_recovery(self, private_key: rsa.RSAPrivateKey) -> bytes:
        """The data key, unwrapped with the back office's key; nothing is written."""
        entry = self._read().get("recovery")
        if entry is None:
            raise KeyFileError(f"{self.path} has no recovery wrap for the back office")
        try:
            return private_key.decrypt(_unb64(entry["wrapped_key"]), _OAEP)
        except ValueError:
            raise KeyFileError("this back-office key does not unwrap the store's key") from None

    def recover(self, private_key: rsa.RSAPrivateKey, new_passphrase: str) -> bytes:
        """Unwrap the data key with the back office's key and set a new passphrase."""
        data_key = self.unwrap_recovery(private_key)
        wraps = self._read()
        wraps["passphrase"] = _wrap_with_passphrase(data_key, new_passphrase, KdfParams.from_env())
        self._write(wraps)
        return data_key

    def change_passphrase(self, old: str, new: str) -> None:
        data_key = self.unlock(old)
        wraps = self._read()
        wraps["passphrase"] = _wrap_with_passphrase(data_key, new, KdfParams.from_env())
        self._write(wraps)

    def _read(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyFileError(f"{self.path} does not exist") from None
        except (OSError, ValueError) as exc:
            raise KeyFileError(f"{self.path} cannot be read: {exc}") from None
        if document.get("format") != _FORMAT or "passphrase" not in document.get("wraps", {}):
            raise KeyFileError(f"{self.path} has an unknown format")
        return dict(document["wraps"])

    def _write(self, wraps: dict[str, Any]) -> None:
        # Write-then-rename so a crash leaves either the old or the new file, never half of one.
        private_folder(self.path.parent)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8", opener=private_opener) as handle:
            handle.write(json.dumps({"format": _FORMAT, "wraps": wraps}, indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
