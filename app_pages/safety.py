"""Safety summary: TEAE incidence (the primary outcome), TEAEs by SOC/PT, and AE swimmer lanes."""

from __future__ import annotations

import streamlit as st

from ui import cache, downloads, session

actor = session.require("read")
k = cache.key()
st.title("Safety summary")

summary = cache.safety_tables(k)
st.metric("Safety set (dosed subjects)", f"N = {summary.n}")
st.caption(
    "Treatment-emergent: onset on or after the start of the day-1 dose, through day 168; a "
    "partial onset that could be after the dose counts as emergent."
)
VIEWS = ("TEAE incidence", "By SOC and PT", "Adverse events by subject")
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="safety_view") or VIEWS[0]

if view == "TEAE incidence":
    downloads.table(summary.incidence, "teae-incidence", "teae", height=560)
    st.markdown("\n".join(f"- {note}" for note in summary.notes))
elif view == "By SOC and PT":
    st.caption("MedDRA terms when a licensed coder entered them, else the verbatim term.")
    if not len(summary.by_term):
        st.info("No treatment-emergent adverse event.")
    else:
        downloads.table(summary.by_term, "teae-by-soc-pt", "teae_soc")
else:
    st.caption(
        "One lane per dosed subject, labelled with its screening number: the grey bar is the "
        "time on study (day 1 = dose, to the last visit or today while in follow-up); bars are "
        "adverse events from onset to end, coloured by severity."
    )
    pre_dose = st.checkbox(
        "Also show events that are not treatment-emergent (faded, dashed outline)",
        key="swimmer_pre_dose",
        help="Pre-dose events (onset before day 1) and events after the TEAE window.",
    )
    figure = cache.swimmer_spec(k, pre_dose)
    if figure is None:
        st.info("No subject has been dosed yet.")
    else:
        downloads.chart(figure, "ae-swimmer", "swimmer")
