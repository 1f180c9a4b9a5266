"""The single UC-MSC administration (SDTM EX): product, lot, cells, route, times, reactions.

Dosing sets day 1 (subject.dose_date, CDISC RFSTDTC) and re-flags every visit window. A subject is
dosed once, and only while eligible unless an override reason is given (spec/study.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, AdverseEvent, DoseAdministration, Subject, Visit
from models.db import read_session
from records import fields
from records.clinical_dates import a_datetime, local, site_zone
from records.context import Workbench
from records.eligibility import record_override, status_in
from records.errors import NotFound, ValidationFailed
from records.instruments import screen
from records.permissions import require
from records.sites import require_subject
from records.visits import refresh_windows
from records.vitals import latest_weight
from records.write_path import audited, last_change, stale

FIELDS: tuple[str, ...] = ("product", "lot", "cells_total", "route", "started_at", "stopped_at")
FIELDS += ("interrupted", "interruption_note", "reaction", "reaction_ae_id")
COLUMNS = ("id", "subject_id", "visit_id", "cells_per_kg", *FIELDS)
DOSABLE = ("screening", "enrolled")
FIELDS_OF_REASON = ("reason", "eligibility_override")
MAX_CELLS = 1e12
MAX_DURATION = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class DoseRead:
    """The administration as entered, with cells per kg from the weight at the dosing visit."""

    id: int
    subject_id: int
    visit_id: int
    product: str
    lot: str
    cells_total: float | None
    cells_per_kg: float | None
    route: str
    started_at: datetime
    stopped_at: datetime | None
    interrupted: bool
    interruption_note: str | None
    reaction: bool
    reaction_ae_id: int | None
    version: int
    last_changed_by: str | None
    last_changed_at: str | None
    started_local: datetime | None = None
    stopped_local: datetime | None = None


def dose_day(wb: Workbench, started_at: datetime) -> date:
    """Day 1: the site-local calendar date of the dose start."""
    return (local(started_at, site_zone(wb)) or started_at).date()


def _read(session: Session, wb: Workbench, row: DoseAdministration) -> DoseRead:
    who, when = last_change(session, row.subject_id, {"doseadministration": [int(row.id)]})  # type: ignore[arg-type]
    values: dict[str, Any] = {f: getattr(row, f) for f in COLUMNS}
    version = int(row.version_id or 0)
    zone = site_zone(wb)
    times = {
        "started_local": local(row.started_at, zone),
        "stopped_local": local(row.stopped_at, zone),
    }
    return DoseRead(**values, version=version, last_changed_by=who, last_changed_at=when, **times)


def _validate(wb: Workbench, values: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Typed EX fields: lot, cells > 0, route, start/stop (stop within 24 h), notes when flagged."""
    errors: fields.Errors = {}
    values = screen(values, FIELDS, errors)
    get = values.get
    routes = tuple(code for code, _ in wb.study.codelists.get("ROUTE", ()))
    zone = site_zone(wb)
    clean: dict[str, Any] = {
        "product": fields.text(
            errors, "product", get("product") or wb.study.product.name, max_length=50
        ),
        "lot": fields.text(errors, "lot", get("lot"), required=True, max_length=50),
        "cells_total": fields.number(
            errors, "cells_total", get("cells_total"), required=True, minimum=1, maximum=MAX_CELLS
        ),
        # Never the product's usual route by default: the route given is the one chosen (#14).
        "route": fields.choice(errors, "route", get("route"), routes, required=True),
        "started_at": a_datetime(errors, "started_at", get("started_at"), zone, required=True),
        "stopped_at": a_datetime(errors, "stopped_at", get("stopped_at"), zone),
        "interrupted": fields.flag(get("interrupted")),
        "interruption_note": fields.text(
            errors, "interruption_note", get("interruption_note"), max_length=500
        ),
        "reaction": fields.flag(get("reaction")),
        "reaction_ae_id": fields.integer(
            errors, "reaction_ae_id", get("reaction_ae_id"), minimum=1
        ),
    }
    start, stop = clean["started_at"], clean["stopped_at"]
    if start is not None and start > now:
        errors["started_at"] = "cannot be in the future"
    if start is not None and stop is not None and not start <= stop <= start + MAX_DURATION:
        errors["stopped_at"] = "must be after the start and within 24 hours of it"
    if clean["interrupted"] and not clean["interruption_note"]:
        errors["interruption_note"] = "say why and for how long the administration was interrupted"
    if clean["reaction_ae_id"] is not None and not clean["reaction"]:
        errors["reaction_ae_id"] = "link an adverse event only when a reaction is ticked"
    if errors:
        raise ValidationFailed(errors)
    return clean


def _check_context(
    session: Session,
    wb: Workbench,
    visit: Visit,
    subject: Subject,
    clean: Mapping[str, Any],
    new: bool,
) -> None:
    """Dosing visit, subject status, day 1 on the visit date, reaction AE of this subject."""
    dose_forms = {f.code for f in wb.study.forms if f.kind == "dose"}
    if not dose_forms & set(wb.study.visit(visit.visit_code).forms):
        raise ValidationFailed(
            {"visit_id": f"the study product is not given at {visit.visit_code}"}
        )
    if new and subject.status not in DOSABLE:
        raise ValidationFailed(
            {"started_at": f"a subject with status {subject.status} cannot be dosed"}
        )
    day = dose_day(wb, clean["started_at"])
    if day < subject.consent_date:
        raise ValidationFailed({"started_at": "cannot be before the consent date"})
    if visit.actual_date is not None and visit.actual_date != day and new:
        raise ValidationFailed(
            {"started_at": f"must be on the {visit.visit_code} visit date ({visit.actual_date})"}
        )
    ae_id = clean["reaction_ae_id"]
    if ae_id is not None:
        ae = session.get(AdverseEvent, ae_id)
        if ae is None or ae.subject_id != subject.id:
            raise ValidationFailed({"reaction_ae_id": "is not an adverse event of this subject"})


def _check_reaction_link(session: Session, ae_id: int | None, row: Any) -> None:
    """A new link to an adverse event entered in error is refused (one kept from before the
    event was marked does not block other corrections of the dose)."""
    if ae_id is None or (row is not None and row.reaction_ae_id == ae_id):
        return
    ae = session.get(AdverseEvent, ae_id)
    if ae is not None and ae.error_reason:
        raise ValidationFailed({"reaction_ae_id": "that adverse event is entered in error"})


def _check_eligible(
    session: Session, wb: Workbench, subject: Subject, override: str | None
) -> None:
    """Eligibility gate (study.md): refuse, or record the override reason on the ELIG form."""
    status = status_in(session, wb, subject)
    if status.eligible:
        return
    if not override:
        message = f"{status.summary}; give an override reason to dose anyway"
        raise ValidationFailed({"eligibility_override": message})
    record_override(session, wb, subject, override)


def record_dose(
    wb: Workbench,
    actor: Actor,
    *,
    visit_id: int,
    values: Mapping[str, Any],
    eligibility_override: str | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> DoseRead:
    """Record (or correct, with version + reason) the dose; sets day 1 and re-flags windows."""
    require(actor, "write_clinical")
    clean = _validate(wb, values, _aware(now or datetime.now(UTC), site_zone(wb)))
    override, why = _reasons(reason, eligibility_override)
    with audited(wb, actor, why, lambda: _current(wb, visit_id)) as session:
        visit = session.get(Visit, visit_id)
        subject = session.get(Subject, visit.subject_id) if visit else None
        if visit is None or subject is None:
            raise NotFound(f"visit {visit_id} does not exist")
        query = select(DoseAdministration).where(DoseAdministration.subject_id == subject.id)
        row = session.scalar(query)
        _check_context(session, wb, visit, subject, clean, row is None)
        _check_reaction_link(session, clean["reaction_ae_id"], row)
        weight = latest_weight(session, subject.id, visit.id)  # type: ignore[arg-type]
        clean["cells_per_kg"] = clean["cells_total"] / weight if weight else None
        if row is None:
            _check_eligible(session, wb, subject, override)
            row = DoseAdministration(subject_id=subject.id, visit_id=visit.id, **clean)
            session.add(row)
        else:
            _check_version(session, wb, row, expected_version)
            for name, value in clean.items():
                setattr(row, name, value)
        _set_day_one(session, wb, subject, visit, row)
        session.flush()
        return _read(session, wb, row)


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _reasons(reason: Any, override: Any) -> tuple[str | None, str | None]:
    """The override text, and the audit reason: the edit reason and/or the override."""
    errors: fields.Errors = {}
    raw = screen({"reason": reason, "eligibility_override": override}, FIELDS_OF_REASON, errors)
    why = fields.text(errors, "reason", raw.get("reason"), max_length=450)
    text = fields.text(
        errors, "eligibility_override", raw.get("eligibility_override"), max_length=500
    )
    if errors:
        raise ValidationFailed(errors)
    parts = (why, f"eligibility override: {text}" if text else None)
    return text, "; ".join(p for p in parts if p) or None


def _check_version(
    session: Session, wb: Workbench, row: DoseAdministration, expected: int | None
) -> None:
    """Dose only once: a second dose is refused; an edit must name the version it read."""
    if expected is None:
        given = f"{row.started_at:%Y-%m-%d %H:%M} UTC"
        message = f"the study product was already given ({given}); edit that record instead"
        raise ValidationFailed({"started_at": message})
    if row.version_id != expected:
        raise stale("dose record", asdict(_read(session, wb, row)))


def _set_day_one(
    session: Session, wb: Workbench, subject: Subject, visit: Visit, row: DoseAdministration
) -> None:
    """Day 1 = the dose date: subject dosed, dosing visit done that day, windows re-flagged."""
    day = dose_day(wb, row.started_at)
    if visit.actual_date != day:  # new: V1 had no date; edit: day 1 moved with the dose
        visit.actual_date, visit.status = day, "done"
    if subject.dose_date != day:
        subject.dose_date = day
    if subject.status in DOSABLE:
        subject.status, subject.status_date = "dosed", day
    session.flush()
    refresh_windows(session, wb, subject)


def _current(wb: Workbench, visit_id: int) -> dict[str, Any]:
    with read_session(wb.engine) as session:
        visit = session.get(Visit, visit_id)
        subject_id = visit.subject_id if visit else -1
    saved = load_dose(wb, subject_id)
    return {} if saved is None else asdict(saved)


def load_dose(wb: Workbench, subject_id: int) -> DoseRead | None:
    """The subject's dose record, or None when not dosed."""
    require_subject(wb, subject_id)
    with read_session(wb.engine) as session:
        row = session.scalar(
            select(DoseAdministration).where(DoseAdministration.subject_id == subject_id)
        )
        return None if row is None else _read(session, wb, row)
