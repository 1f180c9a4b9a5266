"""Response status per subject and visit; any cell opens the result that decided it."""

from __future__ import annotations

import streamlit as st

from exports.csv_file import frame_to_csv_bytes
from records.outcomes.baseline import baseline_rule
from records.outcomes.catalogue import index_title
from records.outcomes.events import rules_text
from records.outcomes.responses import label
from scoring import words
from ui import cache, downloads, session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
k = cache.key(wb)
st.title("Response status")

with st.expander("How responses are decided", icon=":material/rule:"):
    rules = "\n".join(f"- {line}" for line in rules_text(wb.study))
    st.markdown(
        f"**Baseline.** {baseline_rule(wb.study).text}\n\n"
        f"**Non-response rules** (set in the study definition):\n{rules}\n\n"
        "**Cells.** *responder* / *non-responder* (or the index's own words), and *not "
        "evaluable* when an input is missing and no rule made the subject a non-responder. "
        "Not evaluable is never counted as a non-response. Visits not yet due are not shown."
    )

for intro, issues in (
    ("Corticosteroid rows counted in no steroid outcome until corrected", cache.steroid_issues(k)),
    ("Lab results printed as a bound (for example <10), which no measure can use",
     cache.lab_issues(k)),
):  # fmt: skip
    if issues:
        lines = "\n".join(f"- {subject}: {text}" for subject, text in issues)
        st.warning(f"{intro}:\n{lines}", icon=":material/report:")

extra = st.multiselect(
    "Also show", ["SRI-5", "SRI-6", "SRI-7", "SRI-8"], key="responses_sri", placeholder="SRI-5…8"
)
ks = (4, *sorted(int(name[4:]) for name in extra))
view = cache.responses(k, ks)
if not len(view.table):
    st.info("No post-baseline visit of a dosed subject has happened yet.")
    st.stop()
if st.session_state.get("responses_index") not in view.indices:
    st.session_state["responses_index"] = view.indices[0]
index = st.segmented_control("Index", view.indices, key="responses_index") or view.indices[0]
st.caption(f"{index_title(index)}, subject × visit. Click a cell to see why it reads as it does.")
grid = cache.response_grid(k, ks, index)
state = downloads.table(
    grid, f"response-{index}", "responses", on_select="rerun", selection_mode="single-cell"
)
st.download_button(
    "Download every index (CSV)",
    data=lambda: frame_to_csv_bytes(view.table.to_pandas()),
    file_name="response-status.csv",
    mime="text/csv",
    key="responses_all_csv",
    on_click="ignore",
)

cells = list(state.selection.get("cells", [])) if state else []
if cells and cells[0][1] != "subject" and cells != st.session_state.get("_responses_applied"):
    row, visit = cells[0]
    picked = (grid.column("subject")[row].as_py(), visit)
    st.session_state.update(responses_subject=picked[0], responses_visit=picked[1])
    st.session_state.update(_responses_cell=picked, _responses_applied=cells)
subject, visit = st.session_state.get("_responses_cell", (view.subjects[0], None))

st.subheader("Explanation")
if st.toggle("Choose the subject and visit here", key="responses_pick"):
    st.session_state.setdefault("responses_subject", subject)
    c1, c2 = st.columns(2)
    subject = c1.selectbox("Subject", view.subjects, key="responses_subject")
    visits = cache.response_visits(k, ks, subject)
    if st.session_state.get("responses_visit") not in visits:
        st.session_state["responses_visit"] = next(iter(visits))
    visit = c2.selectbox("Visit", list(visits), key="responses_visit")
subject = subject if subject in view.subjects else view.subjects[0]
visits = cache.response_visits(k, ks, subject)
visit = next(iter(visits)) if visit is None else visit
if visit not in visits:
    st.info(f"{subject} has no evaluated {visit} visit yet (not due, or not dosed).")
    st.stop()
explained = cache.explanation(k, ks, *visits[visit], index)
if explained is None:
    st.info("No result for this cell.")
    st.stop()
result = explained.result
st.markdown(
    f"**{subject} · {visit} · {index_title(index)}: {label(result)}** — {result.reasons[0]}  \n"
    f"Decided by: {words.criteria(result.decided_by) or '—'}  \n"
    f"Missing inputs: {words.inputs(result.missing) or 'none'}"
)
st.markdown(explained.markdown)
