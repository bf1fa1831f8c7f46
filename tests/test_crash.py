"""Killing the process mid-intake loses no answer that was reported saved."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE


@pytest.mark.parametrize("kill_after", [1, 37, 150])
def test_sigkill_mid_intake_loses_nothing_reported_saved(vault: Vault, kill_after: int) -> None:
    vault.create(PASSPHRASE).close()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_writer", str(vault.home), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert child.stdout is not None
    case_line = child.stdout.readline()
    assert case_line.startswith("case "), case_line
    case_id = case_line.split()[1]
    reported: list[str] = []
    deadline = time.monotonic() + 60
    while len(reported) < kill_after and time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.startswith("saved "):
            reported.append(line.split()[1])
    child.send_signal(signal.SIGKILL)  # mid-write: the child is always saving the next one
    child.wait(timeout=10)
    assert len(reported) == kill_after

    store = Vault(vault.home).unlock(PASSPHRASE)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    answers = store.answers(case_id, "brede-intake")
    missing = [q for q in reported if q not in answers]
    assert missing == []
    assert all(answers[q].value == f"antwoord {q[1:]}" for q in reported)
    store.close()
