"""The sidebar's site choice for accounts at several sites: one site, or all of theirs (#16)."""

from __future__ import annotations

import streamlit as st

from models import Actor
from records.sites import scoped, site_codes
from ui.resources import SITE_CHOICE, study_workbench

ALL = "All my sites"


def choose_site(actor: Actor) -> None:
    """Show which sites the pages cover; offer the choice when the account has several."""
    mine = site_codes(scoped(study_workbench(), actor))
    if len(mine) <= 1:
        st.session_state[SITE_CHOICE] = None
        if mine:
            st.caption(f"site {mine[0]}")
        else:
            st.warning("Your account is not a member of any site yet: ask an administrator.")
        return
    options = [ALL, *mine]
    picked = st.selectbox("Site", options, key="site_picker")
    st.session_state[SITE_CHOICE] = None if picked == ALL else picked
