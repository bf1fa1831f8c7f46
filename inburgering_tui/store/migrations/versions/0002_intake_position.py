"""Remember where the consultant was in each intake, so reopening returns there.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intakeposition",
        sa.Column(
            "case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
