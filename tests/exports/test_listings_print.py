"""The listings as a reviewer prints them (#15): LibreOffice renders the workbook to PDF and
the PDF is read back line by line.

- nothing prints below 8 pt;
- every column label prints whole, above the first data row (wrapped labels used to overflow
  into it);
- a listing too wide for the page at 8 pt continues over further pages, each starting with
  the key columns, and every column is printed on one of them.

LibreOffice measures Calibri with Carlito, its metric twin (Debian `fonts-crosextra-carlito`,
installed by `make test` and CI); with a fallback font every width would be off.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from exports import ListingOptions, build_listings_export
from exports.print_layout import MIN_PRINT_POINTS
from tests.exports.conftest import MONITOR
from tests.exports.pdf_text import Placed, pages_by_title
from tests.exports.reading import SheetTable, tables

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) not installed"
)
WIDE_LISTING = "16.2.7.1"  # adverse events: 37 columns


@pytest.fixture(scope="module")
def printed(study_wb, tmp_path_factory) -> tuple[dict[str, SheetTable], dict[str, list]]:
    """The listings workbook, its sheets by listing number and its PDF pages by listing."""
    assert SOFFICE, "CI must install libreoffice-calc-nogui (see .ci/run)"
    fonts = subprocess.run(["fc-list", ":family=Carlito"], capture_output=True, text=True)
    assert fonts.stdout.strip(), "install fonts-crosextra-carlito (see .ci/run)"
    folder = tmp_path_factory.mktemp("print")
    export = build_listings_export(study_wb, MONITOR, ListingOptions(include_audit=True))
    source = folder / "listings.xlsx"
    source.write_bytes(export.content)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    study = study_wb.study.study
    pages = pages_by_title(PdfReader(folder / "listings.pdf"), f"{study.id} – ")
    sheets = {_number(sheet): sheet for sheet in tables(export.content).values()}
    return sheets, pages


def _number(sheet: SheetTable) -> str:
    """The listing number a sheet's print header names ("Listing 16.2.1", "listings")."""
    line = sheet.header_lines[1] if len(sheet.header_lines) > 1 else ""
    if line.startswith("Listing "):
        return line.split(":")[0]
    return "listings" if sheet.header_lines[0].startswith("Patient data listings") else ""


def _squeeze(text: str) -> str:
    return "".join(text.split())


def printed_labels(lines: list[Placed], sheet: SheetTable) -> list[str]:
    """The column labels printed above the first data row of a page, left to right, each
    joined from its wrapped lines; a line drawn at or below the data row is not counted."""
    first_label, first_value = sheet.labels[0], str(sheet.rows[0][0])
    top = next((ln for ln in lines if len(ln.text) > 1 and first_label.startswith(ln.text)), None)
    if top is None:  # the first column is not on this page
        return []
    data = next(
        ln
        for ln in lines
        if ln.y < top.y and abs(ln.x - top.x) < 2 and first_value.startswith(ln.text)
    )
    lefts = sorted(ln.x for ln in lines if abs(ln.y - top.y) < 0.5)
    columns: list[str] = []
    for k, left in enumerate(lefts):
        right = lefts[k + 1] if k + 1 < len(lefts) else float("inf")
        parts = sorted(
            (ln for ln in lines if left - 1 <= ln.x < right - 1 and data.y + 1 < ln.y <= top.y),
            key=lambda ln: -ln.y,
        )
        columns.append(" ".join(ln.text for ln in parts))
    return columns


def test_nothing_prints_below_8_points(printed):
    _, pages = printed
    small = {
        (title, round(ln.points, 2), ln.text)
        for title, group in pages.items()
        for lines in group
        for ln in lines
        if ln.points < MIN_PRINT_POINTS - 0.01
    }
    assert not small, sorted(small)[:10]


def test_every_label_prints_whole_above_the_first_data_row(printed):
    sheets, pages = printed
    checked = 0
    for number, sheet in sheets.items():
        if not sheet.rows or number not in pages:
            continue
        shown = printed_labels(pages[number][0], sheet)
        expected = sheet.labels[: len(shown)]
        assert [_squeeze(s) for s in shown] == [_squeeze(x) for x in expected], number
        checked += 1
    assert checked >= 20


def test_a_wide_listing_continues_over_pages_with_its_key_columns(printed):
    sheets, pages = printed
    sheet, group = sheets[f"Listing {WIDE_LISTING}"], pages[f"Listing {WIDE_LISTING}"]
    assert len(group) > 1
    seen: set[str] = set()
    for lines in group:
        shown = [_squeeze(s) for s in printed_labels(lines, sheet)]
        assert shown[:1] == [_squeeze(sheet.labels[0])]  # the key column starts every page
        seen.update(shown)
    assert seen == {_squeeze(label) for label in sheet.labels}
