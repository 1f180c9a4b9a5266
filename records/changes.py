"""The change counter: one number that moves whenever clinical data changes.

Every clinical write appends audit rows in the same transaction (models/audit_capture.py), so the
highest audit id is a cheap, exact cache key: pages cache derived frames on it and can never show
data older than the last committed write (spec/streamlit.md §6).
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from models import AuditEvent


def change_counter(engine: Engine) -> int:
    """The highest audit-trail id (0 for an empty trail)."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(table.c.id))).scalar() or 0)
