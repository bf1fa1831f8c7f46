"""The audit log is a hash chain: `audit verify` finds an edited, a deleted and a reordered event."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .test_cli import run


def _store_with_history(home: Path) -> None:
    store = Vault(home).create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Keten", "family_name": "Proef", "doelgroep": "gezinsmigrant"}
    )
    for number in range(4):
        store.save_answer(case.id, "brede-intake", 1, "opleiding", f"q{number}", number)
    store.save_answers(case.id, "brede-intake", 1, [("opleiding", "a", 1), ("opleiding", "b", 2)])
    store.close()


def _tamper(home: Path, *statements: str) -> None:
    """What someone with the key could do: drop the append-only triggers and rewrite history."""
    store = Vault(home).unlock(PASSPHRASE)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER auditevent_no_update"))
        conn.execute(text("DROP TRIGGER auditevent_no_delete"))
        for statement in statements:
            conn.execute(text(statement))
    store.close()


def test_an_untouched_log_verifies(isolated: Path) -> None:
    _store_with_history(isolated)
    result = run("audit", "verify")
    assert result.returncode == 0 and "7 events" in result.stdout


def test_an_edited_event_is_found(isolated: Path) -> None:
    _store_with_history(isolated)
    _tamper(isolated, "UPDATE auditevent SET actor = 'iemand anders' WHERE id = 3")
    result = run("audit", "verify")
    assert result.returncode == 1 and "event 3" in result.stdout and "edited" in result.stdout


def test_a_deleted_event_is_found(isolated: Path) -> None:
    _store_with_history(isolated)
    _tamper(isolated, "DELETE FROM auditevent WHERE id = 4")
    result = run("audit", "verify")
    assert (
        result.returncode == 1
        and "event 5" in result.stdout
        and "deleted or reordered" in result.stdout
    )


def test_reordered_events_are_found(isolated: Path) -> None:
    _store_with_history(isolated)
    _tamper(
        isolated,
        "UPDATE auditevent SET id = 100 WHERE id = 2",
        "UPDATE auditevent SET id = 2 WHERE id = 3",
        "UPDATE auditevent SET id = 3 WHERE id = 100",
    )
    result = run("audit", "verify")
    assert result.returncode == 1 and "event 2" in result.stdout
