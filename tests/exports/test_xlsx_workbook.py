"""The generic sheet writer: canonical cells, formula safety, layout and a recomputable digest."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, date, datetime

import openpyxl
import pytest

from exports.xlsx_workbook import (
    CellBlocks,
    SheetColumn,
    SheetLayout,
    SheetWriter,
    canonical_cells,
    canonical_number,
    open_workbook,
    sheet_digest,
)
from tests.exports.conftest import RICH_MARKUP
from tests.exports.reading import all_parts, tables

PAYLOADS = ["=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")',
            "_x000D_ literal", "a\x01b", "001", RICH_MARKUP, " =1", "<r>"]  # fmt: skip


def _write(columns, cells, lines=("Title", "Listing X")):
    buffer = io.BytesIO()
    book = open_workbook(buffer)
    result = SheetWriter(book).write(
        book.add_sheet("S"), SheetLayout(tuple(lines), freeze_columns=1), columns, cells
    )
    book.close()
    return buffer.getvalue(), result


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), (12.0, 12), (0.1 + 0.2, 0.3), (1 / 3, 0.333333333333333), (float("nan"), None),
     (float("inf"), None), (None, None), (True, None), (-2.5, -2.5)],
)  # fmt: skip
def test_canonical_number(value, expected):
    assert canonical_number(value) == expected


def test_canonical_cells_write_dates_and_times_as_iso_text():
    moments = [date(2025, 3, 4), datetime(2025, 3, 4, 9, 0), datetime(2025, 3, 4, 9, 0, 5),
               datetime(2025, 3, 4, 14, 0, tzinfo=UTC), "2025-03", None]  # fmt: skip
    gone = [False, False, False, False, False, True]
    assert canonical_cells([*moments[:2], "2025-03"], [False] * 3, "date") == [
        "2025-03-04", "2025-03-04", "2025-03"]  # fmt: skip
    assert canonical_cells(moments, gone, "datetime") == [
        "2025-03-04", "2025-03-04T09:00", "2025-03-04T09:00:05", "2025-03-04T14:00", "2025-03",
        None]  # fmt: skip
    assert canonical_cells([7.0, "", True], [False] * 3, "text") == ["7", None, "Y"]


def test_payloads_are_literal_text_quote_prefixed_and_never_formulas():
    content, result = _write(
        [SheetColumn("Text"), SheetColumn("N", "number")], [PAYLOADS, list(range(len(PAYLOADS)))]
    )
    parts = all_parts(content)
    assert all(b"<f>" not in xml for name, xml in parts.items() if name.endswith(".xml"))
    assert not any("hyperlink" in name for name in parts)
    sheet = tables(content)["S"]
    assert sheet.column("Text") == PAYLOADS
    ws = openpyxl.load_workbook(io.BytesIO(content))["S"]
    first = sheet.header_row + 1
    for offset, value in enumerate(PAYLOADS):
        cell = ws.cell(first + offset, 1)
        assert cell.data_type == "s"
        assert cell.quotePrefix == (value.lstrip(" ")[0] in "=+-@\t\r")
    assert result.rows == len(PAYLOADS)


def test_digest_is_recomputable_from_the_values_read_back():
    raw = [["001", None, "x"], [1.5, None, 0.1 + 0.2], [date(2025, 1, 1), "2025-02", None]]
    columns = [SheetColumn("Id"), SheetColumn("Value", "number"), SheetColumn("Date", "date")]
    cells = [
        canonical_cells(v, [x is None for x in v], c.kind)
        for v, c in zip(raw, columns, strict=True)
    ]
    content, result = _write(columns, cells)
    sheet = tables(content)["S"]
    assert sheet.rows == [("001", 1.5, "2025-01-01"), (None, None, "2025-02"), ("x", 0.3, None)]
    assert sheet_digest(sheet.labels, sheet.rows) == result.sha256


def test_layout_header_block_frozen_header_filter_widths_and_print_setup():
    long_text = "word " * 40
    columns = [SheetColumn("Subject"), SheetColumn("Narrative", wrap=True)]
    content, _ = _write(columns, [["001", "002"], [long_text, "short"]], ("Title", "L", "P"))
    ws = openpyxl.load_workbook(io.BytesIO(content))["S"]
    assert [ws.cell(r, 1).value for r in (1, 2, 3)] == ["Title", "L", "P"]
    assert ws.freeze_panes == "B6"
    assert ws.auto_filter.ref == "A5:B7"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$1:$5"
    assert ws.cell(6, 2).alignment.wrap_text
    assert 8 <= ws.column_dimensions["B"].width <= 61


def test_digest_is_the_sha256_of_the_documented_json_even_across_batches():
    labels = ["Id", "Wert (µg)", "Note"]
    rows = [(f"{i:03d}", i / 7, None if i % 3 else 'é\\n"x"') for i in range(25_001)]
    document = json.dumps([labels, *rows], ensure_ascii=False, separators=(",", ":"))
    assert sheet_digest(labels, rows) == hashlib.sha256(document.encode()).hexdigest()
    assert (
        sheet_digest(labels, [])
        == hashlib.sha256(b'[["Id","Wert (\xc2\xb5g)","Note"]]').hexdigest()
    )


def test_cell_blocks_are_split_at_the_rows_asked_for():
    blocks = CellBlocks([[["a", "b", "c"], [1, 2, 3]], [[], []], [["d"], [4]]])
    assert list(blocks.take(2)) == [[["a", "b"], [1, 2]]]
    assert list(blocks.take(5)) == [[["c"], [3]], [["d"], [4]]]  # fewer: the blocks ran out
    assert list(blocks.take(1)) == []


@pytest.mark.parametrize("text", ["&" * 300, "a" * 199 + "&&&" + "b" * 100, "R&D " * 80])
def test_a_long_print_footer_is_cut_before_escaping_and_keeps_the_page_numbers(text):
    from exports.xlsx_workbook import PAGE_NUMBERS, PRINT_TEXT_LIMIT, _print_text

    footer = _print_text(text, "&L", reserve=len(PAGE_NUMBERS)) + PAGE_NUMBERS
    assert len(footer) <= PRINT_TEXT_LIMIT and footer.endswith("&RPage &P of &N")
    body = footer[2 : -len(PAGE_NUMBERS)]
    # Every & of the text is doubled: no lone & that Excel would read as a code.
    assert body.replace("&&", "").count("&") == 0
    assert text.startswith(body.replace("&&", "&"))


def test_a_long_cell_of_astral_characters_stays_within_excel_units():
    from exports.sanitize import EXCEL_CELL_CHARACTERS, excel_length

    (cell,) = canonical_cells(["\U0001f600" * 17_000], [False], "text")
    assert excel_length(cell) <= EXCEL_CELL_CHARACTERS and "truncated" in cell
