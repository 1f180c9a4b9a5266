"""The write path every use case shares: one audited transaction per save, conflicts as data.

An edit without a reason or with a stale version comes back as a message (never a half-written
row), and who changed a record last is read from the audit trail. Rules that must hold on every
write whatever the use case (audit, lock refusal, signature invalidation, SDV drop) sit one level
lower, at flush (`models/audit_capture`, `models/write_rules`), so nothing here can skip them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import Actor, AuditEvent
from records import fields
from records.context import Workbench
from records.errors import ConflictError, ValidationFailed
from records.transaction import write


@contextmanager
def audited(
    wb: Workbench,
    actor: Actor,
    reason: str | None = None,
    current: Callable[[], Mapping[str, Any]] | None = None,
) -> Iterator[Session]:
    """`transaction.write` with the reason checked first and stored values on a stale conflict."""
    errors: fields.Errors = {}
    if reason is not None and not isinstance(reason, str):
        errors["reason"] = "must be text"
    reason = fields.text(
        errors, "reason", reason if isinstance(reason, str) else None, max_length=1000
    )
    if errors:
        raise ValidationFailed(errors)
    try:
        with write(wb, actor, reason) as session:
            yield session
    except ConflictError as error:
        if current is None or error.current:
            raise
        raise ConflictError(str(error), current()) from error


def last_change(
    session: Session, subject_id: int, records: Mapping[str, Collection[int]]
) -> tuple[str | None, str | None]:
    """Who (full name) last changed any of these records, and when (UTC ISO text)."""
    matches = [
        and_(AuditEvent.entity == entity, AuditEvent.record_id.in_(list(ids)))  # type: ignore[attr-defined]
        for entity, ids in records.items()
        if ids
    ]
    if not matches:
        return None, None
    row = session.execute(
        select(AuditEvent.user_name, AuditEvent.ts_utc)
        .where(AuditEvent.subject_id == subject_id, or_(*matches))
        .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else (None, None)


def as_current(read: Any) -> dict[str, Any]:
    """A read model as the `current` values a ConflictError carries ({} when none is saved)."""
    return {} if read is None else asdict(read)


def stale(kind: str, current: Mapping[str, Any]) -> ConflictError:
    """The conflict raised when a record was saved by someone else since it was loaded."""
    message = f"this {kind} was saved by someone else since you opened it; nothing was saved"
    return ConflictError(message, current)
