"""The subject casebook as PDF (REQ-EXP-01): read through records, laid out by fpdf2, audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from exports.casebook.pdf import casebook_pdf
from records.casebook import Casebook, read_casebook
from records.context import Workbench
from records.export_log import Actor, audit_export

__all__ = ["CasebookExport", "build_casebook", "casebook_pdf"]


@dataclass(frozen=True, slots=True)
class CasebookExport:
    """The PDF and what a page or the CLI says about it."""

    content: bytes
    book: Casebook

    @property
    def file_name(self) -> str:
        return self.book.file_name


def build_casebook(wb: Workbench, actor: Actor, subject_id: int) -> CasebookExport:
    """Read the subject's casebook in one snapshot, render it, and log the export."""
    book = read_casebook(wb, actor, subject_id)
    content = casebook_pdf(book)
    audit_export(wb, actor, "casebook", {
        "subject": book.subject, "file_name": book.file_name, "bytes": len(content),
        "pdf_sha256": hashlib.sha256(content).hexdigest(),
        "content_sha256": book.content_sha256, "anchor": book.anchor,
    })  # fmt: skip
    return CasebookExport(content, book)
