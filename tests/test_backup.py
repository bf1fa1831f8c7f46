"""Backup while the store is in use, restore elsewhere, and no silent overwrite of newer work."""

from __future__ import annotations

import zipfile
from pathlib import Path

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .test_cli import run


def test_backup_of_an_open_store_restores_everything(isolated: Path, tmp_path: Path) -> None:
    store = Vault(isolated).create(PASSPHRASE)  # stays open: the app may be running
    case = store.create_case(
        {"given_names": "Veilig", "family_name": "Kopie", "doelgroep": "gezinsmigrant"}
    )
    store.save_answer(case.id, "brede-intake", 1, "opleiding", "opleiding_jaren", 11)
    target = tmp_path / "backup.zip"
    result = run("backup", str(target))
    assert result.returncode == 0, result.stderr
    store.save_answer(case.id, "brede-intake", 1, "opleiding", "na_de_backup", 1)  # later work
    store.close()
    raw = target.read_bytes()
    assert b"Veilig" not in raw and b"Kopie" not in raw  # the copy is still encrypted
    assert set(zipfile.ZipFile(target).namelist()) == {"store.db", "keys.json", "manifest.json"}

    elsewhere = tmp_path / "andere-laptop"
    restored = run("restore", str(target), INBURGERING_HOME=str(elsewhere))
    assert restored.returncode == 0, restored.stderr
    copy = Vault(elsewhere).unlock(PASSPHRASE)
    answers = copy.answers(case.id, "brede-intake")
    assert answers["opleiding_jaren"].value == 11 and "na_de_backup" not in answers
    copy.close()

    # Here the store has newer work than the backup: refused, unless forced.
    refused = run("restore", str(target))
    assert refused.returncode == 2 and "newer changes" in refused.stderr
    check = Vault(isolated).unlock(PASSPHRASE)
    assert "na_de_backup" in check.answers(case.id, "brede-intake")
    check.close()
    forced = run("restore", str(target), "--force")
    assert forced.returncode == 0
    check = Vault(isolated).unlock(PASSPHRASE)
    assert "na_de_backup" not in check.answers(case.id, "brede-intake")
    check.close()


def test_a_damaged_backup_is_refused_and_nothing_changes(isolated: Path, tmp_path: Path) -> None:
    Vault(isolated).create(PASSPHRASE).close()
    target = tmp_path / "backup.zip"
    assert run("backup", str(target)).returncode == 0
    data = bytearray(target.read_bytes())
    data[len(data) // 3] ^= 0xFF
    damaged = tmp_path / "kapot.zip"
    damaged.write_bytes(bytes(data))
    before = (isolated / "store.db").read_bytes()
    result = run("restore", str(damaged), "--force")
    assert result.returncode == 2 and (
        "damaged" in result.stderr or "not a backup" in result.stderr
    )
    assert (isolated / "store.db").read_bytes() == before
