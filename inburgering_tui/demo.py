"""Generated demo cases: plausible people and intakes at every stage, never real persons.

Names are drawn at random from common given and family names per language area and combined
freely, so no generated case describes a real person. A seed makes a run reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from inburgering_tui.domain.case_rules import Doelgroep
from inburgering_tui.domain.forms import AnswerType, Form, Question
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.store.repository import Store, StoredAnswer

STAGES = ("new", "intake_partly", "intake_done", "pip_drafted", "pip_set")

_PEOPLE = {
    "ar": (
        "Syrië",
        ["Amal", "Rania", "Omar", "Yusuf", "Lina", "Khaled", "Huda", "Sami", "Nour", "Tarek"],
        ["Haddad", "Al-Khatib", "Mansour", "Darwish", "Sabbagh", "Hamdan", "Nasser", "Qassem"],
    ),
    "ti": (
        "Eritrea",
        ["Selam", "Yonas", "Senait", "Dawit", "Helen", "Filmon", "Mebrat", "Tesfay", "Ruta"],
        ["Tesfamariam", "Gebremedhin", "Habte", "Kidane", "Weldu", "Berhane", "Asmerom"],
    ),
    "fa": (
        "Afghanistan",
        ["Farid", "Mariam", "Ahmad", "Zahra", "Habib", "Soraya", "Jawad", "Nilofar", "Karim"],
        ["Ahmadi", "Rahimi", "Hosseini", "Karimi", "Sultani", "Noori", "Azizi", "Hakimi"],
    ),
    "tr": (
        "Turkije",
        ["Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Fatma", "Burak", "Derya"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk", "Arslan"],
    ),
    "en": (
        "Nigeria",
        ["Grace", "Emeka", "Blessing", "Tunde", "Ngozi", "Chidi", "Funmi", "Ifeanyi"],
        ["Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze", "Okonkwo", "Afolabi"],
    ),
}
_AZC = ["AZC Budel-Cranendonck", "AZC Zeist", "AZC Ter Apel", "AZC Dronten", "AZC Almere"]
_CONSULTANTS = ["J. de Vries", "M. Bakker", "S. El Idrissi", "P. Jansen"]
_NOTES = [
    "Besproken met de persoon; geen bijzonderheden.",
    "Wil graag snel aan het werk en Nederlands leren.",
    "Heeft hulp nodig bij post en formulieren.",
    "Afspraak gemaakt voor vervolggesprek.",
    "Persoon is gemotiveerd; tolk was aanwezig.",
]


def _valid_bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        digits[0] = rng.randint(1, 9)
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)


def generate_case_fields(rng: random.Random, today: date) -> dict[str, Any]:
    language = rng.choice(list(_PEOPLE))
    country, given, family = _PEOPLE[language]
    doelgroep = rng.choices(
        [Doelgroep.ASIELSTATUSHOUDER, Doelgroep.GEZINSMIGRANT, Doelgroep.OVERIGE_MIGRANT],
        weights=[6, 3, 1],
    )[0]
    koppeling = today - timedelta(days=rng.randint(5, 300))
    at_azc = doelgroep == Doelgroep.ASIELSTATUSHOUDER
    return {
        "given_names": rng.choice(given),
        "family_name": rng.choice(family),
        "date_of_birth": date(
            today.year - rng.randint(17, 60), rng.randint(1, 12), rng.randint(1, 28)
        ),
        "sex": rng.choice(["v", "m"]),
        "nationality": country,
        "languages": [language] + (["en"] if language != "en" and rng.random() < 0.3 else []),
        "literacy": rng.choices(["latijns", "niet_latijns", "analfabeet"], weights=[4, 4, 1])[0],
        "v_nummer": str(rng.randint(1_000_000_000, 9_999_999_999)),
        "bsn": _valid_bsn(rng) if not at_azc or rng.random() < 0.4 else None,
        "doelgroep": doelgroep.value,
        "azc_location": rng.choice(_AZC) if at_azc else "",
        "koppelingsdatum": koppeling,
        "kennisgeving_date": koppeling + timedelta(days=rng.randint(0, 20)),
        "brp_date": koppeling + timedelta(days=rng.randint(10, 60)) if rng.random() < 0.6 else None,
        "consultant": rng.choice(_CONSULTANTS),
    }


def generate_answer(question: Question, rng: random.Random, today: date) -> Any:
    kind = question.type
    if kind == AnswerType.TEXT:
        return rng.choice(_NOTES)
    if kind == AnswerType.CHOICE:
        return rng.choice(question.options).value
    if kind == AnswerType.MULTI:
        picked = rng.sample(question.options, k=rng.randint(1, min(3, len(question.options))))
        return [o.value for o in question.options if o in picked]
    if kind == AnswerType.YESNO:
        return rng.random() < 0.6
    if kind == AnswerType.SCALE:
        return rng.randint(2, 5)
    if kind == AnswerType.NUMBER:
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else low + 20
        high = min(high, low + 40)
        return (
            rng.randint(int(low), int(high))
            if question.integer
            else round(rng.uniform(low, high), 1)
        )
    if kind == AnswerType.DATE:
        if question.when == "future":
            return (today + timedelta(days=rng.randint(1, 200))).isoformat()
        return (today - timedelta(days=rng.randint(1, 400))).isoformat()
    raise AssertionError(kind)


def fill_intake(
    store: Store,
    case_id: str,
    form: Form,
    facts: CaseFacts,
    rng: random.Random,
    today: date,
    *,
    fraction: float,
) -> None:
    """Answer the intake question by question, following its skip logic, up to ``fraction``."""
    answers: dict[str, StoredAnswer] = {}
    walk = IntakeWalk(form, facts, answers, {})
    sections = walk.sections()
    stop_after = max(1, round(len(sections) * fraction))
    batch: list[tuple[str, str, Any]] = []
    for section in sections[:stop_after]:
        # Each answer can reveal follow-up questions, so re-read what is shown as we go.
        index = 0
        while index < len(shown := walk.visible_questions(section)):
            question = shown[index]
            value = generate_answer(question, rng, today)
            batch.append((section.id, question.id, value))
            answers[question.id] = StoredAnswer(question.id, section.id, form.version, value, None)
            index += 1
    store.save_answers(case_id, form.id, form.version, batch)


def _demo_pip(
    store: Store,
    case_id: str,
    form: Form,
    facts: CaseFacts,
    rng: random.Random,
    today: date,
    *,
    set_it: bool,
) -> None:
    """A PIP proposed from the intake; for a set one, completed, agreed and vastgesteld."""
    from inburgering_tui.domain.answers import format_date
    from inburgering_tui.domain.case_facts import BIJSTAND_START, as_date, pip_inputs
    from inburgering_tui.domain.deadlines import LocalPractice
    from inburgering_tui.domain.pip import Kind
    from inburgering_tui.domain.pip_prefill import prefill
    from inburgering_tui.services.pip_workflow import FIRST_REASON, PipWorkflow
    from inburgering_tui.store.pip_repository import PipStore

    practice = LocalPractice()
    case = store.get_case(case_id)
    assert case is not None
    answers = {q: a.value for q, a in store.answers(case_id, form.id).items()}
    context, advice = pip_inputs(case, answers, facts.age, practice)
    dagtekening = today - timedelta(days=rng.randint(10, 500))
    content = prefill(
        advice,
        context,
        bijstand_start=as_date(answers.get(BIJSTAND_START)),
        today=dagtekening,
        progress_interval_months=practice.progress_interval_months,
    )
    pips = PipStore(store)
    if not set_it:
        pips.save_draft(case_id, content.model_dump(mode="json"), FIRST_REASON)
        return
    afspraken = [
        a.model_copy(
            update={
                "confirmed": True,
                "with_excursion": a.kind == Kind.PVT,
                "practical_activity": a.kind == Kind.MAP,
                "start": a.start or dagtekening,
            }
        )
        for a in content.afspraken
    ]
    complete = content.model_copy(
        update={
            "provider": rng.choice(["Taalschool Noord", "ROC Midden", "Taalhuis Centrum"]),
            "intensity_hours_week": rng.choice([8, 10, 12, 16]),
            "target_level": content.target_level or "A2",
            "contact_person": rng.choice(_CONSULTANTS),
            "afspraken": afspraken,
        }
    )
    draft = pips.save_draft(case_id, complete.model_dump(mode="json"), FIRST_REASON)
    workflow = PipWorkflow(store, form, case_id, practice, dagtekening)
    problems = workflow.record_agreement(
        draft.id,
        {
            "person_name": f"{case.given_names} {case.family_name}",
            "agreed_on": format_date(dagtekening),
            "interpreter_name": "tolk via TVCN",
            "interpreter_language": case.languages[0] if case.languages else "nl",
            "consultant": case.consultant,
        },
        case.languages[0] if case.languages else "nl",
    )
    assert not problems, problems  # generated data: every field is there
    workflow.set(draft.id, dagtekening)


def populate(
    store: Store,
    form: Form,
    count: int,
    *,
    seed: int = 2021,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Create ``count`` cases spread evenly over the stages; returns their ids."""
    from inburgering_tui.domain.case_rules import age_on

    rng = random.Random(seed)
    today = today or date.today()
    ids = []
    for number in range(count):
        fields = generate_case_fields(rng, today)
        case = store.create_case(fields)
        stage = STAGES[number % len(STAGES)]
        facts = CaseFacts(fields["doelgroep"], age_on(fields["date_of_birth"], today))
        if stage != "new":
            store.add_conversation(
                case.id,
                held_on=today - timedelta(days=rng.randint(0, 30)),
                place=fields["azc_location"] or "Gemeentehuis",
                interpreter_name=rng.choice(["tolk via TVCN", "tolk ter plaatse", ""]),
                interview_language=fields["languages"][0],
            )
            fraction = 1.0 if stage != "intake_partly" else rng.uniform(0.2, 0.6)
            fill_intake(store, case.id, form, facts, rng, today, fraction=fraction)
        if stage.startswith("pip_"):
            _demo_pip(store, case.id, form, facts, rng, today, set_it=stage == "pip_set")
        for _child in range(rng.choice([0, 0, 1, 2])):
            store.add_household_member(
                case.id,
                name=rng.choice(_PEOPLE[fields["languages"][0]][1]),
                relation="kind",
                date_of_birth=today - timedelta(days=rng.randint(200, 6000)),
            )
        ids.append(case.id)
        if progress is not None:
            progress(number + 1, count)
    return ids
