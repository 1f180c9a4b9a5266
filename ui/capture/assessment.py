"""Forms stored as assessment items (instruments, items forms, eligibility): one shell for all.

The shell adds what every such form has: assessment date, "not done" with its reason, the mode
of a questionnaire, the save button, the edit preview, the last change and the audit trail. The
item widgets come from a `View` (generic, or SLEDAI/BILAG/PGA layouts in `instruments`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import streamlit as st

from models import Actor
from records.assessments import AssessmentRead, load_assessment, save_assessment
from records.context import Workbench
from records.derived import clean_values
from records.instruments import ItemSpec, item_specs
from study.schema import FormDef
from ui.capture import audit, flow, meta, widgets
from ui.capture.target import Target

HEADER = ("state", "not_done_reason", "assessment_date", "mode")
HEADER_LABELS = {
    "state": "Form status",
    "not_done_reason": "Reason not done",
    "assessment_date": "Assessment date",
    "mode": "Mode of administration",
}
Layout = Callable[[str, Sequence[ItemSpec], bool], None]
"""(widget prefix, item specs, disabled) → renders the item widgets."""


@dataclass(frozen=True)
class View:
    """How a form's items are laid out; `live` forms rerun on every change (scores shown)."""

    layout: Layout
    live: bool = False
    checkboxes: frozenset[str] = frozenset()


def generic(wb: Workbench, form_code: str, note_label: str = "Description") -> View:
    """Items in form order with their codelist labels and units."""
    labels = widgets.option_labels(wb.study, form_code)
    unit_of = widgets.units(wb.study, form_code)

    def layout(form_id: str, specs: Sequence[ItemSpec], disabled: bool) -> None:
        widgets.render_items(
            form_id, specs, labels, unit_of, disabled=disabled, note_label=note_label
        )

    return View(layout)


def item_values(form_id: str, specs: Sequence[ItemSpec], checkboxes: frozenset[str]) -> dict:
    """Entered item values; a ticked box is 'Y', an unticked one 'N'."""
    values = widgets.collect(form_id, [s for s in specs if s.code not in checkboxes])
    for code in checkboxes:
        values[code] = "Y" if st.session_state.get(flow.key(form_id, code)) else "N"
    return values


def _seed(form: FormDef, specs: Sequence[ItemSpec], saved: AssessmentRead | None, view: View):
    stored = saved.values if saved else {}
    seed: dict[str, Any] = {
        s.code: stored.get(s.code) == "Y"
        if s.code in view.checkboxes
        else widgets.seed_value(s, stored.get(s.code))
        for s in specs
    }
    seed["assessment_date"] = saved.assessment_date if saved else None
    seed["not_done"] = bool(saved and saved.state == "not_done")
    seed["not_done_reason"] = (saved.not_done_reason or "") if saved else ""
    if form.domain == "QS":
        seed["mode"] = saved.mode if saved else None
    return seed


def _collect(form: FormDef, specs: Sequence[ItemSpec], view: View) -> dict[str, Any]:
    """Header and item values as entered; a form marked not done carries no item values."""
    state, fid = st.session_state, form.code
    not_done = bool(state.get(flow.key(fid, "not_done")))
    reason = state.get(flow.key(fid, "not_done_reason")) if not_done else None
    return {
        "state": "not_done" if not_done else "complete",
        "not_done_reason": reason or None,
        "assessment_date": state.get(flow.key(fid, "assessment_date")),
        "mode": state.get(flow.key(fid, "mode")) if form.domain == "QS" else None,
        **({} if not_done else item_values(fid, specs, view.checkboxes)),
    }


def _split(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header fields, item values): the header names are save_assessment's keywords."""
    header = {h: values.get(h) for h in HEADER}
    return header, {k: v for k, v in values.items() if k not in HEADER}


def _saver(wb: Workbench, actor: Actor, target: Target, form_code: str) -> flow.Saver:
    def save(values: dict[str, Any], reason: str | None, expected: int | None) -> Any:
        header, items = _split(values)
        return save_assessment(
            wb,
            actor,
            visit_id=target.visit_id,
            form_code=form_code,
            values=items,
            reason=reason,
            expected_version=expected,
            **header,
        )

    return save


def plan_for(
    wb: Workbench,
    actor: Actor,
    target: Target,
    form: FormDef,
    saved: AssessmentRead | None,
    view: View,
) -> flow.FormPlan:
    """The form's plan: seed from the saved assessment, collect, compare and save."""
    specs = item_specs(wb.study, form.code)

    def flat(values: Mapping[str, Any]) -> dict[str, Any]:
        header, items = _split(values)
        return {**header, **clean_values(wb.study, form.code, items)[0]}

    saved_flat = None
    if saved is not None:
        header = {h: getattr(saved, h) for h in HEADER}
        saved_flat = {**header, **saved.values}
    return flow.FormPlan(
        form_id=form.code,
        target=target.name,
        seed=_seed(form, specs, saved, view),
        saved=saved_flat,
        version=saved.version if saved else None,
        labels={**HEADER_LABELS, **{s.code: s.label for s in specs}},
        collect=partial(_collect, form, specs, view),
        save=_saver(wb, actor, target, form.code),
        writable=target.writable,
        zone=wb.study.site.timezone,
        flat=flat,
        saved_message=f"{form.name} saved.",
    )


def _header(wb: Workbench, form: FormDef, disabled: bool) -> None:
    fid = form.code
    left, middle, right = st.columns([2, 2, 3])
    with left:
        st.date_input(
            "Assessment date (blank: the visit date)",
            value=None,
            format="YYYY-MM-DD",
            key=flow.key(fid, "assessment_date"),
            disabled=disabled,
        )
        flow.error(fid, "assessment_date")
    if form.domain == "QS":
        with middle:
            modes = wb.study.codes("QS_MODE")
            st.selectbox(
                "Mode of administration",
                modes,
                index=None,
                key=flow.key(fid, "mode"),
                format_func=lambda c: wb.study.decode("QS_MODE", c) or c,
                disabled=disabled,
            )
            flow.error(fid, "mode")
    with right:
        st.checkbox("Not done", key=flow.key(fid, "not_done"), disabled=disabled)
        flow.error(fid, "state")
        st.text_input("Reason not done", key=flow.key(fid, "not_done_reason"), disabled=disabled)
        flow.error(fid, "not_done_reason")


def render(
    wb: Workbench, actor: Actor, target: Target, form_code: str, view: View | None = None
) -> AssessmentRead | None:
    """The whole form: header, items, save, edit preview, last change and audit trail."""
    form = wb.study.form(form_code)
    view = view or generic(wb, form_code)
    saved = load_assessment(wb, target.visit_id, form_code)
    plan = plan_for(wb, actor, target, form, saved, view)
    top = flow.begin(plan)
    disabled = not target.writable
    in_form = target.writable and not view.live
    with flow.box(form_code, in_form):
        _header(wb, form, disabled)
        view.layout(form_code, item_specs(wb.study, form_code), disabled)
        flow.save_button(plan, in_form=in_form)
    flow.preview(plan)
    meta.last_changed(
        saved.last_changed_by if saved else None,
        saved.last_changed_at if saved else None,
        wb.study.site.timezone,
    )
    if saved is not None:
        rows = audit.ItemRows(
            target.subject_id, target.visit_id, "assessmentitem", "item_code", form=form_code
        )
        audit.history(wb, actor, form_code, [("assessment", saved.id)], rows, plan.labels)
    flow.end(plan, top)
    return saved
