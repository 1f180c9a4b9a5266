"""Vital signs per visit and time point (SDTM VS); V1 pre/post dose from the study definition.

Limits are the physiological min/max of the study definition: outside them a value is an entry
error and refused. BMI is derived (weight with the screening height), never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, Subject, Visit, VitalSign
from models.db import read_session
from records import fields
from records.clinical_dates import a_datetime, local, site_zone
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.instruments import screen
from records.permissions import require
from records.sites import require_visit
from records.write_path import as_current, audited, last_change, stale
from study.schema import StudyDefinition


@dataclass(frozen=True, slots=True)
class VitalsRead:
    """The vital signs of one visit and time point, with their version token and derived BMI."""

    visit_id: int
    timepoint: str
    measured_at: datetime | None
    values: dict[str, float]
    units: dict[str, str]
    version: int
    bmi: float | None
    last_changed_by: str | None
    last_changed_at: str | None


def timepoints(study: StudyDefinition, visit_code: str) -> tuple[str, ...]:
    """The time points of a visit (e.g. PRE, POST on V1), or ("",) when it has none."""
    return study.vital_timepoints.get(visit_code) or ("",)


def _height(session: Session, subject_id: int) -> float | None:
    return session.scalar(
        select(VitalSign.value_num)
        .where(VitalSign.subject_id == subject_id, VitalSign.test_code == "HEIGHT")
        .where(VitalSign.value_num.is_not(None))  # type: ignore[union-attr]
        .order_by(VitalSign.id.desc())  # type: ignore[union-attr]
    )


def latest_weight(session: Session, subject_id: int, visit_id: int | None = None) -> float | None:
    """The weight (kg) taken at `visit_id` (pre-dose first), else the latest recorded."""
    query = select(VitalSign.value_num).where(
        VitalSign.subject_id == subject_id,
        VitalSign.test_code == "WEIGHT",
        VitalSign.value_num.is_not(None),  # type: ignore[union-attr]
    )
    if visit_id is not None:
        here = session.scalar(
            query.where(VitalSign.visit_id == visit_id).order_by(VitalSign.timepoint.desc())
        )  # type: ignore[attr-defined]
        if here is not None:
            return here
    return session.scalar(query.order_by(VitalSign.id.desc()))  # type: ignore[union-attr]


def _rows(session: Session, visit_id: int, timepoint: str) -> dict[str, VitalSign]:
    query = select(VitalSign).where(
        VitalSign.visit_id == visit_id, VitalSign.timepoint == timepoint
    )
    return {row.test_code: row for row in session.scalars(query)}


def _read(session: Session, visit: Visit, timepoint: str) -> VitalsRead | None:
    rows = _rows(session, int(visit.id), timepoint)  # type: ignore[arg-type]
    if not rows:
        return None
    values = {c: r.value_num for c, r in rows.items() if r.value_num is not None}
    height = values.get("HEIGHT") or _height(session, visit.subject_id)
    weight = values.get("WEIGHT")
    bmi = weight / (height / 100) ** 2 if weight and height else None
    ids = [int(r.id) for r in rows.values()]  # type: ignore[arg-type]
    who, when = last_change(session, visit.subject_id, {"vitalsign": ids})
    return VitalsRead(
        visit_id=int(visit.id),  # type: ignore[arg-type]
        timepoint=timepoint,
        measured_at=next(iter(rows.values())).measured_at,
        values=values,
        units={c: r.unit or "" for c, r in rows.items()},
        version=sum(int(r.version_id or 0) for r in rows.values()),
        bmi=bmi,
        last_changed_by=who,
        last_changed_at=when,
    )


def load_vitals(wb: Workbench, visit_id: int, timepoint: str = "") -> VitalsRead | None:
    """The saved vital signs of a visit and time point, or None."""
    require_visit(wb, visit_id)
    with read_session(wb.engine) as session:
        visit = session.get(Visit, visit_id)
        return None if visit is None else _read(session, visit, timepoint)


def _validate(
    wb: Workbench, visit_code: str, values: Mapping[str, Any], timepoint: Any
) -> tuple[str, dict[str, float | None]]:
    """Values within physiological limits, tests collected at this visit, diastolic < systolic."""
    tests = {t.code: t for t in wb.study.vital_tests}
    errors: fields.Errors = {}
    values = screen(values, tests, errors)
    allowed = timepoints(wb.study, visit_code)
    point = fields.choice(errors, "timepoint", timepoint or "", allowed) if allowed != ("",) else ""
    if allowed != ("",) and not timepoint:
        errors["timepoint"] = f"is required at {visit_code}: one of {', '.join(allowed)}"
    if allowed == ("",) and timepoint:
        errors["timepoint"] = f"{visit_code} has no time points"
    clean: dict[str, float | None] = {}
    for code, test in tests.items():
        clean[code] = fields.number(
            errors, code, values.get(code), minimum=test.min, maximum=test.max
        )
        if clean[code] is not None and test.visits and visit_code not in test.visits:
            errors[code] = f"is collected only at {', '.join(test.visits)}"
    sys, dia = clean.get("SYSBP"), clean.get("DIABP")
    if sys is not None and dia is not None and dia >= sys:
        errors["DIABP"] = "must be below the systolic pressure"
    if errors:
        raise ValidationFailed(errors)
    return point or "", clean


def save_vitals(
    wb: Workbench,
    actor: Actor,
    *,
    visit_id: int,
    values: Mapping[str, Any],
    timepoint: str = "",
    measured_at: Any = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> VitalsRead:
    """Save the vital signs of a visit/time point; an edit needs the version token and a reason."""
    require(actor, "write_clinical")
    errors: fields.Errors = {}
    zone = site_zone(wb)
    when = a_datetime(errors, "measured_at", measured_at, zone)
    if when is not None and (local(when, zone) or when).date() > (today or date.today()):
        errors["measured_at"] = "cannot be in the future"
    if errors:
        raise ValidationFailed(errors)
    with audited(
        wb, actor, reason, lambda: as_current(load_vitals(wb, visit_id, timepoint))
    ) as session:
        visit = _visit(session, wb, visit_id, when)
        point, clean = _validate(wb, visit.visit_code, values, timepoint)
        rows = _rows(session, visit_id, point)
        if rows and sum(int(r.version_id or 0) for r in rows.values()) != expected_version:
            raise stale("set of vital signs", asdict(_read(session, visit, point)))  # type: ignore[arg-type]
        if not rows and all(v is None for v in clean.values()):
            raise ValidationFailed({"values": "enter at least one vital sign"})
        _write(session, wb, visit, point, clean, rows, when)
        session.flush()
        read = _read(session, visit, point)
    assert read is not None
    return read


def _visit(session: Session, wb: Workbench, visit_id: int, when: datetime | None) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"visit {visit_id} does not exist")
    vdef = wb.study.visit(visit.visit_code)
    vital_forms = {f.code for f in wb.study.forms if f.kind == "vitals"}
    if vdef.kind != "unscheduled" and not vital_forms & set(vdef.forms):
        raise ValidationFailed({"visit_id": f"vital signs are not collected at {vdef.code}"})
    subject = session.get(Subject, visit.subject_id)
    day = local(when, site_zone(wb))
    if day is not None and subject is not None and day.date() < subject.consent_date:
        raise ValidationFailed({"measured_at": "cannot be before the consent date"})
    return visit


def _write(
    session: Session,
    wb: Workbench,
    visit: Visit,
    point: str,
    clean: Mapping[str, float | None],
    rows: Mapping[str, VitalSign],
    when: datetime | None,
) -> None:
    units = {t.code: t.unit for t in wb.study.vital_tests}
    for code, value in clean.items():
        row = rows.get(code)
        if row is None and value is not None:
            session.add(
                VitalSign(
                    subject_id=visit.subject_id,
                    visit_id=visit.id,
                    timepoint=point,
                    test_code=code,
                    value_num=value,
                    unit=units[code],
                    measured_at=when,
                )
            )
        elif row is not None:
            row.value_num, row.measured_at = value, when or row.measured_at
