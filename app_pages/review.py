"""Queries and SDV: the site's queries to answer, the monitor's open queries by age and SDV work."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from records import sdv, words
from records.errors import RecordsError
from records.queries import list_queries
from ui import picks, review, session
from ui.resources import workbench

actor = session.require("read")
wb = workbench()
st.title("Queries and source data verification")
site = actor.role in review.SITE

waiting = list_queries(wb, states=("open",) if site else ("open", "answered"))
waiting.sort(key=lambda q: -q.age_days)
st.header("Queries to answer" if site else "Open queries by age")
st.caption(
    "Open queries wait on the site; answered ones on the monitor or data manager, who closes "
    "them or sends them back. Age is in days since the query was raised."
)
table = pd.DataFrame(
    [
        {"Query": q.id, "Subject": q.screening_number, "Visit": q.visit_code,
         "Form": wb.study.form_name(q.form_code) if q.form_code else "", "State": q.status,
         "Origin": words.check(q.check_code) or "manual", "Age (days)": q.age_days,
         "Query text": q.text}
        for q in waiting
    ]
)  # fmt: skip
if table.empty:
    st.info("No query is waiting.")
else:
    st.caption(
        "Pick a row to open the form or log the query is on; or read and act on a query below."
    )
    picked = picks.picked_row(
        st.dataframe(table, hide_index=True, key="review_queries", **picks.ROW_PICK)
    )
    if picked is not None:
        q = waiting[picked]
        if q.visit_id is not None:
            picks.open_visit(q.subject_id, q.visit_id, q.form_code)
        picks.open_subject(q.subject_id, q.entity)
    labels = {
        q.id: f"{q.id} · {q.screening_number} {q.visit_code or ''} "
        f"{wb.study.form_name(q.form_code) if q.form_code else ''} · {q.status}"
        for q in waiting
    }
    chosen = st.selectbox(
        "Open a query", list(labels), key="review_query_pick", format_func=labels.__getitem__
    )
    review.thread(wb, actor, next(q for q in waiting if q.id == chosen), "reviewq")

if actor.role in ("monitor", "data_manager"):
    st.header("Source data verification")
    rows = sdv.sdv_rows(wb)
    counts = sdv.progress(rows)
    done = counts["verified"]
    st.progress(done / len(rows) if rows else 1.0,
                text=f"{done} of {len(rows)} forms and adverse events verified")  # fmt: skip
    frame = pd.DataFrame(
        [{"Subject": r.screening_number, "Visit": r.visit_code, "Form": r.what,
          "State": r.state} for r in rows]
    )  # fmt: skip
    if not frame.empty:
        by_subject = frame.pivot_table(
            index=["Subject", "Visit"], columns="State", values="Form", aggfunc="count"
        ).fillna(0)
        st.dataframe(by_subject.astype(int).reset_index(), hide_index=True, key="sdv_progress")
    todo = [r for r in rows if r.state != "verified"]
    if actor.role == "monitor" and todo:
        pick = st.selectbox(
            "Form or adverse event to verify", range(len(todo)), key="sdv_pick",
            format_func=lambda i: f"{todo[i].screening_number} {todo[i].visit_code} "
                                  f"{todo[i].what} ({todo[i].state})",
        )  # fmt: skip
        if st.button("Mark verified against source", key="sdv_verify"):
            try:
                sdv.verify(wb, actor, todo[pick])
            except RecordsError as err:
                st.error(str(err))
            else:
                st.rerun()
    dropped = sdv.dropped_verifications(wb)
    st.subheader(f"Dropped verifications ({len(dropped)})")
    if dropped:
        st.dataframe(
            pd.DataFrame(
                [{"Subject": r.screening_number, "Visit": r.visit_code, "Form": r.what,
                  "Verified by": r.verified_by, "Dropped (UTC)": r.dropped_at,
                  "Why": r.drop_reason} for r in dropped]
            ),
            hide_index=True, key="sdv_dropped",
        )  # fmt: skip
