"""The lab values taken during an adverse event, graded for its CTCAE term (check CTCAE_LAB).

A value is "during the event" when its collection date (else its visit's date) lies from the
earliest possible onset to the latest possible end of the event; an ongoing event runs to today.
Values that cannot be graded (no number, not done, a unit with no exact conversion, creatinine
without its upper limit) are left out here: the lab listings show them as entered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AdverseEvent, LabResult, Visit
from records.cells import earliest_day, latest_day
from records.lab_analytes import ANALYTES
from scoring.ctcae_labs import LabGrade, LabTerm, grade_of
from scoring.errors import ScoringInputError
from scoring.labs import convert, standard_unit


@dataclass(frozen=True, slots=True)
class EventLab:
    """One lab value of the event, as entered, with the day it was taken."""

    test_code: str
    value: str | None
    unit: str | None
    day: date


def event_lab_grades(
    session: Session, event: AdverseEvent, term: LabTerm, today: date | None = None
) -> list[tuple[LabGrade, EventLab]]:
    """Each gradable value of the term's analyte taken during the event, with its grade."""
    start = earliest_day(event.onset)
    end = latest_day(event.end) if event.end else (today or date.today())
    codes = [code for code, analyte in ANALYTES.items() if analyte == term.analyte]
    if start is None or end is None or not codes:
        return []
    rows = session.execute(
        select(LabResult, Visit.actual_date)
        .join(Visit, Visit.id == LabResult.visit_id)
        .where(
            LabResult.subject_id == event.subject_id,
            LabResult.test_code.in_(codes),  # type: ignore[attr-defined]
            LabResult.value_num.is_not(None),  # type: ignore[union-attr]
            LabResult.not_done.is_(False),  # type: ignore[attr-defined]
        )
    ).all()
    graded = []
    for lab, visit_date in rows:
        day = lab.collected_on or visit_date
        if day is None or not start <= day <= end:
            continue
        grade = _grade(term, lab)
        if grade is not None:
            graded.append((grade, EventLab(lab.test_code, lab.value, lab.unit, day)))
    return graded


def _grade(term: LabTerm, lab: LabResult) -> LabGrade | None:
    try:
        if term.direction == "increased":
            return grade_of(term, float(lab.value_num), None, lab.ref_high)  # type: ignore[arg-type]

        def si(number: float) -> float:
            return convert(term.analyte, number, lab.unit or "", standard_unit(term.analyte))

        lower = None if lab.ref_low is None else si(lab.ref_low)
        return grade_of(term, si(float(lab.value_num)), lower, None)  # type: ignore[arg-type]
    except ScoringInputError:
        return None
