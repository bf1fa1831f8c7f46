"""The ``inburgering`` command: the TUI, the demo, and non-interactive commands for scripts."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from inburgering_tui.domain.form_loader import FormError, load_forms
from inburgering_tui.domain.forms import Form
from inburgering_tui.settings import Settings, config_path
from inburgering_tui.store.keys import MIN_PASSPHRASE_LENGTH, KeyFileError, WrongPassphrase
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

DEMO_PASSPHRASE = "demo-wachtwoordzin"


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def _forms(settings: Settings) -> dict[str, Form]:
    forms = load_forms(settings.forms_dir)
    if settings.intake_form not in forms:
        raise CliError(f"{settings.forms_dir}: no form with id '{settings.intake_form}'")
    return forms


def _passphrase(vault: Vault, *, confirm_new: bool = True) -> str:
    """INBURGERING_PASSPHRASE for scripts (as restic and borg do), else ask on the terminal."""
    from_env = os.environ.get("INBURGERING_PASSPHRASE")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError("no passphrase: set INBURGERING_PASSPHRASE or run in a terminal")
    first = getpass.getpass("Wachtwoordzin: ")
    if not vault.is_initialised() and confirm_new:
        if len(first) < MIN_PASSPHRASE_LENGTH:
            raise CliError(f"the passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")
        if getpass.getpass("Herhaal de wachtwoordzin: ") != first:
            raise CliError("the two passphrases differ")
    return first


def _open_store(vault: Vault, settings: Settings) -> Store:
    passphrase = _passphrase(vault)
    if vault.is_initialised():
        return vault.unlock(passphrase, settings.consultant)
    return vault.create(passphrase, settings.consultant)


def run_tui(
    settings: Settings, vault: Vault, store: Store | None = None, unlock_hint: str = ""
) -> None:
    from inburgering_tui.tui.app import InburgeringApp

    forms = _forms(settings)
    if store is None and os.environ.get("INBURGERING_PASSPHRASE") and vault.is_initialised():
        store = vault.unlock(os.environ["INBURGERING_PASSPHRASE"], settings.consultant)
    InburgeringApp(vault, forms, settings, store=store, unlock_hint=unlock_hint).run()


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.demo import populate

    forms = _forms(settings)
    form = forms[settings.intake_form]
    if args.no_ui:
        vault = Vault()
        store = _open_store(vault, settings)
        populate(store, form, args.cases, seed=args.seed)
        print(f"{args.cases} demo cases written to {vault.home}")
        store.close()
        return
    # A throw-away store: nothing of the demo stays behind after the app closes.
    with tempfile.TemporaryDirectory(prefix="inburgering-demo-") as home:
        vault = Vault(Path(home))
        store = vault.create(DEMO_PASSPHRASE, settings.consultant or "demo")
        populate(store, form, args.cases, seed=args.seed)
        run_tui(settings, vault, store, unlock_hint=f"Demo: {DEMO_PASSPHRASE}")


def cmd_cases_list(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.overview import case_overviews

    form = _forms(settings)[settings.intake_form]
    store = _open_store(Vault(), settings)
    overviews = case_overviews(
        store, form, date.today(), settings.local_practice, search=args.search or "", sort=args.sort
    )
    store.close()
    rows: list[dict[str, Any]] = []
    for item in overviews:
        case, walk = item.case, item.walk
        done, total = walk.progress()
        upcoming = item.next_deadline
        rows.append(
            {
                "id": case.id,
                "given_names": case.given_names,
                "family_name": case.family_name,
                "v_nummer": case.v_nummer,
                "doelgroep": case.doelgroep,
                "date_of_birth": _iso(case.date_of_birth),
                "koppelingsdatum": _iso(case.koppelingsdatum),
                "kennisgeving_date": _iso(case.kennisgeving_date),
                "brp_date": _iso(case.brp_date),
                "consultant": case.consultant,
                "intake": {
                    "form_id": form.id,
                    "domains_done": done,
                    "domains_total": total,
                    "domains": {s.id: walk.status(s).value for s in form.sections},
                },
                "next_deadline": upcoming.as_json() if upcoming else None,
                "deadlines": [deadline.as_json() for deadline in item.deadlines],
            }
        )
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for item in overviews:
        done, total = item.walk.progress()
        first = item.next_deadline
        due = f"  {first.rule} {first.due} ({first.status.value})" if first else ""
        print(
            f"{item.case.id[:8]}  {item.case.family_name}, {item.case.given_names}  "
            f"{item.case.doelgroep}  intake {done}/{total}{due}"
        )


def cmd_cases_import(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.domain.koppelingen import ImportFileError, plan_import, read_rows
    from inburgering_tui.i18n.catalogs import _, set_ui_language

    set_ui_language(settings.ui_language)
    path: Path = args.file
    try:
        rows = read_rows(path.name, path.read_bytes())
    except (OSError, ImportFileError) as exc:
        raise CliError(str(exc)) from None
    store = _open_store(Vault(), settings)
    known_v, known_bsn = store.known_identifiers()
    plan = plan_import(rows, date.today(), known_v, known_bsn)
    # The file name, not its content, goes into the audit log.
    created = store.create_cases(plan.accepted, source=path.name) if plan.accepted else []
    store.close()
    for rejected in plan.rejected:
        reasons = "; ".join(
            f"{field}: {_(why.msgid).format(**why.params)}" for field, why in rejected.problems
        )
        print(f"row {rejected.row}: rejected: {reasons}", file=sys.stderr)
    print(f"{len(created)} imported, {len(plan.rejected)} rejected")
    if plan.rejected:
        raise SystemExit(1)


def cmd_follow(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.i18n.catalogs import available_languages
    from inburgering_tui.tui.follow import FollowApp

    if args.lang not in available_languages():
        raise CliError(
            f"no catalogue for '{args.lang}'; available: {', '.join(available_languages())}"
        )
    vault = Vault()
    if not vault.is_initialised():
        raise CliError(f"no store in {vault.home}: start the app first")
    store = None
    if os.environ.get("INBURGERING_PASSPHRASE"):
        store = vault.unlock(os.environ["INBURGERING_PASSPHRASE"], read_only=True)
    FollowApp(vault, _forms(settings), settings, args.lang, store=store).run()


def _key_passphrase() -> str:
    """The PKCS#12 passphrase: INBURGERING_KEY_PASSPHRASE for scripts, else asked for."""
    from_env = os.environ.get("INBURGERING_KEY_PASSPHRASE")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError("no key passphrase: set INBURGERING_KEY_PASSPHRASE or run in a terminal")
    return getpass.getpass("Wachtwoordzin voor de sleutels: ")


def cmd_keys_init(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, create_dev_pki

    vault = Vault()
    if not vault.is_initialised():
        raise CliError(f"no store in {vault.home}: start the app first")
    data_key = vault.keyfile.unlock(_passphrase(vault))  # wrapped for the back office below
    key_passphrase = _key_passphrase()
    if len(key_passphrase) < MIN_PASSPHRASE_LENGTH:
        raise CliError(f"the key passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")
    try:
        made = create_dev_pki(
            vault.home,
            key_passphrase,
            municipality=args.municipality,
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
        identity = use_consultant_p12(vault.home, args.file, _key_passphrase())
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
    data_key = vault.keyfile.unlock(_passphrase(vault))
    vault.keyfile.add_recovery(data_key, certificate.public_bytes(serialization.Encoding.PEM))
    print(f"The store's key is now also wrapped for {certificate.subject.rfc4514_string()}")


def cmd_recover(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.export.pki import PkiError, load_identity

    vault = Vault()
    if not vault.is_initialised():
        raise CliError(f"no store in {vault.home}")
    try:
        identity = load_identity(args.key, _key_passphrase())
    except PkiError as exc:
        raise CliError(str(exc)) from None
    new = os.environ.get("INBURGERING_NEW_PASSPHRASE") or getpass.getpass("Nieuwe wachtwoordzin: ")
    if len(new) < MIN_PASSPHRASE_LENGTH:
        raise CliError(f"the passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")
    vault.keyfile.recover(identity.key, new)
    vault.unlock(new).close()  # proves the store opens under the new passphrase
    print("Store recovered: it opens with the new passphrase; nothing was lost.")


def _find_case(store: Store, reference: str) -> str:
    """A case by its id or the first characters of it (as `cases list` prints them)."""
    matches = [c.id for c in store.list_cases() if c.id.startswith(reference.lower())]
    if len(matches) != 1:
        raise CliError(f"{'no' if not matches else 'more than one'} case matches '{reference}'")
    return matches[0]


def cmd_pdf(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.export.pip_export import ExportError, export_pip

    vault = Vault()
    store = _open_store(vault, settings)
    try:
        case_id = _find_case(store, args.case)
        result = export_pip(
            store,
            _forms(settings)[settings.intake_form],
            settings,
            case_id,
            home=vault.home,
            out=args.out,
            today=date.today(),
            key_passphrase=_key_passphrase,
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
    try:
        verdict = verify(args.file.read_bytes(), ca_path.read_bytes())
    except OSError as exc:
        raise CliError(str(exc)) from None
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
    from inburgering_tui.store.audit_chain import first_broken_link

    store = _open_store(Vault(), settings)
    events = store.audit_events()
    store.close()
    broken = first_broken_link(events)
    if broken is None:
        print(f"audit log intact: {len(events)} events, every link holds")
        return
    print(f"audit log BROKEN at event {broken.event_id}: {broken.why}")
    raise SystemExit(1)


def cmd_backup(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.store.backup import BackupError, backup

    vault = Vault()
    if not vault.is_initialised():
        raise CliError(f"no store in {vault.home}")
    key = vault.keyfile.unlock(_passphrase(vault))
    try:
        info = backup(vault, key, args.file)
    except (BackupError, OSError) as exc:
        raise CliError(str(exc)) from None
    print(
        f"backup written to {args.file} (last change {info.last_change or 'none'}); still encrypted"
    )


def cmd_restore(args: argparse.Namespace, _settings: Settings) -> None:
    from inburgering_tui.store.backup import BackupError, restore

    vault = Vault()
    try:
        info = restore(vault, args.file, _passphrase(vault, confirm_new=False), force=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"store restored from {args.file} (backup of {info.created_at})")


def cmd_passphrase(_args: argparse.Namespace, _settings: Settings) -> None:
    vault = Vault()
    if not vault.is_initialised():
        raise CliError(f"no store in {vault.home}")
    old = os.environ.get("INBURGERING_PASSPHRASE") or getpass.getpass("Huidige wachtwoordzin: ")
    new = os.environ.get("INBURGERING_NEW_PASSPHRASE") or getpass.getpass("Nieuwe wachtwoordzin: ")
    if len(new) < MIN_PASSPHRASE_LENGTH:
        raise CliError(f"the passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")
    vault.keyfile.change_passphrase(old, new)
    print("Passphrase changed; the data itself was not rewritten.")


def cmd_forms_check(_args: argparse.Namespace, settings: Settings) -> None:
    for form in _forms(settings).values():
        questions = sum(len(s.all_questions) for s in form.sections)
        print(f"{form.id} v{form.version}: {len(form.sections)} sections, {questions} questions")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inburgering", description="Brede intake and PIP for the Wet inburgering 2021."
    )
    parser.add_argument("--home", type=Path, help="data directory (default: INBURGERING_HOME)")
    commands = parser.add_subparsers(dest="command")

    demo = commands.add_parser("demo", help="open the app on a throw-away store with demo cases")
    demo.add_argument("--cases", type=int, default=24, help="how many cases to generate")
    demo.add_argument("--seed", type=int, default=2021, help="random seed (same seed, same cases)")
    demo.add_argument(
        "--no-ui", action="store_true", help="fill the store at INBURGERING_HOME and exit"
    )
    demo.set_defaults(handler=cmd_demo)

    cases = commands.add_parser("cases", help="work with cases from scripts")
    case_commands = cases.add_subparsers(dest="cases_command", required=True)
    listing = case_commands.add_parser("list", help="print the cases")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.add_argument("--search", help="only cases whose name or V-nummer contains this")
    listing.add_argument(
        "--sort", default="name", choices=["name", "updated", "created", "koppeling"]
    )
    listing.set_defaults(handler=cmd_cases_list)

    follow = commands.add_parser(
        "follow", help="interpreter view: follow the live interview in a second terminal"
    )
    follow.add_argument("--lang", required=True, help="the person's language, e.g. ar, ti, fa")
    follow.set_defaults(handler=cmd_follow)

    importing = case_commands.add_parser(
        "import", help="pre-register cases from a koppelingen list (CSV or JSON)"
    )
    importing.add_argument("file", type=Path, help="CSV with a header row, or a JSON list")
    importing.set_defaults(handler=cmd_cases_import)

    passphrase = commands.add_parser("passphrase", help="change the store's passphrase")
    passphrase.set_defaults(handler=cmd_passphrase)

    keys = commands.add_parser("keys", help="the consultant's and back office's keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    init = key_commands.add_parser("init", help="create a development CA and keys")
    init.add_argument("--municipality", default="Gemeente Voorbeeld", help="organisation name")
    init.add_argument("--consultant", default="Consulent", help="name on the certificate")
    init.set_defaults(handler=cmd_keys_init)
    use = key_commands.add_parser("use", help="use a municipal PKCS#12 (e.g. PKIoverheid)")
    use.add_argument("file", type=Path, help="the consultant's .p12 file")
    use.set_defaults(handler=cmd_keys_use)
    recovery = key_commands.add_parser(
        "recovery", help="wrap the store's key for a back-office certificate"
    )
    recovery.add_argument("certificate", type=Path, help="the back office's certificate (PEM)")
    recovery.set_defaults(handler=cmd_keys_recovery)

    backup = commands.add_parser("backup", help="write an encrypted, consistent copy of the store")
    backup.add_argument("file", type=Path)
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="put a backup in place")
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--force", action="store_true", help="also replace a store with newer changes"
    )
    restore.set_defaults(handler=cmd_restore)

    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_verify = audit_commands.add_parser("verify", help="check every link of the hash chain")
    audit_verify.set_defaults(handler=cmd_audit_verify)

    pdf = commands.add_parser("pdf", help="write the PIP PDF (signed when set, else CONCEPT)")
    pdf.add_argument("case", help="the case id, or its first characters")
    pdf.add_argument("--out", type=Path, help="output file (default: exports/)")
    pdf.set_defaults(handler=cmd_pdf)

    verify = commands.add_parser("verify", help="check a signed PIP PDF")
    verify.add_argument("file", type=Path)
    verify.add_argument("--ca", type=Path, help="CA certificate (default: the data directory's)")
    verify.set_defaults(handler=cmd_verify)

    recover = commands.add_parser(
        "recover", help="open a store whose passphrase is lost, with the back office's key"
    )
    recover.add_argument("--key", type=Path, required=True, help="the back office's .p12 file")
    recover.set_defaults(handler=cmd_recover)

    forms = commands.add_parser("forms", help="check the interview forms")
    forms.set_defaults(handler=cmd_forms_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.home:
        os.environ["INBURGERING_HOME"] = str(args.home)
    try:
        try:
            settings = Settings()
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise CliError(f"settings ({config_path()}): {problems}") from None
        handler = getattr(args, "handler", None)
        if handler is None:
            run_tui(settings, Vault())
        else:
            handler(args, settings)
    except FormError as exc:
        print(f"inburgering: the interview forms cannot be used:\n{exc}", file=sys.stderr)
        return 2
    except WrongPassphrase:
        print("inburgering: wrong passphrase; nothing was changed", file=sys.stderr)
        return 2
    except (CliError, KeyFileError) as exc:
        print(f"inburgering: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
