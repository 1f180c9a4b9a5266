"""Marking a log row entered in error, and restoring it: never a deletion (#14).

A medication, medical-history row or adverse event entered by mistake (a duplicate, the wrong
subject) keeps every value: its `error_reason` says why it is in error. Such a row is shown
struck through, left out of outcomes, edit checks and the SDTM datasets, and kept in the
listings (with the reason) and the audit trail (who marked it, when, why). The reason given
is also the audit reason. A row marked by mistake is restored with a reason of its own.

Both acts are ordinary audited writes, so the rules every write obeys (site scope, freeze and
lock refusal, signature invalidation, SDV drop) apply without being repeated here, and the
write rule `models.entered_in_error` keeps any path from editing a row while it is in error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from models import Actor, AdverseEvent, MedicalHistory, Medication
from models.clinical import ERROR_REASON_LENGTH
from records import fields
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.permissions import allowed, require
from records.sites import require_subject
from records.write_path import audited, stale

LOGS: dict[str, Any] = {
    "medication": Medication,
    "medicalhistory": MedicalHistory,
    "adverseevent": AdverseEvent,
}
"""The records that can be marked entered in error, by audit entity name."""


@dataclass(frozen=True, slots=True)
class ErrorMark:
    """A row's state after marking or restoring: its reason (None once restored), version."""

    entity: str
    record_id: int
    error_reason: str | None
    version: int


def valid(table: Any) -> ColumnElement[bool]:
    """The SQL condition of rows not in error, for every read that feeds outcomes."""
    return table.c.error_reason.is_(None)  # type: ignore[no-any-return]


def mark_entered_in_error(
    wb: Workbench,
    actor: Actor,
    *,
    entity: str,
    record_id: int,
    reason: Any,
    expected_version: int | None,
) -> ErrorMark:
    """Mark a row entered in error with a reason (required); it keeps every value."""
    return _set(wb, actor, entity, record_id, reason, expected_version, marking=True)


def restore_entered_in_error(
    wb: Workbench,
    actor: Actor,
    *,
    entity: str,
    record_id: int,
    reason: Any,
    expected_version: int | None,
) -> ErrorMark:
    """Clear the mark of a row marked by mistake; the reason for restoring is required."""
    return _set(wb, actor, entity, record_id, reason, expected_version, marking=False)


SERIOUS_BY_INVESTIGATOR = (
    "Only the investigator may mark a serious adverse event entered in error: it may already "
    "have been reported to the sponsor as serious, and taking it out of the safety data is the "
    "investigator's judgement"
)


def mark_refused(role: str, entity: str, row: Any) -> str | None:
    """Why this role may not mark the row entered in error, or None when it may (a serious
    adverse event needs the investigator; restoring one, which puts it back, does not)."""
    serious = entity == "adverseevent" and bool(getattr(row, "serious", False))
    if serious and not allowed(role, "withdraw_serious_event"):
        return SERIOUS_BY_INVESTIGATOR
    return None


def _set(
    wb: Workbench,
    actor: Actor,
    entity: str,
    record_id: int,
    reason: Any,
    expected_version: int | None,
    *,
    marking: bool,
) -> ErrorMark:
    require(actor, "write_clinical")
    model = LOGS.get(entity)
    if model is None:
        raise NotFound(f"a {entity} cannot be marked entered in error")
    errors: fields.Errors = {}
    if reason is not None and not isinstance(reason, str):
        errors["reason"] = "must be text"
    else:
        why = fields.text(errors, "reason", reason, required=True, max_length=ERROR_REASON_LENGTH)
    if errors:
        raise ValidationFailed(errors)
    with audited(wb, actor, why) as session:
        row = session.get(model, record_id)
        if row is None:
            raise NotFound(f"{entity} {record_id} does not exist")
        require_subject(wb, row.subject_id)
        if row.version_id != expected_version:
            raise stale("record", {"error_reason": row.error_reason})
        refused = mark_refused(actor.role, entity, row) if marking else None
        if refused:
            raise PermissionDenied(refused)
        if marking and row.error_reason:
            raise ValidationFailed({"reason": "this record is already marked entered in error"})
        if not marking and not row.error_reason:
            raise ValidationFailed({"reason": "this record is not marked entered in error"})
        row.error_reason = why if marking else None
        session.flush()
        return ErrorMark(entity, record_id, row.error_reason, int(row.version_id or 0))
