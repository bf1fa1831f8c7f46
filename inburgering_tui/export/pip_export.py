"""Writing a case's PIP PDF: gather it from the store, render it, sign it when it is set.

Shared by the ``pdf`` command and the review screen's worker. An unset (draft) version is only
ever written as a CONCEPT, never signed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.pip import PipContent
from inburgering_tui.export.files import write_atomically
from inburgering_tui.export.pip_pdf import PipDocument, SignatureSpot, render
from inburgering_tui.export.pki import CONSULTANT_P12, PKI_DIR
from inburgering_tui.export.signing import SigningError, sign
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.overview import one_case
from inburgering_tui.settings import Settings
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store


class ExportError(Refusal):
    """Why no PDF could be written, as a msgid shown in the UI language."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    signed: bool
    pages: int


def export_pip(
    store: Store,
    form: Form,
    settings: Settings,
    case_id: str,
    *,
    home: Path,
    out: Path | None,
    today: date,
    key_passphrase: Callable[[], str],
    progress: Callable[[float], None] = lambda _done: None,
    checkpoint: Callable[[], None] = lambda: None,
) -> ExportResult:
    """Render (and sign) the newest PIP version. ``checkpoint`` is called between steps until
    the signed PDF is stored; it raises to stop the work there, with nothing written."""
    pips = PipStore(store)
    versions = pips.versions(case_id)
    if not versions:
        raise ExportError(N_("deze zaak heeft nog geen PIP"))
    version = versions[-1]
    case = store.get_case(case_id)
    item = one_case(store, form, case_id, today, settings.local_practice)
    assert case is not None and item is not None
    conversations = store.conversations(case_id)
    document = PipDocument(
        municipality=settings.municipality,
        kenmerk=f"PIP-{case_id[:8].upper()}-{version.number}",
        version=version.number,
        dagtekening=version.dagtekening if version.status == "set" else None,
        person_name=f"{case.given_names} {case.family_name}",
        azc_location=case.azc_location,
        content=PipContent.model_validate(version.content),
        deadlines=item.deadlines,
        agreement=version.agreement or {},
        consultant=settings.consultant or case.consultant,
        interview_language=conversations[-1].interview_language if conversations else "nl",
        today=today,
    )
    progress(0.1)
    checkpoint()
    spot = SignatureSpot()
    pdf = render(document, spot)
    progress(0.6)
    checkpoint()
    signed = version.status == "set"
    if signed:
        p12 = home / PKI_DIR / CONSULTANT_P12
        if not p12.exists():
            raise ExportError(
                N_("er is geen sleutel van de consulent: `inburgering keys init` of `keys use`")
            )
        try:
            pdf = sign(pdf, p12, key_passphrase(), spot, reason=f"PIP {document.kenmerk}")
        except SigningError as exc:
            raise ExportError(exc.msgid, **exc.params) from None
        checkpoint()
        store.add_signed_document(case_id, version.id, pdf)
    progress(0.9)
    # The file name carries the case id, never the person's name.
    path = (
        out
        or settings.exports_dir
        / f"pip-{case_id[:8]}-v{version.number}{'' if signed else '-concept'}.pdf"
    )
    write_atomically(path, pdf)
    pages = len(PdfReader(path).pages)
    progress(1.0)
    return ExportResult(path, signed, pages)
