"""The language list and what recorded facts suggest to the intake, without the UI."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import Locale

from inburgering_tui.domain.case_form import validate_case_fields
from inburgering_tui.domain.form_loader import FormError, load_form
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.domain.intake_prefill import Child, ConversationFacts, HouseholdFacts
from inburgering_tui.domain.languages import (
    COMMON,
    FALLBACK_NAMES,
    LANGUAGES,
    fold,
    language_code,
    normalise_languages,
)
from inburgering_tui.i18n.catalogs import has_catalogue, language_name, set_ui_language

from .conftest import TODAY


def test_every_written_name_means_one_language_only() -> None:
    seen: dict[str, str] = {}
    for code, names in LANGUAGES.items():
        for name in (code, *names):
            key = fold(name)
            assert seen.setdefault(key, code) == code, f"{name!r}: {seen[key]} and {code}"
    assert set(COMMON) <= set(LANGUAGES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ar", "ar"),
        ("ARA", "ar"),
        ("Arabisch", "ar"),
        (" arabic ", "ar"),
        ("العربية", "ar"),
        ("ar-SY", "ar"),
        ("Dari", "prs"),
        ("fa-AF", "prs"),
        ("fa_AF", "prs"),
        ("Farsi", "fa"),
        ("Tigrinya", "ti"),
        ("ትግርኛ", "ti"),
        ("Tigre", "tig"),
        ("Sorani", "ckb"),
        ("soranî", "ckb"),
        ("Koerdisch", "ku"),
        ("Oekraiens", "uk"),
        ("Türkçe", "tr"),
        ("Somali", "so"),
    ],
)
def test_codes_and_names_are_read_as_codes(text: str, code: str) -> None:
    assert language_code(text) == code


@pytest.mark.parametrize("text", ["Eritrees", "Berbers", "Tamazight", "tlh", "xx-YY", "", " "])
def test_what_names_no_one_language_is_not_guessed(text: str) -> None:
    assert language_code(text) is None


def test_babel_names_of_every_listed_language_read_back_as_its_code() -> None:
    """The hand-written names agree with Babel's: what the UI shows can be typed back in."""
    for code in LANGUAGES:
        for ui in ("nl", "en"):
            name = Locale.parse(ui).languages.get(code)
            if name:
                assert language_code(name) == code, (code, ui, name)


def test_every_language_has_a_name_in_both_ui_languages() -> None:
    for code in LANGUAGES:
        for ui in ("nl", "en"):
            assert language_name(code, ui) != code, (code, ui)
    assert language_name("prs", "nl") == "Dari"
    assert set(FALLBACK_NAMES) <= set(LANGUAGES)
    assert language_name("Eritrees", "nl") == "Eritrees"  # old free text shows as typed


def test_catalogues_decide_whether_questions_are_translated() -> None:
    assert has_catalogue("ar") and has_catalogue("ti") and has_catalogue("nl")
    assert not has_catalogue("so") and not has_catalogue("prs")


def test_old_values_normalise_once_and_keep_what_is_unknown() -> None:
    assert normalise_languages(["Arabisch", "ar", "Eritrees", "", "Engels"]) == (
        ["ar", "Eritrees", "en"],
        ["Eritrees"],
    )


def test_case_form_refuses_a_new_unknown_language_but_keeps_an_old_one() -> None:
    raw = {"given_names": "A", "family_name": "B", "doelgroep": "gezinsmigrant"}
    fresh = validate_case_fields({**raw, "languages": ["ar", "Eritrees"]}, TODAY)
    assert fresh.errors["languages"].params == {"names": "Eritrees"}
    kept = validate_case_fields(
        {**raw, "languages": ["ar", "Eritrees"]}, TODAY, stored_languages=["Eritrees"]
    )
    assert kept.ok and kept.values["languages"] == ["ar", "Eritrees"]
    named = validate_case_fields({**raw, "languages": "Tigrinya, prs"}, TODAY)
    assert named.ok and named.values["languages"] == ["ti", "prs"]


# -- suggestions ---------------------------------------------------------------------------


def _walk(
    form: Form,
    conversation: ConversationFacts | None = None,
    household: HouseholdFacts | None = None,
) -> IntakeWalk:
    facts = CaseFacts("gezinsmigrant", 30, conversation=conversation, members=household)
    return IntakeWalk(form, facts, {}, {})


def _value(walk: IntakeWalk, question_id: str) -> object:
    question = walk.form.question(question_id)
    assert question is not None
    found = walk.suggestion(question)
    return "none" if found is None else found.value


@pytest.mark.parametrize(
    ("place", "option"),
    [
        ("AZC Ter Apel", "azc"),
        ("Gemeentehuis Zoetermeer (taalcafé)", "gemeentehuis"),
        ("bij de persoon thuis", "thuis"),
        ("Stadskantoor", None),  # no option named: a reminder only
        ("AZC, via video", None),  # two options named: not guessed
    ],
)
def test_a_typed_place_suggests_the_option_it_names(
    intake_form: Form, place: str, option: str | None
) -> None:
    walk = _walk(intake_form, ConversationFacts("ar", "T. Olk", place))
    assert _value(walk, "proc_locatie") == option


def test_the_conversation_suggests_interpreting_and_its_language(intake_form: Form) -> None:
    alone = _walk(intake_form, ConversationFacts("nl", "", ""))
    assert _value(alone, "proc_tolk") == "geen"
    assert _value(alone, "proc_tolk_taal") == "none"
    with_interpreter = _walk(intake_form, ConversationFacts("so", "Cabdi Xasan", ""))
    assert _value(with_interpreter, "proc_tolk") is None  # named, but not how: reminder
    assert _value(with_interpreter, "proc_tolk_taal") == "so"
    assert _value(_walk(intake_form), "proc_tolk") == "none"  # no conversation yet


def test_the_household_suggests_children_but_never_their_absence(intake_form: Form) -> None:
    kids = HouseholdFacts(3, (Child("Amal", 4), Child("Yonas", 9)))
    walk = _walk(intake_form, household=kids)
    assert _value(walk, "gez_kinderen") is True
    assert _value(walk, "gez_kinderen_thuis") == 2
    assert _value(walk, "kinderen_0_6") == 1
    assert _value(walk, "gez_kinderen_aantal") == "none"  # children abroad are not listed
    no_kids = _walk(intake_form, household=HouseholdFacts(1, ()))
    assert _value(no_kids, "gez_kinderen") == "none"
    assert _value(no_kids, "gez_kinderen_thuis") == 0
    unknown_age = _walk(intake_form, household=HouseholdFacts(2, (Child("Amal", None),)))
    assert _value(unknown_age, "kinderen_0_6") == "none"
    assert _value(_walk(intake_form, household=HouseholdFacts()), "gez_kinderen_thuis") == "none"


def test_a_suggestion_settles_nothing(intake_form: Form) -> None:
    full = _walk(
        intake_form,
        ConversationFacts("nl", "", "Gemeentehuis"),
        HouseholdFacts(2, (Child("Amal", 4),)),
    )
    assert full.progress() == _walk(intake_form).progress()


def test_the_ages_are_written_in_the_ui_language(intake_form: Form) -> None:
    from inburgering_tui.tui.labels import suggestion_answer

    walk = _walk(intake_form, household=HouseholdFacts(2, (Child("Amal", 1), Child("Jo", None))))
    question = intake_form.question("gez_kinderen_leeftijden")
    assert question is not None
    found = walk.suggestion(question)
    assert found is not None
    assert suggestion_answer(question, found) == "Amal (1 jaar), Jo (leeftijd onbekend)"
    set_ui_language("en")
    assert "Amal" in suggestion_answer(question, found)


def test_a_suggestion_on_a_question_of_the_wrong_type_fails_at_load(tmp_path: Path) -> None:
    path = tmp_path / "form.toml"
    path.write_text(
        """
[form]
id = "proef"
version = 1
title = "Proef"

[[sections]]
id = "gezin"
title = "Gezin"
closing = false

[[sections.questions]]
id = "kinderen"
type = "text"
prompt = "Heeft u kinderen?"
suggest = "household.has_children"
""",
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=r"form.toml:\d+.*yesno"):
        load_form(path)
    path.write_text(path.read_text().replace("household.has_children", "household.pets"))
    with pytest.raises(FormError, match="unknown suggest"):
        load_form(path)
