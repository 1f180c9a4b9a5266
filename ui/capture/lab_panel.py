"""A lab panel of one visit on screen: per test value, unit, editable reference range, the H/L
flag as it will be saved, CS/NCS and not done; a critical value asks for the investigator's
assessment under its row; then the saved results with their flags and the eGFR derived from them.

The panel is not an `st.form`: a form sends nothing until it is saved, and the flag and the
critical-value question must answer each result as it is typed. Each test's row is a section
of its own (`ui.capture.sections`), so a typed result reruns that row alone.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from models import Actor
from records.context import Workbench
from records.labs import PanelRead, Scale, load_lab_panel, preview_entry
from study.schema import LabTestDef
from ui.capture import audit, flow, meta, sections
from ui.capture.labs import (
    ASSESSMENT,
    NEW_SLOTS,
    entry_of,
    has_critical_limits,
    panel_tests,
    plain_number,
    plan_for,
    seed_assessment,
    widget_key,
)
from ui.capture.target import Target

_WIDTHS = [3, 2, 1.3, 1.2, 1.2, 0.8, 1.6, 1]
FLAG_WORDS = {"H": ":red[**H** high]", "L": ":blue[**L** low]", "N": "N"}
HIDDEN = "collapsed"


def _header_row() -> None:
    names = ("Test", "Value", "Unit", "Ref. low", "Ref. high", "Flag", "CS / NCS", "Not done")
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


def _unit_cell(test: LabTestDef, fid: str, disabled: bool) -> None:
    """Typed outside the list, chosen where the study allows several, else printed."""
    code, name = test.code, test.name
    if test.unit is None:
        _text_cell(f"{name} unit", widget_key(fid, code, "unit"), disabled)
    elif len(test.allowed_units) > 1:
        st.selectbox(
            f"{name} unit",
            test.allowed_units,
            key=widget_key(fid, code, "unit"),
            label_visibility=HIDDEN,
            disabled=disabled,
            on_change=_unit_changed,
            args=(fid, code),
        )
    else:
        st.markdown(test.unit)
    flow.error(fid, f"{code}.unit")


def _unit_changed(fid: str, code: str) -> None:
    """A range typed in the old unit is wrong in the new one: cleared, so the study's default
    range in the new unit applies (shown as the placeholder) unless the lab's is typed again."""
    for part in ("ref_low", "ref_high"):
        st.session_state[widget_key(fid, code, part)] = ""


def _live(wb: Workbench, fid: str, test: LabTestDef, column: Any) -> str | None:
    """The flag the typed result will be saved with; the critical-value message, if any."""
    entry = entry_of(fid, test)
    if entry.get("value") in (None, "") or entry.get("not_done"):
        return None
    found = preview_entry(wb, test, entry)
    with column.container(key=widget_key(fid, test.code, "flag")):
        st.markdown(FLAG_WORDS.get(found.flag or "", "—"))
    return found.critical


def _assessment(
    fid: str, test: LabTestDef, message: str, saved: PanelRead | None, disabled: bool
) -> None:
    seed_assessment(fid, test, saved)
    with st.container(border=True, key=widget_key(fid, test.code, "critical_box")):
        st.warning(message, icon=":material/emergency:")
        st.text_input(
            f"{test.name}: critical value assessment",
            key=widget_key(fid, test.code, ASSESSMENT),
            max_chars=500,
            placeholder="e.g. repeat sample sent; investigator informed at 10:15; ECG normal",
            disabled=disabled,
        )
        flow.error(fid, f"{test.code}.{ASSESSMENT}")


def _row(
    wb: Workbench, fid: str, test: LabTestDef, saved: PanelRead | None, disabled: bool
) -> None:
    """One test: value (or coded result), unit, range, flag, CS/NCS, not done; an assessment
    under it while the result is critical."""
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
        _unit_cell(test, fid, disabled)
    scale = Scale(test, st.session_state.get(widget_key(fid, code, "unit")) or test.unit)
    limits = (("ref_low", scale(test.low), cols[3]), ("ref_high", scale(test.high), cols[4]))
    for part, default, column in limits if test.type != "choice" else ():
        with column:
            label = f"{name} {part.replace('_', ' ')}"
            _text_cell(label, widget_key(fid, code, part), disabled, plain_number(default))
            flow.error(fid, f"{code}.{part}")
    critical = _live(wb, fid, test, cols[5]) if test.type != "choice" else None
    with cols[6]:
        cs_key = widget_key(fid, code, "clinical_significance")
        _choice_cell(wb, f"{name} CS or NCS", cs_key, "CLINSIG", disabled, "—")
        flow.error(fid, f"{code}.clinical_significance")
    not_done = widget_key(fid, code, "not_done")
    cols[7].checkbox(f"{name} not done", key=not_done, label_visibility=HIDDEN, disabled=disabled)
    if critical and has_critical_limits(test):
        _assessment(fid, test, critical, saved, disabled)


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
    """The saved panel with its H/L flags and assessments, and eGFR / UPCR derived from it."""
    rows = [
        {
            "Test": r.name,
            "Value": r.value or ("not done" if r.not_done else ""),
            "Unit": r.unit,
            "Reference": f"{plain_number(r.ref_low)}–{plain_number(r.ref_high)}"
            if r.ref_low is not None or r.ref_high is not None
            else "",
            "Flag": r.flag or "",
            "CS/NCS": r.clinical_significance or "",
            "Critical value assessment": r.critical_assessment or "",
        }
        for r in saved.results.values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if "EGFR" in saved.derived:
        st.metric("eGFR (CKD-EPI 2021)", f"{saved.derived['EGFR']:.0f} mL/min/1.73 m²")
    for reason in saved.reasons:
        st.caption(reason)


def _collected(form_code: str, disabled: bool) -> None:
    day, clock, _ = st.columns([2, 1.2, 3])
    with day:
        st.date_input(
            "Collection date (blank: the visit date)",
            value=None,
            format="YYYY-MM-DD",
            key=flow.key(form_code, "collected_on"),
            disabled=disabled,
        )
        flow.error(form_code, "collected_on")
    with clock:
        st.time_input(
            "Collection time",
            value=None,
            step=300,
            key=flow.key(form_code, "collected_time"),
            disabled=disabled,
        )
        flow.error(form_code, "collected_time")


def render(wb: Workbench, actor: Actor, target: Target, form_code: str) -> None:
    """The panel, then the saved results with flags, last change and audit trail."""
    form = wb.study.form(form_code)
    panel = form.panel or form.code
    saved = load_lab_panel(wb, target.visit_id, panel)
    plan = plan_for(wb, actor, target, form, saved)
    top, disabled = flow.begin(plan), not target.writable
    tests = panel_tests(wb, panel, saved)
    with st.container(key=f"{form_code}__panel"):
        _collected(form_code, disabled)
        st.caption("Type a result as the report prints it: 4.2, <0.5, >2000 or BLQ.")
        _header_row()
        for test in tests:  # a typed result reruns its row alone (flag, critical box)
            sections.section(test.code, partial(_row, wb, form_code, test, saved, disabled))
        if any(p.code == panel and p.free_list for p in wb.study.lab_panels):
            _new_rows(form_code, disabled)
        flow.error(form_code, "values")
        flow.save_button(plan, in_form=False)
    flow.preview(plan)
    if saved is not None:
        _results(saved)
    meta.last_changed(saved and saved.last_changed_by, saved and saved.last_changed_at, plan.zone)
    rows = audit.ItemRows(
        target.subject_id, target.visit_id, "labresult", "test_code", codes=[t.code for t in tests]
    )
    audit.history(wb, actor, form_code, [], rows, plan.labels)
    flow.end(plan, top)
