"""A read-only data directory and a full disk, for real: each is said in a sentence, by the
unlock screen and by a command, and leaves nothing behind.

Both run in a mount namespace (``unshare -rm``): a read-only bind mount of the data directory,
or a small tmpfs filled to the last byte. Permissions alone would not do: the tests may run as
root, whom ``chmod`` does not stop.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[1]
READ_ONLY = "In de map {home} kan niet worden geschreven (alleen lezen of geen toestemming)"


def _namespaces_work() -> bool:
    try:
        done = subprocess.run(
            ["unshare", "-rm", "true"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.fixture(scope="module", autouse=True)
def namespaces() -> None:
    if not _namespaces_work():
        # Fail, never skip: a skipped test would hide a store that lies on a full disk.
        pytest.fail("these tests need `unshare -rm` (user and mount namespaces)", pytrace=False)


def in_namespace(setup: str, probe: list[str]) -> dict[str, Any]:
    """Run ``setup`` (mounts) then ``python -m tests.store_probe ...`` in a new namespace."""
    command = " ".join(shlex.quote(part) for part in [sys.executable, "-m", "tests.store_probe"])
    script = f"set -e; {setup}; exec {command} {' '.join(shlex.quote(p) for p in probe)}"
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "INBURGERING_PASSPHRASE": PASSPHRASE},
        stdin=subprocess.DEVNULL,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    assert "Traceback" not in done.stderr and "ERROR CORE" not in done.stderr, done.stderr
    return report


def read_only(home: Path) -> str:
    path = shlex.quote(str(home))
    return f"mount --bind {path} {path}; mount -o remount,bind,ro {path}"


def full_disk(disk: Path, size_kib: int, copy_in: Path | None = None) -> str:
    """A tmpfs of ``size_kib`` at ``disk`` (with ``copy_in`` copied to disk/home), then full."""
    path = shlex.quote(str(disk))
    copy = f"cp -a {shlex.quote(str(copy_in))} {path}/home; " if copy_in else ""
    fill = f"(dd if=/dev/zero of={path}/pad bs=1024 2>/dev/null || true)"
    return f"mkdir -p {path}; mount -t tmpfs -o size={size_kib}k tmpfs {path}; {copy}{fill}"


@pytest.fixture
def made(isolated: Path) -> Path:
    store = Vault(isolated).create(PASSPHRASE)
    store.create_case(
        {"given_names": "Ṣāliḥ", "family_name": "Nasser-Aydın", "doelgroep": "gezinsmigrant"}
    )
    store.close()
    return isolated


def test_a_read_only_directory_is_said_by_the_unlock_screen(made: Path) -> None:
    shown = in_namespace(read_only(made), ["unlock", str(made), PASSPHRASE])
    assert shown["screen"] == "UnlockScreen" and not shown["busy"]
    assert shown["error"].startswith(READ_ONLY.format(home=made)), shown["error"]
    assert "Er is niets veranderd." in shown["error"]
    assert shown["passphrase_usable"]
    assert shown["after"] == shown["before"]


def test_a_read_only_directory_is_said_by_a_command(made: Path) -> None:
    said = in_namespace(read_only(made), ["cli", str(made), "cases", "list"])
    assert said["returncode"] == 1 and said["stdout"] == ""
    assert said["stderr"] == (
        f"inburgering: {READ_ONLY.format(home=made)}, en de opslag opent alleen waar dat wel "
        "kan. Er is niets veranderd.\n"
    )
    assert said["after"] == said["before"]


def test_a_first_start_in_a_read_only_directory_makes_nothing(isolated: Path) -> None:
    isolated.mkdir()
    shown = in_namespace(read_only(isolated), ["unlock", str(isolated), PASSPHRASE])
    assert shown["offers_create"] and not shown["busy"]
    assert shown["error"].startswith(READ_ONLY.format(home=isolated)), shown["error"]
    assert "er is geen opslag aangemaakt" in shown["error"]
    assert shown["after"] == {}


def test_a_first_start_on_a_full_disk_makes_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    home = disk / "home"
    shown = in_namespace(full_disk(disk, 64), ["unlock", str(home), PASSPHRASE])
    assert shown["offers_create"] and not shown["busy"]
    assert shown["error"] == (
        f"De schijf is vol: in {home} is geen opslag aangemaakt. Maak ruimte vrij en probeer "
        "het opnieuw."
    )
    assert shown["after"] == {}, "no key file without its database, nothing half made"


def test_a_store_on_a_full_disk_is_said_and_left_as_it_was(made: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    size_kib = sum(p.stat().st_size for p in made.iterdir()) // 1024 + 64
    setup = full_disk(disk, size_kib, copy_in=made)
    home = disk / "home"
    expected = (
        f"De schijf is vol: de opslag in {home} kan zo niet worden geopend. Er is niets "
        "veranderd. Maak ruimte vrij en probeer het opnieuw."
    )
    shown = in_namespace(setup, ["unlock", str(home), PASSPHRASE])
    assert shown["error"] == expected and shown["passphrase_usable"]
    assert shown["after"] == shown["before"], "no -wal or -shm left beside it"
    said = in_namespace(setup, ["cli", str(home), "cases", "list"])
    assert said["returncode"] == 1 and said["stderr"] == f"inburgering: {expected}\n"
    assert said["after"] == said["before"]


def test_the_probe_sees_a_good_store_open(made: Path, tmp_path: Path) -> None:
    """The same probe on the same store, with room to write: it opens (the tests above fail for
    the reason they name, not for one of the probe's own)."""
    copy = tmp_path / "copy"
    shutil.copytree(made, copy)
    said = in_namespace("true", ["cli", str(copy), "cases", "list"])
    assert said["returncode"] == 0 and "Nasser-Aydın" in said["stdout"], said["stderr"]
