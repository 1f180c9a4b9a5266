"""The one stylesheet every workbook carries, and the cell style ids that point into it.

Fonts are named explicitly (no theme part is written, so nothing may refer to theme colours).
"""

from __future__ import annotations

from enum import IntEnum


class Style(IntEnum):
    """Cell format (`cellXfs`) indexes; `QUOTED*` keep formula-like text as text when edited."""

    NORMAL = 0
    TITLE = 1
    HEADER = 2
    WRAP = 3
    QUOTED = 4
    QUOTED_WRAP = 5


_TOP_WRAP = '<alignment vertical="top" wrapText="1"/>'
_CELL_FORMATS = (
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    f'applyBorder="1" applyAlignment="1">{_TOP_WRAP}</xf>',
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{_TOP_WRAP}'
    "</xf>",
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>',
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" '
    f'applyAlignment="1">{_TOP_WRAP}</xf>',
)


def _font(size: int, bold: bool = False) -> str:
    weight = "<b/>" if bold else ""
    return f'<font>{weight}<sz val="{size}"/><color rgb="FF000000"/><name val="Calibri"/>' \
        '<family val="2"/></font>'  # fmt: skip


STYLESHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<fonts count="3">{_font(11)}{_font(12, bold=True)}{_font(11, bold=True)}</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_CELL_FORMATS)}">{"".join(_CELL_FORMATS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)
