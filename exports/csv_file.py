"""CSV bytes "for Excel", neutralised against formula injection (spec/records.md §5.2 item 2/4)."""

from __future__ import annotations

import re

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def inert(value: object) -> object:
    """Prefix `'` to text that a spreadsheet would run; plain numbers like -3.2 stay as they are."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(" ")
    if stripped.startswith(_TRIGGERS) and not _PLAIN_NUMBER.match(stripped):
        return "'" + value
    return value


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so spreadsheet programs detect it) RFC 4180 CSV with text cells inert."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(inert)
    return safe.to_csv(index=False).encode("utf-8-sig")
