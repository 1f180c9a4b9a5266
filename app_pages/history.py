"""A subject's medical history and SLE history: conditions and manifestations before consent."""

from __future__ import annotations

import streamlit as st

from records.history import list_history
from records.holds import hold_state
from records.permissions import allowed
from ui import navigation, review, session
from ui.capture import history, logs
from ui.resources import workbench
from ui.selection import current_subject

actor = session.require("read")
wb = workbench()
subject = current_subject(wb)
held = hold_state(wb, subject.id)  # frozen or locked: no save buttons (#12)
writable = allowed(actor.role, "write_clinical") and held is None

st.title(f"Medical and SLE history · {subject.screening_number}")
review.hold_banner(wb, subject.id)
st.page_link(navigation.link("subject.py"), label="Back to the subject", icon=":material/person:")
if not writable and held is None:
    st.info("Read-only: your role can review the history but not change it.")
st.caption("Conditions that began after consent are adverse events, not history.")
rows = list_history(wb, subject.id)
for code, label in wb.study.codelists.get("MH_CATEGORY", ()):
    st.markdown(f"**{label}**")
    chosen_rows = [r for r in rows if r.category == code]
    if chosen_rows:
        st.dataframe(history.table(wb, chosen_rows), hide_index=True, key=f"history_{code}")
    else:
        st.caption("None recorded.")

form = history.form(wb, actor, subject.id)
chosen = logs.choose(form, rows, history.describe)
if chosen is None and not writable:
    st.stop()
st.subheader("New history entry" if chosen is None else history.describe(chosen))
logs.edit(wb, actor, form, subject.id, chosen, history.values(chosen), writable)
