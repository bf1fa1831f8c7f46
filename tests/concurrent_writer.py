"""Run as a child process by test_store_lock: saves answers to one case as fast as it can.

Each child writes its own questions (``<prefix>1`` .. ``<prefix>N``) to the same case, so an
answer missing afterwards was lost, not overwritten. It waits for the word ``go`` on stdin, so
that the children really write at the same time, and reports ``done N`` after its last commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_tui.store.vault import Vault


def main(home: str, passphrase: str, case_id: str, prefix: str, count: int) -> None:
    store = Vault(Path(home)).unlock(passphrase, actor=f"schrijver {prefix}")
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(1, count + 1):
        value = f"antwoord {prefix}{number} (taalcafé, Nasser-Aydın)"
        store.save_answer(case_id, "brede-intake", 1, "soak", f"{prefix}{number}", value)
    store.close()
    print(f"done {count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
