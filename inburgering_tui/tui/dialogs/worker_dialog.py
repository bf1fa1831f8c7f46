"""The base of every dialog that runs long work (PDFs, bundles, import, receipt, attachments).

Esc stops the work while it runs (at its next checkpoint, see ``tui.work``) and closes the
dialog otherwise. A failure or a stop is said in the dialog's ``WorkStatus`` line (an expected
failure under the field it is about, when the dialog names one in ``FAILURE_FIELD``) and gives
the fields back for another try; after success the dialog only closes.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, ProgressBar

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.tui.base import AppModal
from inburgering_tui.tui.failures import describe_failure
from inburgering_tui.tui.widgets.field import LabelledField, hold_input
from inburgering_tui.tui.work import WorkScreen

ResultT = TypeVar("ResultT")


class WorkStatus(Vertical):
    """A progress bar and the line under it that says how the work goes or how it ended.

    Its ids are ``{name}-progress`` and ``{name}-state``."""

    DEFAULT_CSS = "WorkStatus { height: auto; }"

    def __init__(self, name: str) -> None:
        super().__init__(id=f"{name}-status")
        self._name = name
        self.updates = 0  # bar redraws: progress is coalesced, a test counts them

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=1.0, show_eta=False, id=f"{self._name}-progress")
        yield Label("", id=f"{self._name}-state", markup=False)

    def show_progress(self, done: float) -> None:
        self.updates += 1
        self.query_one(ProgressBar).update(progress=done)

    def restart(self) -> None:
        self.query_one(ProgressBar).update(progress=0)

    def say(self, text: str) -> None:
        self.query_one(Label).update(text)


class WorkerDialog(WorkScreen[ResultT], AppModal[ResultT]):
    """Subclasses compose one ``WorkStatus``, call ``start_work`` and say in ``outcome`` what
    the dialog is dismissed with."""

    BINDINGS = [
        Binding("escape", "stop_work", N_("Stoppen"), id="dialog.stop"),
        Binding("escape", "close", N_("Sluiten"), id="dialog.cancel"),
    ]

    FAILURE_FIELD = ""  # the control id of a LabelledField that EXPECTED failures are said under

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # One key, two meanings: the binding that does not apply steps aside for the other.
        if action == "stop_work":
            return self.busy
        if action == "close":
            return not self.busy
        return True

    def action_stop_work(self) -> None:
        self.stop_work()

    def action_close(self) -> None:
        self.dismiss(self.outcome())

    def outcome(self) -> Any:
        """What the dialog gives back when it closes."""
        return None

    # -- WorkScreen hooks ----------------------------------------------------------------------

    def show_busy(self, busy: bool, doing: str) -> None:
        if busy:
            hold_input(self, True)  # a second Enter starts nothing
            self.status.restart()
            self.say(_("{doing} Esc: stoppen.").format(doing=doing))

    def show_progress(self, done: float) -> None:
        self.status.show_progress(done)

    def say(self, text: str) -> None:
        self.status.say(text)

    def work_failed(self, error: BaseException | None) -> None:
        if not (self.FAILURE_FIELD and isinstance(error, self.EXPECTED)):
            super().work_failed(error)
            return
        # A refusal of what was typed there (a file that is no PDF): said under it.
        self.say("")
        self.query_one(f"#field-{self.FAILURE_FIELD}", LabelledField).show_error(
            _(self.WORK_FAILED).format(reason=describe_failure(error))
        )
        self.ready_again()

    def ready_again(self) -> None:
        """Fields back; a passphrase is typed again (it may be what failed)."""
        hold_input(self, False)
        inputs = list(self.query(Input))
        secret = [field for field in inputs if field.password]
        for field in secret:
            field.value = ""
        if secret or inputs:
            (secret or inputs)[0].focus()

    @property
    def status(self) -> WorkStatus:
        return self.query_one(WorkStatus)
