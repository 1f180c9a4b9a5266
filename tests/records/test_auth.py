"""Accounts: first admin, login, lockout, role changes, all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models import Actor
from records import auth
from records.errors import PermissionDenied, ValidationFailed

PASSWORD = "correct horse battery"


def _admin(engine) -> auth.UserRead:
    return auth.create_first_admin(
        engine,
        {
            "username": "ada",
            "full_name": "Ada Admin",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )


def _actions(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT action FROM auditevent ORDER BY id"))]


def test_first_admin_only_while_no_account_exists(engine):
    assert auth.needs_setup(engine)
    admin = _admin(engine)
    assert admin.role == "admin" and not auth.needs_setup(engine)
    with pytest.raises(PermissionDenied):
        _admin(engine)


@pytest.mark.req("REQ-SEC-04")
def test_password_is_hashed_with_argon2id(engine):
    _admin(engine)
    with engine.connect() as conn:
        stored = conn.execute(text('SELECT password_hash FROM "user"')).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.req("REQ-SEC-04")
def test_short_password_and_mismatch_are_refused_per_field(engine):
    with pytest.raises(ValidationFailed) as err:
        auth.create_first_admin(engine, {"username": "a", "full_name": "A", "password": "short"})
    assert "password" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        auth.create_first_admin(
            engine,
            {
                "username": "a",
                "full_name": "A",
                "password": PASSWORD,
                "password_confirm": "other one!!",
            },
        )
    assert "password_confirm" in err.value.errors


@pytest.mark.req("REQ-AUD-04", "REQ-SEC-04")
def test_login_success_and_failure_are_audited(engine):
    _admin(engine)
    assert auth.authenticate(engine, "ada", PASSWORD).username == "ada"
    with pytest.raises(PermissionDenied):
        auth.authenticate(engine, "ada", "wrong password")
    with pytest.raises(PermissionDenied):
        auth.authenticate(engine, "nobody", "whatever")
    assert _actions(engine) == ["user_seal", "user_create", "login", "login_fail", "login_fail"]


@pytest.mark.req("REQ-SEC-04")
def test_lockout_after_repeated_failures(engine):
    _admin(engine)
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(PermissionDenied):
            auth.authenticate(engine, "ada", "wrong password")
    with pytest.raises(PermissionDenied, match="locked"):
        auth.authenticate(engine, "ada", PASSWORD)


@pytest.mark.req("REQ-AUD-04", "REQ-SEC-01")
def test_only_admins_manage_users_and_role_changes_are_audited(engine):
    admin = auth.actor_for(_admin(engine))
    inv = auth.create_user(
        engine,
        admin,
        {"username": "ivy", "full_name": "Ivy Inv", "role": "investigator", "password": PASSWORD},
    )
    with pytest.raises(PermissionDenied):
        auth.create_user(
            engine,
            auth.actor_for(inv),
            {"username": "x", "full_name": "X", "role": "admin", "password": PASSWORD},
        )
    changed = auth.set_role(engine, admin, inv.id, "monitor", True, "moved to monitoring")
    assert changed.role == "monitor"
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT old_value, new_value, reason FROM auditevent WHERE action='role_change'")
        ).one()
    assert tuple(row) == ("investigator", "monitor", "moved to monitoring")


@pytest.mark.req("REQ-SEC-03")
def test_usernames_are_never_reused(engine):
    admin = auth.actor_for(_admin(engine))
    with pytest.raises(ValidationFailed, match="never reused"):
        auth.create_user(
            engine,
            admin,
            {"username": "ada", "full_name": "Other", "role": "monitor", "password": PASSWORD},
        )


def test_admin_cannot_lock_themselves_out(engine):
    admin = _admin(engine)
    with pytest.raises(ValidationFailed):
        auth.set_role(engine, auth.actor_for(admin), admin.id, "monitor", True, "oops")


@pytest.mark.req("REQ-SEC-03")
def test_deactivated_account_cannot_log_in(engine):
    admin = auth.actor_for(_admin(engine))
    user = auth.create_user(
        engine,
        admin,
        {"username": "mo", "full_name": "Mo Monitor", "role": "monitor", "password": PASSWORD},
    )
    auth.set_role(engine, admin, user.id, "monitor", False, "left the study")
    with pytest.raises(PermissionDenied, match="deactivated"):
        auth.authenticate(engine, "mo", PASSWORD)


def test_monitor_role_is_read_only(wb):
    from records.subjects import screen_subject

    monitor = Actor(None, "mo", "Mo", "monitor")
    with pytest.raises(PermissionDenied):
        screen_subject(
            wb,
            monitor,
            {
                "screening_number": "S1",
                "sex": "F",
                "birth_year": 1980,
                "consent_date": "2025-01-02",
            },
        )
