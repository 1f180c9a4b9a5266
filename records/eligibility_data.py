"""Eligibility criteria the system can evaluate from data it holds (issue #10 defect 5).

A criterion with a `check` in the study definition (age at consent, eGFR from the screening
creatinine by CKD-EPI 2021, a screening lab value) is evaluated here; an answer "met" that the
data contradicts is reported with the value and its source, so the eligibility panel and the
dose form show it and dosing over it needs the audited override.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import LabResult, Subject, Visit
from records.context import Workbench
from records.derived import age_on, derive_labs
from study.schema import CriterionCheck


@dataclass(frozen=True, slots=True)
class Finding:
    """What the data say about one criterion: the value, whether it is within the limits, how."""

    code: str
    value: float
    met: bool
    text: str


def _screening_labs(session: Session, wb: Workbench, subject_id: int) -> dict[str, LabResult]:
    """The last result of each test collected at the subject's screening visit(s)."""
    codes = [v.code for v in wb.study.visits if v.kind == "screening"]
    query = (
        select(LabResult)
        .join(Visit, Visit.id == LabResult.visit_id)
        .where(LabResult.subject_id == subject_id, Visit.visit_code.in_(codes))
        .where(LabResult.value_num.is_not(None), LabResult.not_done.is_(False))  # type: ignore[union-attr, attr-defined]
        .order_by(LabResult.id)
    )
    return {row.test_code: row for row in session.scalars(query)}


def _value(
    check: CriterionCheck, subject: Subject, labs: dict[str, LabResult]
) -> tuple[float, str] | None:
    """The measure's value and where it came from, or None when the data are not there."""
    age = age_on(subject.birth_date, subject.birth_year, subject.consent_date)
    if check.measure == "age":
        return float(age), f"age {age} at consent ({subject.consent_date.isoformat()})"
    if check.measure == "egfr":
        creat = labs.get("CREAT")
        if creat is None or creat.value_num is None:
            return None
        derived = derive_labs(subject.sex, age, {"CREAT": (creat.value_num, creat.unit)})
        egfr = derived.values.get("EGFR")
        if not isinstance(egfr, float | int):
            return None
        source = f"screening creatinine {creat.value_num:g} {creat.unit or ''}".rstrip()
        return float(egfr), f"eGFR {egfr:.0f} (CKD-EPI 2021) from {source}"
    result = labs.get(check.measure)
    if result is None or result.value_num is None:
        return None
    shown = f"{check.measure} {result.value_num:g} {result.unit or ''}".rstrip()
    return result.value_num, f"{shown} at screening"


def _within(check: CriterionCheck, value: float) -> bool:
    low, high = check.minimum, check.maximum
    return (low is None or value >= low) and (high is None or value <= high)


def _limits(check: CriterionCheck) -> str:
    low, high = check.minimum, check.maximum
    if low is not None and high is not None:
        return f"{low:g}–{high:g}"
    return f"≥ {low:g}" if low is not None else f"≤ {high:g}"


def findings(session: Session, wb: Workbench, subject: Subject) -> dict[str, Finding]:
    """Each checkable criterion with data to check it, evaluated (inside an open session)."""
    labs = _screening_labs(session, wb, int(subject.id))  # type: ignore[arg-type]
    found = {}
    for criterion in wb.study.eligibility:
        if criterion.check is None:
            continue
        value = _value(criterion.check, subject, labs)
        if value is None:
            continue
        met = _within(criterion.check, value[0])
        verdict = "within" if met else "outside"
        text = f"{value[1]}: {verdict} {_limits(criterion.check)}"
        found[criterion.code] = Finding(criterion.code, value[0], met, text)
    return found
