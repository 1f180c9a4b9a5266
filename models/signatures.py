"""Electronic signatures (21 CFR 11.50/11.70/11.200, REQ-SIG-01..03): append-only rows.

A `Signature` is never updated or deleted (database triggers refuse it): it records who signed
(printed name, username, role), when (UTC), what it means, and a SHA-256 over the canonical
serialisation of the signed content together with the audit-chain head at signing
(`records.signatures.canonical`). A later change to signed data does not touch the signature:
the write rule adds a `SignatureInvalidation` row naming the change, in the same transaction.
A signature is valid while it has no invalidation; a re-signature is a new row.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utc_now

SCOPES: tuple[str, ...] = ("visit", "casebook")


class Signature(SQLModel, table=True):
    """An investigator's signature over a visit or a subject's casebook."""

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=10)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str | None = Field(default=None, max_length=20)
    user_id: int = Field(foreign_key="user.id")
    username: str = Field(max_length=64)
    printed_name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    meaning_code: str = Field(max_length=20)
    meaning: str = Field(max_length=300)
    signed_at: datetime = Field(default_factory=utc_now)
    chain_head: str = Field(max_length=120)
    canonical_version: int = Field(default=1)
    content_hash: str = Field(max_length=64)


class SignatureInvalidation(SQLModel, table=True):
    """The change that ended a signature's validity (one row per signature, never removed)."""

    id: int | None = Field(default=None, primary_key=True)
    signature_id: int = Field(foreign_key="signature.id", unique=True)
    invalidated_at: datetime = Field(default_factory=utc_now)
    username: str = Field(max_length=64)
    change: str = Field(max_length=500)
