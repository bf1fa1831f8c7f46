"""What every ``inburgering`` command shares: errors, forms, and opening the store."""

from __future__ import annotations

import getpass
import os
import sys

from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.domain.forms import Form
from inburgering_tui.settings import Settings
from inburgering_tui.store.keys import MIN_PASSPHRASE_LENGTH
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault


class CliError(Exception):
    """A problem to report in one line, with exit status 2."""


def forms_for(settings: Settings) -> dict[str, Form]:
    forms = load_forms(settings.forms_dir)
    if settings.intake_form not in forms:
        raise CliError(f"{settings.forms_dir}: no form with id '{settings.intake_form}'")
    return forms


def passphrase_for(vault: Vault, *, confirm_new: bool = True) -> str:
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


def open_store(vault: Vault, settings: Settings) -> Store:
    passphrase = passphrase_for(vault)
    if vault.is_initialised():
        return vault.unlock(passphrase, settings.consultant)
    return vault.create(passphrase, settings.consultant)


def key_passphrase() -> str:
    """The PKCS#12 passphrase: INBURGERING_KEY_PASSPHRASE for scripts, else asked for."""
    from_env = os.environ.get("INBURGERING_KEY_PASSPHRASE")
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError("no key passphrase: set INBURGERING_KEY_PASSPHRASE or run in a terminal")
    return getpass.getpass("Wachtwoordzin voor de sleutels: ")


def find_case(store: Store, reference: str) -> str:
    """A case by its id or the first characters of it (as `cases list` prints them)."""
    matches = [c.id for c in store.list_cases() if c.id.startswith(reference.lower())]
    if len(matches) != 1:
        raise CliError(f"{'no' if not matches else 'more than one'} case matches '{reference}'")
    return matches[0]
