"""Attachments between the file system and the store, shared by the commands and the case screen:
read a file to attach (never more than the limit), write one out on an explicit request.

A file written out gets its name from the attachment's id and checked type, never from the
original name (which may name the person), and is readable by its owner only (0600).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from inburgering_tui.domain.attachments import EXTENSIONS
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.markers import N_
from inburgering_tui.private_files import make_folders
from inburgering_tui.store.attachment_repository import (
    AttachmentRefused,
    AttachmentStore,
    too_large,
)
from inburgering_tui.store.models import Attachment
from inburgering_tui.store.repository import Store


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused before reading when it is larger than ``max_bytes``."""
    try:
        if path.is_dir():
            raise AttachmentRefused(N_("Dit is een map, geen bestand."))
        if path.stat().st_size > max_bytes:
            raise too_large(max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # a file still growing is refused too
    except FileNotFoundError:
        raise AttachmentRefused(N_("Dit bestand bestaat niet.")) from None
    except PermissionError:
        raise AttachmentRefused(N_("Dit bestand mag niet worden gelezen.")) from None
    except OSError as exc:
        raise AttachmentRefused(
            N_("Het bestand kan niet worden gelezen: {reason}"), reason=exc.strerror or ""
        ) from None
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    return data


def attach_file(
    store: Store,
    form: Form,
    case_id: str,
    path: Path,
    *,
    max_bytes: int,
    label: str = "",
    question_id: str | None = None,
    checkpoint: Callable[[], None] = lambda: None,
) -> Attachment:
    """Attach the file at ``path`` to the case, or to one question of ``form``.

    ``checkpoint`` is called once the file is read, before the store changes; it raises to
    stop there, with nothing stored."""
    question = None
    if question_id:
        if form.question(question_id) is None:
            raise AttachmentRefused(
                N_("De vraag {question} staat niet in de brede intake."), question=question_id
            )
        question = (form.id, question_id)
    data = read_limited(path, max_bytes)
    checkpoint()
    return AttachmentStore(store).add(
        case_id,
        data,
        original_name=path.name,
        label=label,
        question=question,
        max_bytes=max_bytes,
    )


def default_name(attachment: Attachment) -> str:
    """``bijlage-<id>.<type>``: nothing of the person, nothing of the original name."""
    return f"bijlage-{attachment.id[:12]}{EXTENSIONS.get(attachment.content_type, '')}"


def save_attachment(
    store: Store, attachment_id: str, out: Path, *, checkpoint: Callable[[], None] = lambda: None
) -> Path:
    """Write the attachment to ``out`` (a file, or a folder to write the default name into),
    mode 0600, through a temporary file so no half-written copy is ever left behind.

    ``checkpoint`` is called once the content is read, before anything is written; it raises
    to stop there, with no file and no audit event."""
    attachments = AttachmentStore(store)
    attachment, data = attachments.content(attachment_id)
    checkpoint()
    target = out / default_name(attachment) if out.is_dir() else out
    try:
        make_folders(target.parent)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=".bijlage-", suffix=".partial"
        )  # mkstemp makes it 0600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        os.chmod(target, 0o600)  # os.replace keeps the mode; say it anyway
    except OSError as exc:
        raise AttachmentRefused(
            N_("De bijlage kon niet worden weggeschreven: {reason}"), reason=exc.strerror or ""
        ) from None
    attachments.record_saved(attachment)
    return target
