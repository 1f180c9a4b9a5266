"""The one cached workbench (engine + study definition) per database URL, migrated on start."""

from __future__ import annotations

import os

import streamlit as st

from models.db import database_url, make_engine, upgrade
from records.context import Workbench
from study import DEFAULT_DEFINITION, load_study

STUDY_VARIABLE = "WORKBENCH_STUDY"


@st.cache_resource(show_spinner="Opening the study database…")
def _open(url: str, study_path: str) -> Workbench:
    engine = make_engine(url)
    upgrade(engine)
    return Workbench(engine=engine, study=load_study(study_path))


def workbench() -> Workbench:
    """The workbench for the configured URL and study (cached; keyed on both)."""
    return _open(database_url(), os.environ.get(STUDY_VARIABLE) or str(DEFAULT_DEFINITION))
