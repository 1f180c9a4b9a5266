"""Tables whose rows open what they list: one click on a row (its selection box) goes there.

`st.dataframe(on_select="rerun", selection_mode="single-row")` returns the picked rows; the
pages here turn a pick into session state and a page switch. The next page does not render
the table, so Streamlit drops its selection and coming back shows it unpicked.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui import navigation
from ui.capture.forms import SELECTED

ROW_PICK: dict[str, Any] = {"on_select": "rerun", "selection_mode": "single-row"}
"""`st.dataframe` options of a table whose rows open something."""


def picked_row(state: Any) -> int | None:
    """The row picked in a table shown with `ROW_PICK` (None when none is)."""
    rows = list(state.selection.get("rows", [])) if state else []
    return int(rows[0]) if rows else None


LOG_PAGES = {
    "adverseevent": "adverse_events.py",
    "medication": "medications.py",
    "medicalhistory": "history.py",
}
"""Records kept in a subject's logs rather than at a visit, and the page of each log."""


def open_subject(subject_id: int, entity: str | None = None) -> None:
    """Go to the subject's page, or to the log page holding this kind of record."""
    st.session_state["subject_id"] = subject_id
    st.session_state.pop("visit_id", None)
    st.switch_page(navigation.link(LOG_PAGES.get(entity or "", "subject.py")))


def open_visit(subject_id: int, visit_id: int, form_code: str | None = None) -> None:
    """Go to this visit (and open one of its forms) on the visit page."""
    st.session_state["subject_id"] = subject_id
    st.session_state["visit_id"] = visit_id
    if form_code:
        st.session_state[SELECTED] = form_code
    st.switch_page(navigation.link("visit.py"))
