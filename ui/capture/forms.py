"""Which renderer draws which case report form, by the form's kind in the study definition."""

from __future__ import annotations

import streamlit as st

from models import Actor
from records import words
from records.assessments import load_assessment
from records.changes import change_counter
from records.context import Workbench
from ui import navigation
from ui.capture import assessment, dose, flow, instruments, lab_panel, vitals
from ui.capture.target import Target

SELECTED = "visit_form"
"""Session key of the form chosen on the visit page."""
_FIRST = ("PGA",)
"""Instruments asked before the others at a visit (PGA before SLEDAI totals, spec §5)."""


def ordered(wb: Workbench, codes: list[str]) -> list[str]:
    """The visit's forms with the PGA moved before the instruments that must follow it."""
    first = [c for c in codes if wb.study.form(c).instrument in _FIRST]
    return first + [c for c in codes if c not in first]


def capturable(wb: Workbench, visit_forms: tuple[str, ...]) -> list[str]:
    """Forms to offer: the scheduled ones, or every visit form at an unscheduled visit."""
    if visit_forms:
        return ordered(wb, list(visit_forms))
    kinds = ("instrument", "items", "labs", "vitals")
    return ordered(wb, [f.code for f in wb.study.forms if f.kind in kinds])


def _pga_first(wb: Workbench, target: Target) -> bool:
    """True when the visit's PGA is saved; otherwise say so and offer to open it."""
    codes = [f.code for f in wb.study.forms if f.instrument == "PGA"]
    if any(load_assessment(wb, target.visit_id, c) is not None for c in codes):
        return True
    st.info(
        "Record the physician global assessment first: it is asked before the SLEDAI-2K "
        "descriptors and totals are shown, so that it is judged independently of them.",
        icon=":material/info:",
    )
    st.button("Open the PGA form", key="open_pga", on_click=_choose, args=(codes[0],))
    return False


def _choose(code: str) -> None:
    st.session_state[SELECTED] = code


_PICKED = "_visit_form_picked"
"""The forms-table selection already applied (a selection stays until another row is
picked, so it is applied once and the form chooser stays free to change)."""


def pick_from_table(state: object, codes: list[str]) -> None:
    """Open the form of the row just picked in the visit's forms table (one click)."""
    rows = list(state.selection.get("rows", [])) if state else []  # type: ignore[attr-defined]
    picked = (tuple(codes), tuple(rows))
    if rows and picked != st.session_state.get(_PICKED):
        st.session_state[SELECTED] = codes[rows[0]]
    st.session_state[_PICKED] = picked


def _view(wb: Workbench, target: Target, code: str) -> assessment.View | None:
    """The layout of an instrument form (None: items in form order)."""
    name = wb.study.form(code).instrument
    if name == "PGA":
        return instruments.pga_view(wb)
    if name == "BILAG2004":
        return instruments.bilag_view(wb)
    if name == "SLEDAI2K":
        return instruments.sledai_view(wb, target)
    return None


def _instrument(wb: Workbench, actor: Actor, target: Target, code: str) -> None:
    form = wb.study.form(code)
    if form.instrument == "SLEDAI2K" and not _pga_first(wb, target):
        return
    if form.domain == "QS" and target.writable:
        st.page_link(
            navigation.link("patient_mode.py"),
            label="Hand the tablet to the patient (patient mode)",
            icon=":material/tablet:",
        )
    saved = assessment.render(wb, actor, target, code, _view(wb, target, code))
    if saved is not None and saved.derived is not None and saved.derived.values:
        st.caption("Saved scores: " + words.scores(saved.derived.values))


def render(wb: Workbench, actor: Actor, target: Target, code: str) -> None:
    """Draw form `code` of the target visit with the renderer of its kind, as a fragment.

    An entry on a form (a BILAG item, a typed result, a tick) reruns the form alone, not the
    visit page around it (its forms table, signatures, queries), which is what keeps entry fast
    (#14 item 3). A write changes what the rest of the page shows (a form's state, what the
    signature waits for), so a fragment run that finds the change counter moved since the page
    was drawn reruns the whole page: after any write (a save, a mark), whoever made it. It draws
    the form first, since Streamlit forgets the entries of widgets a run did not draw (a typed
    value the other user's save had made stale would be lost), and hands its message on to the
    page's run. A button on the form that chose another form reruns the page at once.
    """
    st.session_state[_DRAWN_AT] = change_counter(wb.engine)
    _form(wb, actor, target, code)


_DRAWN_AT = "visit_form_drawn_at"
"""Session key: the change counter when the visit page was last drawn whole."""


@st.fragment
def _form(wb: Workbench, actor: Actor, target: Target, code: str) -> None:
    if st.session_state.get(SELECTED, code) != code:
        st.rerun()  # another form asked for ("Open the PGA form"): the whole page
    _draw(wb, actor, target, code)
    if st.session_state.get(_DRAWN_AT) != change_counter(wb.engine):
        flow.hand_on_message(code)
        st.rerun()  # data written: the page around the form is stale


def _draw(wb: Workbench, actor: Actor, target: Target, code: str) -> None:
    kind = wb.study.form(code).kind
    if kind == "labs":
        lab_panel.render(wb, actor, target, code)
    elif kind == "vitals":
        vitals.render(wb, actor, target, code)
    elif kind == "dose":
        dose.render(wb, actor, target, code)
    elif kind == "instrument":
        _instrument(wb, actor, target, code)
    elif kind == "log":
        st.info("Medical and SLE history are entered as dated rows on the History page.")
        if navigation.may_open(actor.role, "history.py"):
            st.page_link(
                navigation.link("history.py"), label="Open History", icon=":material/history_edu:"
            )
    elif kind == "eligibility":
        view = assessment.generic(wb, code, note_label="Evidence")
        assessment.render(wb, actor, target, code, view)
    else:
        assessment.render(wb, actor, target, code)
