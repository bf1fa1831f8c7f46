"""Person and case fields: BSN 11-proef, V-nummer, dates, required names."""

from datetime import date

import pytest

from inburgering_tui.domain.case_form import validate_case_fields
from inburgering_tui.domain.case_rules import age_on, bsn_problem, v_nummer_problem

from .conftest import TODAY


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "12345672"])
def test_valid_bsns_pass_the_elfproef(bsn: str) -> None:
    assert bsn_problem(bsn) is None


@pytest.mark.parametrize(
    ("bsn", "why"),
    [
        ("123456789", "elfproef"),
        ("000000000", "elfproef"),
        ("12345678a", "9 cijfers"),
        ("1234567", "9 cijfers"),
    ],
)
def test_invalid_bsns_say_why(bsn: str, why: str) -> None:
    problem = bsn_problem(bsn)
    assert problem is not None and why in problem


def test_v_nummer_has_ten_digits() -> None:
    assert v_nummer_problem("12345 67890") is None
    assert v_nummer_problem("123456789") is not None


def test_age_counts_the_birthday_itself() -> None:
    born = date(2000, 2, 29)
    assert age_on(born, date(2028, 2, 28)) == 27
    assert age_on(born, date(2028, 2, 29)) == 28


def test_case_form_reports_every_bad_field_and_normalises_good_ones() -> None:
    result = validate_case_fields(
        {
            "given_names": "",
            "family_name": "Testpersoon",
            "date_of_birth": "31-02-1990",
            "doelgroep": "asielstatushouder",
            "bsn": "123456789",
            "v_nummer": "12345 67890",
            "koppelingsdatum": "01-01-2030",
            "languages": "ar, en",
        },
        TODAY,
    )
    assert set(result.errors) == {"given_names", "date_of_birth", "bsn", "koppelingsdatum"}
    assert result.values["v_nummer"] == "1234567890"
    assert result.values["languages"] == ["ar", "en"]


def test_case_form_needs_a_doelgroep() -> None:
    result = validate_case_fields({"given_names": "A", "family_name": "B"}, TODAY)
    assert "doelgroep" in result.errors
