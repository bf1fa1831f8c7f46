"""Standard CMS around a sync bundle: SignedData by the sender, EnvelopedData to the receiver.

pyHanko signs and validates (the same certificate-path validation as the PDF signature);
``cryptography`` encrypts and decrypts. Both are plain CMS, so ``openssl cms -decrypt`` and
``openssl cms -verify`` read the same files.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from pyhanko.sign import signers
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko_certvalidator import ValidationContext

from inburgering_tui.export.pki import Identity
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal

T = TypeVar("T")

# pyHanko logs a full traceback for every untrusted signer; the reason reaches the user as a
# CmsError instead, once and in words.
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
logging.getLogger("pyhanko").propagate = False


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """pyHanko is async; callers are not. From inside a running loop (a Textual app, an async
    test) the coroutine gets a loop of its own on a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class CmsError(Refusal):
    """Why a CMS object was refused, in words a person can act on."""


def sign(content: bytes, p12: Path, passphrase: str) -> bytes:
    """CMS SignedData with the content inside (not detached), DER."""
    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=passphrase.encode())
    except (OSError, ValueError):
        signer = None
    if signer is None:
        raise CmsError(
            N_("het sleutelbestand {file} ontbreekt of opent niet met deze wachtwoordzin"),
            file=str(p12),
        )
    info = cms.ContentInfo({"content_type": "data", "content": content})
    signed = _run(signer.async_sign_general_data(info, "sha256", detached=False))
    return bytes(signed.dump())


@dataclass(frozen=True)
class Verified:
    content: bytes
    signer: x509.Certificate

    @property
    def signer_name(self) -> str:
        names = self.signer.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.signer.subject.rfc4514_string()


def verify(signed_der: bytes, ca: x509.Certificate, *, now: datetime | None = None) -> Verified:
    """Check the signature and the signer's certificate path to ``ca``; return the content."""
    try:
        info = cms.ContentInfo.load(signed_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise CmsError(N_("de inhoud is niet ondertekend (geen CMS SignedData)"))
        signed_data = info["content"]
        content = signed_data["encap_content_info"]["content"].native
    except CmsError:
        raise
    except Exception as exc:  # asn1crypto raises many kinds on damaged input
        raise CmsError(
            N_("de ondertekende inhoud is beschadigd ({kind})"), kind=type(exc).__name__
        ) from None
    if not isinstance(content, bytes):
        raise CmsError(N_("de ondertekende gegevens bevatten geen inhoud"))
    trust_root = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    moment = now or datetime.now(UTC)
    context = ValidationContext(
        trust_roots=[trust_root], allow_fetching=False, moment=moment, best_signature_time=moment
    )
    try:
        status = _run(async_validate_cms_signature(signed_data, validation_context=context))
    except Exception as exc:
        raise CmsError(
            N_("de handtekening kan niet worden gecontroleerd ({kind})"), kind=type(exc).__name__
        ) from None
    if not status.intact or not status.valid:
        raise CmsError(
            N_("de handtekening past niet bij de inhoud: die is na het ondertekenen gewijzigd")
        )
    signer_cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    if not status.trusted:
        raise _untrusted(signer_cert, moment)
    return Verified(content, signer_cert)


def _untrusted(cert: x509.Certificate, moment: datetime) -> CmsError:
    name = cert.subject.rfc4514_string()
    if cert.not_valid_after_utc < moment:
        return CmsError(
            N_("het certificaat van de ondertekenaar ({name}) is verlopen op {date}"),
            name=name,
            date=f"{cert.not_valid_after_utc:%Y-%m-%d}",
        )
    if cert.not_valid_before_utc > moment:
        return CmsError(
            N_("het certificaat van de ondertekenaar ({name}) is pas geldig vanaf {date}"),
            name=name,
            date=f"{cert.not_valid_before_utc:%Y-%m-%d}",
        )
    return CmsError(
        N_(
            "het certificaat van de ondertekenaar ({name}) is niet uitgegeven door de vertrouwde CA"
        ),
        name=name,
    )


def encrypt(content: bytes, recipient: x509.Certificate) -> bytes:
    """CMS EnvelopedData (AES-256-CBC, RSA key transport) for one recipient, DER."""
    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(content)
        .set_content_encryption_algorithm(algorithms.AES256)
        .add_recipient(recipient)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def _plain_envelope(enveloped_der: bytes) -> bool:
    """Whether the envelope is the one ``encrypt`` writes: versions 0, content type data.

    No key and no signature protects these fields (decryption ignores them), so a file changed
    there opens to the same content; it is damaged all the same, and refused like any other.
    """
    try:
        info = cms.ContentInfo.load(enveloped_der, strict=True)
        envelope = info["content"]
        return bool(
            info["content_type"].native == "enveloped_data"
            and envelope["version"].native == "v0"
            and all(
                recipient.name == "ktri" and recipient.chosen["version"].native == "v0"
                for recipient in envelope["recipient_infos"]
            )
            and envelope["encrypted_content_info"]["content_type"].native == "data"
        )
    except Exception:  # asn1crypto raises many kinds on damaged input
        return False


def decrypt(enveloped_der: bytes, identity: Identity) -> bytes:
    try:
        if not _plain_envelope(enveloped_der):
            raise ValueError("not the envelope this program writes")
        return pkcs7.pkcs7_decrypt_der(enveloped_der, identity.certificate, identity.key, [])
    except Exception as exc:  # any bytes may arrive: every failure is a refusal, not a crash
        text = str(exc).lower()
        if "recipient" in text or "no matching" in text:
            raise CmsError(
                N_("de bundel is versleuteld voor een andere ontvanger, niet voor deze backoffice")
            ) from None
        raise CmsError(
            N_(
                "de bundel kan niet worden ontsleuteld: hij is afgebroken, beschadigd of geen synchronisatiebundel"
            )
        ) from None
