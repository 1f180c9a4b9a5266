"""A subject's adverse-event log: the table with derived flags, and one event's form."""

from __future__ import annotations

import streamlit as st

from records.holds import hold_state
from records.permissions import allowed
from ui import navigation, review, session
from ui.capture import adverse_events, logs
from ui.resources import workbench
from ui.selection import current_subject

actor = session.require("read")
wb = workbench()
subject = current_subject(wb)
held = hold_state(wb, subject.id)  # frozen or locked: no save buttons (#12)
writable = allowed(actor.role, "write_clinical") and held is None
zone = wb.study.site.timezone

st.title(f"Adverse events · {subject.screening_number}")
review.hold_banner(wb, subject.id)
st.page_link(navigation.link("subject.py"), label="Back to the subject", icon=":material/person:")
if not writable and held is None:
    st.info("Read-only: your role can review adverse events but not change them.")
st.caption(
    "Record every AE from consent. Treatment-emergence (onset on or after the day-1 dose start, "
    "through day 168), seriousness and the 24-hour SAE clock are derived, not typed."
)
events = adverse_events.events(wb, subject.id)
if events:
    st.dataframe(adverse_events.table(events, zone), hide_index=True, key="ae_table")
else:
    st.caption("No adverse event recorded.")

form = adverse_events.form(wb, actor, subject.id)
chosen = logs.choose(form, events, adverse_events.describe)
if chosen is None and not writable:
    st.stop()
st.subheader("New adverse event" if chosen is None else adverse_events.describe(chosen))
if chosen is not None:
    adverse_events.derived(chosen, zone)
logs.edit(wb, actor, form, subject.id, chosen, chosen.values if chosen else {}, writable)
