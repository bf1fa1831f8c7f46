"""The store's tables. Personal data lives here only, inside the encrypted database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def new_id() -> str:
    # Random ids, not sequence numbers: cases are created offline on many laptops and must
    # never collide when their bundles meet in the back office.
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class Case(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    given_names: str
    family_name: str = Field(index=True)
    date_of_birth: date | None = None
    sex: str = "onbekend"
    nationality: str = ""
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    literacy: str = "onbekend"
    v_nummer: str | None = Field(default=None, index=True)
    bsn: str | None = None
    doelgroep: str
    azc_location: str = ""
    koppelingsdatum: date | None = None
    kennisgeving_date: date | None = None
    brp_date: date | None = None
    consultant: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class HouseholdMember(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    name: str
    relation: str
    date_of_birth: date | None = None


class Conversation(SQLModel, table=True):
    """One intake conversation: when, where, and who interpreted in which language."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    held_on: date
    place: str = ""
    interpreter_name: str = ""
    interview_language: str = "nl"
    created_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """The current answer to one question; the form id and version it was given under stay."""

    __table_args__ = (UniqueConstraint("case_id", "form_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    form_id: str
    form_version: int
    section_id: str
    question_id: str
    value: object = Field(default=None, sa_column=Column(JSON, nullable=True))
    not_asked_reason: str | None = None
    conversation_id: str | None = Field(default=None, foreign_key="conversation.id")
    updated_at: datetime = Field(default_factory=utcnow)


class SectionSkip(SQLModel, table=True):
    """A life domain deliberately not discussed, with the consultant's reason."""

    case_id: str = Field(foreign_key="case.id", primary_key=True, ondelete="CASCADE")
    form_id: str = Field(primary_key=True)
    section_id: str = Field(primary_key=True)
    reason: str
    updated_at: datetime = Field(default_factory=utcnow)


class Note(SQLModel, table=True):
    """The consultant's own note on a question or a life domain: never read to the person."""

    case_id: str = Field(foreign_key="case.id", primary_key=True, ondelete="CASCADE")
    form_id: str = Field(primary_key=True)
    kind: str = Field(primary_key=True)  # "question" or "domain"
    subject: str = Field(primary_key=True)  # the question's or the section's id
    text: str
    updated_at: datetime = Field(default_factory=utcnow)


class IntakePosition(SQLModel, table=True):
    """Where the consultant was in a case's intake, so reopening returns them there."""

    case_id: str = Field(foreign_key="case.id", primary_key=True, ondelete="CASCADE")
    form_id: str
    question_id: str
    updated_at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what to which record, when. Never the answer text itself."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str
    case_id: str | None = Field(default=None, index=True)
    subject: str = ""
    prev_hash: str = ""  # the previous event's hash: the log is a hash chain
    hash: str = ""


class PipVersion(SQLModel, table=True):
    """One version of a case's PIP. A set version (status "set") never changes again: the
    database refuses it; a change makes a new version with its reason."""

    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    number: int
    status: str = "draft"  # draft | set
    reason: str = ""  # why this version exists (first PIP, voortgangsgesprek, route change)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    agreement: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    dagtekening: date | None = None
    set_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProgressTalk(SQLModel, table=True):
    """A voortgangsgesprek: progress and problems per theme; it may lead to a new PIP version."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    held_on: date
    notes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    amended_version_id: str | None = Field(default=None, foreign_key="pipversion.id")
    created_at: datetime = Field(default_factory=utcnow)


class Invitation(SQLModel, table=True):
    """An invitation to the brede intake with its term and the response (rule T3)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    sent_on: date
    term_days: int = 14
    responded_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SignedDocument(SQLModel, table=True):
    """A signed PIP PDF, kept in the encrypted store so it travels in the sync bundle."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    pip_version_id: str
    sha256: str
    content: bytes
    created_at: datetime = Field(default_factory=utcnow)


class Attachment(SQLModel, table=True):
    """A document attached to a case or to one of its questions (COA handover papers, a diploma,
    a CV), kept in the encrypted store so it travels in the sync bundle like the signed PDFs.
    Never changed once added (the database refuses); it may be removed whole."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(foreign_key="case.id", index=True, ondelete="CASCADE")
    form_id: str | None = None  # with question_id: the question it belongs to, if any
    question_id: str | None = None
    label: str = ""
    # The file's name as it was: it may name the person, so it stays in here, never in the
    # audit log, a log line or the name of a file written out.
    original_name: str = ""
    content_type: str  # checked from the content (domain/attachments.py)
    size: int
    sha256: str
    content: bytes
    created_at: datetime = Field(default_factory=utcnow)


# -- sync (docs/bundle-format.md) -------------------------------------------------------------


class SyncState(SQLModel, table=True):
    """Small facts about this store's syncing: its device id, the last exported audit event."""

    key: str = Field(primary_key=True)
    value: str


class CaseSync(SQLModel, table=True):
    """The record hash a case was last agreed on: on a laptop the one last exported (the base of
    the next export), in the back office the one it now holds."""

    case_id: str = Field(primary_key=True)
    record_hash: str
    synced_at: datetime = Field(default_factory=utcnow)
    confirmed_hash: str | None = None  # laptop: the back office's receipt names this hash
    confirmed_at: datetime | None = None


class ExportedBundle(SQLModel, table=True):
    id: str = Field(primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    sha256: str
    file_name: str
    cases: int
    last_audit_seq: int
    confirmed_at: datetime | None = None


class ImportedBundle(SQLModel, table=True):
    """A bundle the back office applied; its id makes a second import a no-op."""

    id: str = Field(primary_key=True)
    sha256: str
    device_id: str
    consultant: str
    created_at: datetime
    imported_at: datetime = Field(default_factory=utcnow)
    outcomes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CaseRevision(SQLModel, table=True):
    """Every record hash the back office has seen for a case: an old bundle arriving late is
    recognised as already known instead of raising a false conflict."""

    case_id: str = Field(primary_key=True)
    record_hash: str = Field(primary_key=True)
    base_hash: str | None = None
    bundle_id: str
    seen_at: datetime = Field(default_factory=utcnow)


class CaseConflict(SQLModel, table=True):
    """A case edited on two laptops since they last agreed. Both records are kept here for good;
    a person chooses which one the case continues from."""

    id: str = Field(default_factory=new_id, primary_key=True)
    case_id: str = Field(index=True)
    current_hash: str
    incoming_hash: str
    incoming_record: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    current_record: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    consultant: str = ""
    bundle_id: str
    opened_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""  # current | incoming


class DeviceAuditEvent(SQLModel, table=True):
    """An audit event from a laptop, as it arrived in a bundle, chain fields and all."""

    __table_args__ = (UniqueConstraint("device_id", "hash"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: str = Field(index=True)
    seq: int
    at: datetime
    actor: str
    action: str
    case_id: str | None = Field(default=None, index=True)
    subject: str = ""
    prev_hash: str
    hash: str
    bundle_id: str
