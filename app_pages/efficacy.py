"""Efficacy summary: SRI-4 at the primary endpoint, change from baseline per visit, BILAG grades."""

from __future__ import annotations

import streamlit as st

from records.outcomes.baseline import baseline_rule
from records.outcomes.catalogue import MEASURE_BY_KEY, MEASURES
from ui import cache, downloads, session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
k = cache.key(wb)
st.title("Efficacy summary")
st.caption(
    "Descriptive statistics of observed values (no imputation). n counts subjects with a value; "
    "a visit without values is left out, never shown as zero. "
    f"{baseline_rule(wb.study).text}"
)
VIEWS = ("SRI-4 at the endpoint", "Change from baseline", "BILAG grades", "All measures")
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="efficacy_view") or VIEWS[0]
if view == "SRI-4 at the endpoint":
    endpoint = cache.endpoint(k)
    st.subheader(f"SRI-4 responders at {endpoint.visit} (primary endpoint visit)")
    downloads.table(endpoint.counts, "sri4-endpoint", "endpoint")
    if not len(endpoint.non_responders):
        st.caption("No non-responder at the endpoint visit.")
    else:
        st.markdown("**Non-responders and what decided it**")
        downloads.table(endpoint.non_responders, "sri4-non-responders", "non_responders")
elif view == "Change from baseline":
    key = st.selectbox(
        "Measure",
        [m.key for m in MEASURES],
        format_func=lambda m: f"{MEASURE_BY_KEY[m].group} · {MEASURE_BY_KEY[m].label}",
        key="efficacy_measure",
    )
    measure = MEASURE_BY_KEY[key]
    unit = measure.unit_in(wb.study)
    better = f"; {measure.better} is better" if measure.better else ""
    st.caption(f"Unit: {unit}{better}. Change = visit − baseline.")
    summary = cache.measure_summary(k, key)
    if not len(summary):
        st.info(f"No {measure.label} recorded for a dosed subject yet.")
    else:
        downloads.table(summary, f"change-{key}", "change")
        figure = cache.spaghetti_spec(k, key, measure.label, unit)
        downloads.chart(figure, f"spaghetti-{key}", "spaghetti")
elif view == "BILAG grades":
    grades = cache.bilag_grades(k)
    st.caption("Subjects per grade; improved / worse = grade moved towards E / towards A.")
    if not len(grades):
        st.info("No BILAG-2004 recorded for a dosed subject yet.")
    else:
        downloads.table(grades, "bilag-grades", "bilag_grades")
else:
    st.caption("Every measure's change-from-baseline summary, in one table and one file.")
    downloads.table(cache.all_changes(k), "efficacy-summary", "all_changes")
