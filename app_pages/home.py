"""Home: the study at a glance (name, site, enrolment counts), the worklist of the site's
visits, headline charts and the study dashboard."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from records.queries import list_queries
from records.sites import site_codes
from ui import cache, downloads, session, worklist
from ui.resources import workbench
from ui.review import SITE

actor = session.require("read")
wb = workbench()
info = wb.study.study

st.title(info.title)
st.caption(
    f"{info.id} · protocol {info.protocol} · sponsor {info.sponsor} · phase {info.phase}"
    f" · study definition v{info.definition_version}"
)
shown = site_codes(wb)
names = {s.code: s.name for s in wb.study.sites}
st.write(
    ("**Site:** " if len(shown) == 1 else "**Sites:** ")
    + ("; ".join(f"{c} {names[c]}" for c in shown) or "none of yours yet")
)

k = cache.key(wb)
counts = cache.status_counts(k)
screened = sum(counts.values())
dosed = sum(
    counts[s] for s in ("dosed", "completed", "early_termination", "lost_to_follow_up", "died")
)
cols = st.columns(5)
cols[0].metric("Screened", screened)
cols[1].metric("Dosed", dosed, help=f"Planned: {info.planned_subjects}")
cols[2].metric("In follow-up", counts["dosed"])
cols[3].metric("Completed", counts["completed"])
cols[4].metric("Early termination", counts["early_termination"])

site_staff = actor.role in SITE
if site_staff:
    st.subheader("Worklist: today and this week")
    worklist.show(k)

charts = cache.headline_charts_of(k, info.planned_subjects)
HEADLINES = (
    (charts.enrolment, "enrolment", "No subject screened yet."),
    (charts.sledai, "sledai_change", "No SLEDAI-2K after baseline yet."),
    (charts.responders, "sri4_by_visit", "No visit evaluated for SRI-4 yet."),
    (charts.teae, "teae_severity", "No treatment-emergent adverse event."),
)
for column, (figure, name, empty) in zip(st.columns(2) * 2, HEADLINES, strict=True):
    with column, st.container(key=f"headline_{name}"):
        if figure is None:
            st.info(empty)
        else:
            st.vega_lite_chart(figure.display, key=f"headline_{name}_chart")
st.caption(
    "SLEDAI-2K and SRI-4 on observed values (no imputation); SRI-4 is counted over subjects "
    "evaluable at the visit. Details, tables and CSV on Efficacy and Safety."
)
with st.expander("Subjects by status"):
    st.dataframe(cache.status_table(k), hide_index=True)
waiting = Counter(q.status for q in list_queries(wb, states=("open", "answered")))
st.caption(
    f"Data queries: {waiting['open']} open (waiting on the site), {waiting['answered']} "
    "answered (waiting on the monitor) · see Queries and SDV"
)

st.divider()
st.header("Study dashboard")
VIEWS = ("Enrolment funnel", "Visit compliance", "Forms outstanding", "Data-entry lag")
VIEWS = VIEWS if site_staff else (*VIEWS, "Worklist")
view = st.segmented_control("Show", VIEWS, default=VIEWS[0], key="dashboard_view") or VIEWS[0]

if view == "Worklist":
    worklist.show(k)
elif view == "Enrolment funnel":
    downloads.table(cache.dashboard_table(k, "funnel"), "enrolment-funnel", "funnel")
elif view == "Visit compliance":
    st.caption(
        "Scheduled visits of dosed subjects whose window has opened. Out of window = done "
        "outside its window (a protocol deviation); overdue = window closed without a visit date; "
        "not expected = after the subject withdrew, was lost to follow-up or died."
    )
    downloads.table(cache.dashboard_table(k, "compliance"), "visit-compliance", "compliance")
elif view == "Forms outstanding":
    st.caption(
        "Expected forms not yet entered (neither saved complete nor recorded as not done) at "
        "visits that are done, due or overdue; a blank cell is a visit not open yet."
    )
    downloads.table(cache.dashboard_table(k, "grid"), "forms-outstanding-grid", "outstanding_grid")
    if st.toggle("List each outstanding form", key="outstanding_detail"):
        downloads.table(cache.dashboard_table(k, "outstanding"), "forms-outstanding", "outstanding")
else:
    bulk = cache.bulk_entries(k)
    st.caption(
        "Days from the visit date to the first save of each form in the app (site time zone). "
        f"Left out: {bulk} form(s) first saved by a bulk load (command line, demo builder, "
        "import; audit origin other than the app), whose save time is when the load ran, "
        "not when the site entered the visit."
    )
    if not cache.site_entries(k):
        st.info("No form entered in the app for a dated visit yet.")
    else:
        downloads.table(cache.dashboard_table(k, "lag_summary"), "entry-lag-summary", "lag")
