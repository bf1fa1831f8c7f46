"""The commands of the trust model: keys, recovery, the signed PDF, backups and the audit log."""

from __future__ import annotations

import argparse
from contextlib import suppress
from datetime import date

from cryptography.hazmat.primitives import serialization

from inburgering_tui.cli_support import (
    CliError,
    find_case,
    forms_for,
    key_passphrase,
    new_secret,
    open_store,
    passphrase_for,
)
from inburgering_tui.i18n.markers import N_
from inburgering_tui.settings import Settings
from inburgering_tui.store.instance_lock import exclusive_use
from inburgering_tui.store.keys import KeyFileDamaged
from inburgering_tui.store.sqlcipher import verify_store
from inburgering_tui.store.vault import Vault


def cmd_keys_init(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, create_dev_pki

    vault = Vault()
    vault.check()
    data_key = vault.keyfile.unlock(passphrase_for())  # wrapped for the back office below
    # A new passphrase, for the new PKCS#12 files: typed twice in a terminal.
    keys_passphrase = new_secret(
        "INBURGERING_KEY_PASSPHRASE", N_("Nieuwe wachtwoordzin voor de sleutels: ")
    )
    try:
        made = create_dev_pki(
            vault.home,
            keys_passphrase,
            municipality=args.municipality or settings.municipality.name,
            consultant=settings.consultant or args.consultant,
        )
    except PkiError as exc:
        raise CliError(str(exc)) from None
    vault.keyfile.add_recovery(data_key, made["backoffice_cert"].read_bytes())
    print("Development keys made (for tests and demos; production uses PKIoverheid):")
    print(f"  CA certificate            {made['ca']}")
    print(f"  consultant key (PKCS#12)  {made['consultant']}")
    print(f"  back-office key (PKCS#12) {made['backoffice']}  <- move this to the back office")
    print(f"  back-office certificate   {made['backoffice_cert']}")
    print("The store's key is now also wrapped for the back office (see `inburgering recover`).")


def cmd_keys_use(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, use_consultant_p12

    vault = Vault()
    try:
        identity = use_consultant_p12(vault.home, args.file, key_passphrase())
    except PkiError as exc:
        raise CliError(str(exc)) from None
    print(f"Consultant key in use: {identity.certificate.subject.rfc4514_string()}")


def cmd_keys_recovery(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, load_certificate

    vault = Vault()
    try:
        certificate = load_certificate(args.certificate)
    except PkiError as exc:
        raise CliError(str(exc)) from None
    vault.check()
    data_key = vault.keyfile.unlock(passphrase_for())
    vault.keyfile.add_recovery(data_key, certificate.public_bytes(serialization.Encoding.PEM))
    print(f"The store's key is now also wrapped for {certificate.subject.rfc4514_string()}")


def cmd_recover(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, load_identity

    vault = Vault()
    with suppress(KeyFileDamaged):
        # A damaged passphrase wrap is what recovery replaces; the recovery wrap must hold.
        vault.check()
    try:
        identity = load_identity(args.key, key_passphrase())
    except PkiError as exc:
        raise CliError(str(exc)) from None
    data_key = vault.keyfile.recovery_key(identity.key)
    # The store must open with the recovered key before keys.json is rewritten.
    verify_store(vault.db_path, data_key)
    new = new_secret("INBURGERING_NEW_PASSPHRASE", N_("Nieuwe wachtwoordzin: "))
    with exclusive_use(vault.home, vault.db_path, data_key):  # StoreInUse: another has it open
        vault.keyfile.recover(identity.key, new)
        vault.unlock(new).close()  # proves the store opens under the new passphrase
    print("Store recovered: it opens with the new passphrase; nothing was lost.")


def cmd_pdf(args: argparse.Namespace, settings: Settings) -> None:
    vault = Vault()
    store = open_store(vault, settings)  # first: a refusal needs none of what follows
    from inburgering_tui.export.pip_export import ExportError, export_pip

    try:
        case_id = find_case(store, args.case)
        result = export_pip(
            store,
            forms_for(settings)[settings.intake_form],
            settings,
            case_id,
            home=vault.home,
            out=args.out,
            today=date.today(),
            key_passphrase=key_passphrase,
        )
    except ExportError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    kind = "signed beschikking" if result.signed else "CONCEPT (not set yet, not signed)"
    print(f"{result.path} ({kind}, {result.pages} pages)")


def cmd_verify(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.export.pki import CA_CERT, PKI_DIR
    from inburgering_tui.export.signing import verify

    ca_path = args.ca or Vault().home / PKI_DIR / CA_CERT
    verdict = verify(args.file.read_bytes(), ca_path.read_bytes())  # OSError: said by main
    if verdict.problem:
        print(f"INVALID: {verdict.problem}")
        raise SystemExit(1)
    print(f"signer:     {verdict.signer}")
    print(f"signed at:  {verdict.signed_at.isoformat() if verdict.signed_at else 'unknown'}")
    print(f"integrity:  {'intact' if verdict.intact else 'BROKEN'}")
    print(f"trust:      {'trusted (' + str(ca_path) + ')' if verdict.trusted else 'NOT trusted'}")
    print(
        f"changes:    {'none after signing' if verdict.unchanged_since_signing else 'CHANGED after signing'}"
    )
    print("VALID" if verdict.valid else "INVALID")
    if not verdict.valid:
        raise SystemExit(1)


def cmd_audit_verify(_args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.store.audit_anchor import read_log, seal_problem
    from inburgering_tui.store.audit_chain import first_broken_link
    from inburgering_tui.store.triggers import inspect_triggers

    vault = Vault()
    vault.check()  # a missing or damaged store is refused before the passphrase is asked
    # Read-only, as `check`: what is found stays as found; the next open for work repairs.
    passphrase = passphrase_for()
    store = vault.unlock(passphrase, settings.consultant, read_only=True)
    try:
        with store.engine.connect() as conn, conn.begin():
            events, seal = read_log(conn)
            triggers = inspect_triggers(conn)
    finally:
        store.close()
    broken = first_broken_link(events)
    if broken is not None:
        print(f"audit log BROKEN at event {broken.event_id}: {broken.why}")
    # The chain holds after the last events were removed, or after every hash was recomputed:
    # the seal is what still tells.
    sealed = seal_problem(events, seal, store.seal_key) if store.seal_key else None
    if sealed is not None:
        print(f"audit log BROKEN: {sealed}")
    if not triggers.whole:
        names = ", ".join([*triggers.missing, *triggers.changed])
        print(
            f"audit log UNGUARDED: triggers missing or changed: {names} "
            "(put back the next time the store opens)"
        )
    if broken is not None or sealed is not None or not triggers.whole:
        raise SystemExit(1)
    seal_note = f"; sealed up to event {seal.event_id}" if seal and store.seal_key else ""
    print(f"audit log intact: {len(events)} events, every link holds{seal_note}")


def cmd_backup(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.store.backup import BackupError, backup

    vault = Vault()
    vault.check()
    key = vault.keyfile.unlock(passphrase_for())
    try:
        info = backup(vault, key, args.file)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(
        f"backup written to {args.file} (last change {info.last_change or 'none'}); still encrypted"
    )


def cmd_restore(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.store.backup import BackupError, restore

    vault = Vault()
    try:
        done = restore(vault, args.file, passphrase_for(), force=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    if done.keys_only:
        print(
            f"keys.json restored from {args.file} (backup of {done.info.created_at}); "
            "the database here opens with it and was kept as it is"
        )
    else:
        print(f"store restored from {args.file} (backup of {done.info.created_at})")
    if done.kept:
        print(f"the damaged files it replaced are kept in {done.kept}")
