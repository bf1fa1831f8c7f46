"""The consultant's notes per question and per life domain.

Revision ID: 0007
Revises: 0006_attachments
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note",
        sa.Column(
            "case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("form_id", sa.String(), primary_key=True),
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("subject", sa.String(), primary_key=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("note")
