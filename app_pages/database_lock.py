"""Database lock: the readiness checklist; the data manager freezes, locks and unlocks the study."""

from __future__ import annotations

import streamlit as st

from records import review_status as rs
from records.errors import RecordsError
from ui import session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
st.title("Database lock")
status = rs.review_status(wb)
if status.lock:
    st.error(f"LOCKED since {status.lock.locked_at:%Y-%m-%d %H:%M} UTC by {status.lock.locked_by}")
else:
    st.info("LIVE: the database is not locked.")
for item in status.items:
    st.markdown(f"{'✅' if item.ok else '❌'} **{item.name}**")
    for problem in item.problems[:50]:
        st.text(f"  {problem}")
    if len(item.problems) > 50:
        st.caption(f"… and {len(item.problems) - 50} more")

if actor.role == "data_manager":
    st.divider()
    reason = st.text_input("Reason", key="lock_reason", max_chars=1000)
    c1, c2 = st.columns(2)
    try:
        if not status.lock:
            if c1.button("Lock the database", key="lock_db", disabled=not status.ready):
                rs.lock_database(wb, actor, reason)
                st.rerun()
            if c2.button("Freeze the study", key="freeze_db"):
                rs.freeze_study(wb, actor, reason)
                st.rerun()
        else:
            password = st.text_input("Your password (to unlock)", type="password", key="unlock_pw")
            if c1.button("Unlock the database", key="unlock_db"):
                rs.unlock_database(wb, actor, reason, password)
                st.rerun()
    except RecordsError as err:
        st.error(str(err))
