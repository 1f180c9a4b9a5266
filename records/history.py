"""Medical history and SLE history rows (SDTM MH), and the partial-date parsing other logs share.

Partial dates are right-truncated ISO 8601 kept as entered, never imputed (spec/records.md §4.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, MedicalHistory, Subject
from models.db import read_session
from records import fields
from records.clinical_dates import before_birth, partial_date
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.instruments import screen
from records.permissions import require
from records.sites import require_subject
from records.subject_rows import edit_row, stored_values
from records.write_path import audited, last_change

LOG_FORMS: dict[str, str] = {"MH": "GENERAL", "SLEHX": "SLE"}
"""Log form code → MH category its rows carry (forms_status marks the form complete from them)."""
FIELDS = ("category", "term", "start", "ongoing", "note")


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """One medical- or SLE-history row as pages and listings see it."""

    id: int
    subject_id: int
    category: str
    term: str
    start: str | None
    ongoing: bool
    note: str | None
    version: int
    last_changed_by: str | None
    last_changed_at: str | None
    error_reason: str | None = None
    """Set when the row is marked entered in error (`records.entered_in_error`)."""


def _read(session: Session, row: MedicalHistory) -> HistoryRead:
    who, when = last_change(session, row.subject_id, {"medicalhistory": [int(row.id)]})  # type: ignore[arg-type]
    return HistoryRead(
        **{f: getattr(row, f) for f in ("id", "subject_id", *FIELDS)},
        version=int(row.version_id or 0),
        last_changed_by=who,
        last_changed_at=when,
        error_reason=row.error_reason,
    )


def _validate(
    wb: Workbench, values: Mapping[str, Any], consent: date, today: date
) -> dict[str, Any]:
    """Typed history fields; a start after consent belongs on the AE form, not here."""
    errors: fields.Errors = {}
    values = screen(values, FIELDS, errors)
    categories = tuple(code for code, _ in wb.study.codelists.get("MH_CATEGORY", ()))
    clean = {
        "category": fields.choice(
            errors, "category", values.get("category"), categories, required=True
        ),
        "term": fields.text(errors, "term", values.get("term"), required=True, max_length=200),
        "ongoing": fields.flag(values.get("ongoing")),
        "note": fields.text(errors, "note", values.get("note"), max_length=1000),
    }
    start = partial_date(errors, "start", values.get("start"), not_after=today)
    if start is not None and start.certainly_on_or_after(consent + timedelta(days=1)):
        errors["start"] = "starts after consent: record it as an adverse event"
    if errors:
        raise ValidationFailed(errors)
    return {**clean, "start": start.iso if start else None}


def save_history(
    wb: Workbench,
    actor: Actor,
    *,
    subject_id: int,
    values: Mapping[str, Any],
    history_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> HistoryRead:
    """Add a history row, or edit one (`history_id` + version; a changed value needs a reason)."""
    require(actor, "write_clinical")
    with audited(
        wb, actor, reason, lambda: stored_values(wb, MedicalHistory, history_id, _read)
    ) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        clean = _validate(wb, values, subject.consent_date, today or date.today())
        born = before_birth(subject.birth_date, subject.birth_year, {"start": clean["start"]})
        if born:
            raise ValidationFailed(born)
        if history_id is None:
            row = MedicalHistory(subject_id=subject_id, **clean)
            session.add(row)
        else:
            row = edit_row(
                session, MedicalHistory, history_id, subject_id, expected_version,
                "history row", _read, clean,
            )  # fmt: skip
        session.flush()
        return _read(session, row)


def list_history(wb: Workbench, subject_id: int, category: str | None = None) -> list[HistoryRead]:
    """The subject's history rows in entry order, optionally of one category."""
    require_subject(wb, subject_id)
    query = select(MedicalHistory).where(MedicalHistory.subject_id == subject_id)
    if category is not None:
        query = query.where(MedicalHistory.category == category)
    with read_session(wb.engine) as session:
        return [_read(session, row) for row in session.scalars(query.order_by(MedicalHistory.id))]
