"""Concomitant medications and corticosteroid regimens as dated rows (SDTM CM).

Prednisone-equivalent mg/day per row and the per-subject daily series come from
`scoring.steroids` (spec/scoring.md §6.1–6.2); they are derived, never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, Medication, Subject
from models.db import read_session
from records import fields
from records.clinical_dates import before_birth, ends_before, partial_date
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.instruments import screen
from records.permissions import require
from records.regimens import daily_mg, is_corticosteroid, read_regimen, steroid_readings
from records.sites import require_subject
from records.subject_rows import edit_row, stored_values
from records.write_path import audited, last_change
from scoring import steroids
from scoring.dates import PartialDate
from scoring.errors import ScoringInputError
from scoring.steroid_table import FREQUENCIES, ONCE

FIELDS = (
    "drug", "dose", "dose_unit", "route", "frequency", "start", "stop", "ongoing",
    "indication", "corticosteroid", "pulse",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MedicationRead:
    """A medication row with its derived prednisone-equivalent mg/day (corticosteroids only)."""

    id: int
    subject_id: int
    drug: str
    dose: float | None
    dose_unit: str | None
    route: str | None
    frequency: str | None
    start: str
    stop: str | None
    ongoing: bool
    indication: str | None
    corticosteroid: bool
    pulse: bool
    version: int
    prednisone_equivalent_mg_per_day: float | None
    prednisone_reason: str | None
    steroid_issue: str | None
    last_changed_by: str | None
    last_changed_at: str | None
    error_reason: str | None = None
    """Set when the row is marked entered in error (`records.entered_in_error`)."""


def _prednisone(row: Medication) -> tuple[float | None, str | None, str | None]:
    """mg/day, how it was derived, and the data issue when the row cannot be interpreted."""
    if not is_corticosteroid(row):
        return None, None, None
    reading = read_regimen(row)
    mg, how = daily_mg(reading)
    return mg, how, None if reading.issue is None else reading.issue_text()


def _read(session: Session, row: Medication) -> MedicationRead:
    who, when = last_change(session, row.subject_id, {"medication": [int(row.id)]})  # type: ignore[arg-type]
    mg, why, issue = _prednisone(row)
    return MedicationRead(
        **{f: getattr(row, f) for f in ("id", "subject_id", *FIELDS) if f != "corticosteroid"},
        corticosteroid=is_corticosteroid(row),
        version=int(row.version_id or 0),
        prednisone_equivalent_mg_per_day=mg,
        prednisone_reason=why,
        steroid_issue=issue,
        last_changed_by=who,
        last_changed_at=when,
        error_reason=row.error_reason,
    )


def _codes(wb: Workbench, codelist: str) -> tuple[str, ...]:
    return tuple(code for code, _ in wb.study.codelists.get(codelist, ()))


def _dates(
    values: Mapping[str, Any], today: date, errors: fields.Errors
) -> tuple[PartialDate | None, PartialDate | None]:
    start = partial_date(errors, "start", values.get("start"), required=True, not_after=today)
    stop = partial_date(errors, "stop", values.get("stop"), not_after=today)
    if ends_before(start, stop):
        errors["stop"] = "cannot be before the start"
    if stop is not None and fields.flag(values.get("ongoing")):
        errors["ongoing"] = "a medication with a stop date is not ongoing"
    return start, stop


def _check_steroid(clean: dict[str, Any], start: PartialDate | None, errors: fields.Errors) -> None:
    """A corticosteroid row must convert to prednisone: known drug, mg dose, dosing frequency."""
    try:
        steroids.prednisone_factor(clean["drug"] or "")
    except ScoringInputError:
        errors.setdefault("drug", "is not a corticosteroid with a known prednisone equivalence")
    if clean["dose"] is None:
        errors.setdefault("dose", "is required for a corticosteroid")
    if (clean["dose_unit"] or "").lower() != "mg":
        errors.setdefault("dose_unit", "must be mg for a corticosteroid")
    if clean["frequency"] not in FREQUENCIES:
        errors.setdefault("frequency", f"must be one of {', '.join(FREQUENCIES)}")
    if clean["route"] is None:
        errors.setdefault("route", "is required for a corticosteroid")
    once = clean["frequency"] == ONCE
    if once and clean["stop"] not in (None, start.iso if start else None):
        errors.setdefault("stop", "a single dose (ONCE) stops on its start date")
    if once and start is not None and not start.is_complete_date:
        errors.setdefault("start", "a single dose needs its full date (YYYY-MM-DD)")


def validate_row(wb: Workbench, values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Typed CM fields; stop ≥ start (partial dates compared by their bounds, records §4.3)."""
    errors: fields.Errors = {}
    values = screen(values, FIELDS, errors)
    get = values.get
    clean: dict[str, Any] = {
        "drug": fields.text(errors, "drug", get("drug"), required=True, max_length=200),
        "dose": fields.number(errors, "dose", get("dose"), minimum=0, maximum=100_000),
        "dose_unit": fields.text(errors, "dose_unit", get("dose_unit"), max_length=20),
        "route": fields.choice(errors, "route", get("route"), _codes(wb, "ROUTE")),
        "frequency": fields.choice(errors, "frequency", get("frequency"), _codes(wb, "FREQ")),
        "indication": fields.text(errors, "indication", get("indication"), max_length=200),
        "corticosteroid": fields.flag(get("corticosteroid")),
        "pulse": fields.flag(get("pulse")),
    }
    start, stop = _dates(values, today, errors)
    clean.update(start=start.iso if start else None, stop=stop.iso if stop else None)
    clean["ongoing"] = stop is None and fields.flag(get("ongoing"))
    clean["corticosteroid"] = clean["corticosteroid"] or is_corticosteroid(clean)
    if clean["corticosteroid"]:
        _check_steroid(clean, start, errors)
        if clean["frequency"] == ONCE and start is not None and not errors:
            clean.update(stop=start.iso, ongoing=False)
    elif clean["pulse"]:
        errors["pulse"] = "only a corticosteroid can be a pulse"
    if errors:
        raise ValidationFailed(errors)
    return clean


def save_medication(
    wb: Workbench,
    actor: Actor,
    *,
    subject_id: int,
    values: Mapping[str, Any],
    medication_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> MedicationRead:
    """Add a medication row, or edit one (`medication_id` + version; changes need a reason)."""
    require(actor, "write_clinical")
    clean = validate_row(wb, values, today or date.today())
    with audited(
        wb, actor, reason, lambda: stored_values(wb, Medication, medication_id, _read)
    ) as session:
        check_subject(session, subject_id, clean["start"])
        if medication_id is None:
            row = Medication(subject_id=subject_id, **clean)
            session.add(row)
        else:
            row = edit_row(
                session, Medication, medication_id, subject_id, expected_version,
                "medication", _read, clean,
            )  # fmt: skip
        session.flush()
        return _read(session, row)


def check_subject(session: Session, subject_id: int, start: str | None) -> None:
    """The subject exists, and the row does not start before the subject was born."""
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise NotFound(f"subject {subject_id} does not exist")
    born = before_birth(subject.birth_date, subject.birth_year, {"start": start})
    if born:
        raise ValidationFailed(born)


def read_row(session: Session, row: Medication) -> MedicationRead:
    """A stored row as pages see it (for use cases writing several rows in one transaction)."""
    return _read(session, row)


def _rows(session: Session, subject_id: int) -> list[Medication]:
    query = select(Medication).where(Medication.subject_id == subject_id)
    return list(session.scalars(query.order_by(Medication.start, Medication.id)))


def list_medications(
    wb: Workbench, subject_id: int, *, corticosteroids: bool | None = None
) -> list[MedicationRead]:
    """The subject's medication rows by start date; optionally only (or no) corticosteroids
    (recognised from the drug as well as the tick, `records.regimens`)."""
    require_subject(wb, subject_id)
    with read_session(wb.engine) as session:
        reads = [_read(session, row) for row in _rows(session, subject_id)]
    return [r for r in reads if corticosteroids is None or r.corticosteroid == corticosteroids]


def steroid_series(
    wb: Workbench, subject_id: int, start: date | None = None, end: date | None = None
) -> steroids.SteroidSeries:
    """Daily prednisone-equivalent mg from consent (default) to `end` (default today), §6.2."""
    with read_session(wb.engine) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        valid = [row for row in _rows(session, subject_id) if row.error_reason is None]
        readings = steroid_readings(valid)
    regimens = [r.regimen for r in readings if r.regimen is not None]
    first = start or subject.consent_date
    return steroids.daily_series(regimens, first, max(first, end or date.today()))
