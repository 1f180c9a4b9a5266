"""Saving and loading item forms (instruments, items forms, eligibility) as header + item rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models import Actor, Assessment, AssessmentItem, Subject, Visit
from models.assessments import FORM_STATES
from models.base import utc_now
from models.db import read_session
from records import fields
from records.context import Workbench
from records.derived import Derived, derive
from records.errors import NotFound, ValidationFailed
from records.instruments import ItemSpec, Parsed, check_items, field_key, item_specs, screen
from records.permissions import require
from records.sites import require_visit
from records.write_path import as_current, audited, last_change, stale

_FIRST: dict[str, str] = {"SLEDAI2K": "PGA"}
"""Instrument → instrument that must be recorded first at the visit (spec/scoring.md §5)."""
_WINDOWS: dict[str, int] = {"BILAG2004": 28}
HEADER: tuple[str, ...] = ("id", "subject_id", "visit_id", "form_code", "assessment_date", "state")
HEADER += ("not_done_reason", "variant", "window_days", "mode", "completed_at")


@dataclass(frozen=True, slots=True)
class AssessmentRead:
    """A saved form: header, item values as stored text, version and last change."""

    id: int
    subject_id: int
    visit_id: int
    form_code: str
    assessment_date: date | None
    state: str
    not_done_reason: str | None
    variant: str | None
    window_days: int | None
    mode: str | None
    completed_at: datetime | None
    version: int
    values: dict[str, str]
    last_changed_by: str | None
    last_changed_at: str | None
    derived: Derived | None = None


def _items(session: Session, assessment_id: int) -> dict[str, AssessmentItem]:
    query = select(AssessmentItem).where(AssessmentItem.assessment_id == assessment_id)
    return {item.item_code: item for item in session.scalars(query)}


def _read(session: Session, wb: Workbench, row: Assessment) -> AssessmentRead:
    stored = _items(session, row.id)  # type: ignore[arg-type]
    order = [s.code for s in item_specs(wb.study, row.form_code)]
    values = {c: v for c in order if (v := getattr(stored.get(c), "value", None)) is not None}
    ids = {"assessment": [int(row.id)], "assessmentitem": [int(i.id) for i in stored.values()]}  # type: ignore[arg-type]
    who, when = last_change(session, row.subject_id, ids)
    return AssessmentRead(
        **{name: getattr(row, name) for name in HEADER},
        version=int(row.version_id or 0),
        values=values,
        last_changed_by=who,
        last_changed_at=when,
        derived=derive(wb.study, row.form_code, values),
    )


def _find(session: Session, visit_id: int, form_code: str) -> Assessment | None:
    return session.scalar(
        select(Assessment).where(Assessment.visit_id == visit_id, Assessment.form_code == form_code)
    )


def load_assessment(wb: Workbench, visit_id: int, form_code: str) -> AssessmentRead | None:
    """The saved form of a visit with its values, version and last change, or None."""
    require_visit(wb, visit_id)
    with read_session(wb.engine) as session:
        row = _find(session, visit_id, form_code)
        return None if row is None else _read(session, wb, row)


def _specs(wb: Workbench, form_code: Any) -> tuple[ItemSpec, ...]:
    try:
        return item_specs(wb.study, form_code)
    except (KeyError, TypeError) as error:
        message = f"{field_key(form_code)!r} is not a stored form"
        raise ValidationFailed({"form_code": message}) from error


def _check_header(
    wb: Workbench, form_code: str, raw: Mapping[str, Any], today: date, errors: fields.Errors
) -> dict[str, Any]:
    """Header fields: state, not-done reason, date (not in the future), mode for questionnaires."""
    state = fields.choice(errors, "state", raw.get("state"), FORM_STATES, required=True)
    not_done = fields.text(
        errors, "not_done_reason", raw.get("not_done_reason"), required=state == "not_done"
    )
    header: dict[str, Any] = {
        "state": state,
        "not_done_reason": not_done if state == "not_done" else None,
        "assessment_date": fields.a_date(
            errors, "assessment_date", raw.get("date"), not_after=today
        ),
        "mode": None,
    }
    form = wb.study.form(form_code)
    if form.domain == "QS":
        modes = tuple(code for code, _ in wb.study.codelists.get("QS_MODE", ()))
        header["mode"] = fields.choice(errors, "mode", raw.get("mode"), modes)
    elif raw.get("mode") is not None and raw.get("mode") != "":
        errors["mode"] = "applies only to questionnaires"
    sledai = form.instrument == "SLEDAI2K"
    header["variant"] = wb.study.protocol.sledai_variant if sledai else None
    window = wb.study.protocol.sledai_window_days if sledai else None
    header["window_days"] = window or _WINDOWS.get(form.instrument or "")
    return header


def _check_context(
    wb: Workbench, session: Session, visit: Visit, form_code: str, header: dict[str, Any]
) -> None:
    """Form expected at the visit, date on/after consent, PGA recorded before SLEDAI-2K."""
    subject = session.get(Subject, visit.subject_id)
    vdef = wb.study.visit(visit.visit_code)
    if vdef.kind != "unscheduled" and form_code not in vdef.forms:
        raise ValidationFailed({"form_code": f"{form_code} is not collected at {vdef.code}"})
    header["assessment_date"] = header["assessment_date"] or visit.actual_date
    when = header["assessment_date"]
    if when is None and header["state"] == "complete":
        raise ValidationFailed({"assessment_date": "is required (or record the visit date first)"})
    if when is not None and subject is not None and when < subject.consent_date:
        message = f"cannot be before the consent date ({subject.consent_date.isoformat()})"
        raise ValidationFailed({"assessment_date": message})
    first = _FIRST.get(wb.study.form(form_code).instrument or "")
    if first and header["state"] != "not_done":
        codes = [f.code for f in wb.study.forms if f.instrument == first]
        found = session.scalar(
            select(Assessment.id).where(
                Assessment.visit_id == visit.id,
                Assessment.form_code.in_(codes),  # type: ignore[attr-defined]
            )
        )
        if found is None:
            raise ValidationFailed({first: f"record the {first} for this visit first (spec §5)"})


def _write_items(session: Session, row: Assessment, parsed: Parsed) -> bool:
    """Insert or update item rows; returns whether any item changed."""
    existing = _items(session, row.id)  # type: ignore[arg-type]
    changed = False
    for code, (text, number) in parsed.items():
        item = existing.get(code)
        if item is None and text is not None:
            session.add(
                AssessmentItem(assessment_id=row.id, item_code=code, value=text, value_num=number)
            )
            changed = True
        elif item is not None and (item.value, item.value_num) != (text, number):
            item.value, item.value_num = text, number
            changed = True
    return changed


def _write(
    session: Session,
    row: Assessment | None,
    visit: Visit,
    form_code: str,
    header: dict[str, Any],
    parsed: Parsed,
) -> None:
    """Create or update the header, then its items; the header version moves with any change."""
    is_new = row is None
    if row is None:
        row = Assessment(subject_id=visit.subject_id, visit_id=visit.id, form_code=form_code)
        session.add(row)
    was_complete = row.state == "complete" and row.completed_at is not None
    if header["state"] != "complete":
        header["completed_at"] = None
    elif not was_complete:
        header["completed_at"] = utc_now()
    changed = False
    for name, value in header.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    session.flush()
    if _write_items(session, row, parsed) and not (is_new or changed):
        flag_modified(row, "state")
    session.flush()


def save_assessment(
    wb: Workbench,
    actor: Actor,
    *,
    visit_id: int,
    form_code: str,
    values: Mapping[str, Any],
    assessment_date: Any = None,
    state: str = "complete",
    not_done_reason: str | None = None,
    mode: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> AssessmentRead:
    """Validate and save a whole form (absent items are blank); an edit needs reason + version."""
    require(actor, "write_clinical")
    specs = _specs(wb, form_code)
    errors: fields.Errors = {}
    raw = dict(state=state, not_done_reason=not_done_reason, date=assessment_date, mode=mode)
    raw = screen(raw, raw, errors)
    header = _check_header(wb, form_code, raw, today or date.today(), errors)
    parsed = check_items(specs, values, header["state"], errors)
    if errors:
        raise ValidationFailed(errors)
    with audited(
        wb, actor, reason, lambda: as_current(load_assessment(wb, visit_id, form_code))
    ) as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(f"visit {visit_id} does not exist")
        _check_context(wb, session, visit, form_code, header)
        row = _find(session, visit_id, form_code)
        if row is not None and row.version_id != expected_version:
            raise stale("form", asdict(_read(session, wb, row)))
        _write(session, row, visit, form_code, header, parsed)
        return _read(session, wb, _find(session, visit_id, form_code))  # type: ignore[arg-type]
