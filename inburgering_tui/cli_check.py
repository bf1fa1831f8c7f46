"""``inburgering check``: the store's health, like ``restic check``. Opens the store read-only
(SQLite's query_only, or a read-only PostgreSQL session), runs every check of store/health.py,
prints one line per check in the UI language, and exits 1 when any of them does not hold.

It never repairs: a dropped trigger is named here and put back the next time the store opens
for work (and that repair is audited).
"""

from __future__ import annotations

import argparse

from inburgering_tui.cli_support import CliError, passphrase_for
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.settings import Settings
from inburgering_tui.store.health import Finding, run_checks
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault


def _open_local(settings: Settings) -> Store:
    from inburgering_tui.store.audit_anchor import seal_key
    from inburgering_tui.store.engine import sqlite_engine

    vault = Vault()
    vault.check()  # a missing or damaged store is refused before the passphrase is asked
    key = vault.keyfile.unlock(passphrase_for())
    # Not through Vault.unlock: that migrates and repairs, and check must find things as they are.
    engine = sqlite_engine(vault.db_path, key, read_only=True)
    return Store(engine, actor=settings.consultant or "check", seal_key=seal_key(key))


def _open_server(url: str) -> Store:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(
        url,
        hide_parameters=True,
        # Every transaction of this session is read-only: the server refuses any write.
        connect_args={"options": "-c default_transaction_read_only=on"},
    )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        raise CliError(f"cannot reach the database: {exc.orig}") from None
    return Store(engine, actor="check")


def line(finding: Finding) -> str:
    status = _("ok") if finding.ok else _("FOUT")
    said = finding.problem or finding.detail
    return f"{status:<5} {_(finding.label)}" + (f": {said}" if said else "")


def cmd_check(args: argparse.Namespace, settings: Settings) -> None:
    url = args.db or settings.database_url
    store = _open_server(url) if url else _open_local(settings)
    try:
        findings = run_checks(store)
    finally:
        store.close()
    for finding in findings:
        print(line(finding))
    wrong = sum(1 for finding in findings if not finding.ok)
    if not wrong:
        print(_("Alles klopt."))
        return
    print(
        ngettext("{n} controle klopt niet.", "{n} controles kloppen niet.", wrong).format(n=wrong)
    )
    raise SystemExit(1)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check", help="the store's health: database, schema, triggers, audit log, documents"
    )
    check.add_argument("--db", help="postgresql://... (default: the setting, else the local store)")
    check.set_defaults(handler=cmd_check)
