"""Per-subject logs of dated rows (adverse events, medications, history): choose a row, edit it.

Each row is its own record with a version; a new row needs no reason, a change to a saved one
does, and the row's audit trail opens below its form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from models import Actor
from records.context import Workbench
from ui.capture import audit, fields, flow, meta

NEW = 0
RowSaver = Callable[[int | None, dict[str, Any], str | None, int | None], Any]
"""(row id or None for a new row, values, reason, expected version) → the saved read model."""


@dataclass(frozen=True)
class LogForm:
    """A log's form: widget prefix, what a row is called, audit table, fields and save."""

    form_id: str
    noun: str
    entity: str
    fields: tuple[fields.Field, ...]
    save: RowSaver
    width: int = 3


def choose(form: LogForm, rows: Sequence[Any], describe: Callable[[Any], str]) -> Any | None:
    """A picker of the row to open ('new' first); returns the chosen read model or None."""
    by_id = {row.id: row for row in rows}
    key = flow.key(form.form_id, "selected")
    if st.session_state.get(key) not in (NEW, *by_id):
        st.session_state[key] = NEW
    chosen = st.selectbox(
        f"{form.noun.capitalize()} to open",
        [NEW, *by_id],
        key=key,
        format_func=lambda i: f"New {form.noun}" if i == NEW else describe(by_id[i]),
    )
    return by_id.get(chosen)


def plan_for(
    wb: Workbench,
    form: LogForm,
    subject_id: int,
    row: Any | None,
    values: Mapping[str, Any],
    writable: bool,
) -> flow.FormPlan:
    """The plan of one row (or of a new row when `row` is None)."""
    row_id = None if row is None else row.id
    seed = fields.seed(form.fields, values if row is not None else {})
    return flow.FormPlan(
        form_id=form.form_id,
        target=f"{form.form_id}:{subject_id}:{row_id or 'new'}",
        seed=seed,
        saved=None if row is None else seed,
        version=None if row is None else row.version,
        labels={f.name: f.label for f in form.fields},
        collect=lambda: fields.collect(form.form_id, form.fields),
        save=lambda v, reason, expected: form.save(row_id, v, reason, expected),
        writable=writable,
        zone=wb.study.site.timezone,
        flat=lambda v: fields.seed(form.fields, v),
        theirs=lambda current: fields.seed(form.fields, flow.flatten(current)),
        saved_message=f"{form.noun.capitalize()} saved.",
    )


def edit(
    wb: Workbench,
    actor: Actor,
    form: LogForm,
    subject_id: int,
    row: Any | None,
    values: Mapping[str, Any],
    writable: bool,
) -> None:
    """The row's form, edit preview, last change and audit trail."""
    plan = plan_for(wb, form, subject_id, row, values, writable)
    top = flow.begin(plan)
    with flow.box(form.form_id, writable):
        fields.layout(form.form_id, form.fields, wb.study, not writable, form.width)
        label = f"Save {form.noun}" if row is None else "Save changes"
        flow.save_button(plan, in_form=writable, label=label)
    flow.preview(plan)
    if row is not None:
        meta.last_changed(row.last_changed_by, row.last_changed_at, plan.zone)
        audit.history(wb, actor, form.form_id, [(form.entity, row.id)], labels=plan.labels)
    flow.end(plan, top)
