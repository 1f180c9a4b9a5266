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
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.tapers import FIELDS, TaperPlan, plan_taper, save_taper
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
    except (NotFound, PermissionDenied) as err:
        st.session_state[DONE] = ("error", f"Not saved: {err}")
        return
    st.session_state.pop(PLAN, None)
    later = f"; {len(plan.later)} later steps to enter as they happen" if plan.later else ""
    st.session_state[DONE] = ("success", f"Taper saved: {len(saved)} rows{later}.")
    for name in ("start", "start_mg", "step_mg", "every_days", "until_mg"):
        st.session_state.pop(_key(name), None)


def _rows(plan: TaperPlan) -> pd.DataFrame:
    steps = [*((s, "saved") for s in plan.now), *((s, "to come: not written") for s in plan.later)]
    return pd.DataFrame(
        [
            {
                "Dose (mg)": step.dose_mg,
                "From": step.start,
                "To": step.stop or "ongoing",
                "Row": state,
                "Why": step.why,
            }
            for step, state in steps
        ]
    )


def panel(wb: Workbench, actor: Actor, subject_id: int) -> None:
    """The taper form, its rows once shown, and the save of those rows."""
    done = st.session_state.pop(DONE, None)
    if done:
        getattr(st, done[0])(done[1])
    errors = field_errors(FORM)
    opened = bool(errors) or PLAN in st.session_state
    with st.expander("Enter a corticosteroid taper", expanded=opened):
        summary(errors)
        with st.form(f"{FORM}__form", border=False, enter_to_submit=False):
            _fields(wb, errors)
            st.form_submit_button("Show the rows", on_click=_preview, args=(wb,))
        plan = st.session_state.get(PLAN)
        if plan is None:
            return
        st.dataframe(_rows(plan), hide_index=True)
        if plan.later:
            st.caption(
                f"{len(plan.later)} steps start after today: they are not written now (a "
                "medication row records what was taken); enter them as they happen."
            )
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
    frequencies = wb.study.codes("FREQ")
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
