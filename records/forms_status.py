"""Completion state of every form of a subject, per visit, read from what was stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import Assessment, DoseAdministration, LabResult, MedicalHistory, Visit, VitalSign
from records.completeness import incomplete_forms
from records.history import LOG_FORMS
from study.schema import StudyDefinition

FormKey = tuple[int, str]


def form_states(session: Any, study: StudyDefinition, subject_id: int) -> dict[FormKey, str]:
    """Map (visit_id, form_code) to in_progress / complete / incomplete / not_done.

    "incomplete" is a form stored as complete that lacks an item the study definition requires
    (`records.completeness`): it does not count as done anywhere the states are read.
    """
    states: dict[FormKey, str] = {}
    for visit_id, form_code, state in session.execute(
        select(Assessment.visit_id, Assessment.form_code, Assessment.state).where(
            Assessment.subject_id == subject_id
        )
    ):
        states[(visit_id, form_code)] = state
    for key in incomplete_forms(session, study, subject_id):
        states[key] = "incomplete"
    panel_forms = {f.panel: f.code for f in study.forms if f.kind == "labs"}
    for visit_id, panel in session.execute(
        select(LabResult.visit_id, LabResult.panel)
        .where(LabResult.subject_id == subject_id)
        .distinct()
    ):
        if panel in panel_forms:
            states.setdefault((visit_id, panel_forms[panel]), "complete")
    vital_forms = [f.code for f in study.forms if f.kind == "vitals"]
    for (visit_id,) in session.execute(
        select(VitalSign.visit_id).where(VitalSign.subject_id == subject_id).distinct()
    ):
        for code in vital_forms:
            states.setdefault((visit_id, code), "complete")
    dose_forms = [f.code for f in study.forms if f.kind == "dose"]
    for (visit_id,) in session.execute(
        select(DoseAdministration.visit_id).where(DoseAdministration.subject_id == subject_id)
    ):
        for code in dose_forms:
            states.setdefault((visit_id, code), "complete")
    _log_forms(session, study, subject_id, states)
    return states


def _log_forms(
    session: Any, study: StudyDefinition, subject_id: int, states: dict[FormKey, str]
) -> None:
    """A log form (medical / SLE history) is complete at its visit once it has a row."""
    categories = set(
        session.scalars(
            select(MedicalHistory.category).where(
                MedicalHistory.subject_id == subject_id,
                MedicalHistory.error_reason.is_(None),  # type: ignore[union-attr]
            )
        )
    )
    visits = session.execute(
        select(Visit.id, Visit.visit_code).where(Visit.subject_id == subject_id)
    )
    for visit_id, visit_code in visits:
        forms = study.visit(visit_code).forms
        for code, category in LOG_FORMS.items():
            if code in forms and category in categories:
                states.setdefault((visit_id, code), "complete")
