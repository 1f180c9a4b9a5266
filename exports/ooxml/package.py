"""The xlsx package: a zip of parts, written deterministically (fixed entry times, stable
order), each worksheet streamed into its entry as soon as it is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from exports.ooxml.escape import attribute, element_text, sheet_reference
from exports.ooxml.strings import SharedStrings, TextEndings
from exports.ooxml.styles import STYLESHEET, Style
from exports.ooxml.worksheet import (
    DataColumn,
    LeadCell,
    SheetBody,
    SheetFrame,
    check_columns,
    check_sheet,
    filter_range,
    worksheet_part,
)
from exports.sanitize import starts_like_formula

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP64_FROM_BYTES = 2**31 - 2**26  # entries that might pass 2 GiB are written as ZIP64
BYTES_PER_CELL = 64  # the longest cell element: <c r="XFD1048576" s="5" t="s"><v>…</v></c>
BYTES_PER_CHARACTER = 8  # the worst escape: a control character becomes _x001F_
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HIDDEN = ' hidden="1"'
BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
QUOTED_STYLE = {Style.WRAP: Style.QUOTED_WRAP, Style.QUOTED_WRAP: Style.QUOTED_WRAP}


@dataclass(frozen=True, slots=True)
class BookProperties:
    """Document properties (docProps/core.xml and app.xml)."""

    title: str = ""
    author: str = ""
    company: str = ""
    created: datetime | None = None  # naive UTC; None leaves the dates out (reproducible)
    application: str = "Lupus trial investigator workbench"


@dataclass(frozen=True, slots=True)
class SheetHandle:
    """A sheet's place in the workbook (tab order) and its name."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class _DefinedName:
    name: str
    sheet: int
    value: str
    hidden: bool = False


# Excel reserves this name (it holds the change history of a shared workbook), in any case.
RESERVED_SHEET_NAMES = frozenset({"history"})


def _valid_sheet_name(name: str) -> bool:
    """Excel's rules: 1–31 characters, none of []:*?/\\, no apostrophe at either end, and not
    the reserved name History."""
    if not 0 < len(name) <= 31 or BAD_SHEET_NAME.search(name):
        return False
    if name.casefold() in RESERVED_SHEET_NAMES:
        return False
    return not name.startswith("'") and not name.endswith("'")


def quote_formula_like(text: str, style: Style) -> Style:
    """Text a spreadsheet could read as a formula keeps Excel's quote prefix (records.md §5.2)."""
    return QUOTED_STYLE.get(style, Style.QUOTED) if starts_like_formula(text) else style


class Book:
    """An xlsx workbook written to `target`: add sheets (tab order), write each once, close."""

    def __init__(self, target: BinaryIO, properties: BookProperties | None = None) -> None:
        self._zip = ZipFile(target, "w", ZIP_DEFLATED)
        self.properties = properties or BookProperties()
        self.strings = SharedStrings()
        self.endings = {s: TextEndings(self.strings, s, quote_formula_like) for s in Style}
        self._names: list[str] = []
        self._written: set[int] = set()
        self._defined: list[_DefinedName] = []
        self._closed = False
        self._broken = ""  # why a sheet part stopped half-way: the book can no longer close

    def __enter__(self) -> Book:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self._zip.close()

    def add_sheet(self, name: str) -> SheetHandle:
        """Reserve the next tab under a valid, unique sheet name."""
        if not _valid_sheet_name(name):
            raise ValueError(f"invalid sheet name {name!r}")
        if name.casefold() in (n.casefold() for n in self._names):
            raise ValueError(f"duplicate sheet name {name!r}")
        self._names.append(name)
        return SheetHandle(len(self._names) - 1, name)

    def write_sheet(
        self,
        sheet: SheetHandle,
        frame: SheetFrame,
        lead: Sequence[LeadCell],
        data: Sequence[DataColumn],
        first_data_row: int,
    ) -> None:
        """Stream the sheet's part into the package (once per sheet), all columns at once."""
        rows = check_columns(data)
        self.write_sheet_body(
            sheet, frame, SheetBody(lead, [data], rows, len(data), first_data_row)
        )

    def write_sheet_body(self, sheet: SheetHandle, frame: SheetFrame, body: SheetBody) -> None:
        """Stream the sheet's part into the package, its rows arriving block by block."""
        if sheet.index >= len(self._names) or self._names[sheet.index] != sheet.name:
            raise ValueError(f"sheet {sheet.name!r} was not added to this workbook")
        if sheet.index in self._written:
            raise ValueError(f"sheet {sheet.name!r} is already written")
        dimension = check_sheet(body.lead, body.rows, body.columns, body.first_data_row)
        self._written.add(sheet.index)
        part = worksheet_part(frame, body, self.endings, dimension, selected=sheet.index == 0)
        cells = body.rows * body.columns + len(body.lead)
        try:
            self._write(f"xl/worksheets/sheet{sheet.index + 1}.xml", part, cells * BYTES_PER_CELL)
        except BaseException as error:
            self._broken = f"sheet {sheet.name!r} was cut short: {error}"
            raise
        self._name_ranges(sheet, frame, body.columns, body.first_data_row + body.rows)

    def _name_ranges(self, sheet: SheetHandle, frame: SheetFrame, width: int, last: int) -> None:
        reference = sheet_reference(sheet.name)
        if frame.print_setup and frame.print_setup.title_rows:
            rows = f"$1:${frame.print_setup.title_rows}"
            self._defined.append(
                _DefinedName("_xlnm.Print_Titles", sheet.index, f"{reference}!{rows}")
            )
        ranged = filter_range(frame, width, last)
        if ranged:
            value = f"{reference}!{ranged}"
            self._defined.append(_DefinedName("_xlnm._FilterDatabase", sheet.index, value, True))

    def close(self) -> None:
        """Write the remaining parts (empty sheets for any never written) and the zip index."""
        if self._closed:
            return
        if self._broken:
            self._zip.close()
            self._closed = True
            raise ValueError(f"the workbook is incomplete: {self._broken}")
        for index, name in enumerate(self._names):
            if index not in self._written:
                self.write_sheet(SheetHandle(index, name), SheetFrame(), (), (), 0)
        self._write("xl/sharedStrings.xml", self.strings.part(), self._strings_size())
        self._write("xl/styles.xml", [STYLESHEET.encode()])
        self._write("xl/workbook.xml", [self._workbook().encode()])
        self._write("xl/_rels/workbook.xml.rels", [self._workbook_rels().encode()])
        self._write("docProps/core.xml", [self._core().encode()])
        self._write("docProps/app.xml", [self._app().encode()])
        self._write("_rels/.rels", [_ROOT_RELS.encode()])
        self._write("[Content_Types].xml", [self._content_types().encode()])
        self._zip.close()
        self._closed = True

    def _strings_size(self) -> int:
        """An upper bound of the shared-string part's size."""
        characters = sum(len(text) for text in self.strings)
        return characters * BYTES_PER_CHARACTER + len(self.strings) * BYTES_PER_CELL

    def _write(self, name: str, chunks: Iterable[bytes], size_bound: int = 0) -> None:
        """One part, streamed; ZIP64 only when the part could outgrow a classic zip entry."""
        entry = ZipInfo(name, date_time=ZIP_EPOCH)
        entry.compress_type = ZIP_DEFLATED
        with self._zip.open(entry, "w", force_zip64=size_bound >= ZIP64_FROM_BYTES) as stream:
            for chunk in chunks:
                stream.write(chunk)

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{attribute(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._names, start=1)
        )
        ordered = sorted(self._defined, key=lambda d: (d.name.removeprefix("_xlnm."), d.sheet))
        names = "".join(
            f'<definedName name="{d.name}" localSheetId="{d.sheet}"{HIDDEN if d.hidden else ""}>'
            f"{element_text(d.value)}</definedName>"
            for d in ordered
        )
        defined = f"<definedNames>{names}</definedNames>" if names else ""
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            f"{defined}</workbook>"
        )

    def _workbook_rels(self) -> str:
        count = len(self._names)
        sheets = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        return (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL}">{sheets}'
            f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{count + 2}" Type="{REL}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        )

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{TYPE}.worksheet+xml"/>'
            for i in range(1, len(self._names) + 1)
        )
        return (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>{sheets}'
            f'<Override PartName="/xl/styles.xml" ContentType="{TYPE}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>"
        )

    def _core(self) -> str:
        p = self.properties
        stamp = p.created.strftime("%Y-%m-%dT%H:%M:%SZ") if p.created else ""
        dates = (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            if stamp
            else ""
        )
        return (
            f"{XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{element_text(p.title)}</dc:title>"
            f"<dc:creator>{element_text(p.author)}</dc:creator>"
            f"<cp:lastModifiedBy>{element_text(p.author)}</cp:lastModifiedBy>{dates}"
            "</cp:coreProperties>"
        )

    def _app(self) -> str:
        p = self.properties
        return (
            f"{XML_HEAD}<Properties "
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>{element_text(p.application)}</Application>"
            f"<Company>{element_text(p.company)}</Company></Properties>"
        )


_ROOT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_REL}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
