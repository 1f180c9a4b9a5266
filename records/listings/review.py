"""Review listings 16.2.10.x (#12): every data query with its thread, and SDV state by form and
by adverse event.

Review rows are not clinical data: a data cut does not apply to them (the export shows the
review state at extraction, as the cover's database status does).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DataQuery, QueryMessage
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.sdv import read_sdv

CUT_NOTE = "Review rows are not cut by the data cut: they show the state at extraction."
QUERY_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT,
    Column("form_code", "Form", "code"),
    Column("query_id", "Query", "int", key=True),
    Column("target", "Field or record", "text", origin="derived",
           rule="table.field #record id; blank for a query on the whole form"),
    Column("origin", "Origin", "code", rule="manual, or auto (edit check named)"),
    Column("check_code", "Edit check", "code"),
    Column("status", "State", "code", rule="open, answered, closed or cancelled"),
    Column("text", "Query", "longtext"),
    Column("opened_by", "Raised by", "text"),
    Column("opened_at", "Raised (UTC)", "datetime"),
    Column("thread", "Thread", "longtext", origin="derived",
           rule="Every transition in order: time (UTC), person (role), action: text"),
)  # fmt: skip
SDV_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT,
    Column("form_code", "Form", "code", key=True),
    Column("record", "Adverse event", "text", key=True,
           rule="AE number and term of an adverse event's verification (form AE)"),
    Column("state", "SDV state", "code", origin="derived",
           rule="verified; to verify; dropped = a later change removed the verification"),
    Column("verified_by", "Verified by", "text"),
    Column("verified_at", "Verified (UTC)", "datetime"),
    Column("dropped_at", "Dropped (UTC)", "datetime"),
    Column("drop_reason", "Why dropped", "longtext"),
)  # fmt: skip


def _thread(rows: pd.DataFrame) -> dict[int, str]:
    lines: dict[int, list[str]] = {}
    for r in rows.itertuples():
        when = pd.Timestamp(r.at).strftime("%Y-%m-%d %H:%M")
        lines.setdefault(int(r.query_id), []).append(
            f"{when} {r.user_name} ({r.user_role}) {r.action}: {r.text}"
        )
    return {k: "\n".join(v) for k, v in lines.items()}


def queries_listing(src: ListingSource) -> Listing:
    """Every query of the subjects in scope, with its full thread."""
    q = DataQuery.__table__  # type: ignore[attr-defined]
    frame = src.read(src.only_scope(select(q), q.c.subject_id))
    if not frame.empty:
        m = QueryMessage.__table__  # type: ignore[attr-defined]
        threads = _thread(src.read(select(m).order_by(m.c.id)))
        frame = frame.rename(columns={"id": "query_id"})
        frame["thread"] = frame["query_id"].map(threads)
        frame["target"] = [
            None if F.missing(e) else f"{e}{'' if F.missing(f) else '.' + f} #{int(r)}"
            for e, f, r in zip(frame["entity"], frame["field"], frame["record_id"], strict=True)
        ]
        frame = F.with_visit(F.with_subject(frame, src), src)
        frame = F.ordered(frame, [*C.VISIT_SORT, "query_id"])
    head = ("16.2.10.1", "L16.2.10.1 Queries", "Data queries with their threads", "review")
    return make_listing(src, head, QUERY_COLUMNS, frame, notes=(CUT_NOTE,))


def sdv_listing(src: ListingSource) -> Listing:
    """Forms whose data need source data verification, and whether they are verified."""
    with Session(bind=src.conn) as session:
        rows = read_sdv(session, src.study, only_required=True)
    frame = pd.DataFrame(
        [
            {"subject_id": r.subject_id, "visit_id": r.visit_id, "form_code": r.form_code,
             "record": r.record or None, "ae_order": r.record_id or 0, "state": r.state,
             "verified_by": r.verified_by, "verified_at": r.verified_at, "dropped_at": r.dropped_at,
             "drop_reason": r.drop_reason}
            for r in rows
        ]
    )  # fmt: skip
    if not frame.empty:
        frame["visit_id"] = frame["visit_id"].astype("Int64")  # an adverse event has no visit
        frame = F.with_visit(F.with_subject(frame, src), src)
        frame = F.ordered(frame, [*C.VISIT_SORT, "form_code", "ae_order"])
    head = ("16.2.10.2", "L16.2.10.2 SDV", "Source data verification by form", "review")
    return make_listing(src, head, SDV_COLUMNS, frame, notes=(CUT_NOTE,))
