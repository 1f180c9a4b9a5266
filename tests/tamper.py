"""What a tamperer with database access does to lift the append-only protection, per engine.

Tests use it to show that `verify` still catches what the database no longer refuses.
"""

from __future__ import annotations

from sqlalchemy import Connection, text


def lift_append_only(conn: Connection, table: str = "auditevent") -> None:
    """Remove the UPDATE/DELETE refusal of one append-only table."""
    if conn.dialect.name == "sqlite":
        for verb in ("update", "delete"):
            conn.execute(text(f"DROP TRIGGER {table}_no_{verb}"))
    else:
        conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))


def wipe_statement(conn: Connection, table: str) -> str:
    """The engine's statement that empties a table at once (TRUNCATE; SQLite's is DELETE)."""
    return f"DELETE FROM {table}" if conn.dialect.name == "sqlite" else f"TRUNCATE {table}"
