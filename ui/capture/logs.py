"""Per-subject logs of dated rows (adverse events, medications, history): choose a row, edit it.

Each row is its own record with a version; a new row needs no reason, a change to a saved one
does, and the row's audit trail opens below its form. A row entered by mistake is marked
entered in error with a reason (`records.entered_in_error`), never deleted: it is shown struck
through, its form read-only, until it is restored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from models import Actor
from records import words
from records.context import Workbench
from records.entered_in_error import (
    mark_entered_in_error,
    mark_refused,
    restore_entered_in_error,
)
from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
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


IN_ERROR = "Entered in error"
"""The column, and the prefix in pickers, of rows marked entered in error."""
_STRIKE = "\u0336"


def in_error(row: Any) -> bool:
    """Whether a row (of any log) is marked entered in error."""
    return bool(getattr(row, "error_reason", None))


def struck(text: Any, row: Any) -> Any:
    """`text` struck through (a combining stroke after each character) when `row` is in error:
    tables and pickers draw plain text, so the stroke has to be in the text itself."""
    if not in_error(row) or text is None:
        return text
    return "".join(f"{c}{_STRIKE}" for c in str(text))


def error_column(row: Any) -> dict[str, str]:
    """The table column saying why a row is in error (blank for the others)."""
    return {IN_ERROR: getattr(row, "error_reason", None) or ""}


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
        format_func=lambda i: f"New {form.noun}" if i == NEW else _described(describe, by_id[i]),
    )
    return by_id.get(chosen)


def _described(describe: Callable[[Any], str], row: Any) -> str:
    text = describe(row)
    return f"{IN_ERROR}: {text}" if in_error(row) else text


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
    """The row's form, edit preview, the entered-in-error mark, last change and audit trail."""
    marked = in_error(row)
    if marked:
        st.error(f"{IN_ERROR}: {row.error_reason}", icon=":material/block:")
    plan = plan_for(wb, form, subject_id, row, values, writable and not marked)
    top = flow.begin(plan)
    with flow.box(form.form_id, plan.writable):
        fields.layout(form.form_id, form.fields, wb.study, not plan.writable, form.width)
        label = f"Save {form.noun}" if row is None else "Save changes"
        flow.save_button(plan, in_form=plan.writable, label=label)
    flow.preview(plan)
    if row is not None:
        error_mark(wb, actor, form, row, can_write=writable)
    if row is not None:
        meta.last_changed(row.last_changed_by, row.last_changed_at, plan.zone)
        audit.history(wb, actor, form.form_id, [(form.entity, row.id)], labels=plan.labels)
    flow.end(plan, top)


def error_mark(wb: Workbench, actor: Actor, form: LogForm, row: Any, can_write: bool) -> None:
    """Mark the row entered in error (it stays, struck through), or restore one so marked;
    both need a reason, which the audit trail keeps."""
    marked = in_error(row)
    name = flow.key(form.form_id, f"error_{row.id}")
    message = st.session_state.pop(f"{name}__message", None)
    if message:
        getattr(st, message[0])(message[1])
    if not can_write:
        return
    refused = None if marked else mark_refused(actor.role, form.entity, row)
    if refused:
        st.caption(f"{refused}.")
        return
    title = f"Restore this {form.noun}" if marked else "Mark entered in error"
    with st.expander(title, expanded=False):
        st.caption(
            f"The {form.noun} comes back into outcomes and can be edited again."
            if marked
            else f"For a {form.noun} entered by mistake (a duplicate, the wrong subject): it is "
            "kept with every value, struck through, left out of outcomes and kept in the "
            "listings and the audit trail. It is never deleted."
        )
        st.text_input("Reason", key=f"{name}__reason", max_chars=450)
        st.button(
            "Restore" if marked else "Mark entered in error",
            key=f"{name}__apply",
            type="primary",
            on_click=_apply_mark,
            args=(wb, actor, form, row, name),
        )


def _apply_mark(wb: Workbench, actor: Actor, form: LogForm, row: Any, name: str) -> None:
    act = restore_entered_in_error if in_error(row) else mark_entered_in_error
    reason = st.session_state.get(f"{name}__reason")
    try:
        act(wb, actor, entity=form.entity, record_id=row.id, reason=reason,
            expected_version=row.version)  # fmt: skip
    except ValidationFailed as err:
        text = "; ".join(f"{words.field(k)} {v}" for k, v in err.errors.items())
        st.session_state[f"{name}__message"] = ("error", f"Not saved: {text}")
    except (ConflictError, Held, NotFound, PermissionDenied) as err:
        st.session_state[f"{name}__message"] = ("error", f"Not saved: {err}")
    else:
        st.session_state.pop(f"{name}__reason", None)
        done = "restored" if in_error(row) else "marked entered in error"
        st.session_state[f"{name}__message"] = ("success", f"{form.noun.capitalize()} {done}.")
