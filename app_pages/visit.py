"""One visit: its date, window and the forms expected with their completion state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records.errors import ConflictError, PermissionDenied, ValidationFailed
from records.permissions import allowed
from records.subjects import get_subject
from records.visits import calendar, record_visit_date
from ui import navigation, session
from ui.forms import field_errors, show_errors
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
subject_id, visit_id = st.session_state.get("subject_id"), st.session_state.get("visit_id")
row = (
    next((r for r in calendar(wb, int(subject_id)) if r.visit_id == visit_id), None)
    if subject_id and visit_id
    else None
)
if row is None:
    st.info("Choose a visit on a subject's page.")
    st.page_link(navigation.link("subjects.py"), label="Go to Subjects", icon=":material/group:")
    st.stop()
subject = get_subject(wb, int(subject_id))

st.title(f"{subject.screening_number} · {row.visit_code} {row.visit_name}")
st.caption(
    f"Target {row.target_date or '—'} · window {row.window_start or '—'} to "
    f"{row.window_end or '—'} · status {row.status.replace('_', ' ')}"
)
if row.out_of_window:
    st.warning(f"Out of window by {row.days_off_window} day(s): a protocol deviation.")

if allowed(actor.role, "write_clinical"):
    errors = field_errors("visit_date")
    with st.form("visit_date_form", enter_to_submit=False):
        st.date_input("Visit date", value=row.actual_date, key="visit_actual_date")
        show_errors(errors, "actual_date")
        if row.actual_date is not None:
            st.text_input("Reason for change", key="visit_reason")
            show_errors(errors, "reason")
        saved = st.form_submit_button("Save visit date", type="primary")
    if saved:
        try:
            record_visit_date(
                wb,
                actor,
                row.visit_id,
                st.session_state.get("visit_actual_date"),
                reason=st.session_state.get("visit_reason"),
                expected_version=row.version_id,
            )
        except ValidationFailed as err:
            field_errors("visit_date", err.errors)
        except (ConflictError, PermissionDenied) as err:
            st.error(str(err))
        else:
            field_errors("visit_date", {})
            st.success("Visit date saved.")
        st.rerun()

st.subheader("Forms expected at this visit")
forms = pd.DataFrame(
    [
        {"Form": wb.study.form(code).name, "Code": code, "State": state.replace("_", " ")}
        for code, state in row.forms.items()
    ]
)
if forms.empty:
    st.write("No forms are scheduled at this visit; any form may be entered.")
else:
    st.dataframe(forms, hide_index=True, key="visit_forms")
