"""One subject: identity, status and the visit calendar with the forms expected."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records.errors import NotFound
from records.subjects import get_subject, subject_frame
from records.visits import calendar
from ui import navigation, session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()

subject_id = st.session_state.get("subject_id")
if subject_id is None and "subject" in st.query_params:
    frame = subject_frame(wb)
    match = frame[frame["screening_number"] == st.query_params["subject"]]
    subject_id = int(match["id"].iloc[0]) if not match.empty else None
if subject_id is None:
    st.info("Choose a subject on the Subjects page.")
    st.page_link(navigation.link("subjects.py"), label="Go to Subjects", icon=":material/group:")
    st.stop()
try:
    subject = get_subject(wb, int(subject_id))
except NotFound:
    st.error("That subject does not exist.")
    st.stop()

st.title(f"Subject {subject.screening_number}")
cols = st.columns(4)
cols[0].metric("Status", subject.status.replace("_", " "))
cols[1].metric("Sex", wb.study.decode("SEX", subject.sex) or "")
cols[2].metric("Consent", subject.consent_date.isoformat())
cols[3].metric("Day 1 (dose)", subject.dose_date.isoformat() if subject.dose_date else "not dosed")

st.subheader("Visit calendar")
rows = calendar(wb, subject.id)
table = pd.DataFrame(
    [
        {
            "Visit": r.visit_code if r.sequence == 1 else f"{r.visit_code}.{r.sequence}",
            "Name": r.visit_name,
            "Target": r.target_date,
            "Window from": r.window_start,
            "Window to": r.window_end,
            "Actual": r.actual_date,
            "Study day": r.study_day,
            "Status": r.status.replace("_", " "),
            "Out of window": "yes" if r.out_of_window else "",
            "Forms complete": f"{sum(s == 'complete' for s in r.forms.values())}/{len(r.forms)}",
        }
        for r in rows
    ]
)
st.dataframe(table, hide_index=True, key="calendar_table")
labels = {f"{r.visit_code} · {r.visit_name}": r.visit_id for r in rows}
choice = st.selectbox("Open visit", list(labels), index=None, key="open_visit_choice")
if st.button("Open visit", key="open_visit", disabled=choice is None):
    st.session_state["visit_id"] = labels[choice]
    st.switch_page(navigation.link("visit.py"))
