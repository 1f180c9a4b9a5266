"""Which subjects changed: each subject's newest audit row, read whole or from a watermark.

A subject's outcomes are kept on the hash of its newest audit row (`records.outcomes.
per_subject`): every clinical write appends audit rows carrying the subject id, in the same
transaction, and the hash chains every earlier row, so a database restored or rebuilt at the
same path cannot pass for the one computed.

Reading every subject's newest row is one index seek per subject: 15–20 ms at 2,000 subjects,
paid on every page run after a write. So the keys are brought up to date from a `Mark`, the
trail's newest row when they were read: only subjects with rows written after it can have
moved, and those rows are a range of the primary key (writers are serialised, SQLite's BEGIN
IMMEDIATE or PostgreSQL's write lock, so ids grow in commit order). The mark is trusted only
while its row is still there with the same hash and every subject is accounted for; otherwise
every subject is read again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, ScalarSelect, func, select

from models import AuditEvent, Subject

_AUDIT = AuditEvent.__table__  # type: ignore[attr-defined]
_SUBJECT = Subject.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Mark:
    """The trail's newest row (id and chained hash; 0 and "" when empty) when keys were read."""

    audit_id: int
    audit_hash: str


def mark_of(conn: Connection) -> Mark:
    """Where the trail stands now (one primary-key seek)."""
    newest = conn.execute(
        select(_AUDIT.c.id, _AUDIT.c.row_hash).order_by(_AUDIT.c.id.desc()).limit(1)
    ).first()
    return Mark(0, "") if newest is None else Mark(int(newest[0]), newest[1] or "")


def _newest_hash() -> ScalarSelect:
    """The hash of the subject's newest audit row, correlated to the subject table."""
    return (
        select(_AUDIT.c.row_hash)
        .where(_AUDIT.c.subject_id == _SUBJECT.c.id)
        .order_by(_AUDIT.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def subject_keys(conn: Connection) -> dict[int, str]:
    """Every subject's newest audit row hash ("" when it has none), in one query: one index
    seek per subject on the trail's subject index (a GROUP BY would scan the whole trail: 4.8
    million rows at 500 benchmark subjects)."""
    rows = conn.execute(select(_SUBJECT.c.id, _newest_hash()))
    return {int(sid): top or "" for sid, top in rows}


def keys_since(conn: Connection, mark: Mark, keys: Mapping[int, str]) -> dict[int, str] | None:
    """`keys` (read at `mark`) brought up to date from the rows written since; None when the
    trail is not the one they were read from (the mark's row gone or changed: a restored or
    rebuilt database) or a subject is not accounted for (one without audit rows)."""
    if mark.audit_id:
        then = conn.execute(select(_AUDIT.c.row_hash).where(_AUDIT.c.id == mark.audit_id))
        if (then.scalar() or "") != mark.audit_hash:
            return None
    touched = (
        select(_AUDIT.c.subject_id)
        .where(_AUDIT.c.id > mark.audit_id, _AUDIT.c.subject_id.is_not(None))
        .distinct()
    )
    rows = conn.execute(select(_SUBJECT.c.id, _newest_hash()).where(_SUBJECT.c.id.in_(touched)))
    found = dict(keys)
    found.update({int(sid): top or "" for sid, top in rows})
    subjects = conn.execute(select(func.count()).select_from(_SUBJECT)).scalar() or 0
    return found if len(found) == subjects else None


def current_keys(
    conn: Connection, known: tuple[Mark, Mapping[int, str]] | None
) -> tuple[Mark, dict[int, str]]:
    """Every subject's key now, and the mark to bring them up to date from next time: from the
    keys last read (`known`) when they can be trusted, else read whole."""
    mark = mark_of(conn)
    found = keys_since(conn, *known) if known is not None else None
    return mark, subject_keys(conn) if found is None else found
