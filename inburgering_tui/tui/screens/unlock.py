"""Unlock the store with the passphrase, or choose one on first run.

"Create" is offered only where neither file of a store exists. Where one is missing or damaged,
the screen says so (before any passphrase is typed) and offers no way to make a new store over
it; Enter looks again, e.g. after a backup was put back in another terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, LoadingIndicator, Static

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.engine import StoreLocked
from inburgering_tui.store.keys import MIN_PASSPHRASE_LENGTH, KeyFileError
from inburgering_tui.store.problems import NoStore, StoreProblem
from inburgering_tui.store.repository import Store
from inburgering_tui.tui.failures import describe_failure
from inburgering_tui.tui.read_only import ReadOnlyBanner
from inburgering_tui.tui.work import WorkScreen

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp
    from inburgering_tui.tui.follow import FollowApp


class UnlockScreen(WorkScreen[None]):
    """Full-screen and opaque: when the app locks itself, nothing of the case shows through.

    Opening runs as long work (argon2id takes a noticeable moment by design); it has no steps to
    stop between, so there is no Esc here."""

    BINDINGS = [
        Binding("enter", "look_again", N_("Opnieuw kijken"), id="unlock.look_again"),
    ]
    # WrongPassphrase and every StoreProblem are Refusals: each says what is wrong in a sentence.
    EXPECTED = (Refusal, KeyFileError, StoreLocked, OSError)
    WORK_FAILED = N_("De opslag kon niet worden geopend: {reason}")

    if TYPE_CHECKING:
        # The consultant's app and the interpreter's both unlock through this screen.
        app: getters.app[InburgeringApp | FollowApp]

    def __init__(self, *, create: bool, relock: bool = False, may_create: bool = True) -> None:
        super().__init__(id="unlock")
        self.create = create
        self.relock = relock
        self.may_create = may_create  # the interpreter's view only ever opens
        self.problem: StoreProblem | None = None

    def compose(self) -> ComposeResult:
        if not self.create:
            self.problem = self._file_problem()
        with Center(), Vertical(id="unlock-box"):
            yield Static(self._title(), id="unlock-title")
            yield Static(self._explanation(), id="unlock-text", markup=False)
            if self.problem is not None:
                yield Static(
                    _("Enter kijkt opnieuw; Ctrl+Q sluit af. Er wordt hier niets aangemaakt."),
                    classes="hint",
                )
                return
            yield Input(password=True, placeholder=_("Wachtwoordzin"), id="passphrase")
            if self.create:
                yield Input(
                    password=True, placeholder=_("Herhaal de wachtwoordzin"), id="passphrase2"
                )
            yield Label("", id="unlock-error", classes="error", markup=False)
            if self.app.unlock_hint:
                yield Static(self.app.unlock_hint, classes="hint")
            holder = getattr(self.app, "read_only_holder", None)  # the interpreter's has none
            if holder is not None:
                yield ReadOnlyBanner(holder)
            yield LoadingIndicator(id="unlock-busy")

    def on_mount(self) -> None:
        if self.problem is None:
            self.query_one("#unlock-busy").display = False
            self.query_one("#passphrase", Input).focus()

    def _file_problem(self) -> StoreProblem | None:
        # Stat and a small JSON read: quick enough for the UI thread, and known before any key.
        try:
            self.app.vault.check()
        except NoStore as problem:
            if not self.may_create:
                return problem
            self.create = True  # both files gone (looked again): a first start after all
        except StoreProblem as problem:
            return problem
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "look_again":
            return self.problem is not None
        return True

    async def action_look_again(self) -> None:
        await self.recompose()  # compose looks again
        if self.problem is None:
            self.on_mount()
        self.refresh_bindings()

    def _title(self) -> str:
        if self.problem is not None:
            return _("De opslag kan niet worden geopend")
        if self.create:
            return _("Nieuwe versleutelde opslag")
        if self.relock:
            return _("Vergrendeld")
        return _("Opslag ontgrendelen")

    def _explanation(self) -> str:
        if self.problem is not None:
            return str(self.problem)
        if self.create:
            return _(
                "Kies een wachtwoordzin van minstens {n} tekens. Alle gegevens op deze laptop "
                "worden ermee versleuteld. Zonder wachtwoordzin zijn ze niet te lezen."
            ).format(n=MIN_PASSPHRASE_LENGTH)
        if self.relock:
            return _("De opslag is vergrendeld omdat u een tijd niets deed. Typ de wachtwoordzin.")
        return _("Typ de wachtwoordzin van de opslag en druk op Enter.")

    def _error(self, message: str) -> None:
        label = self.query_one("#unlock-error", Label)
        label.update(message)
        label.display = bool(message)  # an empty error label would show as a red bar

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
        create, app = self.create, self.app
        self.start_work(
            lambda _job: app.open_store(first, create=create),
            "",
        )

    def show_busy(self, busy: bool, doing: str) -> None:
        self.query_one("#unlock-busy").display = busy
        for field in self.query(Input):
            field.disabled = busy

    def say(self, text: str) -> None:
        self._error(text)

    def work_failed(self, error: BaseException | None) -> None:
        if isinstance(error, Refusal):
            # A wrong passphrase, a damaged or cut-short store, a read-only folder, a full disk.
            self.say(str(error))
        elif isinstance(error, KeyFileError):
            self.say(_("De sleutel van de opslag is niet leesbaar: {e}").format(e=error))
        elif isinstance(error, StoreLocked):
            # The passphrase was right (it unwrapped the key), yet the database does not open.
            self.say(
                _(
                    "De wachtwoordzin klopt, maar het databasebestand is beschadigd of hoort niet "
                    "bij deze sleutel. Er is niets veranderd; zet zo nodig een back-up terug "
                    "(inburgering restore)."
                )
            )
        else:
            self.say(_(self.WORK_FAILED).format(reason=describe_failure(error)))
        self.ready_again()

    def ready_again(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.query_one("#passphrase", Input).focus()

    def work_done(self, store: Store) -> None:
        self.app.store_opened(store)
