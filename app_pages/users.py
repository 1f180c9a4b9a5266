"""User administration (admins only): create accounts, change roles and sites, deactivate, reset,
unlock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records import auth, words
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.sites import member_sites, set_sites
from ui import session
from ui.forms import field_errors, show_errors, summary
from ui.resources import workbench

actor = session.require("manage_users")
wb = workbench()
st.title("Users")
frame = auth.user_frame(wb.engine)
frame["sites"] = [", ".join(member_sites(wb.engine, int(i))) for i in frame["id"]]
shown = pd.DataFrame(
    {
        "Username": frame["username"],
        "Full name": frame["full_name"],
        "Role": frame["role"].map(words.role),
        "Active": frame["active"],
        "Last sign-in (UTC)": frame["last_login_at"],
        "Locked until (UTC)": frame["locked_until"],
        "Must change password": frame["must_change_password"],
        "Sites": frame["sites"],
    }
)
st.dataframe(shown, hide_index=True, key="users_table")

st.subheader("New account")
errors = field_errors("new_user")
summary(errors)
with st.form("new_user_form", enter_to_submit=False):
    st.text_input("Username", key="nu_username")
    show_errors(errors, "username")
    st.text_input("Full name", key="nu_full_name")
    show_errors(errors, "full_name")
    st.selectbox("Role", auth.ROLES, key="nu_role", format_func=words.role)
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
    role = st.selectbox("Role", auth.ROLES, key="rc_role", format_func=words.role)
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

st.subheader("Sites an account works at")
st.caption(
    "Site staff see and change only their sites' subjects; monitors and data managers review "
    "the sites given here. While the study has one site, every account works at it."
)
with st.form("sites_form", enter_to_submit=False):
    member = st.selectbox("Account", list(names), index=None, key="ss_user")
    chosen = st.multiselect("Sites", [c.code for c in wb.study.sites], key="ss_sites")
    because = st.text_input("Reason", key="ss_reason")
    granted = st.form_submit_button("Apply")
if granted and member:
    try:
        set_sites(wb, actor, int(names[member]), chosen, because)
    except (ValidationFailed, PermissionDenied, NotFound) as err:
        st.error(str(err))
    else:
        st.toast("Sites updated.")
        st.rerun()

st.subheader("Reset a password or unlock")
st.caption(
    "A reset issues a one-time password, shown once here: give it to the user, who must "
    "choose a new one at the next sign-in. Unlock lifts a lock-out after failed sign-ins."
)
one_time = st.session_state.pop("one_time_password", None)
if one_time:
    st.success("One-time password (shown once; it is not stored in clear):")
    st.code(one_time[1], language=None)
    st.text(f"for {one_time[0]}")
with st.form("reset_form", enter_to_submit=False, clear_on_submit=True):
    target = st.selectbox("Account", list(names), index=None, key="rs_user")
    why = st.text_input("Reason", key="rs_reason")
    left, right = st.columns(2)
    reset = left.form_submit_button("Reset password")
    unlock = right.form_submit_button("Unlock")
if (reset or unlock) and target:
    try:
        if reset:
            password = auth.reset_password(wb.engine, actor, int(names[target]), why)
            st.session_state["one_time_password"] = (target, password)
        else:
            auth.unlock(wb.engine, actor, int(names[target]), why)
            st.toast("Account unlocked.")
    except (ValidationFailed, PermissionDenied, NotFound) as err:
        st.error(str(err))
    else:
        st.rerun()
