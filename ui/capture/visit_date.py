"""The date a visit took place (records.visits.record_visit_date); a correction needs a reason."""

from __future__ import annotations

from typing import Any

import streamlit as st

from models import Actor
from records.context import Workbench
from records.visits import CalendarRow, record_visit_date
from ui.capture import flow
from ui.capture.target import Target

FID = "visit_date"


def plan_for(wb: Workbench, actor: Actor, target: Target, row: CalendarRow) -> flow.FormPlan:
    """Reseeded whenever the saved date changes (recording the dose sets the V1 date)."""

    def collect() -> dict[str, Any]:
        return {"actual_date": st.session_state.get(flow.key(FID, "actual_date"))}

    def save(values: dict[str, Any], reason: str | None, expected: int | None) -> Any:
        return record_visit_date(
            wb, actor, row.visit_id, values["actual_date"], reason=reason, expected_version=expected
        )

    return flow.FormPlan(
        form_id=FID,
        target=f"{target.name}:{row.actual_date}",
        seed={"actual_date": row.actual_date},
        saved={"actual_date": row.actual_date} if row.actual_date else None,
        version=row.version_id,
        labels={"actual_date": "Visit date"},
        collect=collect,
        save=save,
        writable=target.writable,
        zone=wb.study.site.timezone,
        saved_message="Visit date saved.",
    )


def render(wb: Workbench, actor: Actor, target: Target, row: CalendarRow) -> None:
    """Visit date form; window status and deviations are shown by the page."""
    plan = plan_for(wb, actor, target, row)
    top = flow.begin(plan)
    with flow.box(FID, target.writable):
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        with left:
            st.date_input(
                "Visit date",
                value=None,
                format="YYYY-MM-DD",
                key=flow.key(FID, "actual_date"),
                disabled=not target.writable,
            )
        with right:
            flow.save_button(plan, in_form=target.writable, label="Save visit date")
        flow.error(FID, "actual_date")
    flow.preview(plan)
    flow.end(plan, top)
