"""`inburgering check` and the audit chain's seal: a healthy store passes every check; a dropped
or changed trigger, a truncated audit tail, a re-hashed chain and a damaged document are each
named (exit 1); `audit verify` finds what the chain alone cannot; opening the store for work
puts a dropped trigger back and audits it; the seal travels in bundles, receipts and backups.

The damage is done as someone with the raw SQLCipher connection would do it: with the data key,
but without deriving the seal's own key.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import text

from inburgering_tui.cli import main
from inburgering_tui.cli_sync import open_office_store
from inburgering_tui.demo import populate
from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_bundle, make_receipt, read_receipt
from inburgering_tui.export.bundle_format import MANIFEST
from inburgering_tui.export.pki import (
    BACKOFFICE_P12,
    CA_CERT,
    PKI_DIR,
    load_certificate,
    load_identity,
)
from inburgering_tui.settings import Settings
from inburgering_tui.store.attachment_repository import AttachmentStore
from inburgering_tui.store.audit_anchor import read_seal
from inburgering_tui.store.audit_chain import event_hash
from inburgering_tui.store.backup import backup, read_manifest
from inburgering_tui.store.engine import server_engine, sqlite_engine
from inburgering_tui.store.keys import KeyFile
from inburgering_tui.store.migrate import head_revision, upgrade
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.records import canonical
from inburgering_tui.store.repository import Store
from inburgering_tui.store.sqlcipher import DB_NAME
from inburgering_tui.store.triggers import SQLITE_TRIGGERS
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .documents import real_pdf, real_png
from .sync_helpers import KEYS, export, inner_archive, make_laptop, make_office_home, reseal
from .test_cli import run

LABELS = (
    "Database intact",
    "Verwijzingen tussen tabellen",
    "Schema op de nieuwste versie",
    "Beveiligingstriggers aanwezig",
    "Auditlogboek (keten en zegel)",
    "Ondertekende PDF's (sha256)",
    "Bijlagen (sha256 en grootte)",
)
FAMILY_NAME = "Nasser-Aydın"


@contextmanager
def raw(home: Path) -> Iterator[Any]:
    """The store's SQLCipher connection itself, in autocommit: no app code in between."""
    key = KeyFile(home).unlock(PASSPHRASE)
    conn = sqlcipher3.dbapi2.connect(str(home / DB_NAME))
    conn.isolation_level = None
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    try:
        yield conn
    finally:
        conn.close()


def _trigger_sql(name: str) -> str:
    return next(t.sql for t in SQLITE_TRIGGERS if t.name == name)


def _lines(stdout: str) -> dict[str, str]:
    """Each check's line by its label: 'ok ...' or 'FOUT ...'."""
    found = {}
    for printed in stdout.splitlines():
        for label in LABELS:
            if label in printed:
                found[label] = printed
    return found


def _failing(stdout: str) -> set[str]:
    return {label for label, text in _lines(stdout).items() if text.startswith("FOUT")}


@dataclass(frozen=True)
class Checked:
    returncode: int
    stdout: str


@pytest.fixture
def check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Checked]:
    """`inburgering check` in this process (the same main() a script runs, without paying for a
    fresh interpreter each time)."""
    monkeypatch.setenv("INBURGERING_PASSPHRASE", PASSPHRASE)

    def checked(*args: str) -> Checked:
        capsys.readouterr()
        try:
            code = main(["check", *args])
        except SystemExit as exit:
            code = int(exit.code or 0)
        return Checked(code, capsys.readouterr().out)

    return checked


def _add_documents(home: Path) -> dict[str, str]:
    """A stored PIP PDF and an attachment in the demo store: the ids of both."""
    store = Vault(home).unlock(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": FAMILY_NAME, "doelgroep": "asielmigrant"}
    )
    pips = PipStore(store)
    with_pip = next(c.id for c in store.list_cases() if pips.latest_set(c.id))
    version = pips.latest_set(with_pip)
    assert version is not None
    store.add_signed_document(with_pip, version.id, real_pdf("PIP (taalcafé)", seed=3))
    attachment = AttachmentStore(store).add(
        case.id, real_png(seed=5), original_name="diploma Ṣāliḥ.png", max_bytes=10**7
    )
    store.close()
    with raw(home) as conn:
        document_id = conn.execute("SELECT id FROM signeddocument").fetchone()[0]
    return {"document": document_id, "attachment": attachment.id}


@pytest.fixture
def documents(isolated: Path, intake_form: Form) -> dict[str, str]:
    populate(Vault(isolated).create(PASSPHRASE, actor="consulent"), intake_form, 6, seed=2021)
    return _add_documents(isolated)


def test_a_healthy_demo_store_passes_every_check(isolated: Path) -> None:
    made = run("demo", "--cases", "6", "--no-ui")
    assert made.returncode == 0, made.stderr
    _add_documents(isolated)
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result.stdout)
    assert set(lines) == set(LABELS), result.stdout
    assert all(text.startswith("ok") for text in lines.values()), result.stdout
    assert head_revision() in lines["Schema op de nieuwste versie"]
    assert "gezegeld tot en met gebeurtenis" in lines["Auditlogboek (keten en zegel)"]
    assert "1 gecontroleerd" in lines["Ondertekende PDF's (sha256)"]
    assert "1 gecontroleerd" in lines["Bijlagen (sha256 en grootte)"]
    assert result.stdout.strip().endswith("Alles klopt.")
    assert FAMILY_NAME not in result.stdout and "diploma" not in result.stdout


def test_check_changes_nothing(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    with raw(isolated) as conn:
        conn.execute("DROP TRIGGER pipversion_set_no_update")
    files = [isolated / DB_NAME, isolated / f"{DB_NAME}-wal"]
    before = [path.read_bytes() if path.exists() else None for path in files]
    assert check().returncode == 1
    check()
    after = [path.read_bytes() if path.exists() else None for path in files]
    assert after == before  # nothing repaired, nothing written, not even to the WAL
    with raw(isolated) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "pipversion_set_no_update" not in names


def test_a_dropped_trigger_is_named_then_restored_and_audited_on_open(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    with raw(isolated) as conn:
        conn.execute("DROP TRIGGER pipversion_set_no_update")
    result = check()
    assert result.returncode == 1
    assert _failing(result.stdout) == {"Beveiligingstriggers aanwezig"}, result.stdout
    assert "ontbreekt: pipversion_set_no_update" in result.stdout
    assert "1 controle klopt niet." in result.stdout

    store = Vault(isolated).unlock(PASSPHRASE)  # opening for work repairs
    last = store.audit_events()[-1]
    assert (last.action, last.subject) == ("store.triggers_restored", "pipversion_set_no_update")
    set_version = next(
        v for c in store.list_cases() for v in PipStore(store).versions(c.id) if v.status == "set"
    )
    store.close()
    with raw(isolated) as conn, pytest.raises(sqlcipher3.dbapi2.DatabaseError, match="never"):
        conn.execute("UPDATE pipversion SET status = 'draft' WHERE id = ?", (set_version.id,))
    again = check()
    assert again.returncode == 0, again.stdout  # and the repair's own event is sealed


def test_a_trigger_changed_into_a_no_op_is_named(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    with raw(isolated) as conn:
        conn.execute("DROP TRIGGER auditevent_no_delete")
        conn.execute(
            "CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent BEGIN SELECT 1; END"
        )
    result = check()
    assert result.returncode == 1
    assert "gewijzigd of uitgeschakeld: auditevent_no_delete" in result.stdout
    Vault(isolated).unlock(PASSPHRASE).close()
    with raw(isolated) as conn:
        sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'auditevent_no_delete'"
        ).fetchone()[0]
    assert sql == _trigger_sql("auditevent_no_delete")
    assert check().returncode == 0


def test_a_truncated_audit_tail_is_found(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    with raw(isolated) as conn:
        newest = conn.execute("SELECT max(id) FROM auditevent").fetchone()[0]
        conn.execute("DROP TRIGGER auditevent_no_delete")
        conn.execute("DELETE FROM auditevent WHERE id > ?", (newest - 3,))
    result = check()
    assert result.returncode == 1
    assert _failing(result.stdout) == {
        "Beveiligingstriggers aanwezig",
        "Auditlogboek (keten en zegel)",
    }, result.stdout
    assert (
        f"het logboek eindigt bij gebeurtenis {newest - 3}, maar het zegel noemt gebeurtenis "
        f"{newest}: de laatste gebeurtenissen zijn verwijderd"
    ) in result.stdout

    verified = run("audit", "verify")
    assert verified.returncode == 1
    assert "audit log BROKEN" in verified.stdout
    assert f"maar het zegel noemt gebeurtenis {newest}" in verified.stdout
    assert "UNGUARDED: triggers missing or changed: auditevent_no_delete" in verified.stdout

    Vault(isolated).unlock(PASSPHRASE).close()  # opening for work: the trigger back, audited
    # The repair's event reused an id of the removed ones: the seal was not moved over the gap.
    after = check()
    assert _failing(after.stdout) == {"Auditlogboek (keten en zegel)"}, after.stdout


def _rehash_from(conn: Any, first: int) -> None:
    """Recompute every hash from event ``first`` on, with the real hash function."""
    previous = conn.execute(
        "SELECT hash FROM auditevent WHERE id < ? ORDER BY id DESC LIMIT 1", (first,)
    )
    prev_hash = previous.fetchone()[0]
    rows = conn.execute(
        "SELECT id, at, actor, action, case_id, subject FROM auditevent WHERE id >= ? ORDER BY id",
        (first,),
    ).fetchall()
    for event_id, at, actor, action, case_id, subject in rows:
        new = event_hash(prev_hash, datetime.fromisoformat(at), actor, action, case_id, subject)
        conn.execute(
            "UPDATE auditevent SET prev_hash = ?, hash = ? WHERE id = ?", (prev_hash, new, event_id)
        )
        prev_hash = new


def _rewrite_history(home: Path) -> int:
    """Edit event 3 and re-hash the chain after it; the trigger put back as it was. Returns
    the newest event's id."""
    with raw(home) as conn:
        # The real hash function reproduces an untouched event's hash: the rewrite is faithful.
        at, stored = conn.execute("SELECT at, hash FROM auditevent WHERE id = 1").fetchone()
        row = conn.execute("SELECT actor, action, case_id, subject FROM auditevent WHERE id = 1")
        assert event_hash("0" * 64, datetime.fromisoformat(at), *row.fetchone()) == stored
        conn.execute("DROP TRIGGER auditevent_no_update")
        conn.execute("UPDATE auditevent SET actor = 'iemand anders' WHERE id = 3")
        _rehash_from(conn, 3)
        conn.execute(_trigger_sql("auditevent_no_update"))
        return int(conn.execute("SELECT max(id) FROM auditevent").fetchone()[0])


def test_a_rehashed_chain_is_found(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    newest = _rewrite_history(isolated)
    result = check()
    assert result.returncode == 1
    assert _failing(result.stdout) == {"Auditlogboek (keten en zegel)"}, result.stdout
    assert (
        f"gebeurtenis {newest} heeft niet de hash die het zegel noemt: het logboek is "
        "ingekort of herschreven"
    ) in result.stdout
    verified = run("audit", "verify")
    assert verified.returncode == 1 and "audit log BROKEN" in verified.stdout
    assert "every link holds" not in verified.stdout


def test_a_seal_moved_without_the_key_is_found(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    newest = _rewrite_history(isolated)
    with raw(isolated) as conn:
        head = conn.execute("SELECT hash FROM auditevent WHERE id = ?", (newest,)).fetchone()[0]
        conn.execute("UPDATE auditseal SET event_id = ?, hash = ?", (newest, head))
    result = check()
    assert result.returncode == 1
    assert "het zegel klopt niet" in result.stdout
    verified = run("audit", "verify")
    assert verified.returncode == 1 and "het zegel klopt niet" in verified.stdout


def test_damaged_documents_are_named(
    documents: dict[str, str], isolated: Path, check: Callable[..., Checked]
) -> None:
    with raw(isolated) as conn:
        for table in ("signeddocument", "attachment"):
            content = bytearray(conn.execute(f"SELECT content FROM {table}").fetchone()[0])
            content[len(content) // 2] ^= 0x01  # one bit, in the middle
            if table == "attachment":
                conn.execute("DROP TRIGGER attachment_no_update")
            conn.execute(f"UPDATE {table} SET content = ?", (bytes(content),))
        conn.execute(_trigger_sql("attachment_no_update"))
    result = check()
    assert result.returncode == 1
    assert _failing(result.stdout) == {
        "Ondertekende PDF's (sha256)",
        "Bijlagen (sha256 en grootte)",
    }, result.stdout
    lines = _lines(result.stdout)
    assert "(aantal: 1 van 1)" in lines["Ondertekende PDF's (sha256)"]
    assert documents["document"][:8] in lines["Ondertekende PDF's (sha256)"]
    assert documents["attachment"][:8] in lines["Bijlagen (sha256 en grootte)"]
    assert "2 controles kloppen niet." in result.stdout


def test_a_store_from_before_the_seal_is_sealed_when_it_opens(
    isolated: Path, check: Callable[..., Checked]
) -> None:
    key = KeyFile(isolated).create(PASSPHRASE)
    engine = sqlite_engine(isolated / DB_NAME, key)
    upgrade(engine, "0007")
    old = Store(engine, actor="consulent")
    case = old.create_case(
        {"given_names": "Tesfay", "family_name": "ተስፋይ", "doelgroep": "asielmigrant"}
    )
    old.add_household_member(case.id, "Miriam (dochter)", "kind")
    old.close()
    before = check()
    assert before.returncode == 1
    assert "het schema is op versie 0007" in before.stdout
    assert "het auditlogboek heeft geen zegel" in before.stdout

    store = Vault(isolated).unlock(PASSPHRASE)
    with store.engine.connect() as conn:
        seal = read_seal(conn)
    events = store.audit_events()
    store.close()
    assert seal is not None and (seal.event_id, seal.hash) == (events[-1].id, events[-1].hash)
    assert check().returncode == 0


def test_the_seal_is_in_the_backup_manifest(isolated: Path, tmp_path: Path) -> None:
    store = Vault(isolated).create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Veilig", "family_name": "Kopie", "doelgroep": "gezinsmigrant"}
    )
    store.save_answer(case.id, "brede-intake", 1, "opleiding", "opleiding_jaren", 11)
    with store.engine.connect() as conn:
        seal = read_seal(conn)
    newest = store.audit_events()[-1]
    store.close()
    assert seal is not None and (seal.event_id, seal.hash) == (newest.id, newest.hash)
    target = tmp_path / "backup.zip"
    backup(Vault(isolated), KeyFile(isolated).unlock(PASSPHRASE), target)
    manifest = read_manifest(target)
    assert manifest["audit_seal"] == seal.as_json()

    elsewhere = tmp_path / "andere-laptop"
    assert run("restore", str(target), INBURGERING_HOME=str(elsewhere)).returncode == 0
    assert run("check", INBURGERING_HOME=str(elsewhere)).returncode == 0


def test_the_seal_travels_in_the_bundle_manifest_and_the_receipt(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    make_laptop(isolated, intake_form, cases=3)
    laptop = Vault(isolated).unlock(PASSPHRASE)
    with laptop.engine.connect() as conn:
        seal = read_seal(conn)
    newest = laptop.audit_events()[-1]
    bundle = export(laptop, isolated, tmp_path / "bundle.p7m")
    laptop.close()
    assert seal is not None and seal.event_id == newest.id and seal.hash == newest.hash
    entries = inner_archive(bundle.read_bytes(), isolated)
    manifest = json.loads(entries[MANIFEST])
    assert manifest["audit_seal"] == seal.as_json()

    office_home = make_office_home(isolated, tmp_path / "office")
    office = Vault(office_home).create(PASSPHRASE, actor="backoffice")
    identity = load_identity(office_home / PKI_DIR / BACKOFFICE_P12, KEYS)
    ca = load_certificate(office_home / PKI_DIR / CA_CERT)
    summary = import_bundle(office, bundle.read_bytes(), identity, ca)
    receipt = make_receipt(summary, office_home / PKI_DIR / BACKOFFICE_P12, KEYS)
    again = import_bundle(office, bundle.read_bytes(), identity, ca)  # a repeat: same receipt
    office.close()
    body = read_receipt(receipt, ca, identity.certificate)
    assert body["audit_seal"] == seal.as_json()
    assert again.already_imported and again.audit_seal == seal.as_json()

    # A bundle from before the seal (no audit_seal in its manifest) is still a valid bundle.
    del manifest["audit_seal"]
    older = [
        (name, canonical(manifest) if name == MANIFEST else data) for name, data in entries.items()
    ]
    other = Vault(tmp_path / "office-2").create(PASSPHRASE, actor="backoffice")
    outcome = import_bundle(other, reseal(older, isolated), identity, ca)
    other.close()
    assert outcome.outcomes and outcome.audit_seal is None


# -- the back office on PostgreSQL --------------------------------------------------------------


def test_check_on_postgresql_names_what_is_wrong_and_opening_restores_it(
    pg_db_url: str, check: Callable[..., Checked], settings: Settings
) -> None:
    engine = server_engine(pg_db_url)
    upgrade(engine)
    office = Store(engine, actor="backoffice")
    case = office.create_case(
        {"given_names": "Ayşe", "family_name": FAMILY_NAME, "doelgroep": "gezinsmigrant"}
    )
    office.close()
    healthy = check("--db", pg_db_url)
    assert healthy.returncode == 0, healthy.stdout
    assert set(_lines(healthy.stdout)) == set(LABELS)
    assert "niet gezegeld: een serveropslag heeft geen gegevenssleutel" in healthy.stdout

    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER auditevent_no_delete ON auditevent"))
        conn.execute(text("ALTER TABLE attachment DISABLE TRIGGER attachment_no_update"))
        # Written with the foreign keys switched off: an answer whose case does not exist.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            text(
                "INSERT INTO answer (case_id, form_id, form_version, section_id, question_id,"
                " updated_at) VALUES ('0000', 'brede-intake', 1, 'taal', 'talen', now())"
            )
        )
    with engine.connect() as conn:
        events_before = conn.execute(text("SELECT count(*) FROM auditevent")).scalar()
    broken = check("--db", pg_db_url)
    assert broken.returncode == 1
    assert _failing(broken.stdout) == {
        "Beveiligingstriggers aanwezig",
        "Verwijzingen tussen tabellen",
    }, broken.stdout
    assert (
        "ontbreekt: auditevent_no_delete; gewijzigd of uitgeschakeld: attachment_no_update"
        in broken.stdout
    )
    assert "answer → case" in broken.stdout

    opened = open_office_store(argparse.Namespace(db=pg_db_url), settings)
    events = opened.audit_events()
    opened.close()
    assert len(events) == int(events_before or 0) + 1  # check itself wrote nothing
    assert (events[-1].action, events[-1].subject) == (
        "store.triggers_restored",
        "auditevent_no_delete,attachment_no_update",
    )
    assert events[-2].case_id == case.id
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM answer WHERE case_id = '0000'"))
    assert check("--db", pg_db_url).returncode == 0
    with engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM auditevent"))
    engine.dispose()
