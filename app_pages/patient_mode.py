"""Patient mode: staff start one questionnaire, the patient answers on the tablet, staff take back.

While patient mode is on, this page draws only the questionnaire (sidebar and menu hidden) and
the hand-back needs the staff password.
"""

from __future__ import annotations

import streamlit as st

from records import words
from records.assessments import load_assessment
from ui import session
from ui.capture import patient
from ui.resources import workbench
from ui.selection import current_visit

actor = session.require("write_clinical")
wb = workbench()
if patient.STATE in st.session_state:
    patient.questionnaire(wb, actor)
    patient.hand_back(wb, actor)
    st.stop()

st.title("Patient mode")
result = st.session_state.pop(patient.RESULT, None)
if result:
    getattr(st, result[0])(result[1])
subject, row = current_visit(
    wb, "Open the visit on a subject's page first, then start patient mode from here."
)
st.caption(f"Subject {subject.screening_number} · {row.visit_code} {row.visit_name}")

questionnaires = [c for c in row.forms if wb.study.form(c).domain == "QS"]
if not questionnaires:
    st.info("No patient questionnaire is scheduled at this visit.")
    st.stop()
open_forms = []
for code in questionnaires:
    saved = load_assessment(wb, row.visit_id, code)
    name = wb.study.form(code).name
    if patient.resumable(saved):
        open_forms.append(code)
    if saved is None:
        continue
    if patient.resumable(saved):
        st.caption(
            f"{name}: paused with {len(saved.values)} answers; starting it again resumes at the "
            "first question not yet answered, in the same mode."
        )
    else:
        st.caption(
            f"{name}: already recorded ({words.field(saved.state)}); "
            "corrections are made on the visit page, with a reason."
        )
if not open_forms:
    st.stop()
st.selectbox(
    "Questionnaire", open_forms, key=patient.FORM, format_func=lambda c: wb.study.form(c).name
)
st.selectbox(
    "Mode of administration",
    wb.study.codes("QS_MODE"),
    key=patient.MODE,
    format_func=lambda c: wb.study.decode("QS_MODE", c) or c,
)
st.caption(
    "The tablet then shows only the questionnaire, one question per screen, with neutral labels; "
    "the patient reads each question on the licensed paper form. Leaving needs your password."
)
st.button(
    "Start patient mode",
    key="patient_start",
    type="primary",
    on_click=patient.start,
    args=(wb, subject.id, row.visit_id),
)
