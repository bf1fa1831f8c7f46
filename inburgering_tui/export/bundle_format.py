"""The inside of a sync bundle (docs/bundle-format.md): a ZIP archive of a manifest, one JSON
record per case, the audit events that belong to no record, the signed PDFs and the attached
documents.

``pack`` writes it; ``unpack`` reads it back and refuses anything that is not exactly a valid
bundle: every entry listed with its sha256, every record valid against the JSON Schema, every
id unique, every audit event on its chain. Only then may a bundle reach the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.attachments import KIND_NAMES, content_type
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.audit_chain import GENESIS, event_hash
from inburgering_tui.store.records import (
    CASE_TABLE,
    PARTS,
    canonical,
    order_key,
    part_rows,
    record_hash,
    record_rows,
    row_from_json,
)

FORMAT = "inburgering-sync-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
AUDIT = "audit.json"
RECORD_PREFIX = "cases/"
DOCUMENT_PREFIX = "documents/"
ATTACHMENT_PREFIX = "attachments/"
# A bundle is read whole into memory after decryption; refuse archives that claim more.
MAX_UNPACKED_BYTES = 4 * 1024**3


class BundleError(Refusal):
    """Why a bundle is refused; the database is never touched when this is raised."""


@dataclass(frozen=True)
class BundleContents:
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    loose_audit: list[dict[str, Any]]  # events of the bundle that belong to no record
    documents: dict[str, bytes]  # by sha256
    # Per case, the records' column values, converted once while checking them.
    rows: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # by sha256

    @property
    def audit_events(self) -> list[dict[str, Any]]:
        events = list(self.loose_audit)
        for record in self.records:
            events.extend(record["audit"])
        return sorted(events, key=lambda event: event["seq"])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(
    *,
    bundle_id: str,
    device_id: str,
    consultant: str,
    created_at: datetime,
    complete_audit: bool,
    records: list[dict[str, Any]],
    loose_audit: list[dict[str, Any]],
    documents: dict[str, bytes],
    attachments: dict[str, bytes] | None = None,
    audit_seal: dict[str, Any] | None = None,
) -> bytes:
    entries: dict[str, bytes] = {AUDIT: canonical(loose_audit)}
    for record in records:
        entries[f"{RECORD_PREFIX}{record['case_id']}.json"] = canonical(record)
    for sha256, content in documents.items():
        entries[f"{DOCUMENT_PREFIX}{sha256}.pdf"] = content
    for sha256, content in (attachments or {}).items():
        entries[f"{ATTACHMENT_PREFIX}{sha256}"] = content
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bundle_id": bundle_id,
        "device_id": device_id,
        "consultant": consultant,
        "created_at": created_at.replace(tzinfo=None).isoformat(timespec="microseconds"),
        "complete_audit": complete_audit,
        "entries": {name: _sha256(data) for name, data in entries.items()},
    }
    if audit_seal is not None:
        # The laptop's sealed head at export: a record outside the laptop of how far its log
        # went (store/audit_anchor.py). Optional: bundles from before it stay valid.
        manifest["audit_seal"] = audit_seal
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, canonical(manifest))
        for name, data in entries.items():
            # PDFs, JPEGs and PNGs are compressed already; JSON shrinks a lot.
            stored = name.endswith(".pdf") or name.startswith(ATTACHMENT_PREFIX)
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


Validator = Callable[[Any], Any]


@cache
def _validators() -> tuple[Validator, Validator, Validator]:
    """The schemas compiled to Python once (fastjsonschema: an import of thousands of records
    validates in seconds, not minutes)."""
    folder = resources.files("inburgering_tui.export") / "schemas"
    record = json.loads((folder / "case-record.schema.json").read_text("utf-8"))
    manifest = json.loads((folder / "manifest.schema.json").read_text("utf-8"))
    audit = {"type": "array", "items": {"$ref": "#/$defs/audit_event"}, "$defs": record["$defs"]}
    # Every reference is inside its own document: without the $id (a name, not an address)
    # the compiler never takes one for a URL, and the handlers refuse any fetch outright.
    return (
        _compile(manifest),
        _compile(record),
        _compile(audit),
    )


def _compile(schema: dict[str, Any]) -> Validator:
    def no_fetching(uri: str) -> Any:
        raise RuntimeError(f"the bundle schemas never load {uri}")

    local = {key: value for key, value in schema.items() if key != "$id"}
    handlers = {"http": no_fetching, "https": no_fetching}
    return fastjsonschema.compile(local, handlers=handlers)


def _schema_problem(validator: Validator, value: Any, where: str) -> None:
    try:
        validator(value)
    except fastjsonschema.JsonSchemaValueException as error:
        path = "/".join(str(p) for p in error.path[1:]) or "(top)"
        raise BundleError(
            N_("{where}: past niet bij het bundelschema op {path}: {detail}"),
            where=where,
            path=path,
            detail=error.message,
        ) from None


def unpack(data: bytes) -> BundleContents:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError):
        # NotImplementedError: a damaged header naming a ZIP version or method zipfile lacks.
        raise BundleError(N_("de ondertekende inhoud is geen bundelarchief")) from None
    names = Counter(info.filename for info in infos)
    duplicated = sorted(name for name, count in names.items() if count > 1)
    if duplicated:
        raise BundleError(
            N_("dubbele onderdelen in de bundel: {names}"), names=", ".join(duplicated)
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise BundleError(N_("de bundel zou uitgepakt groter zijn dan 4 GiB"))
    if MANIFEST not in names:
        raise BundleError(N_("de bundel heeft geen manifest.json"))
    validators = _validators()  # outside the try: a broken schema is ours, not the bundle's
    try:
        return _read(archive, names, validators)
    except (
        zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError,
        ValueError,
    ):  # fmt: skip
        raise BundleError(N_("een onderdeel van het bundelarchief is beschadigd")) from None


def peek_manifest(data: bytes) -> dict[str, Any] | None:
    """A verified archive's manifest, valid against its schema, without reading the records.
    None when anything is off (``unpack`` then says what)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(MANIFEST))
        _validators()[0](manifest)
    except Exception:  # any damage: the full check reports it
        return None
    return manifest if isinstance(manifest, dict) else None


def _read(
    archive: zipfile.ZipFile,
    names: Counter[str],
    validators: tuple[Validator, Validator, Validator],
) -> BundleContents:
    manifest_check, record_check, audit_check = validators
    manifest = _json_blob(MANIFEST, archive.read(MANIFEST))
    if not isinstance(manifest, dict):
        raise BundleError(N_("manifest.json: geen JSON-object"))
    if manifest.get("format") != FORMAT:
        raise BundleError(
            N_("manifest.json: geen synchronisatiebundel (formaat {format})"),
            format=repr(manifest.get("format")),
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            N_(
                "onbekende versie van het bundelformaat: {version}; dit programma leest versie {known}"
            ),
            version=repr(manifest.get("format_version")),
            known=FORMAT_VERSION,
        )
    _schema_problem(manifest_check, manifest, MANIFEST)
    try:
        datetime.fromisoformat(manifest["created_at"])
    except ValueError:
        raise BundleError(N_("manifest.json: created_at is geen bestaand tijdstip")) from None
    listed = set(manifest["entries"])
    present = set(names) - {MANIFEST}
    if listed - present:
        raise BundleError(
            N_("onderdelen in het manifest ontbreken: {names}"),
            names=", ".join(sorted(listed - present)),
        )
    if present - listed:
        raise BundleError(
            N_("onderdelen staan niet in het manifest: {names}"),
            names=", ".join(sorted(present - listed)),
        )
    blobs: dict[str, bytes] = {}
    for name in sorted(listed):
        blob = archive.read(name)
        if _sha256(blob) != manifest["entries"][name]:
            raise BundleError(N_("{name}: de sha256 wijkt af van het manifest"), name=name)
        blobs[name] = blob
    if AUDIT not in blobs:
        raise BundleError(N_("de bundel heeft geen audit.json"))
    checked = [
        _record(name, blobs[name], record_check)
        for name in sorted(blobs)
        if name.startswith(RECORD_PREFIX)
    ]
    records = [record for record, _rows in checked]
    rows = {record["case_id"]: record_rows for record, record_rows in checked}
    loose_audit = _json_blob(AUDIT, blobs[AUDIT])
    _schema_problem(audit_check, loose_audit, AUDIT)
    documents = {
        name[len(DOCUMENT_PREFIX) : -len(".pdf")]: blob
        for name, blob in blobs.items()
        if name.startswith(DOCUMENT_PREFIX)
    }
    for sha256, blob in documents.items():
        if _sha256(blob) != sha256:
            raise BundleError(
                N_("{name}: de inhoud past niet bij de sha256 in de naam"),
                name=f"{DOCUMENT_PREFIX}{sha256}.pdf",
            )
    attachments = {
        name[len(ATTACHMENT_PREFIX) :]: blob
        for name, blob in blobs.items()
        if name.startswith(ATTACHMENT_PREFIX)
    }
    for sha256, blob in attachments.items():
        if _sha256(blob) != sha256:
            raise BundleError(
                N_("{name}: de inhoud past niet bij de sha256 in de naam"),
                name=f"{ATTACHMENT_PREFIX}{sha256}",
            )
    contents = BundleContents(
        manifest, records, loose_audit, documents, rows, attachments=attachments
    )
    _check_ids(contents)
    _check_audit_chain(contents)
    return contents


def _refuse_constant(_name: str) -> Any:
    raise ValueError("NaN and Infinity are not JSON")


def _json_blob(name: str, blob: bytes) -> Any:
    try:
        return json.loads(blob, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BundleError(N_("{name}: geen geldige JSON"), name=name) from None


# Numbers every database and JSON reader keeps exactly (SQLite would turn a larger integer
# in a JSON column into a float).
LARGEST_NUMBER = 2**53


def _numbers_fit(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int | float):
        return abs(value) <= LARGEST_NUMBER
    if isinstance(value, list):
        return all(_numbers_fit(item) for item in value)
    if isinstance(value, dict):
        return all(_numbers_fit(item) for item in value.values())
    return True


def _record(
    name: str, blob: bytes, validator: Validator
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The record, checked, with its column values (kept: the import writes those)."""
    record = _json_blob(name, blob)
    _schema_problem(validator, record, name)
    if name != f"{RECORD_PREFIX}{record['case_id']}.json":
        raise BundleError(
            N_("{name}: bevat zaak {case}, niet de zaak uit de naam"),
            name=name,
            case=record["case_id"],
        )
    if record_hash(record["data"]) != record["record_hash"]:
        raise BundleError(N_("{name}: record_hash past niet bij de gegevens"), name=name)
    return record, _check_values_and_order(name, record["data"])


def _check_values_and_order(name: str, data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """What a pattern cannot say: every date exists (no 30 February), and the rows stand in
    the fixed order, so the record is exactly what the case gives when read back."""
    if not _numbers_fit(data["case"]):
        raise BundleError(N_("{name}: een getal in {part} is te groot"), name=name, part="case")
    for part in PARTS:
        if not _numbers_fit(part_rows(data, part)):
            raise BundleError(
                N_("{name}: een getal in {part} is te groot"), name=name, part=part.key
            )
    try:
        rows = record_rows(data)
    except (ValueError, TypeError):
        raise BundleError(
            N_("{name}: een datum of tijdstip in {part} bestaat niet"),
            name=name,
            part=_first_bad_part(data),
        ) from None
    for part in PARTS:
        keys = [order_key(part, row) for row in part_rows(data, part)]
        if keys != sorted(keys):
            raise BundleError(
                N_("{name}: de rijen van {part} staan niet in de vaste volgorde"),
                name=name,
                part=part.key,
            )
    return rows


def _first_bad_part(data: dict[str, Any]) -> str:
    parts = [("case", CASE_TABLE, [data["case"]])]
    parts += [(part.key, part.table, part_rows(data, part)) for part in PARTS]
    for key, table, items in parts:
        try:
            for item in items:
                row_from_json(table, item)
        except (ValueError, TypeError):
            return key
    return "?"


def _check_ids(contents: BundleContents) -> None:
    """Every row id once in the bundle, every row in its own case, every reference inside it."""
    seen: set[tuple[str, str]] = set()

    def once(kind: str, key: str, where: str) -> None:
        if (kind, key) in seen:
            raise BundleError(
                N_("{where}: dubbel id {key} ({kind})"), where=where, key=key, kind=kind
            )
        seen.add((kind, key))

    for record in contents.records:
        case_id = record["case_id"]
        where = f"{RECORD_PREFIX}{case_id}.json"
        data = record["data"]
        once("case", case_id, where)
        if data["case"]["id"] != case_id:
            raise BundleError(N_("{where}: data.case.id wijkt af van case_id"), where=where)
        for key, rows in data.items():
            if key == "case":
                continue
            for row in rows:
                if row["case_id"] != case_id:
                    raise BundleError(
                        N_("{where}: een rij in {part} hoort bij een andere zaak"),
                        where=where,
                        part=key,
                    )
                if "id" in row:
                    once(key, row["id"], where)
        for key, fields in (
            ("answers", ("form_id", "question_id")),
            ("skipped_sections", ("form_id", "section_id")),
            ("pip_versions", ("number",)),
        ):
            for row in data[key]:
                once(f"{key} of {case_id}", "/".join(str(row[f]) for f in fields), where)
        conversations = {row["id"] for row in data["conversations"]}
        versions = {row["id"] for row in data["pip_versions"]}
        for row in data["answers"]:
            if row["conversation_id"] is not None and row["conversation_id"] not in conversations:
                raise BundleError(
                    N_("{where}: een antwoord verwijst naar een gesprek dat er niet in staat"),
                    where=where,
                )
        for row in data["progress_talks"]:
            if row["amended_version_id"] is not None and row["amended_version_id"] not in versions:
                raise BundleError(
                    N_(
                        "{where}: een voortgangsgesprek verwijst naar een PIP-versie die er niet in staat"
                    ),
                    where=where,
                )
        for row in data["documents"]:
            if row["pip_version_id"] not in versions:
                raise BundleError(
                    N_("{where}: een document verwijst naar een PIP-versie die er niet in staat"),
                    where=where,
                )
            if row["sha256"] not in contents.documents:
                raise BundleError(
                    N_("{where}: document {document} zit niet in de bundel"),
                    where=where,
                    document=row["sha256"][:12],
                )
        _check_attachments(contents, data.get("attachments", []), where)
        for event in record["audit"]:
            if event["case_id"] != case_id:
                raise BundleError(
                    N_("{where}: bevat een auditgebeurtenis van een andere zaak"), where=where
                )
    cases = {record["case_id"] for record in contents.records}
    for event in contents.loose_audit:
        if event["case_id"] in cases:
            raise BundleError(
                N_("audit.json: bevat een gebeurtenis van een zaak met een eigen record")
            )


def _check_attachments(contents: BundleContents, rows: list[dict[str, Any]], where: str) -> None:
    """Each attached document is in the bundle, as large as the record says, and by its content
    the type the record names: a whole PDF, JPEG or PNG, whatever it is called."""
    for row in rows:
        short = row["id"][:12]
        blob = contents.attachments.get(row["sha256"])
        if blob is None:
            raise BundleError(
                N_("{where}: bijlage {attachment} zit niet in de bundel"),
                where=where,
                attachment=short,
            )
        if len(blob) != row["size"]:
            raise BundleError(
                N_("{where}: bijlage {attachment} is niet zo groot als het record zegt"),
                where=where,
                attachment=short,
            )
        found = content_type(blob)
        if isinstance(found, Invalid) or found != row["content_type"]:
            raise BundleError(
                N_("{where}: bijlage {attachment} is geen geldige {kind}"),
                where=where,
                attachment=short,
                kind=KIND_NAMES.get(row["content_type"], row["content_type"]),
            )
        if (row["form_id"] is None) != (row["question_id"] is None):
            raise BundleError(
                N_("{where}: bijlage {attachment} noemt een vraag zonder formulier of omgekeerd"),
                where=where,
                attachment=short,
            )


def _check_audit_chain(contents: BundleContents) -> None:
    events = contents.audit_events
    if not events:
        return
    if contents.manifest["complete_audit"] and events[0]["prev_hash"] != GENESIS:
        raise BundleError(
            N_("het auditlogboek heet volledig, maar begint niet bij het begin van de keten")
        )
    previous: dict[str, Any] | None = None
    for event in events:
        if previous is not None:
            if event["seq"] == previous["seq"]:
                raise BundleError(N_("dubbel id {key} (auditgebeurtenis)"), key=event["seq"])
            if event["prev_hash"] != previous["hash"]:
                raise BundleError(
                    N_(
                        "auditgebeurtenis {seq} volgt niet op gebeurtenis {previous}: er is een gebeurtenis verwijderd of verplaatst"
                    ),
                    seq=event["seq"],
                    previous=previous["seq"],
                )
        try:
            at = datetime.fromisoformat(event["at"])
        except ValueError:
            raise BundleError(
                N_("auditgebeurtenis {seq}: het tijdstip bestaat niet"), seq=event["seq"]
            ) from None
        expected = event_hash(
            event["prev_hash"],
            at,
            event["actor"],
            event["action"],
            event["case_id"],
            event["subject"],
        )
        if event["hash"] != expected:
            raise BundleError(
                N_("auditgebeurtenis {seq} past niet bij haar hash: ze is gewijzigd"),
                seq=event["seq"],
            )
        previous = event
