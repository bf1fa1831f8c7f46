"""The audit chain's anchor: one row naming the log's head, sealed with the store's key.

The migration has no key: on a laptop it records the head as it is, unsealed, and the store
seals it the moment it opens with its key (store/audit_anchor.py). A server store has no data
key and no seal row.

Revision ID: 0008_audit_seal
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_audit_seal"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "auditseal",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("mac", sa.String(), nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    newest = bind.execute(
        sa.text("SELECT id, hash FROM auditevent ORDER BY id DESC LIMIT 1")
    ).first()
    event_id, hash_ = (newest[0], newest[1]) if newest else (0, GENESIS)
    bind.execute(
        sa.text("INSERT INTO auditseal (id, event_id, hash, mac) VALUES (1, :id, :hash, '')"),
        {"id": event_id, "hash": hash_},
    )


def downgrade() -> None:
    op.drop_table("auditseal")
