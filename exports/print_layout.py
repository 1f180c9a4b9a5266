"""How a listing sheet prints: row heights for wrapped text and the page scale (#15).

A spreadsheet application sizes rows to wrapped text only on screen and only sometimes on
import (LibreOffice's PDF of the old workbook printed wrapped column labels over the first
data row), so the heights are written. Text is never printed below 8 pt: a listing that fits
the page width at 8 pt or more is scaled to the width; a wider one keeps the smallest
readable scale and continues over further pages, with its key columns repeated on each.

Widths are in Excel's characters (the width of the digit 0 of the body font); a line of
proportional text holds more characters than that on average, so line counts here err on
the side of a taller row, never a clipped one.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

BODY_POINTS = 11  # Calibri 11, the workbook's body font
MIN_PRINT_POINTS = 8
LINE_POINTS = 15.0  # Excel's default row height for an 11 pt font
TITLE_LINE_POINTS = 16.5  # the same for the 12 pt bold title
TITLE_WIDTH_FACTOR = 0.8  # bold 12 pt takes about a fifth more width than body text
MAX_ROW_POINTS = 409.0  # Excel's largest row height
PAGE_WIDTH_POINTS = 11 * 72  # US Letter, landscape
SIDE_MARGIN_INCHES = 0.7
PIXELS_PER_CHARACTER, CELL_PADDING_PIXELS = 7, 5  # Calibri 11: Excel's width-to-pixel rule
POINTS_PER_PIXEL = 0.75
MIN_SCALE_PERCENT = math.ceil(100 * MIN_PRINT_POINTS / BODY_POINTS)  # 73 % of 11 pt ≥ 8 pt
# Applications measure a character a little differently (LibreOffice's Carlito runs about 6 %
# wider than Excel's rule), and a fit is theirs to compute: fit only with this much to spare.
FIT_SAFETY = 0.9


@dataclass(frozen=True, slots=True)
class PageScale:
    """Either fit the sheet to one page wide (`fit_width`) or print at `percent` and let the
    columns continue over further pages (with the key columns repeated)."""

    fit_width: bool
    percent: int
    printed_points: float


def column_points(width: float) -> float:
    """A column's printed width in points for its width in characters."""
    return int(width * PIXELS_PER_CHARACTER + CELL_PADDING_PIXELS) * POINTS_PER_PIXEL


PRINTABLE_POINTS = PAGE_WIDTH_POINTS - 2 * SIDE_MARGIN_INCHES * 72


def page_scale(widths: Sequence[float]) -> PageScale:
    """Fit to the page width when that keeps the body text at 8 pt or more; else the smallest
    scale that does, the sheet then continuing over pages to the right."""
    printable = PRINTABLE_POINTS
    total = sum(column_points(w) for w in widths) or printable
    fit = min(1.0, printable / total)
    if fit * BODY_POINTS * FIT_SAFETY >= MIN_PRINT_POINTS:
        return PageScale(True, math.floor(fit * 100), fit * BODY_POINTS)
    return PageScale(False, MIN_SCALE_PERCENT, MIN_SCALE_PERCENT * BODY_POINTS / 100)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped at word boundaries in a column `width` wide."""
    per_line = max(1, int(width) - 1)
    return sum(
        max(1, len(textwrap.wrap(paragraph, per_line, break_long_words=True)))
        for paragraph in text.split("\n")
    )


def row_points(lines: int, line_points: float = LINE_POINTS) -> float:
    """The height of a row holding `lines` lines of text (Excel caps rows at 409 pt)."""
    return min(MAX_ROW_POINTS, max(1, lines) * line_points)


def quick_lines(text: str, width: float) -> int:
    """`wrapped_lines`, but free for text that plainly fits on one line (most cells)."""
    if len(text) < width - 1 and "\n" not in text:
        return 1
    return wrapped_lines(text, width)


def first_page_columns(widths: Sequence[float], scale: PageScale) -> int:
    """How many leading columns print on the first page (at least one): the span a header
    line may use without running onto the next page or widening the fit."""
    room = PRINTABLE_POINTS * 100 / scale.percent if not scale.fit_width else math.inf
    used, count = 0.0, 0
    for width in widths:
        used += column_points(width)
        if used > room:
            break
        count += 1
    return max(1, count)


def spanned_width(widths: Sequence[float]) -> float:
    """The width in characters of adjacent columns merged into one cell."""
    return sum(column_points(w) for w in widths) / POINTS_PER_PIXEL / PIXELS_PER_CHARACTER
