"""For whom each text is: the person's side never shows a consultant's question or note, and
scale questions say what their own points mean."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from inburgering_tui.domain.audience import (
    CONSULTANT_ONLY,
    consultant_texts,
    person_texts,
    person_view,
)
from inburgering_tui.domain.form_loader import FormError, load_form
from inburgering_tui.domain.forms import (
    SCORE_LABELS,
    SCORE_SUFFIX,
    SUMMARY_SUFFIX,
    AnswerType,
    Form,
    Question,
)
from inburgering_tui.i18n.catalogs import available_languages, translator
from inburgering_tui.i18n.extract import extract_forms
from inburgering_tui.settings import default_forms_dir
from inburgering_tui.tui.widgets.questions import option_lines

INTERVIEW_LANGUAGES = [lang for lang in available_languages() if lang != "nl"]


def _person_side(question: Question, translate: Callable[[str], str], language: str) -> list[str]:
    """What the interview column and `follow` show of a question: prompt, help, options."""
    view = person_view(question)
    if view is None:
        return [translate(CONSULTANT_ONLY), "", ""]
    return [
        translate(view.prompt),
        translate(view.help) if view.help else "",
        option_lines(view, translate, language),
    ]


def _all_questions(form: Form) -> list[Question]:
    return [q for s in form.sections for q in s.all_questions]


def test_the_catalogues_under_test_include_every_interview_language() -> None:
    assert {"ar", "ti", "fa", "tr", "en"} <= set(INTERVIEW_LANGUAGES)


@pytest.mark.parametrize("language", INTERVIEW_LANGUAGES)
def test_no_consultant_text_reaches_the_person_in_any_language(
    intake_form: Form, language: str
) -> None:
    translate = translator(language)
    for question in _all_questions(intake_form):
        shown = _person_side(question, translate, language)
        if question.consultant_only:
            assert shown == [translate(CONSULTANT_ONLY), "", ""], question.id
            continue
        assert shown[0] == translate(question.prompt)
        assert shown[1] == (translate(question.help) if question.help else "")
        whole = "\n".join(shown)
        for text in consultant_texts(question):
            assert translate(text) not in whole, (question.id, text)
            assert text not in whole, (question.id, text)


def test_the_form_marks_observations_and_do_not_read_aloud_hints(intake_form: Form) -> None:
    question = intake_form.question
    for qid in (
        "mg_signalen",  # the consultant's own view of stress or trauma signals
        "alfa_latijns_lezen",  # an observation
        "lbt_uitkomst",  # from DUO's portal
        "proc_alleen_verteld",  # a record that something was said
        "rp_bezwaar_uitgelegd",
        "rp_begrepen",
    ):
        found = question(qid)
        assert found is not None and found.consultant_only, qid
    # The signal question's "niet voorlezen" is a note, and the note is the consultant's.
    signals = question("mg_signalen")
    assert signals is not None and "niet voorlezen" in signals.note and not signals.help
    for section in intake_form.sections:
        if section.closing:
            summary = question(section.id + SUMMARY_SUFFIX)
            score = question(section.id + SCORE_SUFFIX)
            assert summary is not None and summary.consultant_only
            assert score is not None and score.consultant_only
    people = [q for q in _all_questions(intake_form) if not q.consultant_only]
    assert len(people) > 100  # most of the interview is put to the person


def test_what_the_person_hears_reads_as_addressed_to_them(intake_form: Form) -> None:
    """Text about "de persoon", "niet voorlezen" or "noteer" is for the consultant: a note."""
    markers = ("de persoon", "niet voorlezen", "noteer", "de consulent", "leg het antwoord vast")
    for question in _all_questions(intake_form):
        for text in person_texts(question):
            low = text.lower()
            assert not any(m in low for m in markers), (question.id, text)
    for section in intake_form.sections:
        assert not any(m in section.help.lower() for m in markers), section.id


def test_person_view_drops_only_the_note() -> None:
    question = Question(
        id="q",
        type=AnswerType.YESNO,
        prompt="Heeft u een huisarts?",
        help="Een huisarts is de eerste dokter.",
        note="Noteer de naam van de praktijk (taalcafé).",
    )
    view = person_view(question)
    assert view is not None and view.note == ""
    assert (view.prompt, view.help) == (question.prompt, question.help)
    assert person_texts(question) == [question.prompt, question.help]
    assert consultant_texts(question) == [question.note]
    observation = Question(
        id="o", type=AnswerType.TEXT, prompt="Indruk van de consulent", audience="consultant"
    )
    assert person_view(observation) is None and person_texts(observation) == []


# -- scale labels -----------------------------------------------------------------------------


def test_every_scale_names_its_own_points(intake_form: Form) -> None:
    scales = [q for q in _all_questions(intake_form) if q.type == AnswerType.SCALE]
    assert len(scales) > 20
    for question in scales:
        assert question.point_label(1) and question.point_label(5), question.id
        assert "(1 =" not in question.prompt, "the points are data now, not part of the prompt"
        matrix = set(SCORE_LABELS.values())
        if question.id.endswith(SCORE_SUFFIX):
            assert question.scale_labels == SCORE_LABELS
        else:
            # The Zelfredzaamheidsmatrix belongs to the score questions only.
            assert not matrix & set(question.scale_labels.values()), question.id


def test_scale_options_show_the_questions_own_labels(intake_form: Form) -> None:
    question = intake_form.question("mg_welzijn")
    assert question is not None
    assert option_lines(question, str) == "1. heel slecht\n2. \n3. gaat wel\n4. \n5. heel goed"
    arabic = translator("ar")
    lines = option_lines(question, arabic, "ar").splitlines()
    assert lines[0] == "1. " + arabic("heel slecht") and lines[1] == "2. "
    score = intake_form.question("opleiding" + SCORE_SUFFIX)
    assert score is not None
    assert option_lines(score, str).splitlines()[0] == "1. acute problematiek"


def test_a_scale_without_labels_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "schaal.toml"
    path.write_text(
        '[form]\nid = "t"\nversion = 1\ntitle = "T"\n\n[[sections]]\nid = "a"\ntitle = "A"\n'
        '\n[[sections.questions]]\nid = "ok"\ntype = "scale"\nprompt = "Hoe gaat het?"\n'
        'scale_labels = { 1 = "slecht", 5 = "goed" }\n'
        '\n[[sections.questions]]\nid = "kaal"\ntype = "scale"\nprompt = "Hoe slaapt u?"\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError) as caught:
        load_form(path)
    message = str(caught.value)
    assert f"{path}:16: section 'a', question 'kaal'" in message
    assert "scale_labels" in message and "1 and 5" in message


@pytest.mark.parametrize(
    ("labels", "problem"),
    [
        ('{ 1 = "slecht" }', "1 and 5"),
        ('{ 0 = "nul", 1 = "slecht", 5 = "goed" }', "points [0]"),
        ('{ 1 = " ", 5 = "goed" }', "may not be empty"),
    ],
)
def test_scale_labels_must_fit_the_scale(tmp_path: Path, labels: str, problem: str) -> None:
    path = tmp_path / "schaal.toml"
    path.write_text(
        '[form]\nid = "t"\nversion = 1\ntitle = "T"\n\n[[sections]]\nid = "a"\ntitle = "A"\n'
        f'\n[[sections.questions]]\nid = "s"\ntype = "scale"\nprompt = "P"\nscale_labels = {labels}\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=rf":10: section 'a', question 's'.*{re.escape(problem)}"):
        load_form(path)


def test_labels_on_a_non_scale_and_help_on_an_observation_are_refused(tmp_path: Path) -> None:
    head = '[form]\nid = "t"\nversion = 1\ntitle = "T"\n\n[[sections]]\nid = "a"\ntitle = "A"\n'
    path = tmp_path / "t.toml"
    path.write_text(
        head + '\n[[sections.questions]]\nid = "j"\ntype = "yesno"\nprompt = "P"\n'
        'scale_labels = { 1 = "a", 5 = "b" }\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError, match="'scale_labels' are for scale questions"):
        load_form(path)
    path.write_text(
        head + '\n[[sections.questions]]\nid = "o"\ntype = "text"\nprompt = "P"\n'
        'audience = "consultant"\nhelp = "Niet voorlezen."\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=r":10: .*question 'o'.*in 'note', not 'help'"):
        load_form(path)
    path.write_text(
        head + '\n[[sections.questions]]\nid = "o"\ntype = "text"\nprompt = "P"\n'
        'audience = "tolk"\n',
        encoding="utf-8",
    )
    with pytest.raises(FormError, match=r":14: .*question 'o': audience"):
        load_form(path)


# -- extraction -------------------------------------------------------------------------------


def test_every_msgid_of_the_form_is_extracted_for_translation(intake_form: Form) -> None:
    """Scale labels, notes and check messages reach the .pot like prompts and option labels."""
    path = default_forms_dir() / "brede_intake.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    extracted = list(extract_forms(io.BytesIO(path.read_bytes()), [], [], {}))
    found = {msgid for _line, _fn, msgid, _comments in extracted}
    wanted: set[str] = set()
    for section in intake_form.sections:
        wanted |= {t for t in (section.title, section.help, section.note) if t}
        for question in section.questions:
            wanted |= set(person_texts(question)) | set(consultant_texts(question))
    wanted |= {check.message for check in intake_form.checks}
    assert wanted - found == set()
    for line, _fn, msgid, comments in extracted:
        if comments == ["form scale_labels"] or comments == ["form note"]:
            assert msgid in lines[line - 1], (line, msgid)
    assert "gaat wel" in found and "heel makkelijk" in found
