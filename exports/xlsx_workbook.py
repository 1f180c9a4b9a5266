"""The formula-safe listing-sheet writer: canonical cells, layout and a recomputable digest.

Cells are canonical Python values (str, int, float or None) prepared column by column: text
is always a string cell (never a formula or a link; formula-like text also gets Excel's
quote prefix), numbers come only from numeric columns. The sheets are written through
XlsxWriter (`exports.xlsx_book`), laid out to print (`exports.print_layout`). Each sheet's
SHA-256 covers its column labels and rows serialised as one compact JSON document
(`sheet_digest`), so a verifier can recompute it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain, islice
from typing import Any, BinaryIO, Literal

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.print_layout import (
    LINE_POINTS,
    TITLE_LINE_POINTS,
    TITLE_WIDTH_FACTOR,
    PageScale,
    first_page_columns,
    page_scale,
    quick_lines,
    row_points,
    spanned_width,
    wrapped_lines,
)
from exports.sanitize import fit_cell, starts_like_formula
from exports.xlsx_book import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    Book,
    BookProperties,
    CellFormats,
    SheetHandle,
    write_text,
)

Cell = str | int | float | None
CellKind = Literal["text", "date", "datetime", "number"]
WIDTH_MIN, WIDTH_TEXT_MAX, WIDTH_WRAP_MAX = 6, 40, 60
DIGEST_BATCH_ROWS = 10_000
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


def open_workbook(target: BinaryIO, properties: BookProperties | None = None) -> Book:
    """A workbook streamed into `target`; close it (or use it as a context manager)."""
    return Book(target, properties)


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


# Below this many code points a text is within Excel's 32,767 UTF-16 units whatever it holds
# (each code point is at most two units), so it needs no measuring.
FAST_TEXT_LENGTH = 16_000


def _texts(values: Iterable[Any], missing: Iterable[bool]) -> list[Cell]:
    """Text cells; ordinary strings pass straight through, the rest go through `_text`."""
    return [
        None if gone
        else value if value.__class__ is str and 0 < len(value) < FAST_TEXT_LENGTH
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


class CellBlocks:
    """Consecutive blocks of column cells (lists per column, equally long), handed out a
    number of rows at a time: a block that crosses a sheet boundary is split there."""

    def __init__(self, blocks: Iterable[Sequence[list[Cell]]]) -> None:
        self._blocks = iter(blocks)
        self._rest: Sequence[list[Cell]] | None = None

    def take(self, rows: int) -> Iterator[Sequence[list[Cell]]]:
        """The next `rows` rows, as blocks (fewer rows only when the blocks run out)."""
        while rows > 0:
            block = self._rest if self._rest is not None else next(self._blocks, None)
            self._rest = None
            if block is None:
                return
            size = len(block[0]) if block else 0
            if size == 0:
                continue
            if size > rows:
                self._rest = [column[rows:] for column in block]
                block, size = [column[:rows] for column in block], rows
            rows -= size
            yield block


class SheetDigest:
    """SHA-256 of the canonical serialisation of a sheet: one compact UTF-8 JSON array holding
    the column labels, then each row as an array of the values as stored (None = blank).

    Fed a batch of rows at a time, so a million-row sheet never becomes one JSON string.
    """

    def __init__(self, labels: Sequence[str]) -> None:
        self._hash = hashlib.sha256(b"[" + _json([list(labels)])[1:-1])

    def update(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Add rows, in sheet order."""
        rows = iter(rows)
        while batch := list(islice(rows, DIGEST_BATCH_ROWS)):
            self._hash.update(b"," + _json(batch)[1:-1])

    def hexdigest(self) -> str:
        """The digest of the labels and every row added so far."""
        final = self._hash.copy()
        final.update(b"]")
        return final.hexdigest()


def sheet_digest(labels: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The SHA-256 of a sheet's labels and rows (see `SheetDigest`)."""
    digest = SheetDigest(labels)
    digest.update(rows)
    return digest.hexdigest()


def _json(value: list[Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class SheetWriter:
    """Writes listing-style sheets of one workbook: header block, labels, data, layout."""

    def __init__(self, book: Book) -> None:
        self.book = book

    def write(
        self,
        sheet: SheetHandle,
        layout: SheetLayout,
        columns: Sequence[SheetColumn],
        cells: Sequence[list[Cell]],
    ) -> SheetResult:
        """Header block, column headers, rows, then widths, panes, filter and print setup.

        `cells` holds one list per column, made by `canonical_cells` (what is hashed is written).
        """
        rows = len(cells[0]) if cells else 0
        return self.write_blocks(sheet, layout, columns, iter([cells]), rows)

    def write_blocks(
        self,
        sheet: SheetHandle,
        layout: SheetLayout,
        columns: Sequence[SheetColumn],
        blocks: Iterator[Sequence[list[Cell]]],
        rows: int,
    ) -> SheetResult:
        """Like `write`, with the `rows` data rows arriving as consecutive blocks of columns
        (so a long sheet is never held whole); widths come from the first block.

        Rows are written in order (the sheet streams to disk), so the frame (widths, panes,
        print setup) and the header rows' heights come first.
        """
        top = len(layout.header_lines) + 1  # the header block, a blank row, then the labels
        if top + 1 + rows > EXCEL_ROWS or len(columns) > EXCEL_COLUMNS:
            raise ValueError(f"{top + 1 + rows} rows × {len(columns)} columns exceed Excel's")
        ws, formats = self.book.worksheet(sheet), self.book.formats
        labels = [c.label for c in columns]
        first = next(blocks, [[] for _ in columns])
        widths = [_width(c, values) for c, values in zip(columns, first, strict=True)]
        scale = page_scale(widths)
        _frame(ws, layout, widths, top, rows, scale)
        _header_block(ws, formats, layout.header_lines, widths[: first_page_columns(widths, scale)])
        ws.set_row(top, _label_points(labels, widths))
        for c, label in enumerate(labels):
            write_text(ws, top, c, label, formats.header)
        digest = SheetDigest(labels)
        written = 0
        for block in chain([first], blocks):
            digest.update(zip(*block, strict=True))
            written += _write_rows(ws, formats, columns, widths, block, top + 1 + written)
        if written != rows:
            raise ValueError(f"sheet {sheet.name!r}: {written} rows written, {rows} announced")
        return SheetResult(sheet.name, rows, digest.hexdigest())


def _label_points(labels: Sequence[str], widths: Sequence[float]) -> float:
    """The label row's height: every wrapped label whole (bold glyphs are wider, so a label
    is wrapped one character narrower than its column)."""
    lines = (wrapped_lines(label, width - 1) for label, width in zip(labels, widths, strict=True))
    return row_points(max(lines, default=1))


def _header_block(
    ws: Worksheet, formats: CellFormats, lines: Sequence[str], span: Sequence[float]
) -> None:
    """Each header line in one cell merged across the columns of the first page, wrapped there
    and as tall as it needs: a line running past the table would widen what is printed and
    shrink the whole sheet to fit it."""
    width = spanned_width(span)
    for r, line in enumerate(lines):
        text = fit_cell(line)
        title = r == 0
        cell_format = formats.title_wrap if title else formats.wrap
        if len(span) > 1:
            ws.merge_range(r, 0, r, len(span) - 1, "", cell_format)
        write_text(ws, r, 0, text, cell_format)
        # The title's bold 12 pt glyphs are wider than the body's 11 pt digit.
        lines_needed = wrapped_lines(text, width * (TITLE_WIDTH_FACTOR if title else 1.0))
        if lines_needed > 1:
            ws.set_row(r, row_points(lines_needed, TITLE_LINE_POINTS if title else LINE_POINTS))


def _frame(
    ws: Worksheet,
    layout: SheetLayout,
    widths: list[float],
    top: int,
    rows: int,
    scale: PageScale,
) -> None:
    """Widths, frozen labels and key columns, the filter, and how the sheet prints."""
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.freeze_panes(top + 1, layout.freeze_columns)
    if widths:
        ws.autofilter(top, 0, top + rows, len(widths) - 1)
    ws.set_landscape()
    ws.set_paper(LETTER_PAPER)
    ws.repeat_rows(0, top)  # the header block and the column labels head every page
    if scale.fit_width:
        ws.fit_to_pages(1, 0)
    else:  # wider than the page at 8 pt: continue to the right, the key columns repeated
        ws.set_print_scale(scale.percent)
        ws.print_across()
        if layout.freeze_columns:
            ws.repeat_columns(0, layout.freeze_columns - 1)
    if layout.print_header:
        ws.set_header(_print_text(layout.print_header, "&L"))
    ws.set_footer(_print_text(layout.print_footer, "&L", reserve=len(PAGE_NUMBERS)) + PAGE_NUMBERS)


def _write_rows(
    ws: Worksheet,
    formats: CellFormats,
    columns: Sequence[SheetColumn],
    widths: Sequence[float],
    block: Sequence[list[Cell]],
    first_row: int,
) -> int:
    """One block of rows from `first_row`, each as tall as its longest wrapped text.

    Every text cell wraps: text running past its column would be cut on paper where the next
    cell holds a value, and would widen the printed range (shrinking the whole sheet) where it
    does not. Work that does not depend on the row is done per column first: the format of
    each text cell, and which columns hold any text that can wrap at all.
    """
    count = len(block[0]) if block else 0
    text_formats = [
        None if c.kind == "number" else _text_formats(formats, values)
        for c, values in zip(columns, block, strict=True)
    ]
    heights = _row_heights(columns, widths, block, count)
    for i in range(count):
        r = first_row + i
        if heights[i] > 1:
            ws.set_row(r, row_points(heights[i]))
        for c, values in enumerate(block):
            value = values[i]
            if value is None:
                continue
            cell_formats = text_formats[c]
            if cell_formats is None:
                ws.write_number(r, c, value, formats.normal)
            else:
                write_text(ws, r, c, str(value), cell_formats[i])
    return count


def _text_formats(formats: CellFormats, values: list[Cell]) -> list[Format]:
    """Each text cell's format: wrapped, quote-prefixed where it starts like a formula."""
    wrap, quoted = formats.wrap, formats.quoted_wrap
    return [quoted if isinstance(v, str) and starts_like_formula(v) else wrap for v in values]


def _row_heights(
    columns: Sequence[SheetColumn], widths: Sequence[float], block: Sequence[list[Cell]], count: int
) -> list[int]:
    """Lines per row: 1, unless a text in it is longer than its column or holds a line break
    (found per column first, so most columns cost one pass in C and no per-row work)."""
    heights = [1] * count
    for column, width, values in zip(columns, widths, block, strict=True):
        if column.kind == "number":
            continue
        texts = [v if v.__class__ is str else "" for v in values]
        if max(map(len, texts), default=0) < width - 1 and "\n" not in "".join(texts):
            continue
        for i, text in enumerate(texts):
            if text:
                lines = quick_lines(text, width)
                if lines > heights[i]:
                    heights[i] = lines
    return heights


def _width(column: SheetColumn, values: list[Cell]) -> float:
    """Width from the longest of the first rows' values (numbers by their text), bounded."""
    sample = [v for v in values[:WIDTH_SAMPLE_ROWS] if v is not None]
    longest = max((len(v) if v.__class__ is str else len(str(v)) for v in sample), default=0)
    word = max((len(w) for w in column.label.split()), default=0)
    limit = WIDTH_WRAP_MAX if column.wrap else WIDTH_TEXT_MAX
    return float(min(max(longest + 1, word + 1, WIDTH_MIN), limit))


PAGE_NUMBERS = "&RPage &P of &N"
PRINT_TEXT_LIMIT = 255


def _print_text(text: str, position: str, reserve: int = 0) -> str:
    """Header/footer text with & escaped, within Excel's 255-character limit.

    The text is cut before escaping, so a cut never splits an escaped `&&` into a lone `&`
    (which Excel would read as the start of a code and eat the next character); `reserve` keeps
    room for codes appended after it, such as the page numbers.
    """
    if not text:
        return ""
    room = PRINT_TEXT_LIMIT - reserve - len(position)
    kept = ""
    for char in text:
        step = 2 if char == "&" else 1
        if len(kept) + step > room:
            break
        kept += "&&" if char == "&" else char
    return position + kept
