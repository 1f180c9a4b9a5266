"""Every write checks the account as it is now: role x account state x write action (#11).

A session keeps the identity it had at sign-in; these tests change the account underneath it
(deactivate, lock, demote) and prove every write use case then refuses, writes nothing, and that
an active account's audit rows name its current role.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text, update

from models import SYSTEM_ACTOR, Actor, User
from models.base import utc_now
from records import auth
from records.errors import PermissionDenied, ValidationFailed
from records.history import save_history
from records.medications import save_medication
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from records.vitals import save_vitals
from tests.records.conftest import CONSENT, SCREENING, TODAY, counts, screen

PASSWORD = "a long enough password"
WRITERS = ("investigator", "coordinator")
STATES = ("active", "locked", "deactivated", "downgraded")


def _account(wb, role: str, name: str) -> Actor:
    user = auth.create_user(
        wb.engine,
        SYSTEM_ACTOR,
        {
            "username": name,
            "full_name": f"{role.title()} {name}",
            "role": role,
            "password": PASSWORD,
        },
    )
    return auth.actor_for(user)


def _put_in_state(wb, actor: Actor, state: str) -> None:
    """Change the account behind an open session the way an administrator or lock-out would."""
    values: dict[str, Any] = {
        "active": {},
        "locked": {"locked_until": utc_now() + timedelta(minutes=15), "failed_logins": 5},
        "deactivated": {"active": False},
        "downgraded": {"role": "monitor"},
    }[state]
    if values:
        with wb.engine.begin() as conn:
            conn.execute(update(User).where(User.id == actor.user_id).values(**values))


def _actions() -> dict[str, Any]:
    def screen_new(wb, actor, subject):
        values = {"screening_number": "009-999", "sex": "F", "birth_date": "1980-05-17"}
        screen_subject(wb, actor, {**values, "consent_date": CONSENT}, today=TODAY)

    def vitals(wb, actor, subject):
        save_vitals(wb, actor, visit_id=subject.visits["SCR"], values={"WEIGHT": 64}, today=TODAY)

    def medication(wb, actor, subject):
        values = {"drug": "hydroxychloroquine", "dose": 200, "dose_unit": "mg", "route": "ORAL",
                  "frequency": "QD", "start": "2024-11"}  # fmt: skip
        save_medication(wb, actor, subject_id=subject.id, values=values, today=TODAY)

    def history(wb, actor, subject):
        values = {"category": "SLE", "term": "Systemic lupus erythematosus", "start": "2019-05",
                  "ongoing": True}  # fmt: skip
        save_history(wb, actor, subject_id=subject.id, values=values, today=TODAY)

    def visit_date(wb, actor, subject):
        scr = subject.visits["SCR"]
        version = next(r.version_id for r in calendar(wb, subject.id, TODAY) if r.visit_id == scr)
        record_visit_date(
            wb, actor, scr, SCREENING + timedelta(days=1),
            reason="typo in the date", expected_version=version, today=TODAY,
        )  # fmt: skip

    return {
        "screen": screen_new,
        "vitals": vitals,
        "medication": medication,
        "history": history,
        "visit_date": visit_date,
    }


ACTIONS = _actions()


@pytest.mark.parametrize(
    ("role", "state", "action"), list(itertools.product(WRITERS, STATES, ACTIONS))
)
def test_write_checks_the_account_as_it_is_now(wb, role, state, action):
    subject = screen(wb, SYSTEM_ACTOR)
    actor = _account(wb, role, f"{role[:3]}_{state[:4]}")
    _put_in_state(wb, actor, state)
    before = counts(wb)
    if state == "active":
        ACTIONS[action](wb, actor, subject)
        with wb.engine.connect() as conn:
            roles = (
                conn.execute(
                    text("SELECT DISTINCT user_role FROM auditevent WHERE user_id = :u"),
                    {"u": actor.user_id},
                )
                .scalars()
                .all()
            )
        assert roles == [role]
        return
    with pytest.raises(PermissionDenied) as err:
        ACTIONS[action](wb, actor, subject)
    assert {"locked": "locked", "deactivated": "deactivated", "downgraded": "role changed"}[
        state
    ] in str(err.value)
    assert counts(wb) == before


@pytest.mark.parametrize("role", ("monitor", "data_manager", "admin"))
def test_readers_never_write_whatever_the_state(wb, role):
    subject = screen(wb, SYSTEM_ACTOR)
    actor = _account(wb, role, f"{role[:3]}_reader")
    before = counts(wb)
    for action in ACTIONS.values():
        with pytest.raises(PermissionDenied):
            action(wb, actor, subject)
    assert counts(wb) == before


def test_a_demoted_and_deactivated_admin_changes_no_account(wb):
    first = auth.create_first_admin(
        wb.engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    second = _account(wb, "admin", "bob")
    ada = auth.actor_for(first)
    bob_session = second  # Bob's browser tab stays open
    auth.set_role(wb.engine, ada, second.user_id, "coordinator", False, "left the team")
    for attempt in (
        lambda: auth.set_role(wb.engine, bob_session, first.id, "monitor", True, "revenge"),
        lambda: auth.reset_password(wb.engine, bob_session, first.id, "revenge"),
        lambda: auth.create_user(
            wb.engine,
            bob_session,
            {"username": "eve", "full_name": "Eve", "role": "admin", "password": PASSWORD},
        ),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert auth.user_frame(wb.engine).set_index("username").loc["ada", "role"] == "admin"


def test_the_last_active_admin_cannot_be_demoted(wb):
    first = auth.create_first_admin(
        wb.engine, {"username": "ada", "full_name": "Ada Admin", "password": PASSWORD}
    )
    other = _account(wb, "admin", "bob")
    auth.set_role(wb.engine, auth.actor_for(first), other.user_id, "monitor", True, "moved")
    with pytest.raises(ValidationFailed):  # the command line acts as the system
        auth.set_role(wb.engine, SYSTEM_ACTOR, first.id, "monitor", True, "try")
    with pytest.raises(ValidationFailed):
        auth.set_role(wb.engine, SYSTEM_ACTOR, first.id, "admin", False, "try")


def test_session_refusal_ends_a_changed_session(wb):
    actor = _account(wb, "coordinator", "cora")
    assert auth.session_refusal(wb.engine, actor.user_id, "coordinator") is None
    _put_in_state(wb, actor, "downgraded")
    assert "role changed" in auth.session_refusal(wb.engine, actor.user_id, "coordinator")
