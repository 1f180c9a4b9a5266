"""The worklist on Home: who comes in today and this week, and what is due; one click on a
row opens that subject's visit with its forms."""

from __future__ import annotations

import streamlit as st

from records.outcomes.worklist import COLUMNS, HORIZON_DAYS
from ui import cache, picks

SHOWN = COLUMNS[:-2]
"""The columns on screen; the last two are the ids a row opens."""


def show(k: cache.Key) -> None:
    """The worklist as a table whose rows open their visit when picked."""
    frame = cache.worklist_frame(k)
    if frame.empty:
        st.info(f"No visit is due, overdue or opening in the next {HORIZON_DAYS} days.")
        return
    st.caption(
        f"Visits due, overdue or opening in the next {HORIZON_DAYS} days, by window close; "
        "days left count to the window's close. Pick a row to open the visit."
    )
    state = st.dataframe(
        frame, key="worklist_table", hide_index=True, column_order=SHOWN, **picks.ROW_PICK
    )
    row = picks.picked_row(state)
    if row is not None:
        picks.open_visit(int(frame["subject_id"].iloc[row]), int(frame["visit_id"].iloc[row]))
