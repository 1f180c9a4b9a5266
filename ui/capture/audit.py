"""The audit trail of a form's fields, opened from the form itself (records.audit_trail).

Records with an id (a form header, an adverse event, a medication) are read with
`field_history`; forms stored one row per item (assessment items, lab results, vital signs) are
read with `visit_trail` and labelled by item code. Both are open to every reader of the form.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from models import Actor
from records import words
from records.audit_trail import field_history, visit_trail
from records.context import Workbench
from ui.capture.flow import key
from ui.capture.meta import local_time

COLUMNS = ("ts_utc", "user_name", "user_role", "action", "field", "old_value", "new_value")
COLUMNS += ("reason",)
_PLUMBING = frozenset({"id", "version_id", "assessment_id", "subject_id", "visit_id", "panel"})
ALL = "all fields"


@dataclass(frozen=True)
class ItemRows:
    """Where the per-item rows of a form sit in the trail: table, code column, visit, form."""

    subject_id: int
    visit_id: int
    entity: str
    code_field: str
    form: str | None = None
    codes: Collection[str] | None = None


def _item_frame(wb: Workbench, actor: Actor, rows: ItemRows) -> pd.DataFrame:
    """The trail of each item row, its field named by the item code (e.g. 'C3', 'C3.unit')."""
    trail = visit_trail(wb.engine, actor, rows.subject_id, rows.visit_id, rows.entity, rows.form)
    names = trail[trail["field"] == rows.code_field].set_index("record_id")["new_value"]
    points = trail[trail["field"] == "timepoint"].set_index("record_id")["new_value"]
    if rows.codes is not None:
        names = names[names.isin(list(rows.codes))]
    labels = {rid: " ".join(p for p in (code, points.get(rid)) if p) for rid, code in names.items()}
    # Where the entered text `value` exists, `value_num` only mirrors it: show each change once.
    main = "value" if (trail["field"] == "value").any() else "value_num"
    hidden = _PLUMBING | ({"value_num"} if main == "value" else set())
    kept = trail[trail["record_id"].isin(list(labels)) & ~trail["field"].isin(hidden)]
    kept = kept[kept["field"] != rows.code_field]
    fields = [
        labels[r] if f == main else f"{labels[r]}.{f}"
        for r, f in zip(kept["record_id"], kept["field"], strict=True)
    ]
    return kept.assign(field=fields)[list(COLUMNS)]


def trail(
    wb: Workbench, actor: Actor, records: Sequence[tuple[str, int]], items: ItemRows | None
) -> pd.DataFrame:
    """Every audited change of the form's records, oldest first."""
    parts = [field_history(wb.engine, actor, entity, rid)[list(COLUMNS)] for entity, rid in records]
    if items is not None:
        parts.append(_item_frame(wb, actor, items))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(parts, ignore_index=True).sort_values("ts_utc", kind="stable")


def history(
    wb: Workbench,
    actor: Actor,
    form_id: str,
    records: Sequence[tuple[str, int]],
    items: ItemRows | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """A toggle that opens the form's audit trail, filterable to one field."""
    if not st.toggle("Show the audit trail of this form", key=key(form_id, "audit")):
        return
    frame = trail(wb, actor, records, items)
    if frame.empty:
        st.caption("No audited change yet.")
        return
    names = labels or {}
    fields = list(dict.fromkeys(frame["field"].dropna()))
    choice = st.selectbox(
        "Field",
        [ALL, *fields],
        key=key(form_id, "audit_field"),
        format_func=lambda f: names.get(f) or words.field(f),
    )
    if choice != ALL:
        frame = frame[frame["field"] == choice]
    zone = wb.study.site.timezone
    shown = frame.assign(ts_utc=frame["ts_utc"].map(lambda t: local_time(t, zone)))
    shown = shown.rename(columns={"ts_utc": "When", "user_name": "Who", "user_role": "Role"})
    st.dataframe(shown, hide_index=True, key=key(form_id, "audit_table"))
