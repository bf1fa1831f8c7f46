"""Attachments: documents kept with a case (or one of its questions) inside the store.

Revision ID: 0006_attachments
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_attachments"
down_revision = "0005"
branch_labels = None
depends_on = None

_MESSAGE = "an attachment never changes; remove it and add the new one"


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("form_id", sa.String()),
        sa.Column("question_id", sa.String()),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("original_name", sa.String(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # What was attached is what travels and what the back office holds under the same id: the
    # database refuses to change it in place. Removing it (and cascading with its case) stays
    # possible.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION attachment_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_MESSAGE}' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment "
            "FOR EACH ROW EXECUTE FUNCTION attachment_immutable()"
        )


def downgrade() -> None:
    op.drop_table("attachment")  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS attachment_immutable()")
