"""PIP versions (set ones immutable), voortgangsgesprekken and intake invitations.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipversion",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("agreement", sa.JSON()),
        sa.Column("dagtekening", sa.Date()),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "number"),
    )
    op.create_table(
        "progresstalk",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("amended_version_id", sa.String(), sa.ForeignKey("pipversion.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "invitation",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("case_id", sa.String(), sa.ForeignKey("case.id", ondelete="CASCADE"), index=True),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("responded_on", sa.Date()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # A set PIP is a beschikking: its dagtekening starts the termijn (rule T6) and it is
        # never edited or removed; the database itself refuses.
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER pipversion_set_no_{verb.lower()} BEFORE {verb} ON pipversion "
                "WHEN OLD.status = 'set' "
                "BEGIN SELECT RAISE(ABORT, 'a set PIP version never changes'); END"
            )
    elif dialect == "postgresql":
        # The same refusal on the back office. Row triggers fire only for a set version (WHEN);
        # TRUNCATE skips row triggers, so it is refused while any set version exists.
        op.execute(
            "CREATE FUNCTION pipversion_set_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN "
            "IF TG_OP <> 'TRUNCATE' OR EXISTS (SELECT 1 FROM pipversion WHERE status = 'set') "
            "THEN RAISE EXCEPTION 'a set PIP version never changes' "
            "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
            "RETURN NULL; END $$"
        )
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER pipversion_set_no_{verb.lower()} BEFORE {verb} ON pipversion "
                "FOR EACH ROW WHEN (OLD.status = 'set') "
                "EXECUTE FUNCTION pipversion_set_immutable()"
            )
        op.execute(
            "CREATE TRIGGER pipversion_set_no_truncate BEFORE TRUNCATE ON pipversion "
            "FOR EACH STATEMENT EXECUTE FUNCTION pipversion_set_immutable()"
        )
