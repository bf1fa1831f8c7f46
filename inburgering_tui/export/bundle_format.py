"""The inside of a sync bundle (docs/bundle-format.md): a ZIP archive of a manifest, one JSON
record per case, the audit events that belong to no record, and the signed PDFs.

``pack`` writes it; ``unpack`` reads it back and refuses anything that is not exactly a valid
bundle: every entry listed with its sha256, every record valid against the JSON Schema, every
id unique, every audit event on its chain. Only then may a bundle reach the database.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from inburgering_tui.store.audit_chain import GENESIS, event_hash
from inburgering_tui.store.records import canonical, record_hash

FORMAT = "inburgering-sync-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
AUDIT = "audit.json"
RECORD_PREFIX = "cases/"
DOCUMENT_PREFIX = "documents/"
# A bundle is read whole into memory after decryption; refuse archives that claim more.
MAX_UNPACKED_BYTES = 4 * 1024**3


class BundleError(Exception):
    """Why a bundle is refused; the database is never touched when this is raised."""


@dataclass(frozen=True)
class BundleContents:
    manifest: dict[str, Any]
    records: list[dict[str, Any]]
    loose_audit: list[dict[str, Any]]  # events of the bundle that belong to no record
    documents: dict[str, bytes]  # by sha256

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
) -> bytes:
    entries: dict[str, bytes] = {AUDIT: canonical(loose_audit)}
    for record in records:
        entries[f"{RECORD_PREFIX}{record['case_id']}.json"] = canonical(record)
    for sha256, content in documents.items():
        entries[f"{DOCUMENT_PREFIX}{sha256}.pdf"] = content
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, canonical(manifest))
        for name, data in entries.items():
            # PDFs are compressed already; JSON shrinks a lot.
            method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


@cache
def _validators() -> tuple[Draft202012Validator, Draft202012Validator, Draft202012Validator]:
    folder = resources.files("inburgering_tui.export") / "schemas"
    record = json.loads((folder / "case-record.schema.json").read_text("utf-8"))
    manifest = json.loads((folder / "manifest.schema.json").read_text("utf-8"))
    registry: Registry = Registry().with_resource(record["$id"], Resource.from_contents(record))
    audit = {"type": "array", "items": {"$ref": f"{record['$id']}#/$defs/audit_event"}}
    return (
        Draft202012Validator(manifest),
        Draft202012Validator(record, registry=registry),
        Draft202012Validator(audit, registry=registry),
    )


def _schema_problem(validator: Draft202012Validator, value: Any, where: str) -> None:
    error = next(iter(validator.iter_errors(value)), None)
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise BundleError(f"{where}: does not match the bundle schema at {path}: {error.message}")


def _load_json(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(archive.read(name))
    except (ValueError, UnicodeDecodeError):
        raise BundleError(f"{name}: not valid JSON") from None


def unpack(data: bytes) -> BundleContents:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise BundleError("the signed content is not a bundle archive") from None
    names = Counter(info.filename for info in infos)
    duplicated = sorted(name for name, count in names.items() if count > 1)
    if duplicated:
        raise BundleError(f"duplicate entries in the bundle: {', '.join(duplicated)}")
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise BundleError("the bundle claims to unpack to more than 4 GiB")
    if MANIFEST not in names:
        raise BundleError("the bundle has no manifest.json")
    try:
        return _read(archive, names)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError):
        raise BundleError("an entry of the bundle archive is damaged") from None


def _read(archive: zipfile.ZipFile, names: Counter[str]) -> BundleContents:
    manifest_check, record_check, audit_check = _validators()
    manifest = _load_json(archive, MANIFEST)
    if not isinstance(manifest, dict):
        raise BundleError("manifest.json: not a JSON object")
    if manifest.get("format") != FORMAT:
        raise BundleError(f"manifest.json: not an {FORMAT} (format {manifest.get('format')!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleError(
            f"unknown bundle format version {manifest.get('format_version')!r}; "
            f"this program reads version {FORMAT_VERSION}"
        )
    _schema_problem(manifest_check, manifest, MANIFEST)
    listed = set(manifest["entries"])
    present = set(names) - {MANIFEST}
    if listed - present:
        raise BundleError(f"entries listed but missing: {', '.join(sorted(listed - present))}")
    if present - listed:
        raise BundleError(f"entries not in the manifest: {', '.join(sorted(present - listed))}")
    blobs: dict[str, bytes] = {}
    for name in sorted(listed):
        blob = archive.read(name)
        if _sha256(blob) != manifest["entries"][name]:
            raise BundleError(f"{name}: its sha256 differs from the manifest")
        blobs[name] = blob
    if AUDIT not in blobs:
        raise BundleError("the bundle has no audit.json")
    records = [
        _record(name, blobs[name], record_check)
        for name in sorted(blobs)
        if name.startswith(RECORD_PREFIX)
    ]
    loose_audit = _json_blob(AUDIT, blobs[AUDIT])
    _schema_problem(audit_check, loose_audit, AUDIT)
    documents = {
        name[len(DOCUMENT_PREFIX) : -len(".pdf")]: blob
        for name, blob in blobs.items()
        if name.startswith(DOCUMENT_PREFIX)
    }
    contents = BundleContents(manifest, records, loose_audit, documents)
    _check_ids(contents)
    _check_audit_chain(contents)
    return contents


def _json_blob(name: str, blob: bytes) -> Any:
    try:
        return json.loads(blob)
    except (ValueError, UnicodeDecodeError):
        raise BundleError(f"{name}: not valid JSON") from None


def _record(name: str, blob: bytes, validator: Draft202012Validator) -> dict[str, Any]:
    record = _json_blob(name, blob)
    _schema_problem(validator, record, name)
    if name != f"{RECORD_PREFIX}{record['case_id']}.json":
        raise BundleError(f"{name}: holds case {record['case_id']}, not the one its name says")
    if record_hash(record["data"]) != record["record_hash"]:
        raise BundleError(f"{name}: record_hash does not match its data")
    return record  # type: ignore[no-any-return]


def _check_ids(contents: BundleContents) -> None:
    """Every row id once in the bundle, every row in its own case, every reference inside it."""
    seen: set[tuple[str, str]] = set()

    def once(kind: str, key: str, where: str) -> None:
        if (kind, key) in seen:
            raise BundleError(f"{where}: duplicate id {key} ({kind})")
        seen.add((kind, key))

    for record in contents.records:
        case_id = record["case_id"]
        where = f"{RECORD_PREFIX}{case_id}.json"
        data = record["data"]
        once("case", case_id, where)
        if data["case"]["id"] != case_id:
            raise BundleError(f"{where}: data.case.id differs from case_id")
        for key, rows in data.items():
            if key == "case":
                continue
            for row in rows:
                if row["case_id"] != case_id:
                    raise BundleError(f"{where}: a row in {key} belongs to another case")
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
                raise BundleError(f"{where}: an answer refers to a conversation not in the record")
        for row in data["progress_talks"]:
            if row["amended_version_id"] is not None and row["amended_version_id"] not in versions:
                raise BundleError(f"{where}: a progress talk refers to a PIP version not in it")
        for row in data["documents"]:
            if row["pip_version_id"] not in versions:
                raise BundleError(f"{where}: a document refers to a PIP version not in it")
            if row["sha256"] not in contents.documents:
                raise BundleError(f"{where}: document {row['sha256'][:12]} is not in the bundle")
        for event in record["audit"]:
            if event["case_id"] != case_id:
                raise BundleError(f"{where}: holds an audit event of another case")
    cases = {record["case_id"] for record in contents.records}
    for event in contents.loose_audit:
        if event["case_id"] in cases:
            raise BundleError(f"{AUDIT}: holds an event of a case that has its own record")


def _check_audit_chain(contents: BundleContents) -> None:
    events = contents.audit_events
    if not events:
        return
    if contents.manifest["complete_audit"] and events[0]["prev_hash"] != GENESIS:
        raise BundleError("the audit log claims to be complete but does not start at its origin")
    previous: dict[str, Any] | None = None
    for event in events:
        if previous is not None:
            if event["seq"] == previous["seq"]:
                raise BundleError(f"duplicate id {event['seq']} (audit event)")
            if event["prev_hash"] != previous["hash"]:
                raise BundleError(
                    f"audit event {event['seq']} does not follow on event {previous['seq']}: "
                    "an event was removed or reordered"
                )
        at = datetime.fromisoformat(event["at"])
        expected = event_hash(
            event["prev_hash"],
            at,
            event["actor"],
            event["action"],
            event["case_id"],
            event["subject"],
        )
        if event["hash"] != expected:
            raise BundleError(f"audit event {event['seq']} does not match its hash: it was edited")
        previous = event
