"""A small streaming SpreadsheetML (xlsx) package writer: only what the listings need.

Why our own: the listings must be formula-safe (no cell ever becomes a formula or a link),
carry quote-prefix styles, print setup, frozen panes and autofilters, and be written fast
(issue #6: at most 0.7 × a naive pandas export). xlsxwriter spends most of its time in its
generic per-cell path; here a sheet's rows are rendered column by column from values already
made canonical, and each distinct text is escaped once into the shared-string table.

Parts written (ECMA-376 Part 1, SpreadsheetML): [Content_Types].xml, _rels/.rels,
docProps/core.xml and app.xml, xl/workbook.xml (+ rels, defined names for print titles and
filters), xl/styles.xml, xl/sharedStrings.xml and one xl/worksheets/sheetN.xml per sheet.
"""

from exports.ooxml.package import Book, BookProperties, SheetHandle
from exports.ooxml.styles import Style
from exports.ooxml.worksheet import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    DataColumn,
    LeadCell,
    PrintSetup,
    SheetBody,
    SheetFrame,
)

__all__ = [
    "EXCEL_COLUMNS",
    "EXCEL_ROWS",
    "Book",
    "BookProperties",
    "DataColumn",
    "LeadCell",
    "PrintSetup",
    "SheetBody",
    "SheetFrame",
    "SheetHandle",
    "Style",
]
