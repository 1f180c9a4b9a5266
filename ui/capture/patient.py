"""Patient mode: one questionnaire (PROMIS-29 or SF-36/RAND-36), one item per screen, on a tablet.

Only the questionnaire is drawn, with large answer targets; leaving needs the staff member's
password. Item wording is not shipped (spec/scoring.md §8: neutral labels; the patient reads the
licensed paper form). On finish the answers are saved with the mode and completion time, and
`records` computes the scores, shown to staff after the hand-back.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from models import Actor
from records import auth
from records.assessments import save_assessment
from records.context import Workbench
from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
from records.instruments import instrument
from ui.capture.flow import shown
from ui.capture.meta import local_time

STATE = "patient_mode"
FORM, MODE = "patient_form", "patient_mode_of_administration"
ANSWER = "patient_answer"
RESULT = "patient_result"
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
div[role="radiogroup"] { gap: 1rem; flex-wrap: wrap; }
div[role="radiogroup"] label { font-size: 1.6rem; padding: 1rem 1.6rem; min-width: 4.5rem;
  border: 2px solid #888; border-radius: 0.8rem; }
.stButton button { font-size: 1.4rem; padding: 0.8rem 2rem; }
</style>
"""


def start(subject_id: int, visit_id: int) -> None:
    """Enter patient mode for the questionnaire and mode chosen by staff."""
    st.session_state[STATE] = {
        "subject_id": subject_id,
        "visit_id": visit_id,
        "form_code": st.session_state[FORM],
        "mode": st.session_state[MODE],
        "index": 0,
        "answers": {},
    }
    st.session_state.pop(RESULT, None)
    st.session_state.pop(ANSWER, None)


def _items(wb: Workbench, form_code: str) -> list[Any]:
    return list(instrument(wb.study.form(form_code).instrument or "").items)


def _keep_answer(session: dict[str, Any], code: str) -> None:
    value = st.session_state.get(ANSWER)
    if value is not None:
        session["answers"][code] = value


def _move(session: dict[str, Any], code: str, step: int) -> None:
    _keep_answer(session, code)
    session["index"] = max(0, session["index"] + step)
    st.session_state.pop(ANSWER, None)


def _finish(wb: Workbench, actor: Actor, session: dict[str, Any], code: str) -> None:
    _keep_answer(session, code)
    try:
        read = save_assessment(
            wb,
            actor,
            visit_id=session["visit_id"],
            form_code=session["form_code"],
            values=session["answers"],
            assessment_date=date.today(),
            mode=session["mode"],
        )
    except ValidationFailed as err:
        message = "; ".join(f"{k}: {v}" for k, v in err.errors.items())
        st.session_state[RESULT] = ("error", message)
    except (ConflictError, PermissionDenied, NotFound, Held) as err:
        st.session_state[RESULT] = ("error", str(err))
    else:
        scores = ", ".join(f"{k} {shown(v)}" for k, v in (read.derived.values or {}).items())
        when = local_time(read.completed_at, wb.study.site.timezone)
        st.session_state[RESULT] = ("success", f"Questionnaire saved, completed {when}. {scores}")
    session["done"] = True


def questionnaire(wb: Workbench, actor: Actor) -> None:
    """The current item with its answers, Back / Next (or Finish), and a progress bar."""
    session = st.session_state[STATE]
    items = _items(wb, session["form_code"])
    st.html(CSS)
    if session.get("done"):
        st.title("Thank you")
        st.markdown("### Please hand the tablet back to the study staff.")
        return
    index = min(session["index"], len(items) - 1)
    item = items[index]
    st.progress((index + 1) / len(items), text=f"Question {index + 1} of {len(items)}")
    st.markdown(f"## {item.label}")
    st.caption(f"Question {item.number} on your questionnaire. Choose the number of your answer.")
    if ANSWER not in st.session_state:
        st.session_state[ANSWER] = session["answers"].get(item.code)
    options = [o.code for o in item.options]
    st.radio("Your answer", options, index=None, key=ANSWER, horizontal=True)
    _buttons(wb, actor, session, item.code, index, len(items))


def _buttons(
    wb: Workbench, actor: Actor, session: dict[str, Any], code: str, index: int, count: int
) -> None:
    """Back, then Next (or Finish on the last question)."""
    back, ahead, _ = st.columns([1, 1, 3])
    back.button(
        "Back",
        key="patient_back",
        on_click=_move,
        args=(session, code, -1),
        disabled=index == 0,
    )
    if index < count - 1:
        ahead.button(
            "Next", key="patient_next", type="primary", on_click=_move, args=(session, code, 1)
        )
    else:
        ahead.button(
            "Finish",
            key="patient_finish",
            type="primary",
            on_click=_finish,
            args=(wb, actor, session, code),
        )


def hand_back(wb: Workbench, actor: Actor) -> None:
    """Leave patient mode: only with the signed-in staff member's password."""
    with st.expander("Staff: hand back"):
        st.text_input("Staff password", type="password", key="patient_staff_password")
        st.button(
            "Hand back to staff", key="patient_hand_back", on_click=_hand_back, args=(wb, actor)
        )
        message = st.session_state.pop("patient_hand_back_error", None)
        if message:
            st.error(message)


def _hand_back(wb: Workbench, actor: Actor) -> None:
    password = st.session_state.pop("patient_staff_password", "") or ""
    try:
        auth.authenticate(wb.engine, actor.username, password)
    except PermissionDenied:
        st.session_state["patient_hand_back_error"] = "Wrong staff password."
        return
    session = st.session_state.pop(STATE, {})
    if not session.get("done"):
        message = "Patient mode ended before the questionnaire was finished; nothing was saved."
        st.session_state[RESULT] = ("warning", message)
    st.session_state.pop(ANSWER, None)
