"""Sync from the screens, by keys: the consultant writes a bundle and reads the receipt; the back
office imports bundles, filters on conflicts and consultants, and resolves a conflict."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Markdown

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.bundle import import_files
from inburgering_tui.export.pki import PKI_DIR, load_certificate
from inburgering_tui.settings import Settings
from inburgering_tui.store.laptop_sync import LaptopSync
from inburgering_tui.store.models import CaseSync
from inburgering_tui.store.office_sync import open_conflicts
from inburgering_tui.store.records import read_records
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.office_case import OfficeCaseScreen

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, type_text, wait_for_screen
from .sync_helpers import KEYS, export, make_laptop, make_office_home

pytestmark = pytest.mark.usefixtures("isolated")


def _app(home: Path, forms: dict[str, Form], exports: Path, *, back_office: bool) -> InburgeringApp:
    store = Vault(home).unlock(PASSPHRASE)
    settings = Settings(exports_dir=exports)
    return InburgeringApp(
        Vault(home), forms, settings, today=lambda: TODAY, store=store, back_office=back_office
    )


async def test_the_consultant_writes_a_bundle_and_reads_the_receipt(
    isolated: Path, tmp_path: Path, forms: dict[str, Form], intake_form: Form,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ids = make_laptop(isolated, intake_form, cases=4)
    exports = tmp_path / "exports"
    app = _app(isolated, forms, exports, back_office=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await type_text(pilot, KEYS)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Klaar: 4 zaken" in str(app.screen.query_one("#bundle-state").render())
        await pilot.press("escape")
        [bundle] = exports.glob("bundle-*.p7m")
        [exported] = LaptopSync(app.require_store()).exported_bundles()
        assert exported.file_name == bundle.name and exported.cases == 4

        # The back office imports it and answers with a receipt; the consultant reads it.
        office = make_office_home(isolated, tmp_path / "office")
        office_store = Vault(office).create(PASSPHRASE)
        [outcome] = import_files(
            office_store, [bundle], office_p12=office / PKI_DIR / "backoffice.p12",
            passphrase=KEYS, ca=load_certificate(office / PKI_DIR / "ca.pem"),
            receipts_dir=tmp_path / "receipts",
        )  # fmt: skip
        office_store.close()
        assert outcome.receipt is not None
        monkeypatch.chdir(outcome.receipt.parent)
        await pilot.press("o")
        await type_text(pilot, outcome.receipt.name)
        await pilot.press("enter")
        await app.workers.wait_for_complete()  # the signature is checked in a worker
        await pilot.pause()
        assert "4 zaken zijn door de backoffice bevestigd" in str(
            app.screen.query_one("#receipt-state").render()
        )
    laptop = Vault(isolated).unlock(PASSPHRASE)
    with laptop.session() as session:
        confirmed = session.exec(select(CaseSync)).all()
    laptop.close()
    assert sorted(row.case_id for row in confirmed if row.confirmed_hash) == sorted(ids)


async def test_the_back_office_imports_filters_and_resolves_a_conflict(
    isolated: Path, tmp_path: Path, forms: dict[str, Form], intake_form: Form,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ids = make_laptop(isolated, intake_form, cases=5)
    inbox = tmp_path / "inbox"
    laptop = Vault(isolated).unlock(PASSPHRASE)
    export(laptop, isolated, inbox / "1-first.p7m")
    # A colleague's laptop holds the same cases (restored from a backup) and edits one of them.
    other = tmp_path / "laptop-b"
    shutil.copytree(isolated, other)
    laptop.update_case(ids[0], {"azc_location": "AZC Noord"})
    export(laptop, isolated, inbox / "2-a.p7m")
    laptop.close()
    colleague = Vault(other).unlock(PASSPHRASE)
    colleague.update_case(ids[0], {"azc_location": "AZC Zuid"})
    export(colleague, other, tmp_path / "later" / "3-b.p7m")
    b_record = read_records(colleague.engine.connect(), [ids[0]])[ids[0]]
    colleague.close()

    office = make_office_home(isolated, tmp_path / "office")
    Vault(office).create(PASSPHRASE).close()
    app = _app(office, forms, tmp_path / "exports", back_office=True)
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == 0
        # F1 lists what the back office can do, not the laptop's own actions.
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one(Markdown).source)
        assert "Bundels importeren" in help_text and "Nieuwe zaak" not in help_text
        await pilot.press("escape")
        # A folder of bundles: both go in, in order.
        state = await _import_from_screen(pilot, "inbox")
        assert "1-first.p7m: 5 nieuw, 0 bijgewerkt" in state
        assert "2-a.p7m: 0 nieuw, 1 bijgewerkt" in state
        assert table.row_count == 5

        # The colleague's bundle conflicts with what the office now holds.
        assert "1 conflicten" in await _import_from_screen(pilot, "later/3-b.p7m")

        # Filter: all → overdue → due soon → conflicts.
        await pilot.press("f", "f", "f")
        await pilot.pause()
        assert table.row_count == 1
        assert "met conflict" in str(app.screen.query_one("#case-count").render())
        await pilot.press("enter")
        office_case = await wait_for_screen(pilot, OfficeCaseScreen)
        assert "azc_location" in str(office_case.query_one("#conflict").render())
        await pilot.press("o")
        await pilot.press("shift+tab", "enter")  # the dialog starts on "no"
        await pilot.pause()
        store = app.require_store()
        assert open_conflicts(store) == []
        stored = store.get_case(ids[0])
        assert stored is not None and stored.azc_location == "AZC Zuid"
        with store.session() as session:
            assert read_records(session.connection(), [ids[0]])[ids[0]] == b_record
        await pilot.press("escape")
        await pilot.pause()

        # Per consultant: the first name in turn shows only that consultant's cases.
        await pilot.press("f")  # back to all cases
        await pilot.press("k")
        await pilot.pause()
        first = sorted({c.consultant for c in store.list_cases()})[0]
        expected = sum(1 for c in store.list_cases() if c.consultant == first)
        assert table.row_count == expected
        assert f"consulent {first}" in str(app.screen.query_one("#case-count").render())


async def _import_from_screen(pilot: Pilot[None], path: str) -> str:
    """`i`, the path, the key's passphrase: what the import dialog reports, once closed."""
    await pilot.press("i")
    await type_text(pilot, path)
    await pilot.press("enter")
    await type_text(pilot, KEYS)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    state = str(pilot.app.screen.query_one("#import-state").render())
    await pilot.press("escape")
    await pilot.pause()
    return state
