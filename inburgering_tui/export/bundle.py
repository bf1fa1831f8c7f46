"""Sync bundles end to end (docs/bundle-format.md): the laptop writes one, the back office
opens, checks and imports it and answers with a signed receipt the laptop reads.

Order matters on import: decrypt, verify the signature and certificate path, check every
hash and record, and only then touch the database, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509

from inburgering_tui.export import cms
from inburgering_tui.export.bundle_format import (
    BundleContents,
    BundleError,
    pack,
    peek_manifest,
    unpack,
)
from inburgering_tui.export.files import write_atomically
from inburgering_tui.export.pki import Identity, load_identity
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.private_files import make_folders
from inburgering_tui.store.busy import StoreBusy
from inburgering_tui.store.laptop_sync import LaptopSync
from inburgering_tui.store.models import new_id, utcnow
from inburgering_tui.store.office_sync import (
    CONFLICT,
    ImportBusy,
    ImportSummary,
    Incoming,
    apply_bundle,
    earlier_import,
)
from inburgering_tui.store.records import attachment_contents, document_contents
from inburgering_tui.store.repository import Store

Progress = Callable[[float], None]
# Called between steps while nothing is written yet; it raises to stop the work there (the
# TUI's Esc). After the last call a job runs to its end: a bundle on disk is marked exported.
Checkpoint = Callable[[], None]
RECEIPT_FORMAT = "inburgering-sync-receipt"


class NothingToExport(Refusal):
    """No case changed since the last bundle."""


@dataclass(frozen=True)
class BundleWritten:
    path: Path
    bundle_id: str
    cases: int
    documents: int
    attachments: int = 0


def export_bundle(
    store: Store,
    *,
    consultant_p12: Path,
    key_passphrase: str,
    recipient: x509.Certificate,
    out_dir: Path,
    out: Path | None = None,
    everything: bool = False,
    progress: Progress = lambda _done: None,
    checkpoint: Checkpoint = lambda: None,
) -> BundleWritten:
    """Write the next bundle; its cases are marked synced only once the file is on disk."""
    sync = LaptopSync(store)
    pending = sync.pending(everything=everything)
    if not pending.records:
        raise NothingToExport(N_("er is geen zaak gewijzigd sinds de vorige bundel"))
    progress(0.2)
    checkpoint()
    identity = load_identity(consultant_p12, key_passphrase)
    case_ids = [r["case_id"] for r in pending.records]
    with store.reading() as session:  # long, and only reads: writers need not wait for it
        documents = document_contents(session.connection(), case_ids)
        # Every attachment of every case the bundle carries, each time: the record names them
        # all, and the back office keeps only what it does not hold yet.
        attachments = attachment_contents(session.connection(), case_ids)
    bundle_id, device_id, created = new_id(), sync.device_id(), utcnow()
    archive = pack(
        bundle_id=bundle_id,
        device_id=device_id,
        consultant=_common_name(identity.certificate),
        created_at=created,
        complete_audit=pending.complete_audit,
        records=pending.records,
        loose_audit=pending.loose_audit,
        documents=documents,
        attachments=attachments,
        audit_seal=pending.audit_seal,
    )
    progress(0.5)
    checkpoint()
    signed = cms.sign(archive, consultant_p12, key_passphrase)
    progress(0.7)
    checkpoint()
    sealed = cms.encrypt(signed, recipient)
    checkpoint()
    # The name carries the device and time, never a person's name.
    path = out or out_dir / f"bundle-{device_id[:8]}-{created:%Y%m%d-%H%M%S}.p7m"
    write_atomically(path, sealed)
    progress(0.9)
    sync.mark_exported(bundle_id, hashlib.sha256(sealed).hexdigest(), path.name, pending)
    progress(1.0)
    return BundleWritten(path, bundle_id, len(pending.records), len(documents), len(attachments))


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


@dataclass(frozen=True)
class OpenedBundle:
    contents: BundleContents
    signer: str
    sha256: str


def open_bundle(data: bytes, office: Identity, ca: x509.Certificate) -> OpenedBundle:
    """Decrypt, verify and check a bundle; raises BundleError or CmsError with the reason."""
    if not data:
        raise BundleError(N_("het bestand is leeg"))
    return _checked(cms.verify(cms.decrypt(data, office), ca), data)


def _checked(verified: cms.Verified, data: bytes) -> OpenedBundle:
    contents = unpack(verified.content)
    if contents.manifest["consultant"] != verified.signer_name:
        raise BundleError(
            N_("het manifest noemt {named}, maar {signer} heeft de bundel ondertekend"),
            named=repr(contents.manifest["consultant"]),
            signer=repr(verified.signer_name),
        )
    return OpenedBundle(contents, verified.signer_name, hashlib.sha256(data).hexdigest())


def import_bundle(
    store: Store,
    data: bytes,
    office: Identity,
    ca: x509.Certificate,
    progress: Progress = lambda _done: None,
    checkpoint: Checkpoint = lambda: None,
) -> ImportSummary:
    if not data:
        raise BundleError(N_("het bestand is leeg"))
    verified = cms.verify(cms.decrypt(data, office), ca)
    # A bundle imported before is known by its signed manifest alone: no need to check and
    # compare every record again to change nothing.
    manifest = peek_manifest(verified.content)
    bundle_id = str(manifest["bundle_id"]) if manifest else None
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = earlier_import(store, bundle_id, sha256) if bundle_id else None
    if earlier is not None:
        progress(1.0)
        earlier.audit_seal = manifest.get("audit_seal") if manifest else None
        return earlier
    opened = _checked(verified, data)
    progress(0.3)
    checkpoint()  # the last moment before the one transaction that applies it
    contents = opened.contents
    summary = apply_bundle(
        store,
        Incoming(
            manifest=contents.manifest,
            records=contents.records,
            audit_events=contents.audit_events,
            documents=contents.documents,
            sha256=opened.sha256,
            rows=contents.rows,
            attachments=contents.attachments,
        ),
        lambda done: progress(0.3 + 0.7 * done),
    )
    # The receipt repeats the laptop's sealed head: the laptop keeps the office's signed word
    # of how far its audit log went when it sent this bundle.
    summary.audit_seal = contents.manifest.get("audit_seal")
    return summary


# -- receipts ----------------------------------------------------------------------------------


def make_receipt(summary: ImportSummary, office_p12: Path, passphrase: str) -> bytes:
    """The office's signed statement of which records it now holds (ids and hashes only)."""
    held = {
        case_id: item["record_hash"]
        for case_id, item in sorted(summary.outcomes.items())
        if item["outcome"] != CONFLICT
    }
    body = {
        "format": RECEIPT_FORMAT,
        "format_version": 1,
        "bundle_id": summary.bundle_id,
        "issued_at": utcnow().replace(tzinfo=None).isoformat(timespec="seconds"),
        "held": held,
        "conflicts": sorted(c for c, i in summary.outcomes.items() if i["outcome"] == CONFLICT),
    }
    if summary.audit_seal is not None:
        body["audit_seal"] = summary.audit_seal
    return cms.sign(json.dumps(body, sort_keys=True).encode(), office_p12, passphrase)


def read_receipt(data: bytes, ca: x509.Certificate, office: x509.Certificate) -> dict[str, Any]:
    """A receipt counts only when the back office we send bundles to signed it."""
    verified = cms.verify(data, ca)
    if verified.signer != office:
        raise BundleError(
            N_("het ontvangstbewijs is ondertekend door {signer}, niet door de backoffice"),
            signer=repr(verified.signer_name),
        )
    try:
        body = json.loads(verified.content)
    except ValueError:
        raise BundleError(N_("het ontvangstbewijs is geen geldige JSON")) from None
    if not isinstance(body, dict) or body.get("format") != RECEIPT_FORMAT:
        raise BundleError(N_("dit bestand is geen ontvangstbewijs van de backoffice"))
    if body.get("format_version") != 1:
        raise BundleError(
            N_("onbekende versie van het ontvangstbewijs: {version}"),
            version=repr(body.get("format_version")),
        )
    return body


def apply_receipt(store: Store, body: dict[str, Any]) -> int:
    try:
        return LaptopSync(store).confirm(body["bundle_id"], dict(body["held"]))
    except KeyError:
        raise BundleError(
            N_("dit ontvangstbewijs hoort bij een bundel die deze laptop niet heeft gemaakt")
        ) from None


def receipt_name(summary: ImportSummary) -> str:
    return f"receipt-{summary.bundle_id[:12]}.p7s"


@dataclass(frozen=True)
class FileOutcome:
    """One file of a batch import: its summary and receipt, or why it was refused."""

    path: Path
    summary: ImportSummary | None = None
    receipt: Path | None = None
    refused: str = ""


def bundle_files(paths: list[Path]) -> list[Path]:
    """The files named, with a folder standing for every bundle (*.p7m) in it."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.p7m")) if path.is_dir() else [path])
    return found


def import_files(
    store: Store,
    paths: list[Path],
    *,
    office_p12: Path,
    passphrase: str,
    ca: x509.Certificate,
    receipts_dir: Path,
    progress: Progress = lambda _done: None,
    checkpoint: Checkpoint = lambda: None,
) -> list[FileOutcome]:
    """Import bundle files one by one; a bad one is refused on its own and the rest go on.
    Each applied bundle gets a signed receipt for the laptop that wrote it. A stop at a
    checkpoint keeps the bundles imported before it, each with its receipt."""
    office = load_identity(office_p12, passphrase)
    files = bundle_files(paths)
    outcomes: list[FileOutcome] = []
    for index, path in enumerate(files):

        def step(done: float, index: int = index) -> None:
            progress((index + done) / len(files))

        checkpoint()
        try:
            summary = import_bundle(store, path.read_bytes(), office, ca, step, checkpoint)
        except (ImportBusy, StoreBusy):  # the store, not this bundle: stop, nothing is lost
            raise
        except Refusal as exc:
            outcomes.append(FileOutcome(path, refused=str(exc)))
            continue
        except OSError as exc:
            outcomes.append(FileOutcome(path, refused=exc.strerror or str(exc)))
            continue
        make_folders(receipts_dir)
        receipt = receipts_dir / receipt_name(summary)
        write_atomically(receipt, make_receipt(summary, office_p12, passphrase))
        outcomes.append(FileOutcome(path, summary, receipt))
    progress(1.0)
    return outcomes
