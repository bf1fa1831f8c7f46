"""Attachments in the store: added after a content check, listed without their bytes, read one
at a time, removed whole. Every change is audited with ids only, never the file's name."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import col, select

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.domain.attachments import content_type
from inburgering_tui.i18n.markers import N_
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.store.models import Attachment, Case
from inburgering_tui.store.repository import Store, _touch_case

# The column itself: SQLModel declares the field as bytes, so the checker sees no attribute.
_CONTENT: QueryableAttribute[Any] = cast(Any, Attachment).content


class AttachmentRefused(Refusal):
    """The document cannot be attached (or found); nothing was changed."""


class AttachmentStore:
    """Attachment reads and writes on top of a :class:`Store` (same engine, same audit log)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        case_id: str,
        data: bytes,
        *,
        original_name: str = "",
        label: str = "",
        question: tuple[str, str] | None = None,
        max_bytes: int,
    ) -> Attachment:
        """Attach ``data`` to the case (and to ``question``, a (form id, question id) pair)
        once it is known to be a whole PDF, JPEG or PNG no larger than ``max_bytes``."""
        if len(data) > max_bytes:
            raise too_large(max_bytes)
        kind = content_type(data)
        if isinstance(kind, Invalid):
            raise AttachmentRefused(kind.msgid, **kind.params)
        form_id, question_id = question or (None, None)
        attachment = Attachment(
            case_id=case_id,
            form_id=form_id,
            question_id=question_id,
            label=label.strip(),
            original_name=original_name,
            content_type=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
        )
        with self.store.session() as session:
            if session.get(Case, case_id) is None:
                raise AttachmentRefused(N_("Deze zaak bestaat niet (meer)."))
            session.add(attachment)
            self.store.audit(session, "attachment.add", case_id, attachment.id)
            _touch_case(session, case_id)
            session.commit()
        return attachment

    def list(self, case_id: str) -> list[Attachment]:
        """The case's attachments, oldest first, without their content (``content`` is not
        loaded: a list never reads megabytes)."""
        query = (
            select(Attachment)
            .where(Attachment.case_id == case_id)
            .options(defer(_CONTENT))
            .order_by(col(Attachment.created_at), col(Attachment.id))
        )
        with self.store.session() as session:
            rows = list(session.exec(query).all())
            session.expunge_all()
            return rows

    def find(self, case_id: str, reference: str) -> str:
        """An attachment of this case by its id or the first characters of it."""
        reference = reference.strip().lower()
        matches = [a.id for a in self.list(case_id) if reference and a.id.startswith(reference)]
        if len(matches) != 1:
            raise AttachmentRefused(
                N_("Geen bijlage {reference} bij deze zaak.")
                if not matches
                else N_("Meer dan één bijlage begint met {reference}."),
                reference=reference,
            )
        return matches[0]

    def content(self, attachment_id: str) -> tuple[Attachment, bytes]:
        with self.store.session() as session:
            attachment = session.get(Attachment, attachment_id)
            if attachment is None:
                raise AttachmentRefused(N_("Deze bijlage bestaat niet (meer)."))
            return attachment, bytes(attachment.content)

    def record_saved(self, attachment: Attachment) -> None:
        """A copy left the store (written to a file): that is audited too."""
        with self.store.session() as session:
            self.store.audit(session, "attachment.save", attachment.case_id, attachment.id)
            session.commit()

    def remove(self, attachment_id: str) -> None:
        """Remove the attachment whole, content and all: a document attached by mistake (the
        wrong person's diploma) must really go. The next bundle carries the case without it,
        and the back office removes its copy when it applies that record."""
        with self.store.session() as session:
            attachment = session.get(Attachment, attachment_id)
            if attachment is None:
                raise AttachmentRefused(N_("Deze bijlage bestaat niet (meer)."))
            self.store.audit(session, "attachment.remove", attachment.case_id, attachment_id)
            session.delete(attachment)
            _touch_case(session, attachment.case_id)
            session.commit()


def too_large(max_bytes: int) -> AttachmentRefused:
    if max_bytes >= 1024**2:
        limit = f"{max_bytes / 1024**2:.3g} MiB"
    else:
        limit = f"{max_bytes / 1024:.3g} KiB"
    return AttachmentRefused(
        N_("Het bestand is groter dan {limit}, de grens in de instellingen."), limit=limit
    )
