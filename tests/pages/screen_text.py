"""Every text a rendered AppTest page shows a person: labels, help, bodies, options, tables.

Walks the element tree AppTest keeps and reads the string fields of each element's protobuf
that end up on screen (a label, a help tooltip, a Markdown body, a placeholder, a caption),
and, for tables, the column headers and the text cells. What never reaches the screen is left
out: widget keys and ids, chart specs, page hashes and URLs, icons, embedded scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from streamlit.testing.v1 import AppTest

SHOWN_FIELDS = frozenset({"label", "body", "help", "placeholder", "text", "caption", "options"})
"""Protobuf string fields a person reads (the last name of the field's path)."""
TABLE_TYPES = frozenset({"dataframe", "arrow_data_frame"})


@dataclass(frozen=True, slots=True)
class ShownText:
    """One text on screen: where (field, or `column` / `cell:<column>`) and what."""

    where: str
    text: str


def shown_texts(at: AppTest, data_columns: frozenset[str] = frozenset()) -> list[ShownText]:
    """The texts of the page; `data_columns` are table columns holding stored values shown
    verbatim (an audit trail's old and new values), which are not read."""
    found: list[ShownText] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            found.extend(_proto_strings(proto))
        if getattr(node, "type", "") in TABLE_TYPES:
            frame = node.value
            order = list(getattr(node.proto, "column_order", []))  # columns shown, if limited
            found.extend(_table_texts(frame[order] if order else frame, data_columns))
    return found


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def _proto_strings(message: Any) -> Iterator[ShownText]:
    for field, value in message.ListFields():
        values = list(value) if _repeated(value) else [value]
        for v in values:
            if isinstance(v, str) and field.name in SHOWN_FIELDS:
                yield ShownText(field.name, v)
            elif hasattr(v, "ListFields") and field.name not in ("spec", "deltas"):
                yield from _proto_strings(v)


def _repeated(value: Any) -> bool:
    return (
        hasattr(value, "__iter__")
        and not isinstance(value, (str, bytes))
        and not hasattr(value, "ListFields")
    )


def _table_texts(frame: Any, data_columns: frozenset[str]) -> Iterator[ShownText]:
    for column in frame.columns:
        yield ShownText("column", str(column))
        if str(column) in data_columns:
            continue
        for value in frame[column].dropna().unique():
            if isinstance(value, str):
                yield ShownText(f"cell:{column}", value)
