"""The triggers by which the database itself refuses to rewrite history, as the newest schema
has them: which must be there, which are missing or changed, and how to put them back.

The migrations made them step by step and stay as they were written; this is the head's
picture of them in one place, so `inburgering check` can compare and the store can restore a
dropped one when it opens (store/health.py). tests/test_check.py proves the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection

_APPEND_ONLY = "the audit log is append-only"
_PIP_SET = "a set PIP version never changes"
_ATTACHMENT = "an attachment never changes; remove it and add the new one"


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    sql: str
    function: str = ""  # PostgreSQL: the trigger function it runs


SQLITE_TRIGGERS = (
    Trigger(
        "auditevent_no_update",
        "auditevent",
        "CREATE TRIGGER auditevent_no_update BEFORE UPDATE ON auditevent "
        f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    ),
    Trigger(
        "auditevent_no_delete",
        "auditevent",
        "CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent "
        f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END",
    ),
    Trigger(
        "pipversion_set_no_update",
        "pipversion",
        "CREATE TRIGGER pipversion_set_no_update BEFORE UPDATE ON pipversion "
        "WHEN OLD.status = 'set' "
        f"BEGIN SELECT RAISE(ABORT, '{_PIP_SET}'); END",
    ),
    Trigger(
        # Retention may purge a confirmed case: only while its 'purging:' marker exists.
        "pipversion_set_no_delete",
        "pipversion",
        "CREATE TRIGGER pipversion_set_no_delete BEFORE DELETE ON pipversion "
        "WHEN OLD.status = 'set' AND NOT EXISTS "
        "(SELECT 1 FROM syncstate WHERE key = 'purging:' || OLD.case_id) "
        f"BEGIN SELECT RAISE(ABORT, '{_PIP_SET}'); END",
    ),
    Trigger(
        "attachment_no_update",
        "attachment",
        f"CREATE TRIGGER attachment_no_update BEFORE UPDATE ON attachment "
        f"BEGIN SELECT RAISE(ABORT, '{_ATTACHMENT}'); END",
    ),
)

# PostgreSQL: each trigger runs a function; TRUNCATE, which skips row triggers, has its own.
POSTGRES_FUNCTIONS = {
    "auditevent_append_only": (
        f"BEGIN RAISE EXCEPTION '{_APPEND_ONLY}' "
        "USING ERRCODE = 'integrity_constraint_violation'; END"
    ),
    "pipversion_set_immutable": (
        "BEGIN "
        "IF TG_OP <> 'TRUNCATE' OR EXISTS (SELECT 1 FROM pipversion WHERE status = 'set') "
        f"THEN RAISE EXCEPTION '{_PIP_SET}' "
        "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        "RETURN NULL; END"
    ),
    "attachment_immutable": (
        f"BEGIN RAISE EXCEPTION '{_ATTACHMENT}' "
        "USING ERRCODE = 'integrity_constraint_violation'; END"
    ),
}


def _pg(name: str, table: str, when: str, function: str) -> Trigger:
    return Trigger(
        name, table, f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()", function
    )


POSTGRES_TRIGGERS = (
    _pg(
        "auditevent_no_update",
        "auditevent",
        "BEFORE UPDATE ON auditevent FOR EACH ROW",
        "auditevent_append_only",
    ),
    _pg(
        "auditevent_no_delete",
        "auditevent",
        "BEFORE DELETE ON auditevent FOR EACH ROW",
        "auditevent_append_only",
    ),
    _pg(
        "auditevent_no_truncate",
        "auditevent",
        "BEFORE TRUNCATE ON auditevent FOR EACH STATEMENT",
        "auditevent_append_only",
    ),
    _pg(
        "pipversion_set_no_update",
        "pipversion",
        "BEFORE UPDATE ON pipversion FOR EACH ROW WHEN (OLD.status = 'set')",
        "pipversion_set_immutable",
    ),
    _pg(
        "pipversion_set_no_delete",
        "pipversion",
        "BEFORE DELETE ON pipversion FOR EACH ROW WHEN (OLD.status = 'set')",
        "pipversion_set_immutable",
    ),
    _pg(
        "pipversion_set_no_truncate",
        "pipversion",
        "BEFORE TRUNCATE ON pipversion FOR EACH STATEMENT",
        "pipversion_set_immutable",
    ),
    _pg(
        "attachment_no_update",
        "attachment",
        "BEFORE UPDATE ON attachment FOR EACH ROW",
        "attachment_immutable",
    ),
)


@dataclass(frozen=True)
class TriggerState:
    missing: list[str]
    changed: list[str]  # present under the name, but not doing what it should (or disabled)

    @property
    def whole(self) -> bool:
        return not self.missing and not self.changed


def expected(conn: Connection) -> tuple[Trigger, ...]:
    return POSTGRES_TRIGGERS if conn.dialect.name == "postgresql" else SQLITE_TRIGGERS


def _normal(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().lower()


def inspect_triggers(conn: Connection) -> TriggerState:
    if conn.dialect.name == "postgresql":
        return _inspect_postgres(conn)
    rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    present: dict[str, str | None] = {str(name): sql for name, sql in rows}
    missing = [t.name for t in SQLITE_TRIGGERS if t.name not in present]
    changed = [
        t.name
        for t in SQLITE_TRIGGERS
        if t.name in present and _normal(present[t.name] or "") != _normal(t.sql)
    ]
    return TriggerState(missing, changed)


def _inspect_postgres(conn: Connection) -> TriggerState:
    rows = conn.exec_driver_sql(
        "SELECT t.tgname, c.relname, t.tgenabled, p.proname, p.prosrc FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = CAST(current_schema() AS regnamespace)"
    ).all()
    present = {
        (name, table): (enabled, function, body) for name, table, enabled, function, body in rows
    }
    missing, changed = [], []
    for trigger in POSTGRES_TRIGGERS:
        found = present.get((trigger.name, trigger.table))
        if found is None:
            missing.append(trigger.name)
            continue
        enabled, function, body = found
        # 'D': ALTER TABLE ... DISABLE TRIGGER, the quiet way round a trigger.
        if (
            enabled == "D"
            or function != trigger.function
            or _normal(body) != _normal(POSTGRES_FUNCTIONS[trigger.function])
        ):
            changed.append(trigger.name)
    return TriggerState(missing, changed)


def restore_triggers(conn: Connection, state: TriggerState) -> list[str]:
    """Put back every missing or changed trigger as the head schema has it; returns the names.
    Runs inside the caller's transaction, so the repair and its audit event commit together."""
    names = [*state.missing, *state.changed]
    if not names:
        return []
    postgres = conn.dialect.name == "postgresql"
    for trigger in expected(conn):
        if trigger.name not in names:
            continue
        if postgres:
            body = POSTGRES_FUNCTIONS[trigger.function]
            conn.exec_driver_sql(
                f"CREATE OR REPLACE FUNCTION {trigger.function}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ {body} $$"
            )
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}")
        else:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name}")
        conn.exec_driver_sql(trigger.sql)
    return names
