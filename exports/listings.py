"""The regulator listings workbook: cover, one sheet per ICH E3 16.2 listing, dictionary,
codelists and an optional audit-trail extract, built in one call and audited as an export.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from exports.xlsx_book import EXCEL_ROWS, Book, BookProperties, SheetHandle
from exports.xlsx_workbook import (
    CellBlocks,
    CellKind,
    SheetColumn,
    SheetLayout,
    SheetResult,
    SheetWriter,
    canonical_cells,
    open_workbook,
)
from records.context import Workbench
from records.errors import ValidationFailed
from records.export_log import Actor, audit_export
from records.listings import Listing, Scope
from records.listings.snapshot import AuditRange, read_snapshot
from records.permissions import require
from records.sites import subject_ids_in
from study.schema import StudyDefinition
from version import APP_VERSION

CELL_KIND: dict[str, CellKind] = {
    "id": "text", "text": "text", "longtext": "text", "code": "text", "date": "date",
    "datetime": "datetime", "int": "number", "float": "number", "day": "number",
}  # fmt: skip
COVER = "Cover"
BLOCK_ROWS = 50_000  # rows read, made canonical and written at a time (bounds the memory)
SERIALISATION = (
    "SHA-256 of each sheet = SHA-256 of one compact UTF-8 JSON array: the column labels, then "
    "each data row below them as an array of the cell values as stored (blank = null)"
)


@dataclass(frozen=True, slots=True)
class ListingOptions:
    """Export scope: all subjects or a selection (database ids), data cut, audit-trail extract."""

    subject_ids: tuple[int, ...] | None = None
    data_cut: date | None = None
    include_audit: bool = False
    audit_from: date | None = None
    audit_to: date | None = None


@dataclass(frozen=True, slots=True)
class ListingsExport:
    """The workbook bytes with its file name and what the cover attests for each sheet."""

    content: bytes
    file_name: str
    sheets: tuple[SheetResult, ...]
    exported_at: str


def listings_file_name(study: StudyDefinition, data_cut: date | None) -> str:
    """File name carrying protocol, NCT number and data cut, safe on every file system."""
    cut = f"cut-{data_cut.isoformat()}" if data_cut else "all-data"
    name = f"{study.study.protocol}_{study.study.id}_listings_{cut}.xlsx"
    return re.sub(r"[^A-Za-z0-9._-]", "-", name)


def build_listings_workbook(wb: Workbench, actor: Actor, options: ListingOptions) -> bytes:
    """The listings workbook as bytes (see `build_listings_export`)."""
    return build_listings_export(wb, actor, options).content


def build_listings_export(wb: Workbench, actor: Actor, options: ListingOptions) -> ListingsExport:
    """Check permission and options, read one snapshot, write the workbook, audit the export."""
    export = unlogged_listings_export(wb, actor, options)
    _audit(wb, actor, options, export.file_name, export.sheets)
    return export


def unlogged_listings_export(
    wb: Workbench, actor: Actor, options: ListingOptions
) -> ListingsExport:
    """The workbook without its audit row: for a bundle (the site archive) that logs itself
    once, so the audit chain does not move while the bundle is being made."""
    require(actor, "export")
    if options.include_audit:
        require(actor, "read_audit")
    _validate(options)
    exported_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    audit = AuditRange(options.audit_from, options.audit_to) if options.include_audit else None
    subjects = subject_ids_in(wb, options.subject_ids)  # an account's sites only (#16)
    snapshot = read_snapshot(wb.engine, wb.study, Scope(subjects, options.data_cut), audit)
    stamp = _Stamp(actor, exported_at, snapshot.database_status, options, snapshot.anchor)
    content, results = _write(wb.study, list(snapshot.sheets), stamp)
    file_name = listings_file_name(wb.study, options.data_cut)
    return ListingsExport(content, file_name, results, exported_at)


def _validate(options: ListingOptions) -> None:
    errors = {}
    if options.audit_from and options.audit_to and options.audit_from > options.audit_to:
        errors["audit_to"] = "must not be before audit_from"
    if errors:
        raise ValidationFailed(errors)


@dataclass(frozen=True, slots=True)
class _Stamp:
    actor: Actor
    exported_at: str
    status: str
    options: ListingOptions
    anchor: str = ""


def _write(
    study: StudyDefinition, sheets: list[Listing], stamp: _Stamp
) -> tuple[bytes, tuple[SheetResult, ...]]:
    buffer = io.BytesIO()
    properties = BookProperties(
        title=f"{study.study.protocol} patient data listings",
        author=stamp.actor.full_name,
        company=study.study.sponsor,
        created=datetime.strptime(stamp.exported_at, "%Y-%m-%dT%H:%M:%SZ"),
    )
    book = open_workbook(buffer, properties)
    writer = SheetWriter(book)
    cover = book.add_sheet(COVER)
    written = [
        (listing, result)
        for listing in sheets
        for result in _write_listing(book, writer, study, listing, stamp)
    ]
    _write_cover(writer, cover, study, written, stamp)
    book.close()
    return buffer.getvalue(), tuple(result for _, result in written)


def sheet_parts(sheet: str, rows: int, capacity: int) -> list[tuple[str, range]]:
    """The sheets a listing needs: one, or, beyond Excel's row limit, continuation sheets
    named `… (2)`, `… (3)` (cut to Excel's 31 characters), each with its range of rows."""
    if rows <= capacity:
        return [(sheet, range(rows))]
    parts = []
    for k, start in enumerate(range(0, rows, capacity), start=1):
        suffix = f" ({k})" if k > 1 else ""
        name = sheet[: 31 - len(suffix)].rstrip() + suffix
        parts.append((name, range(start, min(start + capacity, rows))))
    return parts


def _write_listing(
    book: Book, writer: SheetWriter, study: StudyDefinition, listing: Listing, stamp: _Stamp
) -> list[SheetResult]:
    """One listing, on as many sheets as its rows need, read and written a block at a time."""
    columns = [
        SheetColumn(c.label, CELL_KIND[c.kind], c.kind == "longtext") for c in listing.columns
    ]
    blocks = CellBlocks(
        [
            canonical_cells(frame[c.name].tolist(), frame[c.name].isna().tolist(), column.kind)
            for c, column in zip(listing.columns, columns, strict=True)
        ]
        for frame in listing.frames(BLOCK_ROWS)
    )
    header = sheet_header(study, listing, stamp.options.data_cut, stamp.status)
    capacity = EXCEL_ROWS - len(header) - 3  # the header block, a part line, blank, labels
    total = listing.row_count
    parts = sheet_parts(listing.sheet, total, capacity)
    results = []
    for k, (name, rows) in enumerate(parts, start=1):
        of = f"Part {k} of {len(parts)}: rows {rows.start + 1}–{rows.stop} of {total}"
        layout = SheetLayout(
            header_lines=(*header, of) if len(parts) > 1 else header,
            freeze_columns=sum(1 for c in listing.columns[:3] if c.key),
            print_header=f"{study.study.protocol} {study.study.id} – Listing {listing.number}",
            print_footer=f"{listing.title}; data cut {stamp.options.data_cut or 'none'}",
        )
        sheet = book.add_sheet(name)
        results.append(
            writer.write_blocks(sheet, layout, columns, blocks.take(len(rows)), len(rows))
        )
    return results


def sheet_header(
    study: StudyDefinition, listing: Listing, data_cut: date | None, status: str
) -> tuple[str, ...]:
    """The header block of a listing sheet: no timestamps, so sheet data stay reproducible."""
    s = study.study
    cut = data_cut.isoformat() if data_cut else "none (all data in the database)"
    return (
        f"{s.sponsor} – Protocol {s.protocol} ({s.id}): {s.title}",
        f"Listing {listing.number}: {listing.title}"
        if listing.number[0].isdigit()
        else listing.title,
        f"Population: {listing.population}",
        f"Data cut: {cut}; database status: {status}",
        f"Source: {listing.source}",
        *(f"Note: {note}" for note in listing.notes),
    )


def _write_cover(
    writer: SheetWriter,
    cover: SheetHandle,
    study: StudyDefinition,
    written: list[tuple[Listing, SheetResult]],
    stamp: _Stamp,
) -> None:
    """Cover: study, cut, who/when/versions, scope, then contents with rows and SHA-256."""
    columns = [
        SheetColumn("Sheet"),
        SheetColumn("Listing"),
        SheetColumn("Title", wrap=True),
        SheetColumn("Rows", "number"),
        SheetColumn("SHA-256 of sheet data"),
    ]
    cells: list[list[Any]] = [
        [r.name for _, r in written],
        [s.number for s, _ in written],
        [s.title for s, _ in written],
        [r.rows for _, r in written],
        [r.sha256 for _, r in written],
    ]
    layout = SheetLayout(
        cover_lines(study, stamp, tuple(r for _, r in written)),
        freeze_columns=1,
        print_header=f"{study.study.protocol} {study.study.id} – listings",
        print_footer=f"Exported {stamp.exported_at}",
    )
    writer.write(cover, layout, columns, cells)


def cover_lines(
    study: StudyDefinition, stamp: _Stamp, results: tuple[SheetResult, ...]
) -> tuple[str, ...]:
    """The cover's header block (the only place with the export time and the user)."""
    s, o, a = study.study, stamp.options, stamp.actor
    cut = (
        f"{o.data_cut.isoformat()} (clinical data dated up to and including this day)"
        if o.data_cut
        else "none (all data in the database)"
    )
    scope = "all subjects" if o.subject_ids is None else f"subject ids {list(o.subject_ids)}"
    audit = _audit_text(o, results)
    digest = hashlib.sha256("".join(r.sha256 for r in results).encode()).hexdigest()
    return (
        "Patient data listings (ICH E3 appendix 16.2)",
        f"Sponsor: {s.sponsor}",
        f"Protocol: {s.protocol}",
        f"NCT number: {s.id}",
        f"Title: {s.title}",
        f"Data cut: {cut}",
        f"Extracted (UTC): {stamp.exported_at}",
        f"Database status: {stamp.status}",
        *((stamp.anchor,) if stamp.anchor else ()),
        f"Exported by: {a.full_name} ({a.username}, {a.role})",
        f"Application version: {APP_VERSION}; study definition version: {s.definition_version}",
        f"Scope: {scope}; audit trail: {audit}",
        *_audit_warning(o, results),
        SERIALISATION,
        f"SHA-256 over the sheet digests below, in order: {digest}",
    )


AUDIT_SHEET = "Audit trail"


def _audit_rows(results: tuple[SheetResult, ...]) -> tuple[int, int]:
    """(audit-trail rows, data rows of the listings) as written."""
    audit = sum(r.rows for r in results if r.name.startswith(AUDIT_SHEET))
    skip = (AUDIT_SHEET, "Data dictionary", "Codelists")
    data = sum(r.rows for r in results if not r.name.startswith(skip))
    return audit, data


def _audit_text(o: ListingOptions, results: tuple[SheetResult, ...]) -> str:
    """The audit trail on the cover: its range and its row count (issue #10)."""
    if not o.include_audit:
        return "not included"
    rows, _ = _audit_rows(results)
    span = f"{o.audit_from or 'start'} to {o.audit_to or 'the export'} (UTC)"
    return f"included, {rows} rows, every change of the subjects in scope from {span}"


def _audit_warning(o: ListingOptions, results: tuple[SheetResult, ...]) -> tuple[str, ...]:
    """A warning line when the audit trail is empty beside listings that hold data."""
    rows, data = _audit_rows(results)
    if not o.include_audit or rows or not data:
        return ()
    return (f"WARNING: the audit trail holds 0 rows beside {data} data rows: check its range",)


def _audit(
    wb: Workbench,
    actor: Actor,
    options: ListingOptions,
    file_name: str,
    results: tuple[SheetResult, ...],
) -> None:
    """One audit row for the export, in its own write transaction (REQ: exports are logged)."""
    payload = {
        "options": {
            k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(options).items()
        },
        "file_name": file_name,
        "sheets": {r.name: {"rows": r.rows, "sha256": r.sha256} for r in results},
    }
    digest = hashlib.sha256("".join(r.sha256 for r in results).encode()).hexdigest()
    payload["workbook_data_sha256"] = digest
    audit_export(wb, actor, "listings", payload)
