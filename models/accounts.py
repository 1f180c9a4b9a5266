"""The account behind a writer, as it is in the database now (21 CFR 11.10(d), REQ-SEC-01..04).

A signed-in session carries the identity it had at sign-in; the account may since have been
deactivated, locked or given another role. Every write transaction re-reads the account inside
the transaction (`models.db.unit_of_work`) and refuses a writer whose account is no longer
what the session says, so a changed account cannot write another row and the audit trail never
names a role the writer no longer has. Actors without an account (`user_id` None: the CLI
operator identified by the OS account, the system, imports) are not accounts and are not checked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models.audit import Actor
from models.audit_capture import AuditError
from models.base import utc_now
from models.identity import User


class AccountNotCurrent(AuditError):
    """The writer's account is deactivated, locked, must change its password, or changed role."""


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def account_refusal(
    user: User | None, role: str | None = None, *, pending_password: bool = False
) -> str | None:
    """Why this account may not act now (None when it may); `role` is the one the session holds.

    `pending_password` accepts an account that must still change its one-time password (the
    session may go on to the password change, but no write is accepted).
    """
    if user is None:
        return "this account does not exist"
    if not user.active:
        return "this account has been deactivated; sign in again or ask an administrator"
    locked = aware(user.locked_until)
    if locked is not None and locked > utc_now():
        return "this account is locked; ask an administrator to unlock it"
    if user.must_change_password and not pending_password:
        return "this account must change its one-time password before anything else"
    if role is not None and user.role != role:
        return f"this account's role changed to {user.role.replace('_', ' ')}; sign in again"
    return None


def check_actor(session: Session, actor: Actor) -> None:
    """Raise AccountNotCurrent unless the actor's account may write now with the actor's role."""
    if actor.user_id is None:
        return
    user = session.get(User, actor.user_id, populate_existing=True)
    refusal = account_refusal(user, actor.role)
    if refusal is not None:
        raise AccountNotCurrent(refusal)
