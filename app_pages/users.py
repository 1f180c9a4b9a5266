"""User administration (admins only): create accounts, change roles, deactivate."""

from __future__ import annotations

import streamlit as st

from records import auth
from records.errors import NotFound, PermissionDenied, ValidationFailed
from ui import session
from ui.forms import field_errors, show_errors, summary
from ui.resources import workbench

actor = session.require("manage_users")
wb = workbench()
st.title("Users")
frame = auth.user_frame(wb.engine)
st.dataframe(frame, hide_index=True, key="users_table")

st.subheader("New account")
errors = field_errors("new_user")
summary(errors)
with st.form("new_user_form", enter_to_submit=False):
    st.text_input("Username", key="nu_username")
    show_errors(errors, "username")
    st.text_input("Full name", key="nu_full_name")
    show_errors(errors, "full_name")
    st.selectbox("Role", auth.ROLES, key="nu_role")
    st.text_input("Initial password", type="password", key="nu_password")
    show_errors(errors, "password")
    created = st.form_submit_button("Create account", type="primary")
if created:
    try:
        auth.create_user(
            wb.engine,
            actor,
            {
                k: st.session_state.get(f"nu_{k}") or ""
                for k in ("username", "full_name", "role", "password")
            },
        )
    except ValidationFailed as err:
        field_errors("new_user", err.errors)
    except PermissionDenied as err:
        st.error(str(err))
    else:
        field_errors("new_user", {})
        st.toast("Account created.")
    st.rerun()

st.subheader("Change role or deactivate")
names = dict(zip(frame["username"], frame["id"], strict=True))
with st.form("role_form", enter_to_submit=False):
    who = st.selectbox("Account", list(names), index=None, key="rc_user")
    role = st.selectbox("Role", auth.ROLES, key="rc_role")
    active = st.checkbox("Active", value=True, key="rc_active")
    reason = st.text_input("Reason", key="rc_reason")
    changed = st.form_submit_button("Apply")
if changed and who:
    try:
        auth.set_role(wb.engine, actor, int(names[who]), role, active, reason)
    except (ValidationFailed, PermissionDenied, NotFound) as err:
        st.error(str(err))
    else:
        st.toast("Account updated.")
        st.rerun()
