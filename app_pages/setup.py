"""First start on an empty database: create the first administrator (no default password)."""

from __future__ import annotations

import streamlit as st

from records import auth
from records.errors import PermissionDenied, ValidationFailed
from ui.forms import field_errors, show_errors
from ui.resources import workbench

wb = workbench()
if not auth.needs_setup(wb.engine):
    st.info("Setup is complete. Please sign in.")
    st.stop()

st.title("First-time setup")
st.write(
    f"**{wb.study.study.title}** ({wb.study.study.id}). Create the first administrator "
    "account. There is no default password: choose one of at least "
    f"{auth.MIN_PASSWORD_LENGTH} characters."
)
errors = field_errors("setup")
with st.form("setup_form", enter_to_submit=False):
    st.text_input("Username", key="setup_username")
    show_errors(errors, "username")
    st.text_input("Full name (printed on signatures and audit rows)", key="setup_full_name")
    show_errors(errors, "full_name")
    st.text_input("Password", type="password", key="setup_password")
    show_errors(errors, "password")
    st.text_input("Repeat password", type="password", key="setup_password_confirm")
    show_errors(errors, "password_confirm")
    submitted = st.form_submit_button("Create administrator", type="primary")

if submitted:
    values = {
        k: st.session_state.get(f"setup_{k}", "")
        for k in ("username", "full_name", "password", "password_confirm")
    }
    try:
        auth.create_first_admin(wb.engine, values)
    except ValidationFailed as err:
        field_errors("setup", err.errors)
        st.rerun()
    except PermissionDenied as err:
        st.error(str(err))
    else:
        field_errors("setup", {})
        st.session_state["signed_out_message"] = "Administrator created. Please sign in."
        st.rerun()
