"""Write rule (order 50): a change to signed data invalidates the signature in the same flush.

A visit signature covers the visit row and every clinical row of that visit (an assessment
item through its assessment); a casebook signature covers every clinical row of the subject.
Any create, update or delete in that scope adds a `SignatureInvalidation` naming the change
and an audit row (action `sig_invalidate`), in the transaction of the change itself. Being a
flush rule, no use case, import or CLI command can change signed data and leave it signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import Actor
from models.audit_chain import append
from models.signatures import Signature, SignatureInvalidation
from models.write_rules import Change, register

_SIG = Signature.__table__  # type: ignore[attr-defined]
_INV = SignatureInvalidation.__table__  # type: ignore[attr-defined]
_DONE = "_signatures_invalidated"


def _visit_of(change: Change) -> int | None:
    if change.entity == "visit":
        return change.record_id
    return change.visit_id


def describe(change: Change) -> str:
    """`update labresult 12 (value, flag)`: what changed, for the signature's history."""
    what = f"{change.action} {change.entity} {change.record_id or '(new)'}"
    shown = ", ".join(change.fields[:6]) + (", …" if len(change.fields) > 6 else "")
    return (f"{what} ({shown})" if shown else what)[:500]


@register("signature_invalidation", 50)
def invalidate_signatures(session: Session, changes: Sequence[Change]) -> None:
    """Invalidate every valid signature whose scope one of these changes touches."""
    subjects = {c.subject_id for c in changes if c.subject_id is not None}
    if not subjects:
        return
    conn = session.connection()
    valid = conn.execute(
        select(_SIG.c.id, _SIG.c.scope, _SIG.c.subject_id, _SIG.c.visit_id).where(
            _SIG.c.subject_id.in_(subjects), _SIG.c.id.not_in(select(_INV.c.signature_id))
        )
    ).all()
    done: set[int] = session.info.setdefault(_DONE, set())
    actor: Actor = session.info["actor"]
    audit: list[dict[str, Any]] = []
    for sig_id, scope, subject_id, visit_id in valid:
        if sig_id in done:
            continue
        hit = next(
            (
                c
                for c in changes
                if c.subject_id == subject_id and (scope == "casebook" or _visit_of(c) == visit_id)
            ),
            None,
        )
        if hit is None:
            continue
        done.add(sig_id)
        text = describe(hit)
        session.add(
            SignatureInvalidation(signature_id=sig_id, username=actor.username, change=text)
        )
        audit.append(
            {
                **actor.stamp(),
                "action": "sig_invalidate",
                "entity": "signature",
                "record_id": sig_id,
                "subject_id": subject_id,
                "visit_id": visit_id,
                "field": "valid",
                "old_value": "true",
                "new_value": "false",
                "reason": f"invalidated by change: {text}"[:1000],
                "study_version": session.info.get("study_version"),
            }
        )
    append(conn, audit)
