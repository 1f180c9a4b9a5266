"""The UC-MSC administration on V1 (records.dosing), with the eligibility override when needed.

Dosing sets day 1. A subject who is not eligible can be dosed only with an override reason,
which records stores with the eligibility form and the audit trail (spec/study.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from models import Actor
from records.adverse_events import list_adverse_events
from records.context import Workbench
from records.dose_readiness import dose_weight, missing_before_dose
from records.dosing import FIELDS, DoseRead, load_dose, record_dose
from records.eligibility import eligibility_status
from ui.capture import audit, flow, meta
from ui.capture.target import Target

FID = "EX"
LABELS = {
    "lot": "Lot number",
    "cells_total": "Total cells given (cells, e.g. 1e8 or 100000000)",
    "route": "Route",
    "started_at": "Start (site time, YYYY-MM-DD HH:MM)",
    "stopped_at": "Stop (site time, YYYY-MM-DD HH:MM)",
    "interrupted": "Administration interrupted",
    "interruption_note": "Interruption: why and how long",
    "reaction": "Infusion/injection reaction",
    "reaction_ae_id": "Adverse event of the reaction",
    "eligibility_override": "Eligibility override reason",
}
_TEXT = ("lot", "interruption_note", "eligibility_override")


def _seed(wb: Workbench, saved: DoseRead | None) -> dict[str, Any]:
    def get(name: str) -> Any:
        return getattr(saved, name, None)

    seed: dict[str, Any] = {name: get(name) or "" for name in _TEXT}
    seed["cells_total"] = f"{saved.cells_total:.0f}" if saved and saved.cells_total else ""
    seed["route"] = get("route")  # no route chosen for staff: the one given is the one picked
    for name, moment in (
        ("started_at", get("started_local")),
        ("stopped_at", get("stopped_local")),
    ):
        seed[name] = moment.strftime("%Y-%m-%d %H:%M") if moment else ""
    seed.update(interrupted=bool(get("interrupted")), reaction=bool(get("reaction")))
    seed["reaction_ae_id"] = get("reaction_ae_id")
    return seed


def _theirs(current: Mapping[str, Any]) -> Mapping[str, Any]:
    """The saved record with its times in site time, as the form shows them."""
    local = {"started_at": current.get("started_local"), "stopped_at": current.get("stopped_local")}
    return {**current, **local}


def plan_for(wb: Workbench, actor: Actor, target: Target, saved: DoseRead | None) -> flow.FormPlan:
    """The dose form's plan; times are entered and compared in site time."""
    seed = _seed(wb, saved)

    def collect() -> dict[str, Any]:
        values = {name: st.session_state.get(flow.key(FID, name)) for name in seed}
        return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}

    def save(values: dict[str, Any], reason: str | None, expected: int | None) -> Any:
        fields = {k: v for k, v in values.items() if k in FIELDS and v not in ("", None)}
        return record_dose(
            wb,
            actor,
            visit_id=target.visit_id,
            values=fields,
            reason=reason,
            eligibility_override=values.get("eligibility_override") or None,
            expected_version=expected,
        )

    return flow.FormPlan(
        form_id=FID,
        target=f"subject:{target.subject_id}",
        seed=seed,
        saved=None if saved is None else seed,
        version=saved.version if saved else None,
        labels=LABELS,
        collect=collect,
        save=save,
        writable=target.writable,
        zone=wb.study.site.timezone,
        theirs=_theirs,
        saved_message="Administration saved; day 1 set.",
    )


def _fields(wb: Workbench, target: Target, disabled: bool) -> None:
    left, right = st.columns(2)
    with left:
        for name in ("lot", "cells_total", "started_at"):
            st.text_input(LABELS[name], key=flow.key(FID, name), disabled=disabled)
            flow.error(FID, name)
        routes = wb.study.codes("ROUTE")
        st.selectbox(
            LABELS["route"],
            routes,
            index=None,
            placeholder="Choose the route",
            key=flow.key(FID, "route"),
            disabled=disabled,
            format_func=lambda c: wb.study.decode("ROUTE", c) or c,
        )
        flow.error(FID, "route")
    with right:
        st.text_input(LABELS["stopped_at"], key=flow.key(FID, "stopped_at"), disabled=disabled)
        flow.error(FID, "stopped_at")
        st.checkbox(LABELS["interrupted"], key=flow.key(FID, "interrupted"), disabled=disabled)
        st.text_input(
            LABELS["interruption_note"], key=flow.key(FID, "interruption_note"), disabled=disabled
        )
        flow.error(FID, "interruption_note")
        st.checkbox(LABELS["reaction"], key=flow.key(FID, "reaction"), disabled=disabled)
        linked = st.session_state.get(flow.key(FID, "reaction_ae_id"))
        events = {  # an event entered in error is offered only if already linked
            ae.id: f"AE {ae.sequence}: {ae.values['term']}"
            for ae in list_adverse_events(wb, target.subject_id)
            if not ae.error_reason or ae.id == linked
        }
        st.selectbox(
            LABELS["reaction_ae_id"],
            list(events),
            index=None,
            disabled=disabled,
            key=flow.key(FID, "reaction_ae_id"),
            format_func=events.get,
        )
        flow.error(FID, "reaction_ae_id")


def _override(wb: Workbench, target: Target, saved: DoseRead | None, disabled: bool) -> None:
    status = eligibility_status(wb, target.subject_id)
    if saved is None and not status.eligible:
        st.warning(f"Eligibility: {status.summary}. Dosing needs an override reason (audited).")
    st.text_input(
        LABELS["eligibility_override"],
        key=flow.key(FID, "eligibility_override"),
        disabled=disabled or status.eligible or saved is not None,
    )
    flow.error(FID, "eligibility_override")


def cells(count: float) -> str:
    """A cell count as people write it: 1.0 × 10⁸."""
    mantissa, exponent = f"{count:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _before_dosing(wb: Workbench, target: Target, saved: DoseRead | None) -> None:
    """Before the first dose: the forms of screening and baseline not on file, and the weight
    cells/kg will be worked out from (or that there is none)."""
    if saved is not None:
        return
    missing = missing_before_dose(wb, target.subject_id)
    if missing:
        lines = "\n".join(f"- {m.visit}: {', '.join(m.forms)}" for m in missing)
        st.warning(
            "Before dosing, these screening and baseline forms are not on file:\n" + lines,
            icon=":material/assignment_late:",
        )
    weight = dose_weight(wb, target.subject_id, target.visit_id)
    if weight is None:
        st.warning(
            "No weight is recorded yet: cells/kg cannot be worked out. Record the weight "
            "(vital signs) first.",
            icon=":material/monitor_weight:",
        )
    else:
        st.caption(f"Cells/kg will be worked out from the weight on file, {weight:g} kg.")


def _dose_given(saved: DoseRead | None) -> None:
    if saved is None:
        return
    per_kg = f" = {cells(saved.cells_per_kg)} cells/kg" if saved.cells_per_kg else ""
    if saved.cells_total:
        st.caption(f"Cell dose: {cells(saved.cells_total)} cells in total{per_kg}.")
    if saved.cells_total and not saved.cells_per_kg:
        st.caption("Cells/kg not worked out: no weight was on file when the dose was saved.")


def render(wb: Workbench, actor: Actor, target: Target, form_code: str) -> None:
    """The administration form, what should precede it, the cell dose per kg once saved, last
    change and audit trail."""
    saved = load_dose(wb, target.subject_id)
    plan = plan_for(wb, actor, target, saved)
    top, disabled = flow.begin(plan), not target.writable
    st.caption(f"Product {wb.study.product.name}: {wb.study.product.description}.")
    _before_dosing(wb, target, saved)
    with flow.box(FID, target.writable):
        _fields(wb, target, disabled)
        _override(wb, target, saved, disabled)
        flow.error(FID, "visit_id")
        flow.save_button(plan, in_form=target.writable)
    flow.preview(plan)
    _dose_given(saved)
    meta.last_changed(saved and saved.last_changed_by, saved and saved.last_changed_at, plan.zone)
    if saved is not None:
        audit.history(wb, actor, FID, [("doseadministration", saved.id)], labels=LABELS)
    flow.end(plan, top)
