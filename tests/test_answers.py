"""Answer validation per type: what is stored, and the message when input is refused."""

from datetime import date

import pytest

from inburgering_tui.domain.answers import Invalid, validate
from inburgering_tui.domain.forms import Question

from .conftest import TODAY


def q(**fields: object) -> Question:
    return Question(id="v", prompt="Vraag?", **fields)


@pytest.mark.parametrize(
    ("question", "raw", "stored"),
    [
        (q(type="text"), "  tekst  ", "tekst"),
        (q(type="text"), "   ", None),
        (q(type="number", min=0, max=30, integer=True), "12", 12),
        (q(type="number", min=0, max=100), "7,5", 7.5),
        (q(type="date"), "05-03-2024", "2024-03-05"),
        (q(type="date"), "2024-03-05", "2024-03-05"),
        (q(type="date", when="past"), TODAY.strftime("%d-%m-%Y"), TODAY.isoformat()),
        (q(type="yesno"), True, True),
        (q(type="scale", scale_labels={1: "slecht", 5: "goed"}), 4, 4),
        (
            q(type="multi", options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]),
            ["b", "a", "b"],
            ["a", "b"],
        ),
    ],
)
def test_valid_input_is_stored_typed(question: Question, raw: object, stored: object) -> None:
    assert validate(question, raw, TODAY) == stored


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        (q(type="number", min=0, max=30, integer=True), "31", "van 0 tot en met 30"),
        (q(type="number", integer=True), "2,5", "heel getal"),
        (q(type="number"), "twaalf", "Vul een getal in"),
        (q(type="date"), "30-02-2024", "bestaat niet"),
        (q(type="date"), "maart", "dd-mm-jjjj"),
        (q(type="date", when="past"), "24-11-2026", "toekomst"),
        (q(type="date", when="future"), "22-11-2026", "verleden"),
        (q(type="scale", scale_labels={1: "slecht", 5: "goed"}), 6, "1 tot en met 5"),
        (q(type="text", max_length=5), "zes tekens", "hoogstens"),
    ],
)
def test_invalid_input_gets_a_message(question: Question, raw: object, message: str) -> None:
    result = validate(question, raw, TODAY)
    assert isinstance(result, Invalid)
    assert message in result.msgid.format(**result.params)


def test_leap_day_is_a_date() -> None:
    assert validate(q(type="date"), "29-02-2024", date(2026, 1, 1)) == "2024-02-29"
