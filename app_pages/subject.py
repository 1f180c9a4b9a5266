"""One subject: identity and status, the visit calendar, eligibility, status changes, logs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records.visits import calendar
from ui import bundles, picks, session, signing
from ui.capture import subject_panels
from ui.resources import workbench
from ui.selection import current_subject

actor = session.require("read")
wb = workbench()

subject = current_subject(wb)

st.title(f"Subject {subject.screening_number}")
cols = st.columns(4)
cols[0].metric("Status", subject.status.replace("_", " "))
cols[1].metric("Sex", wb.study.decode("SEX", subject.sex) or "")
cols[2].metric("Consent", subject.consent_date.isoformat())
cols[3].metric("Day 1 (dose)", subject.dose_date.isoformat() if subject.dose_date else "not dosed")

if subject.status_reason:
    st.caption(f"Status since {subject.status_date or '—'}: {subject.status_reason}")
subject_panels.links(actor.role)
rows = calendar(wb, subject.id)
visits_tab, eligibility_tab, status_tab, signatures_tab, casebook_tab = st.tabs(
    ["Visits", "Eligibility", "Status and visits", "Signatures", "Casebook"]
)
with casebook_tab:
    bundles.casebook_panel(wb, actor, subject.id)
with signatures_tab:
    st.subheader("Casebook signature")
    signing.panel(wb, actor, subject.id, None)
    st.subheader("Visit signatures")
    for r in rows:
        if r.status == "done":
            st.caption(f"{r.visit_code} {r.visit_name}")
            signing.history(wb, subject.id, r.visit_id)
with eligibility_tab:
    subject_panels.eligibility(wb, actor, subject, rows)
with status_tab:
    subject_panels.status_form(wb, actor, subject)
    subject_panels.add_visit_panel(wb, actor, subject)
with visits_tab:
    st.subheader("Visit calendar")
    names = {r.visit_id: r.visit_code + (f".{r.sequence}" if r.sequence > 1 else "") for r in rows}
    table = pd.DataFrame(
        [
            {
                "Visit": names[r.visit_id],
                "Name": r.visit_name,
                "Target": r.target_date,
                "Window from": r.window_start,
                "Window to": r.window_end,
                "Actual": r.actual_date,
                "Study day": r.study_day,
                "Status": r.status.replace("_", " "),
                "Out of window": "yes" if r.out_of_window else "",
                "Forms complete": f"{list(r.forms.values()).count('complete')}/{len(r.forms)}",
            }
            for r in rows
        ]
    )
    st.caption("Pick a row to open the visit.")
    picked = picks.picked_row(
        st.dataframe(table, hide_index=True, key="calendar_table", **picks.ROW_PICK)
    )
    if picked is not None:
        picks.open_visit(subject.id, rows[picked].visit_id)
    labels = {f"{names[r.visit_id]} · {r.visit_name}": r.visit_id for r in rows}
    choice = st.selectbox("Open visit", list(labels), index=None, key="open_visit_choice")
    if st.button("Open visit", key="open_visit", disabled=choice is None):
        picks.open_visit(subject.id, labels[choice])
