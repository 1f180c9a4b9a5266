"""Subject timeline: one subject's casebook on a shared study-day axis, with its visit table."""

from __future__ import annotations

import streamlit as st

from charts.casebook import PANELS
from ui import cache, downloads, session, signing
from ui.resources import workbench

actor = session.require("read")
k = cache.key()
st.title("Subject timeline")

subjects = cache.subjects(k)
if not subjects:
    st.info("No subject has been screened yet.")
    st.stop()
labels = list(subjects)
chosen = st.session_state.get("subject_id")
start = next((i for i, sid in enumerate(subjects.values()) if sid == chosen), 0)
choice = st.selectbox("Subject", labels, index=start, key="timeline_subject")
subject_id = subjects[choice]
name, dosed = cache.casebook_header(k, subject_id)

with st.expander("Casebook signature", icon=":material/signature:"):
    signing.history(workbench(), subject_id, None)

for subject, text in cache.steroid_issues(k):
    if subject == name:
        st.warning(f"Not counted in the steroid dose: {text}", icon=":material/report:")
for subject, text in cache.lab_issues(k):
    if subject == name:
        st.warning(f"Not counted in the measures: {text}", icon=":material/report:")

VIEWS = ("Timeline", "Visits and measures", "Adverse events")
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="timeline_view") or VIEWS[0]

if view == "Timeline" and not dosed:
    st.info(
        f"{name} has not been dosed: study days count from day 1, the dose date, "
        "so nothing can be placed on the timeline yet."
    )
elif view == "Timeline":
    st.caption(
        "Study day 1 = the UC-MSC dose date (no day 0). Missing values are gaps, never zeros; "
        "BILAG grades are as entered by the investigator."
    )
    shown = st.multiselect("Panels", PANELS, default=list(PANELS), key="timeline_panels")
    figure = cache.casebook_spec(k, subject_id, tuple(shown))
    if figure is None:
        st.info("Nothing recorded yet for the chosen panels.")
    else:
        downloads.chart(figure, f"timeline-{name}", "timeline")
else:
    part = "table" if view == "Visits and measures" else "lanes"
    frame = cache.casebook_part(k, subject_id, part)
    if not len(frame):
        st.info("Nothing recorded yet.")
    else:
        downloads.table(frame, f"{part}-{name}", f"casebook_{part}")
