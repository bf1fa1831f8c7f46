"""The interview records only what was said: every answer in the store is a key the consultant
pressed for it. Each test presses exactly the keys a consultant would and then reads the store."""

from __future__ import annotations

import json

from textual.widgets import Label

from inburgering_tui.domain.forms import AnswerType, Form
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault

from .conftest import PASSPHRASE
from .pilot import (
    SIZE,
    case_at,
    first_shown_question,
    make_app,
    shown_question,
    shown_section,
    type_text,
)
from .test_cli import run


def _answer_events(store: Store, case_id: str) -> list[tuple[str, str]]:
    return [
        (e.action, e.subject or "")
        for e in store.audit_events(case_id)
        if e.action.startswith("answer.")
    ]


async def test_enter_on_unanswered_choices_records_nothing_and_the_domain_stays_not_started(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    section, first = first_shown_question(intake_form, lambda s, q: q.type == AnswerType.YESNO)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, first)
    # The domain's first question of each choice kind is passed with Enter only.
    visited: list[str] = []
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        for _ in range(len(section.all_questions)):
            question = shown_question(screen)
            if shown_section(screen).id != section.id:
                break
            visited.append(question.type.value)
            await pilot.press("enter")
            await pilot.pause()
    assert {"yesno", "choice", "scale"} & set(visited), visited
    assert store.answers(case_id, intake_form.id) == {}
    assert _answer_events(store, case_id) == []
    store.close()
    listed = run("cases", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = json.loads(listed.stdout)
    assert row["intake"]["domains"][section.id] == "not_started"


async def test_a_number_key_chooses_and_delete_clears_saved_and_audited(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _section, question = first_shown_question(
        intake_form, lambda s, q: q.type == AnswerType.CHOICE and len(q.options) >= 3
    )
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    subject = f"{intake_form.id}/{question.id}"
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        assert shown_question(screen).id == question.id
        await pilot.press("3", "enter")
        await pilot.pause()
        assert (
            store.answers(case_id, intake_form.id)[question.id].value == question.options[2].value
        )
        await pilot.press("pageup")  # back to it
        await pilot.pause()
        assert shown_question(screen).id == question.id
        await pilot.press("delete", "enter")
        await pilot.pause()
        assert store.answers(case_id, intake_form.id)[question.id].value is None
    assert _answer_events(store, case_id) == [("answer.set", subject), ("answer.clear", subject)]


async def test_space_chooses_the_highlighted_option_and_arrows_alone_choose_nothing(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _section, question = first_shown_question(intake_form, lambda s, q: q.type == AnswerType.CHOICE)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("down", "down", "pageup", "pagedown")
        await pilot.pause()
        assert question.id not in store.answers(case_id, intake_form.id)
        # Back on the question: highlight the second option and choose it with Space.
        store_answers = store.answers(case_id, intake_form.id)
        assert store_answers == {}
    app = make_app(vault, forms, store=store)
    store.set_position(case_id, intake_form.id, question.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("down", "down", "space", "enter")
        await pilot.pause()
    assert store.answers(case_id, intake_form.id)[question.id].value == question.options[1].value


async def test_prose_typed_into_a_choice_question_leaves_the_answer_as_it_was(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _section, yesno = first_shown_question(intake_form, lambda s, q: q.type == AnswerType.YESNO)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, yesno)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        # Unanswered: "nee, maar 3 jaar (taalcafé)" chooses neither "nee" nor option 3.
        await type_text(pilot, "nee, maar 3 jaar")
        await pilot.press("enter")
        await pilot.pause()
        assert yesno.id not in store.answers(case_id, intake_form.id)
        await pilot.press("pageup")
        await pilot.pause()
        assert shown_question(screen).id == yesno.id
        await pilot.press("j", "enter")  # the shortcut alone is an answer
        await pilot.pause()
        assert store.answers(case_id, intake_form.id)[yesno.id].value is True
        await pilot.press("pageup")
        await pilot.pause()
        # Answered: prose starting with the other shortcut keeps "ja".
        await type_text(pilot, "nog niet")
        await pilot.pause()
        error = str(screen.query_one("#answer-error", Label).render())
        assert "keuzevraag" in error
        await pilot.press("enter")
        await pilot.pause()
    assert store.answers(case_id, intake_form.id)[yesno.id].value is True
    assert [a for a, _s in _answer_events(store, case_id)] == ["answer.set"]


async def test_leaving_a_question_not_asked_with_enter_keeps_its_reason(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _section, question = first_shown_question(intake_form, lambda s, q: q.type == AnswerType.YESNO)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "tolk (Tigrinya) te laat")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("pageup", "enter")  # back to it, and on again with Enter only
        await pilot.pause()
    answer = store.answers(case_id, intake_form.id)[question.id]
    assert (answer.value, answer.not_asked_reason) == (None, "tolk (Tigrinya) te laat")
