"""One visit: its date and window, the forms expected with their state, and the chosen form."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from records.completeness import item_labels
from records.holds import hold_state
from records.permissions import allowed
from records.queries import list_queries
from ui import navigation, picks, review, session, signing
from ui.capture import forms, visit_date
from ui.capture.target import Target
from ui.resources import workbench
from ui.selection import current_visit

actor = session.require("read")
wb = workbench()
subject, row = current_visit(wb, "Choose a visit on a subject's page.")
st.title(f"{subject.screening_number} · {row.visit_code} {row.visit_name}")
held = review.hold_banner(wb, subject.id, row.visit_id)
target = Target(
    subject_id=subject.id,
    visit_id=row.visit_id,
    visit_code=row.visit_code,
    visit_date=row.actual_date,
    writable=allowed(actor.role, "write_clinical") and held is None,
)

st.caption(
    f"Target {row.target_date or '—'} · window {row.window_start or '—'} to "
    f"{row.window_end or '—'} · status {row.status.replace('_', ' ')}"
    + (f" · study day {row.study_day}" if row.study_day else "")
)
if row.out_of_window:
    st.warning(f"Out of window by {row.days_off_window} day(s): a protocol deviation.")
if not target.writable and held is None:
    st.info("Read-only: your role can review this visit but not change it.")
st.page_link(navigation.link("subject.py"), label="Back to the subject", icon=":material/person:")
visit_date.render(wb, actor, target, row)
with st.expander("Visit signature", expanded=True, icon=":material/signature:"):
    signing.panel(wb, actor, subject.id, row.visit_id)

st.subheader("Forms")
st.caption("Pick a row to open its form.")
codes = forms.capturable(wb, wb.study.visit(row.visit_code).forms)
states = {code: row.forms.get(code, "not_started").replace("_", " ") for code in codes}
marks = review.markers(list_queries(wb, subject_id=subject.id, visit_id=row.visit_id))
table = pd.DataFrame(
    [
        {
            "Form": wb.study.form(c).name,
            "Code": c,
            "State": states[c],
            "Missing": ", ".join(item_labels(wb.study, c, row.missing.get(c, ()))),
            "Queries": marks.get(c, ""),
        }
        for c in codes
    ]
)
picked = st.dataframe(
    table,
    hide_index=True,
    key=f"visit_forms_{row.visit_id}",  # a selection per visit: never carried to another
    **picks.ROW_PICK,
)
forms.pick_from_table(picked, codes)
if st.session_state.get(forms.SELECTED) not in codes:
    st.session_state[forms.SELECTED] = codes[0]
choice = st.selectbox(
    "Form to open",
    codes,
    key=forms.SELECTED,
    format_func=lambda c: wb.study.form(c).name,
)
st.subheader(wb.study.form(choice).name)
st.caption(f"Form state: {states[choice]}")
if row.missing.get(choice):
    st.warning(
        "Stored as complete but required items are missing, so it does not count as done: "
        + ", ".join(item_labels(wb.study, choice, row.missing[choice]))
    )
if marks.get(choice):
    st.warning(f"Open queries on this form: {marks[choice]} (see below)")
form_held = hold_state(wb, subject.id, row.visit_id, choice) if held is None else None
if form_held:  # a hold on this one form: its save buttons go too (#12)
    st.warning(f"This form is {form_held}: no data can change until a data manager unlocks it.")
    target = dataclasses.replace(target, writable=False)
forms.render(wb, actor, target, choice)
review.form_queries(wb, actor, subject.id, row.visit_id, choice)
