"""Electronic signatures (21 CFR 11.50/11.70/11.200): placeholder table, filled by issue #11."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utc_now


class Signature(SQLModel, table=True):
    """An investigator signature over a subject/visit/form, bound to a hash of what was signed."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str | None = Field(default=None, max_length=20)
    user_id: int = Field(foreign_key="user.id")
    meaning: str = Field(max_length=200)
    content_hash: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=utc_now)
    invalidated_at: datetime | None = None
