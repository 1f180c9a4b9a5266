"""CSV bytes "for Excel", neutralised against formula injection (spec/records.md §5.2 item 2/4),
and the exact CSV an archive keeps as evidence.

One formula-trigger rule for CSV and xlsx: `exports.sanitize`. Rows end in CRLF (RFC 4180), so a
carriage return or line feed inside a value always gets the value quoted and never splits a row.
"""

from __future__ import annotations

import pandas as pd

from exports.sanitize import csv_for_excel


def inert(value: object) -> object:
    """Prefix `'` to text that a spreadsheet would run; plain numbers like -3.2 stay as they are."""
    return csv_for_excel(value) if isinstance(value, str) else value


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM, so spreadsheet programs detect it) RFC 4180 CSV with text cells inert."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(inert)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def frame_to_exact_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 (with BOM) RFC 4180 CSV with every value exactly as given, for archives whose
    content is evidence (a hash over it must still match); not for opening in Excel."""
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
