"""The site archive (REQ-EXP-04): one zip the site keeps, readable without the workbench.

Inside: every subject's casebook (PDF), the listings workbook, the full audit trail (CSV), the
CDISC ODM archive, a README, `manifest.json` (SHA-256 and size of every file, the audit-chain
anchor) and `SHA256SUMS` (so `sha256sum -c SHA256SUMS` checks the files on any computer).

The parts are read one after another, so the archive is refused if the audit chain moved while
it was being made: every part then shows the database at the anchor in the manifest. The parts
are not logged one by one (that would move the chain); the archive is logged once, at the end.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from exports.casebook.pdf import casebook_pdf
from exports.csv_file import frame_to_exact_csv_bytes
from exports.listings import ListingOptions, unlogged_listings_export
from exports.odm.archive import odm_bytes
from exports.whole_file import whole_file
from records.casebook import read_casebook
from records.context import Workbench
from records.errors import ValidationFailed
from records.export_log import Actor, audit_export
from records.integrity import current_anchor
from records.listings.model import Scope
from records.listings.snapshot import AuditRange, read_audit_trail
from records.permissions import require
from records.sites import require_every_site
from records.subjects import subject_frame
from version import APP_VERSION

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class SiteArchive:
    """What was written: the zip, its files and the anchor all parts were read at."""

    out: Path
    files: tuple[ArchivedFile, ...]
    anchor: str
    subjects: int
    audit_rows: int


def build_site_archive(
    wb: Workbench, actor: Actor, out: Path, progress: Progress | None = None
) -> SiteArchive:
    """Write the archive to `out`: built beside it, logged, and only then moved in place, so
    an archive on disk always has its audit row (and a failed log leaves no archive)."""
    require(actor, "export")
    require(actor, "read_audit")
    require_every_site(wb, "the site archive (its audit trail is the study's)")
    say = progress or (lambda _text: None)
    anchor = current_anchor(wb.engine)
    files: list[ArchivedFile] = []
    subjects = subject_frame(wb)
    with whole_file(out) as partial:
        audit_rows = _write_parts(wb, actor, partial, files, subjects, anchor, say)
        audit_export(wb, actor, "archive", {
            "file": str(out), "sha256": hashlib.sha256(partial.read_bytes()).hexdigest(),
            "anchor": anchor, "files": {f.path: f.sha256 for f in files},
        })  # fmt: skip
    return SiteArchive(out, tuple(files), anchor, len(subjects), audit_rows)


def _write_parts(
    wb: Workbench,
    actor: Actor,
    partial: Path,
    files: list[ArchivedFile],
    subjects: pd.DataFrame,
    anchor: str,
    say: Progress,
) -> int:
    """Write every part into the zip at `partial`; returns the audit rows archived."""
    protocol = wb.study.study.protocol
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:

        def put(path: str, data: bytes) -> None:
            zf.writestr(path, data)
            files.append(ArchivedFile(path, len(data), hashlib.sha256(data).hexdigest()))

        for i, (subject_id, number) in enumerate(
            zip(subjects["id"], subjects["screening_number"], strict=True), start=1
        ):
            say(f"Casebook {i} of {len(subjects)}: subject {number}")
            book = read_casebook(wb, actor, int(subject_id))
            put(f"casebooks/{book.file_name}", casebook_pdf(book))
        say("Listings workbook")
        listings = unlogged_listings_export(wb, actor, ListingOptions())
        put(f"listings/{listings.file_name}", listings.content)
        say("Audit trail")
        audit_csv, audit_rows = _audit_trail_csv(wb)
        put(f"audit/audit-trail-{protocol}.csv", audit_csv)
        say("CDISC ODM archive")
        put(f"odm/{protocol}-odm-1.3.2.xml", odm_bytes(wb, actor))
        after = current_anchor(wb.engine)
        if after != anchor:
            raise ValidationFailed({"archive": (
                "the database changed while the archive was being made "
                f"({anchor} became {after}); make it again"
            )})  # fmt: skip
        put("README.txt", _readme(wb, anchor).encode("utf-8"))
        manifest = _manifest(wb, actor, anchor, files, len(subjects), audit_rows)
        sums = "".join(f"{f.sha256}  {f.path}\n" for f in files)
        zf.writestr("SHA256SUMS", sums)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return audit_rows


def _audit_trail_csv(wb: Workbench) -> tuple[bytes, int]:
    """Every audit row of the study (its chain hash included), in id order, as one CSV.

    Text is written as read (not neutralised for spreadsheets, so a value starting with = or +
    reads as entered); this CSV is for reading, not for recomputing the chain, which hashes
    columns (ids, the previous hash) the listing shows decoded. Import it as text."""
    trail = read_audit_trail(wb.engine, wb.study, Scope(), AuditRange())
    labels = {c.name: c.label for c in trail.columns}
    parts, rows = [], 0
    for frame in trail.frames(20_000):
        data = frame_to_exact_csv_bytes(frame.rename(columns=labels))
        parts.append(data if rows == 0 else data.split(b"\r\n", 1)[1])
        rows += len(frame)
    return b"".join(parts), rows


def _manifest(
    wb: Workbench,
    actor: Actor,
    anchor: str,
    files: list[ArchivedFile],
    subjects: int,
    audit_rows: int,
) -> dict[str, object]:
    s = wb.study.study
    return {
        "archive": "site archive (REQ-EXP-04)",
        "protocol": s.protocol,
        "study": s.id,
        "site": f"{wb.study.site.code} {wb.study.site.name}",
        "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "created_by": f"{actor.full_name} ({actor.username}, {actor.role})",
        "application_version": APP_VERSION,
        "study_definition_version": s.definition_version,
        "anchor": anchor.split(": ", 1)[1],
        "anchor_line": anchor,
        "subjects": subjects,
        "audit_rows": audit_rows,
        "files": [{"path": f.path, "bytes": f.size, "sha256": f.sha256} for f in files],
    }


def _readme(wb: Workbench, anchor: str) -> str:
    s = wb.study.study
    return (
        f"Site archive of {s.protocol} ({s.id}), site {wb.study.site.code}\n\n"
        "casebooks/  one PDF per subject: every form by visit, adverse events, medications,\n"
        "            queries, SDV, signatures with their manifestation, audit history\n"
        "listings/   the patient data listings workbook (ICH E3 16.2)\n"
        "audit/      the full audit trail, one row per change, with its SHA-256 chain hash;\n"
        "            text as entered (not neutralised): import it as text, do not double-click\n"
        "odm/        the CDISC ODM 1.3.2 archive (metadata, data, audit records, signatures)\n\n"
        "Check the files: sha256sum -c SHA256SUMS (manifest.json holds the same digests).\n"
        "Check the live database still extends this archive:\n"
        "  python manage.py verify --anchor <this zip>\n\n"
        f"{anchor}\n"
    )
