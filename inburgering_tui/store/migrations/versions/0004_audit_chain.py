"""Chain the audit log by hash; existing events are chained in their order.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from inburgering_tui.store.audit_chain import GENESIS, event_hash

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # The append-only triggers would refuse the one-time backfill.
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_update ON auditevent")
    with op.batch_alter_table("auditevent") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("hash", sa.String(), nullable=False, server_default=""))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, at, actor, action, case_id, subject FROM auditevent ORDER BY id")
    ).fetchall()
    previous = GENESIS
    table = sa.table(
        "auditevent",
        sa.column("id"),
        sa.column("prev_hash"),
        sa.column("hash"),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    for row in rows:
        at = bind.execute(sa.select(table.c.at).where(table.c.id == row.id)).scalar_one()
        current = event_hash(previous, at, row.actor, row.action, row.case_id, row.subject)
        bind.execute(
            table.update().where(table.c.id == row.id).values(prev_hash=previous, hash=current)
        )
        previous = current
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS auditevent_no_{verb.lower()} BEFORE {verb} "
                "ON auditevent BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif dialect == "postgresql":  # ALTER TABLE kept the others; the function is 0001's
        op.execute(
            "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()"
        )
