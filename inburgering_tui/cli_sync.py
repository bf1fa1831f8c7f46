"""``inburgering bundle ...`` and ``cases export --csv``: sync between laptops and the back
office from scripts (the TUI offers the same through workers with progress)."""

from __future__ import annotations

import argparse
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from inburgering_tui.cli_support import (
    CliError,
    create_or_open_store,
    forms_for,
    key_passphrase,
    open_store,
)
from inburgering_tui.settings import Settings
from inburgering_tui.store.vault import Vault

if TYPE_CHECKING:
    from inburgering_tui.store.repository import Store  # opened only when a command needs it


def open_office_store(
    args: argparse.Namespace, settings: Settings, *, create: bool = False
) -> Store:
    """The back office's store: PostgreSQL with ``--db`` (or the setting), else the local one;
    with ``create`` (the first import of a new back office) made where there is none at all."""
    url = getattr(args, "db", None) or settings.database_url
    if not url:
        if create:
            return create_or_open_store(Vault(), settings)
        return open_store(Vault(), settings)
    from sqlalchemy.exc import OperationalError

    from inburgering_tui.store.engine import server_engine
    from inburgering_tui.store.migrate import upgrade
    from inburgering_tui.store.repository import Store

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = server_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise CliError(f"cannot reach the database: {exc.orig}") from None
    from inburgering_tui.store.health import repair_on_open

    store = Store(engine, actor=settings.consultant or "backoffice")
    repair_on_open(store)  # a dropped trigger back, audited
    return store


def _pki_file(args: argparse.Namespace, option: str, default_name: str) -> Path:
    from inburgering_tui.export.pki import PKI_DIR

    given = getattr(args, option, None)
    return given or Vault().home / PKI_DIR / default_name


def cmd_bundle_export(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.bundle import NothingToExport, export_bundle
    from inburgering_tui.export.cms import CmsError
    from inburgering_tui.export.pki import (
        BACKOFFICE_CERT,
        CONSULTANT_P12,
        PkiError,
        load_certificate,
    )

    store = open_store(Vault(), settings)
    try:
        written = export_bundle(
            store,
            consultant_p12=_pki_file(args, "key", CONSULTANT_P12),
            key_passphrase=key_passphrase(),
            recipient=load_certificate(_pki_file(args, "to", BACKOFFICE_CERT)),
            out_dir=settings.exports_dir,
            out=args.out,
            everything=args.all,
        )
    except NothingToExport as exc:
        print(str(exc))
        return
    except (PkiError, CmsError, OSError) as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"{written.path}: {written.cases} cases, {written.documents} signed PDFs")


def cmd_bundle_import(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.bundle import import_files
    from inburgering_tui.export.pki import BACKOFFICE_P12, CA_CERT, PkiError, load_certificate
    from inburgering_tui.store.office_sync import ImportBusy

    store = open_office_store(args, settings, create=True)
    try:
        outcomes = import_files(
            store,
            args.files,
            office_p12=_pki_file(args, "key", BACKOFFICE_P12),
            passphrase=key_passphrase(),
            ca=load_certificate(_pki_file(args, "ca", CA_CERT)),
            receipts_dir=args.receipts or settings.exports_dir,
        )
    except (PkiError, ImportBusy) as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    for outcome in outcomes:
        if outcome.summary is None:
            print(
                f"{outcome.path}: REFUSED: {outcome.refused}; nothing was changed", file=sys.stderr
            )
        else:
            print(f"{outcome.path}: {outcome.summary.line()}; receipt {outcome.receipt}")
    if any(outcome.summary is None for outcome in outcomes):
        raise SystemExit(1)


def cmd_bundle_receipt(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.bundle import apply_receipt, read_receipt
    from inburgering_tui.export.bundle_format import BundleError
    from inburgering_tui.export.cms import CmsError
    from inburgering_tui.export.pki import BACKOFFICE_CERT, CA_CERT, PkiError, load_certificate
    from inburgering_tui.store.laptop_sync import LaptopSync

    data = args.file.read_bytes()  # a missing file: main says so in a sentence
    try:
        ca = load_certificate(_pki_file(args, "ca", CA_CERT))
        office = load_certificate(_pki_file(args, "to", BACKOFFICE_CERT))
        body = read_receipt(data, ca, office)
    except (PkiError, CmsError, BundleError) as exc:
        raise CliError(f"{args.file}: {exc}") from None
    store = open_store(Vault(), settings)
    try:
        confirmed = apply_receipt(store, body)
        purged = (
            LaptopSync(store).purge(settings.sync_retention_days)
            if settings.sync_retention_days is not None
            else []
        )
    except BundleError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    finally:
        store.close()
    print(
        f"receipt for bundle {body['bundle_id'][:12]}: {confirmed} cases confirmed by the back office"
    )
    if body["conflicts"]:
        print(f"{len(body['conflicts'])} cases are conflicts the back office will resolve")
    if purged:
        print(f"{len(purged)} confirmed cases removed after {settings.sync_retention_days} days")


def cmd_bundle_status(_args: argparse.Namespace, settings: Settings) -> None:
    store = open_store(Vault(), settings)  # first: a refusal needs none of what follows
    from inburgering_tui.store.laptop_sync import LaptopSync

    try:
        sync = LaptopSync(store)
        bundles = sync.exported_bundles()
        waiting = sync.changed_case_ids()
    finally:
        store.close()
    for bundle in bundles:
        state = (
            f"confirmed {bundle.confirmed_at:%Y-%m-%d}" if bundle.confirmed_at else "no receipt yet"
        )
        print(
            f"{bundle.created_at:%Y-%m-%d %H:%M}  {bundle.file_name}  {bundle.cases} cases  {state}"
        )
    print(f"{len(waiting)} cases changed since the last bundle")


def cmd_cases_export(args: argparse.Namespace, settings: Settings) -> None:
    """One row per case for the municipal case system (UTF-8 with BOM: Excel reads it)."""
    from inburgering_tui.case_export import write_cases_csv
    from inburgering_tui.private_files import private_opener

    if not args.csv:
        raise CliError("choose a format: --csv")
    form = forms_for(settings)[settings.intake_form]
    store = open_office_store(args, settings)
    try:
        with (
            open(args.out, "w", newline="", encoding="utf-8-sig", opener=private_opener)
            if args.out
            else nullcontext(sys.stdout)
        ) as out:
            count = write_cases_csv(store, form, date.today(), settings.local_practice, out)
    finally:
        store.close()
    if args.out:
        print(f"{count} cases written to {args.out}")


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    cases: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    bundle = commands.add_parser("bundle", help="sync bundles between laptops and the back office")
    sub = bundle.add_subparsers(dest="bundle_command", required=True)
    export = sub.add_parser(
        "export", help="laptop: write a bundle of the cases changed since the last one"
    )
    export.add_argument("--out", type=Path, help="the bundle file (default: exports/)")
    export.add_argument("--all", action="store_true", help="every case and the whole audit log")
    export.add_argument(
        "--key", type=Path, help="consultant's .p12 (default: the data directory's)"
    )
    export.add_argument(
        "--to", type=Path, help="back office certificate (default: the data directory's)"
    )
    export.set_defaults(handler=cmd_bundle_export)

    importing = sub.add_parser("import", help="back office: verify and import bundles")
    importing.add_argument("files", type=Path, nargs="+")
    importing.add_argument(
        "--db", help="postgresql://... (default: the setting, else the local store)"
    )
    importing.add_argument(
        "--key", type=Path, help="back office .p12 (default: the data directory's)"
    )
    importing.add_argument("--ca", type=Path, help="CA certificate (default: the data directory's)")
    importing.add_argument(
        "--receipts", type=Path, help="folder for the receipts (default: exports/)"
    )
    importing.set_defaults(handler=cmd_bundle_import)

    receipt = sub.add_parser("receipt", help="laptop: read the back office's receipt for a bundle")
    receipt.add_argument("file", type=Path)
    receipt.add_argument("--ca", type=Path, help="CA certificate (default: the data directory's)")
    receipt.add_argument(
        "--to", type=Path, help="back office certificate (default: the data directory's)"
    )
    receipt.set_defaults(handler=cmd_bundle_receipt)

    status = sub.add_parser("status", help="laptop: bundles written, receipts, changes waiting")
    status.set_defaults(handler=cmd_bundle_status)

    export_cases = cases.add_parser("export", help="back office: every case for the case system")
    export_cases.add_argument("--csv", action="store_true", help="as CSV (UTF-8)")
    export_cases.add_argument("--out", type=Path, help="file (default: standard output)")
    export_cases.add_argument(
        "--db", help="postgresql://... (default: the setting, else the local store)"
    )
    export_cases.set_defaults(handler=cmd_cases_export)
