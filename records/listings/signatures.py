"""The Signatures sheet: every electronic signature, valid and invalidated (21 CFR 11.50)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from models import Signature, SignatureInvalidation
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing

COLUMNS = (
    C.SUBJECT,
    Column("scope_label", "Signed scope", "code", key=True),
    Column("printed_name", "Printed name"),
    Column("username", "Username", "code"),
    Column("role", "Role", "code"),
    Column("signed_at", "Signed (UTC)", "datetime"),
    Column("meaning", "Meaning", "longtext"),
    Column("status", "Status", "code", origin="derived",
           rule="VALID while no later change touched the signed data; else INVALIDATED"),
    Column("invalidated_at", "Invalidated (UTC)", "datetime"),
    Column("invalidating_change", "Invalidated by change", "longtext"),
    Column("content_hash", "Content SHA-256", "code"),
    Column("chain_head", "Audit-chain head at signing", "code"),
)  # fmt: skip


def _utc(value: Any) -> Any:
    if F.missing(value):
        return None
    if not isinstance(value, datetime):
        return value
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def signatures(src: ListingSource) -> Listing:
    """Signatures by subject, then signing time; a re-signature is its own row."""
    s = Signature.__table__  # type: ignore[attr-defined]
    i = SignatureInvalidation.__table__  # type: ignore[attr-defined]
    query = select(
        s.c.id,
        s.c.subject_id,
        s.c.visit_id,
        s.c.scope,
        s.c.printed_name,
        s.c.username,
        s.c.role,
        s.c.signed_at,
        s.c.meaning,
        s.c.content_hash,
        s.c.chain_head,
        i.c.invalidated_at,
        i.c.change.label("invalidating_change"),
    ).outerjoin(i, i.c.signature_id == s.c.id)
    frame = src.read(src.only_scope(query, s.c.subject_id))
    if not frame.empty:
        frame = F.with_subject(frame, src)
        frame = F.with_visit(frame, src)
        frame["scope_label"] = [
            "CASEBOOK" if scope == "casebook" else str(code)
            for scope, code in zip(frame["scope"], frame["visit_code"], strict=True)
        ]
        frame["status"] = [
            "VALID" if F.missing(x) else "INVALIDATED" for x in frame["invalidated_at"]
        ]
        for name in ("signed_at", "invalidated_at"):
            frame[name] = frame[name].astype(object).map(_utc)
        frame = frame.sort_values(["subject", "id"], kind="stable")
    head = (
        "16.2.10.3",
        "L16.2.10.3 Signatures",
        "Electronic signatures, valid and invalidated",
        "SIG",
    )
    notes = (
        "Signatures are never changed: a change to signed data adds an invalidation.",
        "Investigator signatures (ICH E3 16.1.5), listed here with the data they sign.",
    )
    return make_listing(src, head, COLUMNS, frame, notes=notes)
