"""Lay a casebook out as PDF (fpdf2): a header on every page with protocol, subject and
"Page n of N", a footer with the audit-chain anchor and the content digest, then the sections.

DejaVu Sans Condensed is bundled (Bitstream Vera licence, beside it) so every character a
site types (names, arrows, accents) prints as typed, on any laptop, offline. No text is
printed below 8 pt and nothing is cut: long values wrap inside their cell.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from records.casebook import Block, Casebook

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
BODY = 8  # pt: the smallest size printed anywhere
TITLE_TEXT = "Casebook (certified copy)"


class _Document(FPDF):
    """A4 landscape pages whose header and footer name the casebook they belong to."""

    def __init__(self, book: Casebook) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.book = book
        self.digest = book.content_sha256
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSansCondensed.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
        self.set_margins(10, 10, 10)
        self.set_auto_page_break(auto=True, margin=14)
        self.alias_nb_pages("{nb}")
        self.set_title(f"{TITLE_TEXT}: {book.protocol} subject {book.subject}")
        self.set_author(book.extracted_by)
        self.set_creator(f"Lupus trial investigator workbench ({book.versions})")
        self.set_subject(f"Content SHA-256 {self.digest}")
        self.set_keywords(book.anchor)  # uncompressed: `manage.py verify --anchor` reads it

    def header(self) -> None:
        b = self.book
        self.set_font(FAMILY, "B", 9)
        left = f"{b.protocol} · {b.study_id} · Subject {b.subject} · Site {b.site}"
        self.cell(0, 5, left, new_x="LMARGIN", new_y="TOP")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R",
                  new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        self.set_font(FAMILY, "", BODY)
        self.cell(0, 4, f"{TITLE_TEXT} · Database status: {b.database_status} · "
                  f"extracted {b.extracted_at}", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
        self.line(10, self.get_y() + 1, self.w - 10, self.get_y() + 1)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", BODY)
        self.multi_cell(0, 3.5, f"{self.book.anchor}\nContent SHA-256: {self.digest}")


def casebook_pdf(book: Casebook) -> bytes:
    """The casebook as PDF bytes."""
    pdf = _Document(book)
    pdf.add_page()
    _cover(pdf, book)
    for section in book.sections:
        pdf.add_page()
        pdf.start_section(section.heading)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, 7, section.heading, new_x="LMARGIN", new_y="NEXT")
        for block in section.blocks:
            _block(pdf, block)
    return bytes(pdf.output())


def _cover(pdf: _Document, book: Casebook) -> None:
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(0, 8, f"{TITLE_TEXT}: subject {book.subject}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    lines = (
        f"Study: {book.study_title}",
        f"Protocol: {book.protocol}; {book.study_id}; sponsor: {book.sponsor}",
        f"Site: {book.site}",
        f"Database status: {book.database_status}",
        f"Extracted (UTC): {book.extracted_at} by {book.extracted_by}",
        f"Versions: {book.versions}",
        book.anchor,
        f"Content SHA-256: {pdf.digest}",
        "",
        "Every form of every visit with its values, units and derived scores; adverse events "
        "and medications; queries, source data verification and electronic signatures with "
        "their manifestation (printed name, time, meaning); and the audit history of the "
        "subject's data. Values are printed as stored, never rounded; a decode replaces its "
        "code. The content digest is a SHA-256 over the printed content and does not change "
        "when unchanged data are printed again; the audit-chain anchor lets "
        "`manage.py verify --anchor` prove the trail still extends what was printed.",
    )
    for line in lines:
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")


def _block(pdf: _Document, block: Block) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(0, 5.5, block.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", BODY)
    if block.caption:
        pdf.multi_cell(0, 4, block.caption, new_x="LMARGIN", new_y="NEXT")
    if not block.rows:
        return
    if block.layout == "table":
        _table(pdf, block.headers, block.rows)
    else:
        for row in block.rows:
            pairs = [(h, v) for h, v in zip(block.headers, row, strict=True) if v]
            _table(pdf, ("Field", "Value"), tuple(pairs), widths=(1, 3), heading=False)
            pdf.ln(1.5)


def _table(
    pdf: _Document,
    headers: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    widths: tuple[int, ...] | None = None,
    heading: bool = True,
) -> None:
    """A table whose column widths follow the length of what they hold; headings repeat on
    every page it spans."""
    widths = widths or _widths(headers, rows)
    bold = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=widths,
        headings_style=bold,
        first_row_as_headings=heading,
        line_height=3.8,
        text_align="LEFT",
        padding=0.8,
        repeat_headings=1,
    ) as table:
        if heading:
            table.row(headers)
        for values in rows:
            table.row(values)


def _widths(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> tuple[int, ...]:
    """Width in proportion to the longest value (a header counts by its longest word), capped
    so one long text column cannot squeeze the others to nothing."""
    longest = [max((len(w) for w in h.split()), default=1) for h in headers]
    for row in rows[:500]:
        longest = [max(n, min(len(v), 60)) for n, v in zip(longest, row, strict=True)]
    return tuple(max(n, 4) for n in longest)
