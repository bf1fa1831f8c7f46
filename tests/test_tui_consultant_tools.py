"""The consultant's tools in the intake, by keys: notes, multi-line answers, "weet niet" and
"wil niet zeggen", "anders, namelijk", finding a question, and a domain's summary."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.forms import (
    DECLINED,
    DONT_KNOW,
    OTHER_SUFFIX,
    AnswerType,
    Form,
    no_answer,
)
from inburgering_tui.export.bundle import import_bundle
from inburgering_tui.services.intake_session import IntakeSession
from inburgering_tui.store.records import read_records
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.dialogs.domain_summary import DomainSummaryDialog
from inburgering_tui.tui.dialogs.find_question import FindQuestionDialog
from inburgering_tui.tui.dialogs.note import NoteDialog
from inburgering_tui.tui.screens.intake import IntakeScreen
from inburgering_tui.tui.widgets.script_text import ScriptText

from .conftest import PASSPHRASE, TODAY
from .pilot import SIZE, case_at, first_shown_question, make_app, type_text
from .sync_helpers import export, make_laptop, make_office_home, office_keys

NAME = {"given_names": "Şükrü", "family_name": "Nasser-Aydın", "doelgroep": "asielstatushouder"}


def _intake(app: object) -> IntakeScreen:
    screen = getattr(app, "screen", None)
    assert isinstance(screen, IntakeScreen)
    return screen


async def test_a_note_on_a_question_is_kept_shown_to_the_consultant_only_and_audited(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _section, question = first_shown_question(intake_form, lambda s, q: q.type == AnswerType.YESNO)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    # In Arabic with an interpreter: the interview column is shown, and must not get the note.
    store.add_conversation(case_id, held_on=TODAY, interview_language="ar")
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "tolk (Tigrinya) vertaalt 2x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = _intake(app)
        shown = str(screen.query_one("#question-note", Static).render())
        assert "tolk (Tigrinya) vertaalt 2x" in shown
        interview = screen.query_one("#interview-prompt", ScriptText)
        assert interview.display and interview.text, "the interpreter's column is in use"
        assert "Tigrinya" not in interview.text and "vertaalt" not in interview.text
    notes = store.notes(case_id, intake_form.id)
    assert notes == {("question", question.id): "tolk (Tigrinya) vertaalt 2x"}
    assert question.id not in store.answers(case_id, intake_form.id), "a note is no answer"
    assert [e.action for e in store.audit_events(case_id) if e.action.startswith("note.")] == [
        "note.set"
    ]


async def test_weet_niet_and_wil_niet_zeggen_only_where_the_form_allows_them(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _s, declinable = first_shown_question(intake_form, lambda s, q: q.allow_decline)
    _s, plain = first_shown_question(
        intake_form, lambda s, q: not q.allow_dont_know and not q.allow_decline
    )
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, declinable)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        assert _intake(app).question is declinable
        await pilot.press("f7")
        await pilot.pause()
        assert _intake(app).question is not declinable, "recorded, and on"
    assert store.answers(case_id, intake_form.id)[declinable.id].value == no_answer(DECLINED)
    # Where the form does not allow it, the key records nothing.
    store.set_position(case_id, intake_form.id, plain.id)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        assert _intake(app).question is plain
        await pilot.press("f3", "f7")
        await pilot.pause()
        assert _intake(app).question is plain
    assert plain.id not in store.answers(case_id, intake_form.id)


def test_a_no_answer_feeds_no_rule_and_reads_as_what_it_is(store: Store, intake_form: Form) -> None:
    case = store.create_case(NAME)
    session = IntakeSession(store, intake_form, case.id, TODAY)
    number = next(
        q
        for s in intake_form.sections
        for q in s.questions
        if q.allow_dont_know and q.type == AnswerType.NUMBER
    )
    saved = session.no_answer(number, DONT_KNOW)
    assert not isinstance(saved, Invalid) and saved.changed
    followers = [
        q
        for s in intake_form.sections
        for q in s.questions
        if any(c.question == number.id for c in q.show_if)
    ]
    for follower in followers:
        section = session.section_of(follower)
        assert not session.walk.is_visible(section, follower), "no skip logic takes it for a number"
    session.warnings()  # the checks across questions do not trip over it


async def test_anders_namelijk_follows_the_other_option_and_records_its_text(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _s, question = first_shown_question(
        intake_form, lambda s, q: q.type == AnswerType.CHOICE and any(o.other for o in q.options)
    )
    other = next(n for n, o in enumerate(question.options, start=1) if o.other)
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press(str(other), "enter")
        await pilot.pause()
        shown = _intake(app).question
        assert shown is not None and shown.id == question.id + OTHER_SUFFIX
        await type_text(pilot, "bij een neef in Ede (2 weken)")
        await pilot.press("enter")
        await pilot.pause()
    answers = store.answers(case_id, intake_form.id)
    assert answers[question.id + OTHER_SUFFIX].value == "bij een neef in Ede (2 weken)"


async def test_a_multi_line_answer_keeps_its_lines_and_pgdn_goes_on(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _s, question = first_shown_question(
        intake_form, lambda s, q: q.type == AnswerType.TEXT and q.multiline
    )
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, question)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        assert isinstance(app.screen.focused, TextArea)
        await type_text(pilot, "Eerste regel")
        await pilot.press("enter")
        await type_text(pilot, "Tweede regel (ሰላም)")
        await pilot.press("pagedown")
        await pilot.pause()
        assert _intake(app).question is not question
    assert store.answers(case_id, intake_form.id)[question.id].value == (
        "Eerste regel\nTweede regel (ሰላም)"
    )


async def test_find_a_question_by_words_and_jump_there(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    _s, target = first_shown_question(intake_form, lambda s, q: q.id == "fg_huisarts")
    _s, start = first_shown_question(intake_form, lambda s, q: True)
    store = vault.create(PASSPHRASE)
    case_at(store, intake_form, start)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FindQuestionDialog)
        await type_text(pilot, "ingeschreven huisarts")
        await pilot.press("enter")
        await pilot.pause()
        assert _intake(app).question is target


async def test_the_domain_summary_comes_before_leaving_and_opens_any_answer(
    vault: Vault, forms: dict[str, Form], intake_form: Form
) -> None:
    section = next(s for s in intake_form.sections if not s.show_if and s.closing)
    last = section.all_questions[-1]
    first = section.all_questions[0]
    store = vault.create(PASSPHRASE)
    case_id = case_at(store, intake_form, last)
    app = make_app(vault, forms, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "i")
        await pilot.pause()
        await pilot.press("4", "enter")  # the domain's score, then on
        await pilot.pause()
        assert isinstance(app.screen, DomainSummaryDialog)
        await pilot.press("f5")
        await pilot.pause()
        await type_text(pilot, "vervolg bij Vluchtelingenwerk")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DomainSummaryDialog)
        await pilot.press("enter")  # the first line: its question opens
        await pilot.pause()
        assert _intake(app).question is first
    assert store.notes(case_id, intake_form.id) == {
        ("domain", section.id): "vervolg bij Vluchtelingenwerk"
    }
    assert store.answers(case_id, intake_form.id)[last.id].value == 4


def test_notes_travel_in_the_bundle_and_a_case_without_keeps_its_record(
    isolated: Path, tmp_path: Path, intake_form: Form
) -> None:
    ids = make_laptop(isolated, intake_form, cases=2)
    laptop = Vault(isolated).unlock(PASSPHRASE)
    question = intake_form.sections[0].questions[0]
    laptop.set_note(ids[0], intake_form.id, "question", question.id, "شاهد (taalcafé) – Ṣāliḥ")
    bundle = export(laptop, isolated, tmp_path / "notes.p7m")
    with laptop.session() as session:
        records = read_records(session.connection(), ids)
    laptop.close()
    assert "notes" not in records[ids[1]], "no notes: the record is what it was"
    office = Vault(make_office_home(isolated, tmp_path / "office")).create(PASSPHRASE)
    identity, ca = office_keys(isolated)
    import_bundle(office, bundle.read_bytes(), identity, ca)
    assert office.notes(ids[0], intake_form.id) == {
        ("question", question.id): "شاهد (taalcafé) – Ṣāliḥ"
    }
    office.close()
