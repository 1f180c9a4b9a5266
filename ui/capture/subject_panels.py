"""Subject-level capture: eligibility checklist, status changes, extra visits, links to the logs."""

from __future__ import annotations

from typing import Any

import streamlit as st

from models import Actor
from models.subjects import SUBJECT_STATUSES
from records.context import Workbench
from records.eligibility import eligibility_status, form_code
from records.errors import Held, NotFound, PermissionDenied, ValidationFailed
from records.permissions import allowed
from records.subjects import SubjectRead, set_status
from records.visits import CalendarRow, add_visit
from ui import navigation
from ui.capture import assessment, flow
from ui.capture.target import Target

STATUS = "status"
LINKS = (
    ("adverse_events.py", "Adverse events", ":material/emergency:"),
    ("medications.py", "Medications and steroids", ":material/medication:"),
    ("history.py", "Medical and SLE history", ":material/history_edu:"),
)


def links(role: str) -> None:
    """Links to the subject's logs the role may open (a link to a page outside the role's
    navigation would end the page with an error, issue #13)."""
    shown = [link for link in LINKS if navigation.may_open(role, link[0])]
    if not shown:
        return
    for column, (page, label, icon) in zip(st.columns(len(shown)), shown, strict=True):
        with column:
            st.page_link(navigation.link(page), label=label, icon=icon)


def eligibility(wb: Workbench, actor: Actor, subject: SubjectRead, rows: list[CalendarRow]) -> None:
    """Status of eligibility, then the checklist (met / not met with evidence) at screening."""
    status = eligibility_status(wb, subject.id)
    text = f"Eligibility: {status.summary}."
    if status.eligible:
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text + " Dosing then needs an override reason (given on the dose form).")
    if status.override:
        st.info(f"Eligibility override recorded: {status.override}", icon=":material/gavel:")
    for warning in status.warnings:
        st.warning(warning)
    code = form_code(wb)
    visit = next((r for r in rows if code in r.forms), None)
    if visit is None:
        st.caption("No visit of this subject collects the eligibility form.")
        return
    target = Target(
        subject.id,
        visit.visit_id,
        visit.visit_code,
        visit.actual_date,
        allowed(actor.role, "write_clinical"),
    )
    view = assessment.generic(wb, code, note_label="Evidence")
    assessment.render(wb, actor, target, code, view)


def status_form(wb: Workbench, actor: Actor, subject: SubjectRead) -> None:
    """Change the subject's status (e.g. early termination) with its date and reason."""
    writable = allowed(actor.role, "enrol")
    seed = {"status": subject.status, "status_date": None, "reason": ""}

    def collect() -> dict[str, Any]:
        return {name: st.session_state.get(flow.key(STATUS, name)) for name in seed}

    def save(values: dict[str, Any], _reason: str | None, _expected: int | None) -> Any:
        if values["status_date"] is None:
            raise ValidationFailed({"status_date": "is required"})
        return set_status(
            wb,
            actor,
            subject.id,
            values["status"],
            values["status_date"],
            (values["reason"] or "").strip(),
            expected_version=subject.version_id,
        )

    labels = {"status": "Status", "status_date": "Date", "reason": "Reason"}
    plan = flow.FormPlan(
        form_id=STATUS,
        target=f"subject:{subject.id}:{subject.status}:{subject.version_id}",
        seed=seed,
        saved=None,
        version=None,
        labels=labels,
        collect=collect,
        save=save,
        writable=writable,
        zone=wb.study.site.timezone,
        saved_message="Status changed.",
    )
    _status_widgets(plan, writable)


def _status_widgets(plan: flow.FormPlan, writable: bool) -> None:
    top = flow.begin(plan)
    with flow.box(STATUS, writable):
        left, middle, right = st.columns([2, 2, 4])
        with left:
            st.selectbox(
                "Status",
                SUBJECT_STATUSES,
                key=flow.key(STATUS, "status"),
                format_func=lambda s: s.replace("_", " "),
                disabled=not writable,
            )
            flow.error(STATUS, "status")
        with middle:
            st.date_input(
                "Date",
                value=None,
                format="YYYY-MM-DD",
                key=flow.key(STATUS, "status_date"),
                disabled=not writable,
            )
            flow.error(STATUS, "status_date")
        with right:
            st.text_input("Reason", key=flow.key(STATUS, "reason"), disabled=not writable)
            flow.error(STATUS, "reason")
        flow.save_button(plan, in_form=writable, label="Change status")
    flow.end(plan, top)


def add_visit_panel(wb: Workbench, actor: Actor, subject: SubjectRead) -> None:
    """Add an unscheduled or early-termination visit to the calendar."""
    if not allowed(actor.role, "write_clinical"):
        return
    extra = [v for v in wb.study.visits if not v.planned]
    left, right = st.columns([3, 2])
    left.selectbox(
        "Add a visit",
        [v.code for v in extra],
        key="add_visit_code",
        format_func=lambda c: wb.study.visit(c).name,
    )
    right.button("Add visit", key="add_visit", on_click=_add, args=(wb, actor, subject.id))
    message = st.session_state.pop("_add_visit_message", None)
    if message:
        getattr(st, message[0])(message[1])


def _add(wb: Workbench, actor: Actor, subject_id: int) -> None:
    code = st.session_state.get("add_visit_code")
    try:
        add_visit(wb, actor, subject_id, code)
    except ValidationFailed as err:
        message = ("error", "; ".join(err.errors.values()))
    except (PermissionDenied, NotFound, Held) as err:  # Held: frozen or locked (#12)
        message = ("error", str(err))
    else:
        message = ("success", f"{wb.study.visit(code).name} visit added to the calendar.")
    st.session_state["_add_visit_message"] = message
