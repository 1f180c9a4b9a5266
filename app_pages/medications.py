"""A subject's concomitant medications and corticosteroid regimens, with the daily steroid curve."""

from __future__ import annotations

import streamlit as st

from records.holds import hold_state
from records.medications import list_medications
from records.permissions import allowed
from ui import navigation, review, session
from ui.capture import logs, medications, taper
from ui.resources import workbench
from ui.selection import current_subject

actor = session.require("read")
wb = workbench()
subject = current_subject(wb)
held = hold_state(wb, subject.id)  # frozen or locked: no save buttons (#12)
writable = allowed(actor.role, "write_clinical") and held is None

st.title(f"Medications · {subject.screening_number}")
review.hold_banner(wb, subject.id)
st.page_link(navigation.link("subject.py"), label="Back to the subject", icon=":material/person:")
if not writable and held is None:
    st.info("Read-only: your role can review medications but not change them.")

st.subheader("Corticosteroids: prednisone-equivalent dose per day")
medications.curve(wb, subject.id, subject.dose_date)
rows = list_medications(wb, subject.id)
medications.issues(rows)
pulses = [r for r in rows if r.pulse and not r.error_reason]
if pulses:
    st.markdown("**IV pulses**")
    st.dataframe(medications.table(pulses), hide_index=True, key="pulse_table")

st.subheader("All medications")
if rows:
    st.dataframe(medications.table(rows), hide_index=True, key="medication_table")
else:
    st.caption("No medication recorded.")
if writable:
    taper.panel(wb, actor, subject.id)
form = medications.form(wb, actor, subject.id)
chosen = logs.choose(form, rows, medications.describe)
if chosen is None and not writable:
    st.stop()
st.subheader("New medication" if chosen is None else medications.describe(chosen))
logs.edit(wb, actor, form, subject.id, chosen, medications.values(chosen), writable)
