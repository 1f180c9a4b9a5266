"""The subject a page is about: chosen on the Subjects page, or named in the URL (?subject=…),
and the visit chosen on the subject's page."""

from __future__ import annotations

import streamlit as st

from records.context import Workbench
from records.errors import NotFound
from records.subjects import SubjectRead, get_subject, subject_frame
from records.visits import CalendarRow, calendar
from ui import navigation


def current_subject(wb: Workbench) -> SubjectRead:
    """The selected subject, or a pointer to the Subjects page and a stop."""
    subject_id = st.session_state.get("subject_id")
    if subject_id is None and "subject" in st.query_params:
        frame = subject_frame(wb)
        match = frame[frame["screening_number"] == st.query_params["subject"]]
        subject_id = int(match["id"].iloc[0]) if not match.empty else None
    if subject_id is None:
        st.info("Choose a subject on the Subjects page.")
        st.page_link(
            navigation.link("subjects.py"), label="Go to Subjects", icon=":material/group:"
        )
        st.stop()
    try:
        return get_subject(wb, int(subject_id))
    except NotFound:
        st.error("That subject does not exist.")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def current_visit(wb: Workbench, missing: str) -> tuple[SubjectRead, CalendarRow]:
    """The selected subject and visit (its calendar row), or `missing`, a pointer to the
    Subjects page and a stop."""
    subject_id, visit_id = st.session_state.get("subject_id"), st.session_state.get("visit_id")
    if visit_id is None and "subject" in st.query_params and "visit" in st.query_params:
        subject_id, visit_id = _visit_from_link(wb)
    try:  # the subject first: one of another site is not found (#16)
        subject = get_subject(wb, int(subject_id)) if subject_id and visit_id else None
    except NotFound:
        subject = None
    rows = calendar(wb, subject.id) if subject else []
    row = next((r for r in rows if r.visit_id == visit_id), None)
    if row is None:
        st.info(missing)
        st.page_link(
            navigation.link("subjects.py"), label="Go to Subjects", icon=":material/group:"
        )
        st.stop()
        raise AssertionError  # unreachable: st.stop() ends the run
    return subject, row  # type: ignore[return-value]


def _visit_from_link(wb: Workbench) -> tuple[int | None, int | None]:
    """(subject id, visit id) named by ?subject=<screening number>&visit=<visit code[.n]>."""
    frame = subject_frame(wb)
    match = frame[frame["screening_number"] == st.query_params["subject"]]
    if match.empty:
        return None, None
    subject_id = int(match["id"].iloc[0])
    code, _, seq = str(st.query_params["visit"]).partition(".")
    for r in calendar(wb, subject_id):
        if r.visit_code == code and r.sequence == (int(seq) if seq.isdigit() else 1):
            return subject_id, r.visit_id
    return subject_id, None
