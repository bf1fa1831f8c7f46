"""Property: mutating a valid sync bundle never causes an unhandled exception or a partial import.

One laptop store with a few demo cases writes two bundles (module-scoped: keys, cases and
bundles are made once). The back office's template store holds the first bundle; every
example imports a mutation of the second into a fresh copy of that template.

- Outer mutations damage the encrypted file itself.
- Inner mutations change the ZIP, an entry, a case record or the manifest and then sign and
  encrypt again with the valid consultant key, so the signature holds and only the checks on
  the content stand between the mutation and the database.

After every example: a refused bundle (BundleError or CmsError, with a reason) left every table
of the back office exactly as it was; an accepted one is in the database whole.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import json
import re
import shutil
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inburgering_tui import demo
from inburgering_tui.domain.forms import Form
from inburgering_tui.export import cms
from inburgering_tui.export.bundle import export_bundle, import_bundle, open_bundle
from inburgering_tui.export.bundle_format import AUDIT, MANIFEST, BundleError
from inburgering_tui.export.cms import CmsError
from inburgering_tui.export.pki import Identity, create_dev_pki, load_certificate, load_identity
from inburgering_tui.store.models import (
    CaseConflict,
    CaseRevision,
    CaseSync,
    DeviceAuditEvent,
    ImportedBundle,
    SignedDocument,
)
from inburgering_tui.store.office_sync import CONFLICT, NEW, UNCHANGED, UPDATED, ImportSummary
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.records import PARTS, canonical, read_records, record_hash
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE, TODAY

KEY_PASSPHRASE = "sleutel-wachtwoordzin-7"
CONSULTANT = "Test Consulent"
FAKE_PDF = b"%PDF-1.7\n% a signed PIP, as far as this test is concerned\n%%EOF\n"

MUTATION_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the autouse `isolated` is harmless to share
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


# -- the world: keys, a laptop, two bundles, a back-office template --------------------------


@dataclass(frozen=True, repr=False)
class World:
    office: Identity
    ca: x509.Certificate
    recipient: x509.Certificate
    consultant: Identity
    consultant_p12: Path
    sealed: bytes  # the valid second bundle, as the laptop wrote it
    inner: bytes  # its signed ZIP
    entries: tuple[tuple[str, bytes], ...]  # the ZIP's entries in archive order
    template: Path  # a back-office data directory that holds the first bundle
    scratch: Path
    known: tuple[str, ...]  # every id and hash in both bundles: realistic wrong references

    # Hypothesis prints the arguments of a failing example: not all of this.
    def __repr__(self) -> str:
        return "World(...)"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(repr(self))

    def entry(self, name: str) -> bytes:
        return dict(self.entries)[name]

    def json_entry(self, name: str) -> Any:
        return json.loads(self.entry(name))

    @property
    def record_names(self) -> list[str]:
        return [name for name, _ in self.entries if name.startswith("cases/")]


def _signed_zip(sealed: bytes, office: Identity, ca: x509.Certificate) -> bytes:
    return cms.verify(cms.decrypt(sealed, office), ca).content


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, intake_form: Form) -> Iterator[World]:
    root = tmp_path_factory.mktemp("bundle-mutations")
    with pytest.MonkeyPatch.context() as patch:
        # Module scope runs before the autouse `isolated`: set what it would set.
        patch.setenv("INBURGERING_HOME", str(root / "home"))
        patch.setenv("INBURGERING_KDF_MEMORY_KIB", "8192")
        yield _make_world(root, intake_form)


def _make_world(root: Path, form: Form) -> World:
    keys = create_dev_pki(
        root / "keys", KEY_PASSPHRASE, municipality="Teststad", consultant=CONSULTANT
    )
    office_identity = load_identity(keys["backoffice"], KEY_PASSPHRASE)
    ca = load_certificate(keys["ca"])
    recipient = load_certificate(keys["backoffice_cert"])
    laptop = Vault(root / "laptop").create(PASSPHRASE, actor="test-consulent")
    try:
        # One case in each demo stage: new, intake partly, intake done, PIP drafted, PIP set.
        ids = demo.populate(laptop, form, 5, seed=11, today=TODAY)
        export = dict(
            consultant_p12=keys["consultant"],
            key_passphrase=KEY_PASSPHRASE,
            recipient=recipient,
            out_dir=root / "exports",
        )
        first = export_bundle(laptop, **export).path.read_bytes()
        # Between the bundles: a signed PDF and an amended PIP for the case with a set PIP,
        # an invitation, a skipped section and a changed name, and one case more.
        new_case, _partly, _done, _drafted, pip_set = ids
        pips = PipStore(laptop)
        version = pips.latest_set(pip_set)
        assert version is not None
        laptop.add_signed_document(pip_set, version.id, FAKE_PDF)
        pips.add_progress_talk(pip_set, TODAY, {"summary": "goed bezig"}, "taalniveau hoger")
        invitation = laptop.add_invitation(new_case, TODAY - timedelta(days=3), 14)
        laptop.record_response(invitation.id, TODAY)
        laptop.skip_section(new_case, form.id, form.sections[0].id, "geen tijd")
        laptop.update_case(new_case, {"given_names": "Nieuwe Naam"})
        demo.populate(laptop, form, 1, seed=12, today=TODAY)
        second = export_bundle(laptop, **export).path.read_bytes()
    finally:
        laptop.close()

    template = root / "office-template"
    office = Vault(template).create(PASSPHRASE, actor="backoffice")
    try:
        import_bundle(office, first, office_identity, ca)
    finally:
        office.close()

    inner = _signed_zip(second, office_identity, ca)
    with zipfile.ZipFile(io.BytesIO(inner)) as archive:
        entries = tuple((info.filename, archive.read(info)) for info in archive.infolist())
    texts = [_signed_zip(first, office_identity, ca), *(data for _, data in entries)]
    known = sorted(
        {
            match.decode()
            for text in texts
            for match in re.findall(
                rb"(?<![0-9a-f])(?:[0-9a-f]{64}|[0-9a-f]{32})(?![0-9a-f])", text
            )
        }
    )
    scratch = root / "scratch"
    scratch.mkdir()
    return World(
        office=office_identity,
        ca=ca,
        recipient=recipient,
        consultant=load_identity(keys["consultant"], KEY_PASSPHRASE),
        consultant_p12=keys["consultant"],
        sealed=second,
        inner=inner,
        entries=entries,
        template=template,
        scratch=scratch,
        known=tuple(known),
    )


# -- building and importing bundles ----------------------------------------------------------


def build_zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": on purpose
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
                archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def seal(world: World, content: bytes) -> bytes:
    """Sign with the valid consultant key and encrypt for the back office.

    Standard CMS SignedData like ``cms.sign`` makes, but with the key loaded once: pyHanko
    reloads and checks the RSA key on every signature (~0.1 s), too slow for hundreds of
    examples. ``test_the_harness_seals_bundles_the_office_accepts`` shows both are accepted.
    """
    signed = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(world.consultant.certificate, world.consultant.key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    return cms.encrypt(signed, world.recipient)


def with_manifest(entries: list[tuple[str, bytes]], *, relist: bool) -> list[tuple[str, bytes]]:
    """The entries with the manifest's sha256 list made to match them again (``relist``)."""
    if not relist:
        return entries
    names = [name for name, _ in entries]
    if MANIFEST not in names:
        return entries
    try:
        manifest = json.loads(dict(entries)[MANIFEST])
    except ValueError:
        return entries
    if not isinstance(manifest, dict):
        return entries
    manifest["entries"] = {
        name: hashlib.sha256(data).hexdigest() for name, data in entries if name != MANIFEST
    }
    return [(name, canonical(manifest) if name == MANIFEST else data) for name, data in entries]


_copies = itertools.count()


def note_event(text: str) -> None:
    """For ``--hypothesis-show-statistics``; the plain tests call the same helpers."""
    if currently_in_test_context():
        event(text)


@contextmanager
def fresh_office(world: World) -> Iterator[Store]:
    target = world.scratch / f"office-{next(_copies)}"
    shutil.copytree(world.template, target)
    store = Vault(target).unlock(PASSPHRASE, actor="backoffice")
    try:
        yield store
    finally:
        store.close()
        shutil.rmtree(target, ignore_errors=True)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (and the schema itself), in rowid order."""
    with store.engine.connect() as conn:
        master = conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
        ).all()
        tables = [row.name for row in master if row.type == "table"]
        rows = {
            table: [
                tuple(row)
                for row in conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY rowid')
            ]
            for table in tables
        }
    rows["sqlite_master"] = [tuple(row) for row in master]
    return rows


def attempt(world: World, data: bytes) -> str:
    """Import ``data`` into a fresh back office; check the invariant; "refused" or "accepted"."""
    with fresh_office(world) as office:
        before = snapshot(office)
        try:
            summary = import_bundle(office, data, world.office, world.ca)
        except (BundleError, CmsError) as refusal:
            assert str(refusal).strip(), f"{type(refusal).__name__} without a reason"
            assert snapshot(office) == before, f"refused ({refusal}) but the database changed"
            note_event(f"refused: {type(refusal).__name__}")
            return "refused"
        except Exception as escaped:
            # Not one of the two refusals: a bug in itself. Say whether it also left rows.
            if snapshot(office) != before:
                raise AssertionError(
                    f"{type(escaped).__name__} escaped AND the import was partial"
                ) from escaped
            raise
        assert_consistent(world, office, data, summary, before)
        note_event("accepted")
        return "accepted"


def assert_consistent(
    world: World,
    office: Store,
    data: bytes,
    summary: ImportSummary,
    before: dict[str, list[tuple[Any, ...]]],
) -> None:
    contents = open_bundle(data, world.office, world.ca).contents
    manifest = contents.manifest
    assert summary.bundle_id == manifest["bundle_id"]
    imported = ImportedBundle.__table__
    with office.engine.connect() as conn:
        row = conn.execute(select(imported).where(imported.c.id == summary.bundle_id)).one_or_none()
        assert row is not None, "accepted, but the bundle is not recorded as imported"
        if summary.already_imported:
            assert snapshot(office) == before, "an already imported bundle changed the database"
            return
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        case_ids = {record["case_id"] for record in contents.records}
        assert set(summary.outcomes) == case_ids

        sync = CaseSync.__table__
        held = {row.case_id: row.record_hash for row in conn.execute(select(sync))}
        revision = CaseRevision.__table__
        revisions = {(row.case_id, row.record_hash) for row in conn.execute(select(revision))}
        conflict = CaseConflict.__table__
        conflicts = {
            (row.case_id, row.incoming_hash, row.bundle_id)
            for row in conn.execute(select(conflict))
        }
        stored = read_records(conn, sorted(case_ids))
        for record in contents.records:
            case_id, incoming = record["case_id"], record["record_hash"]
            outcome = summary.outcomes[case_id]["outcome"]
            assert case_id in stored, f"case {case_id} ({outcome}) is not in the database"
            if outcome == NEW:
                assert held[case_id] == incoming
                assert stored[case_id] == record["data"], f"new case {case_id} stored differently"
            elif outcome == UPDATED:
                assert held[case_id] == incoming
                _assert_updated(stored[case_id], record["data"])
            elif outcome == CONFLICT:
                assert (case_id, incoming, summary.bundle_id) in conflicts
            else:
                assert outcome == UNCHANGED
                assert held.get(case_id) == incoming or (case_id, incoming) in revisions

        documents = SignedDocument.__table__
        for sha256, content in conn.execute(select(documents.c.sha256, documents.c.content)):
            assert hashlib.sha256(content).hexdigest() == sha256, "a PDF differs from its sha256"

        device = DeviceAuditEvent.__table__
        kept = set(
            conn.execute(
                select(device.c.hash).where(device.c.device_id == manifest["device_id"])
            ).scalars()
        )
        assert {e["hash"] for e in contents.audit_events} <= kept


def _assert_updated(stored: dict[str, Any], incoming: dict[str, Any]) -> None:
    """An update replaces every part, except set PIP versions and PDFs: those never change."""
    for key in ("case", *(part.key for part in PARTS)):
        if key in ("pip_versions", "documents"):
            ids = {row["id"] for row in stored[key]}
            assert {row["id"] for row in incoming[key]} <= ids, f"{key} missing after update"
            drafts = [row for row in incoming[key] if row.get("status") == "draft"]
            for row in drafts:
                assert row in stored[key], "an updated draft PIP version is not stored as sent"
        else:
            assert stored[key] == incoming[key], f"updated case stored differently in {key}"


# -- strategies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ByteMutation:
    """One change to a byte string, with a short repr for Hypothesis's failure report."""

    op: str  # flip, truncate, insert, delete, overwrite
    at: int
    end: int = 0  # delete: up to here
    blob: bytes = b""  # insert, overwrite: these bytes; flip: one byte, the XOR mask

    def apply(self, original: bytes) -> bytes:
        at = self.at
        if self.op == "flip":
            return original[:at] + bytes([original[at] ^ self.blob[0]]) + original[at + 1 :]
        if self.op == "truncate":
            return original[:at]
        if self.op == "insert":
            return original[:at] + self.blob + original[at:]
        if self.op == "delete":
            return original[:at] + original[self.end :]
        return original[:at] + self.blob + original[at + len(self.blob) :]


def byte_mutation(original: bytes, hot: list[int] | None = None) -> st.SearchStrategy[ByteMutation]:
    """Flip, truncate, insert, delete or overwrite bytes; ``hot`` offsets are picked often."""
    size = len(original)
    positions = st.integers(0, size - 1)
    if hot:
        positions = st.one_of(
            positions,
            st.builds(
                lambda start, step: min(start + step, size - 1),
                st.sampled_from(hot),
                st.integers(0, 46),
            ),
        )

    @st.composite
    def mutate(draw: st.DrawFn) -> ByteMutation:
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite"]))
        note_event(f"op: {op}")
        at = draw(positions)
        if op == "flip":
            return ByteMutation(op, at, blob=bytes([draw(st.integers(1, 255))]))
        if op == "truncate":
            return ByteMutation(op, at)
        if op == "delete":
            return ByteMutation(op, at, end=draw(st.integers(at + 1, min(size, at + 4096))))
        size_range = {"min_size": 1, "max_size": 64 if op == "insert" else 16}
        return ByteMutation(op, at, blob=draw(st.binary(**size_range)))

    return mutate()


# Values a careless or hostile writer might put anywhere: wrong types, wrong sizes, and strings
# that pass the schema's patterns but are no real date, time or reference.
TRICKY: list[Any] = [
    "",
    " ",
    "0" * 32,
    "f" * 64,
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "2026-11-23",
    "2026-11-23T15:01:49.432629",
    "2026-02-30T10:00:00.000000",
    "2026-11-23T25:61:61.000000",
    "0001-01-01T00:00:00.000000",
    "2026-11-23T10:00:00+02:00",
    "not a date",
    "draft",
    "set",
    "brede-intake",
    "\x00",
    "\u202e",
    2**31,
    2**63,
    2**64,
    -(2**63) - 1,
    -1,
    0,
    1,
    1.5,
    1e308,
    True,
    [],
    {},
]


def json_values(world: World) -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.sampled_from(TRICKY),
        st.sampled_from(world.known),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    )
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


def tweaked(value: Any) -> st.SearchStrategy[Any]:
    """Something close to ``value``: one character or one unit off."""
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.sampled_from([value + 1, value - 1, -value, value * 2**40])
    if isinstance(value, str) and value:
        return st.builds(
            lambda at, char: value[:at] + char + value[at + 1 :],
            st.integers(0, len(value) - 1),
            st.sampled_from("0179af-:T. Zx"),
        ) | st.sampled_from([value[:-1], value + "0", value.upper()])
    return st.none()


@st.composite
def mutate_json(draw: st.DrawFn, original: Any, values: st.SearchStrategy[Any]) -> Any:
    """A copy of ``original`` with one place (chosen by walking down it) replaced, removed,
    duplicated or added to."""
    document = copy.deepcopy(original)
    parent: Any = None
    key: Any = None
    node = document
    path: list[Any] = []
    while True:
        if isinstance(node, dict) and node:
            children: list[Any] = sorted(node)
        elif isinstance(node, list) and node:
            children = list(range(len(node)))
        else:
            break
        if path and draw(st.integers(0, 3)) == 0:  # stop at this depth now and then
            break
        key = draw(st.sampled_from(children))
        parent, node = node, node[key]
        path.append(key)
    ops = ["replace", "tweak"]
    if parent is not None:
        ops.append("remove")
        if isinstance(parent, list):
            ops.append("duplicate")
    if isinstance(node, dict):
        ops.append("add")
    op = draw(st.sampled_from(ops))
    note_event(f"json op: {op} at depth {len(path)}")
    if op == "add":
        node[draw(st.text(max_size=10) | st.sampled_from(sorted(node)))] = draw(values)
        return document
    if op == "remove":
        del parent[key]
        return document
    if op == "duplicate":
        parent.insert(key, copy.deepcopy(node))
        return document
    replacement = draw(values if op == "replace" else tweaked(node))
    if parent is None:
        return replacement
    parent[key] = replacement
    return document


# -- sanity: without a mutation the harness's bundles are accepted ---------------------------


def test_the_harness_seals_bundles_the_office_accepts(world: World) -> None:
    """Otherwise every refusal below would prove nothing."""
    assert len(world.record_names) >= 3
    assert any(name.startswith("documents/") for name, _ in world.entries)
    assert attempt(world, world.sealed) == "accepted"
    assert attempt(world, seal(world, world.inner)) == "accepted"
    rebuilt = build_zip(list(world.entries))
    assert attempt(world, seal(world, rebuilt)) == "accepted"
    real = cms.encrypt(cms.sign(rebuilt, world.consultant_p12, KEY_PASSPHRASE), world.recipient)
    assert attempt(world, real) == "accepted"


def test_a_record_changed_consistently_is_accepted(world: World) -> None:
    name = world.record_names[0]
    record = world.json_entry(name)
    record["data"]["case"]["given_names"] = "Anders Genoemd"
    record["record_hash"] = record_hash(record["data"])
    entries = [(n, canonical(record) if n == name else d) for n, d in world.entries]
    bundle = seal(world, build_zip(with_manifest(entries, relist=True)))
    assert attempt(world, bundle) == "accepted"


def test_a_record_changed_without_its_hash_is_refused(world: World) -> None:
    name = world.record_names[0]
    record = world.json_entry(name)
    record["data"]["case"]["given_names"] = "Anders Genoemd"
    entries = [(n, canonical(record) if n == name else d) for n, d in world.entries]
    bundle = seal(world, build_zip(with_manifest(entries, relist=True)))
    assert attempt(world, bundle) == "refused"


# -- (a) the encrypted file ------------------------------------------------------------------


@settings(MUTATION_SETTINGS, max_examples=100)
@given(data=st.data())
def test_damaged_encrypted_file_is_refused(world: World, data: st.DataObject) -> None:
    mutated = data.draw(byte_mutation(world.sealed), label="file").apply(world.sealed)
    if mutated == world.sealed:
        return
    # The signature covers the content, so anything accepted must be the very same bundle.
    outcome = attempt(world, mutated)
    if outcome == "accepted":
        opened = open_bundle(mutated, world.office, world.ca)
        assert opened.contents.manifest == world.json_entry(MANIFEST)


# -- (b) inside the signature ----------------------------------------------------------------


def _zip_headers(archive: bytes) -> list[int]:
    return [match.start() for match in re.finditer(rb"PK\x03\x04|PK\x01\x02|PK\x05\x06", archive)]


@settings(MUTATION_SETTINGS, max_examples=75)
@given(data=st.data())
def test_damaged_zip_signed_again(world: World, data: st.DataObject) -> None:
    mutation = data.draw(byte_mutation(world.inner, _zip_headers(world.inner)), label="zip")
    mutated = mutation.apply(world.inner)
    attempt(world, seal(world, mutated))


@st.composite
def entry_mutation(draw: st.DrawFn, world: World) -> list[tuple[str, bytes]]:
    entries = list(world.entries)
    names = [name for name, _ in entries]
    some_name = st.one_of(
        st.sampled_from(names),
        st.sampled_from(world.known).map(lambda key: f"cases/{key}.json"),
        st.sampled_from(world.known).map(lambda key: f"documents/{key}.pdf"),
        st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=1, max_size=20),
    )
    some_content = st.one_of(
        st.binary(max_size=64),
        json_values(world).map(canonical),
        st.sampled_from([data for _, data in entries]),
    )
    op = draw(st.sampled_from(["drop", "duplicate", "rename", "add", "replace", "swap", "reorder"]))
    note_event(f"entry op: {op}")
    at = draw(st.integers(0, len(entries) - 1))
    name, content = entries[at]
    if op == "drop":
        del entries[at]
    elif op == "duplicate":
        entries.insert(at, (name, draw(st.sampled_from([content]) | some_content)))
    elif op == "rename":
        entries[at] = (draw(some_name), content)
    elif op == "add":
        entries.insert(at, (draw(some_name), draw(some_content)))
    elif op == "replace":
        entries[at] = (name, draw(some_content))
    elif op == "swap":
        other = draw(st.integers(0, len(entries) - 1))
        entries[at], entries[other] = (name, entries[other][1]), (entries[other][0], content)
    else:
        entries = draw(st.permutations(entries))
    # Mostly the manifest is brought up to date, so the checks behind the sha256 list run too.
    return with_manifest(entries, relist=draw(st.sampled_from([True, True, True, False])))


@settings(MUTATION_SETTINGS, max_examples=75)
@given(data=st.data())
def test_changed_entries_signed_again(world: World, data: st.DataObject) -> None:
    entries = data.draw(entry_mutation(world), label="entries")
    attempt(world, seal(world, build_zip(entries)))


@settings(MUTATION_SETTINGS, max_examples=100)
@given(data=st.data())
def test_changed_record_signed_again(world: World, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(world.record_names), label="record")
    original = world.json_entry(name)
    record = data.draw(mutate_json(original, json_values(world)), label="mutated record")
    rehash = data.draw(st.booleans(), label="record_hash recomputed")
    if rehash and isinstance(record, dict) and isinstance(record.get("data"), dict):
        record["record_hash"] = record_hash(record["data"])
    new_name = name
    case_id = record.get("case_id") if isinstance(record, dict) else None
    if isinstance(case_id, str) and data.draw(st.booleans(), label="entry renamed to case_id"):
        new_name = f"cases/{case_id}.json"
    entries = [(new_name, canonical(record)) if n == name else (n, d) for n, d in world.entries]
    relist = data.draw(st.sampled_from([True, True, True, False]), label="manifest relisted")
    attempt(world, seal(world, build_zip(with_manifest(entries, relist=relist))))


@settings(MUTATION_SETTINGS, max_examples=50)
@given(data=st.data())
def test_changed_manifest_signed_again(world: World, data: st.DataObject) -> None:
    manifest = data.draw(
        mutate_json(world.json_entry(MANIFEST), json_values(world)), label="manifest"
    )
    entries = [(n, canonical(manifest) if n == MANIFEST else d) for n, d in world.entries]
    attempt(world, seal(world, build_zip(entries)))


@settings(MUTATION_SETTINGS, max_examples=50)
@given(data=st.data())
def test_changed_loose_audit_signed_again(world: World, data: st.DataObject) -> None:
    """audit.json holds events of cases without a record: usually none, so add some."""
    events = [event for name in world.record_names for event in world.json_entry(name)["audit"]]
    loose = data.draw(
        st.lists(st.sampled_from(events), max_size=3).flatmap(
            lambda chosen: mutate_json(chosen, json_values(world)) if chosen else st.just(chosen)
        ),
        label="audit.json",
    )
    entries = [(n, canonical(loose) if n == AUDIT else d) for n, d in world.entries]
    attempt(world, seal(world, build_zip(with_manifest(entries, relist=True))))
