"""Local accounts: argon2id hashes, login with lockout, first-admin setup, role changes.

Security events (logins, failures, account and role changes) go to the audit trail too
(REQ-AUD-04, REQ-SEC-04). Usernames are never reused: accounts are deactivated, not deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import ROLES, SYSTEM_ACTOR, Actor, User
from models.audit_chain import append
from models.base import utc_now
from records import fields
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.permissions import require

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not-a-real-password-just-for-timing")


@dataclass(frozen=True, slots=True)
class UserRead:
    id: int
    username: str
    full_name: str
    role: str
    active: bool


def _read(u: User) -> UserRead:
    return UserRead(
        id=int(u.id),
        username=u.username,
        full_name=u.full_name,  # type: ignore[arg-type]
        role=u.role,
        active=u.active,
    )


def actor_for(user: UserRead, origin: str = "ui") -> Actor:
    """The audit identity of a signed-in user."""
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        origin=origin,
    )


def _audit(
    session: Session,
    actor: Actor,
    action: str,
    user: User,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    reason: str | None = None,
) -> None:
    append(
        session.connection(),
        [
            {
                "user_id": actor.user_id,
                "username": actor.username,
                "user_name": actor.full_name,
                "user_role": actor.role,
                "origin": actor.origin,
                "action": action,
                "entity": "user",
                "record_id": user.id,
                "field": field,
                "old_value": old,
                "new_value": new,
                "reason": reason,
            }
        ],
    )


def needs_setup(engine: Engine) -> bool:
    """True while no account exists: the app then shows the first-admin setup page."""
    with Session(engine) as session:
        return not session.scalar(select(func.count()).select_from(User))


def _validate(values: dict[str, str], *, with_password: bool = True) -> dict[str, str | None]:
    errors: fields.Errors = {}
    clean = {
        "username": fields.text(
            errors, "username", values.get("username"), required=True, max_length=64
        ),
        "full_name": fields.text(errors, "full_name", values.get("full_name"), required=True),
        "role": fields.choice(errors, "role", values.get("role"), ROLES, required=True),
    }
    if clean["username"] and not clean["username"].replace(".", "").replace("_", "").isalnum():
        errors["username"] = "use letters, digits, dots and underscores only"
    if with_password:
        password = values.get("password") or ""
        if len(password) < MIN_PASSWORD_LENGTH:
            errors["password"] = f"must have at least {MIN_PASSWORD_LENGTH} characters"
        elif password != values.get("password_confirm", password):
            errors["password_confirm"] = "does not match the password"
        clean["password"] = password
    if errors:
        raise ValidationFailed(errors)
    return clean


def create_user(engine: Engine, actor: Actor, values: dict[str, str]) -> UserRead:
    """Create an account (admins only, or the system during first setup)."""
    require(actor, "manage_users")
    clean = _validate(values)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        taken = session.scalar(
            select(func.count()).select_from(User).where(User.username == clean["username"])
        )
        if taken:
            raise ValidationFailed({"username": "is already taken (usernames are never reused)"})
        user = User(
            username=clean["username"],
            full_name=clean["full_name"],
            role=clean["role"],
            password_hash=_HASHER.hash(clean["password"] or ""),
        )
        session.add(user)
        session.flush()
        _audit(session, actor, "user_create", user, "role", None, user.role)
        return _read(user)


def create_first_admin(engine: Engine, values: dict[str, str]) -> UserRead:
    """The setup page's action: allowed only while there is no account at all."""
    if not needs_setup(engine):
        raise PermissionDenied("the first administrator already exists")
    return create_user(engine, SYSTEM_ACTOR, {**values, "role": "admin"})


def authenticate(engine: Engine, username: str, password: str, origin: str = "ui") -> UserRead:
    """Check a password; counts failures, locks after too many, audits both outcomes.

    The failure is committed before it is raised, so the attempt stays on record.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        user = session.scalar(select(User).where(User.username == (username or "").strip()))
        refusal = _login_refusal(session, user, username, password, origin)
        if refusal is None and user is not None:
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, utc_now()
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = _HASHER.hash(password)
            _audit(session, _as_actor(user, origin), "login", user)
    if refusal is not None or user is None:
        raise PermissionDenied(refusal or "unknown username or wrong password")
    return _read(user)


def _login_refusal(
    session: Session, user: User | None, username: str, password: str, origin: str
) -> str | None:
    """Why this login is refused (audited here), or None when the password is right."""
    wrong = "unknown username or wrong password"
    if user is None:
        _verify(_DUMMY_HASH, password)  # same work as a real check, against timing probes
        _audit_failed(session, username, origin)
        return wrong
    now = utc_now()
    if not user.active or (user.locked_until and user.locked_until > now):
        _audit(session, _as_actor(user, origin), "login_fail", user, reason="locked or inactive")
        return "this account is locked or deactivated; ask an administrator"
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
        _audit(session, _as_actor(user, origin), "login_fail", user, new=str(user.failed_logins))
        return wrong
    return None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _as_actor(user: User, origin: str) -> Actor:
    return Actor(user.id, user.username, user.full_name, user.role, origin)


def _audit_failed(session: Session, username: str, origin: str) -> None:
    append(
        session.connection(),
        [
            {
                "user_id": None,
                "username": (username or "")[:64],
                "user_name": "(unknown)",
                "user_role": "none",
                "origin": origin,
                "action": "login_fail",
                "entity": "user",
                "reason": "unknown username",
            }
        ],
    )


def set_role(
    engine: Engine, actor: Actor, user_id: int, role: str, active: bool, reason: str
) -> UserRead:
    """Change an account's role or active flag (admins only), audited with the reason."""
    require(actor, "manage_users")
    errors: fields.Errors = {}
    fields.choice(errors, "role", role, ROLES, required=True)
    fields.text(errors, "reason", reason, required=True, max_length=500)
    if errors:
        raise ValidationFailed(errors)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(f"user {user_id} does not exist")
        if user.id == actor.user_id and (role != "admin" or not active):
            raise ValidationFailed({"role": "you cannot remove your own administrator access"})
        if user.role != role:
            _audit(session, actor, "role_change", user, "role", user.role, role, reason)
        if user.active != active:
            _audit(
                session,
                actor,
                "role_change",
                user,
                "active",
                str(user.active).lower(),
                str(active).lower(),
                reason,
            )
        user.role, user.active = role, active
        if active:
            user.failed_logins, user.locked_until = 0, None
        return _read(user)


def user_frame(engine: Engine) -> pd.DataFrame:
    """Accounts for the administration page (never the hashes)."""
    query = select(
        User.id,
        User.username,
        User.full_name,
        User.role,
        User.active,
        User.last_login_at,
        User.locked_until,
    ).order_by(User.username)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)
