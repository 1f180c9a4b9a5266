"""Text of a PDF page as placed lines: where each line of text is drawn and how large.

pypdf hands every text-showing operation to a visitor with the current text and graphics
matrices; LibreOffice draws one such operation per line of a cell, so each `Placed` is one
printed line of one cell (or of the page header or footer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader


@dataclass(frozen=True, slots=True)
class Placed:
    """A line of text: its left edge and baseline (points from the bottom left) and the size
    it prints at (the font size scaled by both matrices)."""

    x: float
    y: float
    points: float
    text: str


def placed_lines(page: PageObject) -> list[Placed]:
    """Every non-blank line of text on a page, in drawing order."""
    found: list[Placed] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        scale = abs(tm[3] or tm[0]) * abs(cm[3] or cm[0])
        found.append(Placed(x, y, size * scale, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def pages_by_title(reader: PdfReader, marker: str) -> dict[str, list[list[Placed]]]:
    """Pages grouped by the text after `marker` in their page header (the listing's name)."""
    grouped: dict[str, list[list[Placed]]] = {}
    for page in reader.pages:
        lines = placed_lines(page)
        title = next((ln.text.split(marker, 1)[1] for ln in lines if marker in ln.text), "")
        grouped.setdefault(title.strip(), []).append(lines)
    return grouped
