"""PAdES signatures on the PIP PDF (pyHanko): sign with the consultant's PKCS#12, verify
against the municipal CA without any network (B-B level: offline there is no timestamp)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import cast

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from inburgering_tui.export.fonts import font_path
from inburgering_tui.export.pip_pdf import SIGNATURE_FIELD, SignatureSpot
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal


class SigningError(Refusal):
    """The PDF could not be signed (key file, passphrase)."""


def sign(pdf: bytes, p12: Path, passphrase: str, spot: SignatureSpot, *, reason: str) -> bytes:
    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=passphrase.encode())
    except FileNotFoundError:
        raise SigningError(N_("{path} bestaat niet"), path=str(p12)) from None
    except (OSError, ValueError):
        raise SigningError(
            N_("{path} opent niet met deze wachtwoordzin, of is geen PKCS#12-bestand"),
            path=str(p12),
        ) from None
    if signer is None:
        raise SigningError(N_("{path} opent niet met deze wachtwoordzin"), path=str(p12))
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
    )
    # The stamp's own font has no Arabic: keep its text Latin (names are typed in Latin letters).
    stamp = TextStampStyle(
        stamp_text="Digitaal ondertekend door %(signer)s\n%(ts)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(str(font_path("Latin")))),
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=stamp,
        new_field_spec=fields.SigFieldSpec(
            SIGNATURE_FIELD,
            on_page=spot.page,
            box=cast("tuple[int, int, int, int]", tuple(round(v) for v in spot.box)),
        ),
    )
    output = BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    return output.getvalue()


@dataclass(frozen=True)
class Verdict:
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    unchanged_since_signing: bool
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.unchanged_since_signing


def verify(pdf: bytes, ca_pem: bytes) -> Verdict:
    """Check the PDF's first signature: integrity, trust in the CA, and nothing added after."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged file is a verdict, not a crash
        return Verdict("", None, False, False, False, f"not a readable PDF: {exc}")
    if not signatures:
        return Verdict("", None, False, False, False, "the PDF has no signature")
    _type, _headers, der = pem.unarmor(ca_pem)
    ca = asn1_x509.Certificate.load(der)
    context = ValidationContext(trust_roots=[ca], allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[0], context)
    except Exception as exc:
        return Verdict("", None, False, False, False, f"the signature cannot be checked: {exc}")
    # The PIP carries one signature and nothing may follow it: the signature must cover the
    # whole file. (pyHanko tolerates some later revisions, e.g. metadata; a beschikking does not.)
    unchanged = (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and status.modification_level in (ModificationLevel.NONE, None)
    )
    return Verdict(
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        unchanged_since_signing=unchanged,
    )
