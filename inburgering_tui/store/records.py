"""A case as one JSON record (docs/bundle-format.md) and back: what travels in a sync bundle.

The record holds every row of the case in every table that belongs to it, in a fixed order, so
the same case always gives the same canonical JSON and the same hash on any machine, whether
it was read from SQLite on a laptop or from PostgreSQL in the back office.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Date, DateTime, Table, select

from inburgering_tui.store.models import (
    Answer,
    Attachment,
    Case,
    Conversation,
    HouseholdMember,
    Invitation,
    Note,
    PipVersion,
    ProgressTalk,
    SectionSkip,
    SignedDocument,
)


@dataclass(frozen=True)
class Part:
    """One table's share of a case record."""

    key: str
    table: Table
    order: tuple[str, ...]
    leave_out: tuple[str, ...] = ()  # local row ids and blobs that travel elsewhere
    # Left out of the record while the case has no such rows: records of cases without them
    # (and their hashes) stay exactly what they were before the part existed.
    optional: bool = False


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


CASE_TABLE = _table(Case)
# In insert order: a row's foreign keys point to parts before it.
PARTS: tuple[Part, ...] = (
    Part("household", _table(HouseholdMember), ("id",)),
    Part("conversations", _table(Conversation), ("id",)),
    Part("answers", _table(Answer), ("form_id", "question_id"), leave_out=("id",)),
    Part("skipped_sections", _table(SectionSkip), ("form_id", "section_id")),
    Part("notes", _table(Note), ("form_id", "kind", "subject"), optional=True),
    Part("invitations", _table(Invitation), ("id",)),
    Part("pip_versions", _table(PipVersion), ("number",)),
    Part("progress_talks", _table(ProgressTalk), ("id",)),
    Part("documents", _table(SignedDocument), ("id",), leave_out=("content",)),
    Part("attachments", _table(Attachment), ("id",), leave_out=("content",), optional=True),
)
PARTS_BY_KEY = {part.key: part for part in PARTS}
BATCH = 500  # ids per IN (...): well inside every database's parameter limit


def canonical(value: Any) -> bytes:
    """The one byte form a JSON value is hashed in: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLite gives naive UTC, PostgreSQL aware: both become naive UTC text.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_to_json(table: Table, row: Any, leave_out: Sequence[str] = ()) -> dict[str, Any]:
    mapping = row._mapping
    return {
        column.name: _to_json(mapping[column.name])
        for column in table.columns
        if column.name not in leave_out
    }


def row_from_json(table: Table, item: dict[str, Any]) -> dict[str, Any]:
    """Column values as the database takes them: text dates become dates again."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in item:
            continue
        value = item[column.name]
        if value is not None and _is_datetime(column.type):
            value = datetime.fromisoformat(value).replace(tzinfo=UTC)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def record_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A record's data as column values per table ("case" and every part's key)."""
    rows = {"case": [row_from_json(CASE_TABLE, data["case"])]}
    for part in PARTS:
        rows[part.key] = [row_from_json(part.table, item) for item in part_rows(data, part)]
    return rows


def part_rows(data: dict[str, Any], part: Part) -> list[Any]:
    """A part's rows in a record's data; an optional part may be absent (no rows)."""
    rows: list[Any] = data.get(part.key, []) if part.optional else data[part.key]
    return rows


def _is_datetime(kind: Any) -> bool:
    # SQLModel wraps DateTime in a decorator that insists on time zones.
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _batches(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def read_records(conn: Connection, case_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The record data of each case, read in batches (a few queries per 500 cases)."""
    records: dict[str, dict[str, Any]] = {}
    for batch in _batches(list(case_ids)):
        for row in conn.execute(select(CASE_TABLE).where(CASE_TABLE.c.id.in_(batch))):
            records[row.id] = {"case": row_to_json(CASE_TABLE, row)} | {p.key: [] for p in PARTS}
        for part in PARTS:
            query = select(part.table).where(part.table.c.case_id.in_(batch))
            for row in conn.execute(query):
                records[row.case_id][part.key].append(row_to_json(part.table, row, part.leave_out))
    # Sorted here, not by ORDER BY: PostgreSQL's collation may order text unlike SQLite's.
    for record in records.values():
        for part in PARTS:
            record[part.key].sort(key=lambda row, part=part: order_key(part, row))
            if part.optional and not record[part.key]:
                del record[part.key]
    return records


def order_key(part: Part, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in part.order)


def document_contents(conn: Connection, case_ids: Sequence[str]) -> dict[str, bytes]:
    """The signed PDFs of these cases by sha256."""
    return _contents(_table(SignedDocument), case_ids, conn)


def attachment_contents(conn: Connection, case_ids: Sequence[str]) -> dict[str, bytes]:
    """The attached documents of these cases by sha256 (the same bytes once, however often
    they are attached)."""
    return _contents(_table(Attachment), case_ids, conn)


def _contents(table: Table, case_ids: Sequence[str], conn: Connection) -> dict[str, bytes]:
    contents: dict[str, bytes] = {}
    for batch in _batches(list(case_ids)):
        query = select(table.c.sha256, table.c.content).where(table.c.case_id.in_(batch))
        for sha256, content in conn.execute(query):
            contents[sha256] = bytes(content)
    return contents
