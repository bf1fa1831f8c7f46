"""Every command speaks in sentences: an expected failure is one line and a non-zero status,
never a traceback; a reader that goes away ends the command quietly; a new passphrase typed in
a terminal is asked twice."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .store_probe import fingerprint

CLI = [sys.executable, "-m", "inburgering_tui.cli"]
NAMES = [("Ṣāliḥ", "Nasser-Aydın"), ("Mebrat", "Tesfay (taalcafé)"), ("أمل", "Berbers")]


@pytest.fixture
def made(isolated: Path) -> Path:
    store = Vault(isolated).create(PASSPHRASE)
    for number in range(40):
        given, family = NAMES[number % len(NAMES)]
        store.create_case(
            {
                "given_names": given,
                "family_name": f"{family} {number}",
                "doelgroep": "gezinsmigrant",
            }
        )
    store.close()
    return isolated


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "INBURGERING_PASSPHRASE": PASSPHRASE, **extra}


def test_a_reader_that_goes_away_ends_the_listing_quietly(made: Path) -> None:
    for args in (["cases", "list"], ["cases", "list", "--json"]):
        listing = subprocess.Popen(
            [*CLI, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        assert listing.stdout is not None and listing.stderr is not None
        listing.stdout.close()  # gone before the first line: every write meets a closed pipe
        said = listing.stderr.read().decode()
        assert listing.wait(timeout=120) == 1
        assert said == "", said


def test_cases_list_piped_into_head_prints_one_line_and_nothing_else(made: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", f"{' '.join(CLI)} cases list | head -1"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert len(done.stdout.splitlines()) == 1 and "gezinsmigrant" in done.stdout.lower()


@pytest.mark.parametrize(
    "args",
    [
        ["cases", "import", "ontbreekt.csv"],
        ["restore", "ontbreekt.zip"],
        ["verify", "ontbreekt.pdf"],
        ["bundle", "receipt", "ontbreekt.p7m"],
        ["attachments", "add", "zzzz", "ontbreekt.png"],
    ],
    ids=" ".join,
)
def test_a_missing_file_is_one_line(made: Path, args: list[str], tmp_path: Path) -> None:
    before = fingerprint(made)
    done = subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=120
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("inburgering: ")
    assert fingerprint(made) == before


# -- a new passphrase in a terminal ------------------------------------------------------------


def in_terminal(args: list[str], answers: list[str], **env: str) -> tuple[int, str]:
    """Run a command on a real pseudo-terminal, answering each prompt (``...: ``) in turn."""
    environment = {k: v for k, v in os.environ.items() if k != "INBURGERING_PASSPHRASE"}
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling one, as in a shell
        os.execve(CLI[0], [*CLI, *args], {**environment, **env})
    seen = b""
    try:
        for answer in answers:
            seen += _until_prompt(terminal)
            os.write(terminal, answer.encode() + b"\n")
        seen += _rest(terminal)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(terminal)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def _until_prompt(terminal: int, timeout: float = 60) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while not seen.rstrip(b" ").endswith(b":"):
        ready, _, _ = select.select([terminal], [], [], max(deadline - time.monotonic(), 0))
        assert ready, f"no prompt within {timeout} s; saw {seen!r}"
        seen += os.read(terminal, 1024)
    return seen


def _rest(terminal: int) -> bytes:
    seen = b""
    while True:
        try:
            chunk = os.read(terminal, 1024)
        except OSError:  # EIO: the child has closed the terminal
            return seen
        if not chunk:
            return seen
        seen += chunk


def test_a_new_passphrase_is_asked_twice_and_two_different_ones_change_nothing(
    made: Path,
) -> None:
    keys = (made / "keys.json").read_bytes()
    status, seen = in_terminal(["passphrase"], [PASSPHRASE, "een-nieuwe-zin-Ö", "een-andere-zin-Ö"])
    assert "Nieuwe wachtwoordzin:" in seen and "Herhaal de wachtwoordzin:" in seen
    assert status == 2 and "De twee wachtwoordzinnen zijn niet gelijk" in seen
    assert "Traceback" not in seen
    assert (made / "keys.json").read_bytes() == keys

    status, seen = in_terminal(["passphrase"], [PASSPHRASE, "een-nieuwe-zin-Ö", "een-nieuwe-zin-Ö"])
    assert status == 0, seen
    Vault(made).unlock("een-nieuwe-zin-Ö").close()


def test_keys_init_asks_twice_for_the_new_key_passphrase(made: Path) -> None:
    before = fingerprint(made)
    status, seen = in_terminal(
        ["keys", "init"], [PASSPHRASE, "sleutels-wachtwoord-1", "sleutels-wachtwoord-2"]
    )
    assert "Nieuwe wachtwoordzin voor de sleutels:" in seen and "Herhaal" in seen
    assert status == 2 and "De twee wachtwoordzinnen zijn niet gelijk" in seen
    assert fingerprint(made) == before, "no keys made, keys.json as it was"


def test_without_a_terminal_the_variables_still_work(made: Path) -> None:
    done = subprocess.run(
        [*CLI, "passphrase"],
        capture_output=True,
        text=True,
        env=_env(INBURGERING_NEW_PASSPHRASE="nog-een-andere-zin"),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    Vault(made).unlock("nog-een-andere-zin").close()
