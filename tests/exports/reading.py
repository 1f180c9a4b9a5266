"""Reading a produced workbook back the way a reviewer's spreadsheet would see it."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from exports.sanitize import decode_ooxml_text


@dataclass
class SheetTable:
    """A listing sheet split into header block, column labels and data rows (values decoded)."""

    header_lines: list[str]
    labels: list[str]
    rows: list[tuple[Any, ...]]
    header_row: int  # 1-based row number of the column headers

    def column(self, label: str) -> list[Any]:
        """The values of one column, by header label."""
        at = self.labels.index(label)
        return [row[at] for row in self.rows]


def _decoded(value: Any) -> Any:
    return decode_ooxml_text(value) if isinstance(value, str) else value


def table(ws: Any) -> SheetTable:
    """Header block lines (column A above the first blank row), labels and the rows below."""
    values = [tuple(_decoded(v) for v in row) for row in ws.iter_rows(values_only=True)]
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    labels = [v for v in values[blank + 1] if v is not None]
    rows = [row[: len(labels)] for row in values[blank + 2 :]]
    return SheetTable([row[0] for row in values[:blank]], labels, rows, blank + 2)


def sheet_xml(content: bytes) -> dict[str, bytes]:
    """Each worksheet's XML part, keyed by its sheet name."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        book = z.read("xl/workbook.xml").decode()
        names = [part.split('"')[0] for part in book.split('<sheet name="')[1:]]
        return {
            _unescape(name): z.read(f"xl/worksheets/sheet{n}.xml")
            for n, name in enumerate(names, start=1)
        }


def _unescape(name: str) -> str:
    return name.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def all_parts(content: bytes) -> dict[str, bytes]:
    """Every part of the xlsx package."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {name: z.read(name) for name in z.namelist()}
