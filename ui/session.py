"""Who is signed in to this browser tab, and the inactivity timeout (REQ-SEC-08)."""

from __future__ import annotations

import os
import time

import streamlit as st
from sqlalchemy import Engine

from models import Actor
from records import auth
from records.permissions import allowed

IDLE_VARIABLE = "WORKBENCH_IDLE_MINUTES"
_USER = "user"
_LAST = "last_activity"


def idle_limit_seconds() -> float:
    """Minutes of inactivity before sign-out, from the environment (default 15)."""
    try:
        minutes = float(os.environ.get(IDLE_VARIABLE, "15"))
    except ValueError:
        minutes = 15.0
    return max(minutes, 0.1) * 60


def sign_in(user: auth.UserRead) -> None:
    st.session_state[_USER] = {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
    }
    st.session_state[_LAST] = time.time()
    st.session_state[MUST_CHANGE] = user.must_change_password
    st.session_state.pop(SIGNED_ONCE, None)


MUST_CHANGE = "must_change_password"
SIGNED_ONCE = "signed_once"
"""Set after the first signature of a session: later ones ask for the password only."""


def check_account(engine: Engine) -> None:
    """End this session when its account changed underneath it (deactivated, locked, new role).

    Runs on every interaction, before any page, so an open tab of a changed account can do
    nothing more; the records layer refuses its writes as well (`models.accounts`).
    """
    user = st.session_state.get(_USER)
    if not user:
        return
    refusal = auth.session_refusal(engine, user["id"], user["role"])
    if refusal is not None:
        sign_out(f"You were signed out: {refusal}.")


def sign_out(message: str | None = None) -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if message:
        st.session_state["signed_out_message"] = message


def touch() -> None:
    """Sign out after inactivity; otherwise note this interaction."""
    if _USER not in st.session_state:
        return
    last = st.session_state.get(_LAST, time.time())
    if time.time() - last > idle_limit_seconds():
        sign_out("You were signed out after a period of inactivity.")
        return
    st.session_state[_LAST] = time.time()


def current_actor() -> Actor | None:
    """The signed-in user as an audit identity, or None."""
    user = st.session_state.get(_USER)
    if not user:
        return None
    return Actor(
        user_id=user["id"],
        username=user["username"],
        full_name=user["full_name"],
        role=user["role"],
        origin="ui",
    )


def require(permission: str = "read") -> Actor:
    """Page guard: stop before rendering anything unless signed in with the permission."""
    actor = current_actor()
    if actor is None:
        st.warning("Please sign in.")
        st.stop()
    if not allowed(actor.role, permission):  # type: ignore[union-attr]
        st.error("Your role does not give access to this page.")
        st.stop()
    return actor  # type: ignore[return-value]
