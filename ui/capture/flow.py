"""How every capture form behaves, whatever its fields (spec/streamlit.md §2.1, §2.3, §2.6).

Widgets carry the keys `<form_id>__<field>` and are seeded once from the saved record, so entries
survive reruns and errors; the save runs in the button's callback and writes nothing unless
`records` accepts the whole form. Editing saved data first shows what changed and asks for a
reason; a record saved by someone else since it was opened comes back as a conflict showing
their values next to yours, never as an overwrite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
from ui.capture.meta import local_time
from ui.forms import field_errors, summary

Values = dict[str, Any]
Saver = Callable[[Values, str | None, int | None], Any]
"""(values, reason, expected_version) → the saved read model; raises the records errors."""


def _identity(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return values


def flatten(current: Mapping[str, Any]) -> dict[str, Any]:
    """A read model (as a dict) as field → value: its scalars plus its `values` or `results`."""
    flat = {k: v for k, v in current.items() if not isinstance(v, Mapping | list | tuple)}
    if isinstance(current.get("values"), Mapping):
        flat.update(current["values"])
    if isinstance(current.get("results"), Mapping):
        flat.update({code: row.get("value") for code, row in current["results"].items()})
    return flat


@dataclass(frozen=True)
class FormPlan:
    """One form on screen: the seed of its widgets, the saved record and how to save it."""

    form_id: str
    target: str
    seed: Mapping[str, Any]
    saved: Mapping[str, Any] | None
    version: int | None
    labels: Mapping[str, str]
    collect: Callable[[], Values]
    save: Saver
    writable: bool
    zone: str = "UTC"
    flat: Callable[[Mapping[str, Any]], Mapping[str, Any]] = _identity
    theirs: Callable[[Mapping[str, Any]], Mapping[str, Any]] = flatten
    saved_message: str = "Saved."


def key(form_id: str, name: str) -> str:
    """The widget key of one field (also the CSS class `st-key-<key>` browser tests use)."""
    return f"{form_id}__{name}"


def _meta(form_id: str, what: str) -> str:
    return f"_{what}_{form_id}"


def shown(value: Any) -> str:
    """A value as the tables show it; equal texts mean the value did not change."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def changes(plan: FormPlan, values: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field label, saved value, new value) for every field the entries change."""
    old, new = plan.flat(plan.saved or {}), plan.flat(values)
    fields = dict.fromkeys([*old, *new])
    return [
        (plan.labels.get(f, f), shown(old.get(f)), shown(new.get(f)))
        for f in fields
        if f in plan.labels and shown(old.get(f)) != shown(new.get(f))
    ]


def prepare(plan: FormPlan) -> None:
    """Seed the widgets from the saved record when the form opens, after a save or a reload."""
    marker = _meta(plan.form_id, "seed")
    missing = any(key(plan.form_id, name) not in st.session_state for name in plan.seed)
    if st.session_state.get(marker) == plan.target and not missing:
        return
    for name, value in plan.seed.items():
        st.session_state[key(plan.form_id, name)] = value
    st.session_state[marker] = plan.target
    st.session_state[_meta(plan.form_id, "version")] = plan.version
    for what in ("pending", "conflict"):
        st.session_state.pop(_meta(plan.form_id, what), None)
    field_errors(plan.form_id, {})


def begin(plan: FormPlan) -> Any:
    """Seed, then show the last message, any conflict and a box for the error summary."""
    prepare(plan)
    flash = st.session_state.pop(_meta(plan.form_id, "flash"), None)
    st.session_state[_meta(plan.form_id, "shown_flash")] = flash
    if flash:
        getattr(st, flash[0])(flash[1])
    opened = st.session_state.get(_meta(plan.form_id, "version"))
    conflict = st.session_state.get(_meta(plan.form_id, "conflict"))
    if plan.writable and conflict:
        _conflict_panel(plan, conflict)
    elif plan.writable and opened is not None and plan.version != opened:
        st.warning("Someone else saved this form after you opened it: saving will show you both.")
    st.session_state[_meta(plan.form_id, "shown")] = []
    return st.container()


def hand_on_message(form_id: str) -> None:
    """Show this run's message ("… saved.") again on the next run: the run that showed it is
    being replaced by a rerun of the whole page."""
    flash = st.session_state.get(_meta(form_id, "shown_flash"))
    if flash:
        st.session_state[_meta(form_id, "flash")] = flash


def error(form_id: str, name: str) -> None:
    """The message of one field, right under it (and noted as shown)."""
    st.session_state.setdefault(_meta(form_id, "shown"), []).append(name)
    errors = field_errors(form_id)
    if name in errors:
        st.error(errors[name], icon=":material/error:")


def end(plan: FormPlan, top: Any) -> None:
    """Fill the summary box: the count, and messages of fields not on screen."""
    errors = field_errors(plan.form_id)
    if not errors:
        return
    placed = set(st.session_state.get(_meta(plan.form_id, "shown"), []))
    with top:
        summary(errors)
        for name, message in errors.items():
            if name not in placed:
                st.error(f"{plan.labels.get(name, name)}: {message}", icon=":material/error:")


def box(form_id: str, writable: bool) -> Any:
    """`st.form` for writers (Enter does not submit a long form); a container for readers."""
    if writable:
        return st.form(f"{form_id}__form", enter_to_submit=False, border=False)
    return st.container()


def save_button(plan: FormPlan, *, in_form: bool, label: str = "Save") -> None:
    """The save button (a form submit button inside `st.form`); none for read-only roles."""
    if not plan.writable:
        return
    button = st.form_submit_button if in_form else st.button
    button(
        label,
        type="primary",
        icon=":material/save:",
        key=key(plan.form_id, "save"),
        on_click=_submit,
        args=(plan,),
    )


def preview(plan: FormPlan) -> None:
    """Before an edit is saved: what changed, the reason asked for, confirm or cancel."""
    if not (plan.writable and st.session_state.get(_meta(plan.form_id, "pending"))):
        return
    rows = changes(plan, plan.collect())
    with st.container(border=True, key=key(plan.form_id, "preview")):
        st.markdown("**You are changing saved data.** Check what changed and give a reason.")
        frame = pd.DataFrame(rows, columns=["Field", "Saved value", "New value"])
        if rows:
            st.table(frame.set_index("Field"))
        else:
            st.info("Nothing differs any more.")
        st.text_input("Reason for change", key=key(plan.form_id, "reason"), max_chars=450)
        error(plan.form_id, "reason")
        left, right, _ = st.columns([2, 1, 3])
        left.button(
            "Confirm and save",
            type="primary",
            key=key(plan.form_id, "confirm"),
            on_click=_confirm,
            args=(plan,),
            disabled=not rows,
        )
        right.button("Cancel", key=key(plan.form_id, "cancel"), on_click=_cancel, args=(plan,))


def _submit(plan: FormPlan) -> None:
    values = plan.collect()
    expected = st.session_state.get(_meta(plan.form_id, "version"))
    st.session_state.pop(_meta(plan.form_id, "conflict"), None)
    if plan.saved is None or expected is None:
        _save(plan, values, None, expected)
    elif not changes(plan, values):
        st.session_state[_meta(plan.form_id, "flash")] = ("info", "Nothing changed; not saved.")
    else:
        field_errors(plan.form_id, {})
        st.session_state[_meta(plan.form_id, "pending")] = True


def _confirm(plan: FormPlan) -> None:
    reason = str(st.session_state.get(key(plan.form_id, "reason")) or "")
    if not reason.strip():
        field_errors(plan.form_id, {"reason": "give a reason for changing saved data"})
        return
    expected = st.session_state.get(_meta(plan.form_id, "version"))
    _save(plan, plan.collect(), reason.strip(), expected)


def _cancel(plan: FormPlan) -> None:
    st.session_state.pop(_meta(plan.form_id, "pending"), None)
    field_errors(plan.form_id, {})


def _save(plan: FormPlan, values: Values, reason: str | None, expected: int | None) -> None:
    """One records call; its answer becomes field errors, a conflict or a fresh seed."""
    pending = _meta(plan.form_id, "pending")
    try:
        plan.save(values, reason, expected)
    except ValidationFailed as err:
        field_errors(plan.form_id, err.errors)
        if set(err.errors) == {"reason"}:
            st.session_state[pending] = True
        else:
            st.session_state.pop(pending, None)
    except ConflictError as err:
        st.session_state.pop(pending, None)
        field_errors(plan.form_id, {})
        conflict = {"message": str(err), "current": err.current, "mine": dict(values)}
        st.session_state[_meta(plan.form_id, "conflict")] = conflict
    except (PermissionDenied, NotFound, Held) as err:  # Held: frozen or locked (#12)
        st.session_state[_meta(plan.form_id, "flash")] = ("error", str(err))
    else:
        field_errors(plan.form_id, {})
        st.session_state.pop(pending, None)
        st.session_state.pop(_meta(plan.form_id, "seed"), None)
        st.session_state[_meta(plan.form_id, "flash")] = ("success", plan.saved_message)


def _conflict_panel(plan: FormPlan, conflict: Mapping[str, Any]) -> None:
    """The other user's saved values beside yours; reload theirs or keep yours."""
    current = conflict["current"]
    theirs, mine = plan.theirs(current), plan.flat(conflict["mine"])
    rows = [
        (label, shown(theirs.get(f)), shown(mine.get(f)))
        for f, label in plan.labels.items()
        if shown(theirs.get(f)) != shown(mine.get(f))
    ]
    with st.container(border=True, key=key(plan.form_id, "conflict")):
        st.error(conflict["message"], icon=":material/sync_problem:")
        if current.get("last_changed_by"):
            when = local_time(current.get("last_changed_at"), plan.zone)
            st.text(f"Saved by {current['last_changed_by']} at {when}.")  # a name is text
        if rows:
            frame = pd.DataFrame(rows, columns=["Field", "Their saved value", "Your value"])
            st.table(frame.set_index("Field"))
        left, right, _ = st.columns([2, 3, 2])
        left.button(
            "Load their version", key=key(plan.form_id, "reload"), on_click=_reload, args=(plan,)
        )
        right.button(
            "Keep my values (then save with a reason)",
            key=key(plan.form_id, "keep"),
            on_click=_keep,
            args=(plan, current.get("version")),
        )


def _reload(plan: FormPlan) -> None:
    for what in ("seed", "conflict"):
        st.session_state.pop(_meta(plan.form_id, what), None)


def _keep(plan: FormPlan, version: int | None) -> None:
    st.session_state.pop(_meta(plan.form_id, "conflict"), None)
    st.session_state[_meta(plan.form_id, "version")] = version
