"""Run as a child process by test_follow: a scripted consultant moving through the intake."""

from __future__ import annotations

import sys
from pathlib import Path

from inburgering_tui.domain.form_loader import load_forms
from inburgering_tui.settings import default_forms_dir
from inburgering_tui.store.vault import Vault


def main(home: str, passphrase: str, steps: int) -> None:
    form = load_forms(default_forms_dir())["brede-intake"]
    store = Vault(Path(home)).unlock(passphrase)
    case = store.create_case(
        {"given_names": "Volg", "family_name": "Mij", "doelgroep": "asielstatushouder"}
    )
    questions = [q for s in form.sections for q in s.questions][:steps]
    for question in questions:
        store.set_position(case.id, form.id, question.id)
        print(question.id, flush=True)  # after the commit: where the consultant now is
        sys.stdin.readline()  # the test says when to move on


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
