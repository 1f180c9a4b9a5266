"""The subject a page is about: chosen on the Subjects page, with the page's own switcher, or
named in the URL (?subject=…); and the visit chosen on the subject's page or offered on the
visit page when none is."""

from __future__ import annotations

import streamlit as st

from records.context import Workbench
from records.errors import NotFound
from records.subjects import SubjectRead, get_subject, subject_frame
from records.visits import CalendarRow, calendar
from ui import navigation

SWITCH = "subject_switch"
"""Widget key of the subject switcher on subject-scoped pages."""


def current_subject(wb: Workbench) -> SubjectRead:
    """The selected subject, with a switcher to change it on the page; with none selected yet,
    the switcher offers the choice (and the Subjects page), never a dead end."""
    frame = subject_frame(wb)
    subject_id = st.session_state.get("subject_id")
    if subject_id is None and "subject" in st.query_params:
        match = frame[frame["screening_number"] == st.query_params["subject"]]
        subject_id = int(match["id"].iloc[0]) if not match.empty else None
    if frame.empty:
        st.info("No subject has been screened yet.")
        _to_subjects()
    ids = dict(zip(frame["screening_number"], frame["id"].astype(int), strict=True))
    numbers = {i: n for n, i in ids.items()}
    current = numbers.get(int(subject_id)) if subject_id is not None else None
    # Set on every run: a choice made elsewhere is followed, and a page switch (which gives
    # the widget a new identity, starting from its default) keeps the subject shown.
    st.session_state[SWITCH] = current
    st.selectbox(
        "Subject",
        list(ids),
        key=SWITCH,
        index=None,
        placeholder="Choose a subject",
        on_change=_switched,
        args=(ids,),
    )
    if current is None:
        if subject_id is not None:
            st.error("That subject does not exist.")
        _to_subjects()
    try:
        return get_subject(wb, int(subject_id))  # type: ignore[arg-type]
    except NotFound:
        st.error("That subject does not exist.")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def _switched(ids: dict[str, int]) -> None:
    """The switcher changed: that subject is now the page's (and no visit of the other one)."""
    number = st.session_state.get(SWITCH)
    if number in ids:
        st.session_state["subject_id"] = ids[number]
        st.session_state.pop("visit_id", None)


def _to_subjects() -> None:
    st.page_link(navigation.link("subjects.py"), label="Go to Subjects", icon=":material/group:")
    st.stop()


def current_visit(wb: Workbench, missing: str) -> tuple[SubjectRead, CalendarRow]:
    """The selected subject and visit (its calendar row); without one, `missing`, the choice
    of a subject and visit, a pointer to the Subjects page and a stop."""
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
        _choose_visit(wb)
        _to_subjects()
        raise AssertionError  # unreachable: st.stop() ends the run
    return subject, row  # type: ignore[return-value]


def _choose_visit(wb: Workbench) -> None:
    """The choice of a subject and one of its visits, on a page that needs a visit."""
    frame = subject_frame(wb)
    ids = dict(zip(frame["screening_number"], frame["id"].astype(int), strict=True))
    left, right = st.columns(2)
    number = left.selectbox(
        "Subject", list(ids), index=None, key="pick_visit_subject", placeholder="Choose a subject"
    )
    if number is None:
        return
    rows = calendar(wb, ids[number])
    labels = {f"{r.visit_code}{f'.{r.sequence}' if r.sequence > 1 else ''} · {r.visit_name}":
              r.visit_id for r in rows}  # fmt: skip
    visit = right.selectbox(
        "Visit", list(labels), index=None, key="pick_visit_visit", placeholder="Choose a visit"
    )
    if visit is not None:
        st.session_state.update(subject_id=ids[number], visit_id=labels[visit])
        st.rerun()


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
