"""The first schema: cases, household, conversations, answers, skipped domains, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("given_names", sa.String(), nullable=False),
        sa.Column("family_name", sa.String(), nullable=False, index=True),
        sa.Column("date_of_birth", sa.Date()),
        sa.Column("sex", sa.String(), nullable=False),
        sa.Column("nationality", sa.String(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("literacy", sa.String(), nullable=False),
        sa.Column("v_nummer", sa.String(), index=True),
        sa.Column("bsn", sa.String()),
        sa.Column("doelgroep", sa.String(), nullable=False),
        sa.Column("azc_location", sa.String(), nullable=False),
        sa.Column("koppelingsdatum", sa.Date()),
        sa.Column("kennisgeving_date", sa.Date()),
        sa.Column("brp_date", sa.Date()),
        sa.Column("consultant", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "householdmember",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("relation", sa.String(), nullable=False),
        sa.Column("date_of_birth", sa.Date()),
    )
    op.create_table(
        "conversation",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("interpreter_name", sa.String(), nullable=False),
        sa.Column("interview_language", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("form_id", sa.String(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("value", sa.JSON()),
        sa.Column("not_asked_reason", sa.String()),
        sa.Column("conversation_id", sa.String(), sa.ForeignKey("conversation.id")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "form_id", "question_id"),
    )
    op.create_table(
        "sectionskip",
        sa.Column(
            "case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("form_id", sa.String(), primary_key=True),
        sa.Column("section_id", sa.String(), primary_key=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("case_id", sa.String(), index=True),
        sa.Column("subject", sa.String(), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # Append-only: the database itself refuses to rewrite history.
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditevent_no_{verb.lower()} BEFORE {verb} ON auditevent "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif dialect == "postgresql":
        # The same refusal on the back office; TRUNCATE too, which skips row triggers.
        op.execute(
            "CREATE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only' "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditevent_no_{verb.lower()} BEFORE {verb} ON auditevent "
                "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()"
            )
        op.execute(
            "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION auditevent_append_only()"
        )
