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
    """Queries not closed or cancelled on a subject (and, given one, on one of its visits).

    Without a visit link on the query row the visit filter is ignored; #12 narrows it when
    queries carry their visit.
    """
    del visit_id
    query = select(func.count()).where(
        DataQuery.subject_id == subject_id,
        DataQuery.status.in_(OPEN_STATES),  # type: ignore[attr-defined]
    )
    return int(session.exec(query).one())
