"""Every test runs in its own data and config directory, with a cheap KDF and a fixed locale."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import set_ui_language
from inburgering_tui.settings import Settings, default_forms_dir
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .pg_server import PgServer, PgServerError, running_server

PASSPHRASE = "test-wachtwoordzin-42"
TODAY = date(2026, 11, 23)

# CI runs the same examples every time (a red run is red again on the next one, and on a
# developer's machine with HYPOTHESIS_PROFILE=ci), prints the blob that replays a failure, and
# allows slow examples on a loaded machine. Locally Hypothesis explores afresh each run.
hypothesis_settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("INBURGERING_HOME", str(home))
    monkeypatch.setenv("INBURGERING_CONFIG", str(tmp_path / "settings.toml"))
    # 8 MiB instead of 64: the same code path, fast enough for hundreds of unlocks.
    monkeypatch.setenv("INBURGERING_KDF_MEMORY_KIB", "8192")
    monkeypatch.delenv("INBURGERING_PASSPHRASE", raising=False)
    for name in ("INBURGERING_UI_LANGUAGE", "INBURGERING_IDLE_LOCK_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    set_ui_language("nl")
    yield home
    set_ui_language("nl")


@pytest.fixture(scope="session")
def forms() -> dict[str, Form]:
    return load_forms(default_forms_dir())


@pytest.fixture(scope="session")
def intake_form(forms: dict[str, Form]) -> Form:
    return forms["brede-intake"]


@pytest.fixture
def vault(isolated: Path) -> Vault:
    return Vault(isolated)


@pytest.fixture
def store(vault: Vault) -> Iterator[Store]:
    opened = vault.create(PASSPHRASE, actor="test-consulent")
    yield opened
    opened.close()


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One throwaway PostgreSQL cluster for the session, started only when a test asks."""
    failure = ""
    try:
        with running_server() as server:
            yield server
    except PgServerError as error:
        failure = str(error)
    if failure:
        # Fail, never skip: a skipped PostgreSQL test would hide a broken back office.
        pytest.fail(failure, pytrace=False)


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    """A SQLAlchemy URL to a database on the session's cluster, shared by the session."""
    return pg_server.url(pg_server.create_database("session"))


@pytest.fixture
def pg_db_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database per test, dropped afterwards: tests never see each other's rows."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
