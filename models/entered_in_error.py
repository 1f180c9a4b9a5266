"""A row marked entered in error is kept as it was: the write rule that holds on every path.

Marking a log row entered in error (`records.entered_in_error`) sets its `error_reason`; the
row keeps every value, stays in listings and the audit trail, and is left out of outcomes. For
the mark to mean anything, no path may go on editing the row underneath it: an update that
changes any other field of a row whose stored reason is set is refused at flush (order 15,
after site scope and holds), whatever the use case, import or command. Restoring the row (the
reason cleared, with its own audit reason) makes it editable again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit_capture import AuditError
from models.write_rules import Change, register

FIELD = "error_reason"


class EnteredInError(AuditError):
    """A change to a row marked entered in error; nothing of the transaction is saved."""


@register("entered-in-error", order=15)
def keep_rows_in_error(session: Session, changes: Sequence[Change]) -> None:
    """Refuse a change to the values of a row whose stored error reason is set."""
    conn = session.connection()
    for change in changes:
        if change.action != "update" or FIELD not in type(change.obj).model_fields:
            continue
        if not set(change.fields) - {FIELD}:
            continue
        table = type(change.obj).__table__  # type: ignore[attr-defined]
        stored = conn.execute(select(table.c[FIELD]).where(table.c.id == change.record_id))
        if stored.scalar():
            raise EnteredInError(
                "this record is marked entered in error: restore it before changing it; "
                "nothing was saved"
            )
