"""Subject list, opening a subject, and screening a new one."""

from __future__ import annotations

from datetime import date

import streamlit as st

from records.errors import PermissionDenied, ValidationFailed
from records.permissions import allowed
from records.sites import next_screening_number, site_codes
from records.subjects import screen_subject, subject_frame, subject_table
from ui import cache, navigation, picks, session
from ui.forms import field_errors, show_errors, summary
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
st.title("Subjects")

frame = subject_frame(wb)
if frame.empty:
    st.info("No subject has been screened yet.")
else:
    shown = subject_table(wb, frame, cache.next_visit_of(cache.key(wb)))
    st.caption("Pick a row to open the subject.")
    picked = picks.picked_row(
        st.dataframe(shown, hide_index=True, key="subjects_table", **picks.ROW_PICK)
    )
    if picked is not None:
        picks.open_subject(int(frame["id"].iloc[picked]))
    choice = st.selectbox(
        "Open subject",
        frame["screening_number"].tolist(),
        index=None,
        placeholder="Choose a screening number",
        key="open_subject_choice",
    )
    if st.button("Open subject", key="open_subject", disabled=choice is None):
        picks.open_subject(int(frame.loc[frame["screening_number"] == choice, "id"].iloc[0]))

if allowed(actor.role, "enrol"):
    st.subheader("Screen a new subject")
    errors = field_errors("screen")
    summary(errors)
    codes = site_codes(wb)
    if codes:
        st.caption(
            "Next free screening number: "
            + ", ".join(f"{next_screening_number(wb, c)} (site {c})" for c in codes)
        )
    with st.form("screen_form", enter_to_submit=False):
        if len(wb.study.sites) > 1:
            st.selectbox("Site", codes, index=0 if len(codes) == 1 else None, key="scr_site")
            show_errors(errors, "site")
        st.text_input("Screening number", key="scr_screening_number", max_chars=20)
        show_errors(errors, "screening_number")
        st.selectbox(
            "Sex",
            wb.study.codes("SEX"),
            index=None,
            key="scr_sex",
            format_func=lambda c: wb.study.decode("SEX", c) or c,
        )
        show_errors(errors, "sex")
        c1, c2 = st.columns(2)
        c1.date_input("Birth date", value=None, min_value=date(1900, 1, 1), key="scr_birth_date")
        c2.number_input(
            "or birth year",
            value=None,
            step=1,
            min_value=1900,
            max_value=date.today().year,
            key="scr_birth_year",
        )
        show_errors(errors, "birth_date")
        show_errors(errors, "birth_year")
        c3, c4 = st.columns(2)
        c3.date_input("Consent date", value=None, key="scr_consent_date")
        c4.time_input("Consent time", value=None, key="scr_consent_time")
        show_errors(errors, "consent_date")
        show_errors(errors, "consent_time")
        submitted = st.form_submit_button("Screen subject", type="primary")
    if submitted:
        values = {
            k: st.session_state.get(f"scr_{k}")
            for k in (
                "site",
                "screening_number",
                "sex",
                "birth_date",
                "birth_year",
                "consent_date",
                "consent_time",
            )
        }
        try:
            created = screen_subject(wb, actor, values)
        except ValidationFailed as err:
            field_errors("screen", err.errors)
            st.rerun()
        except PermissionDenied as err:
            st.error(str(err))
        else:
            field_errors("screen", {})
            st.session_state["subject_id"] = created.id
            st.switch_page(navigation.link("subject.py"))
