"""The written record of the brede intake as plain data: what the report shows, section by section.

The law asks the findings of the brede intake to be recorded in writing (B 5.2(2)). This module
builds that record from the form, the answers, the skipped domains and the conversations; the PDF
(export/intake_report_pdf.py) only renders it. Every part is a small frozen dataclass, so a later
part (a consultant's note per question, a warning across questions) is one more field here and
one more line in the renderer.

Health domains (``special_category`` in the form) can be left out whole, for copies that must not
carry health data (DOMAIN.md §7): then nothing of them is in the model, not even their reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from inburgering_tui.domain.answers import NO, YES, answer_text
from inburgering_tui.domain.forms import (
    SCORE_LABELS,
    SCORE_SUFFIX,
    SUMMARY_SUFFIX,
    Form,
    Question,
    Section,
)
from inburgering_tui.domain.intake import Answered, CaseFacts, DomainStatus, IntakeWalk

# The questions that record the procedure the law prescribes, by id in forms/brede_intake.toml:
# the person was told they may speak without anyone but professionals present (B 5.2(2)), who
# else was there, and that the duty, the termijn, fines and bezwaar were explained (W 11, W 22,
# W 23, Awb 6:7). A form that renames one keeps the old id in its ``renamed`` table.
PROCEDURAL_QUESTIONS = (
    "proc_alleen_verteld",
    "proc_aanwezig",
    "proc_doel_uitgelegd",
    "rp_alleen_uitgelegd",
    "rp_plicht_uitgelegd",
    "rp_termijn_uitgelegd",
    "rp_boetes_uitgelegd",
    "rp_bezwaar_uitgelegd",
    "rp_begrepen",
)


@dataclass(frozen=True)
class ReportHeader:
    """Who and what the report is about; the caller gathers it from the case and the settings."""

    kenmerk: str
    person_name: str
    date_of_birth: date | None
    v_nummer: str
    doelgroep: str  # the code; the renderer shows its label
    azc_location: str
    koppelingsdatum: date | None
    kennisgeving_date: date | None
    brp_date: date | None
    consultant: str
    municipality: str
    made_on: date


@dataclass(frozen=True)
class ReportConversation:
    held_on: date
    place: str
    interpreter: str
    language: str  # a language code; the renderer names it


@dataclass(frozen=True)
class ReportAnswer:
    """One question as it stands: its Dutch prompt and the answer, or why it was not asked."""

    question_id: str
    prompt: str  # the form's Dutch msgid; for a historical answer its question id
    text: str  # the answer as a reader sees it; "" when not (yet) given
    not_asked_reason: str | None = None
    form_version: int | None = None  # set for answers from an older form version
    note: str = ""  # the consultant's note on the question

    @property
    def answered(self) -> bool:
        return bool(self.text)


@dataclass(frozen=True)
class ReportDomain:
    section_id: str
    title: str
    basis: str
    special_category: bool
    status: DomainStatus
    skipped_reason: str | None
    answers: tuple[ReportAnswer, ...]
    summary: str  # the consultant's summary of the domain; "" when not written
    score: int | None  # the Zelfredzaamheidsmatrix score 1-5
    historical: tuple[ReportAnswer, ...]  # answers to questions the form no longer has
    note: str = ""  # the consultant's note on the domain
    warnings: tuple[str, ...] = ()  # the form's checks across questions, as Dutch sentences

    @property
    def score_label(self) -> str:
        return SCORE_LABELS.get(self.score, "") if self.score is not None else ""


@dataclass(frozen=True)
class IntakeReport:
    header: ReportHeader
    form_title: str
    form_version: int
    conversations: tuple[ReportConversation, ...]
    procedure: tuple[ReportAnswer, ...]
    domains: tuple[ReportDomain, ...]
    # Answers from an older form version whose domain the form no longer has.
    historical_elsewhere: tuple[ReportAnswer, ...]
    progress: tuple[int, int]  # (domains done or skipped, domains that apply)
    without_health: bool
    health_left_out: tuple[str, ...]  # titles of the health domains left out of this copy

    @property
    def not_asked(self) -> list[tuple[ReportDomain, ReportAnswer]]:
        """Every question deliberately not asked, with its domain, in form order."""
        return [(d, a) for d in self.domains for a in d.answers if a.not_asked_reason]

    @property
    def skipped(self) -> list[ReportDomain]:
        return [d for d in self.domains if d.skipped_reason is not None]


def build_report(
    form: Form,
    facts: CaseFacts,
    answers: Mapping[str, Answered],
    skipped: Mapping[str, str],
    *,
    header: ReportHeader,
    conversations: Sequence[ReportConversation],
    without_health: bool = False,
    notes: Mapping[tuple[str, str], str] | None = None,
    warnings: Mapping[str, Sequence[str]] | None = None,
) -> IntakeReport:
    """``notes`` by (kind, subject) as the intake session keeps them; ``warnings`` per
    section id, written out."""
    notes = notes or {}
    warnings = warnings or {}
    walk = IntakeWalk(form, facts, answers, skipped)
    sections = walk.sections()
    left_out = tuple(s.title for s in sections if s.special_category) if without_health else ()
    kept = [s for s in sections if not (without_health and s.special_category)]
    historical = walk.historical_answers()
    known = {s.id: s for s in form.sections}
    shown = {s.id for s in kept}

    def may_show(section_id: str) -> bool:
        # A domain the form no longer has cannot be told apart from a health domain: a copy
        # without health data leaves its answers out too.
        section = known.get(section_id)
        return not (without_health and (section is None or section.special_category))

    elsewhere = tuple(
        _historical(qid, answer)
        for qid, answer in historical.items()
        if answer.section_id not in shown and may_show(answer.section_id)
    )
    return IntakeReport(
        header=header,
        form_title=form.title,
        form_version=form.version,
        conversations=tuple(conversations),
        procedure=tuple(_procedure(walk, notes)),
        domains=tuple(
            _domain(walk, section, historical, notes, tuple(warnings.get(section.id, ())))
            for section in kept
        ),
        historical_elsewhere=elsewhere,
        progress=walk.progress(),
        without_health=without_health,
        health_left_out=left_out,
    )


def _domain(
    walk: IntakeWalk,
    section: Section,
    historical: Mapping[str, Answered],
    notes: Mapping[tuple[str, str], str],
    warnings: tuple[str, ...],
) -> ReportDomain:
    summary_id, score_id = section.id + SUMMARY_SUFFIX, section.id + SCORE_SUFFIX
    rows = [
        _answer(q, walk.answer_for(q.id), notes.get(("question", q.id), ""))
        for q in walk.visible_questions(section)
        if q.id not in (summary_id, score_id)
    ]
    summary = walk.value_of(summary_id)
    score = walk.value_of(score_id)
    closing = [
        _answer(q, walk.answer_for(q.id))
        for q in section.all_questions
        if q.id in (summary_id, score_id)
    ]
    return ReportDomain(
        section_id=section.id,
        title=section.title,
        basis=section.basis,
        special_category=section.special_category,
        status=walk.status(section),
        skipped_reason=walk.skipped.get(section.id),
        # A summary or score deliberately not asked stays visible with its reason.
        answers=(*rows, *(a for a in closing if a.not_asked_reason)),
        summary=summary if isinstance(summary, str) else "",
        score=score if isinstance(score, int) and not isinstance(score, bool) else None,
        historical=tuple(
            _historical(qid, a) for qid, a in historical.items() if a.section_id == section.id
        ),
        note=notes.get(("domain", section.id), ""),
        warnings=warnings,
    )


def _answer(question: Question, answer: Answered | None, note: str = "") -> ReportAnswer:
    if answer is None:
        return ReportAnswer(question.id, question.prompt, "", note=note)
    return ReportAnswer(
        question.id,
        question.prompt,
        answer_text(question, answer.value),
        not_asked_reason=answer.not_asked_reason,
        note=note,
    )


def _procedure(walk: IntakeWalk, notes: Mapping[tuple[str, str], str]) -> list[ReportAnswer]:
    """The procedural questions that apply to this case, answered or not: a missing one shows."""
    rows = []
    for question_id in PROCEDURAL_QUESTIONS:
        section = walk.form.section_of(question_id)
        question = walk.form.question(question_id)
        if section is None or question is None or not walk.is_visible(section, question):
            continue
        rows.append(
            _answer(
                question, walk.answer_for(question.id), notes.get(("question", question.id), "")
            )
        )
    return rows


def _historical(question_id: str, answer: Answered) -> ReportAnswer:
    return ReportAnswer(
        question_id,
        question_id,
        _plain(answer.value),
        not_asked_reason=answer.not_asked_reason,
        form_version=getattr(answer, "form_version", None),
    )


def _plain(value: Any) -> str:
    """A value whose question the form no longer describes: shown as it was stored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
