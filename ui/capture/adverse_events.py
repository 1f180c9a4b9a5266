"""The adverse-event log of a subject (records.adverse_events, spec/scoring.md §9).

Seriousness, treatment-emergence and the SAE 24-hour report deadline are derived by records and
shown, never typed. MedDRA codes are free text entered by a licensed coder (§9.6).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from models import Actor
from records.adverse_events import AdverseEventRead, list_adverse_events, save_adverse_event
from records.context import Workbench
from ui.capture import logs
from ui.capture.fields import Field
from ui.capture.meta import local_time

SAE = "Seriousness (ICH E2A): tick every criterion met"
FIELDS = (
    Field("term", "Verbatim term", section="Event"),
    Field("onset", "Onset (partial date, optional hh:mm)", "partial_time", section="Event"),
    Field("end", "End (blank while ongoing)", "partial_time", section="Event"),
    Field("ongoing", "Ongoing", "flag", section="Event"),
    Field("severity", "Severity", "choice", codelist="AESEV", section="Event"),
    Field("ctcae_grade", "CTCAE v5.0 grade", "choice", options=(1, 2, 3, 4, 5), section="Event"),
    Field("pt", "MedDRA preferred term", section="Coding (licensed coder, optional)"),
    Field("pt_code", "PT code", section="Coding (licensed coder, optional)"),
    Field("soc", "MedDRA system organ class", section="Coding (licensed coder, optional)"),
    Field("soc_code", "SOC code", section="Coding (licensed coder, optional)"),
    Field("sae_death", "Results in death", "flag", section=SAE),
    Field("sae_life_threatening", "Life-threatening", "flag", section=SAE),
    Field("sae_hospitalisation", "Requires or prolongs hospitalisation", "flag", section=SAE),
    Field("sae_disability", "Persistent or significant disability", "flag", section=SAE),
    Field("sae_congenital_anomaly", "Congenital anomaly / birth defect", "flag", section=SAE),
    Field("sae_medically_important", "Important medical event", "flag", section=SAE),
    Field(
        "awareness_date",
        "Site aware of the event on",
        "date",
        section=SAE,
        help="Starts the 24-hour SAE reporting clock",
    ),
    Field(
        "relationship", "Relationship to UC-MSC", "choice", codelist="AEREL", section="Assessment"
    ),
    Field("action_taken", "Action taken", "choice", codelist="AEACN", section="Assessment"),
    Field("outcome", "Outcome", "choice", codelist="AEOUT", section="Assessment"),
    Field("treatment_given", "Treatment given", "flag", section="Assessment"),
    Field("treatment_note", "Treatment", section="Assessment"),
)


def form(wb: Workbench, actor: Actor, subject_id: int) -> logs.LogForm:
    """The AE log form of a subject."""

    def save(ae_id: int | None, values: dict, reason: str | None, expected: int | None) -> Any:
        return save_adverse_event(
            wb,
            actor,
            subject_id=subject_id,
            values=values,
            ae_id=ae_id,
            reason=reason,
            expected_version=expected,
        )

    return logs.LogForm("AE", "adverse event", "adverseevent", FIELDS, save)


def due(ae: AdverseEventRead, zone: str) -> datetime | None:
    """The SAE report deadline as a site-time moment (records counts from the awareness day)."""
    moment = ae.sae_report_due
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def describe(ae: AdverseEventRead) -> str:
    return f"AE {ae.sequence}: {ae.values['term']} (onset {ae.values['onset']})"


def table(events: list[AdverseEventRead], zone: str) -> pd.DataFrame:
    """The log as a table: entered values and the derived flags."""
    return pd.DataFrame(
        [
            {
                "AE": ae.sequence,
                "Term": logs.struck(ae.values["term"], ae),
                "Onset": ae.values["onset"],
                "End": ae.values["end"] or "ongoing",
                "Severity": ae.values["severity"],
                "Grade": ae.values["ctcae_grade"],
                "Serious": "yes" if ae.serious else "no",
                "TEAE": ("yes" if ae.teae else "no") + ("" if ae.teae_certain else " (imputed)"),
                "Relationship": ae.values["relationship"],
                "Outcome": ae.values["outcome"],
                "SAE report due": local_time(due(ae, zone), zone)
                if ae.serious and not ae.error_reason
                else "",
                **logs.error_column(ae),
            }
            for ae in events
        ]
    )


def derived(ae: AdverseEventRead, zone: str, now: datetime | None = None) -> None:
    """What records derived for one AE: seriousness, SAE clock, TEAE and its reasons (none for
    an event entered in error: it counts nowhere)."""
    if ae.error_reason:
        return
    if ae.serious:
        criteria = ", ".join(c.replace("_", " ") for c in ae.seriousness_criteria)
        st.error(f"Serious adverse event ({criteria}).", icon=":material/emergency:")
        deadline = due(ae, zone)
        if deadline is not None:
            hours = (deadline - (now or datetime.now(UTC))).total_seconds() / 3600
            left = f"{hours:.0f} h left" if hours >= 0 else f"overdue by {-hours:.0f} h"
            when = local_time(deadline, zone)
            st.warning(f"SAE report due {when} (24 h from the awareness date): {left}.")
    kind = "Treatment-emergent" if ae.teae else "Not treatment-emergent"
    st.info(f"{kind} (derived): " + "; ".join(ae.teae_reasons), icon=":material/info:")
    for warning in ae.warnings:
        st.warning(warning)


def events(wb: Workbench, subject_id: int) -> list[AdverseEventRead]:
    return list_adverse_events(wb, subject_id)
