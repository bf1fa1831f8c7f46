"""Run as a child process by test_crash: writes answers forever, reporting each one once saved."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_tui.store.vault import Vault


def main(home: str, passphrase: str) -> None:
    store = Vault(Path(home)).unlock(passphrase)
    case = store.create_case(
        {"given_names": "Crash", "family_name": "Proef", "doelgroep": "asielstatushouder"}
    )
    print(f"case {case.id}", flush=True)
    number = 0
    while True:
        number += 1
        store.save_answer(case.id, "brede-intake", 1, "soak", f"q{number}", f"antwoord {number}")
        # Reported only after save_answer returned, i.e. after the commit: what the UI calls saved.
        print(f"saved q{number}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
