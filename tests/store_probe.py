"""Open a data directory as a consultant would, and report what was shown and what is left.

``probe`` drives the app's unlock screen by keys (in-process, for the damage matrix). As a
script, inside a mount namespace where the directory is really read-only or its disk really
full (which ends with the namespace), it reports as JSON what the unlock screen showed
(``python -m tests.store_probe unlock HOME PASSPHRASE``) or what a command said
(``python -m tests.store_probe cli HOME ARGS...``), and the files then in HOME.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
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


def fingerprint(home: Path) -> dict[str, str]:
    """Every file under ``home`` (new ones too) by its sha256."""
    if not home.exists():
        return {}
    return {
        str(path.relative_to(home)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(home.rglob("*"))
        if path.is_file()
    }


def _main(mode: str, home: Path, rest: list[str]) -> dict[str, object]:
    before = fingerprint(home)
    if mode == "unlock":
        report: dict[str, object] = asdict(asyncio.run(probe(home, rest[0])))
    else:
        done = subprocess.run(
            [sys.executable, "-m", "inburgering_tui.cli", *rest],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
            env={**os.environ, "INBURGERING_HOME": str(home)},
        )
        report = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    return {**report, "before": before, "after": fingerprint(home)}


if __name__ == "__main__":
    print(json.dumps(_main(sys.argv[1], Path(sys.argv[2]), sys.argv[3:]), ensure_ascii=False))
