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
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from inburgering_tui.cli_attachments import add_commands as add_attachment_commands
from inburgering_tui.cli_check import add_commands as add_check_commands
from inburgering_tui.cli_support import (
    CliError,
    create_or_open_store,
    find_case,
    forms_for,
    new_secret,
    open_store,
)
from inburgering_tui.cli_sync import add_commands as add_sync_commands
from inburgering_tui.cli_trust import (
    cmd_audit_verify,
    cmd_backup,
    cmd_keys_init,
    cmd_keys_recovery,
    cmd_keys_use,
    cmd_pdf,
    cmd_recover,
    cmd_restore,
    cmd_verify,
)
from inburgering_tui.domain.form_loader import FormError
from inburgering_tui.i18n.catalogs import _, set_ui_language
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.settings import Settings, config_path
from inburgering_tui.store.keys import KeyFileError
from inburgering_tui.store.problems import StoreProblem, sqlite_problem
from inburgering_tui.store.vault import Vault

if TYPE_CHECKING:
    from inburgering_tui.store.repository import Store

DEMO_PASSPHRASE = "demo-wachtwoordzin"


def run_tui(
    settings: Settings,
    vault: Vault,
    store: Store | None = None,
    unlock_hint: str = "",
    *,
    back_office: bool = False,
    server_store: bool = False,
) -> None:
    from inburgering_tui.tui.app import InburgeringApp

    forms = forms_for(settings)
    app = InburgeringApp(
        vault,
        forms,
        settings,
        store=store,
        unlock_hint=unlock_hint,
        back_office=back_office,
        server_store=server_store,
    )
    if store is None and os.environ.get("INBURGERING_PASSPHRASE") and vault.is_initialised():
        # Through the app: it takes the instance lock first, or opens read-only without it.
        app.store = app.open_store(os.environ["INBURGERING_PASSPHRASE"], create=False)
    app.run()
    exit_on_crash(app.return_code)


def exit_on_crash(return_code: int | None) -> None:
    """An app that ended by an unexpected exception (return code 1) fails the command too."""
    if return_code:
        raise SystemExit(return_code)


def cmd_backoffice(args: argparse.Namespace, settings: Settings) -> None:
    """The back-office screen, on PostgreSQL with --db (or the setting), else the local store."""
    from inburgering_tui.cli_sync import open_office_store

    url = args.db or settings.database_url
    store = open_office_store(args, settings) if url else None
    run_tui(settings, Vault(), store, back_office=True, server_store=bool(url))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.demo import populate

    forms = forms_for(settings)
    form = forms[settings.intake_form]
    if args.no_ui:
        vault = Vault()
        store = create_or_open_store(vault, settings)
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
    store = open_store(Vault(), settings)  # first: a refusal needs none of what follows
    from inburgering_tui.overview import case_overviews

    form = forms_for(settings)[settings.intake_form]
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
    from inburgering_tui.domain.answers import format_date
    from inburgering_tui.domain.case_rules import DOELGROEP_LABELS
    from inburgering_tui.domain.deadlines import STATUS_LABELS
    from inburgering_tui.i18n.catalogs import _

    # For people: the UI language's words and Dutch dates; --json is for scripts.
    for item in overviews:
        done, total = item.walk.progress()
        first = item.next_deadline
        due = ""
        if first:
            when = format_date(first.due) if first.due else "–"
            due = f"  {first.rule} {_(first.title)}: {when} ({_(STATUS_LABELS[first.status])})"
        doelgroep = _(DOELGROEP_LABELS.get(item.case.doelgroep, item.case.doelgroep))
        print(
            f"{item.case.id[:8]}  {item.case.family_name}, {item.case.given_names}  "
            f"{doelgroep}  " + _("intake {done}/{total}").format(done=done, total=total) + due
        )


def cmd_cases_import(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.domain.koppelingen import ImportFileError
    from inburgering_tui.i18n.catalogs import _
    from inburgering_tui.services.case_registration import import_file

    path: Path = args.file
    data = path.read_bytes()  # a missing file: main says so in a sentence
    store = open_store(Vault(), settings)
    try:
        outcome = import_file(store, path.name, data, date.today())
    except ImportFileError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    for rejected in outcome.plan.rejected:
        reasons = "; ".join(
            f"{field}: {_(why.msgid).format(**why.params)}" for field, why in rejected.problems
        )
        print(f"row {rejected.row}: rejected: {reasons}", file=sys.stderr)
    print(f"{len(outcome.created)} imported, {len(outcome.plan.rejected)} rejected")
    if outcome.plan.rejected:
        raise SystemExit(1)


def cmd_intake_report(args: argparse.Namespace, settings: Settings) -> None:
    store = open_store(Vault(), settings)  # first: a refusal needs none of what follows
    from inburgering_tui.export.intake_report_export import ReportError, export_intake_report

    try:
        result = export_intake_report(
            store,
            forms_for(settings)[settings.intake_form],
            settings,
            find_case(store, args.case),
            out=args.out,
            today=date.today(),
            without_health=args.without_health,
        )
    except ReportError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    kind = "without health data" if result.without_health else "with health data"
    print(f"{result.path} (intake report, {kind}, {result.pages} pages)")


def cmd_follow(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.i18n.catalogs import available_languages
    from inburgering_tui.tui.follow import FollowApp

    if args.lang not in available_languages():
        raise CliError(
            f"no catalogue for '{args.lang}'; available: {', '.join(available_languages())}"
        )
    vault = Vault()
    vault.check()  # the interpreter's view never makes a store, nor opens a damaged one
    store = None
    if os.environ.get("INBURGERING_PASSPHRASE"):
        store = vault.unlock(os.environ["INBURGERING_PASSPHRASE"], read_only=True)
    app = FollowApp(vault, forms_for(settings), settings, args.lang, store=store)
    app.run()
    exit_on_crash(app.return_code)


def cmd_passphrase(_args: argparse.Namespace, _settings: Settings) -> None:
    vault = Vault()
    vault.check()
    old = os.environ.get("INBURGERING_PASSPHRASE") or getpass.getpass(_("Huidige wachtwoordzin: "))
    vault.keyfile.unlock(old)  # a wrong one is said before the new one is asked
    new = new_secret("INBURGERING_NEW_PASSPHRASE", N_("Nieuwe wachtwoordzin: "))
    vault.keyfile.change_passphrase(old, new)
    print("Passphrase changed; the data itself was not rewritten.")


def cmd_forms_check(_args: argparse.Namespace, settings: Settings) -> None:
    for form in forms_for(settings).values():
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
    init.add_argument(
        "--municipality", help="organisation name (default: the settings' municipality)"
    )
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

    report = commands.add_parser(
        "intake-report", help="the written record of the brede intake (PDF, not signed)"
    )
    report.add_argument("case", help="the case id, or its first characters")
    report.add_argument("--out", type=Path, help="output file (default: exports/)")
    report.add_argument(
        "--without-health",
        action="store_true",
        help="leave the health domains out (for copies that must not carry health data)",
    )
    report.set_defaults(handler=cmd_intake_report)

    verify = commands.add_parser("verify", help="check a signed PIP PDF")
    verify.add_argument("file", type=Path)
    verify.add_argument("--ca", type=Path, help="CA certificate (default: the data directory's)")
    verify.set_defaults(handler=cmd_verify)

    recover = commands.add_parser(
        "recover", help="open a store whose passphrase is lost, with the back office's key"
    )
    recover.add_argument("--key", type=Path, required=True, help="the back office's .p12 file")
    recover.set_defaults(handler=cmd_recover)

    add_sync_commands(commands, case_commands)
    add_attachment_commands(commands)
    add_check_commands(commands)
    office = commands.add_parser(
        "backoffice", help="the back-office screen: every case, imports, conflicts"
    )
    office.add_argument(
        "--db", help="postgresql://... (default: the setting, else the local store)"
    )
    office.set_defaults(handler=cmd_backoffice)

    forms = commands.add_parser("forms", help="check the interview forms")
    forms.set_defaults(handler=cmd_forms_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; every expected failure is one line on stderr and a non-zero status."""
    try:
        status = _run(argv)
        sys.stdout.flush()  # here, so a closed pipe is met inside the try
    except BrokenPipeError:
        # `inburgering cases list | head -1`: the reader has gone; say nothing more. Python's
        # own flush at exit would fail again on the same pipe, so point stdout at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return status


def _run(argv: list[str] | None) -> int:
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
        # Reasons meant for people (refused rows, refused bundles) come in the UI language.
        set_ui_language(settings.ui_language)
        handler = getattr(args, "handler", None)
        if handler is None:
            run_tui(settings, Vault())
        else:
            handler(args, settings)
    except FormError as exc:
        return _say(f"the interview forms cannot be used:\n{exc}", 2)
    except StoreProblem as exc:
        return _say(str(exc), 1)  # nothing was created or changed
    except (CliError, KeyFileError, Refusal) as exc:
        # A wrong passphrase, a refused file: 2; the store in use by another process: 1
        # (its refusals say so). Nothing was changed either way.
        return _say(str(exc), getattr(exc, "exit_status", 2))
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        return _say(_file_problem(exc), 1)
    except Exception as exc:
        said = sqlite_problem(exc, Vault().home, creating=False)
        if said is None:
            raise
        return _say(str(said), 1)
    return 0


def _say(reason: str, status: int) -> int:
    print(f"inburgering: {reason}", file=sys.stderr)
    return status


def _file_problem(error: OSError) -> str:
    from inburgering_tui.tui.failures import describe_failure

    return _(N_("Het is niet gelukt: {reason}")).format(reason=describe_failure(error))


if __name__ == "__main__":
    raise SystemExit(main())
