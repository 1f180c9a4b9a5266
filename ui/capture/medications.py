"""Concomitant medications and corticosteroid regimens as dated rows (records.medications).

The prednisone equivalent of each row and the per-subject daily curve come from records and
`scoring.steroids` (spec/scoring.md §6); IV pulses are corticosteroid rows flagged as pulses.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from charts.steroid_curve import steroid_curve, steroid_frame
from models import Actor
from records.context import Workbench
from records.medications import MedicationRead, save_medication, steroid_series
from ui.capture import logs
from ui.capture.fields import Field

FIELDS = (
    Field("drug", "Drug (generic name)", section="Medication"),
    Field("indication", "Indication", section="Medication"),
    Field(
        "corticosteroid",
        "Corticosteroid",
        "flag",
        section="Medication",
        help="Converted to a prednisone-equivalent dose; also recognised from the drug",
    ),
    Field("dose", "Dose per administration", "number", section="Dose"),
    Field("dose_unit", "Unit (mg for corticosteroids)", section="Dose"),
    Field("route", "Route", "choice", codelist="ROUTE", section="Dose"),
    Field("frequency", "Frequency", "choice", codelist="FREQ", section="Dose"),
    Field("pulse", "IV pulse (single high dose)", "flag", section="Dose"),
    Field("start", "Start (partial date)", "partial", section="Dates"),
    Field("stop", "Stop (blank while ongoing)", "partial", section="Dates"),
    Field("ongoing", "Ongoing", "flag", section="Dates"),
)
VALUES = tuple(f.name for f in FIELDS)


def form(wb: Workbench, actor: Actor, subject_id: int) -> logs.LogForm:
    """The medication log form of a subject."""

    def save(row_id: int | None, values: dict, reason: str | None, expected: int | None) -> Any:
        return save_medication(
            wb,
            actor,
            subject_id=subject_id,
            values=values,
            medication_id=row_id,
            reason=reason,
            expected_version=expected,
        )

    return logs.LogForm("CM", "medication", "medication", FIELDS, save)


def values(row: MedicationRead | None) -> dict[str, Any]:
    return {} if row is None else {name: getattr(row, name) for name in VALUES}


def describe(row: MedicationRead) -> str:
    dose = f" {row.dose:g} {row.dose_unit or ''}" if row.dose is not None else ""
    return f"{row.drug}{dose} {row.frequency or ''} from {row.start}".replace("  ", " ")


def table(rows: list[MedicationRead]) -> pd.DataFrame:
    """Rows with their derived prednisone-equivalent mg/day."""
    return pd.DataFrame(
        [
            {
                "Drug": logs.struck(r.drug, r),
                "Dose": r.dose,
                "Unit": r.dose_unit,
                "Route": r.route,
                "Frequency": r.frequency,
                "Start": r.start,
                "Stop": r.stop or ("single dose" if r.frequency == "ONCE" else "ongoing"),
                "Steroid": "yes" if r.corticosteroid else "",
                "Pulse": "yes" if r.pulse else "",
                "Prednisone eq. mg/day": (
                    None if r.error_reason else r.prednisone_equivalent_mg_per_day
                ),
                "How": r.prednisone_reason or "",
                "Data issue": r.steroid_issue or "",
                **logs.error_column(r),
            }
            for r in rows
        ]
    )


def issues(rows: list[MedicationRead]) -> None:
    """Warn about corticosteroid rows no steroid outcome can count (never skipped silently)."""
    for row in rows:
        if row.steroid_issue and not row.error_reason:
            st.warning(
                f"Not counted in any steroid outcome: {row.steroid_issue}", icon=":material/report:"
            )


def curve(wb: Workbench, subject_id: int, dose_date: Any) -> None:
    """The daily prednisone-equivalent step line from consent to today, with the IV pulses."""
    series = steroid_series(wb, subject_id)
    if not any(d.prednisone_equivalent_mg for d in series.days):
        st.caption("No systemic corticosteroid recorded.")
        return
    protocol = wb.study.protocol
    rules = [(protocol.lldas_prednisone_max_mg, "LLDAS maximum")]
    if protocol.steroid_ceiling_mg is not None:
        rules.append((protocol.steroid_ceiling_mg, "protocol ceiling"))
    chart = steroid_curve(steroid_frame(series), rules, dose_date)
    st.altair_chart(chart, width="stretch", key="steroid_curve")
    current = series.days[-1].prednisone_equivalent_mg
    st.caption(
        f"Today {current:g} mg/day; average {series.average_mg_per_day:.1f} mg/day since "
        f"{series.start}; {len(series.pulse_days)} pulse day(s)."
    )
    for reason in series.reasons:
        st.caption(reason)
