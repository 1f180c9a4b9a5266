"""Vital signs of a visit, one form per time point (PRE and POST dose on V1), via records.vitals."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import streamlit as st

from models import Actor
from records.clinical_dates import local, site_zone
from records.context import Workbench
from records.vitals import VitalsRead, load_vitals, save_vitals, timepoints
from study.schema import VitalTestDef
from ui.capture import audit, flow, meta
from ui.capture.target import Target

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _tests(wb: Workbench, visit_code: str) -> list[VitalTestDef]:
    return [t for t in wb.study.vital_tests if not t.visits or visit_code in t.visits]


def _measured(wb: Workbench, saved: VitalsRead | None) -> str:
    moment = local(saved.measured_at, site_zone(wb)) if saved else None
    return moment.strftime(TIME_FORMAT) if moment else ""


def _collect(fid: str, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: str(st.session_state.get(flow.key(fid, n)) or "").strip() or None for n in names}


def _theirs(current: Mapping[str, Any]) -> Mapping[str, Any]:
    return {**current.get("values", {}), "measured_at": current.get("measured_at")}


def _saver(wb: Workbench, actor: Actor, target: Target, point: str) -> flow.Saver:
    def save(values: dict[str, Any], reason: str | None, expected: int | None) -> Any:
        readings = {k: v for k, v in values.items() if k != "measured_at"}
        return save_vitals(
            wb,
            actor,
            visit_id=target.visit_id,
            values=readings,
            timepoint=point,
            measured_at=values["measured_at"],
            reason=reason,
            expected_version=expected,
        )

    return save


def plan_for(
    wb: Workbench, actor: Actor, target: Target, point: str, saved: VitalsRead | None
) -> flow.FormPlan:
    """One time point's plan: values by test code, measured-at in site time."""
    fid = f"VS{point}"
    tests = _tests(wb, target.visit_code)
    stored = saved.values if saved else {}
    seed: dict[str, Any] = {
        t.code: f"{stored[t.code]:g}" if t.code in stored else "" for t in tests
    }
    seed["measured_at"] = _measured(wb, saved)
    labels = {"measured_at": "Measured at", **{t.code: f"{t.name} ({t.unit})" for t in tests}}
    return flow.FormPlan(
        form_id=fid,
        target=target.name,
        seed=seed,
        saved=None if saved is None else {**saved.values, "measured_at": seed["measured_at"]},
        version=saved.version if saved else None,
        labels=labels,
        collect=partial(_collect, fid, tuple(seed)),
        save=_saver(wb, actor, target, point),
        writable=target.writable,
        zone=wb.study.site.timezone,
        theirs=_theirs,
        saved_message=" ".join(p for p in ("Vital signs", point, "saved.") if p),
    )


def _one(wb: Workbench, actor: Actor, target: Target, point: str) -> None:
    saved = load_vitals(wb, target.visit_id, point)
    plan = plan_for(wb, actor, target, point, saved)
    fid, disabled = plan.form_id, not target.writable
    top = flow.begin(plan)
    with flow.box(fid, target.writable):
        st.text_input(
            "Measured at (site time, YYYY-MM-DD HH:MM)",
            key=flow.key(fid, "measured_at"),
            disabled=disabled,
            placeholder="2025-02-20 08:30",
        )
        flow.error(fid, "measured_at")
        columns = st.columns(4)
        for n, test in enumerate(_tests(wb, target.visit_code)):
            with columns[n % 4]:
                st.text_input(
                    f"{test.name} ({test.unit})",
                    key=flow.key(fid, test.code),
                    disabled=disabled,
                    placeholder=f"{test.min:g} to {test.max:g}",
                )
                flow.error(fid, test.code)
        for name in ("timepoint", "visit_id", "values"):
            flow.error(fid, name)
        flow.save_button(plan, in_form=target.writable)
    flow.preview(plan)
    if saved is not None and saved.bmi is not None:
        st.caption(f"BMI {saved.bmi:.1f} kg/m² (weight with the screening height)")
    meta.last_changed(saved and saved.last_changed_by, saved and saved.last_changed_at, plan.zone)
    rows = audit.ItemRows(target.subject_id, target.visit_id, "vitalsign", "test_code")
    audit.history(wb, actor, fid, [], rows, plan.labels)
    flow.end(plan, top)


def render(wb: Workbench, actor: Actor, target: Target, form_code: str) -> None:
    """Every time point of the visit (PRE and POST dose on V1), each its own form."""
    points = timepoints(wb.study, target.visit_code)
    for point in points:
        if point:
            st.markdown(f"**{point.capitalize()}-dose**")
        _one(wb, actor, target, point)
