"""One writer at a time, no lost update: real processes on one store, never threads.

Two processes saving answers to the same case keep every answer of both; a command waits for
another's write and then gives up with a sentence, never SQLite's "database is locked"; a
restore or recovery is refused, with the store untouched, while another process has it open;
a lock left by a killed app is simply taken over.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from inburgering_tui.store.audit_chain import first_broken_link
from inburgering_tui.store.backup import backup
from inburgering_tui.store.busy import StoreBusy
from inburgering_tui.store.instance_lock import LOCK_NAME, InstanceLock, holder
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .documents import real_png
from .store_holder import OtherProcess, store_files
from .test_cli import run

FORM = "brede-intake"
PER_WRITER = 60


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _case(vault: Vault) -> str:
    store = vault.create(PASSPHRASE, actor="test-consulent")
    case = store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder"}
    )
    store.close()
    return case.id


def test_two_processes_answering_one_case_at_once_lose_nothing(vault: Vault) -> None:
    case_id = _case(vault)
    writers = {
        prefix: _child(
            "tests.concurrent_writer", str(vault.home), PASSPHRASE, case_id, prefix, str(PER_WRITER)
        )
        for prefix in ("a", "b")
    }
    for child in writers.values():
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in writers.values():  # both start writing at the same moment
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in writers.values():
        out, err = child.communicate(timeout=180)
        assert child.returncode == 0, err
        assert out.strip().endswith(f"done {PER_WRITER}")
        assert "locked" not in err and "Traceback" not in err

    store = vault.unlock(PASSPHRASE)
    answers = store.answers(case_id, FORM)
    expected = {f"{p}{n}" for p in writers for n in range(1, PER_WRITER + 1)}
    assert set(answers) == expected  # every answer of both writers, none lost
    assert all(answers[q].value.startswith(f"antwoord {q} (taalcafé") for q in expected)
    events = store.audit_events(case_id)
    assert sum(e.action == "answer.set" for e in events) == 2 * PER_WRITER
    # One chain, not two forks: each write chained to the other's latest event.
    assert first_broken_link(store.audit_events()) is None
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    store.close()


def _koppelingen(tmp_path: Path) -> Path:
    source = tmp_path / "koppelingen-week-48.csv"
    source.write_text(
        "given_names;family_name;doelgroep;v_nummer;languages\n"
        "Mebrat;Tesfay;asielstatushouder;3000000001;ti\n"
        "Amal;El Idrissi (taalcafé);gezinsmigrant;3000000002;ar\n",
        encoding="utf-8",
    )
    return source


def test_a_command_waits_for_another_processes_write(vault: Vault, tmp_path: Path) -> None:
    _case(vault)
    source = _koppelingen(tmp_path)
    with OtherProcess(vault.home, PASSPHRASE, "write") as writer:
        started = time.monotonic()
        command = subprocess.Popen(
            [sys.executable, "-m", "inburgering_tui.cli", "cases", "import", str(source)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "INBURGERING_PASSPHRASE": PASSPHRASE},
        )
        time.sleep(1.5)
        assert command.poll() is None, "the import did not wait for the other write"
        writer.let_go()
        out, err = command.communicate(timeout=60)
    assert command.returncode == 0, err
    assert "2 imported, 0 rejected" in out
    assert time.monotonic() - started >= 1.5
    store = vault.unlock(PASSPHRASE)
    assert store.count_cases() == 3
    store.close()


@pytest.mark.parametrize("command", ["cases import", "attachments add"])
def test_a_command_gives_up_on_a_held_store_with_a_sentence(
    vault: Vault, tmp_path: Path, command: str
) -> None:
    case_id = _case(vault)
    if command == "cases import":
        args = ["cases", "import", str(_koppelingen(tmp_path))]
    else:
        scan = tmp_path / "diploma.png"
        scan.write_bytes(real_png())
        args = ["attachments", "add", case_id[:8], str(scan), "--label", "diploma (taalcafé)"]
    with OtherProcess(vault.home, PASSPHRASE, "write") as writer:
        before = store_files(vault.home)
        result = run(*args, INBURGERING_BUSY_TIMEOUT_SECONDS="1")
        assert store_files(vault.home) == before
        writer.let_go()
    assert result.returncode == 1, result.stderr
    assert "De opslag is bezet: een ander programma schreef er na 1 s wachten nog in." in (
        result.stderr
    )
    assert "Er is niets veranderd" in result.stderr
    assert "locked" not in result.stderr and "Traceback" not in result.stderr
    store = vault.unlock(PASSPHRASE)
    assert store.count_cases() == 1
    store.close()


def test_reading_goes_on_while_another_process_writes(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _case(vault)
    monkeypatch.setenv("INBURGERING_BUSY_TIMEOUT_SECONDS", "1")
    with OtherProcess(vault.home, PASSPHRASE, "write") as writer:
        started = time.monotonic()
        store = vault.unlock(PASSPHRASE)  # opening only reads: it does not wait
        assert [c.family_name for c in store.list_cases()] == ["Nasser-Aydın"]
        assert store.answers(case_id, FORM) == {}
        assert time.monotonic() - started < 1
        with pytest.raises(StoreBusy) as refused:  # a write waits its second, then says so
            store.save_answer(case_id, FORM, 1, "soak", "q1", "antwoord")
        assert str(refused.value).startswith("De opslag is bezet")
        writer.let_go()
    store.save_answer(case_id, FORM, 1, "soak", "q1", "antwoord")  # free again
    assert store.answers(case_id, FORM)["q1"].value == "antwoord"
    store.close()


def _backup_of(vault: Vault, tmp_path: Path) -> Path:
    target = tmp_path / "backup.zip"
    backup(vault, vault.keyfile.unlock(PASSPHRASE), target)
    return target


@pytest.mark.parametrize("force", [False, True])
def test_restore_is_refused_while_an_app_has_the_store(
    vault: Vault, tmp_path: Path, force: bool
) -> None:
    _case(vault)
    archive = _backup_of(vault, tmp_path)
    with OtherProcess(vault.home, PASSPHRASE, "window") as window:
        before = store_files(vault.home)
        result = run("restore", str(archive), *(["--force"] if force else []))
        assert store_files(vault.home) == before  # byte for byte
        window.let_go()
    assert result.returncode == 1, result.stderr
    assert f"in gebruik door een ander venster (pid {window.pid})" in result.stderr
    assert "Er is niets veranderd" in result.stderr and "Traceback" not in result.stderr
    assert run("restore", str(archive), "--force").returncode == 0  # once it has closed


def test_restore_is_refused_while_any_other_process_has_the_store_open(
    vault: Vault, tmp_path: Path
) -> None:
    # A read-only window, the interpreter's view or a command: no instance lock, yet open.
    _case(vault)
    archive = _backup_of(vault, tmp_path)
    with OtherProcess(vault.home, PASSPHRASE, "open") as reader:
        before = store_files(vault.home)
        result = run("restore", str(archive), "--force")
        assert store_files(vault.home) == before
        reader.let_go()
    assert result.returncode == 1, result.stderr
    assert "geopend door een ander programma" in result.stderr


def test_recover_is_refused_while_an_app_has_the_store(isolated: Path) -> None:
    from .test_keys import KEY_PASSPHRASE, _init

    _init(isolated)
    with OtherProcess(isolated, PASSPHRASE, "window") as window:
        before = store_files(isolated)
        result = run(
            "recover",
            "--key",
            str(isolated / "pki" / "backoffice.p12"),
            passphrase=None,
            INBURGERING_KEY_PASSPHRASE=KEY_PASSPHRASE,
            INBURGERING_NEW_PASSPHRASE="een-nieuwe-wachtwoordzin",
        )
        assert store_files(isolated) == before
        window.let_go()
    assert result.returncode == 1, result.stderr
    assert f"(pid {window.pid})" in result.stderr
    Vault(isolated).unlock(PASSPHRASE).close()  # the old passphrase still opens it


def test_a_lock_left_by_a_killed_app_is_taken_over(vault: Vault) -> None:
    _case(vault)
    with OtherProcess(vault.home, PASSPHRASE, "window") as window:
        found = holder(vault.home)
        assert found is not None and found.pid == window.pid
        window.process.send_signal(signal.SIGKILL)
        window.process.wait(timeout=10)
    assert (vault.home / LOCK_NAME).exists()  # left behind, still naming the dead process
    lock = InstanceLock(vault.home)
    assert lock.acquire() is None  # no waiting, no clearing by hand
    content = (vault.home / LOCK_NAME).read_text()
    assert content.splitlines()[0] == f"pid {os.getpid()}"
    lock.release()


def test_the_lock_file_is_private_and_says_nothing_personal(vault: Vault) -> None:
    _case(vault)
    lock = InstanceLock(vault.home)
    assert lock.acquire() is None
    path = vault.home / LOCK_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="ascii").splitlines()
    assert [line.split()[0] for line in lines] == ["pid", "since"]
    second = InstanceLock(vault.home)  # flock: a second lock in the same process conflicts too
    found = second.acquire()
    assert found is not None and found.pid == os.getpid() and found.since == lines[1].split()[1]
    lock.release()
    assert second.acquire() is None
    second.release()
