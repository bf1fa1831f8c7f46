"""Open the app's unlock screen on a data directory by keys, and report what it then shows.

Used in-process by the damage matrix, and as a script (``python -m tests.unlock_probe HOME``)
inside a mount namespace where the directory is really read-only or its disk really full.
"""

from __future__ import annotations

import asyncio
import json
import sys
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.settings import Settings, default_forms_dir
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.app import InburgeringApp
from inburgering_tui.tui.screens.unlock import UnlockScreen

SIZE = (120, 45)


@dataclass
class Shown:
    """What the unlock screen shows once the work has ended."""

    screen: str
    title: str
    text: str
    error: str
    busy: bool
    offers_create: bool
    asks_passphrase: bool
    passphrase_usable: bool


async def _until_ended(pilot: Pilot[None]) -> None:
    for worker in list(pilot.app.workers):
        with suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()
    await pilot.pause()


def _text(screen: UnlockScreen, selector: str) -> str:
    found = screen.query(selector)
    return str(found.first().render()) if found else ""


async def probe(home: Path, passphrase: str) -> Shown:
    """Start the app on ``home``; type ``passphrase`` (twice where it offers to create)."""
    app = InburgeringApp(Vault(home), load_forms(default_forms_dir()), Settings())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, UnlockScreen), type(screen).__name__
        asks = bool(screen.query("#passphrase"))
        creates = bool(screen.query("#passphrase2"))
        if asks:
            await pilot.press(*_keys(passphrase), "enter")
            if creates:
                await pilot.press(*_keys(passphrase), "enter")
            await _until_ended(pilot)
        screen = app.screen
        if not isinstance(screen, UnlockScreen):
            return Shown(type(screen).__name__, "", "", "", False, creates, asks, False)
        fields = screen.query("#passphrase")
        usable = bool(fields) and not fields.first(Input).disabled
        return Shown(
            screen="UnlockScreen",
            title=_text(screen, "#unlock-title"),
            text=_text(screen, "#unlock-text"),
            error=_text(screen, "#unlock-error"),
            busy=screen.busy,
            offers_create=creates,
            asks_passphrase=asks,
            passphrase_usable=usable and fields.first(Input).has_focus,
        )


def _keys(text: str) -> list[str]:
    names = {"-": "minus", " ": "space"}
    return [names.get(char, char) for char in text]


if __name__ == "__main__":
    shown = asyncio.run(probe(Path(sys.argv[1]), sys.argv[2]))
    print(json.dumps(asdict(shown), ensure_ascii=False))
