"""Instrument assessments: one header row per form filled, one row per item value.

Item codes come from the instrument catalogues in `scoring/` and the study definition, so the
storage shape maps straight onto SDTM QS/RS (one row per test code).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, UniqueConstraint

from models.base import ClinicalRecord, version_column

FORM_STATES: tuple[str, ...] = ("in_progress", "complete", "not_done")

_ASSESSMENT_VERSION = version_column()
_ITEM_VERSION = version_column()


class Assessment(ClinicalRecord, table=True):
    """One form filled for one subject at one visit (SLEDAI-2K, BILAG-2004, PGA, PE, ECG, …)."""

    __table_args__ = (UniqueConstraint("visit_id", "form_code"),)
    __audit_derived__ = frozenset({"state", "completed_at"})

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int = Field(foreign_key="visit.id", index=True)
    form_code: str = Field(max_length=20)
    assessment_date: date | None = None
    state: str = Field(default="complete", max_length=12)
    not_done_reason: str | None = Field(default=None, max_length=500)
    variant: str | None = Field(default=None, max_length=20)
    window_days: int | None = None
    mode: str | None = Field(default=None, max_length=12)
    completed_at: datetime | None = None
    version_id: int | None = Field(default=None, sa_column=_ASSESSMENT_VERSION)

    __mapper_args__ = {"version_id_col": _ASSESSMENT_VERSION}


class AssessmentItem(ClinicalRecord, table=True):
    """One item value of an assessment, stored as entered text plus its number when numeric."""

    __table_args__ = (UniqueConstraint("assessment_id", "item_code"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    item_code: str = Field(max_length=40)
    value: str | None = Field(default=None, max_length=2000)
    value_num: float | None = None
    due_to_sle: bool | None = None
    version_id: int | None = Field(default=None, sa_column=_ITEM_VERSION)

    __mapper_args__ = {"version_id_col": _ITEM_VERSION}
