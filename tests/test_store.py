"""The encrypted store: passphrase handling, privacy of the raw bytes, audit, migrations."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import text

from inburgering_tui.store.audit_chain import first_broken_link
from inburgering_tui.store.engine import sqlite_engine
from inburgering_tui.store.keys import WrongPassphrase
from inburgering_tui.store.migrate import current_revision, head_revision, upgrade
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE


def _fingerprint(home: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.iterdir())
        if p.is_file()
    }


def _case(store: Store, **extra: object) -> str:
    fields = {"given_names": "Zubeyda", "family_name": "Qorvandi", "doelgroep": "asielstatushouder"}
    return store.create_case({**fields, **extra}).id


def test_known_names_and_answers_never_appear_in_raw_bytes(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store, v_nummer="8765432109", azc_location="Wolkenveldlaan")
    store.add_household_member(case_id, name="Xandrila Qorvandi", relation="kind")
    secret_answer = "Heeft een nachtmerrie-behandeling bij Praktijk Zonneweide"
    store.save_answer(case_id, "brede-intake", 1, "mentale_gezondheid", "zorg", secret_answer)
    store.save_answer(
        case_id,
        "brede-intake",
        1,
        "mentale_gezondheid",
        "reden",
        None,
        not_asked_reason="Kwetsbaar onderwerp, volgende keer",
    )
    store.close()  # also while open: the WAL must be encrypted too
    needles = [
        "Zubeyda",
        "Qorvandi",
        "Xandrila",
        "8765432109",
        "Wolkenveldlaan",
        "Zonneweide",
        "Kwetsbaar onderwerp",
    ]
    files = [p for p in vault.home.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"store.db", "keys.json"}
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            for encoding in ("utf-8", "utf-16-le"):
                assert needle.encode(encoding) not in data, f"{needle} in {path.name}"


def test_wal_is_encrypted_while_the_store_is_open(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    _case(store)
    wal = vault.home / "store.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    assert b"Qorvandi" not in wal.read_bytes()
    store.close()


def test_stdlib_sqlite_cannot_read_the_store(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(vault.db_path).execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_passphrase_is_refused_and_touches_nothing(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    _case(store)
    store.close()
    before = _fingerprint(vault.home)
    with pytest.raises(WrongPassphrase):
        Vault(vault.home).unlock("not the passphrase")
    assert _fingerprint(vault.home) == before


def test_changing_the_passphrase_rewraps_the_key_only(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    case_id = _case(store)
    store.close()
    db_before = hashlib.sha256(vault.db_path.read_bytes()).hexdigest()
    vault.keyfile.change_passphrase(PASSPHRASE, "een-heel-nieuwe-zin")
    assert hashlib.sha256(vault.db_path.read_bytes()).hexdigest() == db_before
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
    reopened = vault.unlock("een-heel-nieuwe-zin")
    assert reopened.get_case(case_id) is not None
    reopened.close()


def test_a_wrong_raw_key_is_not_a_database(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    engine = sqlite_engine(vault.db_path, b"\x00" * 32)
    with pytest.raises(Exception, match="cannot be opened with this key"):
        engine.connect()


def test_audit_log_records_who_and_what_but_not_the_answer(store: Store) -> None:
    case_id = _case(store)
    store.save_answer(case_id, "brede-intake", 1, "opleiding", "opleiding_jaren", 12)
    store.update_case(case_id, {"family_name": "Anders"})
    events = store.audit_events(case_id)
    assert [e.action for e in events] == ["case.create", "answer.set", "case.update"]
    assert all(e.actor == "test-consulent" for e in events)
    assert events[1].subject == "brede-intake/opleiding_jaren"
    assert events[2].subject == "family_name"
    assert "Anders" not in " ".join(e.subject for e in events)


def test_audit_log_is_append_only(store: Store) -> None:
    _case(store)
    with store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE auditevent SET actor = 'someone else'"))
    with store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM auditevent"))
    assert len(store.audit_events()) == 1


def test_store_uses_wal_and_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.add_household_member("no-such-case", name="x", relation="kind")


def test_migration_upgrades_a_store_made_by_the_previous_schema(tmp_path: Path) -> None:
    key = bytes(range(32))
    path = tmp_path / "old.db"
    engine = sqlite_engine(path, key)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "case" (id, given_names, family_name, sex, nationality, languages,'
                " literacy, doelgroep, azc_location, consultant, created_at, updated_at) VALUES"
                " ('c1', 'Oud', 'Schema', 'v', '', '[\"ar\"]', 'onbekend', 'gezinsmigrant', '', '',"
                " '2025-01-01 10:00:00', '2025-01-01 10:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO answer (case_id, form_id, form_version, section_id, question_id,"
                " value, updated_at) VALUES ('c1', 'brede-intake', 1, 'opleiding',"
                " 'opleiding_jaren', '8', '2025-01-01 10:00:00')"
            )
        )
        for action in ("case.create", "answer.set"):
            conn.execute(
                text(
                    "INSERT INTO auditevent (at, actor, action, case_id, subject) VALUES"
                    f" ('2025-01-01 10:00:00', 'oud', '{action}', 'c1', '')"
                )
            )
    engine.dispose()

    engine = sqlite_engine(path, key)
    upgrade(engine)
    assert current_revision(engine) == head_revision() != "0001"
    store = Store(engine, actor="test")
    stored = store.get_case("c1")
    assert stored is not None and stored.family_name == "Schema"
    assert store.answers("c1", "brede-intake")["opleiding_jaren"].value == 8
    store.set_position("c1", "brede-intake", "opleiding_jaren")  # the new table works
    store.save_answer("c1", "brede-intake", 1, "opleiding", "opleiding_jaren", 9)
    # Old events were chained by the migration, and new ones continue the chain.
    assert first_broken_link(store.audit_events()) is None
    assert len(store.audit_events()) == 3
    assert store.position("c1", "brede-intake") == "opleiding_jaren"
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.close()


def test_sqlcipher_is_really_in_use(store: Store) -> None:
    with store.engine.connect() as conn:
        version = conn.execute(text("PRAGMA cipher_version")).scalar()
    assert version and version.startswith("4.")
    assert sqlcipher3.dbapi2.sqlite_version_info >= (3, 40, 0)
