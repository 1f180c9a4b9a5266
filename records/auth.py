"""Local accounts: argon2id hashes, sign-in with throttling and lockout, passwords, roles.

Security events (sign-ins, failures, account, password and role changes) go to the audit
trail too (REQ-AUD-04, REQ-SEC-04). Usernames are never reused, without regard to case:
accounts are deactivated, not deleted. Every change made by an administrator re-reads the
administrator's own account first (`models.accounts.check_actor`), so a demoted or deactivated
administrator with an open session can change nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import ROLES, SYSTEM_ACTOR, Actor, AuditEvent, User
from models.accounts import AccountNotCurrent, account_refusal, aware, check_actor
from models.audit_chain import append
from models.base import utc_now
from models.db import writer
from records import fields
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.passwords import MIN_LENGTH, password_problem
from records.permissions import require

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = MIN_LENGTH
# Throttling of failed sign-ins, known usernames or not (the audit trail is the counter).
USERNAME_FAILURES = 5
USERNAME_WINDOW = timedelta(minutes=15)
OVERALL_FAILURES = 30
OVERALL_WINDOW = timedelta(minutes=1)
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("not-a-real-password-just-for-timing")
WRONG = "unknown username or wrong password"


@dataclass(frozen=True, slots=True)
class UserRead:
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    must_change_password: bool = False


def _read(u: User) -> UserRead:
    return UserRead(
        id=int(u.id),  # type: ignore[arg-type]
        username=u.username,
        full_name=u.full_name,
        role=u.role,
        active=u.active,
        must_change_password=bool(u.must_change_password),
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
                **actor.stamp(),
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


def checked(session: Session, actor: Actor) -> None:
    """The actor's account as it is now, or PermissionDenied (every account change)."""
    try:
        check_actor(session, actor)
    except AccountNotCurrent as err:
        raise PermissionDenied(str(err)) from err


def needs_setup(engine: Engine) -> bool:
    """True while no account exists: the app then shows the first-admin setup page."""
    with Session(engine) as session:
        return not session.scalar(select(func.count()).select_from(User))


def _new_password(errors: fields.Errors, values: dict[str, str], username: str | None) -> str:
    password = values.get("password") or ""
    problem = password_problem(password, username)
    if problem:
        errors["password"] = problem
    elif password != values.get("password_confirm", password):
        errors["password_confirm"] = "does not match the password"
    return password


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
        clean["password"] = _new_password(errors, values, clean["username"])
    if errors:
        raise ValidationFailed(errors)
    return clean


def _by_username(session: Session, username: str) -> User | None:
    """The account with this username, compared without regard to case."""
    key = (username or "").strip().lower()
    return session.scalar(select(User).where(func.lower(User.username) == key))


def create_user(engine: Engine, actor: Actor, values: dict[str, str]) -> UserRead:
    """Create an account (admins only, or the system during first setup)."""
    require(actor, "manage_users")
    clean = _validate(values)
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        checked(session, actor)
        if _by_username(session, clean["username"] or "") is not None:
            raise ValidationFailed(
                {"username": "is already taken, in any case (usernames are never reused)"}
            )
        user = User(
            username=clean["username"],
            full_name=clean["full_name"],
            role=clean["role"],
            password_hash=_HASHER.hash(clean["password"] or ""),
            password_changed_at=utc_now(),
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


def _since(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _throttled(session: Session, username: str, known: bool) -> str | None:
    """Why sign-in is refused without looking at the password: too many recent failures.

    A known account has its own lock-out (failed_logins); an unknown username is throttled
    the same way by the failures recorded under it; and all failures together are capped.
    """
    failures = select(func.count()).where(AuditEvent.action == "login_fail")
    key = (username or "").strip().lower()[:64]
    mine = 0
    if not known:
        mine = session.scalar(
            failures.where(
                func.lower(AuditEvent.username) == key,
                AuditEvent.ts_utc >= _since(USERNAME_WINDOW),
            )
        )
    if (mine or 0) >= USERNAME_FAILURES:
        return "too many failed sign-ins for this username; wait 15 minutes and try again"
    overall = session.scalar(failures.where(AuditEvent.ts_utc >= _since(OVERALL_WINDOW)))
    if (overall or 0) >= OVERALL_FAILURES:
        return "too many failed sign-ins on this workbench; wait a minute and try again"
    return None


def authenticate(engine: Engine, username: str, password: str, origin: str = "ui") -> UserRead:
    """Check a password; throttles, counts failures, locks after too many, audits every outcome.

    The failure is committed before it is raised, so the attempt stays on record. A user who
    must change a one-time password is signed in with `must_change_password` set: the app then
    shows nothing but the password change, and every write is refused until it is done.
    """
    # The slow argon2 check runs before the write lock, so a sign-in never stalls other writers;
    # it is repeated under the lock only if the password changed in between.
    with Session(engine) as session:
        found = _by_username(session, username)
        checked = found.password_hash if found is not None else _DUMMY_HASH
    correct = _verify(checked, password)  # the same work for an unknown name (timing probes)
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        user = _by_username(session, username)
        if user is not None and user.password_hash != checked:
            correct = _verify(user.password_hash, password)
        throttled = _throttled(session, username, known=user is not None)
        if throttled is not None:
            _audit_throttled(session, username, user, origin, throttled)
            refusal: str | None = throttled
        else:
            refusal = _login_refusal(session, user, username, correct, origin)
        if refusal is None and user is not None:
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, utc_now()
            if _HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = _HASHER.hash(password)
            _audit(session, _as_actor(user, origin), "login", user)
    if refusal is not None or user is None:
        raise PermissionDenied(refusal or WRONG)
    return _read(user)


def _login_refusal(
    session: Session, user: User | None, username: str, correct: bool, origin: str
) -> str | None:
    """Why this login is refused (audited here), or None when the password was right."""
    if user is None:
        _audit_failed(session, username, origin)
        return WRONG
    now = utc_now()
    locked = aware(user.locked_until)
    if not user.active or (locked and locked > now):
        _audit(session, _as_actor(user, origin), "login_fail", user, reason="locked or inactive")
        return "this account is locked or deactivated; ask an administrator"
    if not correct:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
        _audit(session, _as_actor(user, origin), "login_fail", user, new=str(user.failed_logins))
        return WRONG
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


def _audit_throttled(
    session: Session, username: str, user: User | None, origin: str, why: str
) -> None:
    append(
        session.connection(),
        [
            {
                "user_id": user.id if user else None,
                "username": (username or "")[:64],
                "user_name": user.full_name if user else "(unknown)",
                "user_role": user.role if user else "none",
                "origin": origin,
                "action": "login_throttled",
                "entity": "user",
                "record_id": user.id if user else None,
                "reason": why,
            }
        ],
    )


def reauthenticate(
    engine: Engine, actor: Actor, password: str, username: str | None = None
) -> None:
    """The signature check of 21 CFR 11.200: the signer's own password (and username if asked).

    A wrong password counts towards the lockout like a failed sign-in and is audited.
    """
    if actor.user_id is None:
        raise PermissionDenied("only a signed-in account can sign")
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        user = session.get(User, actor.user_id)
        problem = account_refusal(user, actor.role)
        named = username is None or username.strip().lower() == actor.username.lower()
        if problem is None and not named:
            problem = "the username is not the signed-in user's"
        if problem is None and user is not None and not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = utc_now() + LOCKOUT
            problem = "wrong password"
        if problem is not None and user is not None:
            _audit(session, actor, "reauth_fail", user, reason=problem)
        elif user is not None:
            user.failed_logins = 0
    if problem is not None:
        raise PermissionDenied(problem)


def change_password(
    engine: Engine, actor: Actor, current: str, new: str, confirm: str | None = None
) -> UserRead:
    """A user changes their own password (also how a one-time password is replaced)."""
    if actor.user_id is None:
        raise PermissionDenied("only a signed-in account has a password to change")
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        user = session.get(User, actor.user_id)
        if user is None or not user.active:
            raise PermissionDenied("this account does not exist or has been deactivated")
        if not _verify(user.password_hash, current):
            raise ValidationFailed({"current_password": "is not your current password"})
        errors: fields.Errors = {}
        _new_password(errors, {"password": new, "password_confirm": confirm or new}, user.username)
        if not errors and _verify(user.password_hash, new):
            errors["password"] = "must differ from the current password"
        if errors:
            raise ValidationFailed(errors)
        user.password_hash = _HASHER.hash(new)
        user.must_change_password = False
        user.password_changed_at = utc_now()
        _audit(session, actor, "password_change", user)
        return _read(user)


def reset_password(engine: Engine, actor: Actor, user_id: int, reason: str) -> str:
    """An administrator issues a one-time password; the user must change it at next sign-in.

    Returns the one-time password (shown once, never stored in clear). The reset also unlocks.
    """
    require(actor, "manage_users")
    _need_reason(reason)
    one_time = _one_time_password()
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        checked(session, actor)
        user = _user(session, user_id)
        user.password_hash = _HASHER.hash(one_time)
        user.must_change_password = True
        user.failed_logins, user.locked_until = 0, None
        user.password_changed_at = utc_now()
        _audit(session, actor, "password_reset", user, reason=reason)
    return one_time


def _one_time_password() -> str:
    while True:
        candidate = secrets.token_urlsafe(12)
        if password_problem(candidate, None) is None:
            return candidate


def unlock(engine: Engine, actor: Actor, user_id: int, reason: str) -> UserRead:
    """An administrator lifts a lock-out (failed sign-ins), audited with the reason."""
    require(actor, "manage_users")
    _need_reason(reason)
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        checked(session, actor)
        user = _user(session, user_id)
        old = aware(user.locked_until)
        user.failed_logins, user.locked_until = 0, None
        _audit(
            session, actor, "unlock", user, "locked_until", old and old.isoformat(), None, reason
        )
        return _read(user)


def _need_reason(reason: str) -> None:
    errors: fields.Errors = {}
    fields.text(errors, "reason", reason, required=True, max_length=500)
    if errors:
        raise ValidationFailed(errors)


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def user_id_of(engine: Engine, username: str) -> int:
    """The id of the account with this username (any case); NotFound otherwise."""
    with Session(engine) as session:
        user = _by_username(session, username)
        if user is None:
            raise NotFound(f"no account {username!r}")
        return int(user.id)  # type: ignore[arg-type]


def set_role(
    engine: Engine, actor: Actor, user_id: int, role: str, active: bool, reason: str
) -> UserRead:
    """Change an account's role or active flag (admins only), audited with the reason.

    Re-activating does not unlock: `unlock` does that, explicitly. The last active
    administrator cannot be demoted or deactivated.
    """
    require(actor, "manage_users")
    errors: fields.Errors = {}
    fields.choice(errors, "role", role, ROLES, required=True)
    fields.text(errors, "reason", reason, required=True, max_length=500)
    if errors:
        raise ValidationFailed(errors)
    with Session(writer(engine), expire_on_commit=False) as session, session.begin():
        checked(session, actor)
        user = _user(session, user_id)
        if user.id == actor.user_id and (role != "admin" or not active):
            raise ValidationFailed({"role": "you cannot remove your own administrator access"})
        if user.role == "admin" and user.active and (role != "admin" or not active):
            admins = session.scalar(
                select(func.count()).where(User.role == "admin", User.active.is_(True))  # type: ignore[attr-defined]
            )
            if (admins or 0) <= 1:
                raise ValidationFailed({"role": "the last active administrator must stay one"})
        if user.role != role:
            _audit(session, actor, "role_change", user, "role", user.role, role, reason)
        if user.active != active:
            old, new = str(user.active).lower(), str(active).lower()
            _audit(session, actor, "role_change", user, "active", old, new, reason)
        user.role, user.active = role, active
        return _read(user)


def session_refusal(engine: Engine, user_id: int, role: str) -> str | None:
    """Why an open session of this account must end now (None while it may go on).

    A pending one-time password does not end the session (the app asks for the change).
    """
    with Session(engine) as session:
        return account_refusal(session.get(User, user_id), role, pending_password=True)


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
        User.must_change_password,
    ).order_by(User.username)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)
