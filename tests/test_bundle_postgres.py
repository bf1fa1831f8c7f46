"""The back office on a real PostgreSQL server: a bundle imports the same as on SQLite, a bad one
leaves the database as it was, and two processes importing one bundle at once apply it once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from inburgering_tui.domain.forms import Form
from inburgering_tui.store.engine import server_engine
from inburgering_tui.store.migrate import upgrade
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.records import read_records
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .sync_helpers import KEYS, export, make_laptop, make_office_home, snapshot


@pytest.fixture
def pg_store(pg_db_url: str) -> Iterator[Store]:
    engine = server_engine(pg_db_url)
    upgrade(engine)
    store = Store(engine, actor="backoffice")
    yield store
    store.close()


@pytest.fixture
def bundle(isolated: Path, tmp_path: Path, intake_form: Form) -> tuple[Path, list[str]]:
    ids = make_laptop(isolated, intake_form, cases=8)
    make_office_home(isolated, tmp_path / "office")
    store = Vault(isolated).unlock(PASSPHRASE)
    path = export(store, isolated, tmp_path / "bundle.p7m")
    store.close()
    return path, ids


def _import(tmp_path: Path, url: str, *files: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "INBURGERING_HOME": str(tmp_path / "office"),
        "INBURGERING_KEY_PASSPHRASE": KEYS,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "inburgering_tui.cli", "bundle", "import", *map(str, files),
         "--db", url, "--receipts", str(tmp_path / "receipts")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_bundle_imports_into_postgresql_with_every_row_intact(
    isolated: Path, tmp_path: Path, pg_db_url: str, pg_store: Store, bundle: tuple[Path, list[str]]
) -> None:
    path, ids = bundle
    process = _import(tmp_path, pg_db_url, path)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert f"{len(ids)} new" in out
    laptop = Vault(isolated).unlock(PASSPHRASE)
    try:
        with laptop.session() as a, pg_store.session() as b:
            assert read_records(b.connection(), ids) == read_records(a.connection(), ids)
        with_pip = [c for c in ids if PipStore(laptop).versions(c)]
        assert with_pip and all(PipStore(pg_store).versions(c) for c in with_pip)
    finally:
        laptop.close()

    # A damaged copy is refused and the database stays exactly as it was.
    before = snapshot(pg_store.engine)
    damaged = tmp_path / "damaged.p7m"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    process = _import(tmp_path, pg_db_url, damaged)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "REFUSED" in err and "nothing was changed" in err
    assert snapshot(pg_store.engine) == before


def test_two_processes_importing_one_bundle_at_once_apply_it_exactly_once(
    tmp_path: Path, pg_db_url: str, pg_store: Store, bundle: tuple[Path, list[str]]
) -> None:
    path, ids = bundle
    first, second = _import(tmp_path, pg_db_url, path), _import(tmp_path, pg_db_url, path)
    results = [process.communicate(timeout=120) for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, [err for _out, err in results]
    outputs = sorted(out for out, _err in results)
    assert any(f"{len(ids)} new" in out and "already" not in out for out in outputs)
    assert any("already imported" in out for out in outputs)
    assert pg_store.count_cases() == len(ids)
    with pg_store.session() as session:
        from sqlmodel import func, select

        from inburgering_tui.store.models import ImportedBundle

        assert session.exec(select(func.count()).select_from(ImportedBundle)).one() == 1


async def test_the_back_office_screen_and_the_csv_work_on_postgresql(
    tmp_path: Path,
    pg_db_url: str,
    pg_store: Store,
    bundle: tuple[Path, list[str]],
    forms: dict[str, Form],
) -> None:
    from textual.widgets import DataTable

    from inburgering_tui.settings import Settings
    from inburgering_tui.tui.app import InburgeringApp

    from .conftest import TODAY
    from .pilot import SIZE

    path, ids = bundle
    process = _import(tmp_path, pg_db_url, path)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err

    app = InburgeringApp(
        Vault(tmp_path / "office"), forms, Settings(), today=lambda: TODAY, store=pg_store,
        back_office=True, server_store=True,
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == len(ids)
        await pilot.press("ctrl+l")  # nothing to lock with on a server: the screen stays
        await pilot.pause()
        assert app.store is pg_store

    out = tmp_path / "zaken.csv"
    env = {**os.environ, "INBURGERING_HOME": str(tmp_path / "office")}
    result = subprocess.run(
        [sys.executable, "-m", "inburgering_tui.cli", "cases", "export", "--csv", "--db",
         pg_db_url, "--out", str(out)],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert sorted(row["case_id"] for row in rows) == sorted(ids)
    assert any(row["next_deadline_rule"].startswith("T") for row in rows)
    assert {row["open_conflicts"] for row in rows} == {"0"}


def test_attachments_arrive_in_postgresql_byte_for_byte_and_the_office_saves_one_out(
    isolated: Path, tmp_path: Path, pg_db_url: str, pg_store: Store, intake_form: Form
) -> None:
    from inburgering_tui.store.attachment_repository import AttachmentStore

    from .documents import real_pdf, real_png

    ids = make_laptop(isolated, intake_form, cases=2)
    make_office_home(isolated, tmp_path / "office")
    laptop = Vault(isolated).unlock(PASSPHRASE)
    pdf, png = real_pdf("Diploma"), real_png(seed=3)
    on_laptop = AttachmentStore(laptop)
    first = on_laptop.add(
        ids[0], pdf, original_name="Diploma Nasser-Aydın.pdf",
        question=("brede-intake", "opleiding_diploma"), max_bytes=1024**2,
    )  # fmt: skip
    on_laptop.add(ids[1], png, label="COA", max_bytes=1024**2)
    path = export(laptop, isolated, tmp_path / "bundle.p7m")
    try:
        process = _import(tmp_path, pg_db_url, path)
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        with laptop.session() as a, pg_store.session() as b:
            assert read_records(b.connection(), ids) == read_records(a.connection(), ids)
    finally:
        laptop.close()
    in_office = AttachmentStore(pg_store)
    assert in_office.content(first.id)[1] == pdf
    assert [in_office.content(a.id)[1] for a in in_office.list(ids[1])] == [png]

    out = tmp_path / "saved.pdf"
    env = {**os.environ, "INBURGERING_HOME": str(tmp_path / "office")}
    result = subprocess.run(
        [sys.executable, "-m", "inburgering_tui.cli", "attachments", "save", ids[0], first.id,
         "--db", pg_db_url, "--out", str(out)],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == pdf and (out.stat().st_mode & 0o777) == 0o600
