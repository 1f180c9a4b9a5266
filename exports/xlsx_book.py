"""The workbook the listings are written into: XlsxWriter, configured to be formula-safe.

Why XlsxWriter: printed listings need row heights, print scaling and repeated key columns,
which our own package writer never had; its scope was fixed, so the listings moved to a
well-kept library (#15) instead of growing it. What we add on top is only what is ours:

- every text is written with `write_string` and formula, URL and number detection off, so a
  value is stored verbatim and never becomes a formula, a link or a number (records.md §5.2);
  text that starts like a formula also gets Excel's quote prefix, so editing keeps it text;
- XlsxWriter writes any string shaped `<r>…</r>` as raw rich-text XML (its rich-string
  shortcut), so such a text would smuggle cell XML into the sheet. It is written as a rich
  string of three plain runs instead, which XlsxWriter escapes; readers join the runs back
  into the same text;
- sheet names follow Excel's rules, the reserved name History included;
- rows stream to disk as they are written (`constant_memory`), so a million-row audit trail is
  never held whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.sanitize import starts_like_formula

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # a sheet's hard limits in Excel
BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Excel reserves this name (it holds the change history of a shared workbook), in any case.
RESERVED_SHEET_NAMES = frozenset({"history"})
HEADER_FILL = "#D9E1F2"
WRITER_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


@dataclass(frozen=True, slots=True)
class BookProperties:
    """Document properties (docProps/core.xml and app.xml)."""

    title: str = ""
    author: str = ""
    company: str = ""
    created: datetime | None = None  # naive UTC


@dataclass(frozen=True, slots=True)
class SheetHandle:
    """A sheet's place in the workbook (tab order) and its name."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class CellFormats:
    """The few cell formats a listing uses; `quoted*` keep formula-like text as text."""

    normal: Format  # top-aligned, numbers included, so a row's cells line up when it wraps
    title_wrap: Format
    header: Format
    wrap: Format
    quoted: Format
    quoted_wrap: Format

    def for_text(self, text: str, wrap: bool) -> Format:
        """The format of a text cell: wrapped or not, quote-prefixed if it starts like a formula."""
        if starts_like_formula(text):
            return self.quoted_wrap if wrap else self.quoted
        return self.wrap if wrap else self.normal


def valid_sheet_name(name: str) -> bool:
    """Excel's rules: 1–31 characters, none of []:*?/\\, no apostrophe at either end, and not
    the reserved name History."""
    if not 0 < len(name) <= 31 or BAD_SHEET_NAME.search(name):
        return False
    if name.casefold() in RESERVED_SHEET_NAMES:
        return False
    return not name.startswith("'") and not name.endswith("'")


class Book:
    """An xlsx workbook written to `target`: add sheets in tab order, write each, close."""

    def __init__(self, target: BinaryIO, properties: BookProperties | None = None) -> None:
        self._workbook = xlsxwriter.Workbook(target, WRITER_OPTIONS)
        self._workbook.use_zip64()  # an audit trail of a large study may pass 4 GiB
        self._set_properties(properties or BookProperties())
        self.formats = self._formats()
        self._sheets: list[Worksheet] = []
        self._closed = False

    def __enter__(self) -> Book:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()

    def add_sheet(self, name: str) -> SheetHandle:
        """Reserve the next tab under a valid, unique sheet name."""
        if not valid_sheet_name(name):
            raise ValueError(f"invalid sheet name {name!r}")
        if name.casefold() in (s.get_name().casefold() for s in self._sheets):
            raise ValueError(f"duplicate sheet name {name!r}")
        self._sheets.append(self._workbook.add_worksheet(name))
        return SheetHandle(len(self._sheets) - 1, name)

    def worksheet(self, sheet: SheetHandle) -> Worksheet:
        """The XlsxWriter worksheet behind a handle of this book."""
        if not 0 <= sheet.index < len(self._sheets) or self._sheets[sheet.index].get_name() != (
            sheet.name
        ):
            raise ValueError(f"sheet {sheet.name!r} was not added to this workbook")
        return self._sheets[sheet.index]

    def close(self) -> None:
        """Write the package (once)."""
        if not self._closed:
            self._closed = True
            self._workbook.close()

    def _set_properties(self, p: BookProperties) -> None:
        values: dict[str, Any] = {"title": p.title, "author": p.author, "company": p.company}
        if p.created is not None:
            values["created"] = p.created
        self._workbook.set_properties(values)

    def _formats(self) -> CellFormats:
        add = self._workbook.add_format
        top_wrap = {"valign": "top", "text_wrap": True}
        return CellFormats(
            normal=add({"valign": "top"}),
            title_wrap=add({"bold": True, "font_size": 12, **top_wrap}),
            header=add({"bold": True, "bg_color": HEADER_FILL, "bottom": 1, **top_wrap}),
            wrap=add(top_wrap),
            quoted=add({"valign": "top", "quote_prefix": True}),
            quoted_wrap=add({"quote_prefix": True, **top_wrap}),
        )


def write_text(sheet: Worksheet, row: int, column: int, text: str, cell_format: Format) -> None:
    """One text cell, stored verbatim (see the module docstring for the `<r>` case)."""
    if text.startswith("<r>") and text.endswith("</r>"):  # XlsxWriter wants three runs or more
        status = sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:], cell_format)
    else:
        status = sheet.write_string(row, column, text, cell_format)
    if status:  # XlsxWriter only warns (-1 out of range, -2 too long); nothing is dropped here
        raise ValueError(f"cell ({row}, {column}) refused by the writer (status {status})")
