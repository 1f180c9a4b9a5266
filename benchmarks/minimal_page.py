"""The yardstick of bench_pages.py: a guarded page with a title and one line of text."""

from __future__ import annotations

import streamlit as st

from ui import session

actor = session.require("read")
st.title("Minimal page")
st.write("Nothing else happens here.")
