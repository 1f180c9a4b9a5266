"""The taper panel of the medication log: describe a corticosteroid taper once, see the rows it
stands for, save them together (`records.tapers`).

"Show the rows" checks the taper and lays out its rows (nothing saved); "Save N rows" writes
them in one transaction. Wrong fields get their message under the field and keep every value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from models import Actor
from records import words
from records.context import Workbench
from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
from records.tapers import FIELDS, FREQUENCIES, TaperPlan, plan_taper, save_taper
from ui.forms import field_errors, show_errors, summary

FORM = "TAPER"
PLAN = f"{FORM}__plan"
DONE = f"{FORM}__done"
NUMBERS = {
    "start_mg": "Start dose (mg per dose)",
    "step_mg": "Step down by (mg)",
    "every_days": "Every (days)",
    "until_mg": "Until (mg; 0 = stopped)",
}


_PLACED = frozenset({"drug", "route", "start", *NUMBERS})
"""The fields whose message shows under their own box."""


def _key(name: str) -> str:
    return f"{FORM}__{name}"


def _values() -> dict[str, Any]:
    values = {name: st.session_state.get(_key(name)) for name in FIELDS}
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _preview(wb: Workbench) -> None:
    try:
        plan = plan_taper(wb, _values(), date.today())
    except ValidationFailed as err:
        field_errors(FORM, err.errors)
        st.session_state.pop(PLAN, None)
    else:
        field_errors(FORM, {})
        st.session_state[PLAN] = plan


def _save(wb: Workbench, actor: Actor, subject_id: int) -> None:
    try:
        saved, plan = save_taper(wb, actor, subject_id=subject_id, values=_values())
    except ValidationFailed as err:
        field_errors(FORM, err.errors)
        st.session_state.pop(PLAN, None)
        return
    except (ConflictError, Held, NotFound, PermissionDenied) as err:
        st.session_state[DONE] = ("error", f"Not saved: {err}")
        return
    st.session_state.pop(PLAN, None)
    later = f"; {len(plan.later)} later steps to enter as they happen" if plan.later else ""
    message = f"Taper saved: {len(saved)} rows{later}.{_running(plan)}"
    st.session_state[DONE] = ("success", message)
    for name in ("start", "start_mg", "step_mg", "every_days", "until_mg"):
        st.session_state.pop(_key(name), None)


def _running(plan: TaperPlan) -> str:
    """What staff must do for the step in force today, saved ongoing (else two rows add up)."""
    step = plan.running
    if step is None:
        return ""
    return (
        f" The {step.dose_mg:g} mg row is saved as ongoing: it is planned to stop on "
        f"{step.stop}; give it that stop date (edit the row) when the next step is entered, "
        "or the two doses add up."
    )


def _rows(plan: TaperPlan) -> pd.DataFrame:
    """The rows as they will be saved, then the steps to come (not written)."""
    saved = [
        {"Dose (mg)": r["dose"], "From": r["start"], "To": r["stop"] or "ongoing",
         "Row": "to be saved", "Why": step.why}
        for step, r in zip(plan.now, plan.rows, strict=True)
    ]  # fmt: skip
    later = [
        {"Dose (mg)": s.dose_mg, "From": s.start, "To": s.stop or "ongoing",
         "Row": "to come: not written now", "Why": s.why}
        for s in plan.later
    ]  # fmt: skip
    return pd.DataFrame([*saved, *later])


def panel(wb: Workbench, actor: Actor, subject_id: int) -> None:
    """The taper form, its rows once shown, and the save of those rows."""
    done = st.session_state.pop(DONE, None)
    if done:
        getattr(st, done[0])(done[1])
    errors = field_errors(FORM)
    opened = bool(errors) or PLAN in st.session_state
    with st.expander("Enter a corticosteroid taper", expanded=opened):
        summary(errors)
        for name, message in errors.items():  # a row check on a field the form has no box for
            if name not in _PLACED:
                st.error(f"{words.field(name).capitalize()}: {message}", icon=":material/error:")
        with st.form(f"{FORM}__form", border=False, enter_to_submit=False):
            _fields(wb, errors)
            st.form_submit_button("Show the rows", on_click=_preview, args=(wb,))
        plan = st.session_state.get(PLAN)
        if plan is None:
            return
        st.dataframe(_rows(plan), hide_index=True)
        if plan.later or plan.running:
            later = (
                f"{len(plan.later)} steps start after today: they are not written now (a "
                "medication row records what was taken); enter them as they happen."
            )
            st.caption(later + _running(plan))
        st.button(
            f"Save {len(plan.rows)} rows",
            key=_key("save"),
            type="primary",
            on_click=_save,
            args=(wb, actor, subject_id),
        )


def _fields(wb: Workbench, errors: dict[str, str]) -> None:
    """Drug, route, frequency, first day, the four numbers and the indication."""
    left, middle, right = st.columns(3)
    st.session_state.setdefault(_key("drug"), "prednisone")
    left.text_input("Drug (generic name)", key=_key("drug"))
    with left:
        show_errors(errors, "drug")
    decode = wb.study.decode
    middle.selectbox("Route", wb.study.codes("ROUTE"), index=None, key=_key("route"),
                     format_func=lambda c: decode("ROUTE", c) or c)  # fmt: skip
    with middle:
        show_errors(errors, "route")
    frequencies = [c for c in wb.study.codes("FREQ") if c in FREQUENCIES]
    right.selectbox(
        "Frequency",
        frequencies,
        index=frequencies.index("QD"),
        key=_key("frequency"),
        format_func=lambda c: decode("FREQ", c) or c,
    )
    left.date_input("First day of the taper", value=None, key=_key("start"))
    with left:
        show_errors(errors, "start")
    for column, (name, label) in zip((middle, right, left, middle), NUMBERS.items(), strict=True):
        column.text_input(label, key=_key(name))
        with column:
            show_errors(errors, name)
    st.text_input("Indication", key=_key("indication"))
