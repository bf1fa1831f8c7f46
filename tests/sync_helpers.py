"""Shared by the sync tests: a laptop with demo cases and keys, a back office with its own data
directory and key, and ways to build bundles that are wrong in exactly one respect."""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from inburgering_tui.demo import populate
from inburgering_tui.domain.forms import Form
from inburgering_tui.export import cms
from inburgering_tui.export.bundle import export_bundle
from inburgering_tui.export.pki import (
    BACKOFFICE_P12,
    CA_CERT,
    PKI_DIR,
    create_dev_pki,
    load_certificate,
    load_identity,
)
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE

KEYS = "sleutel-wachtwoordzin-9"
CONSULTANT = "J. de Vries"


def make_laptop(home: Path, form: Form, cases: int = 6, seed: int = 7) -> list[str]:
    store = Vault(home).create(PASSPHRASE, actor="consulent-a")
    ids = populate(store, form, cases, seed=seed)
    store.close()
    create_dev_pki(home, KEYS, municipality="Gemeente Proef", consultant=CONSULTANT)
    return ids


def make_office_home(laptop_home: Path, office_home: Path) -> Path:
    """The back office gets the CA certificate and its own key; never the consultant's."""
    (office_home / PKI_DIR).mkdir(parents=True)
    for name in (CA_CERT, BACKOFFICE_P12):
        shutil.copy(laptop_home / PKI_DIR / name, office_home / PKI_DIR / name)
    return office_home


def export(store: Store, home: Path, out: Path, *, everything: bool = False) -> Path:
    pki = home / PKI_DIR
    written = export_bundle(
        store,
        consultant_p12=pki / "consultant.p12",
        key_passphrase=KEYS,
        recipient=load_certificate(pki / "backoffice.pem"),
        out_dir=out.parent,
        out=out,
        everything=everything,
    )
    return written.path


def office_keys(home: Path) -> tuple[Any, Any]:
    pki = home / PKI_DIR
    return load_identity(pki / BACKOFFICE_P12, KEYS), load_certificate(pki / CA_CERT)


def inner_archive(bundle: bytes, laptop_home: Path) -> dict[str, bytes]:
    """The entries of a bundle's ZIP, opened with the office key."""
    identity, ca = office_keys(laptop_home)
    content = cms.verify(cms.decrypt(bundle, identity), ca).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def reseal(
    entries: list[tuple[str, bytes]], laptop_home: Path, *, p12: Path | None = None
) -> bytes:
    """A ZIP of exactly these entries, validly signed and encrypted: a bundle that is wrong
    only inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is sometimes the point
        for name, data in entries:
            archive.writestr(name, data)
    pki = laptop_home / PKI_DIR
    signed = cms.sign(buffer.getvalue(), p12 or pki / "consultant.p12", KEYS)
    return cms.encrypt(signed, load_certificate(pki / "backoffice.pem"))


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: 'the database exactly as it was'."""
    tables = sorted(inspect(engine).get_table_names())
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in tables:
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            rows[table] = sorted((tuple(row) for row in result), key=repr)
    return rows


Mutator = Callable[[dict[str, bytes]], list[tuple[str, bytes]]]
