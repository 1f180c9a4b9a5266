"""Showing validation messages next to the field they belong to, across reruns."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st


def field_errors(form: str, errors: Mapping[str, str] | None = None) -> dict[str, str]:
    """Store (when given) and return the `{field: message}` errors of a form."""
    key = f"_errors_{form}"
    if errors is not None:
        st.session_state[key] = dict(errors)
    return dict(st.session_state.get(key, {}))


def show_errors(errors: Mapping[str, str], field: str) -> None:
    """Render the message of one field right under it."""
    if field in errors:
        st.error(errors[field], icon=":material/error:")


def summary(errors: Mapping[str, str]) -> None:
    """A form-level box counting the problems, above the fields."""
    if errors:
        count = len(errors)
        st.error(
            f"{count} problem{'s' if count > 1 else ''} to fix; nothing was saved. "
            "Every value you entered is kept."
        )
