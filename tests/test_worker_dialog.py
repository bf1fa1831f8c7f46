"""Long work in dialogs, by keys: a failing worker says why and leaves the dialog usable, Esc
stops the work at its next checkpoint with nothing written, and progress is coalesced.

Work functions here wait on threading.Events, never on sleeps: every test is deterministic.
"""

from __future__ import annotations

import asyncio
import errno
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar

from inburgering_tui.domain.forms import Form
from inburgering_tui.export.files import write_atomically
from inburgering_tui.store.laptop_sync import LaptopSync
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.dialogs.bundle_export import BundleExportDialog
from inburgering_tui.tui.dialogs.export_pdf import ExportPdfDialog
from inburgering_tui.tui.dialogs.worker_dialog import WorkerDialog, WorkStatus
from inburgering_tui.tui.messages import WorkProgressed
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.unlock import UnlockScreen
from inburgering_tui.tui.work import Job

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app, type_text
from .sync_helpers import KEYS, make_laptop
from .work_gate import WAIT, Gate, until_ended

Work = Callable[[Job, str], Any]


class TryDialog(WorkerDialog[int]):
    """A worker dialog whose work the test gives; Enter in its one field starts it."""

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.work = work
        self.finished = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Input(id="name")
            yield WorkStatus("try")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        name = event.value
        self.start_work(lambda job: self.work(job, name), "Bezig...")

    def work_done(self, result: Any) -> None:
        self.finished += 1
        self.say(f"Klaar: {result}")
        self.ready_again()

    def outcome(self) -> int:
        return self.finished


def _state(pilot: Pilot[None], name: str = "try") -> str:
    return str(pilot.app.screen.query_one(f"#{name}-state").render())


async def _open(pilot: Pilot[None], dialog: WorkerDialog[Any]) -> None:
    await pilot.pause()
    await pilot.app.push_screen(dialog)
    await pilot.pause()


async def _app_still_answers(pilot: Pilot[None]) -> None:
    """The dialog is gone and the case list takes keys again: `b` opens the bundle dialog."""
    app = pilot.app
    assert isinstance(app.screen, CaseListScreen)
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, BundleExportDialog)
    await pilot.press("escape")
    await pilot.pause()
    assert isinstance(app.screen, CaseListScreen)


# -- a failure is said, and the dialog is usable again -----------------------------------------

PERSONAL = "Ṣāliḥ Nasser-Aydın (taalcafé)"


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            OSError(errno.ENOSPC, "No space left on device", "/media/usb/pip-2027-0042.pdf"),
            "/media/usb/pip-2027-0042.pdf: de schijf is vol",
        ),
        (ValueError(PERSONAL), "een onverwachte fout (ValueError); meld dit aan de beheerder"),
        (RuntimeError(PERSONAL), "een onverwachte fout (RuntimeError); meld dit aan de beheerder"),
    ],
    ids=["oserror", "valueerror", "runtimeerror"],
)
async def test_a_failing_worker_says_why_and_esc_closes_the_dialog(
    vault: Vault, forms: dict[str, Form], store: Store, error: Exception, said: str
) -> None:
    def work(_job: Job, _name: str) -> None:
        raise error

    dialog = TryDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await type_text(pilot, "Nasser-Aydın")
        await pilot.press("enter")
        await until_ended(pilot)
        state = _state(pilot)
        assert state == f"Het is niet gelukt: {said}"
        # What the work held (a name, an answer) never reaches the screen through an error.
        assert "Ṣāliḥ" not in state and "taalcafé" not in state
        assert not dialog.busy
        assert not dialog.query_one(Input).disabled
        await pilot.press("escape")
        await pilot.pause()
        await _app_still_answers(pilot)


async def test_after_a_failure_the_same_dialog_tries_again(
    vault: Vault, forms: dict[str, Form], store: Store
) -> None:
    names: list[str] = []

    def work(_job: Job, name: str) -> str:
        names.append(name)
        if len(names) == 1:
            raise ValueError(name)
        return name

    dialog = TryDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await type_text(pilot, "Nasser-Aydın")
        await pilot.press("enter")
        await until_ended(pilot)
        assert "onverwachte fout (ValueError)" in _state(pilot)
        await pilot.press("enter")  # the name is still there: Enter again
        await until_ended(pilot)
        assert _state(pilot) == "Klaar: Nasser-Aydın"
        assert names == ["Nasser-Aydın", "Nasser-Aydın"]
        await pilot.press("escape")
        await pilot.pause()
        await _app_still_answers(pilot)
    assert dialog.finished == 1


async def test_a_pdf_that_cannot_be_written_is_said_and_made_once_the_disk_is_fixed(
    isolated: Path, tmp_path: Path, forms: dict[str, Form]
) -> None:
    """The exports folder is a file: writing fails with an OSError the dialog once left
    unhandled (busy for good). Now it says so; Enter tries again once the file is gone."""
    from .test_pdf import _case

    case_id = _case(isolated, "ti", set_it=False)
    exports = tmp_path / "exports"
    exports.write_text("not a folder")
    vault = Vault(isolated)
    app = make_app(vault, forms, store=vault.unlock(PASSPHRASE), exports_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, ExportPdfDialog(case_id, needs_key=False))
        await until_ended(pilot)
        assert _state(pilot, "pdf") == (
            f"De PDF kon niet worden gemaakt: {exports}: is een bestand, geen map"
        )
        exports.unlink()
        await pilot.press("enter")
        await until_ended(pilot)
        assert _state(pilot, "pdf").startswith("Klaar: ")
        await pilot.press("escape")
        await pilot.pause()
    assert [p.name for p in exports.iterdir()] == [f"pip-{case_id[:8]}-v1-concept.pdf"]


async def test_a_store_that_does_not_open_leaves_the_unlock_screen_usable(
    vault: Vault, forms: dict[str, Form]
) -> None:
    vault.create(PASSPHRASE).close()
    vault.db_path.write_bytes(b"\0" * 8192)  # a damaged database file, the key file intact
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until_ended(pilot)
        screen = app.screen
        assert isinstance(screen, UnlockScreen) and not screen.busy
        said = str(screen.query_one("#unlock-error").render())
        assert said.startswith(f"De wachtwoordzin klopt, maar het databasebestand {vault.db_path}")
        assert "is beschadigd of hoort niet bij deze sleutel" in said
        assert not screen.query_one("#unlock-busy").display
        passphrase = screen.query_one("#passphrase", Input)
        assert not passphrase.disabled and passphrase.has_focus
        await type_text(pilot, "nog een poging")
        assert passphrase.value == "nog een poging"


# -- Esc stops the work at its next checkpoint -------------------------------------------------


async def test_esc_stops_the_work_at_its_next_checkpoint_and_nothing_is_written(
    vault: Vault, forms: dict[str, Form], store: Store, tmp_path: Path
) -> None:
    started, release = threading.Event(), threading.Event()
    out = tmp_path / "out"

    def work(job: Job, name: str) -> str:
        started.set()
        release.wait(WAIT)
        job.checkpoint()
        write_atomically(out / "pip-2027-0042.txt", name.encode())
        return name

    dialog = TryDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await type_text(pilot, "Nasser-Aydın")
        await pilot.press("enter")
        assert await asyncio.to_thread(started.wait, WAIT)
        assert _state(pilot) == "Bezig... Esc: stoppen."
        await pilot.press("escape")
        await pilot.pause()
        # Esc asked; the dialog stays until the thread reaches its checkpoint.
        assert isinstance(app.screen, TryDialog) and dialog.busy
        assert _state(pilot) == "Stoppen na de lopende stap..."
        release.set()
        await until_ended(pilot)
        assert _state(pilot) == "Gestopt: er is niets veranderd."
        assert not dialog.busy and not dialog.query_one(Input).disabled
        await pilot.press("escape")
        await pilot.pause()
        await _app_still_answers(pilot)
    assert not out.exists()
    assert dialog.finished == 0


async def test_esc_after_the_last_checkpoint_reports_the_work_as_done(
    vault: Vault, forms: dict[str, Form], store: Store, tmp_path: Path
) -> None:
    """Too late to stop: the file is written, and the dialog says so rather than "stopped"."""
    written, release = threading.Event(), threading.Event()
    out = tmp_path / "out" / "pip-2027-0042.txt"

    def work(job: Job, name: str) -> str:
        job.checkpoint()
        write_atomically(out, name.encode())
        written.set()
        release.wait(WAIT)
        return name

    dialog = TryDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await type_text(pilot, "Nasser-Aydın")
        await pilot.press("enter")
        assert await asyncio.to_thread(written.wait, WAIT)
        await pilot.press("escape")
        release.set()
        await until_ended(pilot)
        assert _state(pilot) == "Klaar: Nasser-Aydın"
        assert isinstance(app.screen, TryDialog)
    assert out.read_text() == "Nasser-Aydın"


async def test_a_stop_asked_before_the_work_started_ends_it_unstarted(
    vault: Vault, forms: dict[str, Form], store: Store
) -> None:
    """Textual leaves a task cancelled before its first step RUNNING for good; the base ends
    such work as stopped itself, so the dialog is not stuck."""
    ran = threading.Event()

    def work(_job: Job, _name: str) -> None:
        ran.set()

    dialog = TryDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        # No await between: the worker's task has not taken its first step.
        dialog.start_work(lambda job: work(job, ""), "Bezig...")
        dialog.stop_work()
        await until_ended(pilot)
        assert _state(pilot) == "Gestopt: er is niets veranderd."
        assert not dialog.busy
    assert not ran.is_set()


@pytest.mark.parametrize("gate", [0, 3], ids=["first-checkpoint", "last-before-writing"])
async def test_esc_stops_a_bundle_export_and_nothing_is_written_or_marked(
    isolated: Path,
    tmp_path: Path,
    forms: dict[str, Form],
    intake_form: Form,
    gate: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_laptop(isolated, intake_form, cases=3)
    exports = tmp_path / "exports"
    vault = Vault(isolated)
    store = vault.unlock(PASSPHRASE)
    audit_before = len(store.audit_events())
    held = Gate(gate)
    held.install(monkeypatch, BundleExportDialog)
    dialog = BundleExportDialog()
    app = make_app(vault, forms, store=store, exports_dir=exports)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await type_text(pilot, KEYS)
        await pilot.press("enter")
        await held.wait_reached()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
        held.release.set()
        await until_ended(pilot)
        assert _state(pilot, "bundle") == (
            "Gestopt: er is geen bundel gemaakt en er is niets veranderd."
        )
        assert not exports.exists() or list(exports.iterdir()) == []  # not even a .partial
        sync = LaptopSync(store)
        assert sync.exported_bundles() == []
        assert len(sync.pending().records) == 3
        assert len(store.audit_events()) == audit_before

        # The key field is empty again and takes the passphrase: this time it goes through.
        key = dialog.query_one("#key", Input)
        assert key.value == "" and key.has_focus
        await type_text(pilot, KEYS)
        await pilot.press("enter")
        await until_ended(pilot)
        assert _state(pilot, "bundle").startswith("Klaar: 3 zaken in ")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
    [bundle] = exports.iterdir()
    assert bundle.suffix == ".p7m"


# -- progress is coalesced ---------------------------------------------------------------------


class CountingDialog(TryDialog):
    """Counts the wake-ups the worker thread posts to the dialog."""

    wake_ups = 0

    def post_message(self, message: Any) -> bool:
        if isinstance(message, WorkProgressed):
            self.wake_ups += 1  # only ever one thread posts these
        return super().post_message(message)


async def test_many_progress_posts_make_one_redraw_with_the_newest_value(
    vault: Vault, forms: dict[str, Form], store: Store
) -> None:
    steps = 5000
    started, go, posted, release = (threading.Event() for _ in range(4))

    def work(job: Job, _name: str) -> int:
        started.set()
        go.wait(WAIT)
        for step in range(1, steps + 1):
            job.progress(step / steps)
        posted.set()
        release.wait(WAIT)
        return steps

    dialog = CountingDialog(work)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, dialog)
        await pilot.press("enter")
        assert await asyncio.to_thread(started.wait, WAIT)
        go.set()
        # Block the UI thread while the worker posts: every post lands before any is handled.
        assert posted.wait(WAIT)
        release.set()
        await until_ended(pilot)
        await pilot.pause(0.2)  # past the redraw timer, should it still be pending
        status = dialog.query_one(WorkStatus)
        assert dialog.wake_ups == 1  # 5000 posts, one wake-up of the screen
        assert status.updates == 1  # and one redraw of the bar
        assert dialog.query_one(ProgressBar).progress == 1.0  # with the newest value
        assert _state(pilot) == f"Klaar: {steps}"
