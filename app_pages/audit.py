"""Audit trail viewer: filter by subject, user, record type and date; download as CSV."""

from __future__ import annotations

from datetime import date

import streamlit as st

from exports.csv_file import frame_to_csv_bytes
from records import words
from records.audit_trail import (
    AuditFilter,
    audit_frame,
    audit_users_and_entities,
    readable,
    verify_chain,
)
from records.integrity import current_anchor
from records.sites import sees_every_site
from records.subjects import subject_frame
from ui import session
from ui.resources import workbench

actor = session.require("read_audit")
wb = workbench()
st.title("Audit trail")

users, entities = audit_users_and_entities(wb.engine)
subjects = subject_frame(wb)
numbers = dict(zip(subjects["screening_number"], subjects["id"], strict=True))
c1, c2, c3 = st.columns(3)
subject = c1.selectbox("Subject", list(numbers), index=None, key="audit_subject")
username = c2.selectbox("User", users, index=None, key="audit_user")
entity = c3.selectbox(
    "Record type", entities, index=None, key="audit_entity", format_func=words.entity
)
c4, c5 = st.columns(2)
date_from = c4.date_input("From (UTC)", value=None, key="audit_from")
date_to = c5.date_input("To (UTC)", value=None, key="audit_to")

frame = audit_frame(
    wb.engine,
    actor,
    AuditFilter(
        subject_id=int(numbers[subject]) if subject else None,
        username=username,
        entity=entity,
        date_from=date_from,
        date_to=date_to,
        site_ids=None if sees_every_site(wb) else wb.site_ids,
    ),
)
st.caption(f"{len(frame)} rows, newest first (at most 5000 shown). Times are UTC.")
st.dataframe(readable(frame, wb.study.form_name), hide_index=True, key="audit_table")
st.download_button(
    "Download CSV (stored codes)",
    data=frame_to_csv_bytes(frame),
    file_name=f"audit-trail-{wb.study.study.id}-{date.today().isoformat()}.csv",
    mime="text/csv",
    on_click="ignore",
    key="audit_csv",
)

if st.button("Verify the audit chain", key="verify_chain"):
    report = verify_chain(wb.engine)
    if report.ok:
        st.success(f"The chain of {report.rows} audit rows is intact.")
    else:
        st.error("The audit trail was altered:\n\n" + "\n".join(f"- {p}" for p in report.problems))

st.caption(
    "Anchor: copy this line into a file kept off this computer (the trial master file, an "
    "e-mail to the sponsor); `manage.py verify --anchor FILE` later proves the trail still "
    "extends it."
)
st.code(current_anchor(wb.engine), language=None)
