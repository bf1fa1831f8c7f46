"""One way to run long work from a screen: PDF, bundles, import, receipt, unlock.

The work runs in a thread and gets a ``Job``: it reports progress (coalesced: the screen redraws
at most every ``PROGRESS_INTERVAL`` with the newest value) and calls ``job.checkpoint()`` between
steps, which stops it once the person asked (Esc). One handler of ``Worker.StateChanged`` turns
the end of the work (done, stopped, or failed with whatever it raised) into what the screen
shows, so no screen stays busy once its work has ended.

Why an async worker that waits for a thread rather than ``@work(thread=True)``: Textual marks a
thread worker CANCELLED the moment ``cancel()`` is called, while its thread runs on to its next
checkpoint. A dialog would then offer a retry while the first attempt may still be writing. Here
the worker ends when its thread does, so its state is the truth: CANCELLED means the thread
stopped at a checkpoint before it wrote anything; SUCCESS that it finished, even if Esc came
after its last checkpoint.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.tui.failures import describe_failure
from inburgering_tui.tui.messages import WorkProgressed

PROGRESS_INTERVAL = 0.08  # seconds between redraws of the progress, at most
WORK_GROUP = "work"  # the worker group of all long work (the app does not lock during it)
ResultT = TypeVar("ResultT")
_ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class WorkCancelled(Exception):
    """Raised in the worker thread at a checkpoint once the person asked the work to stop."""


class _Refused:
    """An expected failure, returned as the work's result: the worker ends SUCCESS."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class Job:
    """What a work function gets in its thread: a way to report progress and to stop."""

    def __init__(self, worker: Worker[Any], report: Callable[[float], None]) -> None:
        self._worker = worker
        self._report = report

    @property
    def cancelled(self) -> bool:
        return self._worker.is_cancelled

    def checkpoint(self) -> None:
        """Between steps, while nothing is written yet: stop here if the person asked."""
        if self._worker.is_cancelled:
            raise WorkCancelled

    def progress(self, done: float) -> None:
        """How far the work is (0 to 1). Cheap to call often: only the newest value is shown."""
        self._report(done)


class _Latest:
    """The newest progress from the thread, with at most one wake-up of the screen pending."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: float | None = None
        self._due = False

    def put(self, value: float) -> bool:
        """Keep ``value``; True when the screen must be woken (no wake-up is pending yet)."""
        with self._lock:
            self._value = value
            wake, self._due = not self._due, True
        return wake

    def take(self) -> float | None:
        with self._lock:
            self._due = False
            return self._value


class WorkScreen(Screen[ResultT]):
    """A screen that runs one long job at a time.

    Subclasses call ``start_work`` and fill in the hooks: ``show_busy``, ``show_progress``,
    ``say`` and what to do when the work is done, stopped or failed. The text of the last two
    comes from ``WORK_STOPPED`` and ``WORK_FAILED`` (msgids; the latter with ``{reason}``).

    ``EXPECTED`` failures (a refusal, a file that cannot be written) are an answer of the work,
    not a bug: the worker ends SUCCESS with them, and ``work_failed`` shows them. Anything else
    ends the worker in ERROR (so a test waiting for it sees the bug) and is shown the same way.
    """

    EXPECTED: tuple[type[BaseException], ...] = (Refusal, OSError)

    WORK_FAILED = N_("Het is niet gelukt: {reason}")
    WORK_STOPPED = N_("Gestopt: er is niets veranderd.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._worker: Worker[Any] | None = None
        self._latest = _Latest()
        self._shown: float | None = None
        self._stop_asked = False
        self._thread_started = False

    @property
    def busy(self) -> bool:
        """True from ``start_work`` until the worker has ended, whichever way."""
        return self._worker is not None

    def start_work(self, work: Callable[[Job], Any], doing: str) -> None:
        """Run ``work(job)`` in a thread; ``doing`` says what runs. Ignored while busy.

        ``work`` must not touch widgets: read what it needs on the UI thread, before."""
        if self.busy:
            return
        self._latest, self._shown = _Latest(), None
        self._stop_asked = self._thread_started = False
        self.show_busy(True, doing)

        async def drive() -> Any:
            return await self._drive(work)

        self._worker = self.run_worker(drive, group=WORK_GROUP, exit_on_error=False)
        self.refresh_bindings()

    def stop_work(self) -> None:
        """Ask the work to stop at its next checkpoint; the worker's end says how it went."""
        if self._worker is None or self._stop_asked:
            return
        self._stop_asked = True
        self.say(_("Stoppen na de lopende stap..."))
        if self._thread_started:
            self._worker.cancel()
        # Not started yet: a task cancelled before its first step never reports an end
        # (Textual leaves it RUNNING), so _drive sees _stop_asked and ends cancelled itself.

    async def _drive(self, work: Callable[[Job], Any]) -> Any:
        if self._stop_asked:
            raise asyncio.CancelledError
        self._thread_started = True
        job = Job(get_current_worker(), self._report)
        # to_thread copies the context: get_current_worker() works in the thread too.
        thread = asyncio.ensure_future(asyncio.to_thread(work, job))
        while True:
            try:
                return await asyncio.shield(thread)
            except WorkCancelled:
                raise asyncio.CancelledError from None
            except self.EXPECTED as error:
                return _Refused(error)
            except asyncio.CancelledError:
                # Esc, or the screen closing: the thread stops at its next checkpoint (or
                # finishes); the worker ends only then, with what really happened.
                continue

    def _report(self, done: float) -> None:
        # Worker thread: keep the value, wake the screen only if it is not woken already.
        if self._latest.put(done):
            self.post_message(WorkProgressed())

    @on(WorkProgressed)
    def _progress_due(self, event: WorkProgressed) -> None:
        event.stop()
        # Values coming in before the timer fires only replace the one it will show.
        self.set_timer(PROGRESS_INTERVAL, self._show_latest)

    def _show_latest(self) -> None:
        value = self._latest.take()
        if value is not None and value != self._shown:
            self._shown = value
            self.show_progress(value)

    @on(Worker.StateChanged)
    def _work_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's end is handled: nothing stays busy after it."""
        worker = event.worker
        if worker is not self._worker or event.state not in _ENDED:
            return
        event.stop()
        self._worker = None
        self._show_latest()  # the newest progress, even if its timer has not fired yet
        self.show_busy(False, "")
        try:
            if event.state == WorkerState.SUCCESS:
                result = worker.result
                if isinstance(result, _Refused):
                    self.work_failed(result.error)
                else:
                    self.work_done(result)
            elif event.state == WorkerState.CANCELLED:
                self.work_stopped()
            else:
                self.work_failed(worker.error)
        except Exception as error:  # a bug in showing the result: still say so, still usable
            self.work_failed(error)
        self.refresh_bindings()

    # -- hooks ---------------------------------------------------------------------------------

    def show_busy(self, busy: bool, doing: str) -> None:
        """Take input or not; ``doing`` (while busy) says what runs."""
        raise NotImplementedError

    def say(self, text: str) -> None:
        """Show one line of how the work goes or ended."""
        raise NotImplementedError

    def show_progress(self, done: float) -> None:
        """Draw the newest progress (0 to 1); called at most every PROGRESS_INTERVAL."""

    def work_done(self, result: Any) -> None:
        """The work returned ``result``."""

    def work_stopped(self) -> None:
        self.say(_(self.WORK_STOPPED))
        self.ready_again()

    def work_failed(self, error: BaseException | None) -> None:
        self.say(_(self.WORK_FAILED).format(reason=describe_failure(error)))
        self.ready_again()

    def ready_again(self) -> None:
        """After a stop or a failure: ready for another try."""
