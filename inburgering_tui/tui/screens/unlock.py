"""Unlock the store with the passphrase, or choose one on first run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, LoadingIndicator, Static

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.store.keys import MIN_PASSPHRASE_LENGTH, KeyFileError, WrongPassphrase
from inburgering_tui.store.repository import Store

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp
    from inburgering_tui.tui.follow import FollowApp


class UnlockScreen(Screen[None]):
    """Full-screen and opaque: when the app locks itself, nothing of the case shows through."""

    if TYPE_CHECKING:
        # The consultant's app and the interpreter's both unlock through this screen.
        app: getters.app[InburgeringApp | FollowApp]

    def __init__(self, *, create: bool, relock: bool = False) -> None:
        super().__init__(id="unlock")
        self.create = create
        self.relock = relock

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="unlock-box"):
            yield Static(self._title(), id="unlock-title")
            yield Static(self._explanation(), id="unlock-text")
            yield Input(password=True, placeholder=_("Wachtwoordzin"), id="passphrase")
            if self.create:
                yield Input(
                    password=True, placeholder=_("Herhaal de wachtwoordzin"), id="passphrase2"
                )
            yield Label("", id="unlock-error", classes="error", markup=False)
            if self.app.unlock_hint:
                yield Static(self.app.unlock_hint, classes="hint")
            yield LoadingIndicator(id="unlock-busy")

    def on_mount(self) -> None:
        self.query_one("#unlock-busy").display = False
        self.query_one("#passphrase", Input).focus()

    def _title(self) -> str:
        if self.create:
            return _("Nieuwe versleutelde opslag")
        if self.relock:
            return _("Vergrendeld")
        return _("Opslag ontgrendelen")

    def _explanation(self) -> str:
        if self.create:
            return _(
                "Kies een wachtwoordzin van minstens {n} tekens. Alle gegevens op deze laptop "
                "worden ermee versleuteld. Zonder wachtwoordzin zijn ze niet te lezen."
            ).format(n=MIN_PASSPHRASE_LENGTH)
        if self.relock:
            return _("De opslag is vergrendeld omdat u een tijd niets deed. Typ de wachtwoordzin.")
        return _("Typ de wachtwoordzin van de opslag en druk op Enter.")

    def _error(self, message: str) -> None:
        self.query_one("#unlock-error", Label).update(message)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        first = self.query_one("#passphrase", Input).value
        if self.create:
            if event.input.id == "passphrase":
                self.query_one("#passphrase2", Input).focus()
                return
            if len(first) < MIN_PASSPHRASE_LENGTH:
                self._error(
                    _("De wachtwoordzin is te kort: gebruik minstens {n} tekens.").format(
                        n=MIN_PASSPHRASE_LENGTH
                    )
                )
                return
            if first != self.query_one("#passphrase2", Input).value:
                self._error(_("De twee wachtwoordzinnen zijn niet gelijk."))
                return
        elif not first:
            self._error(_("Typ eerst de wachtwoordzin."))
            return
        self._error("")
        self.query_one("#unlock-busy").display = True
        for field in self.query(Input):
            field.disabled = True
        self._open(first)

    @work(thread=True, exclusive=True, exit_on_error=False, group="unlock")
    def _open(self, passphrase: str) -> None:
        # argon2id takes a noticeable moment by design: keep it off the UI thread.
        app = self.app
        actor = app.settings.consultant
        vault = app.vault
        try:
            store = (
                vault.create(passphrase, actor) if self.create else vault.unlock(passphrase, actor)
            )
        except WrongPassphrase:
            app.call_from_thread(
                self._failed, _("Deze wachtwoordzin klopt niet. Er is niets veranderd.")
            )
        except KeyFileError as exc:
            app.call_from_thread(
                self._failed, _("De sleutel van de opslag is niet leesbaar: {e}").format(e=exc)
            )
        else:
            app.call_from_thread(self._opened, store)

    def _failed(self, message: str) -> None:
        self.query_one("#unlock-busy").display = False
        for field in self.query(Input):
            field.disabled = False
            field.value = ""
        self.query_one("#passphrase", Input).focus()
        self._error(message)

    def _opened(self, store: Store) -> None:
        self.app.store_opened(store)
