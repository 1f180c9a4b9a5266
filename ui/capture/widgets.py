"""Widgets generated from `records.instruments.ItemSpec`: option, number, PGA and text items.

Option labels and units come from the instrument catalogue or the study definition's codelists,
never typed here. Numbers are entered as text so that `records` checks exactly what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import streamlit as st

from records.instruments import ItemSpec, instrument
from study.schema import StudyDefinition
from ui.capture import flow

Labels = dict[str, dict[str, str]]
ELIGIBILITY_LABELS = {"Y": "Met", "N": "Not met"}


def option_labels(study: StudyDefinition, form_code: str) -> Labels:
    """Item code → {option code: label} for a form's option items."""
    form = study.form(form_code)
    if form.kind == "instrument" and form.instrument:
        items = instrument(form.instrument).items
        return {it.code: {o.code: o.label for o in it.options} for it in items}
    if form.kind == "eligibility":
        return {c.code: ELIGIBILITY_LABELS for c in study.eligibility}
    return {it.code: dict(study.codelists.get(it.codelist, ())) for it in form.items if it.codelist}


def units(study: StudyDefinition, form_code: str) -> dict[str, str]:
    """Item code → unit for the items that carry one."""
    form = study.form(form_code)
    if form.kind == "instrument" and form.instrument:
        return {it.code: it.unit for it in instrument(form.instrument).items if it.unit}
    return {it.code: it.unit for it in form.items if it.unit}


def option_text(code: str, label: str | None) -> str:
    """'0 – Not present' for numeric codes (the number is the scale), else the label alone."""
    if not label or label == code:
        return code
    return f"{code} – {label}" if code.isdigit() else label


def escape(text: str) -> str:
    """Text shown through Markdown as written ('>5 RBC' is not a quote, '*' not emphasis)."""
    return re.sub(r"([\\>*_`#\[\]])", r"\\\1", text)


def seed_value(spec: ItemSpec, stored: str | None) -> Any:
    """The widget value of a stored item text (None selects nothing; '' is an empty box)."""
    if spec.kind == "option":
        return stored if stored in spec.options else None
    return stored or ""


def _option_widget(
    text: str, widget_key: str, spec: ItemSpec, labels: Mapping[str, str], disabled: bool
) -> None:
    """Radio buttons for a short required choice, else a select box (typing filters it)."""

    def fmt(code: str) -> str:
        return option_text(code, labels.get(code))

    if spec.required and len(spec.options) <= 3:
        st.radio(
            text,
            spec.options,
            index=None,
            key=widget_key,
            horizontal=True,
            format_func=fmt,
            disabled=disabled,
        )
    else:
        st.selectbox(
            text,
            spec.options,
            index=None,
            key=widget_key,
            format_func=fmt,
            disabled=disabled,
            placeholder="Choose",
        )


def item_widget(
    form_id: str,
    spec: ItemSpec,
    labels: Mapping[str, str],
    unit: str | None,
    *,
    disabled: bool,
    label: str | None = None,
) -> None:
    """One item's widget and, under it, its error message."""
    text = label or spec.label
    text = f"{text} ({unit})" if unit else text
    widget_key = flow.key(form_id, spec.code)
    if spec.kind == "option":
        _option_widget(text, widget_key, spec, labels, disabled)
    elif spec.kind == "text" and spec.note_for is None and spec.max_length > 500:
        st.text_area(text, key=widget_key, disabled=disabled, max_chars=spec.max_length, height=80)
    else:
        size = spec.max_length if spec.kind == "text" else 40
        st.text_input(
            text, key=widget_key, disabled=disabled, placeholder=_range_hint(spec), max_chars=size
        )
    flow.error(form_id, spec.code)


def _range_hint(spec: ItemSpec) -> str | None:
    if spec.kind == "pga":
        return "0.00 to 3.00"
    if spec.kind == "number" and spec.minimum is not None and spec.maximum is not None:
        return f"{spec.minimum:g} to {spec.maximum:g}"
    return None


def collect(form_id: str, specs: Iterable[ItemSpec]) -> dict[str, Any]:
    """The entered item values (blank entries left out)."""
    values: dict[str, Any] = {}
    for spec in specs:
        raw = st.session_state.get(flow.key(form_id, spec.code))
        if isinstance(raw, str):
            raw = raw.strip()
        if raw not in (None, ""):
            values[spec.code] = raw
    return values


def render_items(
    form_id: str,
    specs: Sequence[ItemSpec],
    labels: Labels,
    unit_of: Mapping[str, str],
    *,
    disabled: bool,
    note_label: str = "Description",
) -> None:
    """Items in form order, each note beside the item it explains."""
    notes = {s.note_for: s for s in specs if s.note_for is not None}
    for spec in specs:
        if spec.note_for is not None:
            continue
        item_labels, unit = labels.get(spec.code, {}), unit_of.get(spec.code)
        note = notes.get(spec.code)
        if note is None:
            item_widget(form_id, spec, item_labels, unit, disabled=disabled)
            continue
        left, right = st.columns([1, 1])
        with left:
            item_widget(form_id, spec, item_labels, unit, disabled=disabled)
        with right:
            when = ", ".join(item_labels.get(c, c) for c in note.note_needed_when).lower()
            text = f"{note_label} (needed when {when})" if when else note_label
            item_widget(form_id, note, {}, None, disabled=disabled, label=text)
