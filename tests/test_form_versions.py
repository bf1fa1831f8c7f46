"""A draft begun under an older form version stays readable and continues under the new one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from inburgering_tui.domain.form_loader import load_form
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake import CaseFacts, DomainStatus, IntakeWalk
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .pilot import SIZE, make_app, shown_question, type_text

V1 = """
[form]
id = "brede-intake"
version = 1
title = "Brede intake"

[[sections]]
id = "opleiding"
title = "Opleiding"
closing = false

[[sections.questions]]
id = "school_jaren"
type = "number"
prompt = "Hoeveel jaar ging u naar school?"

[[sections.questions]]
id = "lievelingsvak"
type = "text"
prompt = "Wat was uw lievelingsvak?"

[[sections.questions]]
id = "diploma"
type = "yesno"
prompt = "Heeft u een diploma?"
"""

V2 = """
[form]
id = "brede-intake"
version = 2
title = "Brede intake"
renamed = { school_jaren = "opleiding_jaren" }

[[sections]]
id = "opleiding"
title = "Opleiding"
closing = false

[[sections.questions]]
id = "opleiding_jaren"
type = "number"
prompt = "Hoeveel jaar bent u naar school gegaan?"

[[sections.questions]]
id = "diploma"
type = "yesno"
prompt = "Heeft u een diploma?"

[[sections.questions]]
id = "diploma_land"
type = "text"
prompt = "In welk land haalde u het diploma?"
show_if = [{ question = "diploma", equals = true }]
"""


def _forms(tmp_path: Path, body: str, name: str) -> dict[str, Form]:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    form = load_form(path)
    return {form.id: form}


async def test_old_draft_continues_under_new_form_version(vault: Vault, tmp_path: Path) -> None:
    v1 = _forms(tmp_path, V1, "v1.toml")["brede-intake"]
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Oude", "family_name": "Versie", "doelgroep": "gezinsmigrant"}
    )
    store.save_answer(case.id, v1.id, v1.version, "opleiding", "school_jaren", 9)
    store.save_answer(case.id, v1.id, v1.version, "opleiding", "lievelingsvak", "aardrijkskunde")
    store.save_answer(case.id, v1.id, v1.version, "opleiding", "diploma", True)

    forms_v2 = _forms(tmp_path, V2, "v2.toml")
    v2 = forms_v2["brede-intake"]
    answers = store.answers(case.id, v2.id)
    walk = IntakeWalk(v2, CaseFacts("gezinsmigrant"), answers, {})
    assert walk.value_of("opleiding_jaren") == 9  # renamed: mapped
    assert walk.value_of("diploma") is True
    assert set(walk.historical_answers()) == {"lievelingsvak"}  # removed: kept, shown
    assert walk.status(v2.sections[0]) == DomainStatus.PARTLY  # diploma_land is new and open

    app = make_app(vault, forms_v2, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        assert shown_question(screen).id == "diploma_land"
        historical = str(screen.query_one("#historical", Static).render())
        assert "lievelingsvak" in historical and "aardrijkskunde" in historical
        await type_text(pilot, "Syrie")
        await pilot.press("enter")
        await pilot.pause()

    stored = store.answers(case.id, v2.id)
    assert stored["diploma_land"].form_version == 2
    assert stored["school_jaren"].form_version == 1  # untouched answers keep their version
    assert stored["lievelingsvak"].value == "aardrijkskunde"  # never dropped
    store.close()
