"""Home: the study at a glance (name, site, enrolment counts)."""

from __future__ import annotations

import streamlit as st

from records.subjects import counts_by_status
from ui import session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
info = wb.study.study

st.title(info.title)
st.caption(
    f"{info.id} · protocol {info.protocol} · sponsor {info.sponsor} · phase {info.phase}"
    f" · study definition v{info.definition_version}"
)
st.write(f"**Site:** {wb.study.site.name}")

counts = counts_by_status(wb)
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
st.dataframe(
    {"Status": [s.replace("_", " ") for s in counts], "Subjects": list(counts.values())},
    hide_index=True,
)
