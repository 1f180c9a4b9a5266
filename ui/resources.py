"""The one cached workbench (engine + study definition) per database URL, migrated on start.

Pages get it scoped to the signed-in account's sites, read now (`records.sites.scoped`), and
narrowed to the site chosen in the sidebar when the account works at several (#16).
"""

from __future__ import annotations

import os

import streamlit as st

from models.db import database_url, make_engine, upgrade
from records.context import Workbench
from records.sites import scoped, site_codes, sync_sites, with_site
from study import DEFAULT_DEFINITION, load_study

STUDY_VARIABLE = "WORKBENCH_STUDY"
_SYNCED = "sites_synced"


@st.cache_resource(show_spinner="Opening the study database…")
def _open(url: str, study_path: str) -> Workbench:
    engine = make_engine(url)
    upgrade(engine)
    return Workbench(engine=engine, study=load_study(study_path))


SITE_CHOICE = "site_choice"
"""Session key of the sidebar's site choice (None or absent: all the account's sites)."""


def study_workbench() -> Workbench:
    """The workbench for the configured URL and study, every site (cached; keyed on both)."""
    wb = _open(database_url(), os.environ.get(STUDY_VARIABLE) or str(DEFAULT_DEFINITION))
    if wb.site_ids is None and not st.session_state.get(_SYNCED):
        sync_sites(wb)  # the definition's sites exist before anyone picks one
        st.session_state[_SYNCED] = True
    return wb


def workbench() -> Workbench:
    """The workbench as the signed-in account sees it: its sites, or the one it chose."""
    from ui.session import current_actor

    wb = study_workbench()
    actor = current_actor()
    if actor is None:
        return wb
    mine = scoped(wb, actor)
    choice = st.session_state.get(SITE_CHOICE)
    if choice and choice in site_codes(mine):
        return with_site(mine, choice)
    return mine
