"""Text as SpreadsheetML stores it: XML-escaped, with Excel's `_xHHHH_` escapes for characters
XML 1.0 cannot carry (and for literal `_xHHHH_` text, so it reads back unchanged)."""

from __future__ import annotations

import re
from functools import lru_cache

_NEEDS_WORK = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_LITERAL_ESCAPE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """Escape a text cell value for a `<t>` element (CR becomes `_x000D_`, as Excel writes)."""
    if _NEEDS_WORK.search(text) is None:
        return text
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def attribute(text: str) -> str:
    """Escape text for an XML attribute value in double quotes; drops what XML cannot carry."""
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def element_text(text: str) -> str:
    """Escape text for an ordinary XML element (document properties, header/footer)."""
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """Excel column letters for a zero-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_reference(name: str) -> str:
    """A sheet name as formulas and defined names refer to it: quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"
