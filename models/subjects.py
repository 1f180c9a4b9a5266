"""Subjects and their visits: the spine every other clinical record hangs from."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, UniqueConstraint

from models.base import ClinicalRecord, version_column

SUBJECT_STATUSES: tuple[str, ...] = (
    "screening",
    "screen_failure",
    "enrolled",
    "dosed",
    "completed",
    "early_termination",
    "lost_to_follow_up",
    "died",
)
VISIT_STATUSES: tuple[str, ...] = ("planned", "done", "missed")


_SUBJECT_VERSION = version_column()
_VISIT_VERSION = version_column()


class Subject(ClinicalRecord, table=True):
    """A screened person. Day 1 is the dose date (CDISC RFSTDTC)."""

    __audit_derived__ = frozenset({"status"})

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    screening_number: str = Field(max_length=20, unique=True, index=True)
    sex: str = Field(max_length=1)
    birth_date: date | None = None
    birth_year: int | None = None
    consent_date: date
    consent_time: str | None = Field(default=None, max_length=5)
    status: str = Field(default="screening", max_length=24)
    dose_date: date | None = None
    status_date: date | None = None
    status_reason: str | None = Field(default=None, max_length=500)
    version_id: int | None = Field(default=None, sa_column=_SUBJECT_VERSION)

    __mapper_args__ = {"version_id_col": _SUBJECT_VERSION}


class Visit(ClinicalRecord, table=True):
    """A visit of one subject; planned from the study definition, done when its date is set."""

    __table_args__ = (UniqueConstraint("subject_id", "visit_code", "sequence"),)

    __audit_derived__ = frozenset({"status", "out_of_window", "days_off_window", "entered_at"})

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_code: str = Field(max_length=10)
    sequence: int = Field(default=1)
    planned_day: int | None = None
    actual_date: date | None = None
    status: str = Field(default="planned", max_length=12)
    out_of_window: bool = Field(default=False)
    days_off_window: int | None = None
    reason: str | None = Field(default=None, max_length=500)
    entered_at: datetime | None = None
    version_id: int | None = Field(default=None, sa_column=_VISIT_VERSION)

    __mapper_args__ = {"version_id_col": _VISIT_VERSION}
