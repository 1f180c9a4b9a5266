"""One subject's daily prednisone-equivalent dose over calendar dates, as a step line (§6.2).

Pure: takes the series `scoring.steroids.daily_series` built, returns an Altair chart. Pulse days
are marked with red triangles; a protocol threshold (e.g. the LLDAS 7.5 mg) is a dashed rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from scoring.steroids import SteroidSeries


def steroid_frame(series: SteroidSeries) -> pd.DataFrame:
    """date, prednisone_mg, pulse_mg: one row per day of the series."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime([d.day for d in series.days]),
            "prednisone_mg": [d.prednisone_equivalent_mg for d in series.days],
            "pulse_mg": [d.pulse_mg for d in series.days],
        }
    )


def steroid_curve(
    frame: pd.DataFrame, thresholds: Sequence[tuple[float, str]] = (), dose_date: object = None
) -> alt.LayerChart:
    """Daily mg/day as a step line; pulses as triangles; thresholds and day 1 as rules."""
    x = alt.X("date:T", title="Date")
    tooltip = [alt.Tooltip("date:T"), alt.Tooltip("prednisone_mg:Q", format=".4~g", title="mg")]
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after")
        .encode(
            x=x, y=alt.Y("prednisone_mg:Q", title="Prednisone-equivalent mg/day"), tooltip=tooltip
        )
    )
    pulses = alt.Chart(frame[frame["pulse_mg"] > 0]).mark_point(
        shape="triangle-up", filled=True, size=90, color="red"
    )
    layers: list[alt.Chart] = [line, pulses.encode(x=x, y="prednisone_mg:Q", tooltip=tooltip)]
    if thresholds:
        rules = pd.DataFrame(list(thresholds), columns=["threshold", "label"])
        rule = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color="#666666")
        layers.append(rule.encode(y="threshold:Q", tooltip=["label:N", "threshold:Q"]))
    if dose_date is not None:
        day_one = pd.DataFrame({"date": pd.to_datetime([dose_date]), "label": ["day 1 (dose)"]})
        mark = alt.Chart(day_one).mark_rule(color="#1a9850")
        layers.append(mark.encode(x="date:T", tooltip=["label:N", "date:T"]))
    title = "Daily prednisone-equivalent dose (red triangle: pulse)"
    return alt.layer(*layers).properties(height=220, title=title)
