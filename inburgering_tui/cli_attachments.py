"""``inburgering attachments ...``: list, add, save out and remove a case's attached documents.

Output names attachments by id, type, size, date, label and question; the original file name
(which may name the person) only with ``list --names``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inburgering_tui.cli_support import CliError, find_case, forms_for, open_store
from inburgering_tui.domain.attachments import KIND_NAMES
from inburgering_tui.i18n.refusal import Refusal
from inburgering_tui.settings import Settings
from inburgering_tui.store.busy import StoreBusy
from inburgering_tui.store.models import Attachment
from inburgering_tui.store.vault import Vault

if TYPE_CHECKING:
    from inburgering_tui.store.models import Attachment


def _size(size: int) -> str:
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MiB"
    if size >= 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size} B"


def _as_json(attachment: Attachment, names: bool) -> dict[str, Any]:
    item = {
        "id": attachment.id,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "created_at": attachment.created_at.isoformat(timespec="seconds"),
        "label": attachment.label,
        "form_id": attachment.form_id,
        "question_id": attachment.question_id,
    }
    if names:
        item["original_name"] = attachment.original_name
    return item


def cmd_attachments_list(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.cli_sync import open_office_store
    from inburgering_tui.store.attachment_repository import AttachmentStore

    store = open_office_store(args, settings)
    try:
        attachments = AttachmentStore(store).list(find_case(store, args.case))
    finally:
        store.close()
    if args.json:
        json.dump([_as_json(a, args.names) for a in attachments], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for a in attachments:
        question = a.question_id or "-"
        name = f"  {a.original_name}" if args.names else ""
        print(
            f"{a.id[:12]}  {KIND_NAMES.get(a.content_type, '?'):4}  {_size(a.size):>9}  "
            f"{a.created_at:%Y-%m-%d}  {question}  {a.label or '-'}{name}"
        )
    if not attachments:
        print("no attachments")


def cmd_attachments_add(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.attachment_files import attach_file

    form = forms_for(settings)[settings.intake_form]
    store = open_store(Vault(), settings)
    try:
        attachment = attach_file(
            store,
            form,
            find_case(store, args.case),
            args.file,
            max_bytes=settings.attachment_max_bytes,
            label=args.label or "",
            question_id=args.question,
        )
    except StoreBusy:
        raise  # not about this attachment: exit 1, as every command on a held store
    except Refusal as refusal:
        raise CliError(f"not attached: {refusal}") from None
    finally:
        store.close()
    kind = KIND_NAMES[attachment.content_type]
    print(f"attachment {attachment.id[:12]} added ({kind}, {_size(attachment.size)})")


def cmd_attachments_save(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.attachment_files import save_attachment
    from inburgering_tui.cli_sync import open_office_store
    from inburgering_tui.store.attachment_repository import AttachmentStore

    store = open_office_store(args, settings)
    try:
        case_id = find_case(store, args.case)
        written = save_attachment(
            store, AttachmentStore(store).find(case_id, args.attachment), args.out
        )
    except StoreBusy:
        raise  # not about this attachment: exit 1, as every command on a held store
    except Refusal as refusal:
        raise CliError(f"not written: {refusal}") from None
    finally:
        store.close()
    print(f"written to {written} (readable by you only)")


def cmd_attachments_remove(args: argparse.Namespace, settings: Settings) -> None:
    from inburgering_tui.store.attachment_repository import AttachmentStore

    store = open_store(Vault(), settings)
    try:
        attachments = AttachmentStore(store)
        attachment_id = attachments.find(find_case(store, args.case), args.attachment)
        attachments.remove(attachment_id)
    except StoreBusy:
        raise  # not about this attachment: exit 1, as every command on a held store
    except Refusal as refusal:
        raise CliError(f"not removed: {refusal}") from None
    finally:
        store.close()
    print(f"attachment {attachment_id[:12]} removed; the next bundle removes it at the back office")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    attachments = commands.add_parser(
        "attachments", help="documents attached to a case (PDF, JPEG, PNG)"
    )
    sub = attachments.add_subparsers(dest="attachments_command", required=True)
    db_help = "postgresql://... (default: the setting, else the local store)"

    listing = sub.add_parser("list", help="a case's attachments")
    listing.add_argument("case", help="the case id, or its first characters")
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.add_argument(
        "--names", action="store_true", help="also the original file names (may name the person)"
    )
    listing.add_argument("--db", help=db_help)
    listing.set_defaults(handler=cmd_attachments_list)

    adding = sub.add_parser("add", help="attach a PDF, JPEG or PNG to a case")
    adding.add_argument("case", help="the case id, or its first characters")
    adding.add_argument("file", type=Path)
    adding.add_argument("--question", help="the intake question it belongs to (its id)")
    adding.add_argument("--label", help="what it is, e.g. 'diploma'")
    adding.set_defaults(handler=cmd_attachments_add)

    saving = sub.add_parser("save", help="write one attachment to a file (mode 0600)")
    saving.add_argument("case", help="the case id, or its first characters")
    saving.add_argument("attachment", help="the attachment id, or its first characters")
    saving.add_argument(
        "--out", type=Path, required=True, help="the file, or a folder for bijlage-<id>.<type>"
    )
    saving.add_argument("--db", help=db_help)
    saving.set_defaults(handler=cmd_attachments_save)

    removing = sub.add_parser("remove", help="remove an attachment (audited)")
    removing.add_argument("case", help="the case id, or its first characters")
    removing.add_argument("attachment", help="the attachment id, or its first characters")
    removing.set_defaults(handler=cmd_attachments_remove)
