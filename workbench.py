"""Entry point: page config, database check, sign-in gate, and the pages this role may see."""

from __future__ import annotations

import streamlit as st

from records import auth
from ui import navigation, session, sites, unsaved
from ui.capture import patient
from ui.resources import workbench

st.set_page_config(
    page_title="Lupus trial workbench", page_icon=":material/biotech:", layout="wide"
)

wb = workbench()
session.touch()
session.check_account(wb.engine)
actor = session.current_actor()
position = "sidebar"

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
    # Every page's address runs the sign-in page, so a link (/subject?subject=001-001) survives
    # signing in: after it the same address opens the page it names.
    pages = {"": navigation.sign_in_pages()}
    position = "hidden"
elif st.session_state.get(session.MUST_CHANGE):
    pages = {"": [navigation.page(navigation.ACCOUNT, default=True)]}
elif patient.STATE in st.session_state:
    # Patient mode: the tablet is in the patient's hands, so only the questionnaire is routable.
    pages = {"": [navigation.page(navigation.PATIENT_MODE, default=True)]}
else:
    pages = navigation.pages_for(actor.role)
    with st.sidebar:
        st.caption(f"{wb.study.study.id} · protocol {wb.study.study.protocol}")
        st.text(actor.full_name)  # user text is shown as text, never as Markdown
        st.caption(actor.role.replace("_", " "))
        sites.choose_site(actor)
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            session.sign_out("You signed out.")
            st.rerun()
        unsaved.guard()

st.navigation(pages, position=position, expanded=True).run()  # type: ignore[arg-type]
