"""Whether a subject's casebook carries a valid signature: the seam review-to-lock reads (#11/#12).

Issue #11 owns signatures and may change how validity is stored (e.g. an append-only
invalidation table); it keeps this function's contract so the database-lock checklist (#12)
does not need to know how.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models.signatures import Signature


def casebook_signed(session: Session, subject_id: int) -> bool:
    """True when the subject's casebook (no visit, no form) has a signature not invalidated."""
    row = session.exec(
        select(Signature.id).where(
            Signature.subject_id == subject_id,
            Signature.visit_id.is_(None),  # type: ignore[union-attr]
            Signature.form_code.is_(None),  # type: ignore[union-attr]
            Signature.invalidated_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    return row is not None
