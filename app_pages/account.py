"""My account: change my password (also where a one-time password must be replaced)."""

from __future__ import annotations

import streamlit as st

from records import auth, words
from records.errors import PermissionDenied, ValidationFailed
from records.passwords import MIN_LENGTH
from ui import session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
st.title("My account")
st.text(f"{actor.full_name} · {actor.username} · {words.role(actor.role)}")
if st.session_state.get(session.MUST_CHANGE):
    st.warning("Your password was reset by an administrator: choose a new one to continue.")
st.subheader("Change my password")
st.caption(
    f"At least {MIN_LENGTH} characters; a pass phrase is welcome. Not your username, not a "
    "common password; no other rules."
)
with st.form("password_form", clear_on_submit=True, enter_to_submit=False):
    current = st.text_input("Current password", type="password", key="pw_current")
    new = st.text_input("New password", type="password", key="pw_new")
    confirm = st.text_input("New password again", type="password", key="pw_confirm")
    changed = st.form_submit_button("Change password", type="primary")
if changed:
    try:
        auth.change_password(wb.engine, actor, current, new, confirm)
    except (ValidationFailed, PermissionDenied) as err:
        st.error(str(err))
    else:
        st.session_state[session.MUST_CHANGE] = False
        st.toast("Password changed.")
        st.rerun()
