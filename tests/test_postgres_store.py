"""The store on a real PostgreSQL server (the back office): migrations, the repository, and the
guarantees the database itself gives on SQLite (append-only audit log, set PIP versions final)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, text

from inburgering_tui.store.audit_chain import first_broken_link
from inburgering_tui.store.engine import server_engine
from inburgering_tui.store.migrate import current_revision, head_revision, upgrade
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store

FORM = "brede-intake"


@pytest.fixture
def pg_engine(pg_db_url: str) -> Iterator[Engine]:
    engine = server_engine(pg_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_store(pg_engine: Engine) -> Iterator[Store]:
    upgrade(pg_engine)
    store = Store(pg_engine, actor="test-consulent")
    yield store
    store.close()


def _case(store: Store) -> str:
    fields = {"given_names": "Testa", "family_name": "Voorbeeld", "doelgroep": "gezinsmigrant"}
    return store.create_case(fields).id


def _triggers(engine: Engine, table: str) -> set[str]:
    query = text(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:table AS regclass)"
        " AND NOT tgisinternal"
    )
    with engine.connect() as conn:
        return set(conn.execute(query, {"table": table}).scalars())


def test_the_test_server_listens_on_loopback_only(pg_url: str) -> None:
    engine = server_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW listen_addresses")).scalar() == "127.0.0.1"
        assert conn.execute(text("SELECT host(inet_server_addr())")).scalar() == "127.0.0.1"
    engine.dispose()


def test_migrations_reach_head(pg_engine: Engine) -> None:
    assert current_revision(pg_engine) is None
    upgrade(pg_engine)
    assert current_revision(pg_engine) == head_revision()
    upgrade(pg_engine)  # a second run is a no-op
    assert current_revision(pg_engine) == head_revision()
    assert _triggers(pg_engine, "auditevent") == {
        "auditevent_no_update",
        "auditevent_no_delete",
        "auditevent_no_truncate",
    }
    assert _triggers(pg_engine, "pipversion") == {
        "pipversion_set_no_update",
        "pipversion_set_no_delete",
        "pipversion_set_no_truncate",
    }
    assert _triggers(pg_engine, "attachment") == {"attachment_no_update"}


def test_store_reads_back_what_it_wrote(pg_store: Store) -> None:
    case_id = _case(pg_store)
    pg_store.save_answer(case_id, FORM, 1, "opleiding", "opleiding_jaren", 12)
    pg_store.save_answer(case_id, FORM, 1, "taal", "talen", ["ar", "nl"])
    pg_store.save_answer(
        case_id, FORM, 1, "gezondheid", "zorg", None, not_asked_reason="Volgende keer"
    )
    pg_store.save_answer(case_id, FORM, 1, "opleiding", "opleiding_jaren", 13)  # an update

    answers = pg_store.answers(case_id, FORM)
    assert answers["opleiding_jaren"].value == 13
    assert answers["talen"].value == ["ar", "nl"]
    assert answers["zorg"].value is None and answers["zorg"].not_asked_reason == "Volgende keer"
    assert [c.id for c in pg_store.list_cases("voorb")] == [case_id]
    assert pg_store.count_cases() == 1

    events = pg_store.audit_events()
    assert [e.action for e in events] == [
        "case.create",
        "answer.set",
        "answer.set",
        "answer.not_asked",
        "answer.set",
    ]
    # The test cluster's time zone is not UTC: the chain must hold all the same.
    assert first_broken_link(events) is None


def test_audit_log_is_append_only(pg_store: Store) -> None:
    _case(pg_store)
    for statement in (
        "UPDATE auditevent SET actor = 'iemand anders'",
        "DELETE FROM auditevent",
        "TRUNCATE auditevent",
    ):
        with pg_store.engine.begin() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text(statement))
    assert len(pg_store.audit_events()) == 1
    assert first_broken_link(pg_store.audit_events()) is None


def test_a_set_pip_version_never_changes(pg_store: Store) -> None:
    case_id = _case(pg_store)
    pips = PipStore(pg_store)
    first = pips.save_draft(case_id, {"leerroute": "b1"}, "Eerste PIP")
    pips.set_version(first.id, date(2026, 5, 1))
    second = pips.save_draft(case_id, {"leerroute": "b1", "uren": 16}, "Voortgangsgesprek")

    for statement in (
        "UPDATE pipversion SET reason = 'x' WHERE number = 1",
        "DELETE FROM pipversion WHERE number = 1",
        "TRUNCATE pipversion CASCADE",
        'DELETE FROM "case"',  # the cascade would remove the set version too
    ):
        with pg_store.engine.begin() as conn, pytest.raises(Exception, match="never changes"):
            conn.execute(text(statement))
    # A draft is still a draft: it changes and can go.
    with pg_store.engine.begin() as conn:
        conn.execute(text("UPDATE pipversion SET reason = 'y' WHERE number = 2"))
        conn.execute(text("DELETE FROM pipversion WHERE number = 2"))

    (kept,) = pips.versions(case_id)
    assert (kept.id, kept.status, kept.reason) == (first.id, "set", "Eerste PIP")
    assert kept.dagtekening == date(2026, 5, 1) and second.number == 2


def test_migration_chains_events_of_an_older_schema(pg_engine: Engine) -> None:
    upgrade(pg_engine, "0001")
    with pg_engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO "case" (id, given_names, family_name, sex, nationality, languages,'
                " literacy, doelgroep, azc_location, consultant, created_at, updated_at) VALUES"
                " ('c1', 'Oud', 'Schema', 'v', '', '[\"ar\"]', 'onbekend', 'gezinsmigrant', '', '',"
                " '2025-01-01 10:00:00+00', '2025-01-01 10:00:00+00')"
            )
        )
        for action in ("case.create", "answer.set"):
            conn.execute(
                text(
                    "INSERT INTO auditevent (at, actor, action, case_id, subject) VALUES"
                    " ('2025-01-01 10:00:00.123456+00', 'oud', :action, 'c1', '')"
                ),
                {"action": action},
            )

    upgrade(pg_engine)  # 0004 chains the old events past the append-only triggers
    assert current_revision(pg_engine) == head_revision()
    store = Store(pg_engine, actor="test")
    store.save_answer("c1", FORM, 1, "opleiding", "opleiding_jaren", 9)
    assert len(store.audit_events()) == 3
    assert first_broken_link(store.audit_events()) is None
    with pg_engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE auditevent SET subject = 'x'"))


def test_attachments_keep_their_bytes_and_never_change_in_place(pg_store: Store) -> None:
    from inburgering_tui.store.attachment_repository import AttachmentStore

    from .documents import real_jpeg

    case_id = _case(pg_store)
    attachments = AttachmentStore(pg_store)
    jpeg = real_jpeg(seed=4)
    added = attachments.add(
        case_id, jpeg, original_name="cv Ṣāliḥ.jpg", label="cv", max_bytes=1024**2
    )
    assert [a.id for a in attachments.list(case_id)] == [added.id]
    assert attachments.content(added.id)[1] == jpeg  # bytea, byte for byte
    with pg_store.engine.begin() as conn, pytest.raises(Exception, match="never changes"):
        conn.execute(text("UPDATE attachment SET label = 'anders'"))
    attachments.remove(added.id)
    assert attachments.list(case_id) == []
    assert [e.action for e in pg_store.audit_events()][-2:] == [
        "attachment.add",
        "attachment.remove",
    ]
    assert first_broken_link(pg_store.audit_events()) is None
