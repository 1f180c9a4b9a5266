"""A lab panel of one visit on screen: per test value, unit, editable reference range, CS/NCS and
not done; then the saved results with their H/L flags and the eGFR derived from them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import Actor
from records.context import Workbench
from records.labs import PanelRead, load_lab_panel
from study.schema import LabTestDef
from ui.capture import audit, flow, meta
from ui.capture.labs import NEW_SLOTS, panel_tests, plain_number, plan_for, widget_key
from ui.capture.target import Target

_WIDTHS = [3, 2, 1.2, 1.2, 1.2, 1.6, 1]
HIDDEN = "collapsed"


def _header_row() -> None:
    names = ("Test", "Value", "Unit", "Ref. low", "Ref. high", "CS / NCS", "Not done")
    for column, name in zip(st.columns(_WIDTHS), names, strict=True):
        column.caption(name)


def _text_cell(label: str, key: str, disabled: bool, placeholder: str | None = None) -> None:
    st.text_input(
        label, key=key, placeholder=placeholder, label_visibility=HIDDEN, disabled=disabled
    )


def _choice_cell(
    wb: Workbench, label: str, key: str, codelist: str, disabled: bool, placeholder: str
) -> None:
    st.selectbox(
        label,
        wb.study.codes(codelist),
        index=None,
        key=key,
        label_visibility=HIDDEN,
        disabled=disabled,
        placeholder=placeholder,
        format_func=lambda c: wb.study.decode(codelist, c) or c,
    )


def _row(wb: Workbench, fid: str, test: LabTestDef, disabled: bool) -> None:
    """One test: value (or coded result), unit, reference range, CS/NCS and not done."""
    cols, code, name = st.columns(_WIDTHS), test.code, test.name
    cols[0].markdown(f"{name}  \n`{code}`")
    with cols[1]:
        value_key = widget_key(fid, code, "value")
        if test.type == "choice":
            _choice_cell(wb, f"{name} result", value_key, test.codelist or "", disabled, "Choose")
        else:
            _text_cell(f"{name} value", value_key, disabled)
        flow.error(fid, code)
    with cols[2]:
        if test.unit is None:
            _text_cell(f"{name} unit", widget_key(fid, code, "unit"), disabled)
            flow.error(fid, f"{code}.unit")
        else:
            st.markdown(test.unit)
    limits = (("ref_low", test.low, cols[3]), ("ref_high", test.high, cols[4]))
    for part, default, column in limits if test.type != "choice" else ():
        with column:
            label = f"{name} {part.replace('_', ' ')}"
            _text_cell(label, widget_key(fid, code, part), disabled, plain_number(default))
            flow.error(fid, f"{code}.{part}")
    with cols[5]:
        cs_key = widget_key(fid, code, "clinical_significance")
        _choice_cell(wb, f"{name} CS or NCS", cs_key, "CLINSIG", disabled, "—")
        flow.error(fid, f"{code}.clinical_significance")
    not_done = widget_key(fid, code, "not_done")
    cols[6].checkbox(f"{name} not done", key=not_done, label_visibility=HIDDEN, disabled=disabled)


def _new_rows(fid: str, disabled: bool) -> None:
    st.caption("Other analytes (code of capital letters, digits or _; unit; value)")
    for n in range(NEW_SLOTS):
        code, unit, value, _ = st.columns([2, 1.5, 2, 4])
        code.text_input(
            f"New analyte {n + 1} code", key=flow.key(fid, f"new{n}__code"), disabled=disabled
        )
        unit.text_input(
            f"New analyte {n + 1} unit", key=flow.key(fid, f"new{n}__unit"), disabled=disabled
        )
        value.text_input(
            f"New analyte {n + 1} value", key=flow.key(fid, f"new{n}__value"), disabled=disabled
        )


def _results(saved: PanelRead) -> None:
    """The saved panel with its H/L flags, and eGFR / UPCR derived from it."""
    rows = [
        {
            "Test": r.name,
            "Value": r.value or ("not done" if r.not_done else ""),
            "Unit": r.unit,
            "Reference": f"{plain_number(r.ref_low)}–{plain_number(r.ref_high)}"
            if r.value_num is not None
            else "",
            "Flag": r.flag or "",
            "CS/NCS": r.clinical_significance or "",
        }
        for r in saved.results.values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if "EGFR" in saved.derived:
        st.metric("eGFR (CKD-EPI 2021)", f"{saved.derived['EGFR']:.0f} mL/min/1.73 m²")
    for reason in saved.reasons:
        st.caption(reason)


def render(wb: Workbench, actor: Actor, target: Target, form_code: str) -> None:
    """The panel form, then the saved results with flags, last change and audit trail."""
    form = wb.study.form(form_code)
    panel = form.panel or form.code
    saved = load_lab_panel(wb, target.visit_id, panel)
    plan = plan_for(wb, actor, target, form, saved)
    top, disabled = flow.begin(plan), not target.writable
    tests = panel_tests(wb, panel, saved)
    with flow.box(form_code, target.writable):
        st.date_input(
            "Collection date (blank: the visit date)",
            value=None,
            format="YYYY-MM-DD",
            key=flow.key(form_code, "collected_on"),
            disabled=disabled,
        )
        flow.error(form_code, "collected_on")
        _header_row()
        for test in tests:
            _row(wb, form_code, test, disabled)
        if any(p.code == panel and p.free_list for p in wb.study.lab_panels):
            _new_rows(form_code, disabled)
        flow.error(form_code, "values")
        flow.save_button(plan, in_form=target.writable)
    flow.preview(plan)
    if saved is not None:
        _results(saved)
    meta.last_changed(saved and saved.last_changed_by, saved and saved.last_changed_at, plan.zone)
    rows = audit.ItemRows(
        target.subject_id, target.visit_id, "labresult", "test_code", codes=[t.code for t in tests]
    )
    audit.history(wb, actor, form_code, [], rows, plan.labels)
    flow.end(plan, top)
