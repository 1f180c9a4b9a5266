"""One worksheet part, streamed: frame (views, columns), rows, then filter and print setup.

Rows are rendered a chunk at a time and column by column: one list comprehension per column
builds its cell elements, then the rows are joined. Text cells refer to the shared-string
table through cached endings (see strings.py); numeric cells carry their canonical value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from exports.ooxml.escape import column_letter, element_text
from exports.ooxml.strings import TextEndings
from exports.ooxml.styles import Style

DataCell = str | int | float | None
ROWS_PER_CHUNK = 4_000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # a sheet's hard limits in Excel
MAX_DIGIT_WIDTH, CELL_PADDING = 7, 5  # Calibri 11 pixels: how Excel turns characters into width
HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'


@dataclass(frozen=True, slots=True)
class PrintSetup:
    """Page setup: orientation, paper (1 = Letter), fit to one page wide, repeated top rows
    and header/footer texts already in Excel's `&` code syntax."""

    landscape: bool = True
    paper: int = 1
    fit_to_width: bool = True
    title_rows: int = 0
    header: str = ""
    footer: str = ""


@dataclass(frozen=True, slots=True)
class LeadCell:
    """A text cell above the data rows (header block, column labels), zero-based position."""

    row: int
    column: int
    text: str
    style: Style = Style.NORMAL


@dataclass(frozen=True, slots=True)
class DataColumn:
    """One column of data rows: canonical values (text, or numbers when `numeric`) and style."""

    values: Sequence[DataCell]
    numeric: bool = False
    style: Style = Style.NORMAL


@dataclass(frozen=True, slots=True)
class SheetFrame:
    """The sheet around its cells: column widths (characters), frozen rows/columns, the
    autofilter's header row (zero-based; None for no filter) and the print setup."""

    widths: Sequence[float] = ()
    freeze_rows: int = 0
    freeze_columns: int = 0
    filter_row: int | None = None
    print_setup: PrintSetup | None = None


def check_sheet(lead: Sequence[LeadCell], rows: int, columns: int, first_data_row: int) -> str:
    """Refuse what Excel cannot hold; the sheet's dimension (A1 range) when it fits.

    Called before a part is opened, so a refused sheet leaves nothing half-written behind.
    """
    if lead and max(cell.row for cell in lead) >= first_data_row:
        raise ValueError("lead cells must sit above the first data row")
    width = max([columns, *(cell.column + 1 for cell in lead)], default=1)
    height = first_data_row + rows if rows else max((c.row + 1 for c in lead), default=1)
    if height > EXCEL_ROWS or width > EXCEL_COLUMNS:
        raise ValueError(
            f"{height} rows × {width} columns exceed Excel's {EXCEL_ROWS:,} × {EXCEL_COLUMNS:,}"
        )
    return f"A1:{column_letter(max(width - 1, 0))}{height}"


def check_columns(data: Sequence[DataColumn]) -> int:
    """The row count of a block of columns, which must all be equally long."""
    count = len(data[0].values) if data else 0
    if any(len(column.values) != count for column in data):
        raise ValueError("every data column needs the same number of values")
    return count


@dataclass(frozen=True, slots=True)
class SheetBody:
    """A sheet's cells: lead cells, then `rows` data rows of `columns` columns starting at
    zero-based row `first_data_row`, arriving as blocks of columns (row chunks in order)."""

    lead: Sequence[LeadCell]
    blocks: Iterable[Sequence[DataColumn]]
    rows: int
    columns: int
    first_data_row: int


def worksheet_part(
    frame: SheetFrame,
    body: SheetBody,
    endings: Mapping[Style, TextEndings],
    dimension: str,
    selected: bool = False,
) -> Iterator[bytes]:
    """The worksheet XML in chunks (check the body with `check_sheet` first)."""
    yield _frame_head(frame, dimension, selected).encode()
    yield _lead_rows(body.lead, endings).encode()
    done = 0
    for block in body.blocks:
        count = check_columns(block)
        if len(block) != body.columns or done + count > body.rows:
            raise ValueError(f"the sheet was announced as {body.rows} × {body.columns}")
        for start in range(0, count, ROWS_PER_CHUNK):
            stop = min(start + ROWS_PER_CHUNK, count)
            yield _data_rows(block, start, stop, body.first_data_row + done, endings)
        done += count
    if done != body.rows:
        raise ValueError(f"the sheet was announced with {body.rows} rows, {done} came")
    yield _frame_tail(frame, body.columns, body.first_data_row + body.rows).encode()


def _frame_head(frame: SheetFrame, dimension: str, selected: bool) -> str:
    setup = frame.print_setup
    fit = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if setup and setup.fit_to_width else ""
    tab = ' tabSelected="1"' if selected else ""
    view = f'<sheetViews><sheetView{tab} workbookViewId="0">{_pane(frame)}</sheetView></sheetViews>'
    columns = "".join(
        f'<col min="{c}" max="{c}" width="{excel_width(w)}" customWidth="1"/>'
        for c, w in enumerate(frame.widths, start=1)
    )
    cols = f"<cols>{columns}</cols>" if columns else ""
    return (
        f'{HEAD}{fit}<dimension ref="{dimension}"/>{view}'
        f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>'
    )


def excel_width(characters: float) -> float:
    """Column width as Excel stores it for a width in characters (padding included)."""
    if characters <= 0:
        return 0.0
    return int((characters * MAX_DIGIT_WIDTH + CELL_PADDING) / MAX_DIGIT_WIDTH * 256) / 256


def _pane(frame: SheetFrame) -> str:
    rows, columns = frame.freeze_rows, frame.freeze_columns
    if not rows and not columns:
        return ""
    corner = f"{column_letter(columns)}{rows + 1}"
    active = {(True, True): "bottomRight", (True, False): "bottomLeft"}.get(
        (bool(rows), bool(columns)), "topRight"
    )
    splits = (f' xSplit="{columns}"' if columns else "") + (f' ySplit="{rows}"' if rows else "")
    return (
        f'<pane{splits} topLeftCell="{corner}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{corner}" sqref="{corner}"/>'
    )


def _lead_rows(lead: Sequence[LeadCell], endings: Mapping[Style, TextEndings]) -> str:
    rows: dict[int, list[LeadCell]] = {}
    for cell in lead:
        rows.setdefault(cell.row, []).append(cell)
    return "".join(
        f'<row r="{r + 1}">'
        + "".join(
            f'<c r="{column_letter(c.column)}{r + 1}"{endings[c.style][c.text]}'
            for c in sorted(cells, key=lambda c: c.column)
        )
        + "</row>"
        for r, cells in sorted(rows.items())
    )


def _data_rows(
    data: Sequence[DataColumn],
    start: int,
    stop: int,
    first_data_row: int,
    endings: Mapping[Style, TextEndings],
) -> bytes:
    """Rows start..stop: each column's cells by one comprehension, then joined row by row."""
    first = first_data_row + start + 1
    columns: list[list[str]] = []
    for c, column in enumerate(data):
        letter, values = column_letter(c), column.values[start:stop]
        if column.numeric:
            cells = [
                "" if v is None else f'<c r="{letter}{r}"><v>{v}</v></c>'
                for r, v in enumerate(values, first)
            ]
        else:
            end = endings[column.style]
            cells = [
                "" if v is None else f'<c r="{letter}{r}"{end[v]}'  # type: ignore[index]
                for r, v in enumerate(values, first)
            ]
        columns.append(cells)
    return "".join(
        [
            f'<row r="{r}">{"".join(cells)}</row>'
            for r, cells in enumerate(zip(*columns, strict=True), first)
        ]
    ).encode()


def _frame_tail(frame: SheetFrame, width: int, last_row: int) -> str:
    tail = ["</sheetData>"]
    ref = filter_range(frame, width, last_row)
    if ref:
        tail.append(f'<autoFilter ref="{ref.replace("$", "")}"/>')
    tail.append(MARGINS)
    setup = frame.print_setup
    if setup:
        orientation = "landscape" if setup.landscape else "portrait"
        fit = ' fitToHeight="0"' if setup.fit_to_width else ""
        tail.append(f'<pageSetup paperSize="{setup.paper}"{fit} orientation="{orientation}"/>')
        header = f"<oddHeader>{element_text(setup.header)}</oddHeader>" if setup.header else ""
        footer = f"<oddFooter>{element_text(setup.footer)}</oddFooter>" if setup.footer else ""
        if header or footer:
            tail.append(f"<headerFooter>{header}{footer}</headerFooter>")
    tail.append("</worksheet>")
    return "".join(tail)


def filter_range(frame: SheetFrame, width: int, last_row: int) -> str | None:
    """The autofilter range in absolute A1 form (for the hidden `_FilterDatabase` name)."""
    if frame.filter_row is None or not width:
        return None
    bottom = max(last_row, frame.filter_row + 1)
    return f"$A${frame.filter_row + 1}:${column_letter(width - 1)}${bottom}"
