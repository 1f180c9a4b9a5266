"""The audit-trail extract: chronological, filtered by subject scope, date range and data cut."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models import AuditEvent, Subject, Visit
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing

COLUMNS = (
    Column("id", "Audit row", "int", key=True),
    Column("ts_utc", "Timestamp (UTC)", "text"),
    Column("username", "User", "id"),
    Column("user_name", "User name", "text"),
    Column("user_role", "Role", "code"),
    *C.coded("action", "Action", "AUDIT_ACTION"),
    Column("entity", "Table", "code"),
    Column("record_id", "Record id", "int"),
    Column("subject", "Subject", "id"),
    Column("visit_code", "Visit", "code"),
    Column("form", "Form", "code"),
    Column("field", "Field", "code"),
    Column("old_value", "Old value", "longtext"),
    Column("new_value", "New value", "longtext"),
    Column("reason", "Reason for change", "longtext"),
    Column("origin", "Origin", "code"),
    Column("app_version", "App version", "text"),
    Column("study_version", "Study definition version", "text"),
    Column("row_hash", "Row hash (SHA-256 chain)", "id"),
)  # fmt: skip


def audit_trail(src: ListingSource, date_from: date | None, date_to: date | None) -> Listing:
    """Audit rows from date_from to date_to inclusive (UTC), never after the data cut."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    s, v = Subject.__table__, Visit.__table__  # type: ignore[attr-defined]
    query = (
        select(ev, s.c.screening_number.label("subject"), v.c.visit_code)
        .outerjoin(s, s.c.id == ev.c.subject_id)
        .outerjoin(v, v.c.id == ev.c.visit_id)
        .order_by(ev.c.id)
    )
    query = src.only_scope(query, ev.c.subject_id)
    ends = [d for d in (date_to, src.scope.data_cut) if d is not None]
    if date_from is not None:
        query = query.where(ev.c.ts_utc >= date_from.isoformat())
    if ends:
        query = query.where(ev.c.ts_utc < (min(ends) + timedelta(days=1)).isoformat())
    frame = src.read(query)
    frame["action_label"] = F.decode(frame, src, "action", "AUDIT_ACTION")
    span = f"{date_from or 'start'} to {min(ends) if ends else 'export'} (UTC, inclusive)"
    head = ("AUDIT", "Audit trail", f"Audit trail extract, {span}", "Audit trail")
    notes = ("Rows are hash-chained: each row hash covers the row and the previous hash",)
    return make_listing(src, head, COLUMNS, frame, "Audit rows of the subjects in scope", notes)
