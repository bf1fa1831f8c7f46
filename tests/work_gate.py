"""Holding a screen's long work at one of its checkpoints, so a test can press Esc (or let the app
sit idle) while the work runs, then let it go on. Events, never sleeps: deterministic."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from inburgering_tui.tui.work import Job, WorkScreen

WAIT = 20  # seconds: only ever reached when a test is broken


class Gate:
    """Work passes checkpoint number ``at`` (0 is the first) only once ``release`` is set.

    Once released it stays open: a next run of the same work goes straight through."""

    def __init__(self, at: int = 0) -> None:
        self.at = at
        self.reached, self.release = threading.Event(), threading.Event()

    def hold(self, work: Callable[[Job], Any]) -> Callable[[Job], Any]:
        gate = self

        class HeldJob(Job):
            passed = 0

            def checkpoint(self) -> None:
                if self.passed == gate.at:
                    gate.reached.set()
                    gate.release.wait(WAIT)
                self.passed += 1
                super().checkpoint()

        return lambda job: work(HeldJob(job._worker, job._report))

    def install(self, monkeypatch: pytest.MonkeyPatch, screen: type[WorkScreen[Any]]) -> None:
        """Every ``screen`` the app opens (by keys, as a user would) runs its work held here."""
        start = screen.start_work

        def held(self: WorkScreen[Any], work: Callable[[Job], Any], doing: str) -> None:
            start(self, gate.hold(work), doing)

        gate = self
        monkeypatch.setattr(screen, "start_work", held)

    async def wait_reached(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, WAIT), "the work never got here"


async def until_ended(pilot: Pilot[None]) -> None:
    """Every worker has ended, whichever way (wait_for_complete raises on a failed one)."""
    for worker in list(pilot.app.workers):
        with suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()
    await pilot.pause()
