"""Forms as data: the shipped forms load, broken ones name file, line and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from inburgering_tui.domain.form_loader import FormError, load_form, load_forms
from inburgering_tui.domain.forms import AnswerType, Form
from inburgering_tui.domain.intake import CaseFacts, DomainStatus, IntakeWalk
from inburgering_tui.settings import default_forms_dir

MANDATORY_DOMAINS = {
    "leerbaarheid",
    "opleiding",
    "werkervaring",
    "praktische_competenties",
    "werknemersvaardigheden",
    "taalniveau",
    "motivatie",
    "zelfredzaamheid",
    "digitale_vaardigheden",
    "gezinssituatie",
    "fysieke_gezondheid",
    "mentale_gezondheid",
    "sociaal_netwerk",
    "rechten_en_plichten",
}
EXTRA_DOMAINS = {
    "vve",
    "verwachtingen",
    "warme_overdracht_coa",
    "alfabetisering",
    "huishouden_financien",
    "procedure",
}


def test_every_shipped_form_loads() -> None:
    forms = load_forms(default_forms_dir())
    assert "brede-intake" in forms


def test_brede_intake_covers_the_law_and_the_municipal_domains(intake_form: Form) -> None:
    ids = {s.id for s in intake_form.sections}
    assert ids >= MANDATORY_DOMAINS | EXTRA_DOMAINS
    questions = [q for s in intake_form.sections for q in s.questions]
    assert len(questions) / len(intake_form.sections) >= 4
    assert {q.type for q in questions} == set(AnswerType)
    text = " ".join(q.prompt + " " + q.help for q in questions).lower()
    for word in ("religie", "geloof", "godsdienst", "moskee", "kerk"):
        assert word not in text, f"never ask about religion (W 37(1)): found {word!r}"


def test_every_domain_ends_with_summary_and_score(intake_form: Form) -> None:
    for section in intake_form.sections:
        if section.closing:
            last_two = section.all_questions[-2:]
            assert [q.type for q in last_two] == [AnswerType.TEXT, AnswerType.SCALE]


def test_coa_handover_only_for_asielstatushouders(intake_form: Form) -> None:
    coa = next(s for s in intake_form.sections if s.id == "warme_overdracht_coa")
    for doelgroep, applies in (("asielstatushouder", True), ("gezinsmigrant", False)):
        walk = IntakeWalk(intake_form, CaseFacts(doelgroep, 30), {}, {})
        assert walk.section_applies(coa) is applies
        assert (walk.status(coa) == DomainStatus.NOT_APPLICABLE) is not applies


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "kapot.toml"
    path.write_text(body, encoding="utf-8")
    return path


HEADER = '[form]\nid = "t"\nversion = 1\ntitle = "T"\n\n[[sections]]\nid = "a"\ntitle = "A"\n'


def test_a_wrong_answer_type_names_file_line_and_question(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + '\n[[sections.questions]]\nid = "goed"\ntype = "text"\nprompt = "P"\n'
        + '\n[[sections.questions]]\nid = "fout"\nprompt = "P"\ntype = "kleur"\n',
    )
    with pytest.raises(FormError) as caught:
        load_form(path)
    message = str(caught.value)
    assert f"{path}:18:" in message  # the line of `type = "kleur"` itself
    assert "question 'fout'" in message and "type" in message


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + '\n[[sections.questions]]\nid = "x\n')
    with pytest.raises(FormError, match=rf"{path}:11: not valid TOML"):
        load_form(path)


def test_skip_logic_on_an_unknown_question_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + '\n[[sections.questions]]\nid = "x"\ntype = "text"\nprompt = "P"\n'
        'show_if = [{ question = "later", equals = true }]\n',
    )
    with pytest.raises(FormError, match="'later', which is not an earlier question"):
        load_form(path)


def test_a_choice_without_options_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path, HEADER + '\n[[sections.questions]]\nid = "x"\ntype = "choice"\nprompt = "P"\n'
    )
    with pytest.raises(FormError, match=r":10: section 'a', question 'x'.*at least two options"):
        load_form(path)


def test_a_missing_form_header_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[sections]]\nid = "a"\n')
    with pytest.raises(FormError, match=r":1: the file needs a \[form\] table"):
        load_form(path)
