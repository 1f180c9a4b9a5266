"""Fields of the typed-table forms (adverse events, medications, history) and their widgets.

A field names the records key, its label and how it is entered; codelists come from the study
definition. Partial dates are typed as ISO 8601 text and checked by `records`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import streamlit as st

from study.schema import StudyDefinition
from ui.capture import flow

Kind = Literal["text", "long", "number", "partial", "partial_time", "date", "choice", "flag"]
PARTIAL_HINT = "YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class Field:
    """One form field: records key, label, entry kind, and its codelist or fixed options."""

    name: str
    label: str
    kind: Kind = "text"
    codelist: str | None = None
    options: tuple[Any, ...] = ()
    section: str = ""
    help: str | None = None


def _seed_one(field: Field, value: Any) -> Any:
    if field.kind == "flag":
        return bool(value)
    if field.kind in ("date", "choice"):
        return value if value not in ("", None) else None
    if field.kind == "number" and isinstance(value, int | float):
        return f"{value:g}"
    return "" if value is None else str(value)


def seed(fields: Iterable[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values of the saved record (blank when new)."""
    return {f.name: _seed_one(f, values.get(f.name)) for f in fields}


def _read_one(field: Field, raw: Any) -> Any:
    if field.kind == "flag":
        return bool(raw)
    if isinstance(raw, str):
        raw = raw.strip()
        if field.kind == "partial_time" and len(raw) > 10 and raw[10] == " ":
            raw = f"{raw[:10]}T{raw[11:].strip()}"
    return None if raw in ("", None) else raw


def collect(form_id: str, fields: Iterable[Field]) -> dict[str, Any]:
    """The entered values by records key (blank text as None)."""
    return {f.name: _read_one(f, st.session_state.get(flow.key(form_id, f.name))) for f in fields}


def _options(field: Field, study: StudyDefinition) -> tuple[Sequence[Any], Any]:
    if field.codelist:
        codes = study.codes(field.codelist)
        return codes, lambda c: study.decode(field.codelist or "", c) or c
    return field.options, str


def widget(form_id: str, field: Field, study: StudyDefinition, disabled: bool) -> None:
    """One field's widget with its error message under it."""
    key, label = flow.key(form_id, field.name), field.label
    if field.kind == "flag":
        st.checkbox(label, key=key, disabled=disabled, help=field.help)
    elif field.kind == "choice":
        options, fmt = _options(field, study)
        st.selectbox(
            label,
            options,
            index=None,
            key=key,
            format_func=fmt,
            disabled=disabled,
            placeholder="Choose",
            help=field.help,
        )
    elif field.kind == "date":
        st.date_input(
            label,
            value=None,
            key=key,
            format="YYYY-MM-DD",
            disabled=disabled,
            min_value=date(1900, 1, 1),
            help=field.help,
        )
    elif field.kind == "long":
        st.text_area(label, key=key, disabled=disabled, height=80, help=field.help)
    else:
        hint = {"partial": PARTIAL_HINT, "partial_time": "YYYY-MM-DD hh:mm (partial allowed)"}
        st.text_input(
            label, key=key, disabled=disabled, placeholder=hint.get(field.kind), help=field.help
        )
    flow.error(form_id, field.name)


def layout(
    form_id: str, fields: Sequence[Field], study: StudyDefinition, disabled: bool, width: int = 3
) -> None:
    """Fields section by section, `width` per row."""
    for section in dict.fromkeys(f.section for f in fields):
        if section:
            st.markdown(f"**{section}**")
        chosen = [f for f in fields if f.section == section]
        for start in range(0, len(chosen), width):
            for column, field in zip(
                st.columns(width), chosen[start : start + width], strict=False
            ):
                with column:
                    widget(form_id, field, study, disabled)
