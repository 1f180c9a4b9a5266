"""Formula-injection neutralisation and Excel cell limits (spec/records.md §5.1–5.2).

XLSX (§5.2 item 1): every text value is written as a string cell with formula and URL detection
off, so it is stored verbatim; values that start like a formula also get Excel's quote-prefix
style, so editing the cell in Excel keeps it text. CSV for Excel (§5.2 items 2 and 4): prefix a
single quote unless the value is a plain number. XLSX values are never prefixed.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = frozenset("=+-@\t\r\0")
EXCEL_CELL_CHARACTERS = 32_767
EXCEL_CELL_LINE_FEEDS = 253
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet could read the value as a formula (§5.2 triggers, after spaces)."""
    head = text.lstrip(" ")[:1]
    return bool(head) and head in FORMULA_TRIGGERS


def excel_length(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units (a character beyond the BMP counts two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def fit_cell(text: str) -> str:
    """Text within Excel's per-cell limits; anything cut is said so in the cell (§5.1).

    The 32,767 limit is in UTF-16 code units, so text with emoji or other astral characters is
    cut earlier than its code-point length suggests, and never inside a surrogate pair.
    """
    cut = len(text)
    if text.count("\n") > EXCEL_CELL_LINE_FEEDS:
        cut = min(cut, _nth(text, "\n", EXCEL_CELL_LINE_FEEDS + 1))
    if cut == len(text) and excel_length(text) <= EXCEL_CELL_CHARACTERS:
        return text
    note = f" [truncated: {len(text)} characters in the source]"
    budget = EXCEL_CELL_CHARACTERS - len(note)
    kept = text[:cut]
    while excel_length(kept) > budget:
        kept = kept[: len(kept) - max(1, (excel_length(kept) - budget) // 2)]
    return kept + note


def _nth(text: str, char: str, n: int) -> int:
    at = -1
    for _ in range(n):
        at = text.index(char, at + 1)
    return at


def csv_for_excel(value: str) -> str:
    """The CSV-for-Excel flavour: a leading ' on trigger values, plain numbers left alone."""
    if starts_like_formula(value) and not _PLAIN_NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value
