"""The trust model's keys (DESIGN.md): a municipal CA, the consultant's and the back office's.

For development and tests ``create_dev_pki`` makes a local CA; in production the consultant's
PKCS#12 comes from PKIoverheid and is imported as it is. Private keys are only ever written
encrypted (PKCS#12 or PKCS#8 with the passphrase); certificates are public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.private_files import private_folder, write_private

PKI_DIR = "pki"
CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"  # PKCS#8, encrypted
CONSULTANT_P12 = "consultant.p12"
BACKOFFICE_CERT = "backoffice.pem"
BACKOFFICE_P12 = "backoffice.p12"


class PkiError(Refusal):
    """A key file is missing, of the wrong kind, or does not open with the passphrase."""


@dataclass(frozen=True)
class Identity:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    chain: list[x509.Certificate]


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    usages: list[x509.ObjectIdentifier],
    years: int,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - dt.timedelta(minutes=5))
        .not_valid_after(not_after or now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=not ca,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_private(path: Path, data: bytes) -> None:
    """Keys and certificates alike: 0600 files in a 0700 pki/ folder."""
    private_folder(path.parent)
    write_private(path, data)


def _p12(name: str, identity: Identity, passphrase: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        identity.key,
        identity.certificate,
        identity.chain,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )


def create_dev_pki(
    home: Path, passphrase: str, *, municipality: str, consultant: str
) -> dict[str, Path]:
    """A development CA with a consultant and a back-office identity, in ``home/pki``."""
    folder = home / PKI_DIR
    if (folder / CA_CERT).exists():
        raise PkiError(
            N_("{folder} bevat al sleutels; die worden niet vervangen"), folder=str(folder)
        )
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(f"{municipality} ontwikkel-CA", municipality)
    ca_cert = _issue(ca_name, ca_key, ca_name, ca_key, ca=True, usages=[], years=10)
    made: dict[str, Path] = {}
    for role, common_name, usages in (
        ("consultant", consultant, [ExtendedKeyUsageOID.EMAIL_PROTECTION]),
        ("backoffice", f"{municipality} backoffice", [ExtendedKeyUsageOID.EMAIL_PROTECTION]),
    ):
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        cert = _issue(
            _name(common_name, municipality), key, ca_name, ca_key, ca=False, usages=usages, years=2
        )
        identity = Identity(cert, key, [ca_cert])
        p12 = folder / (CONSULTANT_P12 if role == "consultant" else BACKOFFICE_P12)
        _write_private(p12, _p12(role, identity, passphrase))
        made[role] = p12
        if role == "backoffice":
            _write_private(folder / BACKOFFICE_CERT, cert.public_bytes(serialization.Encoding.PEM))
            made["backoffice_cert"] = folder / BACKOFFICE_CERT
    _write_private(folder / CA_CERT, ca_cert.public_bytes(serialization.Encoding.PEM))
    _write_private(
        folder / CA_KEY,
        ca_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        ),
    )
    made["ca"] = folder / CA_CERT
    return made


def load_identity(path: Path, passphrase: str) -> Identity:
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase.encode())
    except FileNotFoundError:
        raise PkiError(N_("{path} bestaat niet"), path=str(path)) from None
    except ValueError:
        raise PkiError(
            N_("{path} opent niet met deze wachtwoordzin, of is geen PKCS#12-bestand"),
            path=str(path),
        ) from None
    if cert is None or not isinstance(key, rsa.RSAPrivateKey):
        raise PkiError(N_("{path} bevat geen RSA-sleutel met certificaat"), path=str(path))
    return Identity(cert, key, list(chain or []))


def load_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError:
        raise PkiError(N_("{path} bestaat niet"), path=str(path)) from None
    except ValueError:
        raise PkiError(N_("{path} is geen PEM-certificaat"), path=str(path)) from None


def use_consultant_p12(home: Path, source: Path, passphrase: str) -> Identity:
    """Adopt a real municipal PKCS#12 (e.g. PKIoverheid) as the consultant's identity."""
    identity = load_identity(source, passphrase)  # refuse a file that does not open
    _write_private(home / PKI_DIR / CONSULTANT_P12, source.read_bytes())
    return identity


def issue_consultant(
    home: Path,
    passphrase: str,
    common_name: str,
    out: Path,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> Path:
    """Another consultant's PKCS#12 from the development CA in ``home/pki`` (e.g. a colleague,
    or a certificate that has run out, to see how the back office refuses it)."""
    folder = home / PKI_DIR
    try:
        ca_key = serialization.load_pem_private_key(
            (folder / CA_KEY).read_bytes(), passphrase.encode()
        )
    except FileNotFoundError:
        raise PkiError(N_("{path} bestaat niet"), path=str(folder / CA_KEY)) from None
    except ValueError:
        raise PkiError(
            N_("{path} opent niet met deze wachtwoordzin"), path=str(folder / CA_KEY)
        ) from None
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    ca_cert = load_certificate(folder / CA_CERT)
    organisation = ca_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    cert = _issue(
        _name(common_name, str(organisation)),
        key,
        ca_cert.subject,
        ca_key,
        ca=False,
        usages=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
        years=2,
        not_before=not_before,
        not_after=not_after,
    )
    _write_private(out, _p12("consultant", Identity(cert, key, [ca_cert]), passphrase))
    return out
