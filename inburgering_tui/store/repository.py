"""All reads and writes the app makes, one short transaction each, every change audited.

The UI calls these methods and never writes SQL; each write commits before it returns, so an
answer the screen calls saved is on disk.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, or_
from sqlmodel import Session, col, select

from inburgering_tui.domain.case_form import CASE_FIELDS
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.audit_anchor import BASE, LAST_EVENT, SEALING
from inburgering_tui.store.audit_chain import GENESIS, event_hash
from inburgering_tui.store.busy import READS_ONLY
from inburgering_tui.store.models import (
    Answer,
    AuditEvent,
    Case,
    Conversation,
    HouseholdMember,
    IntakePosition,
    Invitation,
    Note,
    SectionSkip,
    SignedDocument,
    utcnow,
)

SORT_KEYS: dict[str, tuple[Any, ...]] = {
    "name": (col(Case.family_name), col(Case.given_names)),
    "created": (col(Case.created_at).desc(),),
    "updated": (col(Case.updated_at).desc(),),
    "koppeling": (col(Case.koppelingsdatum), col(Case.family_name)),
}


_BATCH = 500  # ids per IN (...)
CONVERSATION_FIELDS = ("held_on", "place", "interpreter_name", "interview_language")


class ConversationInUse(Refusal):
    """A conversation that answers refer to cannot be removed."""

    def __init__(self, answers: int) -> None:
        super().__init__(
            N_(
                "Dit gesprek kan niet worden verwijderd: antwoorden van de intake verwijzen ernaar "
                "(aantal: {n}). Wijzig het gesprek (Enter) als de gegevens niet kloppen."
            ),
            n=answers,
        )
        self.answers = answers


def _no_summary() -> dict[str, Any]:
    return {"answers": {}, "skipped": {}}


@dataclass(frozen=True)
class StoredAnswer:
    question_id: str
    section_id: str
    form_version: int
    value: Any
    not_asked_reason: str | None

    @property
    def settled(self) -> bool:
        """Answered, or deliberately not asked: either way the question is dealt with."""
        return self.value is not None or self.not_asked_reason is not None


class Store:
    def __init__(self, engine: Engine, actor: str, *, seal_key: bytes | None = None) -> None:
        self.engine = engine
        self._reader = engine.execution_options(**READS_ONLY)  # same pool, deferred BEGIN
        self.actor = actor
        # The audit chain's head is sealed with it at every commit (audit_anchor.py); a server
        # store has no data key to derive it from and goes unsealed.
        self.seal_key = seal_key
        # form id -> case id -> (the case's updated_at, its intake summary)
        self._summaries: dict[str, dict[str, tuple[Any, dict[str, Any]]]] = {}

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work that may write: on SQLite it waits for the write lock before its
        first read, so no other process's commit slips in between (see busy.py)."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A unit of work that only reads: it never waits for another process's write."""
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def audit(self, session: Session, action: str, case_id: str | None, subject: str = "") -> None:
        """Append one event, chained to the one before it (see audit_chain.py)."""
        previous = self._audit_tail(session)
        event = AuditEvent(actor=self.actor, action=action, case_id=case_id, subject=subject)
        event.prev_hash = previous
        event.hash = event_hash(previous, event.at, event.actor, action, case_id, subject)
        session.info["audit_tail"] = event.hash
        session.info[LAST_EVENT] = event
        session.add(event)

    def audit_many(self, session: Session, items: Sequence[tuple[str, str | None, str]]) -> None:
        """Append many (action, case_id, subject) events at once, as one bulk insert."""
        if not items:
            return
        previous = self._audit_tail(session)
        rows = []
        for action, case_id, subject in items:
            at = utcnow()
            current = event_hash(previous, at, self.actor, action, case_id, subject)
            rows.append(
                {
                    "at": at,
                    "actor": self.actor,
                    "action": action,
                    "case_id": case_id,
                    "subject": subject,
                    "prev_hash": previous,
                    "hash": current,
                }
            )
            previous = current
        session.execute(insert(AuditEvent), rows)
        session.info["audit_tail"] = previous
        session.info.pop(LAST_EVENT, None)

    def _audit_tail(self, session: Session) -> str:
        if self.seal_key is not None:
            session.info[SEALING] = self.seal_key
        return _audit_tail(session)

    # -- cases -----------------------------------------------------------------------------

    def create_case(self, fields: dict[str, Any]) -> Case:
        case = Case(**{k: v for k, v in fields.items() if k in CASE_FIELDS})
        with self.session() as session:
            session.add(case)
            self.audit(session, "case.create", case.id)
            session.commit()
        return case

    def update_case(self, case_id: str, fields: dict[str, Any]) -> Case:
        with self.session() as session:
            case = session.get_one(Case, case_id)
            changed = sorted(
                k for k in fields if k in CASE_FIELDS and getattr(case, k) != fields[k]
            )
            for key in changed:
                setattr(case, key, fields[key])
            if changed:
                case.updated_at = utcnow()
                # Field names only: the values are personal data and stay in their columns.
                self.audit(session, "case.update", case_id, ",".join(changed))
            session.commit()
        return case

    def create_cases(self, rows: list[dict[str, Any]], source: str) -> list[str]:
        """Register many cases in one transaction (an import): all of them or none."""
        cases = [Case(**{k: v for k, v in row.items() if k in CASE_FIELDS}) for row in rows]
        with self.session() as session:
            for case in cases:
                session.add(case)
                self.audit(session, "case.import", case.id, source)
            session.commit()
        return [case.id for case in cases]

    def known_identifiers(self) -> tuple[set[str], set[str]]:
        """Every V-nummer and BSN in the store: the keys an import checks for duplicates."""
        with self.reading() as session:
            rows = session.exec(select(Case.v_nummer, Case.bsn)).all()
        return {v for v, _ in rows if v}, {b for _, b in rows if b}

    def case_with_identifier(self, name: str, value: str) -> str | None:
        """The id of a case whose V-nummer (``name`` "v_nummer") or BSN ("bsn") is ``value``."""
        if not value:
            return None
        column = {"v_nummer": Case.v_nummer, "bsn": Case.bsn}[name]
        with self.reading() as session:
            return session.exec(select(Case.id).where(column == value).limit(1)).first()

    def get_case(self, case_id: str) -> Case | None:
        with self.reading() as session:
            return session.get(Case, case_id)

    def list_cases(self, search: str = "", sort: str = "name") -> list[Case]:
        query = select(Case)
        needle = search.strip().lower()
        if needle:
            pattern = f"%{needle}%"
            query = query.where(
                or_(
                    func.lower(Case.family_name).like(pattern),
                    func.lower(Case.given_names).like(pattern),
                    func.lower(Case.given_names + " " + Case.family_name).like(pattern),
                    func.replace(Case.v_nummer, " ", "").like(pattern.replace(" ", "")),
                )
            )
        query = query.order_by(*SORT_KEYS.get(sort, SORT_KEYS["name"]))
        with self.reading() as session:
            return list(session.exec(query).all())

    def count_cases(self) -> int:
        with self.reading() as session:
            return session.exec(select(func.count()).select_from(Case)).one()

    # -- household and conversations -------------------------------------------------------

    def household(self, case_id: str) -> list[HouseholdMember]:
        with self.reading() as session:
            query = select(HouseholdMember).where(HouseholdMember.case_id == case_id)
            return list(session.exec(query.order_by(col(HouseholdMember.date_of_birth))).all())

    def add_household_member(
        self, case_id: str, name: str, relation: str, date_of_birth: Any = None
    ) -> HouseholdMember:
        member = HouseholdMember(
            case_id=case_id, name=name, relation=relation, date_of_birth=date_of_birth
        )
        with self.session() as session:
            session.add(member)
            self.audit(session, "household.add", case_id, member.id)
            session.commit()
        return member

    def remove_household_member(self, member_id: str) -> None:
        with self.session() as session:
            member = session.get_one(HouseholdMember, member_id)
            self.audit(session, "household.remove", member.case_id, member_id)
            session.delete(member)
            session.commit()

    def conversations(self, case_id: str) -> list[Conversation]:
        with self.reading() as session:
            query = select(Conversation).where(Conversation.case_id == case_id)
            return list(session.exec(query.order_by(col(Conversation.held_on))).all())

    def first_conversation_dates(self) -> dict[str, Any]:
        """Per case, the date of its first intake conversation (rule T1 is met by it)."""
        query = select(Conversation.case_id, func.min(Conversation.held_on)).group_by(
            Conversation.case_id
        )
        with self.reading() as session:
            return {case_id: held_on for case_id, held_on in session.exec(query).all()}

    def add_conversation(self, case_id: str, **fields: Any) -> Conversation:
        conversation = Conversation(case_id=case_id, **fields)
        with self.session() as session:
            session.add(conversation)
            self.audit(session, "conversation.add", case_id, conversation.id)
            session.commit()
        return conversation

    def update_conversation(self, conversation_id: str, **fields: Any) -> Conversation:
        """Correct a conversation's date, place, interpreter or language; the audit names the
        fields changed, never their values."""
        with self.session() as session:
            conversation = session.get_one(Conversation, conversation_id)
            changed = sorted(
                k
                for k in fields
                if k in CONVERSATION_FIELDS and getattr(conversation, k) != fields[k]
            )
            for key in changed:
                setattr(conversation, key, fields[key])
            if changed:
                session.add(conversation)
                self.audit(
                    session,
                    "conversation.update",
                    conversation.case_id,
                    f"{conversation_id}:{','.join(changed)}",
                )
                _touch_case(session, conversation.case_id)
            session.commit()
        return conversation

    def remove_conversation(self, conversation_id: str) -> None:
        """Remove a conversation recorded by mistake. Refused while answers were given in it:
        they would lose the conversation (interpreter, language) they were given in."""
        with self.session() as session:
            conversation = session.get_one(Conversation, conversation_id)
            used = session.exec(
                select(func.count())
                .select_from(Answer)
                .where(Answer.conversation_id == conversation_id)
            ).one()
            if used:
                raise ConversationInUse(used)
            self.audit(session, "conversation.remove", conversation.case_id, conversation_id)
            session.delete(conversation)
            _touch_case(session, conversation.case_id)
            session.commit()

    # -- invitations (rule T3) ---------------------------------------------------------------

    def invitations(self, case_id: str | None = None) -> list[Invitation]:
        query = select(Invitation).order_by(col(Invitation.sent_on))
        if case_id is not None:
            query = query.where(Invitation.case_id == case_id)
        with self.reading() as session:
            return list(session.exec(query).all())

    def add_invitation(self, case_id: str, sent_on: Any, term_days: int) -> Invitation:
        invitation = Invitation(case_id=case_id, sent_on=sent_on, term_days=term_days)
        with self.session() as session:
            session.add(invitation)
            self.audit(session, "invitation.add", case_id, invitation.id)
            session.commit()
        return invitation

    def record_response(self, invitation_id: str, responded_on: Any) -> None:
        with self.session() as session:
            invitation = session.get_one(Invitation, invitation_id)
            invitation.responded_on = responded_on
            session.add(invitation)
            self.audit(session, "invitation.response", invitation.case_id, invitation_id)
            session.commit()

    # -- answers ---------------------------------------------------------------------------

    def answers(self, case_id: str, form_id: str) -> dict[str, StoredAnswer]:
        query = select(Answer).where(Answer.case_id == case_id, Answer.form_id == form_id)
        with self.reading() as session:
            return {
                row.question_id: StoredAnswer(
                    row.question_id,
                    row.section_id,
                    row.form_version,
                    row.value,
                    row.not_asked_reason,
                )
                for row in session.exec(query).all()
            }

    def save_answer(
        self,
        case_id: str,
        form_id: str,
        form_version: int,
        section_id: str,
        question_id: str,
        value: Any,
        *,
        not_asked_reason: str | None = None,
        conversation_id: str | None = None,
    ) -> None:
        """Store (or clear, with value None) one answer and commit at once."""
        with self.session() as session:
            row = session.exec(
                select(Answer).where(
                    Answer.case_id == case_id,
                    Answer.form_id == form_id,
                    Answer.question_id == question_id,
                )
            ).first()
            if row is None:
                row = Answer(
                    case_id=case_id,
                    form_id=form_id,
                    form_version=form_version,
                    section_id=section_id,
                    question_id=question_id,
                )
            row.value = value
            row.not_asked_reason = not_asked_reason
            row.form_version = form_version
            row.section_id = section_id
            row.conversation_id = conversation_id or row.conversation_id
            row.updated_at = utcnow()
            session.add(row)
            action = (
                "answer.not_asked"
                if not_asked_reason
                else ("answer.clear" if value is None else "answer.set")
            )
            self.audit(session, action, case_id, f"{form_id}/{question_id}")
            _touch_case(session, case_id)
            session.commit()

    def save_answers(
        self, case_id: str, form_id: str, form_version: int, items: list[tuple[str, str, Any]]
    ) -> None:
        """Store many (section_id, question_id, value) answers in one transaction."""
        with self.session() as session:
            existing = {
                row.question_id: row
                for row in session.exec(
                    select(Answer).where(Answer.case_id == case_id, Answer.form_id == form_id)
                ).all()
            }
            for section_id, question_id, value in items:
                row = existing.get(question_id) or Answer(
                    case_id=case_id,
                    form_id=form_id,
                    form_version=form_version,
                    section_id=section_id,
                    question_id=question_id,
                )
                row.value = value
                row.not_asked_reason = None
                row.updated_at = utcnow()
                session.add(row)
                self.audit(session, "answer.set", case_id, f"{form_id}/{question_id}")
            _touch_case(session, case_id)
            session.commit()

    def skipped_sections(self, case_id: str, form_id: str) -> dict[str, str]:
        query = select(SectionSkip).where(
            SectionSkip.case_id == case_id, SectionSkip.form_id == form_id
        )
        with self.reading() as session:
            return {row.section_id: row.reason for row in session.exec(query).all()}

    def skip_section(self, case_id: str, form_id: str, section_id: str, reason: str | None) -> None:
        """Mark a life domain as not discussed (with a reason), or undo that with None."""
        with self.session() as session:
            row = session.get(SectionSkip, (case_id, form_id, section_id))
            if reason is None:
                if row is not None:
                    session.delete(row)
                    self.audit(session, "section.unskip", case_id, f"{form_id}/{section_id}")
            else:
                row = row or SectionSkip(
                    case_id=case_id, form_id=form_id, section_id=section_id, reason=reason
                )
                row.reason = reason
                row.updated_at = utcnow()
                session.add(row)
                self.audit(session, "section.skip", case_id, f"{form_id}/{section_id}")
            _touch_case(session, case_id)
            session.commit()

    def notes(self, case_id: str, form_id: str) -> dict[tuple[str, str], str]:
        """The consultant's notes of a case's intake by (kind, subject)."""
        query = select(Note).where(Note.case_id == case_id, Note.form_id == form_id)
        with self.reading() as session:
            return {(row.kind, row.subject): row.text for row in session.exec(query).all()}

    def set_note(self, case_id: str, form_id: str, kind: str, subject: str, text: str) -> None:
        """Keep (or with an empty text remove) a note on a question or a life domain."""
        with self.session() as session:
            row = session.get(Note, (case_id, form_id, kind, subject))
            if not text:
                if row is None:
                    return
                session.delete(row)
                self.audit(session, "note.clear", case_id, f"{form_id}/{kind}/{subject}")
            else:
                row = row or Note(
                    case_id=case_id, form_id=form_id, kind=kind, subject=subject, text=text
                )
                row.text = text
                row.updated_at = utcnow()
                session.add(row)
                self.audit(session, "note.set", case_id, f"{form_id}/{kind}/{subject}")
            _touch_case(session, case_id)
            session.commit()

    def position(self, case_id: str, form_id: str) -> str | None:
        with self.reading() as session:
            row = session.get(IntakePosition, case_id)
            return row.question_id if row and row.form_id == form_id else None

    def set_position(self, case_id: str, form_id: str, question_id: str) -> None:
        with self.session() as session:
            row = session.get(IntakePosition, case_id) or IntakePosition(
                case_id=case_id, form_id=form_id, question_id=question_id
            )
            row.form_id = form_id
            row.question_id = question_id
            row.updated_at = utcnow()
            session.add(row)
            session.commit()

    def latest_position(self) -> IntakePosition | None:
        """Where any consultant on this store last was: what the interpreter's view follows."""
        query = select(IntakePosition).order_by(col(IntakePosition.updated_at).desc()).limit(1)
        with self.reading() as session:
            return session.exec(query).first()

    def intake_summaries(self, form_id: str, cases: Sequence[Case]) -> dict[str, dict[str, Any]]:
        """Per case: its answers and skipped domains, for lists and progress.

        Every change to a case's answers or skips also moves its ``updated_at``, so a summary
        read before stays right until that moves: only changed cases are read again. (The case
        list is rebuilt each time it is shown; with thousands of cases, reading every answer
        each time was most of its cost.)"""
        cache: dict[str, tuple[Any, dict[str, Any]]] = self._summaries.setdefault(form_id, {})
        stale = [c.id for c in cases if c.id not in cache or cache[c.id][0] != c.updated_at]
        if stale:
            fresh = self._read_summaries(form_id, stale)
            versions = {c.id: c.updated_at for c in cases}
            for case_id in stale:
                cache[case_id] = (versions[case_id], fresh.get(case_id) or _no_summary())
        return {c.id: cache[c.id][1] for c in cases}

    def _read_summaries(self, form_id: str, case_ids: list[str]) -> dict[str, dict[str, Any]]:
        summaries: dict[str, dict[str, Any]] = {}
        with self.reading() as session:
            for start in range(0, len(case_ids), _BATCH):
                batch = case_ids[start : start + _BATCH]
                for case_id, question_id, value, reason in session.exec(
                    select(
                        col(Answer.case_id),
                        col(Answer.question_id),
                        col(Answer.value),
                        col(Answer.not_asked_reason),
                    ).where(Answer.form_id == form_id, col(Answer.case_id).in_(batch))
                ).all():
                    entry = summaries.setdefault(case_id, _no_summary())
                    entry["answers"][question_id] = StoredAnswer(question_id, "", 0, value, reason)
                for row in session.exec(
                    select(SectionSkip).where(
                        SectionSkip.form_id == form_id, col(SectionSkip.case_id).in_(batch)
                    )
                ).all():
                    entry = summaries.setdefault(row.case_id, _no_summary())
                    entry["skipped"][row.section_id] = row.reason
        return summaries

    # -- signed documents --------------------------------------------------------------------

    def add_signed_document(self, case_id: str, pip_version_id: str, pdf: bytes) -> None:
        """Keep a signed PIP PDF in the store: it travels to the back office in the bundle."""
        document = SignedDocument(
            case_id=case_id,
            pip_version_id=pip_version_id,
            sha256=hashlib.sha256(pdf).hexdigest(),
            content=pdf,
        )
        with self.session() as session:
            session.add(document)
            self.audit(session, "document.signed", case_id, document.sha256[:16])
            session.commit()

    def record_export(self, case_id: str, what: str, detail: str) -> None:
        """An export that takes a case's data out of the store (a report, a copy): audited, the
        case itself unchanged. ``detail`` names the kind of copy, never its contents."""
        with self.session() as session:
            self.audit(session, f"export.{what}", case_id, detail)
            session.commit()

    # -- audit -----------------------------------------------------------------------------

    def audit_events(self, case_id: str | None = None) -> Sequence[AuditEvent]:
        query = select(AuditEvent).order_by(col(AuditEvent.id))
        if case_id is not None:
            query = query.where(AuditEvent.case_id == case_id)
        with self.reading() as session:
            return list(session.exec(query).all())


def _audit_tail(session: Session) -> str:
    """The newest event's hash, which the next event chains to. Several events may be appended
    in one transaction: the session remembers the tail."""
    tail = session.info.get("audit_tail")
    if tail is None:
        # LIMIT 1: without it the result fetches every event before taking the first.
        newest = select(AuditEvent.id, AuditEvent.hash).order_by(col(AuditEvent.id).desc())
        row = session.exec(newest.limit(1)).first()
        tail = row[1] if row else GENESIS
        # The head this transaction starts from: the seal moves on only from there.
        session.info[BASE] = (int(row[0] or 0), tail) if row else (0, GENESIS)
    return str(tail)


def _touch_case(session: Session, case_id: str) -> None:
    case = session.get_one(Case, case_id)
    case.updated_at = utcnow()
    session.add(case)
