"""The use cases below the UI: the same answer for the TUI, the CLI and any script."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inburgering_tui.demo import STAGES, populate
from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.deadlines import LocalPractice
from inburgering_tui.domain.forms import AnswerType, Form
from inburgering_tui.domain.leerroute import Leerroute
from inburgering_tui.domain.pip import PipContent
from inburgering_tui.services.case_registration import register, update
from inburgering_tui.services.intake_session import IntakeSession
from inburgering_tui.services.pip_workflow import PipWorkflow, SetRefused, check_fields
from inburgering_tui.store.repository import Store

from .conftest import TODAY

PERSON = {
    "given_names": "Ṣāliḥ Şükrü",
    "family_name": "Nasser-Aydın",
    "doelgroep": "asielstatushouder",
    "v_nummer": "1234567890",
}


def _case_at_stage(store: Store, form: Form, stage: str) -> str:
    ids = populate(store, form, len(STAGES), seed=7, today=TODAY)
    return ids[STAGES.index(stage)]


def _complete(content: PipContent) -> PipContent:
    return content.model_copy(
        update={
            "leerroute": content.leerroute or Leerroute.B1,
            "provider": "Taalhuis (taalcafé) Noord",
            "intensity_hours_week": 12,
            "target_level": "B1",
            "contact_person": "Dilan Öztürk",
            "afspraken": [
                a.model_copy(
                    update={
                        "confirmed": True,
                        "with_excursion": True,
                        "practical_activity": True,
                        "start": a.start or TODAY,
                    }
                )
                for a in content.afspraken
            ],
        }
    )


def _agreement(**changes: str) -> dict[str, str]:
    return {
        "person_name": "Ṣāliḥ Nasser-Aydın",
        "agreed_on": "20-11-2026",
        "interpreter_name": "tolk via TVCN",
        "interpreter_language": "ar",
        "consultant": "Dilan Öztürk",
        **changes,
    }


def test_a_pip_is_set_only_when_complete_and_agreed(store: Store, intake_form: Form) -> None:
    case_id = _case_at_stage(store, intake_form, "pip_drafted")
    workflow = PipWorkflow(store, intake_form, case_id, LocalPractice(), TODAY)
    draft, _versions = workflow.open()
    with pytest.raises(SetRefused) as refused:
        workflow.set(draft.id, TODAY)
    reasons = " ".join(refused.value.reasons)
    assert "niet compleet" in reasons and "akkoord" in reasons
    assert workflow.version(draft.id).status == "draft"

    workflow.save(_complete(PipContent.model_validate(draft.content)))
    with pytest.raises(SetRefused) as refused:
        workflow.set(draft.id, TODAY)
    assert refused.value.reasons == ["Het akkoord van de persoon is nog niet vastgelegd."]

    problems = workflow.record_agreement(draft.id, _agreement(interpreter_name=""), "ar")
    assert set(problems) == {"interpreter_name"}
    problems = workflow.record_agreement(draft.id, _agreement(agreed_on="24-11-2026"), "ar")
    assert set(problems) == {"agreed_on"}, "a date after today"
    assert workflow.version(draft.id).agreement is None
    assert workflow.record_agreement(draft.id, _agreement(), "ar") == {}
    version = workflow.set(draft.id, TODAY)
    assert (version.status, version.dagtekening) == ("set", TODAY)
    assert workflow.refusals(draft.id, TODAY) == ["Deze versie is al vastgesteld."]


def test_a_later_version_cannot_change_the_route_after_its_window(
    store: Store, intake_form: Form
) -> None:
    case_id = _case_at_stage(store, intake_form, "pip_set")
    workflow = PipWorkflow(store, intake_form, case_id, LocalPractice(), TODAY)
    first = workflow.pips.first_set(case_id)
    assert first is not None and first.dagtekening is not None
    draft = workflow.amend("Andere leerroute na de voortgang (taalcafé)")
    content = PipContent.model_validate(draft.content)
    other = Leerroute.Z if content.leerroute != Leerroute.Z else Leerroute.B1
    workflow.save(content.model_copy(update={"leerroute": other, "deviation_reason": "x" * 20}))
    assert workflow.record_agreement(draft.id, _agreement(), "ar") == {}
    late = first.dagtekening + timedelta(days=3 * 365)
    refusals = workflow.refusals(draft.id, late)
    assert refusals, "rule T11 refuses a route change this late"
    with pytest.raises(SetRefused):
        workflow.set(draft.id, late)


def test_field_checks_give_messages_per_field() -> None:
    checked = check_fields(
        {
            "intensity_hours_week": "twaalf",
            "progress_talks_per_year": "13",
            "waiting_since": "31-02-2026",
        }
    )
    assert set(checked.errors) == {
        "intensity_hours_week",
        "progress_talks_per_year",
        "waiting_since",
    }
    good = check_fields({"intensity_hours_week": "12,5", "progress_talks_per_year": "2"})
    assert good.errors == {} and good.values["intensity_hours_week"] == 12.5


def test_one_person_one_case_on_the_form_too(store: Store) -> None:
    first = register(store, PERSON, TODAY)
    assert first.case is not None and first.errors == {}
    again = register(store, {**PERSON, "given_names": "Ander"}, TODAY)
    assert again.case is None and set(again.errors) == {"v_nummer"}
    assert store.count_cases() == 1
    # The case itself keeps its own V-nummer when its other fields change.
    changed = update(store, first.case.id, {**PERSON, "nationality": "Syrië"}, TODAY)
    assert changed.case is not None and changed.case.nationality == "Syrië"
    bad = register(store, {**PERSON, "v_nummer": "", "bsn": "123456789"}, TODAY)
    assert bad.case is None and "bsn" in bad.errors


def test_the_intake_session_writes_only_valid_explicit_changes(
    store: Store, intake_form: Form
) -> None:
    case = store.create_case(PERSON)
    session = IntakeSession(store, intake_form, case.id, TODAY)
    date_question = next(
        q
        for s in intake_form.sections
        for q in s.questions
        if q.type == AnswerType.DATE and q.when == "past"
    )
    assert isinstance(session.answer(date_question, "31-02-2020"), Invalid)
    assert store.answers(case.id, intake_form.id) == {}
    saved = session.answer(date_question, "28-02-2020")
    assert not isinstance(saved, Invalid) and saved.changed
    again = session.answer(date_question, "28-02-2020")
    assert not isinstance(again, Invalid) and not again.changed
    session.clear(date_question)
    with pytest.raises(ValueError):
        session.not_asked(date_question, "   ")
    session.not_asked(date_question, "tolk (Tigrinya) afwezig")
    actions = [e.action for e in store.audit_events(case.id) if e.action.startswith("answer.")]
    assert actions == ["answer.set", "answer.clear", "answer.not_asked"]
    assert store.answers(case.id, intake_form.id)[date_question.id].value is None
