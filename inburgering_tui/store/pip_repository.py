"""PIP versions and voortgangsgesprekken: drafts change, set versions are final."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from inburgering_tui.store.models import PipVersion, ProgressTalk, utcnow
from inburgering_tui.store.repository import Store, _touch_case


class PipNotEditable(Exception):
    """Only a draft version can be edited, agreed to or set."""


class PipStore:
    """PIP reads and writes on top of a :class:`Store` (same engine, same audit log)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def versions(self, case_id: str) -> list[PipVersion]:
        query = select(PipVersion).where(PipVersion.case_id == case_id)
        with self.store.session() as session:
            return list(session.exec(query.order_by(col(PipVersion.number))).all())

    def draft(self, case_id: str) -> PipVersion | None:
        return next((v for v in self.versions(case_id) if v.status == "draft"), None)

    def first_set(self, case_id: str) -> PipVersion | None:
        return next((v for v in self.versions(case_id) if v.status == "set"), None)

    def latest_set(self, case_id: str) -> PipVersion | None:
        return next((v for v in reversed(self.versions(case_id)) if v.status == "set"), None)

    def save_draft(self, case_id: str, content: dict[str, Any], reason: str = "") -> PipVersion:
        """Create the case's draft version (numbered after the last) or update it."""
        with self.store.session() as session:
            versions = list(
                session.exec(select(PipVersion).where(PipVersion.case_id == case_id)).all()
            )
            draft = next((v for v in versions if v.status == "draft"), None)
            if draft is None:
                number = max((v.number for v in versions), default=0) + 1
                draft = PipVersion(case_id=case_id, number=number, reason=reason, content=content)
                self.store.audit(session, "pip.draft", case_id, f"v{number}")
            else:
                draft.content = content
                draft.updated_at = utcnow()
                if reason:
                    draft.reason = reason
                self.store.audit(session, "pip.edit", case_id, f"v{draft.number}")
            session.add(draft)
            _touch_case(session, case_id)
            session.commit()
            return draft

    def record_agreement(self, version_id: str, agreement: dict[str, Any]) -> None:
        with self.store.session() as session:
            version = session.get_one(PipVersion, version_id)
            if version.status != "draft":
                raise PipNotEditable(version_id)
            version.agreement = agreement
            version.updated_at = utcnow()
            session.add(version)
            self.store.audit(session, "pip.agreement", version.case_id, f"v{version.number}")
            session.commit()

    def set_version(self, version_id: str, dagtekening: date) -> PipVersion:
        """Vaststellen: the draft becomes final with its dagtekening."""
        with self.store.session() as session:
            version = session.get_one(PipVersion, version_id)
            if version.status != "draft":
                raise PipNotEditable(version_id)
            version.status = "set"
            version.dagtekening = dagtekening
            version.set_by = self.store.actor
            version.updated_at = utcnow()
            session.add(version)
            self.store.audit(session, "pip.set", version.case_id, f"v{version.number}")
            _touch_case(session, version.case_id)
            session.commit()
            return version

    def add_progress_talk(
        self, case_id: str, held_on: date, notes: dict[str, Any], amend_reason: str | None
    ) -> ProgressTalk:
        """Record a voortgangsgesprek; with a reason it also opens a new PIP draft."""
        amended: PipVersion | None = None
        if amend_reason:
            latest = self.latest_set(case_id)
            if latest is None:
                raise PipNotEditable(case_id)
            amended = self.save_draft(case_id, dict(latest.content), amend_reason)
        talk = ProgressTalk(
            case_id=case_id,
            held_on=held_on,
            notes=notes,
            amended_version_id=amended.id if amended else None,
        )
        with self.store.session() as session:
            session.add(talk)
            self.store.audit(session, "progress.add", case_id, talk.id)
            session.commit()
        return talk

    def progress_talks(self, case_id: str) -> list[ProgressTalk]:
        query = select(ProgressTalk).where(ProgressTalk.case_id == case_id)
        with self.store.session() as session:
            return list(session.exec(query.order_by(col(ProgressTalk.held_on))).all())

    def facts_per_case(self, case_id: str | None = None) -> dict[str, dict[str, Any]]:
        """For the deadline engine, per case (or for one): the first dagtekening, the latest
        content, the last voortgangsgesprek."""
        facts: dict[str, dict[str, Any]] = {}
        versions = select(PipVersion).order_by(col(PipVersion.number))
        talks = select(ProgressTalk)
        if case_id is not None:
            versions = versions.where(PipVersion.case_id == case_id)
            talks = talks.where(ProgressTalk.case_id == case_id)
        with self.store.session() as session:
            for version in session.exec(versions).all():
                entry = facts.setdefault(version.case_id, {})
                if version.status == "set" and "dagtekening" not in entry:
                    entry["dagtekening"] = version.dagtekening
                entry["content"] = version.content
            for talk in session.exec(talks).all():
                entry = facts.setdefault(talk.case_id, {})
                if entry.get("last_talk") is None or talk.held_on > entry["last_talk"]:
                    entry["last_talk"] = talk.held_on
        return facts
