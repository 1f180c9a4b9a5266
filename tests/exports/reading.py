"""Reading a produced workbook back the way a reviewer's spreadsheet would see it.

Values are read from the package XML by the rules of ECMA-376 (shared strings, inline strings,
numbers; `_xHHHH_` escapes decoded), because openpyxl decodes only `_x005F_` in shared strings
and would show an escaped CR as `_x000D_`, where Excel shows a CR. Layout (panes, filters,
styles, print setup) is inspected with openpyxl.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL = re.compile(r"([A-Z]+)(\d+)")


@dataclass
class SheetTable:
    """A listing sheet split into header block, column labels and data rows."""

    header_lines: list[str]
    labels: list[str]
    rows: list[tuple[Any, ...]]
    header_row: int  # 1-based row number of the column headers

    def column(self, label: str) -> list[Any]:
        """The values of one column, by header label."""
        at = self.labels.index(label)
        return [row[at] for row in self.rows]


def decode_text(text: str) -> str:
    """Undo OOXML's `_xHHHH_` escaping, as Excel reads text (`_x005F_` is a literal `_`)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _text(node: Any) -> str:
    return decode_text("".join(t.text or "" for t in node.iter(f"{{{NS['m']}}}t")))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text else value


def _sheet_rows(xml: bytes, strings: list[str]) -> list[tuple[Any, ...]]:
    cells: dict[tuple[int, int], Any] = {}
    for cell in ElementTree.fromstring(xml).iterfind(".//m:sheetData/m:row/m:c", NS):
        letters, number = _CELL.fullmatch(cell.get("r", "")).groups()  # type: ignore[union-attr]
        kind, value = cell.get("t", "n"), cell.find("m:v", NS)
        if kind == "s":
            content: Any = strings[int(value.text)]  # type: ignore[union-attr, arg-type]
        elif kind == "inlineStr":
            content = _text(cell.find("m:is", NS))
        elif kind == "n":
            content = None if value is None else _number(value.text or "")
        else:
            raise AssertionError(f"unexpected cell type {kind!r}")  # formulas, booleans, errors
        cells[(int(number) - 1, _column_index(letters))] = content
    height = max((r for r, _ in cells), default=-1) + 1
    width = max((c for _, c in cells), default=-1) + 1
    return [tuple(cells.get((r, c)) for c in range(width)) for r in range(height)]


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part, in tab order (workbook.xml through its rels)."""
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    return {
        sheet.get("name", ""): f"xl/{targets[sheet.get(REL)]}"
        for sheet in book.iterfind("m:sheets/m:sheet", NS)
    }


def sheet_values(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values as rows (None for blank cells), keyed by sheet name."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        strings = (
            [_text(si) for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml"))]
            if "xl/sharedStrings.xml" in z.namelist()
            else []
        )
        return {name: _sheet_rows(z.read(part), strings) for name, part in _sheet_parts(z).items()}


def rows_table(values: list[tuple[Any, ...]]) -> SheetTable:
    """Header block lines (column A above the first blank row), labels and the rows below."""
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    labels = [v for v in values[blank + 1] if v is not None]
    rows = [tuple(row[: len(labels)]) for row in values[blank + 2 :]]
    return SheetTable([row[0] for row in values[:blank]], labels, rows, blank + 2)


def tables(content: bytes) -> dict[str, SheetTable]:
    """Every sheet of a listings-style workbook split into header block, labels and rows."""
    return {name: rows_table(values) for name, values in sheet_values(content).items()}


def sheet_xml(content: bytes) -> dict[str, bytes]:
    """Each worksheet's XML part, keyed by its sheet name."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(part) for name, part in _sheet_parts(z).items()}


def all_parts(content: bytes) -> dict[str, bytes]:
    """Every part of the xlsx package."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name) for name in z.namelist()}
