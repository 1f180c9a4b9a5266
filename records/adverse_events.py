"""Adverse events (SDTM AE, spec/records.md §4.2): entry, seriousness, TEAE and the SAE clock.

Seriousness follows the six ICH E2A criteria (spec/scoring.md §9.4) and treatment-emergence is
derived from onset vs the start of the dose (§9.5): neither is ever typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Actor, AdverseEvent, DoseAdministration, Subject
from models.db import read_session
from records import fields
from records.clinical_dates import ends_before, local, partial_date, site_zone
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.instruments import screen
from records.permissions import require
from records.sites import require_subject
from records.subject_rows import edit_row, stored_values
from records.write_path import audited, last_change
from scoring import ae_terms, safety
from scoring.dates import date_of_study_day

SAE_FLAGS = (
    "sae_death", "sae_life_threatening", "sae_hospitalisation", "sae_disability",
    "sae_congenital_anomaly", "sae_medically_important",
)  # fmt: skip
TEXTS = {"term": 200, "pt_code": 10, "pt": 200, "soc_code": 10, "soc": 200, "treatment_note": 500}
CODED = {"severity": "AESEV", "relationship": "AEREL", "action_taken": "AEACN", "outcome": "AEOUT"}
FIELDS = (*TEXTS, *CODED, *SAE_FLAGS, "onset", "end", "ongoing", "ctcae_grade")
FIELDS += ("awareness_date", "treatment_given")
RESOLVED = ("RECOVERED/RESOLVED", "RECOVERED/RESOLVED WITH SEQUELAE", "FATAL")
UNRESOLVED = ("NOT RECOVERED/NOT RESOLVED", "RECOVERING/RESOLVING")
FOLLOW_UP_DAYS = 168


@dataclass(frozen=True, slots=True)
class AdverseEventRead:
    """An AE as entered plus what is derived: SAE criteria, TEAE, SAE report deadline."""

    id: int
    subject_id: int
    sequence: int
    values: dict[str, Any]
    serious: bool
    seriousness_criteria: tuple[str, ...]
    teae: bool
    teae_certain: bool
    teae_reasons: tuple[str, ...]
    sae_report_due: datetime | None
    warnings: tuple[str, ...]
    version: int
    last_changed_by: str | None
    last_changed_at: str | None
    error_reason: str | None = None
    """Set when the event is marked entered in error (`records.entered_in_error`)."""


def _teae(session: Session, wb: Workbench, row: AdverseEvent) -> safety.TeaeResult:
    """TEAE through day 168 from the day-1 dose start (spec/scoring.md §9.5)."""
    dose = session.scalar(
        select(DoseAdministration).where(DoseAdministration.subject_id == row.subject_id)
    )
    if dose is None:
        return safety.treatment_emergent(row.onset, None)
    start = local(dose.started_at, site_zone(wb))
    assert start is not None
    end = date_of_study_day(FOLLOW_UP_DAYS, start.date())
    return safety.treatment_emergent(row.onset, start, period_end=end)


def _warnings(row: AdverseEvent) -> tuple[str, ...]:
    """Soft checks: CTCAE grade vs death criterion and outcome (spec/scoring.md §9.1, §9.3)."""
    outcome = row.outcome if row.outcome in ae_terms.AEOUT else None
    found = list(
        ae_terms.grade_warnings(row.ctcae_grade, death=row.sae_death, outcome=outcome)
        if row.ctcae_grade
        else ()
    )
    if row.sae_death and row.outcome != "FATAL":
        found.append("death criterion ticked but the outcome is not FATAL")
    return tuple(dict.fromkeys(found))


def _read(session: Session, wb: Workbench, row: AdverseEvent) -> AdverseEventRead:
    who, when = last_change(session, row.subject_id, {"adverseevent": [int(row.id)]})  # type: ignore[arg-type]
    seriousness = safety.seriousness(**_criteria({f: getattr(row, f) for f in SAE_FLAGS}))
    teae = _teae(session, wb, row)
    due = None
    if seriousness.serious and row.awareness_date is not None:
        due = safety.sae_report_due(datetime.combine(row.awareness_date, time.min))
    return AdverseEventRead(
        id=int(row.id),  # type: ignore[arg-type]
        subject_id=row.subject_id,
        sequence=row.sequence,
        values={f: getattr(row, f) for f in FIELDS},
        serious=seriousness.serious,
        seriousness_criteria=seriousness.criteria,
        teae=teae.emergent,
        teae_certain=teae.certain,
        teae_reasons=teae.reasons,
        sae_report_due=due,
        warnings=_warnings(row),
        version=int(row.version_id or 0),
        last_changed_by=who,
        last_changed_at=when,
        error_reason=row.error_reason,
    )


def _criteria(flags: Mapping[str, Any]) -> dict[str, bool]:
    """The six ICH E2A criteria in the keyword names of `scoring.safety.seriousness` (§9.4)."""
    names: tuple[str, ...] = ("death", "life_threatening", "hospitalisation", "disability")
    names += ("congenital_anomaly", "important_medical_event")
    return {name: bool(flags[flag]) for name, flag in zip(names, SAE_FLAGS, strict=True)}


def _codes(wb: Workbench, codelist: str) -> tuple[str, ...]:
    return tuple(code for code, _ in wb.study.codelists.get(codelist, ()))


def _check_dates(
    values: Mapping[str, Any], consent: date, today: date, errors: fields.Errors
) -> dict[str, Any]:
    """Onset (partial, hh:mm allowed) after consent; end ≥ onset; awareness on/after onset."""
    onset = partial_date(
        errors, "onset", values.get("onset"), required=True, with_time=True, not_after=today
    )
    end = partial_date(errors, "end", values.get("end"), with_time=True, not_after=today)
    aware = fields.a_date(errors, "awareness_date", values.get("awareness_date"), not_after=today)
    if onset is not None and onset.certainly_before(consent):
        errors["onset"] = "is before consent: record it as medical history"
    if ends_before(onset, end):
        errors["end"] = "cannot be before the onset"
    if (
        aware is not None
        and onset is not None
        and onset.certainly_on_or_after(aware + timedelta(days=1))
    ):
        errors["awareness_date"] = "cannot be before the onset"
    if end is not None and fields.flag(values.get("ongoing")):
        errors["ongoing"] = "an event with an end date is not ongoing"
    return {"onset": onset and onset.iso, "end": end and end.iso, "awareness_date": aware}


def _check_codes(wb: Workbench, clean: dict[str, Any], errors: fields.Errors) -> None:
    """Grade matches severity (§9.1); outcome agrees with the end date; SAE needs awareness."""
    grade, severity = clean["ctcae_grade"], clean["severity"]
    if grade is not None and severity and ae_terms.severity_for_grade(grade) != severity:
        errors.setdefault(
            "ctcae_grade", f"grade {grade} is {ae_terms.severity_for_grade(grade)}, not {severity}"
        )
    if clean["outcome"] in RESOLVED and clean["end"] is None:
        errors.setdefault("end", f"is required when the outcome is {clean['outcome']}")
    if clean["outcome"] in UNRESOLVED and clean["end"] is not None:
        errors.setdefault("outcome", "an event with an end date has resolved")
    if safety.seriousness(**_criteria(clean)).serious and clean["awareness_date"] is None:
        errors.setdefault("awareness_date", "is required for a serious event (24-hour clock)")
    if clean["treatment_given"] and not clean["treatment_note"]:
        errors.setdefault("treatment_note", "say what treatment was given")


def validate(
    wb: Workbench, values: Mapping[str, Any], consent: date, today: date
) -> dict[str, Any]:
    """Typed AE fields or ValidationFailed naming each bad field (spec/records.md §4.2)."""
    errors: fields.Errors = {}
    values = screen(values, FIELDS, errors)
    clean: dict[str, Any] = {
        name: fields.text(errors, name, values.get(name), required=name == "term", max_length=size)
        for name, size in TEXTS.items()
    }
    for name, codelist in CODED.items():
        clean[name] = fields.choice(
            errors, name, values.get(name), _codes(wb, codelist), required=True
        )
    clean["ctcae_grade"] = fields.integer(
        errors, "ctcae_grade", values.get("ctcae_grade"), minimum=1, maximum=5
    )
    clean.update({f: fields.flag(values.get(f)) for f in (*SAE_FLAGS, "treatment_given")})
    clean.update(_check_dates(values, consent, today, errors))
    clean["ongoing"] = clean["end"] is None
    _check_codes(wb, clean, errors)
    if errors:
        raise ValidationFailed(errors)
    clean["serious"] = safety.seriousness(**_criteria(clean)).serious
    return clean


def save_adverse_event(
    wb: Workbench,
    actor: Actor,
    *,
    subject_id: int,
    values: Mapping[str, Any],
    ae_id: int | None = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> AdverseEventRead:
    """Add an AE (next sequence number) or edit one (`ae_id` + version; changes need a reason)."""
    require(actor, "write_clinical")
    with audited(
        wb,
        actor,
        reason,
        lambda: stored_values(wb, AdverseEvent, ae_id, lambda s, r: _read(s, wb, r)),
    ) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        clean = validate(wb, values, subject.consent_date, today or date.today())
        if ae_id is None:
            last = session.scalar(
                select(func.max(AdverseEvent.sequence)).where(AdverseEvent.subject_id == subject_id)
            )
            row = AdverseEvent(subject_id=subject_id, sequence=(last or 0) + 1, **clean)
            session.add(row)
        else:
            row = edit_row(
                session, AdverseEvent, ae_id, subject_id, expected_version,
                "adverse event", lambda s, r: _read(s, wb, r), clean,
            )  # fmt: skip
        session.flush()
        return _read(session, wb, row)


def list_adverse_events(wb: Workbench, subject_id: int | None = None) -> list[AdverseEventRead]:
    """AEs of one subject (or all), by subject and sequence, with their derived flags."""
    require_subject(wb, subject_id)
    with read_session(wb.engine) as session:
        events = adverse_events_in(session, wb, subject_id)
        if wb.site_ids is None or subject_id is not None:
            return events
        seen = set(session.scalars(select(Subject.id).where(wb.subject_filter(Subject.site_id))))
        return [e for e in events if e.subject_id in seen]


def adverse_events_in(
    session: Session,
    wb: Workbench,
    subject_id: int | None = None,
    subject_ids: tuple[int, ...] | None = None,
) -> list[AdverseEventRead]:
    """`list_adverse_events` inside an open session (one snapshot with other reads), of one
    subject, of some (`subject_ids`: the outcomes of edited subjects), or of all."""
    query = select(AdverseEvent).order_by(
        AdverseEvent.subject_id, AdverseEvent.sequence, AdverseEvent.id
    )
    if subject_id is not None:
        query = query.where(AdverseEvent.subject_id == subject_id)
    if subject_ids is not None:
        query = query.where(AdverseEvent.subject_id.in_(subject_ids))  # type: ignore[attr-defined]
    return [_read(session, wb, row) for row in session.scalars(query)]
