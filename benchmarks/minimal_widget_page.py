"""The yardstick of bench_entry.py: a standalone Streamlit page with one select box.

What one widget interaction costs in a browser with Streamlit alone (the round trip, a rerun
that draws two elements, the redraw), so the capture forms' figures read as a ratio to it.
"""

from __future__ import annotations

import streamlit as st

st.title("Minimal page")
st.selectbox("Item", ["ND", "0", "1", "2", "3", "4"], index=None, key="item")
