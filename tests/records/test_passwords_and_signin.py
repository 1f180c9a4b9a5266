"""Password rules (NIST SP 800-63B), case-insensitive usernames, sign-in throttling (#11)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models import SYSTEM_ACTOR
from records import auth
from records.errors import PermissionDenied, ValidationFailed
from records.passwords import MAX_LENGTH, common_passwords, password_problem

GOOD = "violet tram under the bridge"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("aaaaaaaaaaaa", "repetitive"),
        (" " * 12, "repetitive"),
        ("abababababab", "repetitive"),
        ("short one", "at least 12"),
        ("my name is demo_admin", "username"),
        ("MY NAME IS DEMO_ADMIN", "username"),
        ("password1234", "commonly used"),
        ("Qwertyuiop123", "commonly used"),
        ("x" * 5 + "y" * (MAX_LENGTH - 4), "at most"),
    ],
)
@pytest.mark.req("REQ-SEC-04")
def test_refused_passwords(password, problem):
    assert problem in (password_problem(password, "demo_admin") or "")


def test_long_pass_phrases_without_composition_rules_are_fine():
    assert password_problem(GOOD, "demo_admin") is None
    assert password_problem("ok " * 30 + "then", "demo_admin") is None  # 94 characters
    assert len(common_passwords()) > 1000


@pytest.mark.req("REQ-SEC-03")
def test_usernames_are_unique_without_regard_to_case(engine):
    auth.create_user(
        engine,
        SYSTEM_ACTOR,
        {"username": "demo_admin", "full_name": "A", "role": "admin", "password": GOOD},
    )
    with pytest.raises(ValidationFailed, match="already taken"):
        auth.create_user(
            engine,
            SYSTEM_ACTOR,
            {"username": "Demo_Admin", "full_name": "B", "role": "admin", "password": GOOD},
        )
    assert auth.authenticate(engine, "DEMO_ADMIN", GOOD).username == "demo_admin"


def test_unknown_usernames_are_throttled_and_the_attempts_audited(engine):
    for _ in range(auth.USERNAME_FAILURES):
        with pytest.raises(PermissionDenied, match="wrong password"):
            auth.authenticate(engine, "ghost", "guess number one")
    with pytest.raises(PermissionDenied, match="too many failed sign-ins for this username"):
        auth.authenticate(engine, "GHOST", "guess number two")
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM auditevent")).scalars().all()
    assert actions.count("login_fail") == auth.USERNAME_FAILURES
    assert actions.count("login_throttled") == 1


def test_failures_overall_are_capped(engine, monkeypatch):
    monkeypatch.setattr(auth, "OVERALL_FAILURES", 6)
    auth.create_user(
        engine,
        SYSTEM_ACTOR,
        {"username": "ivy", "full_name": "Ivy", "role": "investigator", "password": GOOD},
    )
    for n in range(6):
        with pytest.raises(PermissionDenied, match="wrong password"):
            auth.authenticate(engine, f"user{n}", "some guess here")
    with pytest.raises(PermissionDenied, match="on this workbench"):
        auth.authenticate(engine, "ivy", GOOD)  # even the right password waits a minute


def test_change_password_checks_current_and_rules(engine):
    user = auth.create_user(
        engine,
        SYSTEM_ACTOR,
        {"username": "ivy", "full_name": "Ivy", "role": "investigator", "password": GOOD},
    )
    actor = auth.actor_for(user)
    with pytest.raises(ValidationFailed, match="current"):
        auth.change_password(engine, actor, "not it at all", "another long phrase")
    with pytest.raises(ValidationFailed, match="differ"):
        auth.change_password(engine, actor, GOOD, GOOD)
    with pytest.raises(ValidationFailed, match="username"):
        auth.change_password(engine, actor, GOOD, "ivy's new password!")
    auth.change_password(engine, actor, GOOD, "another long phrase")
    assert auth.authenticate(engine, "ivy", "another long phrase").id == user.id
