"""Each case with its intake progress and deadlines: what the case list, the case screen and
``cases list --json`` show. Joins the store's data with the domain's rules; no UI here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from inburgering_tui.domain.case_facts import deadline_facts
from inburgering_tui.domain.case_rules import age_on
from inburgering_tui.domain.deadlines import (
    Deadline,
    Invitation,
    LocalPractice,
    compute,
    next_deadline,
)
from inburgering_tui.domain.forms import Form
from inburgering_tui.domain.intake import CaseFacts, IntakeWalk
from inburgering_tui.store.models import Case
from inburgering_tui.store.models import Invitation as InvitationRow
from inburgering_tui.store.pip_repository import PipStore
from inburgering_tui.store.repository import Store

_EMPTY: dict[str, dict[str, Any]] = {"answers": {}, "skipped": {}}


@dataclass(frozen=True)
class CaseOverview:
    case: Case
    walk: IntakeWalk
    deadlines: list[Deadline]

    @property
    def next_deadline(self) -> Deadline | None:
        return next_deadline(self.deadlines)


def overview(
    case: Case,
    form: Form,
    summary: dict[str, Any],
    first_conversation: date | None,
    today: date,
    practice: LocalPractice,
    pip: dict[str, Any] | None = None,
    invitations: tuple[Invitation, ...] = (),
) -> CaseOverview:
    walk = IntakeWalk(
        form,
        CaseFacts(case.doelgroep, age_on(case.date_of_birth, today)),
        summary["answers"],
        summary["skipped"],
    )
    values = {qid: answer.value for qid, answer in summary["answers"].items()}
    facts = deadline_facts(case, values, first_conversation, pip, invitations)
    return CaseOverview(case, walk, compute(facts, today, practice))


def case_overviews(
    store: Store,
    form: Form,
    today: date,
    practice: LocalPractice,
    *,
    search: str = "",
    sort: str = "name",
) -> list[CaseOverview]:
    cases = store.list_cases(search, sort)
    summaries = store.intake_summaries(form.id, cases)
    first_conversations = store.first_conversation_dates()
    pips = PipStore(store).facts_per_case()
    invitations = _invitations_by_case(store.invitations())
    return [
        overview(
            case,
            form,
            summaries[case.id],
            first_conversations.get(case.id),
            today,
            practice,
            pips.get(case.id),
            invitations.get(case.id, ()),
        )
        for case in cases
    ]


def one_case(
    store: Store, form: Form, case_id: str, today: date, practice: LocalPractice
) -> CaseOverview | None:
    case = store.get_case(case_id)
    if case is None:
        return None
    answers = store.answers(case_id, form.id)
    summary = {"answers": answers, "skipped": store.skipped_sections(case_id, form.id)}
    conversations = store.conversations(case_id)
    first = conversations[0].held_on if conversations else None
    pip = PipStore(store).facts_per_case(case_id).get(case_id)
    invitations = _invitations_by_case(store.invitations(case_id)).get(case_id, ())
    return overview(case, form, summary, first, today, practice, pip, invitations)


def _invitations_by_case(rows: list[InvitationRow]) -> dict[str, tuple[Invitation, ...]]:
    grouped: dict[str, list[Invitation]] = {}
    for row in rows:  # already in the order they were sent
        grouped.setdefault(row.case_id, []).append(
            Invitation(row.sent_on, row.term_days, row.responded_on)
        )
    return {case_id: tuple(items) for case_id, items in grouped.items()}
