"""Records-layer fixtures: a screened subject, an eligible one, a dosed one, and row counters.

`wb` (a migrated temporary SQLite file with the default study) and `actor` come from
tests/conftest.py and are shared by every layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from models import (
    Actor,
    AdverseEvent,
    Assessment,
    AssessmentItem,
    AuditEvent,
    DoseAdministration,
    LabResult,
    MedicalHistory,
    Medication,
    Subject,
    Visit,
    VitalSign,
)
from records.context import Workbench
from records.dosing import record_dose
from records.eligibility import save_eligibility
from records.subjects import screen_subject
from records.visits import record_visit_date
from records.vitals import save_vitals

TODAY = date(2025, 6, 2)
CONSENT = date(2025, 2, 3)
SCREENING = date(2025, 2, 4)
DOSE_DAY = date(2025, 2, 20)
NOW = datetime(2025, 6, 2, 18, 0)
TABLES = (
    Subject,
    Visit,
    Assessment,
    AssessmentItem,
    LabResult,
    VitalSign,
    DoseAdministration,
    Medication,
    MedicalHistory,
    AdverseEvent,
    AuditEvent,
)


@dataclass(frozen=True)
class Screened:
    """A screened subject and its visit ids by visit code."""

    id: int
    visits: dict[str, int]


def counts(wb: Workbench) -> dict[str, int]:
    """Rows per table, audit trail included: equal before and after a refused save."""
    with wb.engine.connect() as conn:
        return {
            model.__tablename__: int(conn.execute(select(func.count()).select_from(model)).scalar())  # type: ignore[attr-defined]
            for model in TABLES
        }


def all_met(wb: Workbench) -> dict[str, str]:
    """Eligibility answers that make the subject eligible."""
    return {c.code: "N" if c.kind == "exclusion" else "Y" for c in wb.study.eligibility}


def screen(wb: Workbench, actor: Actor, number: str = "001-001", **values: Any) -> Screened:
    """Screen a subject (consent 2025-02-03) and record the screening visit date."""
    base = {"screening_number": number, "sex": "F", "birth_date": "1980-05-17"}
    subject = screen_subject(wb, actor, {**base, "consent_date": CONSENT, **values}, today=TODAY)
    with wb.engine.connect() as conn:
        rows = conn.execute(
            select(Visit.visit_code, Visit.id).where(Visit.subject_id == subject.id)
        ).all()
    visits = {code: int(visit_id) for code, visit_id in rows}
    record_visit_date(wb, actor, visits["SCR"], SCREENING, today=TODAY)
    return Screened(subject.id, visits)


def dose_values(**extra: Any) -> dict[str, Any]:
    """A valid administration on 2025-02-20 09:00 (site time)."""
    return {
        "lot": "UCMSC-2401",
        "cells_total": 1.0e8,
        "route": "SUBCUTANEOUS",
        "started_at": "2025-02-20 09:00",
        "stopped_at": "2025-02-20 09:25",
        **extra,
    }


@pytest.fixture
def subject(wb: Workbench, actor: Actor) -> Screened:
    return screen(wb, actor)


@pytest.fixture
def eligible(wb: Workbench, actor: Actor, subject: Screened) -> Screened:
    save_eligibility(wb, actor, visit_id=subject.visits["SCR"], values=all_met(wb), today=TODAY)
    return subject


@pytest.fixture
def dosed(wb: Workbench, actor: Actor, eligible: Screened) -> Screened:
    v1 = eligible.visits["V1"]
    save_vitals(wb, actor, visit_id=v1, values={"WEIGHT": 64}, timepoint="PRE", today=TODAY)
    record_dose(wb, actor, visit_id=v1, values=dose_values(), now=NOW)
    return eligible
