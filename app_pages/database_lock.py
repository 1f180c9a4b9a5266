"""Database lock: the readiness checklist; the data manager freezes, locks and unlocks the study."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records import holds as hd
from records import review_status as rs
from records.errors import RecordsError
from records.subjects import subject_frame
from records.visits import calendar
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

st.divider()
st.header("Freezes and locks in force")
active = hd.holds(wb)
subjects = subject_frame(wb)
numbers = dict(zip(subjects["id"], subjects["screening_number"], strict=True))
visit_codes = {
    v.visit_id: v.visit_code for sid in numbers for v in calendar(wb, int(sid)) if v.visit_id
}
if not active:
    st.info("Nothing is frozen or locked.")
else:
    st.dataframe(
        pd.DataFrame(
            [{"Hold": h.id, "Kind": h.kind, "Level": h.level,
              "Subject": numbers.get(h.subject_id, ""), "Visit": visit_codes.get(h.visit_id, ""),
              "Form": h.form_code or "", "Reason": h.reason, "By": h.locked_by,
              "Since (UTC)": h.locked_at} for h in active]
        ),
        hide_index=True, key="holds_table",
    )  # fmt: skip
if actor.role == "data_manager":
    with st.expander("Freeze or lock a subject, a visit or a form"):
        number = st.selectbox("Subject", sorted(numbers.values()), index=None, key="hold_subject")
        sid = next((k for k, v in numbers.items() if v == number), None)
        rows = [r for r in calendar(wb, int(sid))] if sid is not None else []
        visit = st.selectbox(
            "Visit (blank: the whole subject)", [r.visit_code for r in rows], index=None,
            key="hold_visit",
        )  # fmt: skip
        form = st.selectbox(
            "Form (blank: the whole visit)", [f.code for f in wb.study.forms], index=None,
            key="hold_form", disabled=visit is None,
        )  # fmt: skip
        kind = st.radio("Kind", ["freeze", "lock"], horizontal=True, key="hold_kind")
        why = st.text_input("Reason", key="hold_reason", max_chars=1000)
        if st.button("Place", key="hold_place", disabled=sid is None):
            vid = next((r.visit_id for r in rows if r.visit_code == visit), None)
            try:
                hd.place_hold(wb, actor, kind, why, subject_id=None if vid else sid,
                              visit_id=vid, form_code=form if vid else None)  # fmt: skip
            except RecordsError as err:
                st.error(str(err))
            else:
                st.rerun()
    if active:
        with st.expander("Unfreeze or unlock one of them"):
            chosen = st.selectbox("Hold", [h.id for h in active], key="lift_hold_id")
            why = st.text_input("Reason", key="lift_reason", max_chars=1000)
            secret = st.text_input("Your password", type="password", key="lift_pw")
            if st.button("Lift", key="lift_hold"):
                try:
                    hd.lift_hold(wb, actor, int(chosen), why, secret)
                except RecordsError as err:
                    st.error(str(err))
                else:
                    st.rerun()
