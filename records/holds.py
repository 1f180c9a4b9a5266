"""Freeze and lock (REQ-WF-02): place and lift holds on the study, a subject, a visit or a form.

A hold is inherited downwards. Frozen: no clinical data change, while queries, SDV and
signatures go on. Locked: nothing changes. The refusal of clinical writes is not here but at
flush (`models/review_rules.refuse_held`, write rule order 10), so no use case can skip it;
this module places holds, lifts them (data manager, reason, re-authentication) and answers
"is this held?" for pages and for the review use cases that must respect a lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, RecordLock, Subject, Visit
from models.audit_chain import append
from models.base import utc_now
from models.db import read_session
from models.review import HOLD_KINDS
from models.review_rules import active_holds, audit_row, covers, describe
from models.site_scope import check_scope
from records import fields
from records.context import Workbench
from records.errors import Held, NotFound, PermissionDenied, ValidationFailed
from records.transaction import write

HOLDERS = frozenset({"data_manager", "system"})


@dataclass(frozen=True, slots=True)
class HoldRead:
    """A freeze or lock in force (or lifted), as pages and listings show it."""

    id: int
    kind: str
    level: str
    subject_id: int | None
    visit_id: int | None
    form_code: str | None
    reason: str
    locked_by: str
    locked_at: datetime
    unlocked_at: datetime | None


def _read(row: Any) -> HoldRead:
    return HoldRead(**{f: getattr(row, f) for f in HoldRead.__dataclass_fields__})


def holds(wb: Workbench, *, active: bool = True) -> list[HoldRead]:
    """Holds in force (or all, with active=False), oldest first: study-wide ones and those on
    the subjects of the workbench's sites (#16)."""
    with read_session(wb.engine) as session:
        query = select(RecordLock).order_by(RecordLock.id)  # type: ignore[arg-type]
        if active:
            query = query.where(RecordLock.unlocked_at.is_(None))  # type: ignore[union-attr]
        seen = set(session.scalars(select(Subject.id).where(wb.subject_filter(Subject.site_id))))
        return [
            _read(r) for r in session.scalars(query) if r.subject_id is None or r.subject_id in seen
        ]


def hold_on(
    session: Session, subject_id: int | None, visit_id: int | None = None, form: str | None = None
) -> Any | None:
    """The strongest hold in force over this scope (a lock before a freeze), or None."""
    found = [h for h in active_holds(session.connection()) if covers(h, subject_id, visit_id, form)]
    found.sort(key=lambda h: h.kind != "lock")
    return found[0] if found else None


def hold_state(
    wb: Workbench, subject_id: int | None, visit_id: int | None = None, form: str | None = None
) -> str | None:
    """'locked', 'frozen' or None for a scope: pages hide save buttons on a held scope."""
    with read_session(wb.engine) as session:
        hold = hold_on(session, subject_id, visit_id, form)
    return None if hold is None else {"lock": "locked", "freeze": "frozen"}[hold.kind]


def refuse_if_locked(session: Session, subject_id: int | None, visit_id: Any, form: Any) -> None:
    """Review actions (queries, SDV) go on under a freeze but not under a lock."""
    hold = hold_on(session, subject_id, visit_id, form)
    if hold is not None and hold.kind == "lock":
        raise Held(f"{describe(hold)}: nothing can change until a data manager unlocks it")


def _scope(session: Session, subject_id: Any, visit_id: Any, form: Any) -> tuple[str, Any, Any]:
    """Level of a scope given by its ids, with the subject resolved from the visit."""
    if visit_id is not None:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(f"no visit {visit_id}")
        return ("form" if form else "visit"), visit.subject_id, visit_id
    if form:
        raise ValidationFailed({"form_code": "a form is held within one visit: give the visit"})
    if subject_id is not None:
        if session.get(Subject, subject_id) is None:
            raise NotFound(f"no subject {subject_id}")
        return "subject", subject_id, None
    return "study", None, None


def _require(actor: Actor) -> None:
    if actor.role not in HOLDERS:
        raise PermissionDenied("only a data manager may freeze, lock or unlock data")


def place_hold(
    wb: Workbench,
    actor: Actor,
    kind: str,
    reason: Any,
    *,
    subject_id: int | None = None,
    visit_id: int | None = None,
    form_code: str | None = None,
) -> HoldRead:
    """Freeze or lock a scope (study when no id is given); audited with its reason."""
    _require(actor)
    errors: fields.Errors = {}
    text = fields.text(errors, "reason", reason, max_length=1000)
    if kind not in HOLD_KINDS:
        errors["kind"] = f"must be one of {', '.join(HOLD_KINDS)}"
    if not text:
        errors.setdefault("reason", "give the reason for the " + str(kind))
    if form_code is not None and form_code not in {f.code for f in wb.study.forms}:
        errors["form_code"] = f"unknown form {form_code!r}"
    if errors:
        raise ValidationFailed(errors)
    with write(wb, actor, text) as session:
        level, subject, visit = _scope(session, subject_id, visit_id, form_code)
        check_scope(session, actor, subject, f"a study-wide {kind}")
        for h in active_holds(session.connection()):
            same = (h.level, h.subject_id, h.visit_id, h.form_code) == (
                level,
                subject,
                visit,
                form_code,
            )
            if same and h.kind == kind:
                raise ValidationFailed({"kind": f"already {describe(h).split(' is ')[1]}"})
        row = RecordLock(
            kind=kind,
            level=level,
            subject_id=subject,
            visit_id=visit,
            form_code=form_code,
            reason=str(text),
            user_id=actor.user_id,
            locked_by=actor.full_name,
        )
        session.add(row)
        session.flush()
        _audit(session, actor, row, kind, None, kind, str(text))
        return _read(row)


def _audit(
    session: Session, actor: Actor, row: RecordLock, action: str, old: Any, new: Any, why: str
) -> None:
    append(
        session.connection(),
        [
            audit_row(
                actor,
                action=action,
                entity="recordlock",
                record_id=row.id,
                subject_id=row.subject_id,
                visit_id=row.visit_id,
                form=row.form_code,
                field=f"{row.level}_hold",
                old_value=old,
                new_value=new,
                reason=why,
            )
        ],
    )


def reauthenticate(wb: Workbench, actor: Actor, password: Any) -> None:
    """An account-holder re-enters the password (audited by `auth.authenticate`).

    The CLI operator (no account, origin cli) is identified by the operating system instead.
    """
    if actor.user_id is None and actor.origin in ("cli", "system"):
        return
    from records.auth import authenticate

    authenticate(wb.engine, actor.username, password if isinstance(password, str) else "")


def lift_hold(
    wb: Workbench, actor: Actor, hold_id: int, reason: Any, password: Any = None
) -> HoldRead:
    """Unfreeze or unlock: data manager only, with a reason and the password again."""
    _require(actor)
    errors: fields.Errors = {}
    text = fields.text(errors, "reason", reason, max_length=1000)
    if not text:
        errors.setdefault("reason", "give the reason for lifting the hold")
    if errors:
        raise ValidationFailed(errors)
    reauthenticate(wb, actor, password)
    with write(wb, actor, text) as session:
        row = session.get(RecordLock, hold_id)
        if row is None or row.unlocked_at is not None:
            raise NotFound(f"no hold {hold_id} in force")
        check_scope(session, actor, row.subject_id, f"lifting a study-wide {row.kind}")
        row.unlocked_at, row.unlocked_by, row.unlock_reason = utc_now(), actor.full_name, text
        action = "unlock" if row.kind == "lock" else "unfreeze"
        _audit(session, actor, row, action, row.kind, None, str(text))
        session.flush()
        return _read(row)
