"""Sync bundles: signed documents in the store, sync state, bundles, revisions, conflicts and
the laptops' audit events as they arrived.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "signeddocument",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("pip_version_id", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
    )
    op.create_table(
        "syncstate",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.create_table(
        "casesync",
        sa.Column("case_id", sa.String(), primary_key=True),
        sa.Column("record_hash", sa.String(), nullable=False),
        sa.Column("synced_at", _STAMP, nullable=False),
        sa.Column("confirmed_hash", sa.String()),
        sa.Column("confirmed_at", _STAMP),
    )
    op.create_table(
        "exportedbundle",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("last_audit_seq", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", _STAMP),
    )
    op.create_table(
        "importedbundle",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("device_id", sa.String(), nullable=False),
        sa.Column("consultant", sa.String(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("imported_at", _STAMP, nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
    )
    op.create_table(
        "caserevision",
        sa.Column("case_id", sa.String(), primary_key=True),
        sa.Column("record_hash", sa.String(), primary_key=True),
        sa.Column("base_hash", sa.String()),
        sa.Column("bundle_id", sa.String(), nullable=False),
        sa.Column("seen_at", _STAMP, nullable=False),
    )
    op.create_table(
        "caseconflict",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), nullable=False, index=True),
        sa.Column("current_hash", sa.String(), nullable=False),
        sa.Column("incoming_hash", sa.String(), nullable=False),
        sa.Column("incoming_record", sa.JSON(), nullable=False),
        sa.Column("current_record", sa.JSON()),
        sa.Column("consultant", sa.String(), nullable=False),
        sa.Column("bundle_id", sa.String(), nullable=False),
        sa.Column("opened_at", _STAMP, nullable=False),
        sa.Column("resolved_at", _STAMP),
        sa.Column("resolved_by", sa.String(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=False),
    )
    op.create_table(
        "deviceauditevent",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(), nullable=False, index=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", _STAMP, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("case_id", sa.String(), index=True),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("bundle_id", sa.String(), nullable=False),
        sa.UniqueConstraint("device_id", "hash"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # A laptop may purge a case the back office has confirmed (retention setting); only then
        # may its set PIP versions go, while a 'purging:<case>' marker exists in syncstate.
        op.execute("DROP TRIGGER IF EXISTS pipversion_set_no_delete")
        op.execute(
            "CREATE TRIGGER pipversion_set_no_delete BEFORE DELETE ON pipversion "
            "WHEN OLD.status = 'set' AND NOT EXISTS "
            "(SELECT 1 FROM syncstate WHERE key = 'purging:' || OLD.case_id) "
            "BEGIN SELECT RAISE(ABORT, 'a set PIP version never changes'); END"
        )


def downgrade() -> None:
    for table in (
        "deviceauditevent",
        "caseconflict",
        "caserevision",
        "importedbundle",
        "exportedbundle",
        "casesync",
        "syncstate",
        "signeddocument",
    ):
        op.drop_table(table)
