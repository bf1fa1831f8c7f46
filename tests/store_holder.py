"""Run as a child process by the locking tests: another program that has the store, in one of
three ways, until a line arrives on stdin (or stdin closes).

``window``  what a running app holds: the instance lock and an open store;
``open``    an open store without the lock (a read-only window, the interpreter's view, a command);
``write``   an open store in the middle of a write transaction (a long import).

It prints ``holding <pid>`` once it holds what it should.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
