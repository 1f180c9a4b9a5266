"""Entry point: page config, database check, sign-in gate, and the pages this role may see."""

from __future__ import annotations

import streamlit as st

from records import auth
from ui import navigation, session
from ui.capture import patient
from ui.resources import workbench

st.set_page_config(
    page_title="Lupus trial workbench", page_icon=":material/biotech:", layout="wide"
)

wb = workbench()
session.touch()
actor = session.current_actor()

if auth.needs_setup(wb.engine):
    pages = {
        "": [
            st.Page(
                navigation.link("setup.py"),
                title="First-time setup",
                icon=":material/key:",
                url_path="setup",
                default=True,
            )
        ]
    }
elif actor is None:
    pages = {
        "": [
            st.Page(
                navigation.link("login.py"),
                title="Sign in",
                icon=":material/login:",
                url_path="login",
                default=True,
            )
        ]
    }
elif patient.STATE in st.session_state:
    # Patient mode: the tablet is in the patient's hands, so only the questionnaire is routable.
    pages = {"": [navigation.page(navigation.PATIENT_MODE, default=True)]}
else:
    pages = navigation.pages_for(actor.role)
    with st.sidebar:
        st.caption(f"{wb.study.study.id} · protocol {wb.study.study.protocol}")
        st.markdown(f"**{actor.full_name}**  \n{actor.role.replace('_', ' ')}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            session.sign_out("You signed out.")
            st.rerun()

st.navigation(pages, position="sidebar", expanded=True).run()
