"""A generic, formula-safe, streaming sheet writer on xlsxwriter (spec/streamlit.md §7).

Cells are canonical Python values (str, int, float or None) prepared column by column; rows
are streamed in order (`constant_memory`), text always through `write_string`, numbers only
from numeric columns. Each sheet's SHA-256 covers its column labels and rows serialised as
one compact JSON document (`sheet_digest`), so a verifier can recompute it from the values.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, BinaryIO, Literal

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.sanitize import FORMULA_TRIGGERS, fit_cell, starts_like_formula

Cell = str | int | float | None
CellKind = Literal["text", "date", "datetime", "number"]
WORKBOOK_OPTIONS: dict[str, Any] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
CAREFUL_HEADS = FORMULA_TRIGGERS | {" ", "<"}
WIDTH_MIN, WIDTH_TEXT_MAX, WIDTH_WRAP_MAX = 6, 40, 60
WIDTH_SAMPLE_ROWS = 2000  # widths from the first rows: cheap, and the same on every export
LETTER_PAPER = 1


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """A column as the writer sees it: header label, cell kind and whether long text wraps."""

    label: str
    kind: CellKind = "text"
    wrap: bool = False


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Header block lines above the column headers, frozen key columns and print texts."""

    header_lines: tuple[str, ...]
    freeze_columns: int = 0
    print_header: str = ""
    print_footer: str = ""


@dataclass(frozen=True, slots=True)
class SheetResult:
    """What was written: sheet name, data row count and the SHA-256 of the sheet's data."""

    name: str
    rows: int
    sha256: str


def open_workbook(target: BinaryIO) -> Workbook:
    """An xlsxwriter workbook with formula, URL and number detection off, rows streamed."""
    return Workbook(target, WORKBOOK_OPTIONS)


def canonical_number(value: Any) -> int | float | None:
    """A finite number rounded to Excel's 15 significant digits; integral values as int."""
    if value is None or isinstance(value, bool | str):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    rounded = float(f"{number:.15g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def _text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        value = "Y" if value else "N"
    text = str(value)
    return fit_cell(text) if text else None


def _date(value: Any) -> str | None:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else _text(value)


def _datetime(value: Any) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
        return str(value.isoformat(timespec=spec))
    return _date(value)


def _texts(values: Iterable[Any], missing: Iterable[bool]) -> list[Cell]:
    """Text cells; ordinary strings pass straight through, the rest go through `_text`."""
    return [
        None if gone
        else value if value.__class__ is str and 0 < len(value) < 32_000
        and value.count("\n") < 254
        else _text(value)
        for value, gone in zip(values, missing, strict=True)
    ]  # fmt: skip


def _numbers(values: Iterable[Any], missing: Iterable[bool]) -> list[Cell]:
    """Numeric cells; Python ints pass straight through, the rest are rounded to 15 digits."""
    return [
        None if gone else value if value.__class__ is int else canonical_number(value)
        for value, gone in zip(values, missing, strict=True)
    ]


_CONVERT = {"date": _date, "datetime": _datetime}


def canonical_cells(values: Iterable[Any], missing: Iterable[bool], kind: CellKind) -> list[Cell]:
    """One column's values as written: ISO 8601 text for dates, 15-digit numbers, blanks None."""
    if kind == "text":
        return _texts(values, missing)
    if kind == "number":
        return _numbers(values, missing)
    convert = _CONVERT[kind]
    return [None if gone else convert(v) for v, gone in zip(values, missing, strict=True)]


def sheet_digest(labels: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """SHA-256 of the canonical serialisation of a sheet: one compact UTF-8 JSON array holding
    the column labels, then each row as an array of the values as stored (None = blank)."""
    text = json.dumps([list(labels), *rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class SheetWriter:
    """Writes sheets of one workbook with shared formats."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        add = book.add_format
        self.title = add({"bold": True, "font_size": 12})
        self.line = add({})
        self.header = add(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#D9E1F2"}
        )
        self.wrap = add({"valign": "top", "text_wrap": True})
        self.quoted = {
            False: add({"quote_prefix": True}),
            True: add({"valign": "top", "text_wrap": True, "quote_prefix": True}),
        }

    def write(
        self,
        sheet: Worksheet,
        layout: SheetLayout,
        columns: Sequence[SheetColumn],
        cells: Sequence[list[Cell]],
    ) -> SheetResult:
        """Header block, column headers, streamed rows, then widths, panes, filter and print.

        `cells` holds one list per column, made by `canonical_cells` (what is hashed is written).
        """
        for r, line in enumerate(layout.header_lines):
            self.text(sheet, r, 0, line, self.title if r == 0 else None)
        top = len(layout.header_lines) + 1
        labels = [c.label for c in columns]
        for c, label in enumerate(labels):
            sheet.write_string(top, c, label, self.header)
        rows = list(zip(*cells, strict=True))
        self._stream(sheet, top + 1, columns, rows)
        self._finish(sheet, layout, columns, cells, (top, len(rows)))
        return SheetResult(sheet.get_name(), len(rows), sheet_digest(labels, rows))

    def _stream(
        self, sheet: Worksheet, first: int, columns: Sequence[SheetColumn], rows: list[Any]
    ) -> None:
        """Rows in order: text always by write_string (no format unless wrapped or quoted)."""
        plain = [self.wrap if c.wrap else None for c in columns]
        write_string, write_number, careful = sheet.write_string, sheet.write_number, self._careful
        for r, row in enumerate(rows, start=first):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if value.__class__ is not str:
                    write_number(r, c, value)
                elif value[0] in CAREFUL_HEADS:
                    careful(sheet, r, c, value, columns[c].wrap)
                else:
                    write_string(r, c, value, plain[c])

    def _careful(self, sheet: Worksheet, r: int, c: int, value: str, wrap: bool) -> None:
        """Text that starts like a formula (quote-prefixed) or like xlsxwriter's rich-string
        markup, which xlsxwriter would copy into the XML unescaped (a formula-injection path)."""
        risky = starts_like_formula(value)
        fmt = self.quoted[wrap] if risky else (self.wrap if wrap else None)
        if value.startswith("<r>") and value.endswith("</r>"):
            parts: list[Any] = [value[:1], value[1:2], value[2:]]
            sheet.write_rich_string(r, c, *parts, *([fmt] if fmt else []))
        else:
            sheet.write_string(r, c, value, fmt)

    def text(
        self, sheet: Worksheet, row: int, col: int, value: str, fmt: Format | None = None
    ) -> None:
        """One header-block text cell, verbatim and formula-safe like every data cell."""
        value = fit_cell(value)
        if value[:1] in CAREFUL_HEADS:
            self._careful(sheet, row, col, value, wrap=False)
        else:
            sheet.write_string(row, col, value, fmt or self.line)

    def _finish(
        self,
        sheet: Worksheet,
        layout: SheetLayout,
        columns: Sequence[SheetColumn],
        cells: Sequence[list[Cell]],
        span: tuple[int, int],
    ) -> None:
        top, count = span
        for c, column in enumerate(columns):
            sheet.set_column(c, c, _width(column, cells[c]))
        sheet.freeze_panes(top + 1, layout.freeze_columns)
        sheet.autofilter(top, 0, top + count, max(len(columns) - 1, 0))
        sheet.set_landscape()
        sheet.set_paper(LETTER_PAPER)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, top)
        sheet.set_header(_print_text(layout.print_header, "&L"))
        sheet.set_footer(_print_text(layout.print_footer, "&L") + "&RPage &P of &N")


def _width(column: SheetColumn, values: list[Cell]) -> float:
    """Width from the longest of the first rows' values (numbers by their text), bounded."""
    sample = [v for v in values[:WIDTH_SAMPLE_ROWS] if v is not None]
    longest = max((len(v) if v.__class__ is str else len(str(v)) for v in sample), default=0)
    word = max((len(w) for w in column.label.split()), default=0)
    limit = WIDTH_WRAP_MAX if column.wrap else WIDTH_TEXT_MAX
    return float(min(max(longest + 1, word + 1, WIDTH_MIN), limit))


def _print_text(text: str, position: str) -> str:
    """Header/footer text with & escaped, within Excel's 255-character limit."""
    return f"{position}{text.replace('&', '&&')}"[:200] if text else ""
