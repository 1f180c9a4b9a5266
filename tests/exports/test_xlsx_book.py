"""The XlsxWriter workbook as we configure it: text stored verbatim, never a formula or rich
text, Excel's sheet-name rules, every part well formed, and the row limit enforced."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exports.xlsx_book import EXCEL_ROWS, Book, SheetHandle, write_text
from exports.xlsx_workbook import SheetColumn, SheetLayout, SheetWriter
from tests.exports.conftest import RICH_MARKUP
from tests.exports.reading import all_parts, sheet_values

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_TEXT = st.text(st.characters(exclude_categories=("Cs",), max_codepoint=0x10FFFF))


def _column(texts: list[str]) -> bytes:
    buffer = io.BytesIO()
    with Book(buffer) as book:
        sheet = book.worksheet(book.add_sheet("S"))
        for row, text in enumerate(texts):
            write_text(sheet, row, 0, text, book.formats.for_text(text, wrap=False))
    return buffer.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(XML_TEXT.filter(bool), min_size=1, max_size=5))
def test_any_text_reads_back_exactly(texts):
    assert [row[0] for row in sheet_values(_column(texts))["S"]] == texts


@pytest.mark.parametrize(
    "text", [RICH_MARKUP, "<r>x</r>", "<r><t>a</t></r>", "_x000D_", "a\rb", "\x01", "=1+1"]
)
def test_markup_escapes_and_formulas_stay_literal_text(text):
    content = _column([text])
    assert sheet_values(content)["S"] == [(text,)]
    parts = all_parts(content)
    for name, xml in parts.items():
        if name.endswith(".xml"):
            tags = {e.tag.rsplit("}", 1)[-1] for e in ElementTree.fromstring(xml).iter()}
            assert "f" not in tags, name  # no formula element, escaped text only
    sheet = ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"])
    assert [c.get("r") for c in sheet.iter(f"{{{MAIN}}}c")] == ["A1"]
    cell = openpyxl.load_workbook(io.BytesIO(content))["S"]["A1"]
    assert cell.data_type == "s"  # a string to openpyxl too (which leaves _x005F_ escaped)


def test_formula_like_text_gets_the_quote_prefix():
    content = _column(["=1", "ok", " +x", "@a"])
    ws = openpyxl.load_workbook(io.BytesIO(content))["S"]
    assert [ws.cell(r, 1).quotePrefix for r in (1, 2, 3, 4)] == [True, False, True, True]


def test_sheet_names_follow_excel():
    with Book(io.BytesIO()) as book:
        book.add_sheet("A")
        for bad in ("", "x" * 32, "a/b", "[x]", "'q", "q'", "a", "History", "HISTORY"):
            with pytest.raises(ValueError):
                book.add_sheet(bad)
        assert book.add_sheet("Bob's").name == "Bob's"
        with pytest.raises(ValueError, match="not added"):
            book.worksheet(SheetHandle(5, "Other"))


def test_a_sheet_beyond_excel_rows_is_refused_before_anything_is_written():
    with Book(io.BytesIO()) as book:
        writer, sheet = SheetWriter(book), book.add_sheet("S")
        with pytest.raises(ValueError, match="exceed Excel"):
            layout, columns = SheetLayout(("T",)), [SheetColumn("A")]
            writer.write_blocks(sheet, layout, columns, iter([]), EXCEL_ROWS)


def test_rows_that_break_the_announced_count_fail_loudly():
    with Book(io.BytesIO()) as book:
        writer = SheetWriter(book)
        with pytest.raises(ValueError, match="announced"):
            writer.write_blocks(
                book.add_sheet("S"), SheetLayout(("T",)), [SheetColumn("A")], iter([[["a"]]]), 3
            )
