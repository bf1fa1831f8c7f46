"""The interpreter's follow view moves with the consultant and can never write."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inburgering_tui.domain.audience import CONSULTANT_ONLY, consultant_texts, person_view
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import translator
from inburgering_tui.settings import Settings
from inburgering_tui.store.busy import StoreReadOnly
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.follow import FollowApp, FollowScreen
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE
from .pilot import wait_until


def _followed(app: FollowApp) -> str | None:
    """The question the interpreter's screen shows."""
    screen = app.screen
    assert isinstance(screen, FollowScreen), type(screen).__name__
    return screen.question_id


async def test_follow_moves_with_a_scripted_intake_within_a_second(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    vault.create(PASSPHRASE).close()
    mover = subprocess.Popen(
        [sys.executable, "-m", "tests.intake_mover", str(vault.home), PASSPHRASE, "6"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert mover.stdin is not None and mover.stdout is not None
    store = vault.unlock(PASSPHRASE, read_only=True)
    app = FollowApp(vault, forms, Settings(bidi="app"), "ar", store=store)
    seen_audiences: set[str] = set()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            for _step in range(6):
                question_id = mover.stdout.readline().strip()

                def moved(wanted: str = question_id) -> bool:
                    return _followed(app) == wanted

                await wait_until(
                    pilot,
                    moved,
                    f"the follow view to move to {question_id} within a second",
                    timeout=1.0,
                )
                question = intake_form.question(question_id)
                assert question is not None
                translate = translator("ar")
                shown = app.screen.query_one("#follow-prompt", ScriptText)
                # The interpreter sees what the person may see: never a consultant's question
                # or note (the first questions of the form have both).
                view = person_view(question)
                expected = translate(view.prompt if view else CONSULTANT_ONLY)
                assert shown.text == expected
                assert shown.language == "ar"
                everything = "\n".join(
                    app.screen.query_one(f"#follow-{part}", ScriptText).text
                    for part in ("prompt", "help", "options")
                )
                for text in consultant_texts(question):
                    assert translate(text) not in everything
                seen_audiences.add(question.audience)
                mover.stdin.write("\n")
                mover.stdin.flush()
    finally:
        mover.wait(timeout=10)
        store.close()
    assert seen_audiences == {"person", "consultant"}


def test_the_follow_store_refuses_every_write(vault: Vault) -> None:
    writable = vault.create(PASSPHRASE)
    case = writable.create_case(
        {"given_names": "A", "family_name": "B", "doelgroep": "gezinsmigrant"}
    )
    writable.close()
    follower = vault.unlock(PASSPHRASE, read_only=True)
    # SQLite refuses the write; the store says so in a sentence, never "readonly database".
    with pytest.raises(StoreReadOnly, match="Alleen lezen"):
        follower.save_answer(case.id, "brede-intake", 1, "opleiding", "x", "poging")
    with pytest.raises(StoreReadOnly, match="Alleen lezen"):
        follower.set_position(case.id, "brede-intake", "x")
    follower.close()
    reopened = vault.unlock(PASSPHRASE)
    assert reopened.answers(case.id, "brede-intake") == {}
    reopened.close()
