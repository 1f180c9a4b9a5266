"""The streaming SpreadsheetML writer: a valid package, exact values, layout, determinism."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.ooxml import (
    EXCEL_ROWS,
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
from exports.ooxml.escape import cell_text, column_letter
from exports.ooxml.styles import STYLESHEET
from exports.ooxml.worksheet import ROWS_PER_CHUNK
from tests.exports.reading import all_parts, sheet_values

XML_TEXT = st.text(st.characters(exclude_categories=("Cs",), max_codepoint=0x10FFFF))


def _book(write, properties: BookProperties | None = None) -> bytes:
    buffer = io.BytesIO()
    with Book(buffer, properties) as book:
        write(book)
    return buffer.getvalue()


def _one_sheet(data, lead=(), frame=None, first_row=0, name="S") -> bytes:
    frame = frame or SheetFrame()
    return _book(lambda b: b.write_sheet(b.add_sheet(name), frame, lead, data, first_row))


@settings(max_examples=200, deadline=None)
@given(st.lists(XML_TEXT.filter(bool), min_size=1, max_size=5))
def test_any_text_reads_back_exactly(texts):
    content = _one_sheet([DataColumn(texts)])
    assert [row[0] for row in sheet_values(content)["S"]] == texts


def test_escapes_follow_excel_for_control_characters_and_literal_escapes():
    assert cell_text("a\rb") == "a_x000D_b"
    assert cell_text("_x000D_") == "_x005F_x000D_"
    assert cell_text("<&>\t\n") == "&lt;&amp;&gt;\t\n"
    assert cell_text("plain") == "plain"


def test_every_part_is_well_formed_and_declared():
    content = _one_sheet([DataColumn(["a", None, "=1+1"]), DataColumn([1, 2.5, None], True)])
    parts = all_parts(content)
    for xml in parts.values():
        ElementTree.fromstring(xml)  # raises on malformed XML
    types = parts["[Content_Types].xml"].decode()
    for name in parts:
        if name.endswith(".xml") and name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    for target in ("worksheets/sheet1.xml", "styles.xml", "sharedStrings.xml"):
        assert f'Target="{target}"' in rels
    assert not any(b"<f>" in xml or b"<f " in xml for xml in parts.values())


def test_numbers_and_texts_keep_their_types_and_values():
    numbers = [0, -3, 2**40 + 1, 0.1, -2.5e-7, 1e16, 123456789.123456]
    texts = ["001", "1e5", "-2", "TRUE", "2025-03-04"]
    content = _one_sheet([DataColumn(numbers, numeric=True), DataColumn(texts + [None] * 2)])
    rows = sheet_values(content)["S"]
    assert [r[0] for r in rows] == numbers
    assert [r[1] for r in rows] == [*texts, None, None]
    ws = openpyxl.load_workbook(io.BytesIO(content))["S"]
    assert [c.value for c in ws["A"]] == numbers
    assert [c.data_type for c in ws["B"]][:5] == ["s"] * 5


def test_formula_like_text_gets_the_quote_prefix_in_its_own_style():
    wrapped = DataColumn(["=1", "ok", " +x"], style=Style.WRAP)
    content = _one_sheet([wrapped, DataColumn(["@a", None, None])])
    ws = openpyxl.load_workbook(io.BytesIO(content))["S"]
    assert [ws.cell(r, 1).quotePrefix for r in (1, 2, 3)] == [True, False, True]
    assert all(ws.cell(r, 1).alignment.wrap_text for r in (1, 2, 3))
    assert ws.cell(1, 2).quotePrefix and not ws.cell(1, 2).alignment.wrap_text


@pytest.mark.parametrize(
    ("rows", "columns", "expected"), [(3, 0, "A4"), (0, 2, "C1"), (3, 2, "C4"), (0, 0, None)]
)
def test_frozen_panes(rows, columns, expected):
    frame = SheetFrame(freeze_rows=rows, freeze_columns=columns)
    content = _one_sheet([DataColumn(["x"] * 5)] * 3, frame=frame)
    assert openpyxl.load_workbook(io.BytesIO(content))["S"].freeze_panes == expected


def test_filter_print_titles_widths_and_header_footer_on_a_quoted_sheet_name():
    frame = SheetFrame(
        widths=(10, 50),
        freeze_rows=2,
        filter_row=1,
        print_setup=PrintSetup(title_rows=2, header="&LA & B", footer="&RPage &P of &N"),
    )
    lead = [LeadCell(0, 0, "Title", Style.TITLE), LeadCell(1, 0, "Id", Style.HEADER),
            LeadCell(1, 1, "Text", Style.HEADER)]  # fmt: skip
    content = _one_sheet(
        [DataColumn(["1", "2"]), DataColumn(["a", "b"])], lead, frame, 2, "Bob's sheet"
    )
    ws = openpyxl.load_workbook(io.BytesIO(content))["Bob's sheet"]
    assert ws.auto_filter.ref == "A2:B4"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddHeader.left.text == "A & B"
    assert 10 < ws.column_dimensions["A"].width < 11 < 50 < ws.column_dimensions["B"].width
    assert ws.cell(1, 1).font.b and ws.cell(2, 1).fill.fgColor.rgb == "FFD9E1F2"


def test_rows_cross_chunk_boundaries_in_order():
    count = ROWS_PER_CHUNK * 2 + 3
    content = _one_sheet([DataColumn(list(range(count)), numeric=True)], first_row=1)
    rows = sheet_values(content)["S"]
    assert rows[0] == (None,) and [r[0] for r in rows[1:]] == list(range(count))


def test_the_same_input_gives_the_same_bytes_and_sheets_keep_tab_order():
    def write(book: Book) -> None:
        cover, data = book.add_sheet("Cover"), book.add_sheet("Data")
        book.write_sheet(data, SheetFrame(), (), [DataColumn(["x", "y"])], 0)
        book.write_sheet(cover, SheetFrame(), (), [DataColumn(["contents"])], 0)

    properties = BookProperties(title="T", author="A & B", company="C")
    first, second = _book(write, properties), _book(write, properties)
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(first))
    assert book.sheetnames == ["Cover", "Data"]
    assert book.properties.creator == "A & B"
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


def test_sheets_never_written_are_empty_and_names_are_checked():
    content = _book(lambda b: b.add_sheet("Empty"))
    assert openpyxl.load_workbook(io.BytesIO(content))["Empty"].max_row == 1
    with Book(io.BytesIO()) as book:
        book.add_sheet("A")
        for bad in ("", "x" * 32, "a/b", "[x]", "'q", "q'", "a", "History", "HISTORY"):
            with pytest.raises(ValueError):
                book.add_sheet(bad)
        assert book.add_sheet("Bob's").name == "Bob's"
        with pytest.raises(ValueError, match="not added"):
            book.write_sheet(SheetHandle(5, "Other"), SheetFrame(), (), [], 0)


def test_misplaced_or_ragged_cells_are_refused():
    with Book(io.BytesIO()) as book:
        sheet = book.add_sheet("S")
        with pytest.raises(ValueError, match="above"):
            book.write_sheet(sheet, SheetFrame(), [LeadCell(1, 0, "x")], [DataColumn(["a"])], 1)
    with Book(io.BytesIO()) as book, pytest.raises(ValueError, match="same number"):
        book.write_sheet(
            book.add_sheet("S"), SheetFrame(), (), [DataColumn(["a"]), DataColumn([])], 0
        )


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == [
        "A", "Z", "AA", "ZZ", "AAA", "XFD"]  # fmt: skip


def test_a_refused_sheet_can_still_be_written_and_the_book_stays_valid():
    buffer = io.BytesIO()
    with Book(buffer) as book:
        sheet = book.add_sheet("S")
        with pytest.raises(ValueError):
            book.write_sheet(sheet, SheetFrame(), (), [DataColumn(["a"]), DataColumn([])], 0)
        book.write_sheet(sheet, SheetFrame(), (), [DataColumn(["a"])], 0)
    assert sheet_values(buffer.getvalue())["S"] == [("a",)]


def test_the_stylesheet_declares_one_cell_format_per_style():
    formats = ElementTree.fromstring(STYLESHEET).find(
        "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}cellXfs"
    )
    assert formats is not None and len(formats) == int(formats.get("count", "")) == len(Style)


def test_a_sheet_beyond_excel_limits_is_refused():
    with Book(io.BytesIO()) as book, pytest.raises(ValueError, match="exceed Excel"):
        book.write_sheet(book.add_sheet("S"), SheetFrame(), (), [DataColumn(["a"])], EXCEL_ROWS)


@pytest.mark.parametrize("blocks", [[[DataColumn(["a", "b"])]], [[DataColumn(["a"] * 4)]]])
def test_blocks_that_break_the_announced_row_count_fail_loudly(blocks):
    book = Book(io.BytesIO())
    with pytest.raises(ValueError, match="announced"):
        book.write_sheet_body(book.add_sheet("S"), SheetFrame(), SheetBody((), blocks, 3, 1, 0))
    with pytest.raises(ValueError, match="incomplete: sheet 'S' was cut short"):
        book.close()  # never a workbook with a truncated sheet


def test_rows_may_arrive_in_blocks():
    blocks = [
        [DataColumn(["a", "b"]), DataColumn([1, 2], True)],
        [DataColumn(["c"]), DataColumn([3], True)],
    ]
    content = _book(
        lambda b: b.write_sheet_body(b.add_sheet("S"), SheetFrame(), SheetBody((), blocks, 3, 2, 0))
    )
    assert sheet_values(content)["S"] == [("a", 1), ("b", 2), ("c", 3)]
