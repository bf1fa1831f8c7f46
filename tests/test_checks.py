"""Checks across questions: warnings from the form's [[checks]] and from date questions' `when`,
and the loader refusing a check it cannot resolve, with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.checks import DATE_PASSED, AnswerWarning, warnings
from inburgering_tui.domain.deadlines import LocalPractice, t2_window
from inburgering_tui.domain.form_loader import FormError, load_form
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake import CaseFacts, Household
from inburgering_tui.i18n.catalogs import translator
from inburgering_tui.services.intake_session import IntakeSession
from inburgering_tui.store.repository import Store

from .conftest import TODAY

KOPPELING = date(2026, 10, 1)


@dataclass(frozen=True)
class Member:
    name: str
    relation: str
    date_of_birth: date | None


FAMILY = [
    Member("Ṣāliḥ Nasser-Aydın", "partner", date(1990, 4, 2)),
    Member("Yonas (jongste)", "kind", date(2023, 6, 1)),
    Member("Aylin Nasser-Aydın", "kind", date(2015, 1, 31)),
]


def facts(household: Household | None = None, koppeling: date | None = KOPPELING) -> CaseFacts:
    return CaseFacts("asielstatushouder", 34, household, koppeling)


def family() -> Household:
    return Household.of(FAMILY, TODAY)


def on(form: Form, question_id: str, answers: dict[str, Any], the_facts: CaseFacts) -> list[str]:
    return [
        w.kind
        for w in warnings(form, answers, the_facts, TODAY, question_id=question_id)
        if w.question_id == question_id
    ]


def test_the_household_is_counted_from_the_case() -> None:
    counted = family()
    assert (counted.members, counted.children, counted.children_under_6) == (4, 2, 1)
    no_birth_date = Household.of([*FAMILY, Member("ﺳﺎﺭﺓ", "kind", None)], TODAY)
    assert no_birth_date.children == 3 and no_birth_date.children_under_6 is None
    assert Household.of([], TODAY) == Household(1, 0, 0)


def test_a_child_count_against_the_registered_household(intake_form: Form) -> None:
    answers: dict[str, Any] = {"gez_kinderen": True, "gez_kinderen_thuis": 3}
    [warning] = warnings(intake_form, answers, facts(family()), TODAY)
    assert (warning.question_id, warning.section_id, warning.kind) == (
        "gez_kinderen_thuis",
        "gezinssituatie",
        "household",
    )
    assert warning.params == {"answer": "3", "count": 2}
    assert "volgens het dossier: 2; volgens dit antwoord: 3" in warning.text()
    assert (
        on(intake_form, "gez_kinderen_thuis", {**answers, "gez_kinderen_thuis": 2}, facts(family()))
        == []
    )
    # Without the household looked up there is nothing to compare with.
    assert warnings(intake_form, answers, facts(None), TODAY) == []
    # A hidden question keeps its stored answer but warns no more.
    assert warnings(intake_form, {**answers, "gez_kinderen": False}, facts(family()), TODAY) == []


def test_young_children_and_household_size(intake_form: Form) -> None:
    answers: dict[str, Any] = {
        "gez_kinderen": True,
        "gez_kinderen_thuis": 2,
        "kinderen_0_6": 2,
        "fin_huishouden_aantal": 4,
    }
    kinds = {w.question_id for w in warnings(intake_form, answers, facts(family()), TODAY)}
    assert kinds == {"kinderen_0_6"}  # one child under 6 is registered, four people in all
    unknown_age = Household.of([*FAMILY, Member("Sara", "kind", None)], TODAY)
    found = warnings(intake_form, answers, facts(unknown_age), TODAY)
    assert {w.question_id for w in found} == {"gez_kinderen_thuis", "fin_huishouden_aantal"}


def test_a_planned_leerbaarheidstoets_outside_the_t2_window(intake_form: Form) -> None:
    start, end = t2_window(KOPPELING, LocalPractice())
    assert (start, end) == (date(2026, 11, 26), date(2026, 12, 24))  # rule T2: 8-12 weeks
    base: dict[str, Any] = {"lbt_gedaan": False, "lbt_vrijgesteld": False}
    inside = {**base, "lbt_gepland": "2026-12-10"}
    assert warnings(intake_form, inside, facts(), TODAY) == []
    late = {**base, "lbt_gepland": "2027-01-15"}
    [warning] = warnings(intake_form, late, facts(), TODAY)
    assert warning.kind == "rule_window" and warning.params["rule"] == "T2"
    assert warning.text() == (
        "De geplande datum 15-01-2027 valt buiten de periode voor de leerbaarheidstoets: "
        "26-11-2026 tot en met 24-12-2026 (regel T2)."
    )
    # The window is the municipality's setting, not a number in the form.
    wider = LocalPractice(lbt_from_weeks=8, lbt_until_weeks=16)
    assert warnings(intake_form, late, facts(), TODAY, wider) == []
    # No koppeling (a gezinsmigrant): no window to be outside of.
    assert warnings(intake_form, late, facts(koppeling=None), TODAY) == []


def test_no_health_insurance_then_questions_that_assume_one(intake_form: Form) -> None:
    answers: dict[str, Any] = {
        "fin_zorgverzekering": False,
        "fin_vaste_lasten": ["huur", "zorgverzekering"],
        "zr_verzekeringen": ["inboedel"],
    }
    found = warnings(intake_form, answers, facts(), TODAY)
    assert [(w.question_id, w.kind) for w in found] == [
        ("fin_vaste_lasten", "conflict"),
        ("zr_verzekeringen", "conflict"),
    ]
    assert all(w.params == {} for w in found)
    insured = {**answers, "fin_zorgverzekering": True}
    assert warnings(intake_form, insured, facts(), TODAY) == []
    # Only the question the consultant is on, for the warning under its answer.
    only = warnings(intake_form, answers, facts(), TODAY, question_id="zr_verzekeringen")
    assert [w.question_id for w in only] == ["zr_verzekeringen"]
    # A skipped domain stays quiet.
    quiet = warnings(intake_form, answers, facts(), TODAY, skipped={"zelfredzaamheid"})
    assert [w.question_id for w in quiet] == ["fin_vaste_lasten"]


def test_dates_against_today_follow_the_questions_when(intake_form: Form) -> None:
    answers = {"verw_volgend_gesprek": "2026-11-02", "gez_aankomst_nl": "2027-03-01"}
    found = {w.question_id: w for w in warnings(intake_form, answers, facts(), TODAY)}
    assert found["verw_volgend_gesprek"].kind == "date_passed"
    assert found["verw_volgend_gesprek"].msgid == DATE_PASSED
    assert found["gez_aankomst_nl"].kind == "date_in_future"
    assert warnings(intake_form, {"verw_volgend_gesprek": "2026-12-01"}, facts(), TODAY) == []


def test_a_warning_is_translated_with_its_values() -> None:
    warning = AnswerWarning("q", "s", "date_passed", DATE_PASSED, {"date": date(2026, 3, 5)})
    assert warning.text() == (
        "De geplande datum 05-03-2026 is voorbij. Is het doorgegaan, of is er een nieuwe datum?"
    )
    english = translator("en")
    assert warning.text(english).startswith(english(DATE_PASSED).split("{")[0])


# -- the loader -------------------------------------------------------------------------------

FORM = """[form]
id = "t"
version = 1
title = "T"

[[sections]]
id = "gezin"
title = "Gezin"
closing = false

[[sections.questions]]
id = "kinderen"
type = "number"
prompt = "Hoeveel kinderen wonen bij u?"

[[sections.questions]]
id = "verzekerd"
type = "yesno"
prompt = "Heeft u een zorgverzekering?"
"""


def _load(tmp_path: Path, checks: str) -> Form:
    path = tmp_path / "checks.toml"
    path.write_text(FORM + checks, encoding="utf-8")
    return load_form(path)


def test_a_well_formed_check_loads(tmp_path: Path) -> None:
    form = _load(
        tmp_path,
        '\n[[checks]]\nkind = "household"\nquestion = "kinderen"\nfact = "children"\n'
        'message = "Dossier: {count}, antwoord: {answer}."\n',
    )
    assert [c.kind for c in form.checks] == ["household"]


@pytest.mark.parametrize(
    ("checks", "line", "says"),
    [
        # A check naming a question the form has not: the line of `question = ...`.
        (
            '\n[[checks]]\nkind = "household"\nquestion = "kinderen"\nfact = "children"\n'
            'message = "M"\n'
            '\n[[checks]]\nkind = "conflict"\nquestion = "kinderen_thuis"\n'
            'conditions = [{ question = "verzekerd", equals = false }]\nmessage = "M"\n',
            29,
            "check #2 (on 'kinderen_thuis'): question: Value error, check 'conflict' names "
            "unknown question 'kinderen_thuis'",
        ),
        (
            '\n[[checks]]\nkind = "conflict"\nquestion = "kinderen"\n'
            'conditions = [{ question = "verzkerd", equals = false }]\nmessage = "M"\n',
            24,
            "conditions refers to 'verzkerd', which is not a question of this form",
        ),
        (
            '\n[[checks]]\nkind = "household"\nquestion = "verzekerd"\nfact = "children"\n'
            'message = "M"\n',
            23,
            "a 'household' check needs a number question; 'verzekerd' is yesno",
        ),
        (
            '\n[[checks]]\nkind = "household"\nquestion = "kinderen"\nfact = "kinderen"\n'
            'message = "M"\n',
            24,
            "fact: Input should be 'members', 'children' or 'children_under_6'",
        ),
        (
            '\n[[checks]]\nkind = "household"\nquestion = "kinderen"\nfact = "children"\n'
            'message = "Dossier: {aantal}."\n',
            25,
            "message uses ['aantal']; this kind of check knows {answer}, {count}",
        ),
        ('\n[[checks]]\nkind = "kleur"\nquestion = "kinderen"\nmessage = "M"\n', 21, "'kleur'"),
        ('\n[[check]]\nkind = "household"\n', 21, "unknown table 'check'"),
    ],
)
def test_a_broken_check_names_file_line_and_check(
    tmp_path: Path, checks: str, line: int, says: str
) -> None:
    with pytest.raises(FormError) as caught:
        _load(tmp_path, checks)
    message = str(caught.value)
    assert f"checks.toml:{line}:" in message, message
    assert says in message, message


def test_skip_logic_errors_now_name_their_own_line(tmp_path: Path) -> None:
    path = tmp_path / "skip.toml"
    path.write_text(
        FORM + '\n[[sections.questions]]\nid = "x"\ntype = "text"\nprompt = "P"\n'
        'show_if = [{ question = "later", equals = true }]\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=rf"{path}:25: section 'gezin', question 'x': show_if"):
        load_form(path)


def test_the_intake_session_warns_from_the_stored_case_and_answers(
    store: Store, intake_form: Form
) -> None:
    """Through the one writer of answers, on a real store: the household and koppeling the
    case registers, the answers as committed."""
    case = store.create_case(
        {
            "given_names": "Ṣāliḥ",
            "family_name": "Nasser-Aydın",
            "doelgroep": "asielstatushouder",
            "koppelingsdatum": KOPPELING,
        }
    )
    for member in FAMILY:
        store.add_household_member(case.id, member.name, member.relation, member.date_of_birth)
    session = IntakeSession(store, intake_form, case.id, TODAY)
    question = session.question
    for qid, raw in (
        ("gez_kinderen", True),
        ("gez_kinderen_thuis", "3"),
        ("lbt_gedaan", False),
        ("lbt_vrijgesteld", False),
        ("lbt_gepland", "15-01-2027"),
    ):
        assert not isinstance(session.answer(question(qid), raw), Invalid)
    found = session.warnings(LocalPractice())
    assert [(w.question_id, w.kind) for w in found] == [
        ("gez_kinderen_thuis", "household"),
        ("lbt_gepland", "rule_window"),
    ]
    assert [w.question_id for w in session.warnings(question_id="lbt_gepland")] == ["lbt_gepland"]
    # A warning never keeps an answer out of the store.
    assert store.answers(case.id, intake_form.id)["gez_kinderen_thuis"].value == 3
