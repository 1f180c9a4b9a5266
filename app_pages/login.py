"""Sign in with a local account."""

from __future__ import annotations

import streamlit as st

from records import auth
from records.errors import PermissionDenied
from ui import session
from ui.resources import workbench

wb = workbench()
st.title("Sign in")
st.caption(f"{wb.study.study.title} · {wb.study.study.id} · {wb.study.site.name}")
message = st.session_state.pop("signed_out_message", None)
if message:
    st.info(message)
with st.form("login_form"):
    username = st.text_input("Username", key="login_username")
    password = st.text_input("Password", type="password", key="login_password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        user = auth.authenticate(wb.engine, username, password)
    except PermissionDenied as err:
        st.error(str(err))
    else:
        session.sign_in(user)
        st.rerun()
