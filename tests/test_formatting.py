"""Dates and numbers in the interview language, and the bidi helpers, without the UI."""

from datetime import date

import arabic_reshaper
import pytest

from inburgering_tui.i18n.bidi import app_reorders, display_line, is_rtl, layout, wrap_logical
from inburgering_tui.i18n.formatting import babel_locale, format_day, format_number

DAY = date(2026, 3, 5)


@pytest.mark.parametrize(
    ("language", "month"),
    [("nl", "maart"), ("en", "March"), ("tr", "Mart"), ("ar", "مارس"), ("fa", "مارس")],
)
def test_dates_use_the_languages_month_names(language: str, month: str) -> None:
    assert month in format_day(DAY, language)


def test_tigrinya_dates_work_with_babels_thin_data() -> None:
    shown = format_day(DAY, "ti")
    assert "2026" in shown and shown.strip()


def test_dari_falls_back_to_persian_and_unknown_to_english() -> None:
    assert babel_locale("prs").language == "fa"
    assert babel_locale("xx").language == "en"


def test_numbers_follow_the_language() -> None:
    assert format_number(1234.5, "nl") == "1.234,5"
    assert format_number(1234.5, "en") == "1,234.5"


def test_direction_comes_from_the_language_not_the_text() -> None:
    assert is_rtl("ar") and is_rtl("fa")
    assert not is_rtl("ti") and not is_rtl("tr") and not is_rtl("nl")
    # Text tagged as Arabic is laid out as a right-to-left paragraph (right-aligned), with
    # its Latin words kept in their own order: the tag decides, not the first character.
    assert layout("Ja nee", 10, rtl=is_rtl("ar"), reorder=True) == ["    Ja nee"]
    assert layout("Ja nee", 10, rtl=is_rtl("nl"), reorder=True) == ["Ja nee"]


def test_numbers_and_identifiers_keep_their_order_inside_arabic() -> None:
    shown = display_line("رقم 2027-0042 تاريخ 05-03-2024", rtl=True, reorder=True)
    assert "2027-0042" in shown and "05-03-2024" in shown
    assert "\u2066" not in shown and "\u2069" not in shown
    legal = display_line("إلزامي (B 5.2(2)). قل هذا", rtl=True, reorder=True)
    assert "(B 5.2(2))" in legal
    contact = display_line("اتصل بـ inburgering@voorbeeld.nl اليوم", rtl=True, reorder=True)
    assert "inburgering@voorbeeld.nl" in contact


def test_wrapping_happens_in_logical_order_before_reordering() -> None:
    text = "واحد اثنان ثلاثة اربعة خمسة ستة"  # one two three four five six
    lines = wrap_logical(text, 12)
    assert len(lines) >= 3  # else the order of the lines proves nothing
    assert " ".join(lines) == text  # reading order of the lines is the text's order
    shown = layout(text, 12, rtl=True, reorder=True)
    assert len(shown) == len(lines)
    assert all(len(line) == 12 for line in shown)  # right-aligned to the width
    # Top to bottom the lines keep the text's order: the first visual line holds its logical
    # beginning, with the first word at the right; the last line holds the end, at the left.
    # Reordering the whole paragraph (or the wrapped lines) the other way round fails here.
    assert shown[0].rstrip().endswith(_visual("واحد"))
    assert shown[-1].lstrip().startswith(_visual("ستة"))
    # Each line read right to left, the lines read top to bottom: the (shaped) text again.
    assert " ".join(line.strip()[::-1] for line in shown) == arabic_reshaper.reshape(text)


def _visual(word: str) -> str:
    """A purely Arabic word as a non-bidi terminal must show it: shaped, right to left."""
    return str(arabic_reshaper.reshape(word))[::-1]


@pytest.mark.parametrize(
    ("mode", "environ", "reorders"),
    [
        ("auto", {}, True),
        ("auto", {"VTE_VERSION": "7200"}, False),
        ("auto", {"KONSOLE_VERSION": "230800"}, False),
        ("app", {"VTE_VERSION": "7200"}, True),
        ("terminal", {}, False),
    ],
)
def test_who_reorders(mode: str, environ: dict[str, str], reorders: bool) -> None:
    assert app_reorders(mode, environ) is reorders
