"""The review workflow (issue #12): freezes and locks, data queries with their threads, SDV marks.

None of these rows is clinical data: they are not `ClinicalRecord`s, so a frozen record can still
be queried and verified. Every change to them is written to the audit trail by the use case that
makes it (`records/review`), or by the write rules in `models/review_rules.py` at flush.
People are copied by name next to their id (like audit rows), so a CLI operator (no account)
and a later renamed account still read right.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utc_now

HOLD_KINDS: tuple[str, ...] = ("freeze", "lock")
HOLD_LEVELS: tuple[str, ...] = ("study", "subject", "visit", "form")
QUERY_STATES: tuple[str, ...] = ("open", "answered", "closed", "cancelled")


class RecordLock(SQLModel, table=True):
    """A freeze or lock on the study, a subject, a visit or one form of a visit.

    Inherited downwards: a study lock holds every subject, a visit freeze every form of the
    visit. Active while `unlocked_at` is empty; unlocking fills the three unlock columns.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    level: str = Field(max_length=10)
    subject_id: int | None = Field(default=None, foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str | None = Field(default=None, max_length=20)
    reason: str = Field(max_length=1000)
    user_id: int | None = None
    locked_by: str = Field(max_length=200)
    locked_at: datetime = Field(default_factory=utc_now)
    unlocked_at: datetime | None = None
    unlocked_by: str | None = Field(default=None, max_length=200)
    unlock_reason: str | None = Field(default=None, max_length=1000)


class DataQuery(SQLModel, table=True):
    """A data clarification on a field, or on a whole form, of one subject's record.

    `entity`/`record_id`/`field` name the field (all empty for a form-level query, which is
    scoped by `visit_id` and `form_code`). `origin` is manual or auto (edit check `check_code`).
    """

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str | None = Field(default=None, max_length=20)
    entity: str | None = Field(default=None, max_length=40)
    record_id: int | None = None
    field: str | None = Field(default=None, max_length=60)
    origin: str = Field(default="manual", max_length=10)
    check_code: str | None = Field(default=None, max_length=40)
    text: str = Field(max_length=2000)
    status: str = Field(default="open", max_length=10)
    opened_by: str = Field(max_length=200)
    opened_at: datetime = Field(default_factory=utc_now)
    answer: str | None = Field(default=None, max_length=2000)
    closed_at: datetime | None = None


class QueryMessage(SQLModel, table=True):
    """One step of a query's thread: raised, answered (by reply or correction), closed, ..."""

    id: int | None = Field(default=None, primary_key=True)
    query_id: int = Field(foreign_key="dataquery.id", index=True)
    action: str = Field(max_length=20)
    status: str = Field(max_length=10)
    text: str = Field(max_length=2000)
    user_id: int | None = None
    user_name: str = Field(max_length=200)
    user_role: str = Field(max_length=20)
    at: datetime = Field(default_factory=utc_now)
    audit_id: int | None = None


class SdvMark(SQLModel, table=True):
    """A monitor's source data verification of one form of one visit, or of one adverse event
    (form "AE", `record_id` the event, no visit); dropped by a later change."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str = Field(max_length=20)
    record_id: int | None = Field(default=None, index=True)
    user_id: int | None = None
    verified_by: str = Field(max_length=200)
    verified_at: datetime = Field(default_factory=utc_now)
    dropped_at: datetime | None = None
    dropped_by: str | None = Field(default=None, max_length=200)
    drop_reason: str | None = Field(default=None, max_length=1000)
