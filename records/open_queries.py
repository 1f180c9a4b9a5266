"""How many data queries still wait on someone: the seam signing reads (#12/#11).

Issue #12 owns data queries and may change their states; it keeps this function's contract
so the PI's signing screen (#11) can show (or, by study rule, block on) open queries.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from models.review import DataQuery

OPEN_STATES = ("open", "answered")


def open_query_count(session: Session, subject_id: int, visit_id: int | None = None) -> int:
    """Queries not closed or cancelled on a subject (and, given one, on one of its visits)."""
    query = select(func.count()).where(
        DataQuery.subject_id == subject_id,
        DataQuery.status.in_(OPEN_STATES),  # type: ignore[attr-defined]
    )
    if visit_id is not None:
        query = query.where(DataQuery.visit_id == visit_id)  # type: ignore[arg-type]
    return int(session.exec(query).one())
