"""Eligibility: met / not met per criterion with evidence, stored as the items of form ELIG.

spec/study.md "Eligibility": the subject cannot be dosed while any inclusion criterion is not met
or any exclusion criterion is met; overriding that is an audited action with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, Assessment, AssessmentItem, Subject, Visit
from models.db import read_session
from records.assessments import AssessmentRead, save_assessment
from records.context import Workbench
from records.derived import age_on
from records.eligibility_data import findings
from records.errors import NotFound
from records.instruments import MET, NOT_MET, NOTE_SUFFIX, OVERRIDE_ITEM

Status = Literal["eligible", "not_eligible", "incomplete", "not_assessed"]


@dataclass(frozen=True, slots=True)
class FailedCriterion:
    """A criterion that keeps the subject from dosing, with the answer and evidence given."""

    code: str
    kind: str
    text: str
    answer: str | None
    note: str | None
    contradicted_by: str | None = None
    """The data the system holds that contradict the answer given (issue #10), if any."""


@dataclass(frozen=True, slots=True)
class EligibilityStatus:
    """Whether the subject may be dosed, which criteria fail, and any recorded override."""

    subject_id: int
    status: Status
    failing: tuple[FailedCriterion, ...]
    unanswered: tuple[str, ...]
    override: str | None
    warnings: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        """True only when every criterion is answered and none fails."""
        return self.status == "eligible"

    @property
    def summary(self) -> str:
        """One line for messages: the status and the failing or missing criteria."""
        parts = [_failed_text(c) for c in self.failing]
        parts += [f"{code} not answered" for code in self.unanswered]
        return self.status.replace("_", " ") + (f": {'; '.join(parts)}" if parts else "")


def _failed_text(c: FailedCriterion) -> str:
    if c.contradicted_by:
        answered = "met" if c.answer == MET else "not met"
        return f"{c.code} answered {answered} but the data say otherwise ({c.contradicted_by})"
    return f"{c.code} {'not met' if c.kind == 'inclusion' else 'met'}"


def form_code(wb: Workbench) -> str:
    """The code of the study's eligibility form (ELIG in the default study)."""
    return next(f.code for f in wb.study.forms if f.kind == "eligibility")


def _stored(session: Session, wb: Workbench, subject_id: int) -> dict[str, str] | None:
    header = session.scalar(
        select(Assessment.id).where(
            Assessment.subject_id == subject_id, Assessment.form_code == form_code(wb)
        )
    )
    if header is None:
        return None
    items = session.execute(
        select(AssessmentItem.item_code, AssessmentItem.value).where(
            AssessmentItem.assessment_id == header
        )
    )
    return {code: value for code, value in items if value is not None}


def status_in(session: Session, wb: Workbench, subject: Subject) -> EligibilityStatus:
    """The eligibility status read inside an open session (used by dosing in its transaction)."""
    values = _stored(session, wb, int(subject.id))  # type: ignore[arg-type]
    warnings = _age_warning(wb, subject)
    if values is None:
        return EligibilityStatus(int(subject.id), "not_assessed", (), (), None, warnings)  # type: ignore[arg-type]
    failing, unanswered = [], []
    data = findings(session, wb, subject)
    for c in wb.study.eligibility:
        answer = values.get(c.code)
        if answer is None:
            unanswered.append(c.code)
        elif answer == (NOT_MET if c.kind == "inclusion" else MET):
            note = values.get(f"{c.code}{NOTE_SUFFIX}")
            failing.append(FailedCriterion(c.code, c.kind, c.text, answer, note))
        elif c.code in data and data[c.code].met != (c.kind == "inclusion"):
            found = data[c.code]
            failing.append(FailedCriterion(c.code, c.kind, c.text, answer, None, found.text))
    status: Status = "not_eligible" if failing else "incomplete" if unanswered else "eligible"
    return EligibilityStatus(
        int(subject.id),  # type: ignore[arg-type]
        status,
        tuple(failing),
        tuple(unanswered),
        values.get(OVERRIDE_ITEM),
        warnings,
    )


def _age_warning(wb: Workbench, subject: Subject) -> tuple[str, ...]:
    """Soft check of the age limits of the study against the birth date at consent."""
    age = age_on(subject.birth_date, subject.birth_year, subject.consent_date)
    low, high = wb.study.study.age_min, wb.study.study.age_max
    if low <= age <= high:
        return ()
    return (f"age at consent {age} is outside the study's {low}–{high} years",)


def eligibility_status(wb: Workbench, subject_id: int) -> EligibilityStatus:
    """Eligible / not eligible with the failing criteria (or not yet assessed / incomplete)."""
    with read_session(wb.engine) as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound(f"subject {subject_id} does not exist")
        return status_in(session, wb, subject)


def save_eligibility(
    wb: Workbench,
    actor: Actor,
    *,
    visit_id: int,
    values: Mapping[str, Any],
    assessment_date: Any = None,
    state: str = "complete",
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> AssessmentRead:
    """Save the criteria answers (Y met / N not met, code_NOTE evidence) at the screening visit."""
    return save_assessment(
        wb,
        actor,
        visit_id=visit_id,
        form_code=form_code(wb),
        values=values,
        assessment_date=assessment_date,
        state=state,
        reason=reason,
        expected_version=expected_version,
        today=today,
    )


def record_override(session: Session, wb: Workbench, subject: Subject, reason: str) -> None:
    """Store the override reason as item OVERRIDE of the subject's eligibility form."""
    code = form_code(wb)
    header = session.scalar(
        select(Assessment).where(Assessment.subject_id == subject.id, Assessment.form_code == code)
    )
    if header is None:
        visit = session.scalar(
            select(Visit).where(Visit.subject_id == subject.id, Visit.visit_code == _visit_of(wb))
        )
        if visit is None:
            raise NotFound("the subject has no visit that collects the eligibility form")
        header = Assessment(
            subject_id=subject.id, visit_id=visit.id, form_code=code, state="in_progress"
        )
        session.add(header)
        session.flush()
    item = session.scalar(
        select(AssessmentItem).where(
            AssessmentItem.assessment_id == header.id, AssessmentItem.item_code == OVERRIDE_ITEM
        )
    )
    if item is None:
        session.add(AssessmentItem(assessment_id=header.id, item_code=OVERRIDE_ITEM, value=reason))
    else:
        item.value = reason


def _visit_of(wb: Workbench) -> str:
    code = form_code(wb)
    return next(v.code for v in wb.study.visits if code in v.forms)
