"""What every ``inburgering`` command shares: errors, forms, and opening the store."""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.settings import Settings
from inburgering_tui.store.keys import MIN_PASSPHRASE_LENGTH
from inburgering_tui.store.vault import Vault

if TYPE_CHECKING:
    # The store's tables load only when a store opens: a command that refuses says so at once.
    from inburgering_tui.domain.forms import Form
    from inburgering_tui.store.repository import Store


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def forms_for(settings: Settings) -> dict[str, Form]:
    forms = load_forms(settings.forms_dir)
    if settings.intake_form not in forms:
        raise CliError(f"{settings.forms_dir}: no form with id '{settings.intake_form}'")
    return forms


def passphrase_for(*, new: bool = False) -> str:
    """INBURGERING_PASSPHRASE for scripts (as restic and borg do), else ask on the terminal;
    a ``new`` one twice."""
    if new:
        return new_secret("INBURGERING_PASSPHRASE", N_("Wachtwoordzin: "))
    return _secret("INBURGERING_PASSPHRASE", N_("Wachtwoordzin: "))


def new_secret(variable: str, prompt: str) -> str:
    """A new passphrase: from ``variable`` as it is, or typed twice on the terminal."""
    from_env = os.environ.get(variable)
    if from_env:
        chosen = from_env
    else:
        chosen = _secret(variable, prompt)
        if getpass.getpass(_("Herhaal de wachtwoordzin: ")) != chosen:
            raise CliError(_("De twee wachtwoordzinnen zijn niet gelijk. Er is niets veranderd."))
    if len(chosen) < MIN_PASSPHRASE_LENGTH:
        raise CliError(
            _("De wachtwoordzin is te kort: gebruik minstens {n} tekens.").format(
                n=MIN_PASSPHRASE_LENGTH
            )
        )
    return chosen


def _secret(variable: str, prompt: str) -> str:
    from_env = os.environ.get(variable)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError(
            _("Geen wachtwoordzin: zet {variable} of start in een terminal.").format(
                variable=variable
            )
        )
    return getpass.getpass(_(prompt))


def open_store(vault: Vault, settings: Settings) -> Store:
    """The store as it is: refused (before the passphrase is asked) when there is none or it
    is damaged. Commands never create a store; the app's first start and the demo do."""
    vault.check()
    return vault.unlock(passphrase_for(), settings.consultant)


def create_or_open_store(vault: Vault, settings: Settings) -> Store:
    """For set-up commands (the demo): a new store where there is none, else the one here."""
    if vault.is_new():
        return vault.create(passphrase_for(new=True), settings.consultant)
    return open_store(vault, settings)


def key_passphrase() -> str:
    """The PKCS#12 passphrase: INBURGERING_KEY_PASSPHRASE for scripts, else asked for."""
    return _secret("INBURGERING_KEY_PASSPHRASE", N_("Wachtwoordzin voor de sleutels: "))


def find_case(store: Store, reference: str) -> str:
    """A case by its id or the first characters of it (as `cases list` prints them)."""
    matches = [c.id for c in store.list_cases() if c.id.startswith(reference.lower())]
    if len(matches) != 1:
        raise CliError(f"{'no' if not matches else 'more than one'} case matches '{reference}'")
    return matches[0]
