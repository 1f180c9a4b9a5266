"""Patient mode: one questionnaire (PROMIS-29 or SF-36/RAND-36), one item per screen, on a tablet.

Only the questionnaire is drawn, with large answer targets; the staff control sits behind a
small "Staff" button and needs the staff member's password. Item wording is not shipped: when
the study names a wording file for the instrument (`study/wording.py`), the patient reads its
question text and labelled answers, with the source and licence it states; otherwise the items
keep their neutral labels and the patient reads the licensed paper form.

Nothing the patient answered is lost and nothing unanswered passes for complete (#14):
- finishing with questions unanswered first says "you skipped N" and offers each of them;
- a questionnaire finished with gaps is saved *in progress*, never complete, and staff are told
  which questions and which scores are missing (a PROMIS-29 domain is scored only with all four
  items, spec §8.2); staff complete it on the visit page if the patient declines them;
- handing back before the end saves the answers so far as in progress, and starting patient
  mode again for that questionnaire resumes at the first unanswered question.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from models import Actor
from records import auth, words
from records.assessments import AssessmentRead, load_assessment, save_assessment
from records.context import Workbench
from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
from records.instruments import instrument
from study.schema import InstrumentWording, ItemWording
from ui.capture.meta import local_time

STATE = "patient_mode"
FORM, MODE = "patient_form", "patient_mode_of_administration"
ANSWER = "patient_answer"
RESULT = "patient_result"
PATIENT_REASON = "answered by the patient in patient mode"
"""The audit reason of a save over a paused questionnaire (an answer may have changed)."""
LONG_SCALE = 7
"""More answers than this (the 0–10 pain scale) are drawn narrower, so they fit one line."""
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
div[role="radiogroup"] { gap: 1rem; flex-wrap: wrap; }
div[role="radiogroup"] label { font-size: 1.6rem; padding: 1rem 1.6rem; min-width: 4.5rem;
  border: 2px solid #888; border-radius: 0.8rem; }
.st-key-patient_scale div[role="radiogroup"] { gap: 0.3rem; flex-wrap: nowrap; }
.st-key-patient_scale div[role="radiogroup"] label { font-size: 1.4rem; padding: 0.8rem 0.2rem;
  min-width: 0; flex: 1 1 0; justify-content: center; }
.stButton button { font-size: 1.4rem; padding: 0.8rem 2rem; }
.st-key-patient_skipped .stButton button { padding: 0.8rem 0.4rem; }
.st-key-patient_staff .stButton button, .st-key-patient_staff button {
  font-size: 0.8rem; padding: 0.2rem 0.6rem; opacity: 0.6; }
</style>
"""


def resumable(saved: AssessmentRead | None) -> bool:
    """Whether patient mode may (re)start this questionnaire: never begun, or paused."""
    return saved is None or (saved.state == "in_progress" and saved.mode is not None)


def start(wb: Workbench, subject_id: int, visit_id: int) -> None:
    """Enter patient mode for the questionnaire and mode chosen by staff; a paused one resumes
    with its answers, its mode and its date, at the first question still unanswered."""
    form_code = st.session_state[FORM]
    saved = load_assessment(wb, visit_id, form_code)
    paused = saved is not None and resumable(saved)
    answers = dict(saved.values) if paused and saved else {}
    codes = [item.code for item in _items(wb, form_code)]
    st.session_state[STATE] = {
        "subject_id": subject_id,
        "visit_id": visit_id,
        "form_code": form_code,
        "mode": saved.mode if paused and saved else st.session_state[MODE],
        "date": saved.assessment_date if paused and saved else None,
        "version": saved.version if saved else None,
        "index": next((n for n, c in enumerate(codes) if c not in answers), len(codes) - 1),
        "answers": answers,
    }
    st.session_state.pop(RESULT, None)
    st.session_state.pop(ANSWER, None)


def _instrument_of(wb: Workbench, form_code: str) -> str:
    """The instrument a questionnaire form collects."""
    return wb.study.form(form_code).instrument or ""


def _items(wb: Workbench, form_code: str) -> list[Any]:
    return list(instrument(_instrument_of(wb, form_code)).items)


def _keep_answer(session: dict[str, Any]) -> None:
    value = st.session_state.get(ANSWER)
    if value is not None and session.get("current"):
        session["answers"][session["current"]] = value


def _move(session: dict[str, Any], index: int) -> None:
    _keep_answer(session)
    session["index"] = max(0, index)
    session.pop("reviewing", None)
    st.session_state.pop(ANSWER, None)


def _skipped(wb: Workbench, session: dict[str, Any]) -> list[Any]:
    answers = session["answers"]
    return [item for item in _items(wb, session["form_code"]) if item.code not in answers]


def _finish(wb: Workbench, actor: Actor, session: dict[str, Any], confirmed: bool) -> None:
    """Save the questionnaire; with questions unanswered, first show them (unless confirmed)."""
    _keep_answer(session)
    st.session_state.pop(ANSWER, None)
    skipped = _skipped(wb, session)
    if skipped and not confirmed:
        session["reviewing"] = True
        return
    read = _save(wb, actor, session, "in_progress" if skipped else "complete")
    if read is None:
        session["failed"] = True  # staff see why on the hand-back; the answers stay
        return
    if skipped:
        st.session_state[RESULT] = ("warning", _gaps_message(wb, session, read, skipped))
    else:
        when = local_time(read.completed_at, wb.study.site.timezone)
        scores = words.scores(read.derived.values if read.derived else {})
        st.session_state[RESULT] = ("success", f"Questionnaire saved, completed {when}. {scores}")
    session["done"] = True


def _gaps_message(
    wb: Workbench, session: dict[str, Any], read: AssessmentRead, skipped: list[Any]
) -> str:
    numbers = ", ".join(str(item.number) for item in skipped)
    unscored = [k for k, v in (read.derived.values if read.derived else {}).items() if v is None]
    total = len(_items(wb, session["form_code"]))
    names = ", ".join(map(words.score, unscored))
    missing = f" Not scored without them: {names}." if unscored else ""
    return (
        f"The patient finished with {len(skipped)} of {total} questions unanswered "
        f"({'questions' if len(skipped) > 1 else 'question'} {numbers}): saved as in progress, "
        f"not complete.{missing} Start patient mode again to let the patient answer them, or "
        "complete the form on the visit page if the patient declines."
    )


def _save(wb: Workbench, actor: Actor, session: dict[str, Any], state: str) -> Any:
    """Save the answers in `state`; on refusal the message goes to staff and None returns."""
    try:
        read = save_assessment(
            wb,
            actor,
            visit_id=session["visit_id"],
            form_code=session["form_code"],
            values=session["answers"],
            assessment_date=session["date"] or date.today(),
            state=state,
            mode=session["mode"],
            # A paused form is saved data: an answer the patient changes on resuming is a
            # change with a reason, which is this (the audit trail says who typed it).
            reason=PATIENT_REASON if session["version"] is not None else None,
            expected_version=session["version"],
        )
    except ValidationFailed as err:
        message = "; ".join(f"{words.field(k)}: {v}" for k, v in err.errors.items())
        st.session_state[RESULT] = ("error", f"Not saved: {message}")
        return None
    except (ConflictError, PermissionDenied, NotFound, Held) as err:
        st.session_state[RESULT] = ("error", f"Not saved: {err}")
        return None
    session["version"], session["date"] = read.version, read.assessment_date
    return read


def questionnaire(wb: Workbench, actor: Actor) -> None:
    """The current item with its answers, Back / Next (or Finish), and a progress bar; the
    skipped questions before finishing; thanks once saved."""
    session = st.session_state[STATE]
    items = _items(wb, session["form_code"])
    st.html(CSS)
    if session.get("done") or session.get("failed"):
        st.title("Thank you" if session.get("done") else "Almost done")
        st.markdown("### Please hand the tablet back to the study staff.")
        return
    if session.get("reviewing"):
        _review(wb, actor, session)
        return
    index = min(session["index"], len(items) - 1)
    item = items[index]
    session["current"] = item.code
    answered = len(session["answers"])
    st.progress(answered / len(items), text=f"Question {index + 1} of {len(items)}")
    wording = wb.study.wording_of(_instrument_of(wb, session["form_code"]))
    worded = wording.items[item.code] if wording else None
    _question(item, worded)
    if ANSWER not in st.session_state:
        st.session_state[ANSWER] = session["answers"].get(item.code)
    options = [o.code for o in item.options]
    labels = dict(zip(options, worded.options, strict=True)) if worded else {}
    with st.container(key="patient_scale" if len(options) > LONG_SCALE else "patient_choice"):
        st.radio(
            "Your answer",
            options,
            index=None,
            key=ANSWER,
            horizontal=True,
            format_func=lambda code: labels.get(code, code),
        )
    _buttons(wb, actor, session, index, len(items))
    if wording is not None:
        _attribution(wording)


def _question(item: Any, worded: ItemWording | None) -> None:
    """The question as worded for the study, or the item's neutral label and its number on
    the paper form the patient reads instead."""
    if worded is None:
        st.markdown(f"## {item.label}")
        st.caption(
            f"Question {item.number} on your questionnaire. Choose the number of your answer."
        )
        return
    if worded.stem:
        st.markdown(f"### {worded.stem}")
    st.markdown(f"## {worded.text}")


def _attribution(wording: InstrumentWording) -> None:
    """Title, version, language, source and licence under every question, as licences ask."""
    told = (f"{wording.title} {wording.version} ({wording.language})", wording.source,
            wording.licence)  # fmt: skip
    st.caption(" · ".join(part.rstrip(".") for part in told))


def _review(wb: Workbench, actor: Actor, session: dict[str, Any]) -> None:
    """ "You skipped N questions": each one can be answered, or the questionnaire finished."""
    skipped = _skipped(wb, session)
    count = len(skipped)
    st.title(f"You skipped {count} question{'s' if count != 1 else ''}")
    st.markdown(
        "### Tap a question's number to answer it now, or finish without them. "
        "The study staff will see which ones were left out."
    )
    codes = [item.code for item in _items(wb, session["form_code"])]
    with st.container(key="patient_skipped"):
        for row in range(0, count, 6):
            for column, item in zip(st.columns(6), skipped[row : row + 6], strict=False):
                column.button(
                    str(item.number),
                    key=f"patient_goto_{item.code}",
                    on_click=_move,
                    args=(session, codes.index(item.code)),
                    width="stretch",
                )
    st.button(
        "Finish without them",
        key="patient_finish_anyway",
        type="primary",
        on_click=_finish,
        args=(wb, actor, session, True),
    )


def _buttons(wb: Workbench, actor: Actor, session: dict[str, Any], index: int, count: int) -> None:
    """Back, then Next (or Finish on the last question)."""
    back, ahead, _ = st.columns([1, 1, 3])
    back.button(
        "Back", key="patient_back", on_click=_move, args=(session, index - 1), disabled=index == 0
    )
    if index < count - 1:
        ahead.button(
            "Next", key="patient_next", type="primary", on_click=_move, args=(session, index + 1)
        )
    else:
        ahead.button(
            "Finish",
            key="patient_finish",
            type="primary",
            on_click=_finish,
            args=(wb, actor, session, False),
        )


def hand_back(wb: Workbench, actor: Actor) -> None:
    """Leave patient mode, only with the signed-in staff member's password: a small "Staff"
    control below the questionnaire, not a panel the patient reads or taps by mistake."""
    st.container(height=120, border=False)  # distance from the answer buttons
    with st.container(key="patient_staff"), st.popover("Staff"):
        st.text_input("Staff password", type="password", key="patient_staff_password")
        st.button(
            "Hand back to staff", key="patient_hand_back", on_click=_hand_back, args=(wb, actor)
        )
        message = st.session_state.pop("patient_hand_back_error", None)
        if message:
            st.error(message)
        if st.session_state[STATE].get("unsaved"):
            st.button(
                "Leave without saving", key="patient_discard", on_click=_discard, args=(wb, actor)
            )


def _staff_present(wb: Workbench, actor: Actor) -> bool:
    """Whether the password typed is the signed-in staff member's (else the message says so)."""
    password = st.session_state.pop("patient_staff_password", "") or ""
    try:
        auth.authenticate(wb.engine, actor.username, password)
    except PermissionDenied:
        st.session_state["patient_hand_back_error"] = "Wrong staff password."
        return False
    return True


def _hand_back(wb: Workbench, actor: Actor) -> None:
    """Staff take the tablet back; an unfinished questionnaire is paused, its answers kept."""
    if not _staff_present(wb, actor):
        return
    session = st.session_state[STATE]
    if not session.get("done"):
        _keep_answer(session)
        if not session["answers"]:
            message = "Patient mode ended before any question was answered; nothing was saved."
            st.session_state[RESULT] = ("warning", message)
        elif _save(wb, actor, session, "in_progress") is None:
            # Not saved (the visit was locked meanwhile, say): patient mode stays on with the
            # answers, staff read why and may leave without saving.
            st.session_state["patient_hand_back_error"] = st.session_state.pop(RESULT)[1]
            session["unsaved"] = True
            return
        else:
            total = len(_items(wb, session["form_code"]))
            st.session_state[RESULT] = (
                "info",
                f"Paused with {len(session['answers'])} of {total} questions answered, saved as "
                "in progress. Start patient mode again for this questionnaire to resume where "
                "the patient stopped.",
            )
    st.session_state.pop(STATE, None)
    st.session_state.pop(ANSWER, None)


def _discard(wb: Workbench, actor: Actor) -> None:
    """Staff leave after a save was refused; the answers are dropped, and staff are told so."""
    if not _staff_present(wb, actor):
        return
    session = st.session_state.pop(STATE, {})
    count = len(session.get("answers", {}))
    answers = f"{count} answer{'s' if count != 1 else ''}"
    message = f"Patient mode left without saving: {answers} not kept."
    st.session_state[RESULT] = ("warning", message)
    st.session_state.pop(ANSWER, None)
