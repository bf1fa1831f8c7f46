"""A crash shows where it happened, never the answers, names or passphrases the app held."""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

import pytest
from rich.console import Console

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_files
from inburgering_tui.export.pip_export import export_pip
from inburgering_tui.export.pki import PKI_DIR, load_certificate
from inburgering_tui.settings import Settings
from inburgering_tui.store.backup import backup
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.screens.case_list import CaseListScreen

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, make_app
from .sync_helpers import KEYS, export, make_laptop, make_office_home

SECRET = "Heeft-nachtmerries-sinds-de-vlucht"


async def test_a_crash_report_holds_no_personal_data(
    vault: Vault, forms: dict[str, Form], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: CaseListScreen) -> None:
        answer_text = SECRET  # a local the stock report would print
        raise ValueError(f"kon {answer_text} niet verwerken")

    monkeypatch.setattr(CaseListScreen, "action_new_case", broken)
    store = vault.create(PASSPHRASE)
    app = make_app(vault, forms, store=store)
    printed = Console(record=True, width=120, file=io.StringIO())
    app.error_console = printed  # where the crash report is printed on exit
    with pytest.raises(ValueError):
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("n")
            await pilot.pause()
    report = printed.export_text()
    assert "ValueError" in report and "test_privacy.py" in report  # where: yes
    assert SECRET not in report and PASSPHRASE not in report  # what: never


async def test_a_working_day_leaves_no_name_in_logs_or_in_any_file_written(
    tmp_path: Path,
    forms: dict[str, Form],
    intake_form: Form,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Demo cases, the app, a signed PDF, a bundle, its import, the receipt and a backup: with
    every logger at DEBUG, no generated person's name appears in the log output, on the
    terminal, or in the bytes of any file written (stores, keys, bundles, receipts, backups,
    PDFs, in UTF-8 or UTF-16)."""
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "laptop"
    ids = make_laptop(home, intake_form, cases=6)
    store = Vault(home).unlock(PASSPHRASE)
    names = _generated_names(store)
    app = make_app(Vault(home), forms, store=store, exports_dir=tmp_path / "exports")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # open the first case
        await pilot.pause()
        await pilot.press("escape")
    set_case = next(c for c in ids if PipStore(store).latest_set(c) is not None)
    # As the app does: pyHanko's signing runs its own event loop, off the app's thread.
    await asyncio.to_thread(
        export_pip, store, intake_form, Settings(exports_dir=tmp_path / "exports"), set_case,
        home=home, out=None, today=TODAY, key_passphrase=lambda: KEYS,
    )  # fmt: skip
    bundle = export(store, home, tmp_path / "exports" / "bundle.p7m")
    backup(Vault(home), Vault(home).keyfile.unlock(PASSPHRASE), tmp_path / "backup.tar")
    store.close()
    office = make_office_home(home, tmp_path / "office")
    office_store = Vault(office).create(PASSPHRASE)
    import_files(
        office_store, [bundle], office_p12=office / PKI_DIR / "backoffice.p12", passphrase=KEYS,
        ca=load_certificate(office / PKI_DIR / "ca.pem"), receipts_dir=tmp_path / "receipts",
    )  # fmt: skip
    office_store.close()

    printed = capfd.readouterr()
    spoken = caplog.text + printed.out + printed.err
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(written) > 10 and caplog.records  # there was something to look at
    for name in names:
        assert name not in spoken, "a name in the log or on the terminal"
        for path in written:
            raw = path.read_bytes()
            for encoding in ("utf-8", "utf-16-le"):
                assert name.encode(encoding) not in raw, f"a name in {path.relative_to(tmp_path)}"


def _generated_names(store: Store) -> list[str]:
    # Full names, and family names long enough that random ciphertext never holds them.
    names = set()
    for case in store.list_cases():
        names.add(f"{case.given_names} {case.family_name}")
        if len(case.family_name) >= 6:
            names.add(case.family_name)
        for member in store.household(case.id):
            if len(member.name) >= 6:
                names.add(member.name)
    return sorted(names)


def test_an_attachment_never_lies_unencrypted_on_disk(
    tmp_path: Path, intake_form: Form, caplog: pytest.LogCaptureFixture
) -> None:
    """An attached PDF and its original name (which names the person): not in any file of the
    data directory (store, WAL, key file, keys), not in the bundle, not in the audit log, not in
    the log output; only the file the consultant explicitly saves holds the bytes."""
    from inburgering_tui.attachment_files import attach_file, save_attachment
    from inburgering_tui.store.attachment_repository import AttachmentStore

    from .documents import real_pdf

    caplog.set_level(logging.DEBUG)
    home = tmp_path / "laptop"
    ids = make_laptop(home, intake_form, cases=2)
    original = "Diploma Nasser-Aydın (ديبلوم) 2019.pdf"
    source = tmp_path / "scans" / original
    source.parent.mkdir()
    pdf = real_pdf("Ṣāliḥ Nasser-Aydın, MBO-2 diploma")
    source.write_bytes(pdf)
    # Pieces of the document from beginning to end, each long enough never to occur by chance.
    pieces = [pdf[i : i + 40] for i in range(0, len(pdf) - 40, max(1, len(pdf) // 24))]
    secrets = pieces + [original.encode(e) for e in ("utf-8", "utf-16-le")]

    def assert_nowhere(folder: Path) -> None:
        files = [path for path in folder.rglob("*") if path.is_file()]
        assert files
        for path in files:
            raw = path.read_bytes()
            for secret in secrets:
                assert secret not in raw, f"attachment bytes in {path.relative_to(tmp_path)}"

    store = Vault(home).unlock(PASSPHRASE)
    attachment = attach_file(store, intake_form, ids[0], source, max_bytes=1024**2)
    assert (home / "store.db-wal").exists()  # the store is open: its WAL is read too
    assert_nowhere(home)
    bundle = export(store, home, tmp_path / "exports" / "bundle.p7m")
    assert_nowhere(bundle.parent)
    assert all(original not in event.subject for event in store.audit_events())
    assert AttachmentStore(store).content(attachment.id)[1] == pdf
    saved = save_attachment(store, attachment.id, tmp_path / "saved")
    store.close()
    assert_nowhere(home)
    assert original not in caplog.text and "Nasser" not in saved.name
    assert saved.read_bytes() == pdf  # written out on request, and only there
    with pytest.raises(AssertionError):
        assert_nowhere(saved.parent)  # the scan does find plain bytes where they are
