"""The README's first command, for real: `inburgering demo` in a terminal (tmux), read back."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture
def tmux() -> Iterator[list[str]]:
    assert shutil.which("tmux"), "tmux is installed by scripts/install-system-packages"
    base = ["tmux", "-L", f"inburgering-test-{uuid.uuid4().hex[:8]}"]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True)


def _screen(tmux: list[str]) -> str:
    return subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "app"], capture_output=True, text=True
    ).stdout


def _wait_for(tmux: list[str], text: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        screen = _screen(tmux)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{_screen(tmux)}")


def test_demo_opens_on_cases_and_walks_into_an_intake(tmux: list[str]) -> None:
    command = f"{sys.executable} -m inburgering_tui.cli demo --cases 3"
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "app", "-x", "120", "-y", "40", command], check=True
    )
    _wait_for(tmux, "3 zaken, gesorteerd op naam")
    subprocess.run([*tmux, "send-keys", "-t", "app", "Enter"], check=True)
    _wait_for(tmux, "Brede intake:")
    subprocess.run([*tmux, "send-keys", "-t", "app", "i"], check=True)
    screen = _wait_for(tmux, "Vraag ")
    assert "Start van het gesprek" in screen
    subprocess.run([*tmux, "send-keys", "-t", "app", "C-q"], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = subprocess.run([*tmux, "has-session", "-t", "app"], capture_output=True)
        if alive.returncode != 0:
            return  # the app quit and took its throw-away store with it
        time.sleep(0.2)
    raise AssertionError("the app did not quit on Ctrl+Q")
