"""A consultant's whole morning, by keys only: unlock, new case, the brede intake, reopen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from inburgering_tui.domain.forms import Form, Question
from inburgering_tui.domain.intake import CaseFacts, DomainStatus, IntakeWalk
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.screens.case import CaseScreen
from inburgering_tui.tui.screens.case_list import CaseListScreen
from inburgering_tui.tui.screens.intake import IntakeScreen
from inburgering_tui.tui.screens.unlock import UnlockScreen

from .conftest import PASSPHRASE, TODAY
from .pilot import (
    SIZE,
    answer_whole_intake,
    default_answer,
    make_app,
    shown_question,
    shown_section,
    type_text,
    wait_for_screen,
    wait_until,
)


async def unlock(pilot: Pilot[None], *, create: bool = False) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, UnlockScreen)
    await type_text(pilot, PASSPHRASE)
    await pilot.press("enter")
    if create:
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def choose(pilot: Pilot[None], steps_down: int) -> None:
    """Open the focused Select, move down, pick."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*(["down"] * steps_down), "enter")
    await pilot.pause()


async def new_case(
    pilot: Pilot[None], given: str, family: str, doelgroep_index: int, birth: str
) -> None:
    await pilot.press("n")
    await pilot.pause()
    await type_text(pilot, given)
    await pilot.press("tab")
    await type_text(pilot, family)
    await pilot.press("tab")
    await type_text(pilot, birth)
    await pilot.press("tab", "tab", "tab", "tab", "tab")  # sex, nationality, languages, literacy
    await choose(pilot, doelgroep_index + 1)  # the first entry is "Kies..."
    await pilot.press("tab")
    await type_text(pilot, "1234567890")
    await pilot.press("ctrl+s")
    await pilot.pause()


def persona_schooled(question: Question) -> Any:
    special = {
        "lbt_gedaan": True,
        "opleiding_gevolgd": True,
    }
    return special.get(question.id, default_answer(question, TODAY))


def persona_no_school(question: Question) -> Any:
    if question.type.value == "yesno":
        return False
    if question.id.startswith("opleiding") and question.type.value == "number":
        return 0
    if question.type.value == "choice" and question.options[0].value == "geen":
        return "geen"
    return default_answer(question, TODAY)


async def _full_intake(
    vault: Vault, forms: dict[str, Form], persona: Callable[[Question], Any], doelgroep: int
) -> list[str]:
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, create=True)
        assert isinstance(app.screen, CaseListScreen)
        await new_case(pilot, "Testa", "Persona", doelgroep, "01-05-1990")
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        asked = await answer_whole_intake(pilot, persona)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
    return asked


async def test_full_intake_for_a_schooled_asielstatushouder(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    asked = await _full_intake(vault, forms, persona_schooled, doelgroep=0)
    store = vault.unlock(PASSPHRASE)
    [case] = store.list_cases()
    assert (case.given_names, case.family_name, case.doelgroep) == (
        "Testa",
        "Persona",
        "asielstatushouder",
    )
    assert case.v_nummer == "1234567890"
    answers = store.answers(case.id, intake_form.id)
    walk = IntakeWalk(intake_form, CaseFacts("asielstatushouder", 36), answers, {})
    assert all(walk.status(s) == DomainStatus.DONE for s in walk.sections())
    assert "warme_overdracht_coa" in {s.id for s in walk.sections()}
    assert set(answers) == set(asked)
    assert {(a.form_version) for a in answers.values()} == {intake_form.version}
    for question_id in asked:
        question = intake_form.question(question_id)
        assert question is not None
        assert answers[question_id].value == _stored(question, persona_schooled(question))
    store.close()


async def test_full_intake_without_schooling_skips_diploma_and_coa(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    asked = await _full_intake(vault, forms, persona_no_school, doelgroep=1)
    store = vault.unlock(PASSPHRASE)
    [case] = store.list_cases()
    assert case.doelgroep == "gezinsmigrant"
    answers = store.answers(case.id, intake_form.id)
    walk = IntakeWalk(intake_form, CaseFacts("gezinsmigrant", 36), answers, {})
    assert all(walk.status(s) == DomainStatus.DONE for s in walk.sections())
    coa = next(s for s in intake_form.sections if s.id == "warme_overdracht_coa")
    assert walk.status(coa) == DomainStatus.NOT_APPLICABLE
    assert not any(q.id in asked for q in coa.all_questions)
    hidden = [q.id for s in intake_form.sections for q in s.all_questions if q.id not in asked]
    assert hidden, "skip logic should have hidden follow-up questions"
    assert not set(hidden) & set(answers)
    store.close()


def _stored(question: Question, value: Any) -> Any:
    kind = question.type.value
    if kind == "date":
        return value.isoformat()
    return value


async def test_reopening_returns_to_the_same_question_with_every_answer(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, create=True)
        await new_case(pilot, "Terug", "Keer", 0, "02-02-1985")
        await pilot.press("i")
        await pilot.pause()
        screen = app.screen
        for _ in range(5):
            q = shown_question(screen)
            from .pilot import keys_for

            await pilot.press(*keys_for(q, persona_schooled(q)))
            await pilot.pause()
        where = shown_question(screen).id
        # Type part of an answer and stop: the app is closed without leaving the screen.
    store = vault.unlock(PASSPHRASE)
    [case] = store.list_cases()
    saved = store.answers(case.id, intake_form.id)
    assert len(saved) == 5
    store.close()

    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("enter")  # open the only case
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert shown_question(app.screen).id == where


async def test_an_invalid_answer_is_explained_and_not_saved(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Foutje", "family_name": "Bedankt", "doelgroep": "asielstatushouder"}
    )
    date_question = next(
        (s, q)
        for s in intake_form.sections
        for q in s.questions
        if q.type.value == "date" and q.when == "past" and not q.show_if and not s.show_if
    )
    store.set_position(case.id, intake_form.id, date_question[1].id)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        assert shown_question(screen).id == date_question[1].id
        await type_text(pilot, "31-02-2020")
        await pilot.press("enter")
        await pilot.pause()
        error = str(screen.query_one("#answer-error", Label).render())
        assert "bestaat niet" in error
        assert shown_question(screen).id == date_question[1].id
        assert date_question[1].id not in store.answers(case.id, intake_form.id)
        await pilot.press("pagedown")  # moving on is refused too
        await pilot.pause()
        assert shown_question(screen).id == date_question[1].id
        await pilot.press(*(["backspace"] * 10))
        await type_text(pilot, "28-02-2020")
        await pilot.press("enter")
        await pilot.pause()
        assert store.answers(case.id, intake_form.id)[date_question[1].id].value == "2020-02-28"


async def test_not_asked_and_skipped_domain_keep_their_reasons(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    store = vault.create(PASSPHRASE)
    case = store.create_case(
        {"given_names": "Reden", "family_name": "Gever", "doelgroep": "gezinsmigrant"}
    )
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        screen = app.screen
        first = shown_question(screen).id
        first_section = shown_section(screen).id
        await pilot.press("ctrl+n")
        await pilot.pause()
        await type_text(pilot, "tolk nog niet aanwezig")
        await pilot.press("enter")
        await pilot.pause()
        assert shown_question(screen).id != first
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        await type_text(pilot, "volgende afspraak")
        await pilot.press("enter")
        await pilot.pause()
        assert shown_section(screen).id != first_section
    answers = store.answers(case.id, intake_form.id)
    assert answers[first].not_asked_reason == "tolk nog niet aanwezig"
    assert answers[first].value is None
    assert store.skipped_sections(case.id, intake_form.id) == {first_section: "volgende afspraak"}
    walk = IntakeWalk(
        intake_form,
        CaseFacts("gezinsmigrant"),
        answers,
        store.skipped_sections(case.id, intake_form.id),
    )
    assert walk.status(intake_form.sections[0]) == DomainStatus.SKIPPED


async def test_wrong_passphrase_is_refused_with_a_message(
    vault: Vault, forms: dict[str, Form]
) -> None:
    vault.create(PASSPHRASE).close()
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "verkeerde-zin")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "klopt niet" in str(app.screen.query_one("#unlock-error", Label).render())
        await unlock(pilot)
        assert isinstance(app.screen, CaseListScreen)


async def test_new_passphrase_must_be_long_and_repeated(
    vault: Vault, forms: dict[str, Form]
) -> None:
    app = make_app(vault, forms)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "kort")
        await pilot.press("enter")
        await type_text(pilot, "kort")
        await pilot.press("enter")
        await pilot.pause()
        assert "te kort" in str(app.screen.query_one("#unlock-error", Label).render())
        assert not vault.is_initialised()


async def test_idle_app_locks_and_unlocks_to_the_same_place(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    store.create_case(
        {"given_names": "Stil", "family_name": "Zitten", "doelgroep": "gezinsmigrant"}
    )
    app = make_app(vault, forms, store=store, idle_lock_minutes=0.02)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        intake = app.screen
        where = shown_question(intake).id
        # The idle lock fires after 1.2 s; wait on the screen, not the clock (a busy machine).
        await wait_for_screen(pilot, UnlockScreen, timeout=15)
        assert app.store is None
        await unlock(pilot)
        assert app.screen is intake
        assert shown_question(intake).id == where
        assert app.store is not None


async def test_case_list_searches_by_name_and_v_nummer(
    vault: Vault, forms: dict[str, Form]
) -> None:
    store = vault.create(PASSPHRASE)
    store.create_case(
        {
            "given_names": "Ada",
            "family_name": "Eerste",
            "doelgroep": "gezinsmigrant",
            "v_nummer": "1111111111",
        }
    )
    store.create_case(
        {
            "given_names": "Bo",
            "family_name": "Tweede",
            "doelgroep": "gezinsmigrant",
            "v_nummer": "2222222222",
        }
    )
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("slash")
        await type_text(pilot, "twee")
        # The search waits for a pause in typing: wait for its result.
        await wait_until(pilot, lambda: table.row_count == 1, "the search to find one case")
        await pilot.press("escape")
        await pilot.press("slash")
        await type_text(pilot, "1111")
        await wait_until(
            pilot,
            lambda: table.row_count == 1 and "Eerste" in str(table.get_row_at(0)[0]),
            "the search by V-nummer to find Eerste",
        )
        assert "Eerste" in str(table.get_row_at(0)[0])
        assert "1 zaak," in str(app.screen.query_one("#case-count", Static).render())


async def test_case_form_refuses_a_bad_bsn_in_place(vault: Vault, forms: dict[str, Form]) -> None:
    store = vault.create(PASSPHRASE)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Elf")
        await pilot.press("tab")
        await type_text(pilot, "Proef")
        await pilot.press(*(["tab"] * 8))  # to the BSN field
        await type_text(pilot, "123456789")
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = " ".join(str(label.render()) for label in app.screen.query(".field-error"))
        assert "elfproef" in errors
        assert "Kies een doelgroep" in errors
        assert store.count_cases() == 0
