"""A deterministic, clinically plausible demo study, written only through the records use cases.

Every row passes the same validation and audit as real entry (actors with origin "cli"). Profiles
repeat every ten subjects: SRI-4 responders, non-responders (one flaring, with an IV
methylprednisolone pulse; one with an SAE), a screen failure and an early termination; the latest
fifth of subjects are still in follow-up on `today`. Same seed → same data, except timestamps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from demo import events
from demo import values as generated
from demo.events import COORDINATOR, INVESTIGATOR
from demo.plan import Plan
from demo.review import build_review_demo
from demo.values import VITALS
from models import AdverseEvent, Assessment, LabResult, Medication, Subject, Visit, VitalSign
from records.assessments import save_assessment
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.labs import save_lab_panel
from records.subjects import screen_subject, set_status
from records.visits import add_visit, calendar, record_visit_date
from records.vitals import save_vitals
from study.schema import FormDef

OFF_WINDOW = {(4, "V7"): 11, (6, "V3"): 3}
"""(index mod 10, visit) → days added to the target date: visits outside their window."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo wrote, counted from the database afterwards."""

    screened: int
    screen_failures: int
    dosed: int
    completed: int
    early_terminations: int
    in_follow_up: int
    visits_done: int
    assessments: int
    lab_results: int
    vital_signs: int
    adverse_events: int
    serious_adverse_events: int
    medications: int
    edits: int


def build_demo(
    wb: Workbench, *, subjects: int = 10, seed: int = 1, today: date | None = None
) -> DemoSummary:
    """Write `subjects` screened subjects (one in ten a screen failure) as a site would."""
    today = today or date.today()
    rng = random.Random(seed)
    following = max(1, subjects // 5)
    regular = max(1, subjects - following)
    edits = 0
    for index in range(subjects):
        days = 430 - index * 180 // regular
        if index >= regular:
            days = 130 - (index - regular) * 40 // following
        plan = Plan(wb, today, index, random.Random(rng.random()), today - timedelta(days=days))
        _subject(plan)
        edits += plan.edits
    build_review_demo(wb, today)  # queries, SDV, a frozen visit (#12)
    return _summary(wb, edits)


def _subject(plan: Plan) -> None:
    """Screening, then dosing and follow-up visits up to `today`, or a stop (ET / failure)."""
    rng, wb = plan.rng, plan.wb
    birth = plan.consent - timedelta(days=rng.randint(22 * 365, 64 * 365))
    plan.sex = "M" if plan.index % 10 == 6 else "F"
    plan.base = {"pga": round(1.5 + rng.random() * 0.6, 2), "weight": rng.randint(55, 90)}
    plan.base.update(height=rng.randint(155, 182), dsdna=rng.randint(90, 220))
    values: dict[str, Any] = {
        "screening_number": f"{wb.study.site.code}-{plan.index + 1:03d}",
        "sex": plan.sex,
    }
    values.update(birth_date=birth, consent_date=plan.consent)
    plan.subject_id = screen_subject(wb, COORDINATOR, values, today=plan.today).id
    plan.visits = {r.visit_code: r.visit_id for r in calendar(wb, plan.subject_id, plan.today)}
    screening = plan.consent + timedelta(days=rng.randint(0, 2))
    _visit(plan, "SCR", screening)
    if plan.profile == "F":
        reason = "screen failure: inclusion IN04 not met (eGFR below 30)"
        set_status(wb, COORDINATOR, plan.subject_id, "screen_failure", screening, reason)
        return
    plan.dose = screening + timedelta(days=rng.randint(15, 21))
    _visit(plan, "V1", plan.dose)
    events.medications(plan)
    _follow_up(plan)
    events.adverse_events(plan)


def _follow_up(plan: Plan) -> None:
    """Scheduled visits on (or off) window; the ET subject stops after day 56."""
    assert plan.dose is not None
    for vdef in plan.wb.study.visits:
        if vdef.kind != "scheduled" or vdef.code == "V1" or vdef.target_day is None:
            continue
        shift = OFF_WINDOW.get((plan.index % 10, vdef.code), plan.rng.randint(-1, 1) * vdef.window)
        when = plan.dose + timedelta(days=vdef.target_day - 1 + shift)
        if when > plan.today:
            return
        _visit(plan, vdef.code, when)
        if plan.profile == "E" and vdef.target_day >= 56:
            when += timedelta(days=21)
            if when <= plan.today:
                _visit(plan, "ET", when)
                reason = "withdrawal by subject: moving away from the study site"
                set_status(plan.wb, COORDINATOR, plan.subject_id, "early_termination", when, reason)
            return
    last = plan.dose + timedelta(days=167)
    set_status(plan.wb, COORDINATOR, plan.subject_id, "completed", last, "completed day 168")


def _visit(plan: Plan, code: str, when: date) -> None:
    """Record the visit date, then every form the study expects there (PGA first, spec §5)."""
    wb = plan.wb
    visit_id = plan.visits.get(code) or add_visit(wb, COORDINATOR, plan.subject_id, code)
    plan.visits[code] = visit_id
    record_visit_date(wb, COORDINATOR, visit_id, when, today=plan.today)
    for form_code in sorted(wb.study.visit(code).forms, key=lambda c: c != "PGA"):
        _form(plan, visit_id, wb.study.form(form_code), when)


def _form(plan: Plan, visit_id: int, form: FormDef, when: date) -> None:
    """Enter one form of a visit through its records use case."""
    day, wb, today = plan.day(when), plan.wb, plan.today
    if form.kind == "labs" and form.panel and not (form.panel == "PREG" and plan.sex == "M"):
        values = generated.labs(plan, form.panel, day)
        save_lab_panel(
            wb, COORDINATOR, visit_id=visit_id, panel=form.panel, values=values, today=today
        )
        events.lab_correction(plan, visit_id, form.panel, values, day)
    elif form.kind == "vitals":
        _vitals(plan, visit_id, day)
    elif form.kind in ("items", "instrument"):
        values, mode = generated.form_values(plan, form, day)
        keys: dict[str, Any] = {"visit_id": visit_id, "form_code": form.code, "mode": mode}
        save_assessment(wb, INVESTIGATOR, values=values, today=today, **keys)
        events.sledai_correction(plan, visit_id, form, values)
    elif form.kind == "eligibility":
        values = {c.code: "N" if c.kind == "exclusion" else "Y" for c in wb.study.eligibility}
        if plan.profile == "F":
            values.update(IN04="N", IN04_NOTE="eGFR 24 mL/min/1.73 m² at screening")
        save_eligibility(wb, INVESTIGATOR, visit_id=visit_id, values=values, today=today)
    elif form.kind == "dose":
        _dose(plan, visit_id, when)
    elif form.kind == "log":
        events.history(plan, form.code)


def _dose(plan: Plan, visit_id: int, when: date) -> None:
    """UC-MSC given at 09:30 site time over 25 minutes; lots change every four subjects."""
    start = datetime.combine(when, time(9, 30))
    values = {"lot": f"UCMSC-{2401 + plan.index // 4}", "cells_total": 1e8}
    values["route"] = plan.wb.study.product.route
    values.update(started_at=start, stopped_at=start + timedelta(minutes=25))
    now = datetime.combine(plan.today, time(23, 59))
    record_dose(plan.wb, COORDINATOR, visit_id=visit_id, values=values, now=now)


def _vitals(plan: Plan, visit_id: int, day: int) -> None:
    visit_code = next(c for c, v in plan.visits.items() if v == visit_id)
    for point in plan.wb.study.vital_timepoints.get(visit_code) or ("",):
        values: dict[str, Any] = {k: v + plan.rng.randint(-4, 4) for k, v in VITALS.items()}
        values.update(TEMP=round(36.4 + plan.rng.random() * 0.7, 1), WEIGHT=plan.base["weight"])
        if visit_code == "SCR":
            values["HEIGHT"] = plan.base["height"]
        save_vitals(
            plan.wb,
            COORDINATOR,
            visit_id=visit_id,
            values=values,
            timepoint=point,
            today=plan.today,
        )


def _summary(wb: Workbench, edits: int) -> DemoSummary:
    """Counts read back from the database, so the summary reflects what was stored."""
    with wb.engine.connect() as conn:

        def count(model: Any, *where: Any) -> int:
            return int(
                conn.execute(select(func.count()).select_from(model).where(*where)).scalar() or 0
            )

        status: dict[str, int] = dict(
            conn.execute(select(Subject.status, func.count()).group_by(Subject.status)).all()
        )
        return DemoSummary(
            screened=count(Subject),
            screen_failures=status.get("screen_failure", 0),
            dosed=count(Subject, Subject.dose_date.is_not(None)),  # type: ignore[union-attr]
            completed=status.get("completed", 0),
            early_terminations=status.get("early_termination", 0),
            in_follow_up=status.get("dosed", 0),
            visits_done=count(Visit, Visit.actual_date.is_not(None)),  # type: ignore[union-attr]
            assessments=count(Assessment),
            lab_results=count(LabResult),
            vital_signs=count(VitalSign),
            adverse_events=count(AdverseEvent),
            serious_adverse_events=count(AdverseEvent, AdverseEvent.serious),  # type: ignore[arg-type]
            medications=count(Medication),
            edits=edits,
        )
