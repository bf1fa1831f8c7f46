"""Everything the app writes that carries personal data is mode 0600, in 0700 folders: checked
over a whole working day, under a umask of 000 so that no writer can lean on the umask."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from inburgering_tui import cli
from inburgering_tui.attachment_files import attach_file, save_attachment
from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_files
from inburgering_tui.export.intake_report_export import export_intake_report
from inburgering_tui.export.pip_export import export_pip
from inburgering_tui.export.pki import PKI_DIR, load_certificate
from inburgering_tui.settings import Settings
from inburgering_tui.store.backup import backup, restore
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.intake import IntakeScreen

from .conftest import PASSPHRASE, TODAY
from .documents import real_pdf
from .pilot import SIZE, make_app
from .sync_helpers import KEYS, export, make_laptop, make_office_home


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Every file and folder the app makes would be world-readable if it left modes to this."""
    before = os.umask(0)
    yield
    os.umask(before)


def not_private(root: Path, skip: frozenset[Path] = frozenset()) -> dict[str, str]:
    """Every folder under ``root`` (and root) that is not 0700, every file that is not 0600."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        if path in skip:
            continue
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong[str(path.relative_to(root.parent))] = oct(mode)
    return wrong


async def test_a_working_day_writes_only_private_files_in_private_folders(
    tmp_path: Path,
    forms: dict[str, Form],
    intake_form: Form,
    open_umask: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Demo cases and keys, the app (an answer, the back office's CSV), a signed PIP PDF, an
    intake report, an attachment in and saved out, a bundle, its import and receipt, a backup
    and its restore, the command line's CSV: every file in ``day/`` was written by the app."""
    day = tmp_path / "day"  # made by the app, like everything in it
    home, exports = day / "laptop", day / "exports"
    settings = Settings(exports_dir=exports)
    ids = make_laptop(home, intake_form, cases=6)
    store = Vault(home).unlock(PASSPHRASE)

    app = make_app(Vault(home), forms, store=store, exports_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")  # the first case's intake
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        await pilot.press("j", "enter")  # an answer: the store's WAL grows
        await pilot.pause()
        await pilot.press("escape", "escape")
    office_app = InburgeringApp(
        Vault(home), forms, settings, today=lambda: TODAY, store=store, back_office=True
    )
    async with office_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")  # the CSV for the case system
        await pilot.pause()

    set_case = next(c for c in ids if PipStore(store).latest_set(c) is not None)
    # As the app does: pyHanko's signing runs its own event loop, off the app's thread.
    await asyncio.to_thread(
        export_pip, store, intake_form, settings, set_case,
        home=home, out=None, today=TODAY, key_passphrase=lambda: KEYS,
    )  # fmt: skip
    export_intake_report(store, intake_form, settings, ids[0], out=None, today=TODAY)
    scan = tmp_path / "scans" / "Diploma Nasser-Aydın (ديبلوم).pdf"  # the consultant's own file
    scan.parent.mkdir()
    scan.write_bytes(real_pdf("Ṣāliḥ Nasser-Aydın, MBO-2 diploma"))
    attachment = attach_file(store, intake_form, ids[0], scan, max_bytes=1024**2)
    saved = save_attachment(store, attachment.id, day / "saved" / "diploma.pdf")
    bundle = export(store, home, exports / "bundle.p7m")
    assert {"store.db", "store.db-wal", "store.db-shm"} <= {p.name for p in home.iterdir()}
    assert not_private(day) == {}  # while the store is open: its WAL and index too
    backup(Vault(home), Vault(home).keyfile.unlock(PASSPHRASE), day / "backups" / "vandaag.zip")
    store.close()
    restore(Vault(day / "restored"), day / "backups" / "vandaag.zip", PASSPHRASE, force=False)

    monkeypatch.setenv("INBURGERING_HOME", str(home))
    monkeypatch.setenv("INBURGERING_PASSPHRASE", PASSPHRASE)
    assert cli.main(["cases", "export", "--csv", "--out", str(exports / "zaken-cli.csv")]) == 0

    office = day / "office"
    make_office_home(home, office)  # the administrator copies the back office's keys by hand
    by_hand = frozenset([office / PKI_DIR, *(office / PKI_DIR).iterdir()])
    office_store = Vault(office).create(PASSPHRASE)
    import_files(
        office_store, [bundle], office_p12=office / PKI_DIR / "backoffice.p12", passphrase=KEYS,
        ca=load_certificate(office / PKI_DIR / "ca.pem"), receipts_dir=day / "receipts",
    )  # fmt: skip
    assert not_private(day, by_hand) == {}  # the back office's store while it is open
    office_store.close()

    written = {path.relative_to(day) for path in day.rglob("*") if path.is_file()}
    expected = [
        "laptop/store.db",
        "laptop/keys.json",
        "laptop/pki/consultant.p12",
        "laptop/pki/ca.pem",
        "exports/bundle.p7m",
        "exports/zaken-cli.csv",
        "backups/vandaag.zip",
        "restored/store.db",
        "restored/keys.json",
        "office/store.db",
    ]
    assert {Path(name) for name in expected} <= written
    suffixes = [path.suffix for path in written]
    assert suffixes.count(".pdf") >= 3  # the PIP, the intake report, the attachment
    assert any(p.parent == Path("receipts") for p in written)  # the receipt
    assert saved.relative_to(day) in written  # the attachment saved out
    assert sum(p.parent == Path("exports") and p.suffix == ".csv" for p in written) == 2
    assert not_private(day, by_hand) == {}


def test_an_older_store_with_open_modes_is_made_private_when_opened(vault: Vault) -> None:
    """A store SQLite made 0644 (as before files were private, or restored by hand) is closed
    to others at its next opening, its -wal and -shm with it. The folder is the consultant's
    choice once it exists: left as it is."""
    vault.create(PASSPHRASE).close()
    os.chmod(vault.home, 0o755)
    os.chmod(vault.db_path, 0o644)
    store = vault.unlock(PASSPHRASE)
    store.create_case({"given_names": "Ṣāliḥ", "family_name": "Öztürk", "doelgroep": "overig"})
    assert {p.name for p in vault.home.iterdir()} >= {"store.db", "store.db-wal", "store.db-shm"}
    wrong = not_private(vault.home)
    store.close()
    assert wrong == {str(vault.home.relative_to(vault.home.parent)): "0o755"}  # files: all 0600
