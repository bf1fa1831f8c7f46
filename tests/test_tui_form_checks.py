"""The intake screen by keys: a check's warning under the answer (the consultant may go on),
and the interpreter's column showing only what the person may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Static

from inburgering_tui.domain.audience import CONSULTANT_ONLY
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import translator
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, make_app, shown_question, type_text


def _text(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_child_count_that_differs_from_the_household_warns_but_is_saved(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {
            "given_names": "Ṣāliḥ",
            "family_name": "Nasser-Aydın",
            "doelgroep": "asielstatushouder",
            "languages": ["ar"],
        }
    )
    store.add_household_member(case.id, "Yonas (jongste)", "kind", date(2023, 6, 1))
    store.add_household_member(case.id, "Aylin", "kind", date(2015, 1, 31))
    store.save_answer(
        case.id, intake_form.id, intake_form.version, "gezinssituatie", "gez_kinderen", True
    )
    store.set_position(case.id, intake_form.id, "gez_kinderen_thuis")
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        assert shown_question(screen).id == "gez_kinderen_thuis"
        assert _text(screen, "#answer-warnings") == ""
        await type_text(pilot, "3")
        await pilot.pause(0.6)  # the typed answer is committed after a short pause
        warning = _text(screen, "#answer-warnings")
        assert "volgens het dossier: 2; volgens dit antwoord: 3" in warning
        assert store.answers(case.id, intake_form.id)["gez_kinderen_thuis"].value == 3
        await pilot.press("enter")  # a warning never blocks
        await pilot.pause()
        assert shown_question(screen).id == "kinderen_0_6"
        assert _text(screen, "#answer-warnings") == ""
        await pilot.press("pageup")
        await pilot.pause()
        assert "volgens dit antwoord: 3" in _text(screen, "#answer-warnings")
        answer = screen.query_one(Input)
        answer.focus()
        await pilot.press("end", "backspace")
        await type_text(pilot, "2")
        await pilot.pause(0.6)
        assert _text(screen, "#answer-warnings") == ""
        assert store.answers(case.id, intake_form.id)["gez_kinderen_thuis"].value == 2
    store.close()


async def test_the_interpreter_column_never_shows_the_consultants_text(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Tolk", "family_name": "Proef", "doelgroep": "gezinsmigrant"}
    )
    store.add_conversation(case.id, held_on=TODAY, interview_language="ar")
    app = make_app(vault, forms, store=store)
    arabic = translator("ar")

    def columns() -> tuple[str, str, str]:
        def column(part: str) -> str:
            return app.screen.query_one(f"#interview-{part}", ScriptText).text

        return column("prompt"), column("help"), column("options")

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        # The first question records that the person was told: the consultant's own.
        first = shown_question(screen)
        assert first.id == "proc_alleen_verteld" and first.consultant_only
        assert columns() == (arabic(CONSULTANT_ONLY), "", "")
        assert first.note in _text(screen, "#question-help")  # the consultant reads it
        await pilot.press("j", "enter")
        await pilot.pause()
        # Who is there: the consultant notes it; a partner is there, so the person is asked.
        assert shown_question(screen).id == "proc_aanwezig"
        assert columns() == (arabic(CONSULTANT_ONLY), "", "")
        await pilot.press("2", "enter")
        await pilot.pause()
        question = shown_question(screen)
        assert question.id == "proc_aanwezig_akkoord" and not question.consultant_only
        prompt, help_text, options = columns()
        assert prompt == arabic(question.prompt) and prompt != question.prompt
        assert help_text == "" and arabic(question.note) not in options
        assert options == f"1. {arabic('Ja')}\n2. {arabic('Nee')}"
        assert question.note in _text(screen, "#question-help")
    store.close()
