"""The shared-string table, and the cached cell endings that refer to it.

Each distinct text is escaped once, when first seen; a cell then costs one dict lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from exports.ooxml.escape import cell_text
from exports.ooxml.styles import Style


class SharedStrings(dict[str, int]):
    """Text → index in `xl/sharedStrings.xml`, in first-seen order (so output is stable)."""

    def __missing__(self, text: str) -> int:
        index = self[text] = len(self)
        return index

    def part(self) -> Iterator[bytes]:
        """The sharedStrings part, in chunks."""
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'uniqueCount="{len(self)}">'
        ).encode()
        chunk: list[str] = []
        for text in self:
            chunk.append(f'<si><t xml:space="preserve">{cell_text(text)}</t></si>')
            if len(chunk) == 10_000:
                yield "".join(chunk).encode()
                chunk.clear()
        chunk.append("</sst>")
        yield "".join(chunk).encode()


class TextEndings(dict[str, str]):
    """Text → the end of its cell element after the reference (`… t="s"><v>7</v></c>`).

    `restyle(text, style)` may swap the style for a particular text (the quote prefix for text
    that starts like a formula); it runs once per distinct text.
    """

    def __init__(
        self, strings: SharedStrings, style: Style, restyle: Callable[[str, Style], Style]
    ) -> None:
        super().__init__()
        self.strings, self.style, self.restyle = strings, style, restyle

    def __missing__(self, text: str) -> str:
        style = self.restyle(text, self.style)
        styled = f' s="{int(style)}"' if style else ""
        ending = self[text] = f'{styled} t="s"><v>{self.strings[text]}</v></c>'
        return ending
