"""`manage.py export casebook|archive`: write the PDF or the zip and say what was written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from exports.whole_file import whole_file
from records.context import Workbench
from records.errors import ValidationFailed
from records.export_log import Actor

SubjectIds = Callable[[Workbench, tuple[str, ...] | None], tuple[int, ...] | None]


def run_bundle_export(
    wb: Workbench,
    actor: Actor,
    what: str,
    out: Path,
    subjects: list[str],
    listing_options: bool,
    subject_ids: SubjectIds,
) -> int:
    """Exit 0 when written; options that do not apply are refused, not ignored."""
    if listing_options:
        raise ValidationFailed({"export": "--data-cut and --audit apply to listings"})
    if what == "casebook":
        if len(subjects) != 1:
            raise ValidationFailed({"subject": "a casebook is one subject's: give --subject once"})
        from exports.casebook import build_casebook

        ids = subject_ids(wb, tuple(subjects)) or ()
        export = build_casebook(wb, actor, ids[0])
        with whole_file(out) as partial:
            partial.write_bytes(export.content)
        print(f"wrote {out} ({len(export.content):,} bytes): casebook of {export.book.subject}, "
              f"content SHA-256 {export.book.content_sha256}")  # fmt: skip
        print(export.book.anchor)
        return 0
    if subjects:
        raise ValidationFailed({"subject": "the site archive holds every subject"})
    from exports.site_archive import build_site_archive

    archive = build_site_archive(wb, actor, out, progress=lambda text: print(text, flush=True))
    print(f"wrote {out}: {archive.subjects} casebooks, listings, {archive.audit_rows:,} audit "
          f"rows, ODM; {len(archive.files)} files with their SHA-256 in manifest.json")  # fmt: skip
    print(archive.anchor)
    return 0
