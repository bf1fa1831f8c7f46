"""Run as a child process by the locking tests: another program that has the store, in one of
three ways, until a line arrives on stdin (or stdin closes).

``window``  what a running app holds: the instance lock and an open store;
``open``    an open store without the lock (a read-only window, the interpreter's view, a command);
``write``   an open store in the middle of a write transaction (a long import).

It prints ``holding <pid>`` once it holds what it should. The tests start it with
:class:`OtherProcess`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from sqlalchemy import text

from inburgering_tui.store.instance_lock import InstanceLock
from inburgering_tui.store.vault import Vault


def main(home: str, passphrase: str, mode: str) -> None:
    lock = InstanceLock(Path(home))
    if mode == "window":
        assert lock.acquire() is None, "the lock is already taken"
    store = Vault(Path(home)).unlock(passphrase, actor="ander venster")
    store.count_cases()  # a first read: the connection now has the database open
    conn = store.engine.connect()
    if mode == "write":
        transaction = conn.begin()  # BEGIN IMMEDIATE: the write lock, held
        conn.execute(text("UPDATE syncstate SET value = value WHERE 0"))
    print(f"holding {os.getpid()}", flush=True)
    sys.stdin.readline()
    if mode == "write":
        transaction.rollback()
    conn.close()
    store.close()
    lock.release()


class OtherProcess:
    """This script in a child process, holding the store until ``let_go`` (or the end of the
    ``with`` block, which also kills it if it hangs)."""

    def __init__(self, home: Path, passphrase: str, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.store_holder", str(home), passphrase, mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("holding "):
            self.process.kill()
            _out, err = self.process.communicate(timeout=10)
            raise AssertionError(f"the other process did not start: {line}{err}")
        self.pid = int(line.split()[1])

    def let_go(self) -> None:
        if self.process.poll() is None:
            self.process.communicate("\n", timeout=30)
        assert self.process.returncode == 0

    def __enter__(self) -> OtherProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def store_files(home: Path) -> dict[str, bytes]:
    """The store as it is on disk (the -shm index aside: readers write their marks there)."""
    names = ("store.db", "store.db-wal", "keys.json")
    return {name: (home / name).read_bytes() for name in names if (home / name).exists()}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
