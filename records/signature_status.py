"""Whether a subject's casebook carries a valid signature: the seam review-to-lock reads (#11/#12).

Issue #11 owns signatures: a signature is valid while no `SignatureInvalidation` row points to
it (signatures are append-only). This function's contract is unchanged, so the database-lock
checklist (#12) does not need to know how.
"""

from __future__ import annotations

from sqlmodel import Session, select

from models.signatures import Signature, SignatureInvalidation


def casebook_signed(session: Session, subject_id: int) -> bool:
    """True when the subject's casebook (no visit, no form) has a signature not invalidated."""
    invalidated = select(SignatureInvalidation.signature_id)
    row = session.exec(
        select(Signature.id).where(
            Signature.subject_id == subject_id,
            Signature.scope == "casebook",
            Signature.visit_id.is_(None),  # type: ignore[union-attr]
            Signature.id.not_in(invalidated),  # type: ignore[union-attr]
        )
    ).first()
    return row is not None
