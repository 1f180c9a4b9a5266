"""PI sign-off: visits and casebooks awaiting a signature, and signatures invalidated since."""

from __future__ import annotations

import streamlit as st

from records.signoff import worklist
from ui import navigation, session
from ui.resources import workbench

actor = session.require("sign")
wb = workbench()
st.title("PI sign-off")
items = worklist(wb)
invalidated = [i for i in items if i.state == "invalidated"]
awaiting = [i for i in items if i.state == "awaiting"]
cols = st.columns(3)
cols[0].metric("Invalidated since signing", len(invalidated))
cols[1].metric("Awaiting a first signature", len(awaiting))
cols[2].metric("Ready to sign now", sum(i.ready for i in items))


def _open(index: int, item) -> None:  # type: ignore[no-untyped-def]
    left, right = st.columns([4, 1])
    left.text(f"{item.label} — {item.note}" + ("" if item.ready else " (not ready)"))
    if right.button("Open", key=f"signoff_open_{index}"):
        st.session_state["subject_id"] = item.subject_id
        if item.visit_id is None:
            st.switch_page(navigation.link("subject.py"))
        st.session_state["visit_id"] = item.visit_id
        st.switch_page(navigation.link("visit.py"))


st.subheader("Signatures invalidated by a later change")
if not invalidated:
    st.caption("None.")
for n, item in enumerate(invalidated):
    _open(n, item)
st.subheader("Awaiting signature")
if not awaiting:
    st.caption("None.")
for n, item in enumerate(awaiting[:200]):
    _open(1000 + n, item)
