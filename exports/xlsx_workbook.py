"""The formula-safe listing-sheet writer: canonical cells, layout and a recomputable digest.

Cells are canonical Python values (str, int, float or None) prepared column by column: text
is always a shared string (never a formula or a link; formula-like text also gets Excel's
quote prefix), numbers come only from numeric columns. The sheets are written by our streaming
package writer (`exports.ooxml`). Each sheet's SHA-256 covers its column labels and rows
serialised as one compact JSON document (`sheet_digest`), so a verifier can recompute it.
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

from exports.ooxml import (
    Book,
    BookProperties,
    DataColumn,
    LeadCell,
    PrintSetup,
    SheetBody,
    SheetFrame,
    SheetHandle,
    Style,
)
from exports.sanitize import fit_cell

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
        (so a long sheet is never held whole); widths come from the first block."""
        top = len(layout.header_lines) + 1  # the header block, a blank row, then the labels
        labels = [c.label for c in columns]
        lead = [
            LeadCell(r, 0, fit_cell(line), Style.TITLE if r == 0 else Style.NORMAL)
            for r, line in enumerate(layout.header_lines)
        ]
        lead += [LeadCell(top, c, label, Style.HEADER) for c, label in enumerate(labels)]
        first = next(blocks, [[] for _ in columns])
        digest = SheetDigest(labels)

        def data() -> Iterator[list[DataColumn]]:
            for block in chain([first], blocks):
                digest.update(zip(*block, strict=True))
                yield [
                    DataColumn(values, c.kind == "number", Style.WRAP if c.wrap else Style.NORMAL)
                    for c, values in zip(columns, block, strict=True)
                ]

        frame = SheetFrame(
            widths=[_width(c, values) for c, values in zip(columns, first, strict=True)],
            freeze_rows=top + 1,
            freeze_columns=layout.freeze_columns,
            filter_row=top,
            print_setup=PrintSetup(
                landscape=True,
                paper=LETTER_PAPER,
                fit_to_width=True,
                title_rows=top + 1,
                header=_print_text(layout.print_header, "&L"),
                footer=_print_text(layout.print_footer, "&L", reserve=len(PAGE_NUMBERS))
                + PAGE_NUMBERS,
            ),
        )
        body = SheetBody(lead, data(), rows, len(columns), top + 1)
        self.book.write_sheet_body(sheet, frame, body)
        return SheetResult(sheet.name, rows, digest.hexdigest())


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
