"""Visit calendar per subject: target dates, windows, status, forms due; recording visit dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from models import Actor, Subject, Visit
from models.db import read_session
from records import fields
from records.completeness import incomplete_forms
from records.context import Workbench
from records.errors import ConflictError, NotFound, ValidationFailed
from records.forms_status import form_states
from records.permissions import require
from records.sites import require_subject
from records.transaction import write
from scoring.dates import date_of_study_day, study_day, visit_window
from study.schema import VisitDef

LEFT_STUDY = ("early_termination", "lost_to_follow_up", "died")
"""Subject statuses after which later scheduled visits are not expected (§3.3 (d))."""


@dataclass(frozen=True, slots=True)
class CalendarRow:
    """One visit of a subject's calendar, with the forms expected and their state."""

    visit_id: int
    visit_code: str
    visit_name: str
    sequence: int
    target_date: date | None
    window_start: date | None
    window_end: date | None
    actual_date: date | None
    study_day: int | None
    status: str
    out_of_window: bool
    days_off_window: int | None
    forms: dict[str, str]
    version_id: int
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per form read "incomplete": the codes of the required items it lacks."""


def visit_window_dates(
    v: VisitDef, dose_date: date | None, consent: date, screening_days: int
) -> tuple[date | None, ...]:
    """Target date and window; screening runs from consent for the protocol's screening period."""
    if v.kind == "screening":
        return consent, consent, consent + timedelta(days=screening_days)
    if v.target_day is None or dose_date is None:
        return None, None, None
    target = date_of_study_day(v.target_day, dose_date)
    return target, target - timedelta(days=v.window), target + timedelta(days=v.window)


def calendar_status(
    visit: Any,
    window_end: date | None,
    window_start: date | None,
    today: date,
    left_on: date | None = None,
) -> str:
    """missed, done, not_yet_due, due, overdue, or not_expected: a scheduled visit whose window
    had not closed when the subject left the study (`left_on`, see `left_study_on`)."""
    if visit.status == "missed":
        return "missed"
    if visit.actual_date is not None:
        return "done"
    if left_on is not None and (window_end is None or left_on <= window_end):
        return "not_expected"
    if window_start is None or today < window_start:
        return "not_yet_due"
    return "overdue" if window_end is not None and today > window_end else "due"


def left_study_on(vdef: VisitDef, status: Any, status_date: Any, today: date) -> date | None:
    """The day a withdrawn, lost or deceased subject left, for scheduled visits (else None)."""
    if vdef.kind != "scheduled" or status not in LEFT_STUDY:
        return None
    return status_date if isinstance(status_date, date) else today


def calendar(wb: Workbench, subject_id: int, today: date | None = None) -> list[CalendarRow]:
    """The subject's visits in schedule order with status and expected forms."""
    require_subject(wb, subject_id)
    today = today or date.today()
    order = {v.code: i for i, v in enumerate(wb.study.visits)}
    with read_session(wb.engine) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        visits = session.scalars(select(Visit).where(Visit.subject_id == subject_id)).all()
        states = form_states(session, wb.study, subject_id)
        missing = incomplete_forms(session, wb.study, subject_id)
    rows = []
    for visit in sorted(visits, key=lambda v: (order.get(v.visit_code, 99), v.sequence)):
        vdef = wb.study.visit(visit.visit_code)
        left = (subject.status, subject.status_date)
        target, start, end = visit_window_dates(
            vdef, subject.dose_date, subject.consent_date, wb.study.protocol.screening_days_before
        )
        day = (
            study_day(visit.actual_date, subject.dose_date)
            if (visit.actual_date and subject.dose_date)
            else None
        )
        rows.append(
            CalendarRow(
                visit_id=int(visit.id),
                visit_code=visit.visit_code,  # type: ignore[arg-type]
                visit_name=vdef.name,
                sequence=visit.sequence,
                target_date=target,
                window_start=start,
                window_end=end,
                actual_date=visit.actual_date,
                study_day=day,
                status=calendar_status(visit, end, start, today, left_study_on(vdef, *left, today)),
                out_of_window=visit.out_of_window,
                days_off_window=visit.days_off_window,
                forms={f: states.get((visit.id, f), "not_started") for f in vdef.forms},
                version_id=int(visit.version_id or 0),
                missing={f: missing[(visit.id, f)] for f in vdef.forms if (visit.id, f) in missing},
            )
        )
    return rows


def record_visit_date(
    wb: Workbench,
    actor: Actor,
    visit_id: int,
    actual_date: Any,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> CalendarRow:
    """Set (or correct, with a reason) the date a visit took place; flags out-of-window."""
    require(actor, "write_clinical")
    errors: fields.Errors = {}
    when = fields.a_date(
        errors, "actual_date", actual_date, required=True, not_after=today or date.today()
    )
    if errors or when is None:
        raise ValidationFailed(errors)
    with write(wb, actor, reason) as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(f"visit {visit_id} does not exist")
        if visit.actual_date is not None and expected_version is None:
            raise ConflictError(
                "correcting a visit date needs the version it was read at (issue #13); reload"
            )
        if expected_version is not None and visit.version_id != expected_version:
            raise ConflictError("this visit was changed by someone else; reload")
        subject = session.get(Subject, visit.subject_id)
        if when < subject.consent_date:  # type: ignore[union-attr]
            raise ValidationFailed(
                {
                    "actual_date": "cannot be before the consent date "
                    f"({subject.consent_date.isoformat()})"
                }
            )  # type: ignore[union-attr]
        visit.actual_date, visit.status = when, "done"
        _flag_window(wb.study.visit(visit.visit_code), visit, subject.dose_date)  # type: ignore[union-attr]
        session.flush()
        subject_id = visit.subject_id
    return next(r for r in calendar(wb, subject_id, today) if r.visit_id == visit_id)


def _flag_window(vdef: VisitDef, visit: Visit, dose_date: date | None) -> None:
    """Out-of-window is a protocol deviation to flag, never a reason to refuse."""
    if vdef.kind != "scheduled" or dose_date is None or visit.actual_date is None:
        visit.out_of_window, visit.days_off_window = False, None
        return
    result = visit_window(
        study_day(visit.actual_date, dose_date), vdef.target_day or 1, vdef.window
    )
    visit.out_of_window = result.status != "on_window"
    visit.days_off_window = result.days_off or None


def refresh_windows(session: Any, wb: Workbench, subject: Subject) -> None:
    """Re-evaluate every visit's window after the dose date (day 1) is set or corrected."""
    for visit in session.scalars(select(Visit).where(Visit.subject_id == subject.id)).all():
        _flag_window(wb.study.visit(visit.visit_code), visit, subject.dose_date)


def add_visit(wb: Workbench, actor: Actor, subject_id: int, visit_code: str) -> int:
    """Add an unscheduled or early-termination visit; returns its id."""
    require(actor, "write_clinical")
    vdef = wb.study.visit(visit_code)
    if vdef.planned:
        raise ValidationFailed({"visit_code": f"{visit_code} is already in the calendar"})
    with write(wb, actor) as s:
        if s.get(Subject, subject_id) is None:
            raise NotFound(f"subject {subject_id} does not exist")
        last = (
            s.scalar(
                select(func.max(Visit.sequence)).where(
                    Visit.subject_id == subject_id, Visit.visit_code == visit_code
                )
            )
            or 0
        )
        if vdef.kind == "early_termination" and last:
            raise ValidationFailed({"visit_code": "an early-termination visit already exists"})
        visit = Visit(subject_id=subject_id, visit_code=visit_code, sequence=last + 1)
        s.add(visit)
        s.flush()
        return int(visit.id)  # type: ignore[arg-type]


def visit_keys(wb: Workbench) -> dict[int, tuple[str, str, str]]:
    """Every visit's (screening number, visit code, sequence) by id: how exports name a visit."""
    with read_session(wb.engine) as session:
        rows = session.execute(
            select(Visit.id, Subject.screening_number, Visit.visit_code, Visit.sequence).join(
                Subject, Subject.id == Visit.subject_id
            )
        )
        return {int(vid): (number, code, str(seq)) for vid, number, code, seq in rows}
