"""Sync bundles on SQLite: laptop store → bundle → back-office store (separate data directories
and keys) gives the same cases; every kind of bad bundle is refused with its reason and leaves
the back-office database exactly as it was; conflicts keep both versions; receipts and
retention never lose unsent work."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_bundle
from inburgering_tui.export.bundle_format import BundleError
from inburgering_tui.export.pki import PKI_DIR, create_dev_pki, issue_consultant
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.models import CaseConflict, DeviceAuditEvent
from inburgering_tui.store.office_sync import open_conflicts, resolve_conflict
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.records import canonical, read_records, record_hash
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .sync_helpers import (
    CONSULTANT,
    KEYS,
    export,
    inner_archive,
    make_laptop,
    make_office_home,
    office_keys,
    reseal,
    snapshot,
)
from .test_cli import run


@pytest.fixture
def laptop(isolated: Path, intake_form: Form) -> list[str]:
    return make_laptop(isolated, intake_form)


@pytest.fixture
def office(tmp_path: Path, isolated: Path, laptop: list[str]) -> Iterator[Store]:
    home = make_office_home(isolated, tmp_path / "office")
    store = Vault(home).create(PASSPHRASE, actor="backoffice")
    yield store
    store.close()


@pytest.fixture
def bundle(isolated: Path, laptop: list[str], tmp_path: Path) -> Path:
    store = Vault(isolated).unlock(PASSPHRASE)
    path = export(store, isolated, tmp_path / "first.p7m")
    store.close()
    return path


def _records(store: Store, ids: list[str]) -> dict[str, Any]:
    with store.session() as session:
        return read_records(session.connection(), ids)


def _import(office: Store, home: Path, data: bytes) -> Any:
    identity, ca = office_keys(home)
    return import_bundle(office, data, identity, ca)


# -- the round trip ------------------------------------------------------------------------------


def test_round_trip_through_the_commands_keeps_every_case_answer_pip_and_pdf(
    isolated: Path, tmp_path: Path, intake_form: Form, laptop: list[str]
) -> None:
    store = Vault(isolated).unlock(PASSPHRASE)
    pips = PipStore(store)
    set_case = next(c for c in laptop if pips.latest_set(c) is not None)
    store.close()
    pdf = run(
        "pdf", set_case[:8], "--out", str(tmp_path / "pip.pdf"), INBURGERING_KEY_PASSPHRASE=KEYS
    )
    assert pdf.returncode == 0, pdf.stderr

    out = tmp_path / "bundle.p7m"
    exported = run("bundle", "export", "--out", str(out), INBURGERING_KEY_PASSPHRASE=KEYS)
    assert exported.returncode == 0, exported.stderr
    assert f"{len(laptop)} cases, 1 signed PDFs" in exported.stdout

    office_home = make_office_home(isolated, tmp_path / "office")
    receipts = tmp_path / "receipts"
    office_env = {"INBURGERING_HOME": str(office_home), "INBURGERING_KEY_PASSPHRASE": KEYS}
    first = run("bundle", "import", str(out), "--receipts", str(receipts), **office_env)
    assert first.returncode == 0, first.stderr
    assert f"{len(laptop)} new, 0 updated, 0 unchanged, 0 conflict" in first.stdout

    laptop_store = Vault(isolated).unlock(PASSPHRASE)
    office_store = Vault(office_home).unlock(PASSPHRASE)
    try:
        # Every row of every case, read back from the back office, is what the laptop holds.
        assert _records(office_store, laptop) == _records(laptop_store, laptop)
        office_pips = PipStore(office_store)
        assert [v.content for v in office_pips.versions(set_case)] == [
            v.content for v in PipStore(laptop_store).versions(set_case)
        ]
        with office_store.session() as session:
            from inburgering_tui.store.models import SignedDocument

            documents = session.exec(select(SignedDocument)).all()
            events = session.exec(select(DeviceAuditEvent)).all()
        # The signed PDF arrives byte for byte.
        assert [d.content for d in documents] == [(tmp_path / "pip.pdf").read_bytes()]
        # The laptop's whole audit log travelled and was checked on the way in.
        assert len(events) == len(laptop_store.audit_events()) - 1  # minus the export event
        before = snapshot(office_store.engine)
    finally:
        laptop_store.close()
        office_store.close()

    second = run("bundle", "import", str(out), "--receipts", str(receipts), **office_env)
    assert second.returncode == 0, second.stderr
    assert "already imported" in second.stdout
    office_store = Vault(office_home).unlock(PASSPHRASE)
    assert snapshot(office_store.engine) == before  # the second import changed nothing
    office_store.close()

    receipt = next(receipts.glob("receipt-*.p7s"))
    confirmed = run("bundle", "receipt", str(receipt))
    assert confirmed.returncode == 0, confirmed.stderr
    assert f"{len(laptop)} cases confirmed" in confirmed.stdout


def test_openssl_decrypts_and_verifies_a_bundle(
    isolated: Path, tmp_path: Path, bundle: Path
) -> None:
    pki = isolated / PKI_DIR
    office_pem = tmp_path / "office.pem"
    subprocess.run(
        ["openssl", "pkcs12", "-in", str(pki / "backoffice.p12"), "-passin", f"pass:{KEYS}",
         "-nodes", "-out", str(office_pem)],
        check=True, capture_output=True,
    )  # fmt: skip
    signed = tmp_path / "signed.der"
    subprocess.run(
        ["openssl", "cms", "-decrypt", "-inform", "DER", "-in", str(bundle), "-recip",
         str(office_pem), "-binary", "-out", str(signed)],
        check=True, capture_output=True,
    )  # fmt: skip
    content = tmp_path / "content.zip"
    verified = subprocess.run(
        ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(signed), "-CAfile",
         str(pki / "ca.pem"), "-binary", "-out", str(content)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "Verification successful" in verified.stderr
    entries = inner_archive(bundle.read_bytes(), isolated)
    assert content.read_bytes()[:2] == b"PK" and "manifest.json" in entries


# -- bad bundles --------------------------------------------------------------------------------


def _refused(office: Store, home: Path, data: bytes, reason: str) -> None:
    before = snapshot(office.engine)
    with pytest.raises(Refusal, match=reason):
        _import(office, home, data)
    assert snapshot(office.engine) == before


def test_a_truncated_bundle_is_refused(isolated: Path, office: Store, bundle: Path) -> None:
    data = bundle.read_bytes()
    _refused(office, isolated, data[: len(data) // 2], "afgebroken, beschadigd")


def test_a_bundle_with_any_byte_changed_is_refused(
    isolated: Path, office: Store, bundle: Path
) -> None:
    data = bytearray(bundle.read_bytes())
    for position in (len(data) // 3, len(data) - 20):
        changed = bytearray(data)
        changed[position] ^= 0x01
        _refused(
            office, isolated, bytes(changed), "beschadigd|na het ondertekenen gewijzigd|ontsleuteld"
        )


def test_a_bundle_for_another_back_office_is_refused(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str]
) -> None:
    other = create_dev_pki(tmp_path / "other", KEYS, municipality="Elders", consultant="X")
    store = Vault(isolated).unlock(PASSPHRASE)
    from inburgering_tui.export.bundle import export_bundle
    from inburgering_tui.export.pki import load_certificate

    written = export_bundle(
        store,
        consultant_p12=isolated / PKI_DIR / "consultant.p12",
        key_passphrase=KEYS,
        recipient=load_certificate(other["backoffice_cert"]),
        out_dir=tmp_path,
    )
    store.close()
    _refused(office, isolated, written.path.read_bytes(), "andere ontvanger")


def test_a_bundle_signed_by_an_untrusted_certificate_is_refused(
    isolated: Path, tmp_path: Path, office: Store, bundle: Path
) -> None:
    stranger = create_dev_pki(
        tmp_path / "stranger", KEYS, municipality="Elders", consultant=CONSULTANT
    )
    entries = list(inner_archive(bundle.read_bytes(), isolated).items())
    data = reseal(entries, isolated, p12=stranger["consultant"])
    _refused(office, isolated, data, "niet uitgegeven door de vertrouwde CA")


def test_a_bundle_signed_by_an_expired_certificate_is_refused(
    isolated: Path, tmp_path: Path, office: Store, bundle: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = issue_consultant(
        isolated, KEYS, CONSULTANT, tmp_path / "expired.p12",
        not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1),
    )  # fmt: skip
    entries = list(inner_archive(bundle.read_bytes(), isolated).items())
    _refused(office, isolated, reseal(entries, isolated, p12=expired), "is verlopen op")


def _manifest(entries: dict[str, bytes]) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(entries["manifest.json"])
    return manifest


def _with(entries: dict[str, bytes], name: str, data: bytes) -> list[tuple[str, bytes]]:
    """Replace one entry and list its new sha256 in the manifest: only the content is wrong."""
    changed = dict(entries)
    changed[name] = data
    manifest = _manifest(changed)
    manifest["entries"][name] = hashlib.sha256(data).hexdigest()
    changed["manifest.json"] = canonical(manifest)
    return list(changed.items())


def _first_record(entries: dict[str, bytes]) -> tuple[str, dict[str, Any]]:
    name = next(n for n in sorted(entries) if n.startswith("cases/"))
    return name, json.loads(entries[name])


def _rehash(record: dict[str, Any]) -> bytes:
    record["record_hash"] = record_hash(record["data"])
    return canonical(record)


def _unknown_version(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    manifest = _manifest(entries)
    manifest["format_version"] = 99
    return list({**entries, "manifest.json": canonical(manifest)}.items())


def _malformed_record(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, _record = _first_record(entries)
    return _with(entries, name, b'{"case_id": "unfinished')


def _schema_invalid_record(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, record = _first_record(entries)
    record["data"]["case"]["date_of_birth"] = "31-12-1990"  # not an ISO date
    return _with(entries, name, _rehash(record))


def _duplicate_ids(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    records = {n: json.loads(entries[n]) for n in sorted(entries) if n.startswith("cases/")}
    donor_name = next(n for n, r in records.items() if r["data"]["conversations"])
    name, other = next((n, r) for n, r in records.items() if n != donor_name)
    # Another case claims the donor's conversation id.
    donor = records[donor_name]["data"]["conversations"][0]
    other["data"]["conversations"].append({**donor, "case_id": other["case_id"]})
    other["data"]["conversations"].sort(key=lambda row: row["id"])  # in the fixed order
    return _with(entries, name, _rehash(other))


def _duplicate_entry(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, _record = _first_record(entries)
    return [*entries.items(), (name, entries[name])]


def _hash_mismatch(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, record = _first_record(entries)
    record["data"]["case"]["family_name"] = "Anders"
    return list({**entries, name: _rehash(record)}.items())  # manifest keeps the old sha256


def _record_hash_mismatch(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, record = _first_record(entries)
    record["data"]["case"]["family_name"] = "Anders"
    return _with(entries, name, canonical(record))  # record_hash not recomputed


def _edited_audit_event(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    name, record = _first_record(entries)
    record["audit"][0]["action"] = "case.delete"
    return _with(entries, name, canonical(record))


def _removed_audit_event(entries: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Take out one event from the middle of the chain (not its first or last link)."""
    names = [n for n in sorted(entries) if n.startswith("cases/")]
    records = {name: json.loads(entries[name]) for name in names}
    seqs = sorted(e["seq"] for r in records.values() for e in r["audit"])
    for name, record in records.items():
        inner = [e for e in record["audit"] if seqs[0] < e["seq"] < seqs[-1]]
        if inner:
            record["audit"].remove(inner[0])
            return _with(entries, name, canonical(record))
    raise AssertionError("no event in the middle of the chain")


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (_unknown_version, "onbekende versie van het bundelformaat: 99"),
        (_malformed_record, "geen geldige JSON"),
        (_schema_invalid_record, "past niet bij het bundelschema op data/case/date_of_birth"),
        (_duplicate_ids, "dubbel id"),
        (_duplicate_entry, "dubbele onderdelen"),
        (_hash_mismatch, "sha256 wijkt af van het manifest"),
        (_record_hash_mismatch, "record_hash past niet"),
        (_edited_audit_event, "past niet bij haar hash: ze is gewijzigd"),
        (_removed_audit_event, "verwijderd of verplaatst"),
    ],
    ids=lambda value: getattr(value, "__name__", "").strip("_") or None,
)
def test_a_validly_signed_bundle_with_bad_content_is_refused(
    isolated: Path, office: Store, bundle: Path, mutate: Any, reason: str
) -> None:
    entries = inner_archive(bundle.read_bytes(), isolated)
    _refused(office, isolated, reseal(mutate(entries), isolated), reason)


def test_the_command_names_the_reason_and_goes_on_with_the_other_bundles(
    isolated: Path, tmp_path: Path, office: Store, bundle: Path
) -> None:
    office.close()
    broken = tmp_path / "broken.p7m"
    broken.write_bytes(bundle.read_bytes()[:100])
    env = {"INBURGERING_HOME": str(tmp_path / "office"), "INBURGERING_KEY_PASSPHRASE": KEYS}
    result = run("bundle", "import", str(broken), str(bundle), "--receipts", str(tmp_path), **env)
    assert result.returncode == 1
    assert f"{broken}: REFUSED: de bundel kan niet worden ontsleuteld" in result.stderr
    assert "nothing was changed" in result.stderr
    assert " new," in result.stdout  # the good bundle still went in


# -- changes, conflicts, receipts ------------------------------------------------------------------


def test_the_next_bundle_holds_only_changed_cases_and_updates_them(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    _import(office, isolated, bundle.read_bytes())
    store = Vault(isolated).unlock(PASSPHRASE)
    store.update_case(laptop[0], {"azc_location": "AZC Proefdorp"})
    second = export(store, isolated, tmp_path / "second.p7m")
    store.close()
    entries = inner_archive(second.read_bytes(), isolated)
    assert [n for n in entries if n.startswith("cases/")] == [f"cases/{laptop[0]}.json"]
    summary = _import(office, isolated, second.read_bytes())
    assert summary.line() == "0 new, 1 updated, 0 unchanged, 0 conflict"
    stored = office.get_case(laptop[0])
    assert stored is not None and stored.azc_location == "AZC Proefdorp"
    # An old bundle arriving late is recognised: nothing goes back.
    late = _import(office, isolated, reseal_with_new_id(bundle, isolated))
    assert late.count("unchanged") == len(laptop)
    stored = office.get_case(laptop[0])
    assert stored is not None and stored.azc_location == "AZC Proefdorp"


def reseal_with_new_id(bundle: Path, home: Path) -> bytes:
    """The same records under a new bundle id, as if exported again from an old backup."""
    entries = inner_archive(bundle.read_bytes(), home)
    manifest = _manifest(entries)
    manifest["bundle_id"] = "f" * 32
    return reseal(list({**entries, "manifest.json": canonical(manifest)}.items()), home)


def test_a_case_edited_on_two_laptops_keeps_both_versions_as_a_conflict(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    _import(office, isolated, bundle.read_bytes())
    # A second laptop with the same cases (restored from the first one's backup).
    other_home = tmp_path / "laptop-b"
    import shutil

    shutil.copytree(isolated, other_home)
    case_id = laptop[1]
    a = Vault(isolated).unlock(PASSPHRASE)
    a.update_case(case_id, {"azc_location": "AZC Noord"})
    from_a = export(a, isolated, tmp_path / "a.p7m")
    b = Vault(other_home).unlock(PASSPHRASE)
    b.update_case(case_id, {"azc_location": "AZC Zuid"})
    from_b = export(b, other_home, tmp_path / "b.p7m")
    b_record = _records(b, [case_id])[case_id]
    a.close()
    b.close()

    assert (
        _import(office, isolated, from_a.read_bytes()).line()
        == "0 new, 1 updated, 0 unchanged, 0 conflict"
    )
    assert (
        _import(office, isolated, from_b.read_bytes()).line()
        == "0 new, 0 updated, 0 unchanged, 1 conflict"
    )
    # Nothing silently overwritten: the office still holds A's version, B's is kept whole.
    stored = office.get_case(case_id)
    assert stored is not None and stored.azc_location == "AZC Noord"
    [conflict] = open_conflicts(office)
    assert conflict.case_id == case_id
    assert conflict.incoming_record["data"]["case"]["azc_location"] == "AZC Zuid"
    assert conflict.current_record is not None
    assert conflict.current_record["case"]["azc_location"] == "AZC Noord"
    # The same bundle again does not open a second conflict.
    _import(office, isolated, from_b.read_bytes())
    assert len(open_conflicts(office)) == 1

    resolve_conflict(office, conflict.id, "incoming")
    assert open_conflicts(office) == []
    assert _records(office, [case_id])[case_id] == b_record
    with office.session() as session:
        kept = session.get_one(CaseConflict, conflict.id)
    assert kept.resolution == "incoming" and kept.current_record is not None


def test_a_receipt_confirms_and_retention_removes_only_unchanged_confirmed_cases(
    isolated: Path, tmp_path: Path, office: Store, laptop: list[str], bundle: Path
) -> None:
    from inburgering_tui.export.bundle import apply_receipt, make_receipt, read_receipt
    from inburgering_tui.export.pki import load_certificate
    from inburgering_tui.store.laptop_sync import LaptopSync

    summary = _import(office, isolated, bundle.read_bytes())
    pki = isolated / PKI_DIR
    receipt = make_receipt(summary, pki / "backoffice.p12", KEYS)
    store = Vault(isolated).unlock(PASSPHRASE)
    edited = laptop[2]
    store.update_case(edited, {"azc_location": "AZC na export"})  # unsent work
    body = read_receipt(
        receipt, load_certificate(pki / "ca.pem"), load_certificate(pki / "backoffice.pem")
    )
    assert apply_receipt(store, body) == len(laptop)
    purged = LaptopSync(store).purge(0)
    assert sorted(purged) == sorted(c for c in laptop if c != edited)
    assert [c.id for c in store.list_cases()] == [edited]  # the unsent change stays
    store.close()


def test_a_receipt_signed_by_anyone_but_the_back_office_is_refused(
    isolated: Path, office: Store, bundle: Path
) -> None:
    from inburgering_tui.export.bundle import make_receipt, read_receipt
    from inburgering_tui.export.pki import load_certificate

    summary = _import(office, isolated, bundle.read_bytes())
    pki = isolated / PKI_DIR
    forged = make_receipt(summary, pki / "consultant.p12", KEYS)
    with pytest.raises(BundleError, match="niet door de backoffice"):
        read_receipt(
            forged, load_certificate(pki / "ca.pem"), load_certificate(pki / "backoffice.pem")
        )


def test_nothing_changed_means_no_bundle(isolated: Path, bundle: Path, tmp_path: Path) -> None:
    result = run(
        "bundle", "export", "--out", str(tmp_path / "again.p7m"), INBURGERING_KEY_PASSPHRASE=KEYS
    )
    assert result.returncode == 0, result.stderr
    assert "er is geen zaak gewijzigd sinds de vorige bundel" in result.stdout
    assert not (tmp_path / "again.p7m").exists()


def test_another_file_under_an_imported_bundle_id_is_refused(
    isolated: Path, office: Store, bundle: Path
) -> None:
    _import(office, isolated, bundle.read_bytes())
    # The same entries signed again: the same bundle id, but not the file that was imported.
    again = reseal(list(inner_archive(bundle.read_bytes(), isolated).items()), isolated)
    _refused(office, isolated, again, "een andere bundel met hetzelfde id")
