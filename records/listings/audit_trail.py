"""The audit-trail extract: chronological, filtered by subject scope and an optional explicit
date range (never by the data cut), and read in windows (it can run to millions of rows)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from models import AuditEvent, Subject, Visit
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import (
    Column,
    Listing,
    ListingSource,
    Scope,
    empty_frame,
    make_listing,
)
from study.schema import StudyDefinition

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
    """Every audit row of the subjects in scope up to the export, or from date_from to date_to
    inclusive (UTC) when a range is asked for explicitly.

    The data cut does not filter the audit trail: a value dated before the cut may have been
    corrected after it, and the listings show the corrected value (issue #10).

    The audit trail may run to millions of rows, so it is not read here: the snapshot fixes
    its newest row id, its row count and the subject and visit labels; the rows are read later
    in id windows (`AuditWindows`). That later read sees exactly the snapshot's rows, because
    audit rows are append-only (the database refuses UPDATE and DELETE) and every new row gets
    a higher id.
    """
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    bounds = _Bounds(date_from, date_to)
    last_id = src.conn.execute(select(func.max(ev.c.id))).scalar_one() or 0
    count_query = _where(src, select(func.count()).select_from(ev), bounds, last_id)
    count = int(src.conn.execute(count_query).scalar_one())
    windows = AuditWindows(src.conn.engine, src.study, src.scope, bounds, last_id, _labels(src))
    span = f"{date_from or 'start'} to {date_to or 'the export'} (UTC, inclusive)"
    head = ("AUDIT", "Audit trail", f"Audit trail extract, {span}", "Audit trail")
    notes = (
        "Rows are hash-chained: each row hash covers the row and the previous hash",
        "Not filtered by the data cut: changes made after the cut to data dated before it are "
        "here, as the listings show their current values",
    )
    listing = make_listing(
        src, head, COLUMNS, empty_frame(COLUMNS), "Audit rows of the subjects in scope", notes
    )
    return replace(listing, windows=windows, streamed_rows=count)


@dataclass(frozen=True, slots=True)
class _Bounds:
    """The explicit entry-time range asked for (None = open-ended)."""

    date_from: date | None
    date_to: date | None


@dataclass(frozen=True, slots=True)
class _Labels:
    """Screening numbers and visit codes as the snapshot saw them."""

    subjects: dict[int, str]
    visits: dict[int, str]


def _labels(src: ListingSource) -> _Labels:
    s, v = Subject.__table__, Visit.__table__  # type: ignore[attr-defined]
    subjects = {int(i): str(n) for i, n in src.conn.execute(select(s.c.id, s.c.screening_number))}
    visits = {int(i): str(code) for i, code in src.conn.execute(select(v.c.id, v.c.visit_code))}
    return _Labels(subjects, visits)


def _where(src: ListingSource, query: Select[Any], bounds: _Bounds, last_id: int) -> Select[Any]:
    """The extract's rows: in scope, within the dates and the cut, no newer than the snapshot."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    query = src.only_scope(query.where(ev.c.id <= last_id), ev.c.subject_id)
    if bounds.date_from is not None:
        query = query.where(ev.c.ts_utc >= bounds.date_from.isoformat())
    if bounds.date_to is not None:
        query = query.where(ev.c.ts_utc < (bounds.date_to + timedelta(days=1)).isoformat())
    return query


@dataclass(frozen=True)
class AuditWindows:
    """Reads the extract fixed by a snapshot, in id order, `size` rows at a time."""

    engine: Engine
    study: StudyDefinition
    scope: Scope
    bounds: _Bounds
    last_id: int
    labels: _Labels

    def __call__(self, size: int) -> Iterator[pd.DataFrame]:
        ev = AuditEvent.__table__  # type: ignore[attr-defined]
        names = [c.name for c in COLUMNS]
        with self.engine.connect() as conn:
            src = ListingSource(conn, self.study, self.scope)
            after = 0
            while True:
                query = _where(src, select(ev), self.bounds, self.last_id)
                frame = src.read(query.where(ev.c.id > after).order_by(ev.c.id).limit(size))
                if frame.empty:
                    return
                after = int(frame["id"].iloc[-1])
                frame["subject"] = frame["subject_id"].map(self.labels.subjects)
                frame["visit_code"] = frame["visit_id"].map(self.labels.visits)
                frame["action_label"] = F.decode(frame, src, "action", "AUDIT_ACTION")
                yield frame[names]
